#!/bin/sh
# tests/report.sh — what flowsim's target table shows is what the CSV
# export and the Python reader show: the same achieved value for a
# "rises" target (its smallest year-on-year rise, worked out by hand), the
# indicator's unit; `flowsim report FILE.h5` prints the table `run`
# printed; a model without targets prints its indicators in the last
# year; metrics.csv carries the metrics' units. The Python part is
# skipped when /usr/bin/python3 has no h5py and pandas.
#
# Environment (set by make check): FLOWSIM, srcdir, FLOW_PLUGIN_PATH.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
if ! test -x "$FLOWSIM"; then
  echo "report.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-report.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }

# city generates 1000, 1234.5, 1500.25, 2000 t/a in 2020-2023; 30 % of it
# goes to an incinerator (defaults of plugins/incinerator.c: 380 kWh/t).
#   generated: rises 234.5, 265.75, 499.75: the smallest is 234.5
#   burnt in 2023: 0.3 x 2000 = 600 t; electricity 380 x 600 = 228,000 kWh
cat > "$tmp/rises.lua" <<'LUA'
local flow = require "flow"
local m = flow.model { name = "rises", years = { 2020, 2023 } }
m:material("msw", "domestic")
for _, name in ipairs { "bottom_ash", "fly_ash", "ferrous_scrap", "flue_gas" } do m:material(name, "product") end
m:param("gen", flow.linear { [2020] = 1000, [2021] = 1234.5, [2022] = 1500.25, [2023] = 2000 })
m:process("city", "source", { generation = { msw = "gen" } })
m:process("split", "split")
m:process("plant", "incinerator", {
  ports = { bottom_ash = "dump", fly_ash = "dump", ferrous_scrap = "dump", flue_gas = "dump" } })
m:process("dump", "sink")
m:flow("city", "split", "rest")
m:flow("split", "plant", { share = 0.3 })
m:flow("split", "dump", "rest")
m:indicator("generated", flow.sum { from = "city" }, { unit = "t/a" })
m:target("generated", 2023, "rises", { source = "hand" })
return m
LUA
cat > "$tmp/plain.lua" <<'LUA'
local flow = require "flow"
local m = flow.model { name = "plain", years = { 2020, 2023 } }
m:material("msw", "domestic")
m:param("gen", flow.linear { [2020] = 1000, [2023] = 2000 })
m:process("city", "source", { generation = { msw = "gen" } })
m:process("dump", "sink")
m:flow("city", "dump", "rest")
m:indicator("generated", flow.sum { from = "city" }, { unit = "t/a" })
return m
LUA

# -- the table of a run and of its results file ------------------------------
"$FLOWSIM" run "$tmp/rises.lua" -o "$tmp/rises.h5" > "$tmp/run.out" 2> "$tmp/err" || {
  cat "$tmp/err"; echo "FAIL: flowsim run"; exit 1; }
cat "$tmp/run.out"
row=$(awk '$1 == "generated" && $5 == "rises"' "$tmp/run.out")
# the words: indicator unit year base cmp, the target "min rise > 0" (four
# words), projected met margin source
set -- $row
if test "$2" = "t/a" && test "$3" = 2023 && test "$4" = "1,000" && test "${10}" = "234.5" && test "${11}" = yes; then
  ok "run: the rises row shows the unit, the base and the smallest rise 234.5"
else
  bad "run: the rises row is '$row'"
fi
grep -q '^scenario rises: 1 target, base year 2020$' "$tmp/run.out" && ok "run: the header names the base year" ||
  bad "run: no header naming the base year"
"$FLOWSIM" report "$tmp/rises.h5" > "$tmp/report.out" 2> "$tmp/err"
grep -v '^results: ' "$tmp/run.out" | cmp -s - "$tmp/report.out" && ok "report FILE.h5 prints the table run printed" ||
  { bad "report FILE.h5 differs from run"; diff "$tmp/report.out" "$tmp/run.out"; }

# -- the CSV export ----------------------------------------------------------
"$FLOWSIM" export "$tmp/rises.h5" --csv "$tmp/csv" > /dev/null 2> "$tmp/err" || { cat "$tmp/err"; bad "export"; }
head -n 1 "$tmp/csv/targets.csv" | grep -q '^scenario,indicator,year,cmp,value,achieved,met,source,unit,measure$' &&
  ok "targets.csv: its columns" || bad "targets.csv: the header is $(head -n 1 "$tmp/csv/targets.csv")"
grep -q '^rises,generated,2023,rises,,234.5,yes,hand,t/a,smallest_rise$' "$tmp/csv/targets.csv" &&
  ok "targets.csv: the smallest rise 234.5, its unit and what it measures" ||
  { bad "targets.csv"; cat "$tmp/csv/targets.csv"; }
