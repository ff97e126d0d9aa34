#!/bin/sh
# bench/bench_mpi.sh — the same ensemble (flowsim mc on the plan under
# uncertainty, scripts/plan_mc.lua) on 2 threads of one process against
# 2 MPI ranks of 1 thread each (an MPI build: ./configure --enable-mpi),
# and 1 thread for reference: wall and CPU (user + sys, the ranks and
# mpirun included) seconds of N samples, less those of a 2-sample run of
# the same kind (start-up, loading and compiling the model, starting
# MPI), the peak memory (of the largest process), and whether the tables
# are the same.
#   sh bench/bench_mpi.sh [N]        (from the build folder; N default 4000)
N=${1:-4000}
FLOWSIM=${FLOWSIM:-./flowsim/flowsim}
MPIRUN=${MPIRUN:-mpirun}
srcdir=${srcdir:-$(dirname "$0")/..}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-mpi.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
run() { # label samples threads launcher... -> "wall cpu maxrss_kb"; the table in $tmp/label.txt
  label=$1 n=$2 j=$3
  shift 3
  /usr/bin/time -o "$tmp/time" -f '%e %U %S %M' "$@" "$FLOWSIM" mc "$srcdir/scripts/plan_mc.lua" -n "$n" -j "$j" \
    > "$tmp/$label.txt" || exit 1
  awk '{ print $1, $2 + $3, $4 }' "$tmp/time"
}
report() { # label n wall cpu rss wall0 cpu0
  awk -v l="$1" -v n="$2" -v w="$3" -v c="$4" -v m="$5" -v w0="$6" -v c0="$7" 'BEGIN {
    printf "%-22s %d samples, wall %.2f s (%.0f samples/s), CPU %.2f s (%.0f samples/s/core), peak RSS %d MB\n",
           l, n, w - w0, n / (w - w0), c - c0, n / (c - c0), m / 1024 }'
}
mpi="$MPIRUN -q --oversubscribe --allow-run-as-root -np 2"
set -- $(run t0 2 1 env)
t0w=$1 t0c=$2
set -- $(run j1 "$N" 1 env)
report "1 process, -j 1:" "$N" "$1" "$2" "$3" "$t0w" "$t0c"
set -- $(run j2 "$N" 2 env)
report "1 process, -j 2:" "$N" "$1" "$2" "$3" "$t0w" "$t0c"
set -- $(run m0 2 1 $mpi)
m0w=$1 m0c=$2
set -- $(run np2 "$N" 1 $mpi)
report "mpirun -np 2, -j 1:" "$N" "$1" "$2" "$3" "$m0w" "$m0c"
if cmp -s "$tmp/j2.txt" "$tmp/np2.txt" && cmp -s "$tmp/j1.txt" "$tmp/j2.txt"; then
  echo "the tables of -j 1, -j 2 and -np 2 are the same"
else
  echo "the tables differ:"; cat "$tmp/j2.txt" "$tmp/np2.txt"; exit 1
fi
