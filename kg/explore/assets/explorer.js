// The explorer page: reads the graph from the JSON block #kg-data, draws it with
// sigma.js (WebGL), and wires search, filters, the time slider and the evidence panel.
// Safety: data only ever reaches the DOM through textContent, and links only through safeUrl() + the
// href property; nothing here uses innerHTML, eval or string-built markup.
(function () {
  "use strict";

  const TYPE_COLORS = {
    Project: "#1f77b4", Organization: "#d62728", Product: "#2ca02c", Specification: "#9467bd",
    Proposal: "#ff7f0e", Release: "#8c564b", Vulnerability: "#e377c2", Concept: "#7f7f7f", Issue: "#17becf",
  };
  const KIND_COLORS = {
    coMention: "rgba(120,120,120,0.35)", mentions: "rgba(23,190,207,0.25)",
    basedOn: "#e6550d", uses: "#31a354", integratesWith: "#31a354", usesOrIntegrates: "#31a354", competesWith: "#de2d26",
    comparableTo: "#de2d26", replaces: "#756bb1", reuses: "#3182bd", releasedBy: "#636363",
    launchedBy: "#636363", acquires: "#a63603", donatedTo: "#08519c", joins: "#08519c",
  };
  const RELATION_FALLBACK = "#e6550d";
  const HINT = "Click a node (or a search result) to see its labels, homepage, organization, neighbours and " +
    "the news items that mention it. Esc clears the selection.";

  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  // Only absolute http(s) URLs (or file: for the post's own path) become links; anything else stays text.
  function safeUrl(value, schemes) {
    if (typeof value !== "string" || value === "") return null;
    try {
      const url = new URL(value);
      return schemes.indexOf(url.protocol) >= 0 ? url.href : null;
    } catch (e) {
      return null;
    }
  }
  function linkOrText(url, text, schemes) {
    const safe = safeUrl(url, schemes);
    if (!safe) return el("span", text);
    const a = el("a", text);
    a.href = safe;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  const D = JSON.parse($("kg-data").textContent);
  const N = D.nodes, E = D.edges;
  const nodeCount = N.key.length, edgeCount = E.s.length;
  const ISSUE = D.types.indexOf("Issue");
  // The Chinese label, unless it only repeats the English one (many projects keep their name in Chinese).
  const zhOf = (i) => (N.zh[i] && N.zh[i] !== N.label[i] ? N.zh[i] : "");
  const keyIndex = new Map();
  for (let i = 0; i < nodeCount; i++) keyIndex.set(N.key[i], i);

  // ------------------------------------------------------------------ time periods (week | month)
  function periodsOf(granularity) {
    const out = [];
    let last = null;
    D.days.forEach((day, index) => {
      let label = day.slice(0, 7);
      if (granularity === "week") {
        const d = new Date(day + "T00:00:00Z");
        d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); // Monday of that week
        label = "week of " + d.toISOString().slice(0, 10);
      }
      if (last && last.label === label) last.end = index;
      else out.push((last = { label: label, start: index, end: index }));
    });
    return out;
  }

  // ------------------------------------------------------------------ state
  const state = {
    // Large graphs open with the bulk types (proposals, releases, CVEs) unticked; they stay listed and searchable.
    types: new Set(D.types.map((_, t) => t).filter((t) => (t !== ISSUE || D.showIssues) &&
      (D.typesOff || []).indexOf(D.types[t]) < 0)),
    kinds: new Set(D.kinds.map((_, k) => k)),
    category: "",
    minMentions: 1,
    top: D.defaultTop || 0,
    granularity: "month",
    mode: "asof",
    period: -1, // -1: all time
    selected: -1,
    neighbours: new Set(),
    hits: new Set(),
  };
  let periods = periodsOf(state.granularity);
  const visible = new Uint8Array(nodeCount);
  // The biggest visible nodes (by mentions in the current window) keep their label at every zoom.
  let labelled = new Set();
  const countNow = new Float64Array(nodeCount);
  const edgeVisible = new Uint8Array(edgeCount);
  let maxMentions = 1;
  for (let i = 0; i < nodeCount; i++) if (N.m[i] > maxMentions) maxMentions = N.m[i];
  const rank = new Int32Array(nodeCount);
  Array.from({ length: nodeCount }, (_, i) => i)
    .sort((a, b) => N.m[b] - N.m[a] || a - b)
    .forEach((node, r) => { rank[node] = r; });
  const nodeSize = (count) => (count > 0 ? 2 + 16 * Math.sqrt(count / maxMentions) : 0);

  function windowCount(timeline, total, lo, hi) {
    if (lo === null) return total;
    let sum = 0;
    for (let p = 0; p < timeline.length; p += 2) {
      const day = timeline[p];
      if (day > hi) break;
      if (day >= lo) sum += timeline[p + 1];
    }
    return sum;
  }

  function recompute() {
    let lo = null, hi = null;
    if (state.period >= 0) {
      const p = periods[state.period];
      lo = state.mode === "asof" ? 0 : p.start;
      hi = p.end;
    }
    let shownNodes = 0, shownEdges = 0;
    for (let i = 0; i < nodeCount; i++) {
      const count = windowCount(N.tl[i], N.m[i], lo, hi);
      countNow[i] = count;
      const on = count > 0 && state.types.has(N.type[i]) && N.m[i] >= state.minMentions &&
        (state.category === "" || N.cat[i] === state.category) && (state.top === 0 || rank[i] < state.top || extra.has(i));
      visible[i] = on ? 1 : 0;
      shownNodes += visible[i];
    }
    for (let j = 0; j < edgeCount; j++) {
      const on = visible[E.s[j]] && visible[E.t[j]] && state.kinds.has(E.k[j]) &&
        (lo === null || windowCount(E.tl[j], E.w[j], lo, hi) > 0);
      edgeVisible[j] = on ? 1 : 0;
      shownEdges += edgeVisible[j];
    }
    const biggest = [];
    for (let i = 0; i < nodeCount; i++) if (visible[i] && (!graph || graph.hasNode(String(i)))) biggest.push(i);
    biggest.sort((a, b) => countNow[b] - countNow[a] || a - b);
    labelled = new Set(biggest.slice(0, D.labelled || 0));
    $("status").textContent = shownNodes.toLocaleString("en") + " nodes · " +
      shownEdges.toLocaleString("en") + " edges shown of " + nodeCount.toLocaleString("en") + " / " +
      edgeCount.toLocaleString("en");
    $("status").dataset.nodes = String(shownNodes);
    $("status").dataset.edges = String(shownEdges);
    $("period-label").textContent = state.period < 0 ? "all time" :
      (state.mode === "asof" ? "as of " : "in ") + periods[state.period].label;
    if (renderer) renderer.refresh();
  }

  // ------------------------------------------------------------------ graph + renderer
  // Software WebGL (as in headless Chromium) pays per item in the graph, hidden or not, so the graph holds
  // only the top nodes by mentions (the "Show" control) plus whatever the analyst selected and its neighbours.
  const adjacency = Array.from({ length: nodeCount }, () => []);
  for (let j = 0; j < edgeCount; j++) { adjacency[E.s[j]].push(j); adjacency[E.t[j]].push(j); }
  let extra = new Set();
  let renderer = null;
  let graph = null;

  function buildRenderer() {
    if (renderer) renderer.kill();
    graph = new graphology.MultiGraph({ type: "mixed", allowSelfLoops: false });
    const member = (i) => state.top === 0 || rank[i] < state.top || extra.has(i);
    for (let i = 0; i < nodeCount; i++) {
      if (!member(i)) continue;
      graph.addNode(String(i), {
        x: N.x[i], y: N.y[i], size: nodeSize(N.m[i]), label: N.label[i] + (zhOf(i) ? " " + zhOf(i) : ""),
        color: TYPE_COLORS[D.types[N.type[i]]] || "#999999", i: i,
      });
    }
    for (let j = 0; j < edgeCount; j++) {
      if (!member(E.s[j]) || !member(E.t[j])) continue;
      const kind = D.kinds[E.k[j]];
      const typed = kind !== "coMention" && kind !== "mentions";
      const attrs = {
        j: j, type: typed ? "arrow" : "line",
        size: typed ? 2 : Math.min(4, 0.5 + Math.log2(1 + E.w[j]) / 2),
        color: KIND_COLORS[kind] || RELATION_FALLBACK,
      };
      if (typed) graph.addDirectedEdgeWithKey("e" + j, String(E.s[j]), String(E.t[j]), attrs);
      else graph.addUndirectedEdgeWithKey("e" + j, String(E.s[j]), String(E.t[j]), attrs);
    }
    const big = graph.order > 20000 || graph.size > 60000;
    renderer = new Sigma(graph, $("graph"), {
      defaultEdgeType: "line",
      edgeProgramClasses: { line: Sigma.rendering.EdgeLineProgram, arrow: Sigma.rendering.EdgeArrowProgram },
      hideEdgesOnMove: big,
      labelRenderedSizeThreshold: big ? 10 : 7,
      labelDensity: 0.5,
      zIndex: true,
      nodeReducer: nodeReducer,
      edgeReducer: edgeReducer,
    });
    renderer.on("clickNode", (e) => select(Number(e.node), false));
    renderer.on("clickStage", () => clearSelection());
    if (window.kgExplorer) window.kgExplorer.renderer = renderer;
  }

  function nodeReducer(key, attrs) {
    const i = attrs.i;
    // A selected node or search hit shows even when its type is unticked.
    const wanted = i === state.selected || state.hits.has(i);
    if (!visible[i] && !wanted) return Object.assign({}, attrs, { hidden: true });
    const out = Object.assign({}, attrs, { size: nodeSize(Math.max(countNow[i], wanted ? 1 : 0)) });
    if (labelled.has(i)) out.forceLabel = true;
    if (state.selected >= 0) {
      if (i === state.selected) Object.assign(out, { highlighted: true, forceLabel: true, zIndex: 2 });
      else if (state.neighbours.has(i)) Object.assign(out, { forceLabel: true, zIndex: 1 });
      else Object.assign(out, { color: "#dddddd", label: "", zIndex: 0 });
    }
    if (state.hits.has(i)) Object.assign(out, { highlighted: true, forceLabel: true });
    return out;
  }
  function edgeReducer(key, attrs) {
    const j = attrs.j;
    const touches = E.s[j] === state.selected || E.t[j] === state.selected;
    if (state.selected >= 0 && !touches) return Object.assign({}, attrs, { hidden: true });
    if (!edgeVisible[j] && !(touches && state.kinds.has(E.k[j]))) return Object.assign({}, attrs, { hidden: true });
    return attrs;
  }

  // ------------------------------------------------------------------ details + evidence panel
  function field(dl, name, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", name));
    const dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    dl.appendChild(dd);
  }
  function nodeButton(i, suffix) {
    const b = el("button", N.label[i] + (zhOf(i) ? " · " + zhOf(i) : "") + (suffix || ""), "link");
    b.type = "button";
    b.dataset.node = N.key[i];
    b.addEventListener("click", () => select(i, true));
    return b;
  }
  function seenRange(i) {
    const tl = N.tl[i];
    if (tl.length === 0) return "";
    return D.days[tl[0]] + " … " + D.days[tl[tl.length - 2]];
  }
  function docLine(docIndex) {
    const doc = D.docs[docIndex];
    const when = doc[0] >= 0 ? D.days[doc[0]] : "undated";
    return when + " · " + doc[1] + (doc[3] !== null ? " #" + doc[3] : "") + " · " + doc[2];
  }

  function renderDetails(i) {
    const box = $("details");
    box.replaceChildren();
    const type = D.types[N.type[i]];
    const title = el("h2", N.label[i]);
    title.style.borderLeftColor = TYPE_COLORS[type] || "#999999";
    box.appendChild(title);
    if (zhOf(i)) box.appendChild(el("p", zhOf(i), "zh"));
    const dl = el("dl");
    field(dl, "type", type);
    field(dl, "key", N.key[i]);
    if (N.alias[i].length) field(dl, "aliases", N.alias[i].join(", "));
    field(dl, "category", N.cat[i]);
    if (N.home[i]) field(dl, "homepage", linkOrText(N.home[i], N.home[i], ["http:", "https:"]));
    if (N.org[i]) field(dl, "organization", keyIndex.has(N.org[i]) ? nodeButton(keyIndex.get(N.org[i])) : N.org[i]);
    field(dl, "maturity", N.mat[i]);
    field(dl, "mentions", N.m[i].toLocaleString("en") + (type === "Issue" ? "" : " in " + N.items[i].toLocaleString("en") + " items"));
    field(dl, "seen", seenRange(i));
    if (N.doc[i] >= 0) {
      const doc = D.docs[N.doc[i]];
      field(dl, "issue", docLine(N.doc[i]));
      if (doc[4]) field(dl, "post", linkOrText(doc[4], "open the post", ["file:"]));
    }
    box.appendChild(dl);

    const around = adjacency[i].map((j) => ({
      j: j, other: E.s[j] === i ? E.t[j] : E.s[j], kind: D.kinds[E.k[j]], out: E.s[j] === i,
    }));
    around.sort((a, b) => E.w[b.j] - E.w[a.j] || a.other - b.other);
    if (around.length) {
      box.appendChild(el("h3", "Connected (" + around.length.toLocaleString("en") + ")"));
      const ul = el("ul", null, "neighbours");
      around.slice(0, 30).forEach((n) => {
        const li = el("li");
        const what = n.kind === "coMention" ? "co-mentioned ×" + E.w[n.j] :
          n.kind === "mentions" ? "mentions ×" + E.w[n.j] :
          (n.out ? n.kind + " →" : "← " + n.kind) + (E.w[n.j] > 1 ? " ×" + E.w[n.j] : "");
        li.appendChild(el("span", what + " ", "kind"));
        li.appendChild(nodeButton(n.other));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }

    const ev = N.ev[i];
    if (ev.length) {
      const total = N.items[i];
      box.appendChild(el("h3", "Evidence: latest " + ev.length / 3 + " of " + total.toLocaleString("en") + " items"));
      const ol = el("ol", null, "evidence");
      for (let p = 0; p < ev.length; p += 3) {
        const item = D.items[ev[p]], start = ev[p + 1], end = ev[p + 2];
        const doc = D.docs[item[0]];
        const li = el("li");
        li.appendChild(el("div", docLine(item[0]), "doc"));
        const quote = el("blockquote");
        if (start >= 0 && end <= item[1].length) {
          quote.appendChild(document.createTextNode(item[1].slice(0, start)));
          quote.appendChild(el("mark", item[1].slice(start, end)));
          quote.appendChild(document.createTextNode(item[1].slice(end)));
        } else {
          quote.textContent = item[1];
        }
        li.appendChild(quote);
        const links = el("div", null, "links");
        if (item[2]) links.appendChild(linkOrText(item[2], "source ↗ " + item[2], ["http:", "https:"]));
        if (doc[4]) links.appendChild(linkOrText(doc[4], "post", ["file:"]));
        li.appendChild(links);
        ol.appendChild(li);
      }
      box.appendChild(ol);
    }
  }

  function select(i, focus) {
    state.selected = i;
    state.neighbours = new Set(adjacency[i].map((j) => (E.s[j] === i ? E.t[j] : E.s[j])));
    renderDetails(i);
    if (!graph.hasNode(String(i))) {
      extra = new Set(state.neighbours);
      extra.add(i);
      buildRenderer();
    }
    renderer.refresh();
    if (focus) {
      const d = renderer.getNodeDisplayData(String(i));
      if (d) renderer.getCamera().animate({ x: d.x, y: d.y, ratio: 0.35 }, { duration: 300 });
    }
  }
  function clearSelection() {
    state.selected = -1;
    state.neighbours = new Set();
    $("details").replaceChildren(el("p", HINT, "muted"));
    renderer.refresh();
  }
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") clearSelection(); });

  // ------------------------------------------------------------------ search (English, Chinese, aliases)
  const names = Array.from({ length: nodeCount }, (_, i) =>
    [N.label[i], N.zh[i], N.key[i]].concat(N.alias[i]).filter(Boolean).map((s) => s.toLowerCase()));
  function search(query) {
    const q = query.trim().toLowerCase();
    const found = [];
    if (q) {
      for (let i = 0; i < nodeCount; i++) {
        let score = 9;
        for (const name of names[i]) {
          if (name === q) { score = 0; break; }
          if (score > 1 && name.startsWith(q)) score = 1;
          else if (score > 2 && name.indexOf(q) >= 0) score = 2;
        }
        if (score < 9) found.push([score, -N.m[i], i]);
      }
      found.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    }
    return found.slice(0, 25).map((f) => f[2]);
  }
  let searchTimer = 0;
  function showResults() {
    const hits = search($("search").value);
    state.hits = new Set(hits);
    const ul = $("results");
    ul.replaceChildren();
    ul.dataset.query = $("search").value;
    hits.forEach((i) => {
      const li = el("li");
      li.appendChild(nodeButton(i, " (" + D.types[N.type[i]] + ", " + N.m[i] + ")"));
      ul.appendChild(li);
    });
    if ($("search").value.trim() && !hits.length) ul.appendChild(el("li", "no match", "muted"));
    renderer.refresh();
    return hits;
  }
  $("search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(showResults, 80);
  });
  $("search").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      const hits = showResults();
      if (hits.length) select(hits[0], true);
    }
  });

  // ------------------------------------------------------------------ filters
  const typeCounts = D.types.map(() => 0);
  for (let i = 0; i < nodeCount; i++) typeCounts[N.type[i]]++;
  D.types.forEach((type, t) => {
    const label = el("label", null, "check");
    const box = el("input");
    box.type = "checkbox";
    box.checked = state.types.has(t);
    box.dataset.type = type;
    box.addEventListener("change", () => {
      if (box.checked) state.types.add(t); else state.types.delete(t);
      recompute();
    });
    const swatch = el("span", null, "swatch");
    swatch.style.background = TYPE_COLORS[type] || "#999999";
    label.append(box, swatch, document.createTextNode(type + " (" + typeCounts[t].toLocaleString("en") + ")"));
    $("types").appendChild(label);
  });
  D.kinds.forEach((kind, k) => {
    const label = el("label", null, "check");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.kind = kind;
    box.addEventListener("change", () => {
      if (box.checked) state.kinds.add(k); else state.kinds.delete(k);
      recompute();
    });
    const swatch = el("span", null, kind === "coMention" || kind === "mentions" ? "swatch line" : "swatch arrow");
    swatch.style.background = KIND_COLORS[kind] || RELATION_FALLBACK;
    label.append(box, swatch, document.createTextNode(kind));
    $("kinds").appendChild(label);
  });
  const categories = Array.from(new Set(N.cat.filter(Boolean))).sort();
  categories.forEach((c) => { const o = el("option", c); o.value = c; $("category").appendChild(o); });
  $("category").addEventListener("change", () => { state.category = $("category").value; recompute(); });
  $("min-mentions").addEventListener("change", () => {
    state.minMentions = Math.max(1, parseInt($("min-mentions").value, 10) || 1);
    recompute();
  });
  [500, 2000, 5000, 20000].filter((n) => n < nodeCount).forEach((n) => {
    const o = el("option", "top " + n.toLocaleString("en") + " by mentions");
    o.value = String(n);
    $("top").appendChild(o);
  });
  $("top").value = String(state.top);
  $("top").addEventListener("change", () => {
    state.top = parseInt($("top").value, 10) || 0;
    buildRenderer();
    recompute();
  });

  // ------------------------------------------------------------------ time slider
  const slider = $("slider");
  function resetSlider() {
    periods = periodsOf(state.granularity);
    slider.max = String(periods.length);
    slider.value = String(periods.length);
    state.period = -1;
  }
  slider.addEventListener("input", () => {
    const v = parseInt(slider.value, 10);
    state.period = v >= periods.length ? -1 : v;
    recompute();
  });
  $("granularity").addEventListener("change", () => { state.granularity = $("granularity").value; resetSlider(); recompute(); });
  $("mode").addEventListener("change", () => { state.mode = $("mode").value; recompute(); });
  let playTimer = 0;
  function stop() { clearInterval(playTimer); playTimer = 0; $("play").textContent = "▶ play"; }
  $("play").addEventListener("click", () => {
    if (playTimer) { stop(); return; }
    if (!periods.length) return;
    if (state.period < 0 || state.period >= periods.length - 1) {
      slider.value = "0";
      slider.dispatchEvent(new Event("input"));
    }
    $("play").textContent = "❚❚ pause";
    playTimer = setInterval(() => {
      if (state.period < 0 || state.period >= periods.length - 1) { stop(); return; }
      slider.value = String(state.period + 1);
      slider.dispatchEvent(new Event("input"));
    }, 600);
  });

  // ------------------------------------------------------------------ start
  $("title").textContent = D.title;
  $("details").replaceChildren(el("p", HINT, "muted"));
  $("summary").textContent = D.summary;
  resetSlider();
  buildRenderer();
  recompute();
  // For tests and the benchmark: where a node is on screen, and when the first frame was drawn.
  window.kgExplorer = {
    viewportOf: (key) => {
      const i = keyIndex.get(key);
      if (i === undefined) return null;
      const d = renderer.getNodeDisplayData(String(i));
      return renderer.framedGraphToViewport({ x: d.x, y: d.y });
    },
    selected: () => (state.selected >= 0 ? N.key[state.selected] : null),
    labelled: () => Array.from(labelled, (i) => N.key[i]),
    renderer: renderer,
  };
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.kgFirstPaintMs = performance.now();
    document.documentElement.dataset.ready = "1";
  }));
})();
