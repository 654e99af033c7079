/* Starts ReDoc on the API reference page (templates/drf_spectacular/redoc.html), from a static file rather
   than drf-spectacular's inline <script>, which the Content-Security-Policy (issue 15) refuses. */
(function () {
  "use strict";
  var root = document.getElementById("redoc-container");
  if (!root || !window.Redoc) { return; }
  var options = JSON.parse(root.dataset.settings || "{}");
  /* ReDoc (styled-components) writes its styles into <style> elements it creates at run time; with this
     nonce, which the page's CSP lists for style-src (api/urls.py), the browser applies them */
  options.nonce = root.dataset.nonce;
  window.Redoc.init(root.dataset.schemaUrl, options, root);
})();
