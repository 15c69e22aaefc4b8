// The dashboard page: one self-contained HTML document that polls /api/metrics and draws charts.
#include "exporters.hpp"

namespace metron::detail {

const std::string& dashboard_page() {
  static const std::string page = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>metron monitor</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
  h1 { font-size: 1.3em; margin: 0 0 .2em; }
  h2 { font-size: 1.05em; margin: 1.4em 0 .4em; }
  #status { color: #666; }
  table { border-collapse: collapse; background: #fff; }
  th, td { padding: .25em .7em; border-bottom: 1px solid #e4e4e4; text-align: right; }
  th:first-child, td:first-child { text-align: left; font-family: ui-monospace, monospace; }
  th { background: #f0f0f0; font-weight: 600; }
  svg.spark { width: 140px; height: 28px; display: block; }
  svg.spark polyline { fill: none; stroke: #2a6fb0; stroke-width: 1.5; }
  .holds { color: #b00020; font-weight: 600; } .clear { color: #2e7d32; } .unknown { color: #888; }
  #alerts li { font-family: ui-monospace, monospace; }
</style>
</head>
<body data-updates="0">
<h1>metron monitor</h1>
<div id="status">waiting for the first update…</div>
<h2>Metrics</h2>
<table id="metrics">
  <thead><tr><th>series</th><th>kind</th><th>count</th><th>last</th><th>mean</th><th>p50</th>
  <th>p99</th><th>max</th><th>ewma</th><th>trend</th></tr></thead>
  <tbody></tbody>
</table>
<h2>Monitors</h2>
<table id="monitors">
  <thead><tr><th>monitor</th><th>condition</th><th>state</th><th>fired</th></tr></thead>
  <tbody></tbody>
</table>
<h2>Alerts</h2>
<ul id="alerts"></ul>
<script>
"use strict";
const history = new Map();
const keep = 60;
let updates = 0;

function show(value, unit) {
  if (value === null || value === undefined) return "–";
  if (unit === "nanoseconds") {
    const scales = [[1e9, "s"], [1e6, "ms"], [1e3, "µs"]];
    for (const [factor, name] of scales) {
      if (Math.abs(value) >= factor) return (value / factor).toPrecision(4) + " " + name;
    }
    return value.toPrecision(4) + " ns";
  }
  if (unit === "bytes") {
    const scales = [[1e9, "GB"], [1e6, "MB"], [1e3, "kB"]];
    for (const [factor, name] of scales) {
      if (Math.abs(value) >= factor) return (value / factor).toPrecision(4) + " " + name;
    }
    return value + " B";
  }
  return Number.isInteger(value) ? String(value) : value.toPrecision(5);
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function sparkline(points) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("viewBox", "0 0 140 28");
  const finite = points.filter(Number.isFinite);
  if (finite.length > 1) {
    const low = Math.min(...finite), high = Math.max(...finite);
    const span = high - low || 1;
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points.map((v, i) =>
      (i * 140 / (keep - 1)).toFixed(1) + "," + (26 - 24 * ((Number.isFinite(v) ? v : low) - low) / span).toFixed(1)).join(" "));
    svg.appendChild(line);
  }
  return svg;
}

function headline(metric) {
  if (metric.kind === "counter") return metric.values.sum;
  if (metric.kind === "gauge") return metric.values.last;
  return metric.values.p50;
}

function render(data) {
  const body = document.querySelector("#metrics tbody");
  body.replaceChildren();
  for (const metric of data.metrics) {
    const series = history.get(metric.name) || [];
    series.push(headline(metric));
    while (series.length > keep) series.shift();
    history.set(metric.name, series);
    const v = metric.values;
    const row = document.createElement("tr");
    row.dataset.metric = metric.name;
    cell(row, metric.name);
    cell(row, metric.kind);
    cell(row, String(v.count)).className = "count";
    cell(row, show(v.last, metric.unit));
    cell(row, show(v.mean, metric.unit));
    cell(row, show(v.p50, metric.unit));
    cell(row, show(v.p99, metric.unit));
    cell(row, show(v.max, metric.unit));
    cell(row, show(v.ewma, metric.unit));
    const chart = document.createElement("td");
    chart.appendChild(sparkline(series));
    row.appendChild(chart);
    body.appendChild(row);
  }
  const monitors = document.querySelector("#monitors tbody");
  monitors.replaceChildren();
  for (const monitor of data.monitors) {
    const row = document.createElement("tr");
    row.dataset.monitor = monitor.name;
    cell(row, monitor.name);
    cell(row, monitor.condition);
    const state = monitor.holds === null ? "unknown" : monitor.holds ? "holds" : "clear";
    cell(row, state, state);
    cell(row, String(monitor.fired));
    monitors.appendChild(row);
  }
  const alerts = document.getElementById("alerts");
  alerts.replaceChildren();
  for (const alert of data.alerts.slice().reverse()) {
    const item = document.createElement("li");
    item.textContent = new Date(alert.time_unix_ms).toISOString() + " " + alert.severity + " " +
                       alert.monitor + ": " + alert.text;
    alerts.appendChild(item);
  }
  updates += 1;
  document.body.dataset.updates = String(updates);
  document.getElementById("status").textContent =
    data.metrics.length + " series, updated " + new Date(data.time_unix_ms).toISOString();
}

async function refresh() {
  try {
    const response = await fetch("api/metrics", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    render(await response.json());
  } catch (problem) {
    document.getElementById("status").textContent = "cannot update: " + problem.message;
  }
}

refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
)html";
  return page;
}

}  // namespace metron::detail
