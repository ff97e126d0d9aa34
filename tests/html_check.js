// tests/html_check.js — checks what the page of flowsim report --html
// showed in headless Chromium (tests/html.sh) against the results file
// read independently (flowsim export's flows.csv):
//   node html_check.js DOM.html CHROMIUM.log FLOWS.csv
// DOM.html: chromium --dump-dom of PAGE#selftest (the page writes what it
// shows into <pre id="selftest">); CHROMIUM.log: its stderr with
// --enable-logging=stderr (console messages). Exit 0 or 1, a line per fault.
'use strict';
const fs = require('fs');
const [dom, log, csvPath] = process.argv.slice(2);
let faults = 0;
function fault(msg) { console.log('FAIL: ' + msg); faults++; }

// one CSV record per line (names hold no newlines here), RFC 4180 quotes
function csvRows(text) {
  return text.split('\n').filter((l) => l !== '').map((line) => {
    const out = []; let cur = '', q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) {
        if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c;
      } else if (c === '"') q = true; else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
    }
    out.push(cur);
    return out;
  });
}
// the flows of the file: scenario -> year -> [{from, to, material, value}] (non-zero only)
function fileFlows() {
  const rows = csvRows(fs.readFileSync(csvPath, 'utf8')).slice(1), by = {};
  for (const [scen, year, item, , value] of rows) {
    const v = Number(value);
    if (value === 'NaN' || v === 0) continue;
    const colon = item.lastIndexOf(':'), arrow = item.indexOf('->');
    const from = item.slice(0, arrow).replace(/\[[^\]]*\]$/, ''), to = item.slice(arrow + 2, colon);
    const material = item.slice(colon + 1);
    ((by[scen] = by[scen] || {})[year] = by[scen][year] || []).push({ from, to, material, value: v });
  }
  return by;
}
function close(a, b) { return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)); }

// what one scenario's diagram showed against the file's flows of that year
function checkShown(s, flows, when) {
  const fl = (flows[s.scenario] || {})[String(s.year)] || [];
  const where = `${when}: scenario '${s.scenario}' ${s.year}`;
  if (s.links !== fl.length) fault(`${where}: ${s.links} links drawn, the file has ${fl.length} non-zero flows`);
  const inflow = {}, outflow = {};
  for (const f of fl) {
    outflow[f.from] = (outflow[f.from] || 0) + f.value;
    inflow[f.to] = (inflow[f.to] || 0) + f.value;
  }
  const procs = new Set(Object.keys(inflow).concat(Object.keys(outflow)));
  const shownNames = Object.keys(s.nodes);
  if (shownNames.length !== procs.size) fault(`${where}: ${shownNames.length} nodes drawn, ${procs.size} processes have flows`);
  for (const p of procs) {
    const want = Math.max(inflow[p] || 0, outflow[p] || 0);
    if (!(p in s.nodes)) fault(`${where}: no node '${p}'`);
    else if (!close(s.nodes[p], want)) fault(`${where}: node '${p}' shows ${s.nodes[p]}, the file ${want}`);
  }
}

const html = fs.readFileSync(dom, 'utf8');
const m = /<pre id="selftest"[^>]*data-done="1"[^>]*>([^<]*)<\/pre>/.exec(html);
if (!m) {
  fault('the page did not finish its self-check (no <pre id="selftest" data-done>)');
  const e = /<pre id="selftest"[^>]*>([^<]*)<\/pre>/.exec(html);
  if (e) console.log(e[1]);
  process.exit(1);
}
const text = m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
const st = JSON.parse(text);
const flows = fileFlows();
for (const e of st.errors) fault('error in the page: ' + e);
for (const line of fs.readFileSync(log, 'utf8').split('\n'))
  if (/:CONSOLE[:(]/.test(line)) fault('console: ' + line);
if (!st.first.length) fault('no scenario shown');
st.first.forEach((s, i) => {
  checkShown(s, flows, 'first');
  const c = st.changed[i];
  if (c.year === s.year) fault(`scenario '${s.scenario}': the year did not change (${s.year})`);
  checkShown(c, flows, 'after the year changed');
});
// the material filter and the threshold: the flows of that material of at
// least threshold % of their total
if (!st.filtered || !st.filtered.material) fault('the page did not apply a material filter');
else {
  const { material, threshold } = st.filtered;
  for (const s of st.filtered.shown) {
    const fl = ((flows[s.scenario] || {})[String(s.year)] || []).filter((f) => f.material === material);
    const total = fl.reduce((a, f) => a + f.value, 0);
    const want = fl.filter((f) => f.value >= threshold / 100 * total).length;
    if (s.links !== want)
      fault(`filtered: scenario '${s.scenario}' ${s.year}, material '${material}', ${threshold} %: ` +
            `${s.links} links drawn, the file has ${want} such flows`);
  }
}
const svg = st.svg;
if (svg.root !== 'svg' || svg.ns !== 'http://www.w3.org/2000/svg' || svg.parse_error || !(svg.paths > 0))
  fault('the SVG export is not a valid SVG with paths: ' + JSON.stringify(svg));
// nothing from the file became markup or script
if (/<img\b/i.test(html)) fault('an <img> element in the page: markup from the file was injected');
if (!/<title>libflow report<\/title>/.test(html)) fault('the page\'s title changed: script from the file ran');
console.log(`checked ${st.first.length} scenarios, ${st.first.reduce((a, s) => a + s.links, 0)} + ` +
            `${st.changed.reduce((a, s) => a + s.links, 0)} links; svg ${svg.bytes} bytes; page drawn in ${st.rendered_ms} ms`);
process.exit(faults ? 1 : 0);
