#!/bin/sh
# tests/sensitivity.sh — a sensitivity analysis stored by flowsim
# sensitivity -o, read back by flowsim report (the ranked table) and
# flowsim export (sensitivity.csv), against the file read by h5py.
#
# The model: two sources of g1 ~ N(100, 3) and g2 ~ N(100, 4) t/a, all of
# it landfilled; landfilled = g1 + g2 has variance 9 + 16 = 25, so g2
# explains 16/25 = 0.64 of each target's margin and g1 9/25 = 0.36:
# g2 ranks first. Two targets on the same indicator and year (<= 210,
# >= 190 in 2021) and a rises target, which sensitivity leaves out.
# Checked: sensitivity.csv has one row per target and factor, with the
# file's indicator, year, factor, s1, se (read by h5py, exact) and
# n_samples (its attribute), the two targets apart, each ranked by
# falling s1 (rank 1: g2); the same ranks when the file's rows are
# stored in another order (rewritten with h5py); report prints each
# target with its cmp and value and the rows ranked, S1 and se to three
# decimals as in the file. A file whose ensemble/sensitivity is not the
# documented compound is one line naming file and dataset; a file with an
# ensemble and no sensitivity analysis gets no sensitivity.csv. Skipped
# (77) without h5py.
#
# Environment (set by make check): FLOWSIM.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
test -x "$FLOWSIM" || { echo "sensitivity.sh: $FLOWSIM is not an executable" >&2; exit 99; }
PY=/usr/bin/python3
if ! test -x $PY || ! $PY -c "import h5py" 2> /dev/null; then
  echo "SKIP: $PY with h5py is not installed (apt-get install python3-h5py)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-sens.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

cat > two.lua <<'EOM'
local flow = require "flow"
local m = flow.model { name = "two", years = { 2020, 2021 } }
m:material("w", "domestic")
m:param("g1", 100)
m:param("g2", 100)
m:process("a", "source", { generation = { w = "g1" } })
m:process("b", "source", { generation = { w = "g2" } })
m:process("fill", "sink")
m:flow("a", "fill", "rest", { material = "w" })
m:flow("b", "fill", "rest", { material = "w" })
m:indicator("landfilled", flow.sum { to = "fill" }, { unit = "t" })
m:target("landfilled", 2021, "<=", 210)
m:target("landfilled", 2021, ">=", 190)
m:target("landfilled", 2021, "rises")
return flow.scenario { name = "two", model = m,
                       uncertainty = { g1 = { "normal", mean = 100, sd = 3 }, g2 = { "normal", mean = 100, sd = 4 } } }
EOM
"$FLOWSIM" sensitivity two.lua -n 1000 --seed 3 -o sens.h5 > live.txt 2> err.txt || bad "sensitivity -o: $(cat err.txt)"

# sensitivity.csv against the file: same rows, and ranks from s1
# NAME: checks NAME/sensitivity.csv against sens.h5
check_csv() {
  $PY - "$1" <<'PY'
import csv, sys, h5py
d = sys.argv[1]
g = h5py.File("sens.h5", "r")["scenarios/two/ensemble"]
recs = g["sensitivity"][()]
ns = int(g.attrs["sensitivity_n_samples"])
rows = list(csv.DictReader(open(d + "/sensitivity.csv")))
fails = []
def check(ok, what):
    if not ok: fails.append(what)
check(list(rows[0].keys()) == ["scenario", "indicator", "year", "rank", "factor", "s1", "se", "n_samples"],
      "header %s" % list(rows[0].keys()))
check(len(rows) == len(recs) == 4, "%d rows, %d records, not 2 targets x 2 factors" % (len(rows), len(recs)))
# every record is a row, exactly (%.17g reads back to the same double)
want = sorted((r["indicator"].decode(), int(r["year"]), r["factor"].decode(), float(r["s1"]), float(r["se"])) for r in recs)
got = sorted((r["indicator"], int(r["year"]), r["factor"], float(r["s1"]), float(r["se"])) for r in rows)
check(want == got, "rows %s, the file %s" % (got, want))
check(all(r["scenario"] == "two" and int(r["n_samples"]) == ns == 1000 for r in rows), "scenario or n_samples")
# two targets, each g1 and g2 once; ranks 1, 2 by falling s1; g2 first (0.64 > 0.36)
targets = [rows[0:2], rows[2:4]]
for t in targets:
    check(sorted(r["factor"] for r in t) == ["g1", "g2"], "a target's factors: %s" % t)
    check([r["rank"] for r in t] == ["1", "2"] and float(t[0]["s1"]) >= float(t[1]["s1"]), "ranks: %s" % t)
    check(t[0]["factor"] == "g2", "g2 (0.64) is not ranked first: %s" % t)
for f in fails: print("FAIL: " + d + ": " + f)
sys.exit(1 if fails else 0)
PY
}
"$FLOWSIM" export sens.h5 --csv csv > out.txt 2> err.txt || bad "export: $(cat err.txt)"
check_csv csv || bad "export sens.h5: sensitivity.csv (above)"

