// SaveBucks page behaviour: small, dependency-free, progressive enhancement only.
(function () {
  "use strict";

  // "Reveal code & go": the link opens the tracked click-out in a new tab (its default
  // action); here we also show the coupon code in this tab, ready to copy.
  document.querySelectorAll("[data-reveal]").forEach(function (link) {
    link.addEventListener("click", function () {
      var code = document.getElementById(link.dataset.reveal);
      if (!code) return;
      code.classList.remove("d-none");
      if (navigator.clipboard) navigator.clipboard.writeText(code.textContent.trim()).catch(function () {});
    });
  });

  // Copy buttons: <button data-copy="id-of-input">.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.copy);
      if (!input) return;
      input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).catch(function () {});
      button.textContent = "Copied";
    });
  });

  // Count a view of the page without a database write in the page itself.
  document.querySelectorAll("[data-view-beacon]").forEach(function (element) {
    if (navigator.sendBeacon) navigator.sendBeacon(element.dataset.viewBeacon);
  });
})();
