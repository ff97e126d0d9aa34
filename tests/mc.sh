#!/bin/sh
# tests/mc.sh — flowsim mc: the probability table on a model whose answer
# is known in closed form, the same samples (bit for bit, through h5py
# when it is there; the table always) on 1, 2 and 3 threads, and bad input
# (no samples, more threads than samples, a parameter that does not exist,
# an impossible distribution, a scenario with a hook): one line each on
# stderr naming the thing at fault, no traceback, no results file; -o
# never replaces an input, nor a results file without --force.
# flowsim seek: the share at which landfilled = 100 share <= 40 is just
# met is 0.4 (hand-solved); over 0:0.3 it is met everywhere, over 0.5:1
# nowhere; a lever or a range that is wrong is one line.
# flowsim report and export of the file: P(met) and its Wilson interval
# (recomputed here from n_met/n_judged), the summaries against the closed
# form and (through h5py) against numpy over the file's samples; a file
# with a sensitivity analysis alone is read as one without ensembles.
#
# The model: gen ~ N(100, 10) t/a, half of it landfilled, so landfilled ~
# N(50, 5) and P(landfilled <= 55) = Phi(1) = 0.8413; with 4000 samples
# the standard error is sqrt(.8413 x .1587 / 4000) = 0.58 %: the printed
# P(met) must lie in 84.1 +- 2.9 % (5 standard errors).
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
test -x "$FLOWSIM" || { echo "mc.sh: $FLOWSIM is not an executable" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-mc.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

model() { # $1: the uncertainty of gen; $2: extra scenario fields
  cat > lin.lua <<EOM
local flow = require "flow"
local m = flow.model { name = "lin", years = {2020, 2022} }
m:material("w", "domestic")
m:param("gen", 100)
m:param("share", 0.5, { bounds = {0, 1} })
m:process("src", "source", { generation = { w = "gen" } })
m:process("fill", "sink")
m:process("burn", "sink")
m:flow("src", "fill", { share = "share", material = "w" })
m:flow("src", "burn", "rest", { material = "w" })
m:indicator("landfilled", flow.sum { to = "fill" }, { unit = "t" })
m:target("landfilled", 2022, "<=", 55)
return flow.scenario { name = "lin_mc", model = m, uncertainty = { $1 } $2 }
EOM
}

model 'gen = { "normal", mean = 100, sd = 10 }'
for j in 1 2 3; do
  "$FLOWSIM" mc lin.lua -n 4000 -j $j --seed 7 -o j$j.h5 > out$j.txt 2> err$j.txt || bad "mc -j $j failed: $(cat err$j.txt)"
done
p=$(awk '$1 == "landfilled" { sub(/%/, "", $6); print $6 }' out1.txt)
awk -v p="$p" 'BEGIN { exit !(p != "" && p >= 84.13 - 2.9 && p <= 84.13 + 2.9) }' || bad "P(met) = '$p' %, not 84.1 +- 2.9 %"
for j in 1 2 3; do grep -v '^results:' out$j.txt > table$j.txt; done
cmp -s table1.txt table2.txt && cmp -s table1.txt table3.txt || bad "the tables differ across -j 1, 2, 3"
# flowsim report of the file shows the same probability table
"$FLOWSIM" report j1.h5 > rep.txt 2>&1 || bad "report j1.h5: $(cat rep.txt)"
grep -A3 'the probability that each target is met' out1.txt > want.txt
grep -A3 'the probability that each target is met' rep.txt > got.txt
test -s want.txt && cmp -s want.txt got.txt || bad "report j1.h5 does not show the ensemble: $(cat rep.txt)"
# the report's P(met) row and its Wilson interval, recomputed from n_met/n_judged:
# centre (p + z^2/2n) / (1 + z^2/n), half-width z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)
awk '$1 == "landfilled" && $2 == 2022 && $3 == "<=" {
  split($NF, c, "/"); n = c[2]; p = c[1] / n; z = 1.959963985
  d = 1 + z * z / n; m = (p + z * z / (2 * n)) / d; h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
  want = sprintf("%.1f %% %.1f %% - %.1f %%", 100 * p, 100 * (m - h), 100 * (m + h))
  got = $6 " " $7 " " $8 " " $9 " " $10 " " $11 " " $12
  found = 1; if (got != want) { print "report row: " got ", want " want; exit 1 } }
  END { exit !found }' rep.txt || bad "report j1.h5: P(met) and its Wilson interval: $(cat rep.txt)"
