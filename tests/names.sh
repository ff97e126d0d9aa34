#!/bin/sh
# tests/names.sh — result names are unique, so that a results file's
# export, look-ups and diff are right: the two models of
# tests/lua/data/names_*.lua (an incinerator whose two ash ports and its
# overflow all go to the landfill; a split whose overflow and "rest" both
# go to the landfill) run to a file, exported to CSV (no item twice in a
# year, the flows into the sinks adding up to the 1,000 t generated),
# diffed against themselves (exit 0), and against a run with a changed
# fly-ash (or recycling) share: diff lists that flow with its two values,
# by hand, and exits 4; the Python example reads the flows by their names.
#
# Environment (set by make check; the fallbacks suit a run by hand from
# the build directory): FLOWSIM (default ./flowsim/flowsim), srcdir,
# FLOW_PLUGIN_PATH (the built plugins: the incinerator).
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
if ! test -x "$FLOWSIM"; then
  echo "names.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-names.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }
# shows what the last command printed
shown() { sed 's/^/    | /' "$tmp/out" "$tmp/err" 2>/dev/null | head -n 12; }
# expect CODE DESCRIPTION TEXT-IN-OUTPUT COMMAND...
expect() {
  code=$1 what=$2 text=$3; shift 3
  "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?
  if test "$rc" -ne "$code"; then bad "$what (exit $rc, expected $code)"; shown; return; fi
  if test -n "$text" && ! grep -qF -- "$text" "$tmp/out" "$tmp/err"; then bad "$what (no '$text')"; shown; return; fi
  ok "$what"
}
# scenario FILE MODEL LEVERS: a scenario file naming its one scenario "plan"
scenario() {
  cat > "$1" <<LUA
local flow = require "flow"
return { flow.scenario { name = "plan", model = "$srcdir/tests/lua/data/$2", levers = { $3 } } }
LUA
}
# sum CSV YEAR SINKS: the flows of scenario plan into the sinks (an ERE of names) in YEAR
sum() {
  awk -F, -v y="$2" -v re="->($3):" 'NR > 1 && $1 == "plan" && $2 == y && $3 ~ re { s += $5 } END { printf "%.9f", s }' "$1"
}
# value CSV YEAR ITEM: the one value of ITEM in YEAR
value() {
  awk -F, -v y="$2" -v it="$3" 'NR > 1 && $1 == "plan" && $2 == y && $3 == it { n++; v = $5 } END { if (n == 1) print v + 0; else print "rows:" n }' "$1"
}
# listed OUT ITEM YEAR A B: diff listed ITEM in YEAR with the values A and B
# (the first two numbers after the year; thousands separators dropped)
listed() {
  awk -v it="$2" -v y="$3" -v a="$4" -v b="$5" '
    { for (k = 1; k < NF; k++) if ($k == it && $(k + 1) == y) break
      if (k >= NF) next
      n = 0
      for (j = k + 2; j <= NF && n < 2; j++) { v = $j; gsub(",", "", v); if (v ~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/) x[++n] = v + 0 }
      if (n == 2 && (x[1] - a)^2 < 1e-12 && (x[2] - b)^2 < 1e-12) f = 1 }
    END { exit !f }' "$1"
}