grep -q '^rises,2023,plant:electricity_kwh,kWh,228000$' "$tmp/csv/metrics.csv" &&
  grep -q '^rises,2023,plant:throughput_t,t,600$' "$tmp/csv/metrics.csv" &&
  ok "metrics.csv: the metrics' units (kWh, t)" || { bad "metrics.csv"; cat "$tmp/csv/metrics.csv"; }
if grep -q '^rises,[0-9]*,[^,]*,,' "$tmp/csv/metrics.csv"; then bad "metrics.csv: a metric without a unit"
else ok "metrics.csv: every metric has a unit"; fi

# -- no targets: the indicators in the last year -----------------------------
"$FLOWSIM" run "$tmp/plain.lua" -o "$tmp/plain.h5" > "$tmp/plain.out" 2> "$tmp/err" || { cat "$tmp/err"; bad "run plain"; }
cat "$tmp/plain.out"
grep -q '^scenario plain: no targets; its 1 indicator in 2023, the last year$' "$tmp/plain.out" &&
  grep -q '^generated  t/a   2,000$' "$tmp/plain.out" &&
  ok "no targets: the indicators in 2023 with their units" || bad "no targets: the table"
"$FLOWSIM" report "$tmp/plain.h5" > "$tmp/plain.report" 2> "$tmp/err"
grep -v '^results: ' "$tmp/plain.out" | cmp -s - "$tmp/plain.report" && ok "no targets: report FILE.h5 alike" ||
  bad "no targets: report FILE.h5 differs"

# -- diff: a scenario only in one file is listed with no values ("nil" before)
"$FLOWSIM" diff "$tmp/rises.h5" "$tmp/plain.h5" > "$tmp/diff.out" 2> "$tmp/err"; rc=$?
if test "$rc" -eq 4 && grep -q '^rises  *scenario  *(only in A)$' "$tmp/diff.out" &&
   grep -q '^plain  *scenario  *(only in B)$' "$tmp/diff.out" && ! grep -q nil "$tmp/diff.out"; then
  ok "diff: scenarios only in one file, without values"
else
  bad "diff: exit $rc"; cat "$tmp/diff.out" "$tmp/err"
fi

# -- indicator names of 100 characters and more (issue 13, item 7) -------------
# 150 x's: the run, the -o file and report of that file all show it whole
long=$(printf '%0150d' 0 | tr 0 x)
test ${#long} -eq 150 || bad "the long name has 150 characters"
cat > "$tmp/long.lua" <<LUA
local flow = require "flow"
local m = flow.model { name = "long", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:param("gen", 10)
m:process("city", "source", { generation = { msw = "gen" } })
m:process("dump", "stock")
m:flow("city", "dump", "rest")
m:indicator("$long", flow.sum { to = "dump" }, { unit = "t" })
m:target("$long", 2021, "<=", 20)
return m
LUA
if timeout 120 "$FLOWSIM" run "$tmp/long.lua" -o "$tmp/long.h5" > "$tmp/long.out" 2> "$tmp/long.err" &&
   grep -q "^$long  t  " "$tmp/long.out"; then
  ok "run: a 150-character indicator name, and -o"
else
  bad "run: a 150-character indicator name"; cat "$tmp/long.err"
fi
if timeout 120 "$FLOWSIM" report "$tmp/long.h5" > "$tmp/longr.out" 2> "$tmp/long.err" &&
   grep -q "^$long  t  " "$tmp/longr.out"; then
  ok "report of the file: the 150-character name"
else
  bad "report of the file: the 150-character name"; cat "$tmp/long.err"
fi

# -- the Python reader -------------------------------------------------------
PY=/usr/bin/python3
if test -x $PY && $PY -c "import h5py, pandas, matplotlib" 2> /dev/null; then
  $PY "$srcdir/examples/python/read_results.py" "$tmp/rises.h5" rises generated "$tmp/plot.png" > "$tmp/py.out" 2>&1
  grep -q '^target generated rises 2023: achieved 234.5 (smallest rise since 2020)$' "$tmp/py.out" &&
    ok "read_results.py: the smallest rise 234.5" || { bad "read_results.py"; cat "$tmp/py.out"; }
  awk '$1 == "generated" && $2 == "t/a"' "$tmp/py.out" | grep -q . && ok "read_results.py: the unit" ||
    bad "read_results.py: no unit"
else
  echo "note: /usr/bin/python3 with h5py, pandas and matplotlib is missing: the Python part is skipped"
fi

echo "report: $pass passed, $fail failed"
test "$pass" -gt 0 && test "$fail" -eq 0
