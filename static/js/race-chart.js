// A race's chart: each top participant's total over time, from JSON the page embeds.
(function () {
  "use strict";
  var canvas = document.getElementById("race-chart");
  var data = document.getElementById("race-chart-data");
  if (!canvas || !data || !window.Chart) return;
  var lines = JSON.parse(data.textContent);
  var colours = ["#198754", "#0d6efd", "#ffc107", "#dc3545", "#6f42c1"];
  new window.Chart(canvas, {
    type: "line",
    data: {
      datasets: lines.map(function (line, i) {
        return {
          label: line.label,
          borderColor: colours[i % colours.length],
          backgroundColor: colours[i % colours.length],
          data: line.points.map(function (p) { return { x: Date.parse(p.x), y: Number(p.y) }; })
        };
      })
    },
    options: {
      animation: false,
      responsive: true,
      scales: {
        x: { type: "linear", ticks: { callback: function (v) { return new Date(v).toLocaleString(); } } },
        y: { beginAtZero: true }
      }
    }
  });
  canvas.dataset.rendered = "true";
})();
