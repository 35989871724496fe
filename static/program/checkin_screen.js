// The facilitator's code screen: counts down each second and fetches the new QR code and
// typed code when the current one runs out. Without this script a meta refresh reloads it.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-status-url");
  var secondsEl = document.querySelector("[data-seconds]");
  var left = parseInt(secondsEl ? secondsEl.textContent : "30", 10) || 30;
  var fetching = false;

  function show(state) {
    document.querySelector("[data-open]").hidden = !state.open;
    document.querySelector("[data-closed]").hidden = state.open;
    document.querySelector("[data-message]").textContent = state.message || "";
    if (state.open) {
      document.querySelector("[data-qr]").src = state.qr;
      document.querySelector("[data-code]").textContent = state.code;
    }
    left = state.seconds_left || 30;
  }

  function refresh() {
    if (fetching) return;
    fetching = true;
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(show)
      .catch(function () { left = 3; })
      .then(function () { fetching = false; });
  }

  setInterval(function () {
    left -= 1;
    if (left <= 0) {
      refresh();
      left = 0;
    }
    if (secondsEl) secondsEl.textContent = String(Math.max(left, 0));
  }, 1000);
})();
