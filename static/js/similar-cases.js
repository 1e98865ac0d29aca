// Similar past cases while an incident is declared. A container [data-similar-live]
// beside the form asks the server for the closed cases most like what is typed
// (title, what happened, cause), a moment after typing stops. Without JavaScript,
// the form's "Find similar cases" button does the same.
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams) return;
  var TEXTS = /^(title|summary|cause|cause_origin|impact_scope)_(en|zh_hans)$/;

  document.querySelectorAll("[data-similar-live]").forEach(function (container) {
    var form = document.getElementById(container.dataset.similarForm);
    if (!form) return;
    var timer = null;
    var latest = 0;
    var sent = null;

    function params() {
      var url = new URL(container.dataset.similarUrl, window.location.href);
      var words = [];
      Array.prototype.forEach.call(form.elements, function (field) {
        if (TEXTS.test(field.name) && field.value.trim()) words.push(field.value.trim());
      });
      url.searchParams.set("q", words.join("\n").slice(0, 5000));
      ["cause_category", "severity"].forEach(function (name) {
        var field = form.elements[name];
        if (field && field.value) url.searchParams.set(name, field.value);
      });
      return url;
    }

    function refresh() {
      var url = params();
      if (url.searchParams.get("q") === "" && !url.searchParams.get("cause_category")) return;
      if (url.toString() === sent) return;
      sent = url.toString();
      var asked = ++latest;
      fetch(url.toString(), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null && asked === latest) container.innerHTML = html;
        })
        .catch(function () { /* the "Find similar cases" button still works */ });
    }

    function soon() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    refresh();
  });
})();
