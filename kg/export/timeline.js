/* kg graph viewer: the timeline pane (events and measures in time, tariff rate step charts).
 *
 * Its data is data.timeline (kg/export/timeline.py): dated items [fact, t0, t1, date, precision]
 * sorted by time (t0, t1: first and last day covered, in days since 1970-01-01), undated fact
 * indexes, and rate histories [from node, to node, steps]. Lists are drawn lazily: only the
 * rows in a list's visible window (and a few either side) are in the DOM, so a graph of 20,000
 * nodes and its thousands of items stays responsive. Article strings stay text (textContent);
 * the step charts are inline SVG built with createElementNS. Clicking an item or a step shows
 * its fact, with its quote and document, in the evidence panel (ctx.showFact).
 */
var kgTimeline = (function () {
  "use strict";

  var ROW = 26;        // px per row of the dated and undated lists
  var CHART_ROW = 132; // px per rate history
  var OVERSCAN = 6;    // rows drawn beyond each edge of the visible window
  var SVG = "http://www.w3.org/2000/svg";
  var DAY = 86400000;

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }
  function dayText(t, monthly) {
    var d = new Date(t * DAY);
    var y = String(d.getUTCFullYear());
    return monthly ? y + "-" + String(d.getUTCMonth() + 1).padStart(2, "0") : y;
  }
  function rate(value) {
    var v = Number(value);
    return (Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100)) + "%";
  }

  /* A scrolling box that keeps only its visible rows in the DOM. */
  function VirtualList(box, rowHeight, render) {
    var inner = document.createElement("div");
    inner.className = "kg-vlist-inner";
    box.appendChild(inner);
    var items = [];
    var pending = false;
    function draw() {
      pending = false;
      var top = box.scrollTop, height = box.clientHeight || rowHeight * 10;
      var first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
      var last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + OVERSCAN);
      while (inner.firstChild) inner.removeChild(inner.firstChild);
      inner.style.height = items.length * rowHeight + "px";
      for (var i = first; i < last; i++) {
        var row = render(items[i], i);
        row.style.top = i * rowHeight + "px";
        row.style.height = rowHeight + "px";
        inner.appendChild(row);
      }
    }
    function later() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(draw);
    }
    box.addEventListener("scroll", later);
    window.addEventListener("resize", later);
    return {
      set: function (list) { items = list; box.scrollTop = 0; draw(); },
      show: function (i) { box.scrollTop = Math.max(0, i * rowHeight); draw(); },
      draw: draw
    };
  }

  return function start(ctx) {
    var tl = ctx.data.timeline || { dated: [], undated: [], rates: [], entities: [] };
    var facts = ctx.data.facts, nodes = ctx.data.nodes, el = ctx.el;
    var state = { entity: -1, dated: tl.dated, undated: tl.undated, rates: tl.rates };
    var known = new Set(tl.entities);
    var empty = !tl.dated.length && !tl.undated.length && !tl.rates.length;

    function involves(fi) { return state.entity < 0 || facts[fi].nodes.indexOf(state.entity) >= 0; }
    function itemButton(fi, date, precision) {
      var f = facts[fi];
      var b = el("button", "kg-tl-item");
      b.type = "button";
      b.dataset.fact = String(fi);
      if (date) b.appendChild(el("span", "kg-tl-date", date, 40));
      if (precision) b.appendChild(el("span", "kg-tl-prec", precision));
      b.appendChild(el("span", "kg-kind", f.kind));
      b.appendChild(el("span", "kg-tl-summary", f.summary, ctx.LABEL_LIMIT));
      b.addEventListener("click", function () { ctx.showFact(fi); });
      return b;
    }

    /* ---- the axis: how many dated items fall in each stretch of time ---- */
    var axis = document.getElementById("kg-tl-axis");
    function drawAxis() {
      while (axis.firstChild) axis.removeChild(axis.firstChild);
      var rows = state.dated;
      var width = Math.max(120, axis.clientWidth || axis.parentNode.clientWidth || 400), height = 46;
      axis.setAttribute("viewBox", "0 0 " + width + " " + height);
      axis.setAttribute("width", String(width));
      if (!rows.length) {
        var none = svg("text", { x: 4, y: 26, "class": "kg-tl-axis-label" });
        none.textContent = "No dated item" + (state.entity < 0 ? "" : " for this entity");
        axis.appendChild(none);
        return;
      }
      var t0 = rows[0][1], t1 = t0;
      rows.forEach(function (r) { if (r[2] > t1) t1 = r[2]; });
      var span = Math.max(1, t1 - t0 + 1);
      var bins = Math.max(1, Math.min(120, Math.floor(width / 5), span));
      var counts = new Array(bins).fill(0);
      var firstRow = new Array(bins).fill(-1);
      rows.forEach(function (r, i) {
        var b = Math.min(bins - 1, Math.floor((r[1] - t0) / span * bins));
        counts[b]++;
        if (firstRow[b] < 0) firstRow[b] = i;
      });
      var most = Math.max.apply(null, counts), bw = width / bins;
      axis.appendChild(svg("line", { x1: 0, y1: 30, x2: width, y2: 30, "class": "kg-tl-axis-line" }));
      counts.forEach(function (c, b) {
        if (!c) return;
        var h = Math.max(3, 26 * c / most);
        var bar = svg("rect", { x: b * bw + 0.5, y: 30 - h, width: Math.max(1, bw - 1), height: h, "class": "kg-tl-bar" });
        bar.dataset.row = String(firstRow[b]);
        bar.addEventListener("click", function () { datedList.show(firstRow[b]); });
        axis.appendChild(bar);
      });
      var monthly = span < 3 * 366;
      var seen = {}, ticks = [];
      for (var t = t0; t <= t1; t += monthly ? 28 : 365) {
        var label = dayText(t, monthly);
        if (!seen[label]) { seen[label] = 1; ticks.push([t, label]); }
      }
      var step = Math.ceil(ticks.length / Math.max(1, Math.floor(width / 70)));
      ticks.forEach(function (tick, k) {
        if (k % step) return;
        var x = (tick[0] - t0) / span * width;
        axis.appendChild(svg("line", { x1: x, y1: 30, x2: x, y2: 34, "class": "kg-tl-axis-line" }));
        var text = svg("text", { x: Math.min(x + 2, width - 44), y: 44, "class": "kg-tl-axis-label" });
        text.textContent = tick[1];
        axis.appendChild(text);
      });
    }

    /* ---- the lists ---- */
    var datedList = VirtualList(document.getElementById("kg-tl-dated"), ROW, function (r) {
      return itemButton(r[0], r[3], r[4]);
    });
    var undatedList = VirtualList(document.getElementById("kg-tl-undated"), ROW, function (fi) {
      return itemButton(fi, "", "");
    });

    /* ---- rate histories as step charts ---- */
    function chart(pair) {
      var box = el("div", "kg-tl-chart");
      var from = pair[0] >= 0 ? nodes[pair[0]].label : "unknown imposer";
      var to = pair[1] >= 0 ? nodes[pair[1]].label : "unknown target";
      box.appendChild(el("div", "kg-tl-pair", ctx.shorten(from, 60) + " \u2192 " + ctx.shorten(to, 60)));
      var steps = pair[2], w = 288, h = 96, left = 8, right = 8, top = 16, bottom = 22;
      var most = 0;
      steps.forEach(function (s) { most = Math.max(most, s[3], s[4] === null ? 0 : s[4]); });
      most = most > 0 ? most : 1;
      var dx = (w - left - right) / Math.max(1, steps.length);
      function y(v) { return top + (h - top - bottom) * (1 - v / most); }
      var g = svg("svg", { viewBox: "0 0 " + w + " " + h, width: w, height: h, "class": "kg-tl-steps", role: "img" });
      g.appendChild(svg("line", { x1: left, y1: y(0), x2: w - right, y2: y(0), "class": "kg-tl-axis-line" }));
      steps.forEach(function (s, k) {
        var x = left + k * dx, yv = y(s[3]);
        if (s[4] !== null && (k === 0 || steps[k - 1][3] !== s[4])) {
          // the rate it replaced, told by this source: a dashed step into it
          g.appendChild(svg("path", { d: "M" + Math.max(left, x - dx / 2) + " " + y(s[4]) + " H" + x + " V" + yv, "class": "kg-tl-prev" }));
        } else if (k > 0) {
          g.appendChild(svg("path", { d: "M" + x + " " + y(steps[k - 1][3]) + " V" + yv, "class": "kg-tl-rise" }));
        }
        g.appendChild(svg("path", { d: "M" + x + " " + yv + " H" + (x + dx), "class": "kg-tl-level" }));
        var dot = svg("circle", { cx: x, cy: yv, r: 5, "class": "kg-tl-step", tabindex: 0 });
        dot.dataset.fact = String(s[0]);
        dot.addEventListener("click", function () { ctx.showFact(s[0]); });
        dot.addEventListener("keydown", function (e) { if (e.key === "Enter") ctx.showFact(s[0]); });
        g.appendChild(dot);
        var value = svg("text", { x: x + 3, y: yv - 7, "class": "kg-tl-rate" });
        value.textContent = rate(s[3]);
        g.appendChild(value);
        var when = svg("text", { x: x, y: h - 6, "class": "kg-tl-axis-label" });
        when.textContent = s[2] ? ctx.shorten(s[2], 12) : "undated";
        g.appendChild(when);
      });
      box.appendChild(g);
      return box;
    }
    var rateList = VirtualList(document.getElementById("kg-tl-rates"), CHART_ROW, chart);

    /* ---- the entity filter ---- */
    var select = document.getElementById("kg-tl-entity");
    tl.entities.forEach(function (r) {
      var option = el("option", null, ctx.shorten(nodes[r].label, 80));
      option.value = String(r);
      select.appendChild(option);
    });
    function apply() {
      state.dated = tl.dated.filter(function (r) { return involves(r[0]); });
      state.undated = tl.undated.filter(involves);
      state.rates = tl.rates.filter(function (p) {
        return state.entity < 0 || p[0] === state.entity || p[1] === state.entity;
      });
      datedList.set(state.dated);
      undatedList.set(state.undated);
      rateList.set(state.rates);
      drawAxis();
      document.getElementById("kg-tl-undated-count").textContent = String(state.undated.length);
      document.getElementById("kg-tl-count").textContent = empty
        ? "no events or measures in this graph"
        : state.dated.length + " dated, " + state.undated.length + " undated, " +
          state.rates.length + " rate histor" + (state.rates.length === 1 ? "y" : "ies");
    }
    function setEntity(rank) {
      state.entity = known.has(rank) ? rank : -1;
      select.value = String(state.entity);
      apply();
    }
    select.addEventListener("change", function () { setEntity(Number(select.value)); });
    if (empty) {
      // nothing to place in time: the pane folds to its heading, the graph takes the room
      document.getElementById("kg-timeline").classList.add("kg-tl-empty");
    }
    window.addEventListener("resize", function () { window.requestAnimationFrame(drawAxis); });
    apply();
    return { setEntity: setEntity, has: function (rank) { return known.has(rank); } };
  };
})();