# export: the ensemble's summaries and P(met) as CSV; closed form (landfilled ~ N(50, 5) in every
# year): mean 50, sd 5, p5 50 - 1.6449 x 5 = 41.78, p25 46.63, p50 50, p75 53.37, p95 58.22, each
# within 5 standard errors for 4000 samples (mean 5/sqrt(n) = 0.079; sd 5/sqrt(2n) = 0.056; a
# quantile q sqrt(q(1-q)/n) / f(x_q), f the normal density / 5: p5 and p95 0.167, p25 and p75
# 0.108, p50 0.099)
"$FLOWSIM" export j1.h5 --csv csv > exp.txt 2>&1 || bad "export j1.h5: $(cat exp.txt)"
test "$(head -1 csv/ensemble_summary.csv)" = "scenario,year,indicator,unit,n_samples,mean,sd,p5,p25,p50,p75,p95" ||
  bad "ensemble_summary.csv: the header: $(head -1 csv/ensemble_summary.csv)"
awk -F, 'NR > 1 { rows++
  if ($1 != "lin_mc" || $3 != "landfilled" || $4 != "t" || $5 != 4000) { print "row " NR; bad = 1 }
  split("50 5 41.775 46.628 50 53.372 58.225", want, " "); split("0.40 0.28 0.84 0.54 0.50 0.54 0.84", tol, " ")
  for (k = 1; k <= 7; k++) if ((d = $(5 + k) - want[k]) > tol[k] || -d > tol[k]) { print "row " NR " column " 5 + k; bad = 1 }
} END { exit bad || rows != 3 }' csv/ensemble_summary.csv || bad "ensemble_summary.csv: $(cat csv/ensemble_summary.csv)"
awk -F, 'NR == 1 && $0 != "scenario,indicator,year,cmp,value,achieved,n_samples,n_met,n_judged,p_met,p_lo,p_hi" { exit 1 }
  NR == 2 { n = $9; p = $8 / n; z = 1.959963985
    d = 1 + z * z / n; m = (p + z * z / (2 * n)) / d; h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    ok = $1 == "lin_mc" && $2 == "landfilled" && $3 == 2022 && $4 == "<=" && $5 == 55 && $6 == 50 && $7 == 4000 &&
         n == 4000 && $10 - p < 1e-12 && p - $10 < 1e-12 && ($11 - (m - h))^2 < 1e-20 && ($12 - (m + h))^2 < 1e-20 &&
         p >= 0.8413 - 0.029 && p <= 0.8413 + 0.029 }
  END { exit !(ok && NR == 2) }' csv/ensemble_targets.csv || bad "ensemble_targets.csv: $(cat csv/ensemble_targets.csv)"
if /usr/bin/python3 -c 'import h5py' 2> /dev/null; then
  /usr/bin/python3 - << 'EOP' || bad "export: the CSV is not the ensemble of the samples in j1.h5"
import csv, h5py, numpy as np
f = h5py.File("j1.h5", "r")
x = f["scenarios/lin_mc/samples/indicators"][()]  # [N][T][I]
rows = list(csv.DictReader(open("csv/ensemble_summary.csv")))
for r in rows:
    v = x[:, int(r["year"]) - 2020, 0]
    want = [v.mean(), v.std(ddof=1)] + list(np.percentile(v, [5, 25, 50, 75, 95]))
    got = [float(r[k]) for k in ("mean", "sd", "p5", "p25", "p50", "p75", "p95")]
    assert np.allclose(got, want, rtol=1e-12, atol=0), (r, want)
