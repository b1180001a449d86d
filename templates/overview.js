// The overview's filter. It decides no match itself: the JSON block #filter-data holds, for every
// facet value, the ids of the entries `jwtool search` selects with that one value, and for every
// entry the folded text `jwtool search TEXT` looks in and the words of its name, aliases and id.
// Here the values of one facet unite (a repeated option is OR), the facets intersect (different
// options are AND), and every typed word must occur in an entry's text; when that leaves nothing,
// typos in names are forgiven as jwtool.query.search.fuzzy_search does (see `similar`).
// The state is the URL: ?target=vso&target=pro&phase=nazorg&q=...  No network, no eval.
(function () {
  "use strict";
  var form = document.getElementById("filter");
  var table = document.getElementById("index-table");
  var block = document.getElementById("filter-data");
  if (!form || !table || !block) { return; }
  var data = JSON.parse(block.textContent);
  var text = document.getElementById("filter-text");
  var sort = document.getElementById("sort");
  var count = document.getElementById("filter-count");
  var none = document.getElementById("filter-none");
  var without = document.getElementById("filter-without");
  var fuzzyNote = document.getElementById("filter-fuzzy");
  var unknownNote = document.getElementById("filter-unknown");
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var order = {};
  data.ids.forEach(function (id, i) { order[id] = i; });
  var facetNames = data.facet_order;  // the CLI's order of options, also in the URL
  var selection = jwtoolSelection(data);  // selection.js
  var sets = selection.sets, passing = selection.passing, fold = selection.fold;
  var spaces = new RegExp("[" + data.spaces + "]+", "u");

  function inputs(facet) {
    return Array.prototype.slice.call(form.querySelectorAll("input[name='" + facet + "']"));
  }
  function chosen(facet) {
    return inputs(facet).filter(function (i) { return i.checked && i.value; }).map(function (i) { return i.value; });
  }
  function union(facet, values) {
    var out = {};
    values.forEach(function (v) { Object.keys(sets[facet][v] || {}).forEach(function (id) { out[id] = true; }); });
    return out;
  }
  function words() { return fold(text.value).split(spaces).filter(Boolean); }
  function holds(id, w) { return data.text[id].indexOf(w) >= 0; }

  // The one rule this page computes itself (all else is data from Python): rapidfuzz's
  // fuzz.ratio(a, b) >= cutoff, the normalised Indel similarity 1 - (len a + len b - 2 LCS) /
  // (len a + len b), over code points and in the same floating-point steps, so a word is "like" a
  // name word exactly when it is for jwtool search (tests/readers/test_page_fuzzy.py checks it on many pairs).
  function similar(a, b, cutoff) {
    var x = Array.from(a), y = Array.from(b), lensum = x.length + y.length;
    if (!lensum) { return true; }
    var row = new Array(y.length + 1).fill(0);
    for (var i = 1; i <= x.length; i += 1) {
      var diag = 0;
      for (var j = 1; j <= y.length; j += 1) {
        var up = row[j];
        row[j] = x[i - 1] === y[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
        diag = up;
      }
    }
    var dist = lensum - 2 * row[y.length];
    return 1 - dist / lensum >= cutoff / 100;
  }
  var close = {};  // word -> id -> whether a name word of that entry is like it
  function nameLike(id, w) {
    var memo = close[w] || (close[w] = {});
    if (!(id in memo)) {
      memo[id] = data.names[id].some(function (t) { return similar(w, t, data.fuzzy_cutoff); });
    }
    return memo[id];
  }
  // jwtool search TEXT on the entries `base`: those holding every word; if none does, those whose
  // name, alias or id has a word like each word no entry of `base` holds (all such words at least
  // fuzzy_min_length long), every other word still held as written.
  function select(base, ws) {
    var exact = base.filter(function (id) { return ws.every(function (w) { return holds(id, w); }); });
    if (exact.length || !ws.length) { return {ids: exact, fuzzy: false}; }
    var missing = ws.filter(function (w, i) {
      return ws.indexOf(w) === i && !base.some(function (id) { return holds(id, w); });
    });
    if (!missing.length || missing.some(function (w) { return Array.from(w).length < data.fuzzy_min_length; })) {
      return {ids: [], fuzzy: false};
    }
    var found = base.filter(function (id) {
      return ws.every(function (w) { return missing.indexOf(w) >= 0 ? nameLike(id, w) : holds(id, w); });
    });
    return {ids: found, fuzzy: found.length > 0};
  }

  function toUrl(picks) {
    var params = new URLSearchParams();
    if (text.value.trim()) { params.append("q", text.value.trim()); }
    facetNames.forEach(function (f) { picks[f].forEach(function (v) { params.append(f, v); }); });
    if (sort.value !== "order") { params.append("sort", sort.value); }
    var query = params.toString();
    try {
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    } catch (e) { /* a page opened from disk may not change its address: the filter still works */ }
  }
  // a value the page does not know stays in no checkbox (it is named)
  function fromUrl() {
    var params = new URLSearchParams(location.search);
    var wanted = selection.fromUrl(params);
    text.value = params.get("q") || "";
    facetNames.forEach(function (f) {
      inputs(f).forEach(function (i) { i.checked = i.value ? wanted.picks[f].indexOf(i.value) >= 0 : !wanted.picks[f].length; });
    });
    var s = params.get("sort");
    if (s && sort.querySelector("option[value='" + s.replace(/[^a-z]/g, "") + "']")) { sort.value = s; }
    selection.nameUnknown(unknownNote, wanted.unknown);
    // a facet the link selects in opens; the others stay closed (and open by hand)
    Array.prototype.forEach.call(form.querySelectorAll("details[data-facet]"), function (d) {
      if (chosen(d.getAttribute("data-facet")).length) { d.open = true; }
    });
  }

  function sortRows() {
    var by = sort.value;
    var sorted = rows.slice().sort(function (a, b) {
      var ia = a.getAttribute("data-id"), ib = b.getAttribute("data-id");
      if (by === "name") {
        var c = a.cells[0].textContent.localeCompare(b.cells[0].textContent, document.documentElement.lang);
        if (c) { return c; }
      } else if (by === "evidence") {
        var r = Number(b.getAttribute("data-rank")) - Number(a.getAttribute("data-rank"));
        if (r) { return r; }
      }
      return order[ia] - order[ib];
    });
    sorted.forEach(function (row) { tbody.appendChild(row); });
  }

  function apply() {
    var picks = {};
    facetNames.forEach(function (f) { picks[f] = chosen(f); });
    var ws = words();
    var shown = {};
    var answer = select(passing(null, picks), ws);
    answer.ids.forEach(function (id) { shown[id] = true; });
    var n = 0;
    rows.forEach(function (row) {
      var ok = !!shown[row.getAttribute("data-id")];
      row.hidden = !ok;
      var section = document.getElementById(row.getAttribute("data-anchor"));
      if (section) { section.hidden = !ok; }
      if (ok) { n += 1; }
    });
    // each value's count: what it would show together with the other facets and the text
    facetNames.forEach(function (f) {
      var mark = form.querySelector("[data-chosen-for='" + f + "']");
      if (mark) { mark.textContent = picks[f].length ? " " + mark.getAttribute("data-template").replace("{n}", String(picks[f].length)) : ""; }
      var base = passing(f, picks);
      Object.keys(sets[f]).forEach(function (v) {
        var el = form.querySelector("[data-count-for='" + f + "=" + v + "']");
        if (el) { el.textContent = "(" + select(base.filter(function (id) { return sets[f][v][id]; }), ws).ids.length + ")"; }
      });
    });
    count.textContent = count.getAttribute("data-template")
      .replace("{shown}", String(n)).replace("{total}", String(rows.length));
    none.hidden = n > 0;
    fuzzyNote.hidden = !answer.fuzzy;
    fuzzyNote.textContent = fuzzyNote.getAttribute("data-template").replace("{text}", "'" + text.value.trim() + "'");
    hintWithout(picks, ws, n);
    sortRows();
    toUrl(picks);
    describe(picks);
  }

  // what the page shows, in words, above the results (also on paper): each chosen facet with its
  // values, the search text, and "3 van 37 getoond"; the index's heading says it is a selection
  var summary = document.getElementById("filter-summary");
  var heading = document.getElementById("index-h");
  var headingText = heading ? heading.textContent : "";
  var facetsFold = document.getElementById("facets-fold");
  function optionLabel(f, v) {
    var input = form.querySelector("input[name='" + f + "'][value='" + v + "']");
    var shown = input && input.parentNode.querySelector(".opt-label");
    return shown ? shown.textContent : v;
  }
  function describe(picks) {
    var active = facetNames.filter(function (f) { return picks[f].length; });
    var chosenCount = active.reduce(function (k, f) { return k + picks[f].length; }, 0);
    if (facetsFold) {
      var toggle = facetsFold.querySelector("summary");
      toggle.textContent = chosenCount ? toggle.getAttribute("data-template").replace("{n}", String(chosenCount)) : toggle.getAttribute("data-none");
    }
    if (!summary) { return; }
    var words = document.getElementById("filter-summary-words");
    var or = " " + words.getAttribute("data-or") + " ";
    var parts = active.map(function (f) {
      var legend = form.querySelector("#facet-" + f + " legend");
      return (legend ? legend.textContent : f) + ": " + picks[f].map(function (v) { return optionLabel(f, v); }).join(or);
    });
    if (text.value.trim()) { parts.push(words.getAttribute("data-text") + ": '" + text.value.trim() + "'"); }
    summary.hidden = !parts.length;
    words.textContent = parts.join("; ") + ".";
    document.getElementById("filter-summary-count").textContent = count.textContent + ".";
    if (heading) { heading.textContent = parts.length ? heading.getAttribute("data-selection") : headingText; }
    var toMap = document.getElementById("filter-summary-map");
    if (toMap) {  // the Bewijskaart takes the same filters from its address
      var params = new URLSearchParams();
      active.forEach(function (f) { picks[f].forEach(function (v) { params.append(f, v); }); });
      toMap.setAttribute("href", toMap.getAttribute("href").split("?")[0] + (active.length ? "?" + params.toString() : ""));
      toMap.parentNode.hidden = !active.length;
    }
  }
  // on a wide screen the facets stand open beside the results; on a phone they fold away
  var wide = window.matchMedia ? window.matchMedia("(min-width: 64rem)") : null;
  function unfold() { if (facetsFold && wide && wide.matches) { facetsFold.open = true; } }
  if (wide && wide.addEventListener) { wide.addEventListener("change", unfold); }

  // as jwtool search says on stderr when filters leave nothing: each facet that, dropped on its
  // own, gives results, and how many, most first
  function hintWithout(picks, ws, n) {
    var active = facetNames.filter(function (f) { return picks[f].length; });
    var parts = [];
    if (!n) {
      active.forEach(function (f) {
        var k = select(passing(f, picks), ws).ids.length;
        var legend = form.querySelector("#facet-" + f + " legend");
        if (k) { parts.push([k, without.getAttribute("data-template").replace("{facet}", legend ? legend.textContent : f).replace("{n}", String(k))]); }
      });
    }
    parts.sort(function (a, b) { return b[0] - a[0]; });
    without.textContent = parts.length ? parts.map(function (p) { return p[1]; }).join(" ") : without.getAttribute("data-none");
    without.hidden = n > 0 || !active.length;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  fromUrl();
  form.hidden = false;
  unfold();
  apply();
  // a link with a selection asks for its results: when the first one is below the first screen
  // (a phone, with the introduction above), the page opens at the results
  var first = rows.filter(function (r) { return !r.hidden; })[0];
  if (summary && !summary.hidden && !location.hash && first && first.getBoundingClientRect().top > window.innerHeight - 60) {
    document.getElementById("index").scrollIntoView();
  }
})();