# check NAME MODEL SINKS ITEM VALUE LEVERS ITEM2 A B
#   the model's file, its CSV (the flows into SINKS add up to 1,000 in both
#   years; ITEM has VALUE), diff with itself, and diff against LEVERS, which
#   change ITEM2 from A to B in 2021.
check() {
  name=$1 model=$2 sinks=$3 item=$4 v=$5 levers=$6 item2=$7 a=$8 b=$9
  scenario "$tmp/$name.lua" "$model" ""
  scenario "$tmp/$name-changed.lua" "$model" "$levers"
  expect 0 "$name: run -o" "" "$FLOWSIM" run "$tmp/$name.lua" -o "$tmp/$name.h5"
  expect 0 "$name: export --csv" "flows.csv" "$FLOWSIM" export "$tmp/$name.h5" --csv "$tmp/$name-csv"
  csv=$tmp/$name-csv/flows.csv
  if ! test -f "$csv"; then bad "$name: no flows.csv"; return; fi
  for y in 2020 2021; do
    s=$(sum "$csv" $y "$sinks")
    test "$s" = "1000.000000000" && ok "$name: $y: the flows into the sinks add up to 1,000" \
      || bad "$name: $y: the flows into the sinks add up to $s, not 1,000"
  done
  dups=$(awk -F, 'NR > 1 { print $1 "," $2 "," $3 }' "$csv" | sort | uniq -d | head -n 3)
  test -z "$dups" && ok "$name: no item twice in a year" || bad "$name: items repeated: $dups"
  got=$(value "$csv" 2021 "$item")
  test "$got" = "$v" && ok "$name: $item = $v" || bad "$name: $item is $got, not $v"
  for kind in stocks params indicators metrics; do
    dups=$(awk -F, 'NR > 1 { print $1 "," $2 "," $3 }' "$tmp/$name-csv/$kind.csv" | sort | uniq -d | head -n 3)
    test -z "$dups" && ok "$name: $kind.csv: no item twice" || bad "$name: $kind.csv: items repeated: $dups"
  done
  expect 0 "$name: diff of a file against itself" "no differences" "$FLOWSIM" diff "$tmp/$name.h5" "$tmp/$name.h5" --all
  expect 0 "$name: run -o, changed" "" "$FLOWSIM" run "$tmp/$name-changed.lua" -o "$tmp/$name-changed.h5"
  expect 4 "$name: diff lists the change" "$item2" \
    "$FLOWSIM" diff "$tmp/$name.h5" "$tmp/$name-changed.h5" --all
  listed "$tmp/out" "$item2" 2021 "$a" "$b" && ok "$name: $item2 $a -> $b listed" \
    || { bad "$name: $item2 $a -> $b not listed"; shown; }
  if grep -q "only in" "$tmp/out"; then bad "$name: diff reports items only in one file"; shown; else ok "$name: no 'only in'"; fi
}

# pyflows FILE.h5: the Python example's flows of scenario plan in 2021, one
# "name=value" line each (exit 77 without h5py and pandas)
pyflows() {
  /usr/bin/python3 -c "import h5py, pandas" 2> /dev/null || return 77
  /usr/bin/python3 - "$srcdir/examples/python" "$1" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import read_results as rr
f = rr.open_results(sys.argv[2])
df = rr.items(f["scenarios"]["plan"], "flows")
for name in df.columns:
    print(f"{name}={df.loc[2021, name]:.10g}")
PY
}
# python NAME ITEM VALUE: the Python example reads ITEM of NAME's file by its name
python() {
  pyflows "$tmp/$1.h5" > "$tmp/py" 2> "$tmp/err"; rc=$?
  if test $rc -eq 77; then echo "skip: $1: python3 has no h5py or pandas"; return; fi
  if test $rc -ne 0; then bad "$1: read_results.py failed"; cat "$tmp/err"; return; fi
  test "$(grep -c . "$tmp/py")" = "$(sort -u "$tmp/py" | cut -d= -f1 | sort -u | grep -c .)" \
    && ok "$1: python: one column per name" || bad "$1: python: names repeated"
  grep -qxF "$2=$3" "$tmp/py" && ok "$1: python: $2 = $3" || bad "$1: python: $2 is not $3"
}

# the incinerator: fly ash 0.035 x 800 = 28 t; with fly = 0.05: 40 t
check typed names_typed.lua "landfill|market|air" "plant[fly_ash]->landfill:fly_ash" 28 \
  "fly = 0.05" "plant[fly_ash]->landfill:fly_ash" 28 40
python typed "plant[fly_ash]->landfill:fly_ash" 28
# the split: 0.3 x 600 = 180 t recycled, the rest 420 t landfilled; with
# 0.5: 300 and 300
check split names_split.lua "landfill|recycling" "sorting[overflow]->landfill:msw" 400 \
  "to_recycling = 0.5" "sorting->landfill:msw" 420 300
python split "sorting[overflow]->landfill:msw" 400

echo "names: $pass passed, $fail failed"
test "$fail" -eq 0
