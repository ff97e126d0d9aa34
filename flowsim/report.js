/*
 * report.js — the script of the page flowsim report --html writes
 * (embedded into it at build time, flowsim/embed_assets.sh): Sankey
 * diagrams of each scenario's flows by year, the indicators against their
 * targets, the target tables, the provenance; drawn with plotly.js. The
 * data is the JSON of <script id="flow-data"> (docs/report-html.md).
 * Everything from the file reaches the page as text (textContent), or,
 * in plotly's labels, with < > & escaped: plotly reads a few HTML tags.
 * With #selftest in the address, the page checks itself and writes what
 * it shows into <pre id="selftest"> (tests/html.sh).
 */
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  var D = JSON.parse(document.getElementById('flow-data').textContent);

  /* Above AGG_LIMIT processes in a year's diagram, the page keeps the
   * AGG_LIMIT - 10 of largest throughput and merges the others by kind
   * (docs/report-html.md). */
  var AGG_LIMIT = 120;
  var KIND_COLOUR = { source: '#4e79a7', split: '#f28e2b', typed: '#59a14f', stock: '#b07aa1', sink: '#e15759' };
  var PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
                 '#9c755f', '#bab0ac', '#1f77b4', '#17becf', '#bcbd22', '#8c564b'];
  var UNIT = 't/a';
  var CONFIG = {
    displaylogo: false, responsive: true,
    toImageButtonOptions: { format: 'svg', filename: 'libflow' },
    modeBarButtonsToAdd: [{
      name: 'Download plot as PNG', icon: Plotly.Icons.camera,
      click: function (gd) { Plotly.downloadImage(gd, { format: 'png', filename: 'libflow', scale: 2 }); }
    }]
  };

  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined || v !== v) return 'n/a';
    var a = Math.abs(v);
    return a !== 0 && (a >= 1e7 || a < 1e-3) ? v.toExponential(4) : (+v.toPrecision(6)).toLocaleString('en');
  }
  function hexa(c, a) {
    var n = parseInt(c.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  /* ---- the model's graph, from the item names (docs/results-format.md) ---- */
  function parseFlow(name) {
    var m = /^(.*?)(?:\[([^\]]*)\])?->(.*):([^:]*)$/.exec(name);
    return m ? { from: m[1], port: m[2] || null, to: m[3], material: m[4] } : null;
  }
  function graph(sc) {
    var g = { flows: [], procs: {}, order: [], materials: [], stocks: {} };
    function proc(n) {
      if (!g.procs[n]) { g.procs[n] = { name: n, in: 0, out: 0, typed: false, stock: false }; g.order.push(n); }
      return g.procs[n];
    }
    sc.flows.names.forEach(function (n, i) {
      var f = parseFlow(n);
      if (!f) return;
      f.index = i;
      g.flows.push(f);
      if (f.port !== 'overflow') proc(f.from).out++;   /* a sink may overflow elsewhere */
      else proc(f.from);
      proc(f.to).in++;
      if (f.port && f.port !== 'overflow') g.procs[f.from].typed = true;
      if (g.materials.indexOf(f.material) < 0) g.materials.push(f.material);
    });
    sc.stocks.names.forEach(function (n, i) {
      var m = /^(.*?)(\/backlog)?:([^:]*)$/.exec(n);
      if (!m) return;
      var p = proc(m[1]);
      if (!m[2]) p.stock = true;
      (g.stocks[m[1]] = g.stocks[m[1]] || []).push({ index: i, material: m[3], backlog: !!m[2] });
    });
    sc.metrics.names.forEach(function (n) {
      var k = n.lastIndexOf(':');
      if (k > 0) proc(n.slice(0, k)).typed = true;
    });
    g.order.forEach(function (n) {
      var p = g.procs[n];
      p.kind = p.typed ? 'typed' : p.stock ? 'stock' : p.in === 0 ? 'source' : p.out === 0 ? 'sink' : 'split';
    });
    g.flows.forEach(function (f) {   /* throughput over all years: the rank for aggregation */
      var t = sc.flows.values[f.index].reduce(function (a, v) { return a + (v > 0 ? v : 0); }, 0);
      g.procs[f.from].weight = (g.procs[f.from].weight || 0) + t;
      g.procs[f.to].weight = (g.procs[f.to].weight || 0) + t;
    });
    return g;
  }

  /* ---- the Sankey diagram of one scenario and year ---- */
  function stockText(sc, g, p, yi) {
    return (g.stocks[p] || []).map(function (s) {
      var v = sc.stocks.values[s.index], d = yi > 0 ? v[yi] - v[yi - 1] : null;
      return (s.backlog ? 'backlog ' : 'stock ') + esc(s.material) + ': ' + fmt(v[yi]) + ' t' +
        (d === null || d !== d ? '' : ' (' + (d >= 0 ? '+' : '') + fmt(d) + ' t)');
    });
  }
  function links(sc, g, yi, st) {
    var out = [], total = 0;
    g.flows.forEach(function (f) {
      var v = sc.flows.values[f.index][yi];
      if (v === null || !(v > 0)) return;
      if (st.material !== '' && f.material !== st.material) return;
      out.push({ f: f, v: v });
      total += v;
    });
    return out.filter(function (l) { return l.v >= st.threshold / 100 * total; });
  }
  /* name of the node a process is drawn as: itself, or its kind's group */
  function grouping(g, ls) {
    var used = {}, names;
    ls.forEach(function (l) { used[l.f.from] = 1; used[l.f.to] = 1; });
    names = Object.keys(used);
    if (names.length <= AGG_LIMIT) return { of: function (p) { return p; }, merged: 0 };
    names.sort(function (a, b) { return (g.procs[b].weight || 0) - (g.procs[a].weight || 0); });
    var keep = {};
    names.slice(0, AGG_LIMIT - 10).forEach(function (n) { keep[n] = 1; });
    return { of: function (p) { return keep[p] ? p : 'other ' + g.procs[p].kind; },
             merged: names.length - (AGG_LIMIT - 10) };
  }
  function sankeyTrace(sc, g, yi, st) {
    var ls = links(sc, g, yi, st), grp = grouping(g, ls), idx = {}, nodes = [], L = {};
    function node(p) {
      var n = grp.of(p);
      if (idx[n] === undefined) {
        idx[n] = nodes.length;
        var kind = g.procs[p] ? g.procs[p].kind : 'split', stock = n === p ? stockText(sc, g, p, yi) : [];
        nodes.push({ name: n, kind: kind, stock: stock });
      }
      return idx[n];
    }
    ls.forEach(function (l) {
      var s = node(l.f.from), t = node(l.f.to), key = s + '|' + t + '|' + l.f.material;
      if (s === t) return;   /* inside one group of merged processes */
      if (!L[key]) L[key] = { s: s, t: t, m: l.f.material, v: 0, names: [] };
      L[key].v += l.v;
      L[key].names.push(sc.flows.names[l.f.index]);
    });
    var lk = Object.keys(L).map(function (k) { return L[k]; });
    return {
      merged: grp.merged, nodes: nodes, links: lk,
      trace: {
        type: 'sankey', orientation: 'h', valueformat: ',.6~g', valuesuffix: ' ' + UNIT,
        node: {
          pad: 12, thickness: 14, line: { width: 0.5, color: '#555' },
          label: nodes.map(function (n) { return esc(n.name) + (n.stock.length ? ' ▮' : ''); }),
          color: nodes.map(function (n) { return KIND_COLOUR[n.kind]; }),
          customdata: nodes.map(function (n) {
            return '<b>' + esc(n.name) + '</b> (' + n.kind + ')' + (n.stock.length ? '<br>' + n.stock.join('<br>') : '');
          }),
          hovertemplate: '%{customdata}<br>throughput %{value:,.6~g} ' + UNIT + '<extra></extra>'
        },
        link: {
          source: lk.map(function (l) { return l.s; }), target: lk.map(function (l) { return l.t; }),
          value: lk.map(function (l) { return l.v; }),
          color: lk.map(function (l) { return hexa(PALETTE[g.materials.indexOf(l.m) % PALETTE.length], 0.45); }),
          customdata: lk.map(function (l) {
            return esc(l.names.length > 3 ? l.names.length + ' flows of ' + l.m : l.names.join(', '));
          }),
          hovertemplate: '%{customdata}<br>%{value:,.6~g} ' + UNIT + '<extra></extra>'
        }
      }
    };
  }

  /* ---- the page ---- */
  var years = [];
  D.scenarios.forEach(function (sc) {
    for (var y = sc.first; y <= sc.last; y++) if (years.indexOf(y) < 0) years.push(y);
  });
  years.sort(function (a, b) { return a - b; });
  var state = { year: years[years.length - 1], material: '', threshold: 0 };
  var app = document.getElementById('app');
  app.textContent = '';
  app.appendChild(el('h1', {}, 'libflow report: ' + D.scenarios.map(function (s) { return s.name; }).join(', ')));
  var graphs = D.scenarios.map(graph);

  function controls() {
    var c = el('div', { class: 'controls' });
    var yl = el('label', {}, 'year '), yr = el('input', { type: 'range', id: 'year', min: 0,
      max: years.length - 1, step: 1, value: years.length - 1 }), yv = el('b', { id: 'year-shown' }, String(state.year));
    yl.appendChild(yr); yl.appendChild(yv);
    var play = el('button', { type: 'button', id: 'play' }, '▶ play'), timer = null;
    var ml = el('label', {}, 'material '), ms = el('select', { id: 'material' });
    ms.appendChild(el('option', { value: '' }, 'all'));
    var mats = [];
    graphs.forEach(function (g) { g.materials.forEach(function (m) { if (mats.indexOf(m) < 0) mats.push(m); }); });
    mats.forEach(function (m) { ms.appendChild(el('option', { value: m }, m)); });
    ml.appendChild(ms);
    var tl = el('label', {}, 'hide flows below '), th = el('input', { type: 'number', id: 'threshold', min: 0,
      max: 100, step: 0.1, value: 0, style: 'width:5em' });
    tl.appendChild(th); tl.appendChild(document.createTextNode(' % of the total'));
    yr.addEventListener('input', function () { state.year = years[+yr.value]; yv.textContent = state.year; drawSankeys(); });
    ms.addEventListener('change', function () { state.material = ms.value; drawSankeys(); });
    th.addEventListener('change', function () { state.threshold = Math.max(0, +th.value || 0); drawSankeys(); });
    play.addEventListener('click', function () {
      if (timer) { clearInterval(timer); timer = null; play.textContent = '▶ play'; return; }
      play.textContent = '❚❚ pause';
      timer = setInterval(function () {
        yr.value = (+yr.value + 1) % years.length;
        yr.dispatchEvent(new Event('input'));
      }, 900);
    });
    [yl, play, ml, tl].forEach(function (x) { c.appendChild(x); });
    var leg = el('span', { class: 'legend' });
    Object.keys(KIND_COLOUR).forEach(function (k) {
      var s = el('span'), i = el('i', { style: 'background:' + KIND_COLOUR[k] });
      s.appendChild(i); s.appendChild(document.createTextNode(k)); leg.appendChild(s);
    });
    c.appendChild(leg);
    return c;
  }

  app.appendChild(el('h2', {}, 'Flows'));
  app.appendChild(controls());
  app.appendChild(el('p', { class: 'note' }, 'Band widths in ' + UNIT + '; nodes coloured by the kind of process ' +
    '(typed: a plugin type), bands by material; ▮ marks a process with a stock (its stock at year end and the ' +
    'change from the year before are in its hover). Loops are drawn as loops. Above ' + AGG_LIMIT +
    ' processes the smaller ones are merged by kind.'));
  var srow = el('div', { class: 'row' }), sdivs = [];
  D.scenarios.forEach(function (sc, i) {
    var p = el('div', { class: 'panel' });
    p.appendChild(el('h3', {}, sc.name));
    p.appendChild(el('p', { class: 'note', id: 'sankey-note-' + i }));
    var d = el('div', { class: 'sankey', id: 'sankey-' + i });
    p.appendChild(d);
    srow.appendChild(p);
    sdivs.push(d);
  });
  app.appendChild(srow);
  var shown = [];
  function drawSankeys() {
    return Promise.all(D.scenarios.map(function (sc, i) {
      var yi = state.year - sc.first, note = document.getElementById('sankey-note-' + i);
      if (yi < 0 || yi > sc.last - sc.first) {
        note.textContent = 'no results for ' + state.year + ' (' + sc.first + '–' + sc.last + ')';
        shown[i] = null;
        return Plotly.newPlot(sdivs[i], [], { margin: { t: 10 } }, CONFIG);
      }
      var s = sankeyTrace(sc, graphs[i], yi, state);
      shown[i] = s;
      note.textContent = state.year + ': ' + s.links.length + ' flows' +
        (s.merged ? ', ' + s.merged + ' processes merged by kind' : '');
      /* 16 px a node at least, so that a large model's labels stay apart */
      sdivs[i].style.height = Math.max(560, 16 * s.nodes.length) + 'px';
      /* plotly's Sankey throws on a trace without nodes (a material this
       * scenario does not have, or a threshold above every flow) */
      if (!s.links.length)
        return Plotly.newPlot(sdivs[i], [], { margin: { t: 10 } }, CONFIG);
      /* drawn anew, not Plotly.react: react animates the change, and a change
       * made while one is under way left the bands of the year before behind */
      return Plotly.newPlot(sdivs[i], [s.trace], { margin: { l: 10, r: 10, t: 10, b: 10 }, font: { size: 11 } }, CONFIG);
    }));
  }

  /* ---- indicators against targets, every scenario in each chart ---- */
  function indicatorOrder() {
    var seen = {}, list = [];
    D.scenarios.forEach(function (sc) {
      sc.indicators.names.forEach(function (n, i) {
        if (seen[n]) return;
        seen[n] = 1;
        list.push({ name: n, title: sc.indicators.titles[i], unit: sc.indicators.units[i], pos: list.length });
      });
    });
    /* landfill first (the name or title says landfill, 填埋), then those the
     * plan marks binding (★ in the title: 附件1's 约束性 indicators), then the file's order */
    function rank(x) {
      var t = x.name + ' ' + (x.title || '');
      return /landfill|填埋/i.test(t) ? 0 : t.indexOf('★') >= 0 ? 1 : 2;
    }
    list.sort(function (a, b) { return rank(a) - rank(b) || a.pos - b.pos; });
    return list;
  }
  function metColour(m) { return m === 1 ? '#1a7f37' : m === 0 ? '#c62828' : '#999'; }
  function indicatorTraces(ind) {
    var tr = [];
    D.scenarios.forEach(function (sc, si) {
      var i = sc.indicators.names.indexOf(ind.name);
      if (i < 0) return;
      var xs = [], colour = PALETTE[si % PALETTE.length];
      for (var y = sc.first; y <= sc.last; y++) xs.push(y);
      if (sc.samples) {
        [['p5', 'p95', 0.15], ['p25', 'p75', 0.3]].forEach(function (b) {
          tr.push({ x: xs, y: sc.samples.q[b[0]][i], mode: 'lines', line: { width: 0 }, showlegend: false,
                    hoverinfo: 'skip', legendgroup: sc.name });
          tr.push({ x: xs, y: sc.samples.q[b[1]][i], mode: 'lines', line: { width: 0 }, fill: 'tonexty',
                    fillcolor: hexa(colour, b[2]), name: esc(sc.name) + ' ' + b[0] + '–' + b[1],
                    legendgroup: sc.name, showlegend: false, hoverinfo: 'skip' });
        });
      }
      tr.push({ x: xs, y: sc.indicators.values[i], mode: 'lines+markers', marker: { size: 4 },
                line: { color: colour }, name: esc(sc.name), legendgroup: sc.name,
                hovertemplate: esc(sc.name) + ' %{x}: %{y:,.6~g} ' + esc(ind.unit) + '<extra></extra>' });
      var ts = sc.targets.filter(function (t) { return t.indicator === ind.name; });
      if (ts.length) {
        /* the scenarios' markers of one target side by side, a sixth of a
         * year apart, not on top of each other: bau's red under plan's green
         * would read as met */
        var dx = (si - (D.scenarios.length - 1) / 2) / 6;
        tr.push({ x: ts.map(function (t) { return t.year + dx; }),
                  y: ts.map(function (t) { return t.value !== null ? t.value : sc.indicators.values[i][t.year - sc.first]; }),
                  mode: 'markers', showlegend: false, legendgroup: sc.name,
                  marker: { size: 11, symbol: ts.map(function (t) { return t.cmp === 'rises' ? 'triangle-up' : 'diamond'; }),
                            color: ts.map(function (t) { return metColour(t.met); }), line: { width: 1, color: colour } },
                  customdata: ts.map(function (t) {
                    var p = sc.samples ? sc.samples.pmet[sc.targets.indexOf(t)] : null;
                    return esc(sc.name + ': target ' + t.cmp + (t.value !== null ? ' ' + fmt(t.value) : '') +
                      ' in ' + t.year + ', ' + (t.met === 1 ? 'met' : t.met === 0 ? 'missed' : 'not judged') +
                      (p !== null && p !== undefined ? ', P(met) ' + fmt(p) : ''));
                  }),
                  hovertemplate: '%{customdata}<extra></extra>' });
      }
    });
    return tr;
  }
  /* each chart drawn when it comes near the window: a page of many
   * indicators opens as fast as one of a few */
  /* the page's self-check (#selftest, tests/html.sh) draws every chart at
   * once: an IntersectionObserver waits for a rendered frame, which headless
   * Chromium on a busy machine may not produce before its virtual time ends */
  function whenVisible(d, draw) {
    if (!('IntersectionObserver' in window) || location.hash === '#selftest') return draw();
    return new Promise(function (resolve) {
      var io = new IntersectionObserver(function (es) {
        if (!es.some(function (e) { return e.isIntersecting; })) return;
        io.disconnect();
        resolve(draw());
      }, { rootMargin: '400px' });
      io.observe(d);
    });
  }
  function drawIndicators() {
    app.appendChild(el('h2', {}, 'Indicators against targets'));
    app.appendChild(el('p', { class: 'note' }, 'One line per scenario; targets as markers in their year ' +
      '(◆ a value, ▲ rises every year), green met, red missed, grey not judged.' +
      (D.scenarios.some(function (s) { return s.samples; }) ? ' Bands: the ensemble\'s p5–p95 and p25–p75.'
        : ' Ensembles are not in the file (no samples/indicators).')));
    var grid = el('div', { class: 'grid' });
    app.appendChild(grid);
    return indicatorOrder().map(function (ind, k) {
      var d = el('div', { class: 'ind', id: 'ind-' + k });
      grid.appendChild(d);
      var title = (ind.title ? ind.title + ' · ' : '') + ind.name + (ind.unit ? ' (' + ind.unit + ')' : '');
      return whenVisible(d, function () { return Plotly.newPlot(d, indicatorTraces(ind), {
        title: { text: esc(title), font: { size: 12 }, x: 0.02, xanchor: 'left' },
        margin: { l: 50, r: 34, t: 36, b: 30 }, modebar: { orientation: 'v' },
        showlegend: D.scenarios.length > 1, legend: { orientation: 'h', y: -0.2, font: { size: 10 } },
        xaxis: { tickformat: 'd' }
      }, CONFIG); });
    });
  }

  /* ---- the target table of each scenario, side by side ---- */
  function targetTables() {
    app.appendChild(el('h2', {}, 'Targets'));
    var row = el('div', { class: 'row' });
    D.scenarios.forEach(function (sc, si) {
      var p = el('div', { class: 'panel' }), t = el('table', { id: 'targets-' + si }), h = el('tr');
      p.appendChild(el('h3', {}, sc.name));
      var cols = ['indicator', 'year', 'target', 'achieved', 'verdict'].concat(sc.samples ? ['P(met)'] : [], ['source']);
      cols.forEach(function (c) { h.appendChild(el('th', {}, c)); });
      t.appendChild(h);
      sc.targets.forEach(function (g, k) {
        var r = el('tr'), v = g.met === 1 ? 'met' : g.met === 0 ? 'missed' : 'not judged';
        r.appendChild(el('td', {}, g.indicator));
        r.appendChild(el('td', { class: 'num' }, String(g.year)));
        r.appendChild(el('td', { class: 'num' }, g.cmp + (g.value !== null ? ' ' + fmt(g.value) : '')));
        r.appendChild(el('td', { class: 'num' }, fmt(g.achieved)));
        r.appendChild(el('td', { class: g.met === 1 ? 'met' : g.met === 0 ? 'missed' : 'na' }, v));
        if (sc.samples) r.appendChild(el('td', { class: 'num' }, fmt(sc.samples.pmet[k])));
        r.appendChild(el('td', {}, g.source || ''));
        t.appendChild(r);
      });
      if (!sc.targets.length) p.appendChild(el('p', { class: 'note' }, 'no targets'));
      else p.appendChild(t);
      row.appendChild(p);
    });
    app.appendChild(row);
  }

  /* ---- provenance ---- */
  function footer() {
    var f = el('footer');
    D.scenarios.forEach(function (sc) {
      var a = sc.attrs, p = el('p');
      p.appendChild(el('b', {}, sc.name + ': '));
      p.appendChild(document.createTextNode('model ' + (a.model_file || 'n/a') + ' (SHA-256 '));
      p.appendChild(el('code', {}, a.model_sha256 || 'n/a'));
      p.appendChild(document.createTextNode(')' + (a.scenario_file ? ', scenario ' + a.scenario_file +
        ' (SHA-256 ' + (a.scenario_sha256 || 'n/a') + ')' : '') + ', libflow ' + (a.libflow_version || 'n/a') +
        ', created ' + (a.created || 'n/a') + (a.description ? '; ' + a.description : '')));
      f.appendChild(p);
    });
    D.files.forEach(function (x) {
      f.appendChild(el('p', {}, 'results file ' + x.path + ': written by libflow ' + (x.libflow_version || 'n/a') + ', created ' + (x.created || 'n/a')));
    });
    f.appendChild(el('p', {}, 'Page written by flowsim report --html (libflow ' + D.generator + ') with plotly.js ' +
      D.plotly + ' (MIT licence), embedded: it needs no network.'));
    app.appendChild(f);
  }

  /* ---- #selftest: what the page shows, for tests/html.sh ---- */
  function shownNow() {
    return D.scenarios.map(function (sc, i) {
      var nodes = {};
      sdivs[i].querySelectorAll('.sankey-node').forEach(function (n) {
        var d = n.__data__, label = n.querySelector('.node-label');
        if (d && d.node && label) nodes[label.textContent.replace(/ ▮$/, '')] = d.node.value;
      });
      return { scenario: sc.name, year: state.year, links: sdivs[i].querySelectorAll('.sankey-link').length,
               nodes: nodes };
    });
  }
  function svgCheck(gd) {
    return Plotly.toImage(gd, { format: 'svg' }).then(function (url) {
      var text = decodeURIComponent(url.slice(url.indexOf(',') + 1));
      var doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      var bad = doc.getElementsByTagName('parsererror').length > 0;
      return { root: doc.documentElement.localName, ns: doc.documentElement.namespaceURI, parse_error: bad,
               bytes: text.length, paths: doc.getElementsByTagName('path').length };
    });
  }
  /* every indicator chart, each scrolled into view in turn (they are
   * drawn when they come near the window) */
  function drawAllIndicators() {
    return indicatorDraws.reduce(function (done, drawn, k) {
      return done.then(function () {
        document.getElementById('ind-' + k).scrollIntoView();
        return drawn;
      });
    }, Promise.resolve());
  }
  /* each chart's lines and bands as plotly drew them (the data bound to
   * each trace's group in the SVG): a band is a trace filled to the one
   * before it (tonexty), its lower and upper edges */
  function indicatorsShown() {
    return indicatorOrder().map(function (ind, k) {
      var gd = document.getElementById('ind-' + k), drawn = [], bands = [], lines = [];
      gd.querySelectorAll('.scatterlayer .trace').forEach(function (g) {
        var cd = g.__data__, tr = cd && cd[0] && cd[0].trace;
        if (tr) drawn.push({ tr: tr, x: cd.map(function (p) { return p.x; }), y: cd.map(function (p) { return p.y; }) });
      });
      drawn.forEach(function (d, i) {
        if (d.tr.fill === 'tonexty' && i > 0)
          bands.push({ scenario: d.tr.legendgroup, name: d.tr.name, x: d.x, lo: drawn[i - 1].y, hi: d.y });
        else if (d.tr.mode === 'lines+markers')
          lines.push({ scenario: d.tr.legendgroup, x: d.x, y: d.y });
        else if (d.tr.mode === 'markers')
          lines.push({ scenario: d.tr.legendgroup, markers: d.tr.customdata, x: d.x, y: d.y });
      });
      var fills = 0;
      gd.querySelectorAll('.scatterlayer path.js-fill').forEach(function (p) {
        fills += (p.getAttribute('d') || '').length > 1;
      });
      return { indicator: ind.name, bands: bands, lines: lines, fills: fills };
    });
  }
  /* each target table's rows as the page shows them, by column heading */
  function targetsShown() {
    return D.scenarios.map(function (sc, si) {
      var t = document.getElementById('targets-' + si), head = [], rows = [];
      if (!t) return { scenario: sc.name, rows: rows };
      t.querySelectorAll('tr').forEach(function (tr, i) {
        var cells = Array.prototype.map.call(tr.children, function (c) { return c.textContent; });
        if (i === 0) head = cells;
        else {
          var r = {};
          head.forEach(function (h, j) { r[h] = cells[j]; });
          rows.push(r);
        }
      });
      return { scenario: sc.name, rows: rows };
    });
  }
  function selftest(t0) {
    var out = { rendered_ms: Math.round(performance.now() - t0), first: shownNow() };
    var yr = document.getElementById('year');
    yr.value = 0;
    yr.dispatchEvent(new Event('input'));
    return drawSankeys().then(function () {
      out.changed = shownNow();
      /* the material filter (its first material) and a threshold of 5 % */
      var ms = document.getElementById('material'), th = document.getElementById('threshold');
      ms.selectedIndex = 1;
      ms.dispatchEvent(new Event('change'));
      th.value = 5;
      th.dispatchEvent(new Event('change'));
      return drawSankeys();
    }).then(function () {
      out.filtered = { material: state.material, threshold: state.threshold, shown: shownNow() };
      return svgCheck(sdivs[0]);
    }).then(function (svg) {
      out.svg = svg;
      return drawAllIndicators();
    }).then(function () {
      out.indicators = indicatorsShown();
      out.targets = targetsShown();
      out.errors = errors;
      var pre = document.getElementById('selftest');
      pre.textContent = JSON.stringify(out);
      pre.setAttribute('data-done', '1');
    });
  }

  /* times from the start of navigation (docs/performance.md): the script
   * starts (plotly.js and the data parsed), the diagrams drawn, the page */
  var t0 = performance.now(), body = document.body;
  body.setAttribute('data-script-ms', String(Math.round(t0)));
  var sankeys = drawSankeys().then(function () {
    body.setAttribute('data-sankey-ms', String(Math.round(performance.now())));
  });
  var indicatorDraws = drawIndicators();
  targetTables();
  footer();
  sankeys.then(function () {
    body.setAttribute('data-rendered-ms', String(Math.round(performance.now())));
    if (location.hash === '#selftest') return selftest(t0);
  }).catch(function (e) {
    errors.push(String(e && e.stack || e));
    console.error(e);
    var pre = document.getElementById('selftest');
    pre.textContent = JSON.stringify({ errors: errors });
  });
})();
