/* User text is never HTML. Leaflet's bindTooltip/bindPopup and ECharts' HTML tooltips take
 * a string as markup, so every name, title or label that reaches them goes through
 * GZ.escapeHtml (or is given as a DOM node built with textContent). See docs/security.md. */
(function () {
  "use strict";
  var map = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  var GZ = window.GZ = window.GZ || {};
  GZ.escapeHtml = function (s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) { return map[c]; });
  };
  // A text-only element, for Leaflet tooltips and popups.
  GZ.textNode = function (s, tag) {
    var el = document.createElement(tag || "span");
    el.textContent = s == null ? "" : String(s);
    return el;
  };
})();
