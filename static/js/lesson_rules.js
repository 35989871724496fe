// The lesson-done rule on the lesson page. The server decides whether a lesson may be marked
// done; this only keeps the page honest about it: it counts down the time left shown on the
// button (the minimum time, the floor of the other rules, or the wait after a wrong check
// answer), and under the scroll rule it tells the server when the end of the lesson came on
// screen (the server records the time by its own clock).
(function () {
  "use strict";
  var form = document.querySelector("form[data-lesson-rule]");
  if (!form) return;

  var left = parseInt(form.dataset.secondsLeft || "0", 10);
  if (left > 0) {
    var words = { m: form.dataset.wordMinutes, s: form.dataset.wordSeconds };
    var text = function (seconds) {
      var m = Math.floor(seconds / 60), s = seconds % 60, parts = [];
      if (m) parts.push(m + " " + words.m);
      if (s || !m) parts.push(s + " " + words.s);
      return parts.join(" ");
    };
    var timer = window.setInterval(function () {
      left -= 1;
      if (left <= 0) {
        window.clearInterval(timer);
        form.querySelectorAll("[data-time-hint], [data-button-left]").forEach(function (el) {
          el.remove();
        });
        return;
      }
      form.querySelectorAll("[data-time-left]").forEach(function (el) { el.textContent = text(left); });
      form.querySelectorAll("[data-button-left]").forEach(function (el) {
        el.textContent = el.textContent.replace(/\d.*(?=\))/, text(left));
      });
    }, 1000);
  }

  var endUrl = form.dataset.endUrl;
  var end = document.querySelector("[data-lesson-end]");
  if (!endUrl || !end || !("IntersectionObserver" in window)) return;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var observer = new IntersectionObserver(function (entries) {
    if (!entries.some(function (e) { return e.isIntersecting; })) return;
    observer.disconnect();
    fetch(endUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    }).then(function (reply) {
      if (!reply.ok) return;
      var hint = form.querySelector("[data-rule-hint]");
      if (hint) hint.textContent = form.dataset.endText;
    });
  });
  observer.observe(end);
})();
