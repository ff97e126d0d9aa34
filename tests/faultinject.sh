#!/bin/sh
# tests/faultinject.sh — test hooks stay out of the shipped library. A
# default build ignores FLOW_RESULTS_FAULT: the results file is written
# whatever the variable says. A build configured with
# --enable-fault-injection (a test build) honours it: the first write
# fails as a full disk would and nothing is left at the target. Which build
# this is comes from config.h (what configure decided), and `flowsim
# --version` must say the same.
#
# Environment (set by make check; the fallbacks suit a run by hand from
# the top of the build tree): FLOWSIM (default ./flowsim/flowsim), srcdir.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
top=$(cd "$(dirname "$FLOWSIM")/.." && pwd) # the top of the build tree
if ! test -x "$FLOWSIM" || ! test -f "$top/config.h"; then
  echo "faultinject.sh: no $FLOWSIM or no $top/config.h (set FLOWSIM)" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-fault.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() {
  fail=$((fail + 1)); echo "FAIL: $1"
  sed 's/^/    | /' "$tmp/out" "$tmp/err" 2>/dev/null | head -n 8
}

if grep -q '^#define FLOW_FAULT_INJECTION 1' "$top/config.h"; then hooks=yes; else hooks=no; fi
echo "faultinject: this build has the test hooks: $hooks (config.h)"

"$FLOWSIM" --version > "$tmp/out" 2> "$tmp/err"
if grep -qF -- "--enable-fault-injection" "$tmp/out"; then says=yes; else says=no; fi
if test "$says" = "$hooks"; then ok "flowsim --version tells the test hooks: $says"; else
  bad "flowsim --version says hooks $says, config.h $hooks"; fi

# the demo model's results with the first write made to fail, if hooks are on
FLOW_RESULTS_FAULT=1 "$FLOWSIM" run "$srcdir/models/demo.lua" -o "$tmp/out.h5" > "$tmp/out" 2> "$tmp/err"; rc=$?
left=$(ls -A "$tmp" | grep -v -e '^out$' -e '^err$')
if test "$hooks" = no; then
  if test $rc -eq 0 && test -f "$tmp/out.h5" && "$FLOWSIM" report "$tmp/out.h5" > /dev/null 2>&1; then
    ok "a default build ignores FLOW_RESULTS_FAULT=1: the file is written"
  else
    bad "a default build with FLOW_RESULTS_FAULT=1 (exit $rc, left: $left)"
  fi
else
  if test $rc -eq 1 && grep -qF "simulated write failure" "$tmp/err" && test -z "$left"; then
    ok "a test build honours FLOW_RESULTS_FAULT=1: the write fails, nothing is left"
  else
    bad "a test build with FLOW_RESULTS_FAULT=1 (exit $rc, left: $left)"
  fi
fi

echo "faultinject: $pass passed, $fail failed"
test "$fail" -eq 0
