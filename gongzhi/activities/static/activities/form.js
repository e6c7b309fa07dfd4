// Show only the choices that apply (progressive enhancement: without JS all show).
// An element with data-when="field:value1 value2" shows while that field has one of the values.
(function () {
  "use strict";
  var form = document.querySelector(".activity-form");
  if (!form) { return; }
  function valueOf(name) {
    var el = form.querySelector("[name=" + name + "]:checked") ||
      form.querySelector("select[name=" + name + "]");
    return el ? el.value : "";
  }
  function update() {
    form.querySelectorAll("[data-when]").forEach(function (el) {
      var rule = el.getAttribute("data-when").split(":");
      el.hidden = rule[1].split(" ").indexOf(valueOf(rule[0])) < 0;
    });
  }
  form.addEventListener("change", update);
  update();
})();
