// "Print" buttons: <button data-print hidden>. Shown only when the script can press print for you;
// without JavaScript the browser's own print command does the same.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
