// Announcement form: show the building or unit checkboxes only when the audience asks
// for them (without the script every field stays visible and the form still works).
(function () {
  "use strict";
  var form = document.querySelector("form[data-audience-form]");
  if (!form) return;
  function wrapper(name) {
    var input = form.querySelector('input[name="' + name + '"]');
    return input ? input.closest(".field") : null;
  }
  var buildings = wrapper("buildings");
  var units = wrapper("units");
  function update() {
    var checked = form.querySelector('input[name="audience"]:checked');
    var value = checked ? checked.value : "community";
    if (buildings) buildings.hidden = value !== "buildings";
    if (units) units.hidden = value !== "units";
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "audience") update();
  });
  update();
})();
