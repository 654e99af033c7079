/* The pages' small behaviours, kept out of the HTML: the Content-Security-Policy (issue 15) runs no inline
   script, no on…="" handler and applies no style="" attribute. Each behaviour is keyed on a data attribute,
   so a template asks for it without code; content swapped in by htmx gets it too. No build step.

   data-percent="N"          a bar's width, N %        (CSSOM: element.style is allowed, the attribute is not)
   data-height-rem="N"       a box's height, N rem     (the dashboard's sub-unit chart grows with its rows)
   data-autosubmit           a select that submits its form when changed
   data-check-all="SEL"      a checkbox that ticks/unticks every SEL; a button that ticks every SEL
   data-unchecks="SEL"       a container: unticking a box inside it unticks SEL (the "all" box)
   data-no-enter-submit      a field where Enter does not submit the form (it searches as one types)
   data-caret-toggle         a button whose caret turns right/down at each click (the unit tree)
   .table-responsive         a table wider than its box scrolls inside it; while it does, the box takes the
                             keyboard focus (Tab, then the arrow keys scroll it: WCAG 2.1.1) and is a region
                             named by the table's caption, its card's header or the page's heading

   Loaded without defer at the end of <body>, so the sizes are set before a page's own scripts (the
   dashboard's charts read their box's height). */
(function () {
  "use strict";

  function sizes(root) {
    var each = function (selector, fn) {
      if (root.matches && root.matches(selector)) fn(root);
      root.querySelectorAll(selector).forEach(fn);
    };
    each("[data-percent]", function (el) {
      var n = parseFloat(el.dataset.percent);
      if (!isNaN(n)) el.style.width = Math.max(0, Math.min(100, n)) + "%";
    });
    each("[data-height-rem]", function (el) {
      var n = parseFloat(el.dataset.heightRem);
      if (!isNaN(n)) el.style.height = n + "rem";
    });
  }

  sizes(document);
  document.addEventListener("htmx:load", function (event) { sizes(event.target); });

  /* the box's name: its table's caption, else its card's header, else the page's heading — their text without a
     count badge ("Reports received 12" is not the table's name) */
  function boxName(box) {
    var card = box.closest(".card");
    var source = box.querySelector("caption") || (card && card.querySelector(".card-header")) ||
      document.querySelector("main h1");
    if (!source) return "";
    var copy = source.cloneNode(true);
    copy.querySelectorAll(".badge, .visually-hidden").forEach(function (el) { el.remove(); });
    return copy.textContent.trim().replace(/\s+/g, " ");
  }

  function scroller(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    var ours = box.dataset.scrollFocus;  /* what this script set: "tabindex role label", or undefined */
    if (scrolls && ours === undefined && !box.hasAttribute("tabindex")) {
      var set = ["tabindex"];
      box.setAttribute("tabindex", "0");
      var name = box.hasAttribute("aria-label") || box.hasAttribute("aria-labelledby") ? null : boxName(box);
      if (name) {
        box.setAttribute("aria-label", name);
        set.push("label");
      }
      if (!box.hasAttribute("role") && (name || name === null)) {  /* a region only with a name */
        box.setAttribute("role", "region");
        set.push("role");
      }
      box.dataset.scrollFocus = set.join(" ");
    } else if (!scrolls && ours !== undefined && document.activeElement !== box) {
      /* only what this script set goes: a template's own role or label stays; a focused box keeps its
         Tab stop until the next change of size, so the focus is not thrown back to the page */
      if (ours.indexOf("label") >= 0) box.removeAttribute("aria-label");
      if (ours.indexOf("role") >= 0) box.removeAttribute("role");
      box.removeAttribute("tabindex");
      delete box.dataset.scrollFocus;
    }
  }

  /* each box is measured when its size changes — the window resized, a tab or a collapsed section opened,
     the fonts loaded — and when htmx swaps content in or around it */
  var observer = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { scroller(entry.target); });
  }) : null;
  function scrollers(root) {
    var boxes = Array.prototype.slice.call(root.querySelectorAll(".table-responsive"));
    var around = root.closest && root.closest(".table-responsive");
    if (around) boxes.push(around);
    boxes.forEach(function (box) {
      scroller(box);
      if (observer) observer.observe(box);
    });
  }
  scrollers(document);
  if (!observer) window.addEventListener("resize", function () { scrollers(document); });
  document.addEventListener("htmx:load", function (event) { scrollers(event.target); });

  /* the rest listen on the document, so elements swapped in later need nothing more */
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
      return;
    }
    if (el.matches("input[type=checkbox][data-check-all]")) {
      document.querySelectorAll(el.dataset.checkAll).forEach(function (box) { box.checked = el.checked; });
    }
    var container = el.closest("[data-unchecks]");
    if (container && el.matches("input[type=checkbox]") && !el.checked) {
      document.querySelectorAll(container.dataset.unchecks).forEach(function (box) { box.checked = false; });
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-check-all]");
    if (button) {
      document.querySelectorAll(button.dataset.checkAll).forEach(function (box) { box.checked = true; });
    }
    var toggle = event.target.closest("[data-caret-toggle]");
    if (toggle) {
      var icon = toggle.querySelector("i");
      if (icon) {
        icon.classList.toggle("bi-caret-right-fill");
        icon.classList.toggle("bi-caret-down-fill");
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest && event.target.closest("[data-no-enter-submit]")) {
      event.preventDefault();
    }
  });
})();
