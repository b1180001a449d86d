// The Bewijskaart's marks (table.marks): a mark's tip and its opened list of entries stay inside
// what the reader sees, the map's scroll box and the window, also at the right-hand columns and
// on a phone; opening a mark closes the one opened before (two lists would lie over each other
// and over the fixed first column). The shift is set through the CSSOM (--dx), which the page's
// Content-Security-Policy allows; without a script the CSS keeps the last columns' tips and lists
// anchored to the right. Rows that gapmap.js redraws are handled too: the listeners sit on the table.
(function () {
  "use strict";
  var MARGIN = 4;
  function fit(el) {
    if (!el) { return; }
    el.style.removeProperty("--dx");
    el.style.removeProperty("max-width");
    var box = el.closest(".gap-scroll"), r = el.getBoundingClientRect();
    if (!r.width) { return; }  // not shown
    var outer = box ? box.getBoundingClientRect() : {left: 0, right: document.documentElement.clientWidth};
    var left = Math.max(0, outer.left) + MARGIN, right = Math.min(document.documentElement.clientWidth, outer.right) - MARGIN;
    if (r.width > right - left) {
      el.style.setProperty("max-width", (right - left) + "px");
      r = el.getBoundingClientRect();
    }
    var dx = 0;
    if (r.right > right) { dx = right - r.right; }
    if (r.left + dx < left) { dx = left - r.left; }
    if (dx) { el.style.setProperty("--dx", Math.round(dx) + "px"); }
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.marks"), function (table) {
    function tipOf(e) {
      var s = e.target.closest && e.target.closest("summary");
      return s && table.contains(s) ? s.querySelector(".tip") : null;
    }
    table.addEventListener("mouseover", function (e) { fit(tipOf(e)); });
    table.addEventListener("focusin", function (e) { fit(tipOf(e)); });
    table.addEventListener("toggle", function (e) {
      var d = e.target;
      if (!d.matches || !d.matches("details.mark") || !d.open) { return; }
      Array.prototype.forEach.call(table.querySelectorAll("details.mark[open]"), function (other) {
        if (other !== d) { other.open = false; }
      });
      fit(d.querySelector(".cell-list"));
    }, true);  // toggle does not bubble
    var box = table.closest(".gap-scroll");
    function refit() { fit(table.querySelector("details.mark[open] .cell-list")); }
    if (box) { box.addEventListener("scroll", refit); }
    window.addEventListener("resize", refit);
  });
})();
