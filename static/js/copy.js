// "Copy" buttons: <button data-copy="#input-id">. Without JavaScript the field can be selected by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.dataset.copy);
      if (!field) return;
      field.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(field.value); }
      else { document.execCommand("copy"); }
    });
  });
})();
