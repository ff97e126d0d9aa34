#!/bin/sh
# tests/lua.sh — runs every Lua test script tests/lua/*.lua (but the helper
# check.lua) through `flowsim exec`, from $srcdir. Each script prints its
# closing line and exits non-zero on a failed check.
#
# Environment (set by make check; the fallbacks suit a run by hand from
# the build directory): FLOWSIM (default ./flowsim/flowsim), srcdir
# (default: the folder above this script).
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
cd "$srcdir" || exit 99
if ! test -x "$FLOWSIM"; then
  echo "lua.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi

pass=0 fail=0
for t in tests/lua/*.lua; do
  case $t in */check.lua) continue ;; esac
  if "$FLOWSIM" exec "$t"; then
    pass=$((pass + 1))
  else
    echo "FAIL: $t (exit $?)"
    fail=$((fail + 1))
  fi
done
echo "lua: $pass passed, $fail failed"
test "$pass" -gt 0 && test "$fail" -eq 0
