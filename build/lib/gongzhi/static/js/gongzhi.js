/* Site-wide progressive enhancement (no inline script; everything works without it). */
(function () {
  "use strict";
  // Copy buttons: <button data-copy="text" data-done="Copied" hidden> — shown only when the
  // clipboard is available.
  if (navigator.clipboard) {
    document.querySelectorAll("button[data-copy]").forEach(function (btn) {
      btn.hidden = false;
      var label = btn.textContent;
      btn.addEventListener("click", function () {
        navigator.clipboard.writeText(btn.dataset.copy).then(function () {
          btn.textContent = btn.dataset.done || label;
          setTimeout(function () { btn.textContent = label; }, 2000);
        });
      });
    });
  }
})();
