/* Leaders' dashboard charts (ECharts, vendored). The data comes from the page's
   <script type="application/json" id="dashboard-data"> (Django's json_script); labels are
   already translated there. A click on a sub-unit's bar opens that sub-unit's dashboard. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var RED = "#b71c1c", GREEN = "#2e7d32", GREY = "#9e9e9e", BLUE = "#1565c0", AMBER = "#f9a825";
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var c = window.echarts.init(el, null, { renderer: "svg" });
    // issue 15: tooltips drawn inside the chart (richText), not as HTML with style attributes, which the
    // Content-Security-Policy refuses
    option.tooltip = Object.assign({ renderMode: "richText" }, option.tooltip);
    c.setOption(Object.assign({ animation: false }, option));
    el.dataset.ready = "1";
    charts.push(c);
    return c;
  }

  function empty(id) {
    var el = document.getElementById(id);
    if (el) { el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted"); el.textContent = "—"; }
  }

  // sub-units: progress (%) as bars, overdue obligations as a second axis; bottom of the list at the bottom
  var ch = data.children;
  if (ch.names.length) {
    var rev = function (a) { return a.slice().reverse(); };
    var children = chart("chart-children", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: [L.progress, L.overdue_count] },
      grid: { left: 8, right: 24, top: 48, bottom: 8, containLabel: true },
      xAxis: [{ type: "value", max: 100, name: "%" },
              { type: "value", position: "top", minInterval: 1, splitLine: { show: false }, axisLabel: { color: RED } }],
      yAxis: { type: "category", data: rev(ch.names), axisLabel: { interval: 0 } },
      series: [
        { name: L.progress, type: "bar", data: rev(ch.progress), itemStyle: { color: GREEN }, cursor: "pointer",
          label: { show: true, position: "right", formatter: "{c}%" } },
        { name: L.overdue_count, type: "bar", xAxisIndex: 1, data: rev(ch.overdue), itemStyle: { color: RED },
          cursor: "pointer" }
      ]
    });
    var urls = rev(ch.urls);
    children.on("click", function (p) { if (urls[p.dataIndex]) { window.location.href = urls[p.dataIndex]; } });
  } else { empty("chart-children"); }

  var k = data.kinds;
  if (k.names.length) {
    chart("chart-kinds", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: [L.done, L.due, L.overdue] },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: k.names, axisLabel: { interval: 0 } },
      series: [
        { name: L.done, type: "bar", stack: "all", data: k.done, itemStyle: { color: GREEN } },
        { name: L.due, type: "bar", stack: "all", data: k.due, itemStyle: { color: GREY } },
        { name: L.overdue, type: "bar", stack: "all", data: k.overdue, itemStyle: { color: RED } }
      ]
    });
  } else { empty("chart-kinds"); }

  if (data.cards.length) {
    chart("chart-cards", {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["40%", "70%"], data: data.cards, label: { formatter: "{b}\n{c}" },
                 color: [AMBER, BLUE, "#6a1b9a", RED, GREEN] }]
    });
  } else { empty("chart-cards"); }

  var m = data.messages;
  chart("chart-messages", {
    tooltip: { trigger: "axis" },
    legend: { data: [L.received, L.answered] },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: m.weeks },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: L.received, type: "bar", data: m.received, itemStyle: { color: BLUE } },
      { name: L.answered, type: "line", data: m.answered, itemStyle: { color: GREEN } }
    ]
  });

  var o = data.opinions;
  chart("chart-opinions", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1, name: L.units, nameLocation: "middle", nameGap: 24 },
    yAxis: { type: "category", data: o.names, axisLabel: { interval: 0 } },
    series: [{ name: L.units, type: "bar", data: o.units, itemStyle: { color: BLUE } }]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