t = next(csv.DictReader(open("csv/ensemble_targets.csv")))
assert int(t["n_met"]) == int((x[:, 2, 0] <= 55).sum()), t
EOP
fi
"$FLOWSIM" run lin.lua -o plain.h5 > /dev/null 2>&1 && "$FLOWSIM" export plain.h5 --csv plain > /dev/null 2>&1 &&
  test ! -e plain/ensemble_summary.csv && test ! -e plain/ensemble_targets.csv || bad "export of a file without ensembles"
if /usr/bin/python3 -c 'import h5py' 2> /dev/null; then
  /usr/bin/python3 - << 'EOP' || bad "the samples differ across -j 1, 2, 3, or the file lacks the ensemble"
import h5py, numpy as np
a = [h5py.File("j%d.h5" % j, "r") for j in (1, 2, 3)]
s = [f["scenarios/lin_mc/samples/indicators"][()] for f in a]
assert s[0].shape == (4000, 3, 1), s[0].shape
assert all(np.array_equal(s[0], x) for x in s[1:])
e = a[0]["scenarios/lin_mc/ensemble"]
assert e.attrs["seed"] == 7 and e.attrs["n_samples"] == 4000
assert a[0]["scenarios/lin_mc"].attrs["seed"] == 7
t = e["targets"][0]
assert t["n_judged"] == 4000 and abs(t["p_met"] - 0.8413) < 0.029, t
assert abs(e["summary"][0, 2, 0] - 50) < 5 * 5 / 4000 ** 0.5  # the mean of landfilled in 2022
EOP
fi

# bad input: one line on stderr, naming the fault, exit 1 or 2, no file
expect() { # $1: exit code, $2: text the message must hold, rest: args
  code=$1 want=$2
  shift 2
  rm -f bad.h5
  "$FLOWSIM" mc "$@" -o bad.h5 > /dev/null 2> err.txt
  rc=$?
  test $rc -eq "$code" || bad "mc $*: exit $rc, not $code"
  test "$(wc -l < err.txt)" -eq 1 || bad "mc $*: not one line: $(cat err.txt)"
  grep -q -- "$want" err.txt || bad "mc $*: '$want' not in: $(cat err.txt)"
  ! grep -q 'traceback\|\[flow' err.txt || bad "mc $*: a traceback: $(cat err.txt)"
  test ! -e bad.h5 || bad "mc $*: left bad.h5"
}
expect 2 "the number of samples must be at least 1" lin.lua -n 0
expect 2 "more threads than samples" lin.lua -n 2 -j 3
expect 2 "number of samples is missing" lin.lua
model 'gne = { "normal", mean = 100, sd = 10 }'
expect 1 "lin.lua:13: .*'gne' (did you mean 'gen'?)" lin.lua -n 10
model 'gen = { "normal", mean = 100, sd = -1 }'
expect 1 "lin.lua:13: uncertainty of 'gen': sd = -1 < 0" lin.lua -n 10
model 'share = { "beta", alpha = 0, beta = 2 }'
expect 1 "uncertainty of 'share': beta alpha = 0 <= 0" lin.lua -n 10
model 'gen = { "uniform", min = 2, max = 1 }'
expect 1 "uncertainty of 'gen': min = 2 > max = 1" lin.lua -n 10
model 'gen = { "normal", sd = 0.1 }' ', on_year = function(h, y) end'
expect 1 "on_year hook: Monte Carlo runs no Lua hooks" lin.lua -n 10

model 'gen = { "normal", mean = 100, sd = 10 }'
# -o never replaces an input, nor a results file without --force (issue 13 item 13)
cp lin.lua lin.copy
"$FLOWSIM" mc lin.lua -n 10 -o lin.lua > /dev/null 2> err.txt
test $? -eq 1 && cmp -s lin.lua lin.copy && grep -q 'lin.lua' err.txt && test "$(wc -l < err.txt)" -eq 1 ||
  bad "mc -o lin.lua: not refused in one line, or the model changed: $(cat err.txt)"
"$FLOWSIM" mc lin.lua -n 10 -o once.h5 > /dev/null 2>&1 || bad "mc -o once.h5 failed"
cp once.h5 once.copy
"$FLOWSIM" mc lin.lua -n 20 -o once.h5 > /dev/null 2> err.txt
test $? -eq 1 && cmp -s once.h5 once.copy && grep -q -- '--force' err.txt ||
  bad "mc -o over a results file without --force: $(cat err.txt)"
