// Behaviour shared by every page of the site, loaded by base.html (no inline scripts: the
// Content-Security-Policy allows scripts from the site's own files only).
(function () {
  "use strict";

  // <select data-submit-on-change>: choosing an option sends its form (the language switch).
  // Without JavaScript the form's own button does it.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-submit-on-change]") && field.form) {
      field.form.submit();
    }
  });
})();
