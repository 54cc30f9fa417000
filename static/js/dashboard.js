// The dashboard's "cashback per month" chart, from data the page embeds as JSON.
(function () {
  "use strict";
  var canvas = document.getElementById("earnings-chart");
  var data = document.getElementById("earnings-data");
  if (!canvas || !data || !window.Chart) return;
  var months = JSON.parse(data.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: months.map(function (m) { return m.month; }),
      datasets: [
        { label: "Confirmed", data: months.map(function (m) { return Number(m.confirmed); }), backgroundColor: "#198754" },
        { label: "Pending", data: months.map(function (m) { return Number(m.pending); }), backgroundColor: "#ffc107" }
      ]
    },
    options: {
      animation: false,
      responsive: true,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }
    }
  });
  canvas.dataset.rendered = "true";
})();
