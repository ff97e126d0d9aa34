#!/bin/sh
# tests/html_data.sh — the data flowsim report --html puts into its page,
# read without a browser: the JSON in <script id="flow-data"> holds no
# '<' or '>' (so no name can end the script element), and reads back the
# names of tests/html_models/loop.lua (quotes, <script>, non-ASCII) as the CSV
# export has them; an ensemble (samples/indicators, added with h5py: four
# samples worked out by hand below) gives the quantiles and P(met) of the
# targets. Skipped (77) without /usr/bin/python3 and h5py.
#
# Environment (set by make check): FLOWSIM, srcdir.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
PY=/usr/bin/python3
if ! test -x $PY || ! $PY -c "import h5py, numpy" 2> /dev/null; then
  echo "SKIP: $PY with h5py is not installed (apt-get install python3-h5py)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-htmldata.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
"$FLOWSIM" run "$srcdir/tests/html_models/loop.lua" -o "$tmp/loop.h5" > /dev/null || exit 1
"$FLOWSIM" export "$tmp/loop.h5" --csv "$tmp/csv" > /dev/null || exit 1
"$FLOWSIM" report "$tmp/loop.h5" --html "$tmp/loop.html" > /dev/null || exit 1
"$FLOWSIM" run "$srcdir/models/demo.lua" -o "$tmp/demo.h5" > /dev/null || exit 1
# The demo's indicators, in its order: landfilled, recycling_rate,
# landfill_change; 6 years (2020-2025); four samples k = 0..3:
#   landfilled      800 k every year: 0, 800, 1600, 2400
#   recycling_rate  15 + 5 k + j in year 2020 + j for k = 0, 1, 2; 35 every year for k = 3
#   landfill_change 0
$PY - "$tmp/demo.h5" <<'PY' || exit 1
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    x = np.zeros((4, 6, 3))
    for k in range(4):
        x[k, :, 0] = 800 * k
        x[k, :, 1] = [35] * 6 if k == 3 else [15 + 5 * k + j for j in range(6)]
    f["scenarios/demo"].create_dataset("samples/indicators", data=x)
PY
"$FLOWSIM" report "$tmp/demo.h5" --html "$tmp/demo.html" > /dev/null || exit 1
$PY - "$tmp" <<'PY'
import csv, json, re, sys
tmp = sys.argv[1]
fails = 0
def check(ok, what):
    global fails
    print(("ok: " if ok else "FAIL: ") + what)
    fails += not ok
def data(page):
    text = open(page, encoding="utf-8").read()
    m = re.search(r'<script type="application/json" id="flow-data">(.*?)</script>', text, re.S)
    return m.group(1)
raw = data(tmp + "/loop.html")
check("<" not in raw and ">" not in raw, "loop: no < or > in the page's JSON (they are \\u003c, \\u003e)")
d = json.loads(raw)
names = sorted({r["item"] for r in csv.DictReader(open(tmp + "/csv/flows.csv", encoding="utf-8"))})
check(sorted(d["scenarios"][0]["flows"]["names"]) == names,
      "loop: the flows' names (<script>, quotes, città, 分拣) read back as flowsim export writes them")
check(d["scenarios"][0]["name"] == 'loop <b>"bold" &amp;', "loop: the scenario's name reads back as written")
check(d["scenarios"][0]["samples"] is None, "loop: no samples: samples is null")
s = json.loads(data(tmp + "/demo.html"))["scenarios"][0]
q = s["samples"]["q"]
def near(a, b): return abs(a - b) <= 1e-9 * max(1, abs(b))
# landfilled 0, 800, 1600, 2400: quantile p at h = 3 p, linear between order statistics
#   p5: h 0.15 -> 120; p25: h 0.75 -> 600; p75: h 2.25 -> 1800; p95: h 2.85 -> 2280
check(all(near(q[p][0][5], v) for p, v in (("p5", 120), ("p25", 600), ("p75", 1800), ("p95", 2280))),
      "demo: landfilled's p5, p25, p75, p95 in 2025 are 120, 600, 1800, 2280")
# recycling_rate in 2025: 20, 25, 30, 35 -> p25 at h 0.75: 23.75; in 2020: 15, 20, 25, 35 -> p75 at h 2.25: 27.5
check(near(q["p25"][1][5], 23.75) and near(q["p75"][1][0], 27.5), "demo: recycling_rate's p25 2025 23.75, p75 2020 27.5")
# targets in the demo's order: recycling_rate >= 25 (20, 25, 30, 35: 3 of 4), landfilled <= 1000
# (0, 800: 2 of 4), recycling_rate rises (k = 3 is flat: 3 of 4)
want = {("recycling_rate", ">="): 0.75, ("landfilled", "<="): 0.5, ("recycling_rate", "rises"): 0.75}
got = {(t["indicator"], t["cmp"]): p for t, p in zip(s["targets"], s["samples"]["pmet"])}
check(got == want, "demo: P(met) 0.75, 0.5, 0.75 (got %s)" % got)
check(s["samples"]["n"] == 4, "demo: 4 samples")
sys.exit(1 if fails else 0)
PY
