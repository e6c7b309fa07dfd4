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

  // Tables wider than the screen scroll inside their frame: make the frame reachable by
  // keyboard and name it after the table's caption, and say that it scrolls.
  document.querySelectorAll(".table-wrap").forEach(function (wrap) {
    if (wrap.scrollWidth <= wrap.clientWidth + 1) return;
    var caption = wrap.querySelector("caption");
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    if (caption) wrap.setAttribute("aria-label", caption.textContent.trim());
    wrap.classList.add("scrolls");
  });

  // Menus (<details>): Escape closes and returns focus; opening one closes the other; a
  // click elsewhere closes them. Without script they still open and close.
  var menus = document.querySelectorAll(".nav-details");
  menus.forEach(function (d) {
    d.addEventListener("toggle", function () {
      if (d.open) menus.forEach(function (o) { if (o !== d) o.open = false; });
    });
    d.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && d.open) {
        d.open = false;
        d.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (ev) {
    menus.forEach(function (d) { if (d.open && !d.contains(ev.target)) d.open = false; });
  });
})();
