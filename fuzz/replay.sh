#!/bin/sh
# fuzz/replay.sh — make check: every fuzz target's replay driver
# (fuzz/replay.c, built without libFuzzer) over its seed corpus
# (fuzz/corpus/<target>/) and its regression inputs (fuzz/regress/
# <target>/: the inputs that once crashed a target). Each input must run
# to its end: an answer or a one-line error, never a crash, an abort or a
# sanitizer's report (in an ASan build). Inputs of findings not yet fixed
# (fuzz/findings/) are not run here.
set -u
src=${srcdir:-.}
status=0
# in an ASan build: leaks inside libhdf5 itself are not libflow's (lsan.supp)
LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$src/fuzz/lsan.supp
export LSAN_OPTIONS
for t in sandbox results plugin; do
    for d in "$src/fuzz/corpus/$t" "$src/fuzz/regress/$t"; do
        [ -d "$d" ] || continue
        n=$(ls "$d" | wc -l)
        log=fuzz/replay-$t.log
        ./fuzz/replay_$t "$d" > /dev/null 2> "$log"
        rc=$?
        if [ $rc -ne 0 ]; then
            echo "FAIL: replay_$t over $d: exit $rc; the last input and its output:"
            grep '^replay: ' "$log" | tail -n 1
            tail -n 30 "$log"
            status=1
        else
            echo "ok: replay_$t over $d ($n inputs)"
        fi
    done
done
exit $status
