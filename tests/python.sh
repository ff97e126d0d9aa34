#!/bin/sh
# tests/python.sh — examples/python/read_results.py reads a results file
# written by flowsim with h5py and pandas only, and finds the value that
# flowsim's own report prints. Skipped (exit 77) when /usr/bin/python3 has
# no h5py, pandas or matplotlib.
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
