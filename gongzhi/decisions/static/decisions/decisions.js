/* Ballot islands: live budget meter, accessible ranking (up/down buttons), result chart. */
(function () {
  "use strict";
  function num(v) { var n = parseFloat(v); return isNaN(n) ? 0 : n; }

  // Budget meter for participatory budgets: sums the cost of ticked / pointed / ranked projects.
  var meterBox = document.querySelector(".budget-meter");
  if (meterBox) {
    var form = meterBox.closest("form");
    var budget = num(meterBox.dataset.budget);
    var meter = meterBox.querySelector("meter");
    var text = meterBox.querySelector("#budget-text");
    var update = function () {
      var used = 0;
      form.querySelectorAll("[data-cost]").forEach(function (el) {
        var on = (el.type === "checkbox" || el.type === "radio") ? el.checked : num(el.value) > 0;
        if (on) used += num(el.dataset.cost);
      });
      meter.value = Math.min(used, budget);
      var over = used > budget;
      meterBox.classList.toggle("over", over);
      text.textContent = "¥" + used.toLocaleString() + " / ¥" + budget.toLocaleString() +
        (over ? " — " + (window.gettext ? gettext("over budget") : "over budget") : "");
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  // Points left for cumulative ballots.
  var left = document.getElementById("points-left");
  if (left) {
    var pform = left.closest("form");
    var total = num(left.dataset.total);
    var upd = function () {
      var used = 0;
      pform.querySelectorAll("input[name^='points_']").forEach(function (el) { used += num(el.value); });
      left.textContent = (total - used) + " / " + total;
    };
    pform.addEventListener("input", upd);
    upd();
  }

  // Ranking: up/down buttons move an item and renumber the rank inputs; keyboard and
  // screen-reader friendly, no drag needed. Typing numbers works without JavaScript.
  document.querySelectorAll(".rank-list").forEach(function (list) {
    var renumber = function () {
      list.querySelectorAll(".rank-item").forEach(function (li, i) {
        li.querySelector("input").value = i + 1;
      });
    };
    list.addEventListener("click", function (ev) {
      var btn = ev.target.closest("button");
      if (!btn) return;
      var li = btn.closest(".rank-item");
      if (btn.classList.contains("rank-up") && li.previousElementSibling) {
        list.insertBefore(li, li.previousElementSibling);
      } else if (btn.classList.contains("rank-down") && li.nextElementSibling) {
        list.insertBefore(li.nextElementSibling, li);
      }
      renumber();
      btn.focus();
    });
  });

  // Result chart (the table below the chart carries the same figures).
  var holder = document.getElementById("result-chart");
  var dataEl = document.getElementById("chart-data");
  if (holder && dataEl && window.echarts) {
    var data = JSON.parse(dataEl.textContent);
    var chart = window.echarts.init(holder);
    chart.setOption({
      aria: { enabled: true },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      // Long option names are cut with "…" on a phone (the table below has them in full).
      yAxis: { type: "category", data: data.labels, inverse: true,
               axisLabel: { width: window.matchMedia("(max-width: 40rem)").matches ? 96 : 220,
                            overflow: "truncate" } },
      series: [{ type: "bar", name: data.name, data: data.values, color: "#1f6f5c",
                 label: { show: true, position: "right" } }],
      tooltip: { trigger: "axis", confine: true }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
})();
