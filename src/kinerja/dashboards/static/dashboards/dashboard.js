/* Dashboard charts: ECharts (vendored) drawn from the JSON blob the page renders with json_script.
 * No data and no user-facing text live here: both come from #dashboard-data.
 * N/A values are null: the trend line breaks there (a gap), a perspective gets no bar — never 0.
 * Each chart has a data table next to it (in a <details>) as its text alternative. */
(function () {
  "use strict";

  function statusColours() {
    var colours = {};
    document.querySelectorAll(".status-samples [data-status]").forEach(function (el) {
      var style = window.getComputedStyle(el);
      colours[el.dataset.status] = { fg: style.color, bg: style.backgroundColor };
    });
    return colours;
  }

  function cssVar(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  var LANG = document.documentElement.lang || "id";

  // The page's rule for numbers (kinerja.interchange.numbers.format_decimal): Indonesian groups
  // thousands with "." and marks decimals with ","; English the other way round. Written out here
  // rather than left to toLocaleString, so a chart reads exactly like the table beside it whatever
  // locale data the browser has.
  var MARKS = /^en\b/i.test(LANG) ? { group: ",", point: "." } : { group: ".", point: "," };

  function formatNumber(value, decimals, trim) {
    var text = Math.abs(value).toFixed(decimals);
    var parts = text.split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, MARKS.group);
    var fraction = parts[1] || "";
    if (trim) {
      fraction = fraction.replace(/0+$/, "");
    }
    var zero = /^[0.]*$/.test(text);
    return (value < 0 && !zero ? "-" : "") + whole + (fraction ? MARKS.point + fraction : "");
  }

  // Every value a tooltip puts into HTML is escaped: names come from users (a perspective named
  // `<img onerror=…>` must stay text), and ECharts renders a formatter's string as HTML.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return ESCAPES[c];
    });
  }

  // An index or NKO: the series' decimals (2 unless the blob says otherwise), always shown.
  function fmt(value, na, decimals) {
    if (value === null || value === undefined) {
      return na;
    }
    return formatNumber(value, decimals === undefined ? 2 : decimals, false);
  }

  // An axis tick: at most 2 decimals, trailing zeros dropped (100, 102,5).
  function axisNumber(value) {
    return formatNumber(value, 2, true);
  }

  function trendChart(el, data, text, navy) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var current = data.current;
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var item = items[0];
          var predicate = data.predicates[item.dataIndex];
          var value = data.values[item.dataIndex];
          return esc(item.axisValue) + "<br>" + esc(text.nko) + ": " + esc(fmt(value, text.na, data.decimals)) +
            (predicate ? " (" + esc(predicate) + ")" : "");
        }
      },
      xAxis: { type: "category", data: data.labels, boundaryGap: false },
      yAxis: {
        type: "value",
        name: text.nko,
        // always show the 100 line, with a margin below and above the data
        min: function (v) { return Math.floor((Math.min(v.min, 100) - 1) / 5) * 5; },
        max: function (v) { return Math.ceil((Math.max(v.max, 100) + 1) / 5) * 5; },
        axisLabel: { formatter: axisNumber }
      },
      series: [{
        type: "line",
        name: text.nko,
        data: data.values.map(function (value, i) {
          return i === current ? { value: value, symbolSize: 12 } : value;
        }),
        connectNulls: false,
        symbolSize: 7,
        lineStyle: { width: 3, color: navy },
        itemStyle: { color: navy },
        markLine: {
          silent: true,
          symbol: "none",
          label: { formatter: text.target, position: "insideEndTop" },
          lineStyle: { type: "dashed", color: "#8a94a3" },
          data: [{ yAxis: 100 }]
        }
      }]
    });
    return chart;
  }

  function perspectiveChart(el, data, text, colours) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 56, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: function (items) {
          var item = items[0];
          return esc(item.axisValue) + "<br>" + esc(text.index) + ": " + esc(fmt(data.values[item.dataIndex], text.na, data.decimals));
        }
      },
      xAxis: {
        type: "value",
        min: 0,
        max: function (v) { return Math.max(120, Math.ceil(v.max / 10) * 10); },
        axisLabel: { formatter: axisNumber }
      },
      yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { width: 150, overflow: "break", lineHeight: 15 } },
      series: [{
        type: "bar",
        barMaxWidth: 28,
        data: data.values.map(function (value, i) {
          var colour = colours[data.statuses[i]] || colours.na || {};
          return {
            value: value,
            itemStyle: { color: colour.bg, borderColor: colour.fg, borderWidth: 2, borderRadius: [0, 4, 4, 0] }
          };
        }),
        label: {
          show: true,
          position: "right",
          fontWeight: "bold",
          formatter: function (p) { return fmt(data.values[p.dataIndex], text.na, data.decimals); }
        },
        markLine: {
          silent: true,
          symbol: "none",
          label: { show: false },
          lineStyle: { type: "dashed", color: "#8a94a3" },
          data: [{ xAxis: 100 }]
        }
      }]
    });
    return chart;
  }

  function start() {
    var blob = document.getElementById("dashboard-data");
    if (!blob || !window.echarts) {
      return;
    }
    var data = JSON.parse(blob.textContent);
    var colours = statusColours();
    var navy = cssVar("--navy", "#0b3d6e");
    var charts = [];
    var trendEl = document.getElementById("chart-trend");
    if (trendEl) {
      charts.push(trendChart(trendEl, data.trend, data.text, navy));
    }
    var perspectiveEl = document.getElementById("chart-perspectives");
    if (perspectiveEl) {
      charts.push(perspectiveChart(perspectiveEl, data.perspectives, data.text, colours));
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
