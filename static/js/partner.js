// Partner portal behaviour: the dashboard chart, the sub-id link builder, and payout
// fields that follow the chosen method. Progressive enhancement only.
(function () {
  "use strict";

  var canvas = document.getElementById("partner-chart");
  var data = document.getElementById("partner-daily");
  if (canvas && data && window.Chart) {
    var days = JSON.parse(data.textContent);
    new window.Chart(canvas, {
      data: {
        labels: days.map(function (d) { return d.day.slice(5); }),
        datasets: [
          { type: "bar", label: "Clicks", yAxisID: "count", backgroundColor: "#9ec5fe",
            data: days.map(function (d) { return d.clicks; }) },
          { type: "bar", label: "Conversions", yAxisID: "count", backgroundColor: "#198754",
            data: days.map(function (d) { return d.conversions; }) },
          { type: "line", label: "Earnings", yAxisID: "money", borderColor: "#fd7e14",
            backgroundColor: "#fd7e14", tension: 0.2,
            data: days.map(function (d) { return Number(d.earnings); }) }
        ]
      },
      options: {
        animation: false,
        responsive: true,
        scales: {
          count: { position: "left", beginAtZero: true, ticks: { precision: 0 } },
          money: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } }
        }
      }
    });
    canvas.dataset.rendered = "true";
  }

  // Sub-id builder: typing sub1..sub3 rewrites the link's URL, ready for the copy button.
  document.querySelectorAll("[data-subid-builder]").forEach(function (builder) {
    var output = document.getElementById(builder.dataset.subidBuilder);
    var base = output.dataset.linkBase;
    var update = function () {
      var query = new URLSearchParams();
      builder.querySelectorAll("input").forEach(function (input) {
        if (input.value.trim()) query.set(input.name, input.value.trim());
      });
      var text = query.toString();
      output.value = text ? base + "?" + text : base;
    };
    builder.addEventListener("input", update);
  });

  // Payout details: show only the fields of the chosen method.
  var METHOD_FIELDS = { paypal: ["paypal_email"], bank: ["account_holder", "iban", "bank_name"] };
  document.querySelectorAll("[data-payout-methods]").forEach(function (form) {
    var select = form.querySelector("select[name=method]");
    if (!select) return;
    var all = [].concat(METHOD_FIELDS.paypal, METHOD_FIELDS.bank);
    var sync = function () {
      var shown = METHOD_FIELDS[select.value] || [];
      all.forEach(function (name) {
        var input = form.querySelector("[name=" + name + "]");
        if (input) input.closest(".mb-3").classList.toggle("d-none", shown.indexOf(name) < 0);
      });
    };
    select.addEventListener("change", sync);
    sync();
  });
})();
