// A form whose button has data-once submits once: a double click sends one request (the
// server ignores a repeat anyway).
(function () {
  "use strict";
  document.querySelectorAll("button[data-once]").forEach(function (button) {
    if (!button.form) return;
    button.form.addEventListener("submit", function () { button.disabled = true; });
  });
})();
