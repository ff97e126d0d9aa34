#!/bin/sh
# tests/python.sh — examples/python/read_results.py reads a results file
# written by flowsim with h5py and pandas only, and finds the value that
# flowsim's own report prints; samples that h5py adds to the file read
# back from Lua. Skipped (exit 77) when /usr/bin/python3 has no h5py,
# pandas or matplotlib.
#
# Environment (set by make check): FLOWSIM, srcdir.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
PY=/usr/bin/python3
if ! test -x $PY || ! $PY -c "import h5py, pandas, matplotlib" 2> /dev/null; then
  echo "SKIP: $PY with h5py, pandas and matplotlib is not installed (apt-get install python3-h5py python3-pandas python3-matplotlib)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-python.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
"$FLOWSIM" run "$srcdir/models/demo.lua" -o "$tmp/demo.h5" > "$tmp/report" || exit 1
# the projected 2025 recycling rate as flowsim prints it (4 significant
# digits; the columns: indicator unit year base cmp target projected ...)
want=$(awk '$1 == "recycling_rate" && $5 == ">=" { print $7 }' "$tmp/report")
$PY "$srcdir/examples/python/read_results.py" "$tmp/demo.h5" demo recycling_rate "$tmp/plot.png" > "$tmp/out" || {
  cat "$tmp/out"; exit 1; }
cat "$tmp/out"
got=$(awk '/^recycling_rate in 2025:/ { print $4 }' "$tmp/out")
test -s "$tmp/plot.png" || { echo "FAIL: no plot"; exit 1; }
grep -q "recycling_rate" "$tmp/out" && grep -q "target" "$tmp/out" || { echo "FAIL: no table"; exit 1; }
$PY -c "import sys; g, w = float('$got'), float('$want'); sys.exit(0 if abs(g - w) <= 5e-4 * abs(w) else 1)" || {
  echo "FAIL: python read $got, flowsim reported $want"; exit 1; }
echo "python: read $got, flowsim reported $want: ok"

# Samples of a random run (docs/results-format.md: samples/<what>,
# float64[sample][year][item]) written by h5py into that file, read back
# from Lua (f:samples, f:sample) with the values set here: sample i, year
# t, item j holds 100 i + 10 t + j (i, t, j from 0).
$PY - "$tmp/demo.h5" <<'PYEOF' || { echo "FAIL: h5py could not add samples"; exit 1; }
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    i, t, j = np.meshgrid(np.arange(3), np.arange(6), np.arange(2), indexing="ij")
    f["scenarios/demo"].create_group("samples").create_dataset("x", data=(100.0 * i + 10.0 * t + j))
PYEOF
cat > "$tmp/samples.lua" <<'EOF2'
local flow = require "flow"
local f = flow.results_open(arg[1])
local n, T, k = f:samples("demo", "x")
assert(n == 3 and T == 6 and k == 2, ("shape %d x %d x %d, not 3 x 6 x 2"):format(n, T, k))
local s = f:sample("demo", "x", 3)             -- sample i = 2
assert(#s == 6 and #s[1] == 2, "rows")
assert(s[1][1] == 200 and s[6][2] == 251 and s[4][1] == 230, "values")
assert(not pcall(f.sample, f, "demo", "x", 4), "sample 4 of 3")
local ok, err = pcall(f.sample, f, "demo", "y", 1)
assert(not ok and err:find("has no samples 'y'"), tostring(err))
print("samples from Lua: ok")
EOF2
"$FLOWSIM" exec "$tmp/samples.lua" "$tmp/demo.h5" || { echo "FAIL: samples read from Lua"; exit 1; }
