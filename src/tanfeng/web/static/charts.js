// Draws the charts whose data the server put in <script type="application/json"> blocks (Plotly, served locally).
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  var colours = { accepted: "#0b6e4f", submitted: "#eab308", returned: "#dc2626" };

  function series(figure) {
    var data = JSON.parse(figure.querySelector(".chart-data").textContent);
    var labelBlock = figure.querySelector(".chart-labels");
    var words = labelBlock ? JSON.parse(labelBlock.textContent) : { expected: "", observed: "", target: "", status: {} };
    var o = data.observed;
    var traces = [
      { x: data.expected.x, y: data.expected.y, name: words.expected, mode: "lines", line: { dash: "dash", color: "#64748b" } },
      { x: o.x, y: o.y, name: words.observed, mode: "lines+markers",
        text: o.period.map(function (p, i) { return p + " " + (words.status[o.status[i]] || o.status[i]); }),
        marker: { size: 9, color: o.status.map(function (s) { return colours[s] || "#64748b"; }) }, line: { color: "#0b6e4f" } },
      { x: data.milestones.x, y: data.milestones.y, name: words.target, mode: "markers", marker: { symbol: "star", size: 12, color: "#b45309" } }
    ];
    if (data.stretch && data.stretch.x.length) {
      // the stretch value (力争) next to the target it belongs to
      traces.push({ x: data.stretch.x, y: data.stretch.y, name: words.stretch, mode: "markers",
                    marker: { symbol: "star-open", size: 12, color: "#b45309" } });
    }
    var axis = figure.getAttribute("data-axis") || data.unit;
    var layout = { margin: { l: 45, r: 10, t: 10, b: 30 }, legend: { orientation: "h", y: -0.2 }, yaxis: { title: { text: axis } }, xaxis: { dtick: 1 } };
    Plotly.newPlot(figure.querySelector(".plot"), traces, layout, config);
  }

  function inventory() {
    var block = document.getElementById("inventory-data");
    if (!block) { return; }
    var data = JSON.parse(block.textContent);
    var traces = data.sectors.map(function (s) { return { x: data.years, y: s.values, name: s.name, type: "bar" }; });
    Plotly.newPlot("inventory-plot", traces, { barmode: "relative", margin: { l: 60, r: 10, t: 10, b: 30 }, yaxis: { title: { text: "万t CO₂e" } } }, config);
  }

  document.querySelectorAll("figure.chart").forEach(series);
  inventory();
})();
