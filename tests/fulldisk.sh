#!/bin/sh
# tests/fulldisk.sh — a results file that cannot be written to the end
# (a file size limit, a full disk) is an error of one line, exit 1: the
# file that was at the target stays byte for byte, no temporary file is
# left, and flowsim neither crashes (HDF5's exit handler used to segfault
# after a failed close, issue 13 item 12) nor dies of SIGXFSZ. The same
# for flowsim mc -o when the disk fills in the middle of the samples
# (issue 14): the line is "flowsim: FILE: ...", with no location in
# flow.lua or in a driver before the file's name.
#
# The file size limit (ulimit -f) runs everywhere; the full disk needs a
# small tmpfs, mounted when the test runs as root and may mount (else
# that part is skipped). Exit 77 only when neither could run.
#
# Environment (set by make check): FLOWSIM, srcdir.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
test -x "$FLOWSIM" || { echo "fulldisk.sh: $FLOWSIM is not an executable" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-fulldisk.XXXXXX") || exit 99
mounted=
cleanup() {
  test -n "$mounted" && umount "$tmp/disk" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

pass=0 fail=0 ran=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; sed 's/^/    | /' "$tmp/err" 2>/dev/null | head -n 5; }

# The writing fails in DIR (the environment limits it); PREFIX runs flowsim.
# The plan's results file is about 0.8 MB, the demo's 25 kB.
check_failure() {
  dir=$1 what=$2; shift 2
  "$FLOWSIM" run "$srcdir/models/demo.lua" -o "$dir/prev.h5" > /dev/null 2>&1 || { bad "$what: no previous file"; return; }
  cp "$dir/prev.h5" "$tmp/prev.copy"
  "$@" "$FLOWSIM" run "$srcdir/scripts/plan.lua" -o "$dir/prev.h5" --force > /dev/null 2> "$tmp/err"
  rc=$?
  ran=$((ran + 1))
  test "$rc" -eq 1 && ok "$what: exit 1" || bad "$what: exit $rc, expected 1 (139: a segfault, 153: killed by SIGXFSZ)"
  test "$(wc -l < "$tmp/err")" -eq 1 && ok "$what: one line on stderr" || bad "$what: not one line on stderr"
  grep -q "^flowsim: $dir/prev.h5: cannot write the results file: " "$tmp/err" &&
    ok "$what: the line names the file and why" \
    || bad "$what: the message"
  cmp -s "$dir/prev.h5" "$tmp/prev.copy" && ok "$what: the previous file is intact" || bad "$what: the previous file changed"
  test -z "$(ls -A "$dir" | grep '\.tmp-')" && ok "$what: no temporary file left" || bad "$what: a temporary file was left"
}

# flowsim mc -o: the plan under uncertainty, 2000 samples: the scenario
# (about 0.8 MB) is written, the samples (about 4.2 MB more) are not;
# LIMITED runs flowsim.
check_mc_failure() {
  dir=$1 what="mc, $2"; shift 2
  "$FLOWSIM" run "$srcdir/models/demo.lua" -o "$dir/prev.h5" --force > /dev/null 2>&1 || { bad "$what: no previous file"; return; }
  cp "$dir/prev.h5" "$tmp/prev.copy"
  "$@" "$FLOWSIM" mc "$srcdir/scripts/plan_mc.lua" -n 2000 -o "$dir/prev.h5" --force > /dev/null 2> "$tmp/err"
  rc=$?
  ran=$((ran + 1))
  test "$rc" -eq 1 && ok "$what: exit 1" || bad "$what: exit $rc, expected 1"
  test "$(wc -l < "$tmp/err")" -eq 1 && ok "$what: one line on stderr" || bad "$what: not one line on stderr"
  grep -q "^flowsim: $dir/prev.h5: cannot write the results file: " "$tmp/err" &&
    ok "$what: the line names the file and why" || bad "$what: the message"
  cmp -s "$dir/prev.h5" "$tmp/prev.copy" && ok "$what: the previous file is intact" || bad "$what: the previous file changed"
  test -z "$(ls -A "$dir" | grep '\.tmp-')" && ok "$what: no temporary file left" || bad "$what: a temporary file was left"
}

# a file size limit of 200 blocks (of 512 or 1024 bytes); SIGXFSZ
# keeps its default action, as in a user's shell
mkdir "$tmp/limited"
limited() { (ulimit -f 200 && exec "$@"); }
check_failure "$tmp/limited" "file size limit" limited
# 2400 blocks: past the scenario, in the middle of the samples (1.2 MB
# where the shell counts blocks of 512 bytes, as dash does, 2.4 MB where
# it counts 1024)
limited_mc() { (ulimit -f 2400 && exec "$@"); }
check_mc_failure "$tmp/limited" "file size limit" limited_mc

# a full disk: a tmpfs of 400 kB
mkdir "$tmp/disk"
if test "$(id -u)" = 0 && mount -t tmpfs -o size=400k flowtest "$tmp/disk" 2>/dev/null; then
  mounted=yes
  check_failure "$tmp/disk" "full disk" env
  umount "$tmp/disk" && mounted=
fi
if test "$(id -u)" = 0 && mount -t tmpfs -o size=1500k flowtest "$tmp/disk" 2>/dev/null; then
  mounted=yes
  check_mc_failure "$tmp/disk" "full disk" env
else
  echo "skip: full disk (mounting a tmpfs needs root)"
fi

test "$ran" -eq 0 && exit 77
echo "fulldisk.sh: $pass passed, $fail failed"
test "$fail" -eq 0
