#!/bin/sh
# bench/bench_mc.sh — samples per second of flowsim mc on the plan under
# uncertainty (scripts/plan_mc.lua), on 1 and 2 threads: CPU (user + sys)
# and wall seconds of N samples, less those of one sample (the start-up,
# loading and compiling the model), and the peak memory.
#   sh bench/bench_mc.sh [N]        (from the build folder; N default 4000)
N=${1:-4000}
FLOWSIM=${FLOWSIM:-./flowsim/flowsim}
srcdir=${srcdir:-$(dirname "$0")/..}
run() { # threads samples -> "wall cpu maxrss_kb"
  /usr/bin/time -f '%e %U %S %M' "$FLOWSIM" mc "$srcdir/scripts/plan_mc.lua" -n "$2" -j "$1" 2>&1 > /dev/null |
    awk '{ print $1, $2 + $3, $4 }'
}
set -- $(run 1 1)
w0=$1 c0=$2
for j in 1 2; do
  set -- $(run $j "$N")
  awk -v j=$j -v n="$N" -v w="$1" -v c="$2" -v m="$3" -v w0="$w0" -v c0="$c0" 'BEGIN {
    printf "-j %d: %d samples, wall %.2f s (%.0f samples/s), CPU %.2f s (%.0f samples/s/core), peak RSS %d MB\n",
           j, n, w - w0, n / (w - w0), c - c0, n / (c - c0), m / 1024 }'
done
