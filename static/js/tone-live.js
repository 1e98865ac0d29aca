// The tone check while the PM writes. A container [data-tone-live] beside a form
// asks the server for the findings in what is typed, a moment after typing stops.
// The dismiss and withdraw buttons of the findings belong to the page's form, so
// without JavaScript they send the form (keeping what was typed); here they are
// sent on their own and the findings are asked for again.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function csrf(form) {
    var field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function live(container) {
    var form = document.getElementById(container.dataset.toneForm);
    if (!form) return null;
    var timer = null;
    var latest = 0;
    function refresh() {
      var asked = ++latest;
      var body = new FormData(form);
      body.set("tone_subject", container.dataset.toneSubject);
      body.set("tone_form", container.dataset.toneForm);
      fetch(container.dataset.toneUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null && asked === latest) container.innerHTML = html;
        })
        .catch(function () { /* the "Check the wording" button still works */ });
    }
    function soon() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 500);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    refresh();
    return refresh;
  }

  var refreshers = [];
  document.querySelectorAll("[data-tone-live]").forEach(function (container) {
    var refresh = live(container);
    if (refresh) refreshers.push(refresh);
  });
  document.addEventListener("tone:changed", function () {
    refreshers.forEach(function (refresh) { refresh(); });
  });

  function say(place, text) {
    var note = place.querySelector(".tone-dismiss-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "tone-dismiss-error small text-danger mb-0 mt-1";
      note.setAttribute("role", "alert");
      place.appendChild(note);
    }
    note.textContent = text;
  }

  // The buttons of a form still being written (they name it in form="…").
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=tone_dismiss], button[name=tone_withdraw]");
    if (!button || !button.getAttribute("form")) return;
    var section = button.closest(".tone-findings");
    var form = document.getElementById(button.getAttribute("form"));
    if (!section || !form || !section.dataset.dismissUrl) return;
    event.preventDefault();
    var body = new FormData();
    body.set("csrfmiddlewaretoken", csrf(form));
    var url;
    if (button.name === "tone_dismiss") {
      var value = button.value;
      var anchor = value.slice(0, value.indexOf("|"));
      var reason = document.getElementById(anchor + "-reason");
      body.set("key", value.slice(value.indexOf("|") + 1));
      body.set("reason", reason ? reason.value : "");
      body.set("where", section.dataset.toneWhere || "");
      url = section.dataset.dismissUrl;
    } else {
      url = section.dataset.withdrawUrl.replace(/\/0\/withdraw\/$/, "/" + button.value + "/withdraw/");
    }
    button.disabled = true;
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      })
      .then(function (result) {
        button.disabled = false;
        if (!result.ok) {
          say(button.parentNode, result.answer.error || "");
          return;
        }
        document.dispatchEvent(new CustomEvent("tone:changed"));
      })
      .catch(function () {
        // Offline or refused: send the form itself, as without JavaScript.
        button.disabled = false;
        form.requestSubmit ? form.requestSubmit(button) : form.submit();
      });
  });
})();
