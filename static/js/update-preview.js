// The update form's preview, kept up to date as the PM writes. Without JavaScript,
// the "Preview" button asks the server for the same thing.
(function () {
  "use strict";
  var target = document.getElementById("update-preview");
  if (!target || !window.fetch) return;
  var form = target.closest("main").querySelector("form");
  if (!form) return;
  var timer = null;
  var latest = 0;
  function refresh() {
    var asked = ++latest;
    fetch(target.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && asked === latest) target.innerHTML = html;
      })
      .catch(function () { /* the Preview button still works */ });
  }
  form.querySelectorAll("textarea").forEach(function (field) {
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
  });
  // A finding dismissed or a dismissal withdrawn: the findings change.
  document.addEventListener("tone:changed", refresh);
  refresh();
})();
