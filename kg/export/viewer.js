/* kg graph viewer: reads the graph from the #kg-data JSON block and draws it with vis-network.
 *
 * Every string in the data comes from news articles and is treated as text: the DOM is built
 * with createElement and textContent only, and vis-network gets no `title` (tooltip) strings.
 * The page sets window.kgReady = performance.now() once the graph is drawn and laid out.
 * The timeline pane under the graph is kg/export/timeline.js (kgTimeline), inlined before this.
 *
 * Article text can be hostile to layout: a 2 MB title or a word with 100,000 combining marks
 * froze the tab. Every string reaches the page through tame(): combining-mark runs cut to
 * MARK_RUN marks, and text past its limit cut with an ellipsis and the number of characters
 * left out (the full text is in facts.jsonl, entities.jsonl and the RDF files beside the page).
 */
(function () {
  "use strict";

  var STYLES = {
    Person: ["#4e79a7", "dot", "\u25cf"],
    Country: ["#e15759", "diamond", "\u25c6"],
    Organization: ["#f28e2b", "square", "\u25a0"],
    GovernmentBody: ["#b07aa1", "hexagon", "\u2b22"],
    Media: ["#59a14f", "triangle", "\u25b2"],
    Company: ["#d4a72c", "triangleDown", "\u25bc"],
    ThinkTank: ["#76b7b2", "star", "\u2605"],
    InternationalOrganization: ["#9c755f", "hexagon", "\u2b22"],
    PoliticalParty: ["#ff9da7", "square", "\u25a0"],
    Place: ["#8cd17d", "diamond", "\u25c6"],
    Event: ["#fde68a", "box", "\u25ac"],
    Tariff: ["#fdba74", "box", "\u25ac"],
    Figure: ["#bae6fd", "box", "\u25ac"],
    Document: ["#e5e7eb", "ellipse", "\u25cb"],
    other: ["#bab0ac", "dot", "\u25cf"]
  };
  var KIND_COLORS = {
    office: "#4e79a7", affiliation: "#f28e2b", event: "#b8860b", tariff: "#e8590c",
    figure: "#0891b2", authorship: "#6b7280"
  };
  var CONFLICT = "#cf222e";
  var FADED = "rgba(200,200,200,0.35)";
  var PANEL_FACTS = 60;
  var DIM_LIMIT = 3000; // above this many drawn nodes, selection marks only the node and its edges

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var meta = data.meta, nodes = data.nodes, edges = data.edges, facts = data.facts;
  var docs = data.docs, sentences = data.sentences;
  var byId = new Map();
  nodes.forEach(function (n, i) { byId.set(n.id, i); });
  var factById = new Map();
  facts.forEach(function (f, i) { factById.set(f.id, i); });
  var adjacency = nodes.map(function () { return []; });
  edges.forEach(function (e, k) { adjacency[e[0]].push(k); adjacency[e[1]].push(k); });

  function style(type) { return STYLES[type] || STYLES.other; }
  var TEXT_LIMIT = 2000; // characters of one piece of text in the panel
  var LABEL_LIMIT = 200; // characters of a heading, a button or a list entry
  var MARK_RUN = 30; // combining marks kept on one character (UAX #15 "stream-safe" text)
  var MARKS = new RegExp("(\\p{M}{" + MARK_RUN + "})\\p{M}+", "gu");
  function tame(text, size, fromEnd) {
    var s = String(text);
    if (s.length > MARK_RUN) s = s.replace(MARKS, "$1");
    if (s.length <= size) return s; // UTF-16 units: never fewer than characters
    var chars = Array.from(s);
    if (chars.length <= size) return s;
    var cut = " [\u2026 " + (chars.length - size) + " more characters]";
    return fromEnd ? cut + chars.slice(-size).join("") : chars.slice(0, size).join("") + cut;
  }
  function el(tag, cls, text, size) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = tame(text, size || TEXT_LIMIT);
    return node;
  }
  function textNode(text, fromEnd) {
    return document.createTextNode(tame(text, TEXT_LIMIT, fromEnd));
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function shorten(text, size) {
    var t = String(text);
    if (t.length > MARK_RUN) t = t.replace(MARKS, "$1");
    if (t.length <= size) return t;
    var chars = Array.from(t);
    return chars.length > size ? chars.slice(0, size - 1).join("") + "\u2026" : t;
  }
  function docName(index) {
    var d = docs[index];
    var name = shorten(d.title ? d.id + " \u2014 " + d.title : d.id, LABEL_LIMIT);
    return d.copy_of === undefined ? name : name + " (copy of " + shorten(d.copy_of, LABEL_LIMIT) + ")";
  }

  /* ---- header ---- */
  document.title = shorten(meta.title, LABEL_LIMIT) + " \u2014 knowledge graph";
  document.getElementById("kg-title").textContent = shorten(meta.title, LABEL_LIMIT);
  var stats = [];
  if (meta.documents !== undefined) stats.push(meta.documents + " documents");
  if (meta.entities !== undefined) stats.push(meta.entities + " entities");
  if (meta.facts !== undefined) stats.push(meta.facts + " facts");
  if (typeof meta.build_seconds === "number") stats.push("built in " + meta.build_seconds.toFixed(1) + " s");
  if (meta.triples !== undefined) stats.push(meta.triples + " triples");
  stats.push(meta.nodes + " nodes, " + edges.length + " edges");
  if (meta.model) stats.push("model " + meta.model);
  if (meta.built) stats.push("built " + meta.built);
  document.getElementById("kg-stats").textContent = stats.join(" \u00b7 ");

  /* ---- state and filters ---- */
  var state = {
    shown: Math.min(meta.max_nodes, nodes.length), // the top-ranked nodes on display
    extra: new Set(),   // nodes revealed beyond the top ones (search hits and their neighbours)
    pinned: new Set(),  // nodes picked in search: shown whatever the filters say
    typeOff: new Set(),
    doc: -1,
    minSupport: 1,
    showMinor: false,   // entities named once and in no fact (entities.jsonl "minor"): hidden
    selected: null
  };

  function nodeVisible(i) {
    if (state.pinned.has(i)) return true;
    if (i >= state.shown && !state.extra.has(i)) return false;
    var n = nodes[i];
    if (state.typeOff.has(n.type)) return false;
    if (n.minor && !state.showMinor) return false;
    if (n.support < state.minSupport) return false;
    return state.doc < 0 || n.docs.indexOf(state.doc) >= 0;
  }
  function edgeVisible(k, visible) {
    var e = edges[k], f = facts[e[3]];
    if (!visible[e[0]] || !visible[e[1]]) return false;
    if (f.support < state.minSupport) return false;
    return state.doc < 0 || f.docs.indexOf(state.doc) >= 0;
  }

  /* ---- vis-network objects ---- */
  var parallel = new Map();
  var edgeBend = edges.map(function (e) {
    var key = Math.min(e[0], e[1]) + "," + Math.max(e[0], e[1]);
    var seen = parallel.get(key) || 0;
    parallel.set(key, seen + 1);
    return seen;
  });
  function nodeColor(i, faded) {
    var s = style(nodes[i].type);
    if (faded) return { background: FADED, border: FADED };
    return { background: s[0], border: "#374151", highlight: { background: s[0], border: "#111827" } };
  }
  function makeNode(i) {
    var n = nodes[i], s = style(n.type);
    var box = s[1] === "box" || s[1] === "ellipse";
    return {
      id: i, label: shorten(n.label, box ? 32 : 40), shape: s[1], x: n.x, y: n.y, value: n.weight + 1,
      color: nodeColor(i, false), font: { color: "#1f2328" }, margin: box ? 6 : undefined
    };
  }
  function edgeColor(k, faded) {
    var f = facts[edges[k][3]];
    var c = faded ? FADED : (f.conflicts.length ? CONFLICT : (KIND_COLORS[f.kind] || "#6b7280"));
    return { color: c, highlight: c, hover: c, inherit: false };
  }
  function makeEdge(k) {
    var e = edges[k], bend = edgeBend[k];
    var item = {
      id: k, from: e[0], to: e[1], label: shorten(e[2], 40), dashes: e[4] === 1,
      color: edgeColor(k, false), font: { color: "#374151" }
    };
    if (bend > 0) {
      item.smooth = { enabled: true, type: bend % 2 ? "curvedCW" : "curvedCCW", roundness: 0.15 * Math.ceil(bend / 2) };
    }
    return item;
  }

  var nodeSet = new vis.DataSet();
  var edgeSet = new vis.DataSet();
  var container = document.getElementById("kg-network");
  var physicsOn = !meta.large;
  var network = new vis.Network(container, { nodes: nodeSet, edges: edgeSet }, {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    physics: {
      enabled: physicsOn, solver: "barnesHut",
      barnesHut: { gravitationalConstant: -3000, centralGravity: 0.6, springLength: 130, springConstant: 0.04, damping: 0.4, avoidOverlap: 0.15 },
      stabilization: { enabled: false }
    },
    nodes: {
      scaling: { min: 10, max: 34, label: { enabled: true, min: 12, max: 20, drawThreshold: 6 } },
      font: { size: 13, face: "system-ui, sans-serif" }, borderWidth: 1.5
    },
    edges: {
      width: 1.2, selectionWidth: 2, smooth: meta.large ? false : { enabled: true, type: "continuous", roundness: 0.3 },
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
      font: { size: 10, align: "middle", strokeWidth: 3, strokeColor: "#ffffff" }
    },
    interaction: { hover: true, hideEdgesOnDrag: meta.large, hideEdgesOnZoom: meta.large, keyboard: false }
  });

  function apply() {
    var visible = new Array(nodes.length);
    var wantNodes = [];
    for (var i = 0; i < nodes.length; i++) {
      visible[i] = nodeVisible(i);
      if (visible[i]) wantNodes.push(i);
    }
    var wantEdges = [];
    for (var k = 0; k < edges.length; k++) if (edgeVisible(k, visible)) wantEdges.push(k);
    sync(nodeSet, wantNodes, makeNode);
    sync(edgeSet, wantEdges, makeEdge);
    var hidden = nodes.length - Math.min(state.shown, nodes.length);
    var more = document.getElementById("kg-more");
    more.hidden = state.shown >= nodes.length;
    more.textContent = "Show " + Math.min(meta.max_nodes, hidden) + " more (" + hidden + " not shown)";
    document.getElementById("kg-status").textContent =
      "Showing " + wantNodes.length + " of " + nodes.length + " nodes and " +
      wantEdges.length + " of " + edges.length + " edges.";
    if (state.selected !== null && !visible[state.selected]) select(null);
    else if (state.selected !== null) highlight(state.selected);
  }
  function sync(set, want, make) {
    var wanted = new Set(want);
    var have = set.getIds();
    var drop = have.filter(function (id) { return !wanted.has(id); });
    if (drop.length) set.remove(drop);
    var present = new Set(have);
    var add = want.filter(function (id) { return !present.has(id); }).map(make);
    if (add.length) set.add(add);
  }

  /* ---- neighbourhood highlight ---- */
  var dimmed = false;
  function highlight(i) {
    if (nodeSet.length > DIM_LIMIT) i = null;
    var near = new Set();
    var nearEdges = new Set();
    if (i !== null) {
      near.add(i);
      adjacency[i].forEach(function (k) {
        nearEdges.add(k);
        near.add(edges[k][0]);
        near.add(edges[k][1]);
      });
    }
    if (i === null && !dimmed) return;
    dimmed = i !== null;
    nodeSet.update(nodeSet.getIds().map(function (id) {
      var faded = dimmed && !near.has(id);
      return { id: id, color: nodeColor(id, faded), font: { color: faded ? "#c0c4ca" : "#1f2328" } };
    }));
    edgeSet.update(edgeSet.getIds().map(function (id) {
      var faded = dimmed && !nearEdges.has(id);
      return { id: id, color: edgeColor(id, faded), font: { color: faded ? "rgba(0,0,0,0)" : "#374151" } };
    }));
  }

  /* ---- side panel ---- */
  var panel = document.getElementById("kg-panel");
  function nodeButton(i) {
    var b = el("button", null, nodes[i].label, LABEL_LIMIT);
    b.type = "button";
    b.addEventListener("click", function () { reveal(i); });
    return b;
  }
  function sentenceBlock(src) {
    var box = el("div");
    var sentence = sentences[src.s] || "";
    var p = el("p", "kg-sentence");
    if (src.mark) {
      p.appendChild(textNode(sentence.slice(0, src.mark[0]), true));
      p.appendChild(el("mark", null, sentence.slice(src.mark[0], src.mark[1])));
      p.appendChild(textNode(sentence.slice(src.mark[1])));
      box.appendChild(p);
    } else {
      p.textContent = tame(sentence, TEXT_LIMIT);
      box.appendChild(p);
      var q = el("p", "kg-quote", "Quoted span: ");
      q.appendChild(el("mark", null, src.quote));
      box.appendChild(q);
    }
    return box;
  }
  function factCard(fi) {
    var f = facts[fi];
    var card = el("article", "kg-fact" + (f.conflicts.length ? " kg-conflict" : ""));
    card.dataset.fact = String(fi);
    var head = el("div", "kg-fact-head");
    head.appendChild(el("span", "kg-kind", f.kind));
    head.appendChild(el("span", "kg-summary", f.summary, LABEL_LIMIT));
    // support counts independent sources; mentions, the documents (copies included)
    head.appendChild(el("span", "kg-support", "support " + f.support + (f.mentions > f.support ? ", mentions " + f.mentions : "")));
    card.appendChild(head);
    if (f.conflicts.length) {
      var note = el("div", "kg-conflict-note", "\u26a0 Conflicts with:");
      var list = el("ul");
      f.conflicts.forEach(function (id) {
        var other = factById.get(id);
        list.appendChild(el("li", null, other === undefined ? id : facts[other].summary + " (support " + facts[other].support + ")"));
      });
      note.appendChild(list);
      card.appendChild(note);
    }
    if (f.fields.length) {
      var dl = el("dl", "kg-fields");
      f.fields.forEach(function (pair) {
        dl.appendChild(el("dt", null, pair[0].replace(/_/g, " ")));
        dl.appendChild(el("dd", null, pair[1]));
      });
      card.appendChild(dl);
    }
    if (f.nodes.length) {
      var links = el("div", "kg-links", "Involves: ");
      f.nodes.forEach(function (i) { links.appendChild(nodeButton(i)); });
      card.appendChild(links);
    }
    var ol = el("ol", "kg-sources");
    f.sources.forEach(function (src) {
      var li = el("li", "kg-source");
      li.appendChild(el("div", "kg-source-doc", docName(src.doc), LABEL_LIMIT));
      li.appendChild(sentenceBlock(src));
      var bits = [src.extractor || "unknown extractor"];
      if (typeof src.confidence === "number") bits.push("confidence " + src.confidence);
      if (typeof src.start === "number") bits.push("chars " + src.start + "\u2013" + src.end);
      li.appendChild(el("div", "kg-source-meta", bits.join(" \u00b7 ")));
      ol.appendChild(li);
    });
    card.appendChild(ol);
    return card;
  }
  function factList(list) {
    var box = el("div");
    var shown = 0;
    function more() {
      var next = list.slice(shown, shown + PANEL_FACTS);
      next.forEach(function (fi) { box.insertBefore(factCard(fi), button); });
      shown += next.length;
      button.hidden = shown >= list.length;
      button.textContent = "Show " + (list.length - shown) + " more facts";
    }
    var button = el("button", null, "");
    button.type = "button";
    button.addEventListener("click", more);
    box.appendChild(button);
    more();
    return box;
  }
  function showNode(i) {
    clear(panel);
    var n = nodes[i];
    panel.appendChild(el("h2", null, n.label, LABEL_LIMIT));
    var type = el("p");
    type.appendChild(el("span", "kg-type", n.type));
    if (n.wikidata) type.appendChild(document.createTextNode(" Wikidata " + n.wikidata));
    panel.appendChild(type);
    if (n.aliases.length) panel.appendChild(el("p", "kg-aliases", "Also called: " + n.aliases.join("; ")));
    if (n.docs.length) {
      panel.appendChild(el("p", "kg-docs", "In " + n.docs.length + " document(s): " + n.docs.map(docName).join("; ")));
    }
    var meta = el("p", "kg-meta", n.facts.length + " fact(s), support " + n.support);
    if (timeline && timeline.has(i)) {
      var onTimeline = el("button", "kg-tl-link", "Show on the timeline");
      onTimeline.type = "button";
      onTimeline.addEventListener("click", function () { timeline.setEntity(i); });
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(onTimeline);
    }
    panel.appendChild(meta);
    panel.appendChild(factList(n.facts));
  }
  function showFact(fi) {
    clear(panel);
    var f = facts[fi];
    panel.appendChild(el("h2", null, f.summary, LABEL_LIMIT));
    panel.appendChild(el("p", "kg-meta", f.kind + ", from the timeline"));
    panel.appendChild(factCard(fi));
  }
  function showEdge(k) {
    clear(panel);
    var e = edges[k];
    panel.appendChild(el("h2", null, shorten(nodes[e[0]].label, LABEL_LIMIT) + " \u2192 " + shorten(nodes[e[1]].label, LABEL_LIMIT)));
    panel.appendChild(el("p", "kg-meta", e[2]));
    panel.appendChild(factCard(e[3]));
  }
  function showOverview() {
    clear(panel);
    panel.appendChild(el("h2", null, "Facts and evidence"));
    panel.appendChild(el("p", "kg-hint",
      "Click a node or an edge to see its facts and the sentences that state them. " +
      "Search finds names and aliases."));
    var conflicting = [];
    facts.forEach(function (f, i) { if (f.conflicts.length) conflicting.push(i); });
    if (conflicting.length) {
      panel.appendChild(el("h2", null, "Conflicting facts (" + conflicting.length + ")"));
      panel.appendChild(factList(conflicting));
    }
  }

  /* ---- selection ---- */
  function select(i) {
    state.selected = i;
    highlight(i);
    if (i === null) { network.unselectAll(); showOverview(); } else { showNode(i); }
  }
  function reveal(i) {
    state.pinned.add(i);
    adjacency[i].forEach(function (k) { state.extra.add(edges[k][0]); state.extra.add(edges[k][1]); });
    state.selected = i;
    apply();
    network.selectNodes([i]);
    network.focus(i, { scale: Math.max(network.getScale(), 0.9), animation: false });
    select(i);
  }
  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0]);
    else if (params.edges.length) { select(null); network.selectEdges([params.edges[0]]); showEdge(params.edges[0]); }
    else select(null);
  });

  /* ---- search ---- */
  var names = nodes.map(function (n) { return [n.label].concat(n.aliases).map(fold); });
  var searchBox = document.getElementById("kg-search");
  var results = document.getElementById("kg-results");
  function search(query) {
    var q = fold(query.trim());
    var hits = [];
    if (!q) return hits;
    for (var i = 0; i < nodes.length; i++) {
      var best = -1, alias = null;
      for (var j = 0; j < names[i].length; j++) {
        var at = names[i][j].indexOf(q);
        if (at < 0) continue;
        var score = names[i][j] === q ? 0 : (at === 0 ? 1 : 2);
        if (best < 0 || score < best) { best = score; alias = j ? nodes[i].aliases[j - 1] : null; }
      }
      if (best >= 0) hits.push([best, i, alias]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return hits.slice(0, 25);
  }
  function showResults() {
    clear(results);
    var hits = search(searchBox.value);
    if (searchBox.value.trim() && !hits.length) results.appendChild(el("li", "kg-hint", "No match."));
    hits.forEach(function (hit) {
      var n = nodes[hit[1]];
      var b = el("button", null, n.label, LABEL_LIMIT);
      b.type = "button";
      b.dataset.node = String(hit[1]);
      var note = " \u2014 " + n.type + (hit[2] ? " (alias: " + shorten(hit[2], LABEL_LIMIT) + ")" : "");
      b.appendChild(el("span", "kg-hint", note));
      b.addEventListener("click", function () { reveal(hit[1]); });
      var li = el("li");
      li.appendChild(b);
      results.appendChild(li);
    });
  }
  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var first = results.querySelector("button");
    if (first) first.click();
  });

  /* ---- controls ---- */
  var docSelect = document.getElementById("kg-doc");
  docs.forEach(function (d, i) {
    var option = el("option", null, shorten(docName(i), 80));
    option.value = String(i);
    docSelect.appendChild(option);
  });
  docSelect.addEventListener("change", function () { state.doc = Number(docSelect.value); apply(); });
  var slider = document.getElementById("kg-support");
  var maxSupport = 1;
  nodes.forEach(function (n) { if (n.support > maxSupport) maxSupport = n.support; });
  slider.max = String(maxSupport);
  slider.addEventListener("input", function () {
    state.minSupport = Number(slider.value);
    document.getElementById("kg-support-value").textContent = slider.value;
    apply();
  });
  var legend = document.getElementById("kg-legend");
  var typeBoxes = [];
  data.types.forEach(function (pair) {
    var s = style(pair[0]);
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.type = pair[0];
    box.addEventListener("change", function () {
      if (box.checked) state.typeOff.delete(pair[0]); else state.typeOff.add(pair[0]);
      apply();
    });
    typeBoxes.push(box);
    var glyph = el("span", "kg-glyph", s[2]);
    glyph.style.color = s[0];
    label.appendChild(box);
    label.appendChild(glyph);
    label.appendChild(el("span", null, pair[0]));
    label.appendChild(el("span", "kg-count", pair[1]));
    var li = el("li");
    li.appendChild(label);
    legend.appendChild(li);
  });
  document.getElementById("kg-reset").addEventListener("click", function () {
    state.typeOff.clear();
    typeBoxes.forEach(function (b) { b.checked = true; });
    state.doc = -1;
    docSelect.value = "-1";
    state.minSupport = 1;
    slider.value = "1";
    state.showMinor = false;
    minorBox.checked = false;
    document.getElementById("kg-support-value").textContent = "1";
    apply();
  });
  var minorBox = document.getElementById("kg-minor");
  document.getElementById("kg-minor-count").textContent = String(
    nodes.filter(function (n) { return n.minor; }).length);
  minorBox.addEventListener("change", function () { state.showMinor = minorBox.checked; apply(); });
  var physicsBox = document.getElementById("kg-physics");
  physicsBox.checked = physicsOn;
  physicsBox.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physicsBox.checked } });
  });
  document.getElementById("kg-more").addEventListener("click", function () {
    state.shown = Math.min(nodes.length, state.shown + meta.max_nodes);
    apply();
  });

  /* ---- the timeline pane (kg/export/timeline.js) ---- */
  var timeline = kgTimeline({
    data: data, el: el, shorten: shorten, LABEL_LIMIT: LABEL_LIMIT,
    showFact: function (fi) { showFact(fi); }
  });

  /* ---- start ---- */
  var moved = false;
  network.on("zoom", function () { moved = true; });
  network.on("dragStart", function () { moved = true; });
  function ready() {
    network.once("afterDrawing", function () {
      window.kgReady = performance.now();
      document.body.dataset.ready = "1";
    });
    network.redraw();
  }
  apply();
  showOverview();
  if (physicsOn && nodes.length) {
    network.once("stabilizationIterationsDone", function () {
      network.fit();
      ready();
      // Loose nodes drift a little after the batch; frame them once when the layout settles.
      network.once("stabilized", function () {
        if (!moved && state.selected === null) network.fit({ animation: false });
      });
    });
    network.stabilize(Math.max(60, Math.min(400, Math.round(60000 / Math.max(nodes.length, 1)))));
  } else {
    network.fit();
    ready();
  }
  // A small hook for tests and scripts; it exposes nothing the page's own controls cannot do.
  window.kgViewer = {
    network: network,
    reveal: function (id) { var i = byId.get(id); if (i !== undefined) reveal(i); return i !== undefined; },
    visibleNodeIds: function () { return nodeSet.getIds().map(function (i) { return nodes[i].id; }); },
    timeline: timeline
  };
})();
