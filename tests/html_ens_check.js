// tests/html_ens_check.js — checks the ensembles the page of flowsim report
// --html showed in headless Chromium (tests/html.sh): the p5–p95 and
// p25–p75 bands of every indicator chart and the P(met) of every target
// table, against the results file read independently (flowsim export's
// ensemble_summary.csv and ensemble_targets.csv) and against values worked
// out by hand; and that the scenarios' markers of one target are drawn
// apart:
//   node html_ens_check.js DOM.html CHROMIUM.log SUMMARY.csv TARGETS.csv HAND.json
// DOM.html, CHROMIUM.log: as for html_check.js. HAND.json: {"n": samples
// (Latin hypercube), "uniform": {scenario: {indicator: {year: [a, b]}}}:
// indicators uniform on [a, b] and increasing in the one uncertain draw,
// "pmet": [{scenario, indicator, year, p}]}. Exit 0 or 1, a line per fault.
'use strict';
const fs = require('fs');
const [dom, log, summaryPath, targetsPath, handPath] = process.argv.slice(2);
let faults = 0;
function fault(msg) { console.log('FAIL: ' + msg); faults++; }
function close(a, b) { return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)); }

// CSV with a header into objects (no quotes in these files' fields)
function table(path) {
  const [head, ...rows] = fs.readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const cols = head.split(',');
  return rows.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

const html = fs.readFileSync(dom, 'utf8');
const m = /<pre id="selftest"[^>]*data-done="1"[^>]*>([^<]*)<\/pre>/.exec(html);
if (!m) {
  console.log('FAIL: the page did not finish its self-check (no <pre id="selftest" data-done>)');
  process.exit(1);
}
const st = JSON.parse(m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
for (const e of st.errors || []) fault('error in the page: ' + e);
for (const line of fs.readFileSync(log, 'utf8').split('\n'))
  if (/:CONSOLE[:(]/.test(line)) fault('console: ' + line);
if (!st.indicators || !st.targets) {
  fault('the page did not report its indicator charts and target tables');
  process.exit(1);
}

// the file: scenario -> indicator -> year -> {p5, p25, p75, p95}; scenario -> [targets]
const file = {}, pmet = {};
for (const r of table(summaryPath))
  (((file[r.scenario] = file[r.scenario] || {})[r.indicator] = file[r.scenario][r.indicator] || {})[r.year] = r);
for (const r of table(targetsPath)) (pmet[r.scenario] = pmet[r.scenario] || []).push(r);
const hand = JSON.parse(fs.readFileSync(handPath, 'utf8'));

// With a Latin hypercube of n samples of one uniform draw, the j-th
// smallest of an indicator uniform on [a, b] and increasing in the draw
// lies in stratum j, [a + (b - a) j / n, a + (b - a) (j + 1) / n); the
// p-quantile, linear between the order statistics at h = p (n - 1), lies
// between the lower end of stratum floor(h) and the upper end of the next.
function handRange(a, b, p) {
  const j = Math.floor(p * (hand.n - 1)), w = (b - a) / hand.n;
  return [a + w * j, a + w * (j + 2)];
}

// the bands of one chart against the file and the hand ranges
const EDGES = { 'p5–p95': ['p5', 'p95'], 'p25–p75': ['p25', 'p75'] };
let nbands = 0, nhand = 0;
for (const c of st.indicators) {
  const want = {};   // scenario -> bands expected in this chart
  for (const s in file) if (file[s][c.indicator]) want[s] = 2;
  for (const b of c.bands) {
    const kind = Object.keys(EDGES).find((k) => b.name.endsWith(' ' + k));
    const where = `chart '${c.indicator}', scenario '${b.scenario}', band '${b.name}'`;
    const rows = (file[b.scenario] || {})[c.indicator];
    if (!kind || !rows) { fault(`${where}: a band the file has no ensemble for`); continue; }
    want[b.scenario]--;
    nbands++;
    b.x.forEach((year, k) => {
      const r = rows[year], [plo, phi] = EDGES[kind];
      if (!r) return fault(`${where}: ${year} is not a year of the file's summary`);
      for (const [edge, q] of [[b.lo[k], plo], [b.hi[k], phi]]) {
        if (!close(edge, Number(r[q])))
          fault(`${where} ${year}: the ${q === plo ? 'lower' : 'upper'} edge is drawn at ${edge}, the file's ${q} is ${r[q]}`);
        const u = ((hand.uniform[b.scenario] || {})[c.indicator] || {})[year];
        if (!u) continue;
        const [lo, hi] = handRange(u[0], u[1], Number(q.slice(1)) / 100);
        nhand++;
        if (!(edge >= lo - 1e-9 && edge <= hi + 1e-9))
          fault(`${where} ${year}: the ${q === plo ? 'lower' : 'upper'} edge is drawn at ${edge}, ` +
                `the ${q} of U(${u[0]}, ${u[1]}) over ${hand.n} strata is in [${lo}, ${hi}]`);
      }
    });
  }
  for (const s in want)
    if (want[s] !== 0) fault(`chart '${c.indicator}', scenario '${s}': ${2 - want[s]} bands drawn, not the 2 of its ensemble`);
  // the targets' hover: "..., P(met) X" as in the file
  for (const l of c.lines.filter((x) => x.markers)) {
    for (const text of l.markers) {
      const h = / in (\d+), .*P\(met\) ([^ ]+)$/.exec(text.replace(/&amp;/g, '&'));
      const r = (pmet[l.scenario] || []).find((x) => h && x.indicator === c.indicator && x.year === h[1]);
      if (!r !== !h) fault(`chart '${c.indicator}', scenario '${l.scenario}': hover '${text}' and the file's P(met) disagree`);
      else if (r && Number(h[2]) !== Number(Number(r.p_met).toPrecision(6)))
        fault(`chart '${c.indicator}', scenario '${l.scenario}': hover '${text}', the file's P(met) ${r.p_met}`);
    }
  }
  // the scenarios' markers of one target are drawn apart (none on another's point)
  const at = {};
  for (const l of c.lines.filter((x) => x.markers)) {
    l.x.forEach((x, k) => {
      const key = x + ',' + l.y[k];
      if (at[key] && at[key] !== l.scenario)
        fault(`chart '${c.indicator}': the target markers of '${at[key]}' and '${l.scenario}' are drawn on one point (${key})`);
      at[key] = l.scenario;
    });
  }
  const drawn = c.bands.length;
  if (c.fills !== drawn) fault(`chart '${c.indicator}': ${c.fills} filled areas drawn for ${drawn} bands`);
}

// P(met) in the target tables (the page shows 6 significant digits)
let npmet = 0;
for (const t of st.targets) {
  const rows = pmet[t.scenario];
  t.rows.forEach((row, k) => {
    const where = `target table of '${t.scenario}', row ${k + 1} (${row.indicator} ${row.year})`;
    if (!rows) {
      if ('P(met)' in row) fault(`${where}: a P(met) column without an ensemble in the file`);
      return;
    }
    const r = rows[k], shown = Number(row['P(met)']);
    if (!r || r.indicator !== row.indicator || r.year !== row.year) return fault(`${where}: not the file's target ${k + 1}`);
    npmet++;
    if (shown !== Number(Number(r.p_met).toPrecision(6))) fault(`${where}: P(met) shown ${row['P(met)']}, the file's ${r.p_met}`);
    const h = hand.pmet.find((x) => x.scenario === t.scenario && x.indicator === row.indicator && String(x.year) === row.year);
    if (h && !close(shown, h.p)) fault(`${where}: P(met) shown ${row['P(met)']}, by hand ${h.p}`);
  });
}
for (const h of hand.pmet)
  if (!st.targets.some((t) => t.scenario === h.scenario && t.rows.some((r) => r.indicator === h.indicator && r.year === String(h.year))))
    fault(`no target row of '${h.scenario}' for ${h.indicator} in ${h.year}`);
if (nbands === 0) fault('no band drawn');
console.log(`checked ${nbands} bands (${nhand} edges against the hand ranges) and ${npmet} P(met) cells`);
process.exit(faults ? 1 : 0);
