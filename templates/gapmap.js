// The Bewijskaart for the entries a link selects (?target=vso&outcome=werk&min-design=...). It
// decides no match itself: #gapmap-data holds, for every facet value, the ids of the entries
// `jwtool search` selects with it (the index's filter data); the values of one facet unite, the
// facets intersect. The map of those entries is then drawn as jwtool.graph.gapmap.gap_map draws
// it (what `jwtool gaps` prints with the same filters): a row's cell counts the distinct studies
// of the entries carrying its element with a finding on that outcome, and names the strongest
// design among them (highest rank; a tie goes to the design met first). Text goes in as text
// (textContent), never as markup. No network, no eval.
(function () {
  "use strict";
  var block = document.getElementById("gapmap-data");
  var table = document.getElementById("gapmap");
  var textTable = document.getElementById("gapmap-table");
  if (!block || !table || !textTable) { return; }
  var data = JSON.parse(block.textContent);
  var params = new URLSearchParams(location.search);
  var SVG = "http://www.w3.org/2000/svg";
  var pageLang = document.documentElement.lang;

  // the selection (selection.js): per facet the values the link names; a value the page does not
  // know is named. A search text (q=, which the index also takes) is named as not applied: the
  // map, as `jwtool gaps`, selects by the facets only.
  var selection = jwtoolSelection(data), url = selection.fromUrl(params), picks = url.picks;
  selection.nameUnknown(document.getElementById("selection-unknown"), url.unknown);
  var textNote = document.getElementById("selection-text");
  if ((params.get("q") || "").trim()) {
    textNote.hidden = false;
    textNote.textContent = textNote.getAttribute("data-template").replace("{text}", params.get("q").trim());
  }
  if (!data.facet_order.some(function (f) { return picks[f].length; })) { return; }  // the page as written maps every entry

  var chosen = selection.passing(null, picks);

  // what is selected, in words, and how much of the catalogue that is
  var words = document.getElementById("selection-words");
  words.textContent = data.facet_order.filter(function (f) { return picks[f].length; }).map(function (f) {
    var w = data.words[f] || {label: f, values: {}};
    return w.label + ": " + picks[f].map(function (v) { return w.values[v] || v; }).join(" " + data.labels.or + " ");
  }).join("; ") + ".";
  var studyKeys = {};
  chosen.forEach(function (id) { data.entries[id].studies.forEach(function (s) { studyKeys[s.key] = true; }); });
  var nStudies = Object.keys(studyKeys).length;
  var countEl = document.getElementById("selection-count");
  countEl.textContent = countEl.getAttribute("data-template").replace("{entries}", String(chosen.length))
    .replace("{total}", String(data.order.length))
    .replace("{studies}", (nStudies === 1 ? data.labels.study_one : data.labels.study_other).replace("{n}", String(nStudies)));
  var links = document.getElementById("selection-links");
  var toIndex = document.getElementById("selection-index");
  toIndex.setAttribute("href", toIndex.getAttribute("href") + location.search);
  links.hidden = false;

  // jwtool.graph.gapmap.gap_map over the chosen entries
  function strongest(studies) {
    var best = "", bestRank = null;
    studies.forEach(function (s) {
      s.designs.forEach(function (d) {
        var r = Object.prototype.hasOwnProperty.call(data.ranks, d) ? data.ranks[d] : -1;
        if (bestRank === null || r > bestRank) { best = d; bestRank = r; }
      });
    });
    return best;
  }
  function cell(outcome, holders) {
    var seen = {}, studies = [], behind = [];
    holders.forEach(function (id) {
      data.entries[id].studies.forEach(function (s) {
        if (s.outcomes.indexOf(outcome) >= 0 && !seen[s.key]) {
          seen[s.key] = true;
          studies.push(s);
          if (behind.indexOf(id) < 0) { behind.push(id); }
        }
      });
    });
    return {count: studies.length, design: strongest(studies), entries: behind, studies: studies};
  }

  var words_ = data.labels;
  var studiesWord = function (n) { return (n === 1 ? words_.study_one : words_.study_other).replace("{n}", String(n)); };
  var most = data.most, rMin = data.mark[0], rMax = data.mark[1];
  function radius(n) { return Math.round((rMin + (rMax - rMin) * Math.sqrt(Math.min(n, most) / Math.max(most, 1))) * 10) / 10; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function dot(r, colour) {
    var box = 32, svg = document.createElementNS(SVG, "svg"), c = document.createElementNS(SVG, "circle");
    svg.setAttribute("class", "mark-dot");
    ["width", "height"].forEach(function (a) { svg.setAttribute(a, String(box)); });
    svg.setAttribute("viewBox", "0 0 " + box + " " + box);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    c.setAttribute("class", "design-" + colour);
    c.setAttribute("cx", String(box / 2));
    c.setAttribute("cy", String(box / 2));
    c.setAttribute("r", String(r));
    svg.appendChild(c);
    return svg;
  }
  function markCell(rowLabel, outcomeLabel, c) {
    var td = el("td", "mark-cell"), details = el("details", "mark"), summary = el("summary");
    var designLabel = data.design_labels[c.design] || c.design;
    summary.appendChild(dot(radius(c.count), data.colours[c.design] || Object.keys(data.colours).length + 1));
    var t = el("span", "tip", studiesWord(c.count) + " · " + designLabel);
    t.setAttribute("aria-hidden", "true");
    summary.appendChild(t);
    var printed = el("span", "mark-print", c.count + " " + (data.design_short[c.design] || c.design));  // on paper: "2 MON"
    printed.setAttribute("aria-hidden", "true");
    summary.appendChild(printed);
    summary.appendChild(el("span", "visually-hidden", rowLabel + ", " + outcomeLabel + ": " + studiesWord(c.count) + "; " + words_.strongest + ": " + designLabel));
    details.appendChild(summary);
    var list = el("div", "cell-list"), ul = el("ul");
    list.appendChild(el("p", "cell-title", rowLabel + " · " + outcomeLabel));
    c.entries.slice(0, data.list_max).forEach(function (id) {
      var e = data.entries[id], li = el("li"), a = el("a", "", e.name), sub = el("ul", "studies");
      a.setAttribute("href", data.entry_base + e.anchor + "/index.html");
      li.appendChild(a);
      c.studies.forEach(function (s) {
        if (e.studies.indexOf(s) < 0) { return; }
        var item = el("li"), title = item.appendChild(s.own && pageLang !== "nl" ? el("span", "", s.title) : document.createTextNode(s.title));
        if (title.nodeType === 1) { title.setAttribute("lang", "nl"); }  // the record's own title, in the catalogue's Dutch
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("span", "designs", "(" + s.designs.map(function (d) { return data.design_labels[d] || d; }).join(", ") + ")"));
        sub.appendChild(item);
      });
      li.appendChild(sub);
      ul.appendChild(li);
    });
    list.appendChild(ul);
    details.appendChild(list);
    td.appendChild(details);
    return td;
  }
  function emptyCell(carried) {  // "·" a gap, or "–" a row no chosen entry carries; in words for screen readers
    var td = el("td", carried ? "gap-cell" : "gap-cell no-entries"), shown = el("span", "", carried ? data.gap_marker : data.none_marker);
    shown.setAttribute("aria-hidden", "true");
    td.appendChild(shown);
    td.appendChild(el("span", "visually-hidden", carried ? words_.gap : words_.none));
    return td;
  }

  var graphicRows = {}, textRows = {};
  Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) { graphicRows[tr.getAttribute("data-row")] = tr; });
  Array.prototype.forEach.call(textTable.tBodies[0].rows, function (tr) { textRows[tr.getAttribute("data-row")] = tr; });
  data.rows.forEach(function (row) {
    var holders = chosen.filter(function (id) { return data.entries[id].elements.indexOf(row.id) >= 0; });
    var cells = data.columns.map(function (col) { return cell(col.id, holders); });
    var total = {};
    cells.forEach(function (c) { c.studies.forEach(function (s) { total[s.key] = true; }); });
    var empty = !Object.keys(total).length;
    [graphicRows[row.id], textRows[row.id]].forEach(function (tr, graphic) {
      if (!tr) { return; }
      tr.classList.toggle("empty-row", empty);
      while (tr.cells.length > 1) { tr.deleteCell(1); }
      cells.forEach(function (c, i) {
        var td;
        if (graphic === 0) {
          td = c.count ? markCell(row.label, data.columns[i].label, c) : emptyCell(holders.length > 0);
        } else {
          td = el("td", c.count ? "" : "gap-cell" + (holders.length ? "" : " no-entries"),
                  c.count ? c.count + " " + (data.design_short[c.design] || c.design) : (holders.length ? data.gap_marker : data.none_marker));
          if (c.count) { td.removeAttribute("class"); }
        }
        tr.appendChild(td);
      });
    });
  });
})();
