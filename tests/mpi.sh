#!/bin/sh
# tests/mpi.sh — flowsim mc under MPI (an MPI build: ./configure
# --enable-mpi; skipped, 77, otherwise). The same ensemble run as one
# plain process and under mpirun on 1, 2 and 3 ranks (oversubscribed)
# must give the same file bit for bit (every dataset and attribute, the
# samples kept, the summaries and the probabilities among them, but the
# time of writing; h5py) and the same printed table (of flowsim sensitivity too, which runs
# ensembles in a loop); and the gathered numbers must be right, not
# just alike: P(met) on a model whose answer is known in closed form.
# Bad input: more ranks than samples is one line on stderr and no file; a
# sample that fails on one rank stops every rank with one error naming the
# lowest failing sample (the one a single process names) and its rank.
#
# The model (as tests/mc.sh): gen ~ N(100, 10) t/a, a share ~ U(0.4, 0.6)
# of it landfilled, so landfilled = gen x share; with share fixed at 0.5
# it would be N(50, 5). Here the test is P(gen <= 110) through the
# indicator generated (= gen) and its target generated <= 110:
# Phi(1) = 0.8413; 3000 samples, standard error sqrt(.8413 x .1587 /
# 3000) = 0.67 %: P(met) must lie in 84.13 +- 3.4 % (5 standard errors).
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
test -x "$FLOWSIM" || { echo "mpi.sh: $FLOWSIM is not an executable" >&2; exit 99; }
if test -z "${FLOW_MPIRUN:-}"; then
  echo "mpi.sh: not an MPI build (./configure --enable-mpi): skipped"
  exit 77
