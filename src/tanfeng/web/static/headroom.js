// Draws the 用能空间 chart from the JSON block the server put on the page (Plotly, served locally).
(function () {
  "use strict";
  var block = document.getElementById("headroom-data");
  if (!block || typeof Plotly === "undefined") { return; }
  var d = JSON.parse(block.textContent);
  var w = d.labels;
  var traces = [
    { x: d.year, y: d.allowed, name: w.allowed, mode: "lines+markers", line: { color: "#0b6e4f" } },
    { x: d.year, y: d.counted, name: w.counted, mode: "lines+markers", line: { color: "#b45309", dash: "dash" } },
    { x: d.year, y: d.room, name: w.room, type: "bar", marker: { color: d.room.map(function (v) { return v < 0 ? "#dc2626" : "#64748b"; }) } }
  ];
  var layout = { margin: { l: 70, r: 10, t: 10, b: 30 }, legend: { orientation: "h", y: -0.2 }, yaxis: { title: w.unit }, xaxis: { dtick: 1 } };
  Plotly.newPlot("headroom-plot", traces, layout, { displaylogo: false, responsive: true });
  document.getElementById("headroom-chart").setAttribute("data-drawn", "1");
})();
