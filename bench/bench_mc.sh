#!/bin/sh
# bench/bench_mc.sh — samples per second of flowsim mc on the plan under
# uncertainty (scripts/plan_mc.lua), on 1 and 2 threads: CPU (user + sys)
# and wall seconds of N samples, less those of one sample (the start-up,
# loading and compiling the model), and the peak memory. Each of the
# three runs (one sample; N on 1 thread; N on 2) is made R times, in
# turn, and the best and the median of each are printed: on a shared
# machine noise only adds time, so the best is the figure that
# reproduces (docs/performance.md judges its goals by it), the median
# says how far the noise took the rest.
#   sh bench/bench_mc.sh [N [R]]    (from the build folder; N default 4000, R 5)
N=${1:-4000}
R=${2:-5}
FLOWSIM=${FLOWSIM:-./flowsim/flowsim}
srcdir=${srcdir:-$(dirname "$0")/..}
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
run() { # threads samples -> "threads samples wall cpu maxrss_kb"
  /usr/bin/time -f '%e %U %S %M' "$FLOWSIM" mc "$srcdir/scripts/plan_mc.lua" -n "$2" -j "$1" 2>&1 > /dev/null |
    awk -v j="$1" -v n="$2" 'NF == 4 { print j, n, $1, $2 + $3, $4 }'
}
i=0
while [ "$i" -lt "$R" ]; do
  run 1 1 >> "$out" && run 1 "$N" >> "$out" && run 2 "$N" >> "$out" || exit 1
  i=$((i + 1))
done
# best and median of wall and CPU for each kind of run, then the figures
sort -n -k1,1 -k2,2 "$out" | awk -v N="$N" '
  function med(a, k,    s, i, j, t) { # median of a[1..k], sorted in place
    for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  { key = $1 " " $2; n[key]++; w[key, n[key]] = $3; c[key, n[key]] = $4; if ($5 > m[key]) m[key] = $5 }
  END {
    for (key in n) {
      k = n[key]
      for (i = 1; i <= k; i++) { ww[i] = w[key, i]; cc[i] = c[key, i] }
      wmed[key] = med(ww, k); cmed[key] = med(cc, k)
      wbest[key] = ww[1]; cbest[key] = cc[1]
    }
    one = "1 1"
    for (j = 1; j <= 2; j++) {
      key = j " " N
      wb = wbest[key] - wbest[one]; cb = cbest[key] - cbest[one]
      wm = wmed[key] - wmed[one]; cm = cmed[key] - cmed[one]
      printf "-j %d: %d samples, %d runs each: wall %.2f s best, %.2f median (%.0f, %.0f samples/s); CPU %.2f s best, %.2f median (%.0f, %.0f samples/s/core); peak RSS %d MB\n",
             j, N, n[key], wb, wm, N / wb, N / wm, cb, cm, N / cb, N / cm, m[key] / 1024
    }
  }'