fi
/usr/bin/python3 -c 'import h5py, numpy' 2> /dev/null || { echo "mpi.sh: h5py is needed to compare the files" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-mpi.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
# -q: mpirun's own notice when a rank exits non-zero would be more lines;
# timeout: a rank left waiting for the others must fail the test, not hang it
mpi() { # $1: ranks, rest: flowsim's arguments
  np=$1
  shift
  timeout 120 "$FLOW_MPIRUN" -q --oversubscribe --allow-run-as-root -np "$np" "$FLOWSIM" "$@"
}

model() { # $1: the uncertainty of gen
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
m:indicator("generated", flow.sum { from = "src" }, { unit = "t" })
m:target("landfilled", 2022, "<=", 55)
m:target("generated", 2022, "<=", 110)
return flow.scenario { name = "lin_mc", model = m,
  uncertainty = { $1, share = { "uniform", min = 0.4, max = 0.6 } } }
EOM
}

model 'gen = { "normal", mean = 100, sd = 10 }'
for lhs in "" --lhs; do
  rm -f one.h5
  "$FLOWSIM" mc lin.lua -n 3000 -j 2 --seed 11 $lhs --keep flows -o one.h5 > one.txt 2> err.txt ||
    bad "mc $lhs (one process): $(cat err.txt)"
  grep -v '^results:' one.txt > want.txt
  for np in 1 2 3; do
    rm -f np$np.h5
    mpi $np mc lin.lua -n 3000 -j 2 --seed 11 $lhs --keep flows -o np$np.h5 > np$np.txt 2> err.txt ||
      bad "mpirun -np $np mc $lhs: $(cat err.txt)"
    grep -v '^results:' np$np.txt > got.txt
    cmp -s want.txt got.txt || bad "mpirun -np $np mc $lhs: the table differs from one process: $(cat np$np.txt)"
  done
  /usr/bin/python3 - << 'EOP' || bad "mc $lhs: the files differ across 1 process and 1, 2, 3 ranks"
import h5py
# every dataset and attribute, bit for bit (the bytes: NaN == NaN, -0 != 0),
# but the time of writing and HDF5's object references
skip = {"created", "DIMENSION_LIST", "REFERENCE_LIST"}
def items(f):
    out = {}
    def visit(name, o):
        for k, v in o.attrs.items():
            if k not in skip:
                out[name + "@" + k] = repr(v)
        if isinstance(o, h5py.Dataset):
            a = o[()]
            out[name] = (str(a.dtype), a.shape, a.tobytes())
    visit("/", f)
    f.visititems(visit)
    return out
f = [h5py.File(n, "r") for n in ("one.h5", "np1.h5", "np2.h5", "np3.h5")]
want = items(f[0])
sc = "scenarios/lin_mc/"
assert f[0][sc + "samples/indicators"].shape == (3000, 3, 2)
assert f[0][sc + "samples/flows"].shape == (3000, 3, 2)
assert f[0][sc + "ensemble"].attrs["n_samples"] == 3000 and f[0][sc + "ensemble"].attrs["seed"] == 11
for g in f[1:]:
    got = items(g)
    assert sorted(got) == sorted(want), (g.filename, set(got) ^ set(want))
    diff = [k for k in want if got[k] != want[k]]
    assert not diff, (g.filename, diff)
EOP
  # right, not only alike: P(generated <= 110) = Phi(1) on 3 ranks
  p=$(awk '$1 == "generated" { sub(/%/, "", $6); print $6 }' np3.txt)
  awk -v p="$p" 'BEGIN { exit !(p != "" && p >= 84.13 - 3.4 && p <= 84.13 + 3.4) }' ||
    bad "mpirun -np 3 mc $lhs: P(generated <= 110) = '$p' %, not 84.1 +- 3.4 %"
done

# flowsim sensitivity runs ensembles in a loop: the same table on 3 ranks
"$FLOWSIM" sensitivity lin.lua -n 300 -j 2 > sens1.txt 2>&1 || bad "sensitivity (one process): $(cat sens1.txt)"
mpi 3 sensitivity lin.lua -n 300 > sens3.txt 2>&1 || bad "mpirun -np 3 sensitivity: $(cat sens3.txt)"
cmp -s sens1.txt sens3.txt || bad "mpirun -np 3 sensitivity: not the table of one process: $(cat sens3.txt)"

# more ranks than samples: one line, exit 2, no file
rm -f bad.h5
mpi 3 mc lin.lua -n 2 -o bad.h5 > out.txt 2> err.txt
rc=$?
test $rc -eq 2 || bad "mpirun -np 3 mc -n 2: exit $rc, not 2"
test "$(wc -l < err.txt)" -eq 1 && grep -q 'mc: mpirun -np 3 with -n 2: more ranks than samples' err.txt ||
  bad "mpirun -np 3 mc -n 2: not the one line: $(cat err.txt)"
test ! -e bad.h5 || bad "mpirun -np 3 mc -n 2: left bad.h5"

rm -f bad.h5
# a sample that fails: generation below 0 in 0.5 % of the samples; with
# seed 1 the lowest failing one lies in the last rank's share, so that
# ranks which succeeded must stop with it. Rank 0 names that sample, as
# one process does, and the rank that ran it: rank r of R runs samples
# [floor(N r / R), floor(N (r + 1) / R)), so a name of rank 0 would mean
# that the samples were not split.
model 'gen = { "uniform", min = -1, max = 200 }'
"$FLOWSIM" mc lin.lua -n 400 --seed 1 -o bad.h5 > /dev/null 2> one.txt && bad "mc with negative generation: exit 0"
i=$(sed -n 's/.*sample \([0-9]*\):.*/\1/p' one.txt)
test -n "$i" || bad "mc with negative generation, one process: no failing sample named: $(cat one.txt)"
for np in 2 3; do
  r=$(awk -v i="$i" -v R=$np 'BEGIN { for (r = 0; r < R; r++) if (int(400 * (r + 1) / R) > i) { print r; exit } }')
  test "$r" -gt 0 || bad "the failing sample $i is in rank 0's share of $np: the test does not test the gathering of errors"
  mpi $np mc lin.lua -n 400 --seed 1 -j 2 -o bad.h5 > /dev/null 2> err.txt
  rc=$?
  test $rc -eq 1 || bad "mpirun -np $np mc, a failing sample: exit $rc, not 1: $(cat err.txt)"
  test "$(wc -l < err.txt)" -eq 1 && grep -q "sample $i: .* (MPI rank $r)\$" err.txt ||
    bad "mpirun -np $np mc, a failing sample: not one line naming sample $i and rank $r: $(cat err.txt)"
  test ! -e bad.h5 || bad "mpirun -np $np mc, a failing sample: left bad.h5"
done
exit $fail
