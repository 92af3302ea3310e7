// lvyue — a job's page (issue #8): while the job runs, poll its status and move the bar. Without JavaScript the page's
// "refresh" link does the same; when the job has finished the page is reloaded once to show its result.
(function () {
  var box = document.querySelector("[data-job-status]");
  if (!box || box.getAttribute("data-job-finished") === "true") return;
  var url = box.getAttribute("data-job-status");
  var bar = box.querySelector("progress");
  function set(field, text) {
    var el = box.querySelector('[data-job-field="' + field + '"]');
    if (el && text != null) el.textContent = text;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        if (s.finished) { window.location.reload(); return; }
        if (bar && s.percent != null) { bar.value = s.percent; bar.textContent = s.percent_text; }
        set("statusLabel", s.status_label);
        set("percentText", s.percent_text);
        set("progressText", s.progress_text);
        set("message", s.message);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
