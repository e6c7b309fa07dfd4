// Gallery: the left and right arrow keys go to the previous / next entry (the links
// themselves work without this script). Ignored while typing in a form field.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    var link = document.querySelector('.entry-nav a[data-key="' + event.key + '"]');
    if (link) { window.location.assign(link.href); }
  });
})();
