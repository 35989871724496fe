// A select with data-autosubmit sends its form as soon as it changes (the language menu);
// without this script the form's own button, in <noscript>, does it.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
