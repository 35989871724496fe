// Quiz attempt page: save each answer as soon as it changes, show when it was last saved,
// count the time down, and hand in the attempt when the time is up. Without this script the
// page still works: the form's buttons save every answer at once. Options and matching
// answers are named by the attempt's own tokens (value, data-prompt); the script sends them
// back as they are.
(function () {
  "use strict";
  var form = document.querySelector(".quiz-form");
  if (!form) return;
  // The page's words, in the learner's language, from the form's data-text-* attributes.
  var text = {
    saving: form.dataset.textSaving,
    saved: form.dataset.textSaved,
    failed: form.dataset.textFailed,
    closed: form.dataset.textClosed
  };
  var status = document.querySelector("[data-save-status]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var answerUrl = form.dataset.answerUrl;
  var pending = {};      // position -> true while a save is wanted
  var timers = {};       // position -> debounce timer
  var closed = false;

  function setStatus(message, isError) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("is-error", !!isError);
  }

  function responseOf(fieldset) {
    var kind = fieldset.dataset.kind;
    var position = fieldset.dataset.position;
    if (kind === "single" || kind === "truefalse") {
      var checked = fieldset.querySelector("input[type=radio]:checked");
      return checked ? checked.value : null;
    }
    if (kind === "multiple") {
      return Array.prototype.map.call(
        fieldset.querySelectorAll("input[type=checkbox]:checked"),
        function (box) { return box.value; }
      );
    }
    if (kind === "short") {
      return fieldset.querySelector("input[name=q" + position + "]").value;
    }
    if (kind === "matching") {
      var pairs = {};
      fieldset.querySelectorAll("select[data-prompt]").forEach(function (select) {
        if (select.value) pairs[select.dataset.prompt] = select.value;
      });
      return pairs;
    }
    return null;
  }

  function markNavigator(fieldset) {
    var response = responseOf(fieldset);
    var answered = response !== null && response !== "" &&
      !(Array.isArray(response) && response.length === 0) &&
      !(typeof response === "object" && !Array.isArray(response) && Object.keys(response).length === 0);
    var link = document.querySelector("[data-nav='" + fieldset.dataset.position + "']");
    if (link) link.classList.toggle("is-answered", answered);
  }

  function save(fieldset, attempt) {
    if (closed) return;
    var position = fieldset.dataset.position;
    pending[position] = true;
    setStatus(text.saving);
    fetch(answerUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ position: Number(position), response: responseOf(fieldset) })
    }).then(function (reply) {
      return reply.json().then(function (body) { return { status: reply.status, body: body }; });
    }).then(function (result) {
      if (result.body.ok) {
        delete pending[position];
        setStatus(text.saved + " " + result.body.saved_at);
      } else if (result.body.closed) {
        closed = true;
        setStatus(result.body.error, true);
        window.location.href = result.body.result_url;
      } else {
        delete pending[position];
        setStatus(result.body.error, true);
      }
    }).catch(function () {
      // Offline or the server did not answer: keep the answer on the page and try again.
      setStatus(text.failed, true);
      var delay = Math.min(30000, 2000 * Math.pow(2, attempt || 0));
      setTimeout(function () { if (pending[position]) save(fieldset, (attempt || 0) + 1); }, delay);
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (!fieldset) return;
    markNavigator(fieldset);
    clearTimeout(timers[fieldset.dataset.position]);
    save(fieldset);
  });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "text") return;
    var fieldset = event.target.closest("fieldset[data-position]");
    markNavigator(fieldset);
    clearTimeout(timers[fieldset.dataset.position]);
    timers[fieldset.dataset.position] = setTimeout(function () { save(fieldset); }, 800);
  });
  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(pending).length && !closed) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  form.addEventListener("submit", function () { pending = {}; });

  var timer = document.querySelector(".quiz-timer");
  if (timer) {
    var endsAt = Date.now() + Number(timer.dataset.remaining) * 1000;
    var label = timer.querySelector("[data-timer-text]");
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      label.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      timer.classList.toggle("is-low", left <= 60);
      if (left === 0) {
        clearInterval(interval);
        setStatus(text.closed, true);
        // Let saves in flight land (the server allows a short grace), then hand in; the
        // server grades on its own clock anyway.
        var waited = 0;
        var handIn = function () {
          if (Object.keys(pending).length && waited < 8000) {
            waited += 500;
            setTimeout(handIn, 500);
            return;
          }
          closed = true;
          var submit = document.createElement("form");
          submit.method = "post";
          submit.action = form.dataset.submitUrl;
          var token = document.createElement("input");
          token.type = "hidden";
          token.name = "csrfmiddlewaretoken";
          token.value = csrf;
          submit.appendChild(token);
          document.body.appendChild(submit);
          submit.submit();
        };
        handIn();
      }
    };
    var interval = setInterval(tick, 1000);
    tick();
  }
})();
