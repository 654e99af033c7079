/* A live count under every text area with a limit (data-max-length): "N of 2000 characters", red and
   "N characters too many" past the limit. The wording comes from the page (data-counter,
   data-counter-over: translated on the server), so this file holds no language. No build step. */
(function () {
  "use strict";

  function attach(area) {
    if (area.dataset.counterAttached) return;
    area.dataset.counterAttached = "1";
    var max = parseInt(area.dataset.maxLength, 10);
    var counter = document.createElement("div");
    counter.className = "form-text text-end";
    counter.id = (area.id || "text") + "-counter";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

    function update() {
      /* characters as the server counts them (code points), not UTF-16 units */
      var n = Array.from(area.value).length;
      var over = n > max;
      var template = over ? area.dataset.counterOver : area.dataset.counter;
      counter.textContent = template.replace("{n}", n).replace("{max}", max).replace("{over}", n - max);
      counter.classList.toggle("text-danger", over);
      counter.classList.toggle("fw-semibold", over);
    }
    area.addEventListener("input", update);
    update();
  }

  function attachAll(root) {
    if (root.matches && root.matches("textarea[data-max-length]")) attach(root);
    root.querySelectorAll("textarea[data-max-length]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  /* forms swapped in by htmx get their counters too */
  document.addEventListener("htmx:load", function (event) { attachAll(event.target); });
})();
