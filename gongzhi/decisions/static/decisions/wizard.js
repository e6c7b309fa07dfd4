/* Ballot wizard: add and remove option rows without a round trip. Without JavaScript the
   "Add an option" button asks the server for another row and "Remove" is a checkbox. */
(function () {
  "use strict";
  var box = document.querySelector(".option-rows");
  if (!box) return;
  var list = box.querySelector(".option-list");
  var tpl = document.getElementById("option-template");
  var total = box.querySelector("input[name$='-TOTAL_FORMS']");
  var max = parseInt(box.dataset.max || "50", 10);
  var addBtn = box.querySelector(".add-option");

  function wireRemove(row) {
    var cb = row.querySelector(".remove-option input[type=checkbox]");
    if (!cb) return;
    cb.addEventListener("change", function () {
      row.classList.toggle("removed", cb.checked);
      var focusable = row.querySelectorAll("input:not([type=checkbox]), textarea");
      focusable.forEach(function (el) { el.disabled = cb.checked; });
    });
  }
  list.querySelectorAll(".option-row").forEach(wireRemove);

  if (addBtn && tpl && total) {
    addBtn.addEventListener("click", function (ev) {
      var n = parseInt(total.value, 10);
      if (n >= max) return;
      ev.preventDefault();
      // Clone the server-rendered empty row (a <template>) and number its fields: DOM
      // nodes only, no markup parsed from strings.
      var row = tpl.content.firstElementChild.cloneNode(true);
      [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (node) {
        Array.prototype.forEach.call(node.attributes, function (attr) {
          if (attr.value.indexOf("__prefix__") !== -1) {
            node.setAttribute(attr.name, attr.value.replace(/__prefix__/g, String(n)));
          }
        });
      });
      list.appendChild(row);
      total.value = n + 1;
      wireRemove(row);
      var first = row.querySelector("input, textarea");
      if (first) first.focus();
    });
  }
})();
