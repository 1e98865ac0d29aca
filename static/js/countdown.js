// Keeps deadline countdowns ticking. The server renders the same text, so the
// page is complete without this script.
(function () {
  "use strict";
  function humanize(ms, el) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400);
    var h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60);
    var D = el.dataset.unitDay, H = el.dataset.unitHour, M = el.dataset.unitMinute;
    if (d) return d + " " + D + " " + h + " " + H;
    if (h) return h + " " + H + " " + m + " " + M;
    return m + " " + M;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var ms = Date.parse(el.dataset.deadline) - now;
      var label = ms > 0 ? el.dataset.labelFuture : el.dataset.labelPast;
      el.textContent = label.replace("%(time)s", humanize(ms, el));
      el.classList.toggle("text-danger", ms <= 0);
      el.classList.toggle("fw-semibold", ms <= 0);
      el.classList.toggle("text-warning-emphasis", ms > 0 && ms <= 2 * 3600 * 1000);
    });
  }
  tick();
  setInterval(tick, 30000);
})();
