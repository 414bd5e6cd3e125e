// Dashboard charts: each <div data-chart="id"> draws the spec in <script id="id"
// type="application/json"> (written by json_script; see lifelong/dashboards/charts.py) with
// the vendored Apache ECharts. The charts repeat the table beside them for sighted readers;
// they are aria-hidden, and the page reads the same without this script.
(function () {
  "use strict";

  // High-contrast colours that stay apart for the common colour-vision deficiencies.
  var PALETTE = ["#00457a", "#d55e00", "#009e73", "#7a4b94", "#cc79a7", "#e69f00"];

  function elder() {
    return document.documentElement.classList.contains("elder");
  }

  function options(spec, narrow) {
    var big = elder();
    var font = big ? 18 : 13;
    var horizontal = !!spec.horizontal;
    var twoAxes = spec.series.some(function (s) { return s.axis === 1; });
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      inverse: horizontal, // the first row of the table comes first in the chart
      axisLabel: { fontSize: font, color: "#222", interval: 0, hideOverlap: !horizontal },
    };
    var valueAxis = function (index) {
      var unit = spec.units ? spec.units[index] : spec.unit;
      return {
        type: "value",
        position: index === 1 ? (horizontal ? "top" : "right") : (horizontal ? "bottom" : "left"),
        splitLine: { show: index === 0 },
        splitNumber: narrow ? 3 : 5, // a phone's width holds three labels without overlap
        max: spec.max ? spec.max[index] : null, // a share never passes 100 %
        axisLabel: { fontSize: font, color: "#222", hideOverlap: true, formatter: unit ? "{value}" + unit : "{value}" },
      };
    };
    var valueAxes = twoAxes ? [valueAxis(0), valueAxis(1)] : valueAxis(0);
    return {
      animation: false, // no motion: calmer for older readers and cheap phones
      color: PALETTE,
      textStyle: { fontSize: font },
      aria: { enabled: false }, // the table beside the chart is its accessible form
      tooltip: { trigger: "axis", renderMode: "richText", textStyle: { fontSize: font } },
      legend: { top: 0, textStyle: { fontSize: font, color: "#222" }, itemWidth: big ? 28 : 20, itemHeight: big ? 18 : 12 },
      grid: { left: 8, right: twoAxes ? 16 : 24, top: (big ? 56 : 40) + (twoAxes && horizontal ? 28 : 0), bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxes : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxes,
      series: spec.series.map(function (s) {
        var series = {
          name: s.name,
          type: spec.kind === "line" ? "line" : "bar",
          data: s.values,
          stack: spec.stacked ? "total" : undefined,
          connectNulls: false,
          symbolSize: big ? 10 : 6,
          lineStyle: { width: big ? 4 : 2 },
        };
        if (twoAxes) {
          series[horizontal ? "xAxisIndex" : "yAxisIndex"] = s.axis || 0;
        }
        return series;
      }),
    };
  }

  function height(spec) {
    // Horizontal bars get room for every label and bar; the other charts keep a steady height.
    var base = elder() ? 360 : 280;
    if (!spec.horizontal) {
      return base;
    }
    var bars = spec.stacked ? 1 : spec.series.length;
    var perCategory = bars * (elder() ? 22 : 14) + (elder() ? 16 : 10);
    return Math.max(base, 90 + spec.categories.length * perCategory);
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-chart"));
    if (!source || typeof window.echarts === "undefined") {
      return null;
    }
    var spec = JSON.parse(source.textContent);
    if (!spec.categories.length) {
      container.hidden = true; // nothing to draw: the table says so in words
      return null;
    }
    container.style.height = Math.round(height(spec)) + "px";
    var chart = window.echarts.init(container, null, { renderer: "canvas" });
    chart.setOption(options(spec, container.clientWidth < 560));
    container.setAttribute("data-chart-drawn", "true");
    return chart;
  }

  function setUp() {
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (container) {
      var chart = draw(container);
      if (chart) {
        charts.push(chart);
      }
    });
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) { chart.resize(); });
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
