/* X4 on a phone the list comes first: a list's filter sidebar (a GET form in a .col-lg-3 column) folds
   behind a "筛选" button below the lg breakpoint, showing how many filters are set; wider screens and
   browsers without JavaScript keep the sidebar open. */
(function () {
  "use strict";
  function fold(form, index) {
    if (form.dataset.folded) return;
    form.dataset.folded = "1";
    if (!form.id) form.id = "list-filters-" + index;
    var label = document.body.dataset.filtersLabel || "Filters";
    var set = 0;
    form.querySelectorAll("input, select").forEach(function (el) {
      if (el.type === "hidden" || el.type === "submit" || el.name === "page" || el.name === "per_page") return;
      if ((el.type === "checkbox" || el.type === "radio") ? el.checked : (el.value && el.value !== "unknown")) set++;
    });
    var invalid = form.querySelector(".is-invalid, .invalid-feedback");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm d-lg-none mb-2 filter-toggle";
    button.setAttribute("aria-controls", form.id);
    button.setAttribute("aria-expanded", invalid ? "true" : "false");
    button.innerHTML = '<i class="bi bi-funnel" aria-hidden="true"></i> ';
    button.appendChild(document.createTextNode(label + (set ? " (" + set + ")" : "")));
    form.classList.add("filter-fold");
    if (!invalid) form.classList.add("filter-folded");
    button.addEventListener("click", function () {
      var open = form.classList.toggle("filter-folded") === false;
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    form.parentNode.insertBefore(button, form);
  }
  function init() {
    document.querySelectorAll('.col-lg-3 > form[method="get"]').forEach(fold);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
