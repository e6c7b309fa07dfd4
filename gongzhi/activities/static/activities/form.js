// Show only the repeat choices that apply (progressive enhancement: without JS all show).
(function () {
  "use strict";
  var form = document.querySelector(".activity-form");
  if (!form) { return; }
  function update() {
    var checked = form.querySelector("input[name=repeat]:checked");
    var value = checked ? checked.value : "once";
    form.querySelectorAll("[data-repeat]").forEach(function (el) {
      el.hidden = el.getAttribute("data-repeat").split(" ").indexOf(value) < 0;
    });
  }
  form.addEventListener("change", update);
  update();
})();