# report: the ranked table, as the file has it (S1, se to 3 decimals)
"$FLOWSIM" report sens.h5 > rep.txt 2> err.txt || bad "report sens.h5: $(cat err.txt)"
$PY - <<'PY' || bad "report sens.h5: the ranked table: $(cat rep.txt)"
import sys, h5py
recs = h5py.File("sens.h5", "r")["scenarios/two/ensemble/sensitivity"][()]
lines = open("rep.txt").read().split("\n")
want = ["scenario two: Sobol' first-order indices of each target's margin (1000 samples x 4 ensembles)"]
for k, head in ((0, "landfilled <= 210 in 2021"), (2, "landfilled >= 190 in 2021")):
    want.append(head)
    pair = sorted(recs[k:k + 2], key=lambda r: -r["s1"])
    want.append("     factor     S1     se")
    for i, r in enumerate(pair):
        want.append("  %d  %-6s  %5.3f  %5.3f" % (i + 1, r["factor"].decode(), r["s1"], r["se"]))
got = lines[lines.index(want[0]):][:len(want)]
if got != want:
    print("got:\n" + "\n".join(got) + "\nwant:\n" + "\n".join(want))
    sys.exit(1)
PY

# the ranks come from s1, not from the order the rows are stored in
cp sens.h5 shuffled.h5
$PY -c '
import h5py
with h5py.File("shuffled.h5", "r+") as f:
    d = f["scenarios/two/ensemble/sensitivity"]
    x = d[()]
    d[...] = x[[1, 0, 3, 2]]
' || bad "h5py: cannot reorder the rows"
"$FLOWSIM" export shuffled.h5 --csv shuffled > out.txt 2> err.txt || bad "export shuffled.h5: $(cat err.txt)"
check_csv shuffled || bad "export shuffled.h5: sensitivity.csv not ranked by s1 (above)"

# a crafted file whose ensemble/sensitivity is not the compound: one line naming file and dataset
cp sens.h5 bad.h5
$PY -c '
import h5py
with h5py.File("bad.h5", "r+") as f:
    g = f["scenarios/two/ensemble"]
    del g["sensitivity"]
    g["sensitivity"] = [1.0, 2.0]
' || bad "h5py: cannot craft bad.h5"
for cmd in "report bad.h5" "export bad.h5 --csv badcsv"; do
  "$FLOWSIM" $cmd > /dev/null 2> err.txt; rc=$?
  test $rc = 1 && test "$(wc -l < err.txt)" -eq 1 && grep -q "bad.h5: cannot read ensemble/sensitivity" err.txt ||
    bad "$cmd: exit $rc: $(cat err.txt)"
done
test ! -e badcsv/sensitivity.csv || bad "export bad.h5: a sensitivity.csv was written"

# an ensemble without a sensitivity analysis: no sensitivity.csv
"$FLOWSIM" mc two.lua -n 50 -o mc.h5 > /dev/null 2> err.txt || bad "mc: $(cat err.txt)"
"$FLOWSIM" export mc.h5 --csv mc > out.txt 2> err.txt || bad "export mc.h5: $(cat err.txt)"
test -e mc/ensemble_targets.csv && test ! -e mc/sensitivity.csv || bad "export mc.h5: $(cat out.txt)"
"$FLOWSIM" report mc.h5 > rep.txt 2> err.txt && ! grep -q "Sobol" rep.txt || bad "report mc.h5: $(cat rep.txt)"
exit $fail