"$FLOWSIM" mc lin.lua -n 20 -o once.h5 --force > /dev/null 2>&1 && ! cmp -s once.h5 once.copy ||
  bad "mc -o once.h5 --force did not replace it"
sed 's/<=", 55/<=", 40/' lin.lua > seek.lua
out=$("$FLOWSIM" seek seek.lua --target landfilled --lever share --range 0:1 2>&1)
case $out in *"is just met at share = 0.4 "*) ;; *) bad "seek 0:1: $out" ;; esac
out=$("$FLOWSIM" seek seek.lua --target landfilled --lever share --range 0:0.3 2>&1)
case $out in *"is met over the whole range share = 0:0.3 (margin 40 at the low end, 10 at the high end)"*) ;;
  *) bad "seek 0:0.3: $out" ;; esac
out=$("$FLOWSIM" seek seek.lua --target landfilled --lever share --range 0.5:1 2>&1)
case $out in *"is missed over the whole range"*) ;; *) bad "seek 0.5:1: $out" ;; esac
for j in 1 3; do
  "$FLOWSIM" seek seek.lua --target landfilled --lever share --range 0.2:0.6 --prob 0.9 -n 2000 -j $j > p$j.txt 2>&1 ||
    bad "seek --prob -j $j: $(cat p$j.txt)"
done
cmp -s p1.txt p3.txt || bad "seek --prob differs across -j 1 and 3"
seekerr() { # $1: text of the message, rest: args
  want=$1
  shift
  "$FLOWSIM" seek seek.lua "$@" > /dev/null 2> err.txt && bad "seek $*: exit 0"
  test "$(wc -l < err.txt)" -eq 1 || bad "seek $*: not one line: $(cat err.txt)"
  grep -q -- "$want" err.txt || bad "seek $*: '$want' not in: $(cat err.txt)"
}
seekerr "no parameter 'shar' (did you mean 'share'?)" --target landfilled --lever shar --range 0:1
seekerr "no target on indicator 'landfiled'" --target landfiled --lever share --range 0:1
seekerr "LO must be below HI" --target landfilled --lever share --range 1:0
seekerr "--range LO:HI" --target landfilled --lever share --range 1
seekerr "the lever 'gen' is uncertain" --target landfilled --lever gen --range 1:200 --prob 0.5
seekerr "--lever PARAM is required" --target landfilled --range 0:1

# sensitivity: the share is fixed, gen uncertain: gen takes all of it
out=$("$FLOWSIM" sensitivity lin.lua -n 500 -j 2 2>&1) || bad "sensitivity: $out"
case $out in *"1  gen"*) ;; *) bad "sensitivity: $out" ;; esac
"$FLOWSIM" sensitivity lin.lua --keep flows > /dev/null 2> err.txt && bad "sensitivity --keep: exit 0"
grep -q "sensitivity: --keep is for flowsim mc" err.txt || bad "sensitivity --keep: $(cat err.txt)"
"$FLOWSIM" sensitivity lin.lua -n 200 -o sens.h5 > /dev/null 2> err.txt || bad "sensitivity -o: $(cat err.txt)"
# a file with a sensitivity analysis and no ensemble: report and export read it
"$FLOWSIM" report sens.h5 > rep.txt 2>&1 && ! grep -q 'probability' rep.txt || bad "report sens.h5: $(cat rep.txt)"
"$FLOWSIM" export sens.h5 --csv sens > rep.txt 2>&1 && test ! -e sens/ensemble_targets.csv ||
  bad "export sens.h5: $(cat rep.txt)"
if /usr/bin/python3 -c 'import h5py' 2> /dev/null; then
  /usr/bin/python3 -c '
import h5py
s = h5py.File("sens.h5", "r")["scenarios/lin_mc/ensemble/sensitivity"][()]
assert len(s) == 1 and s[0]["factor"] == b"gen" and s[0]["indicator"] == b"landfilled", s
' || bad "sensitivity -o: ensemble/sensitivity"
fi
exit $fail
