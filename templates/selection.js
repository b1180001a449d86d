// What the index and the Bewijskaart share to select entries as `jwtool search` does, from their
// page's filter data: for every facet value the ids of the entries it selects, the spellings a
// link may use for a value, and Python's tables to fold text. The values of one facet unite (a
// repeated option is OR), the facets intersect (different options are AND). Each page inlines
// this file before its own script (one hash in its CSP covers both). No network, no eval.
function jwtoolSelection(data) {
  "use strict";
  var marks = new RegExp("[" + data.marks + "]", "gu");
  var sets = {};  // facet -> value -> {id: true}
  data.facet_order.forEach(function (f) {
    sets[f] = {};
    Object.keys(data.facets[f]).forEach(function (v) {
      var s = sets[f][v] = {};
      data.facets[f][v].forEach(function (id) { s[id] = true; });
    });
  });
  // jwtool.catalogue.text.fold, with Python's own tables (data.marks, data.casefold)
  function fold(s) {
    if (/^[\x00-\x7f]*$/.test(s)) { return s.toLowerCase(); }
    return Array.from(s.normalize("NFKD").replace(marks, ""), function (c) {
      return Object.prototype.hasOwnProperty.call(data.casefold, c) ? data.casefold[c] : c.toLowerCase();
    }).join("");
  }
  // jwtool.catalogue.text.key: how the CLI matches a typed value to a vocabulary id
  function key(s) { return fold(s).replace(/[^0-9a-z]+/g, ""); }
  return {
    fold: fold,
    sets: sets,
    // the ids every facet but `skip` lets through (picks: facet -> chosen values)
    passing: function (skip, picks) {
      return data.ids.filter(function (id) {
        return data.facet_order.every(function (f) {
          return f === skip || !picks[f].length || picks[f].some(function (v) { return sets[f][v] && sets[f][v][id]; });
        });
      });
    },
    // the values a link names per facet (?target=mbo2 as --target mbo2) and the "facet=value"s
    // the page does not know
    fromUrl: function (params) {
      var picks = {}, unknown = [];
      data.facet_order.forEach(function (f) {
        picks[f] = [];
        params.getAll(f).forEach(function (v) {
          var id = data.spellings[f][key(v)];
          if (!id) { unknown.push(f + "=" + v); } else if (picks[f].indexOf(id) < 0) { picks[f].push(id); }
        });
      });
      return {picks: picks, unknown: unknown};
    },
    // a value the page does not know is named (as the CLI names an unknown option value), never
    // silently dropped
    nameUnknown: function (note, unknown) {
      note.hidden = !unknown.length;
      note.textContent = unknown.map(function (u) { return note.getAttribute("data-template").replace("{param}", u); }).join(" ");
    }
  };
}
