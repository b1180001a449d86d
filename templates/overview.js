// Client-side filter of the overview: type text or pick a target group, phase or element;
// index rows (and their entry sections) that do not match are hidden. No network, no eval.
(function () {
  "use strict";
  var form = document.getElementById("filter");
  var table = document.getElementById("index-table");
  if (!form || !table) { return; }
  var text = document.getElementById("filter-text");
  var target = document.getElementById("filter-target");
  var phase = document.getElementById("filter-phase");
  var element = document.getElementById("filter-element");
  var count = document.getElementById("filter-count");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);

  // the same fold as jwtool's search (jwtool.catalogue.text.fold): accents off, case folded
  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toUpperCase().toLowerCase();
  }
  function has(list, value) {
    return !value || (" " + list + " ").indexOf(" " + value + " ") >= 0;
  }
  function apply() {
    var words = fold(text.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = has(d.targets, target.value) && has(d.phases, phase.value) && has(d.elements, element.value) &&
        words.every(function (w) { return d.search.indexOf(w) >= 0; });
      row.hidden = !ok;
      var section = document.getElementById(d.anchor);
      if (section) { section.hidden = !ok; }
      if (ok) { shown += 1; }
    });
    count.textContent = count.getAttribute("data-template")
      .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
})();
