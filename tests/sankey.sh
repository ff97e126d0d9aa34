#!/bin/sh
# tests/sankey.sh — examples/python/sankey.py draws, from the results file
# read with h5py, as many Sankey bands as the file has non-zero flows in
# the year (counted in flowsim export's flows.csv), into an HTML page with
# a Sankey trace. Skipped (77) when /usr/bin/python3 has no h5py or plotly.
#
# Environment (set by make check): FLOWSIM, srcdir.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
PY=/usr/bin/python3
if ! test -x $PY || ! $PY -c "import h5py, plotly" 2> /dev/null; then
  echo "SKIP: $PY with h5py and plotly is not installed (apt-get install python3-h5py python3-plotly)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-sankey.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
"$FLOWSIM" run "$srcdir/models/demo.lua" "$srcdir/scripts/demo_plan.lua" -o "$tmp/demo.h5" > /dev/null || exit 1
"$FLOWSIM" export "$tmp/demo.h5" --csv "$tmp/csv" > /dev/null || exit 1
fail=0
for y in 2020 2025; do
  # flows.csv: scenario,year,item,unit,value (the demo's names hold no commas)
  want=$(awk -F, -v y=$y '$1 == "plan" && $2 == y && $5 != 0 && $5 != "NaN"' "$tmp/csv/flows.csv" | wc -l)
  $PY "$srcdir/examples/python/sankey.py" "$tmp/demo.h5" plan $y "$tmp/s$y.html" > "$tmp/out" || { cat "$tmp/out"; exit 1; }
  got=$(awk '/flows drawn/ { print $1 }' "$tmp/out")
  if test "$got" = "$want" && grep -q '"type":"sankey"' "$tmp/s$y.html"; then
    echo "ok: plan $y: $got bands, the file's non-zero flows"
  else
    echo "FAIL: plan $y: sankey.py drew '$got' bands, the file has $want non-zero flows"; fail=1
  fi
done
exit $fail
