// A background job's progress page (an export, an employee import, a certificate archive):
// polls the job's status URL and updates the bar, the counts and the status text, then
// reloads the page once the job has finished.
//
// <div data-progress-poll data-status-url="..." data-done-key="processed_rows"
//      data-total-key="total_rows" data-bar="export-progress"
//      data-text="export-progress-text" data-status="export-status">
(function () {
  "use strict";

  function start(box) {
    var bar = document.getElementById(box.dataset.bar);
    var text = document.getElementById(box.dataset.text);
    var status = document.getElementById(box.dataset.status);
    var doneKey = box.dataset.doneKey || "processed_rows";
    var totalKey = box.dataset.totalKey || "total_rows";

    function poll() {
      fetch(box.dataset.statusUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (bar) { bar.value = data.progress; }
          if (text) { text.textContent = data[doneKey] + " / " + data[totalKey]; }
          if (status) { status.textContent = data.status_label; }
          if (data.finished) { window.location.reload(); } else { setTimeout(poll, 1500); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    }

    setTimeout(poll, 1000);
  }

  document.querySelectorAll("[data-progress-poll]").forEach(start);
})();
