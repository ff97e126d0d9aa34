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
if /usr/bin/python3 -c 'import h5py' 2> /dev/null; then
  /usr/bin/python3 -c '
import h5py
s = h5py.File("sens.h5", "r")["scenarios/lin_mc/ensemble/sensitivity"][()]
assert len(s) == 1 and s[0]["factor"] == b"gen" and s[0]["indicator"] == b"landfilled", s
' || bad "sensitivity -o: ensemble/sensitivity"
fi
exit $fail
