#!/bin/sh
# tests/hengshui.sh — scripts/hengshui_table.lua, the Hengshui table: it
# runs bau and plan, writes both to the results file named, prints the
# landfill reductions first (附件1 rows 29, 32, 34, in that order), marks
# the qualitative rows (6, 36, 37, 51) "not quantified", and names the
# rigid landfill's fill year and the electricity from incineration.
#
# Environment (set by make check; the fallbacks suit a run by hand from
# the build directory): FLOWSIM (default ./flowsim/flowsim), srcdir
# (default: the folder above this script).
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
if ! test -x "$FLOWSIM"; then
  echo "hengshui.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-hengshui.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

fail=0
no() { echo "FAIL: $1"; fail=1; }
"$FLOWSIM" exec "$srcdir/scripts/hengshui_table.lua" "$tmp/h.h5" > "$tmp/out" 2> "$tmp/err" || no "exit status $?"
rows=$(awk '$1 ~ /^[0-9]+[ab]?$/ { print $1 }' "$tmp/out" | head -n 3 | tr '\n' ' ')
test "$rows" = "29 32 34 " || no "the first rows are '$rows', not '29 32 34 '"
n=$(awk '$1 ~ /^[0-9]+[ab]?$/' "$tmp/out" | wc -l)
test "$n" -eq 59 || no "$n indicator rows, not 59"
for r in 6 36 37 51; do
  grep -q "^$r  *.*not quantified" "$tmp/out" || no "row $r is not marked 'not quantified'"
done
grep -q "^rigid landfill .*full in [0-9][0-9][0-9][0-9]" "$tmp/out" || no "no fill year of the rigid landfill"
grep -q "^electricity from incineration" "$tmp/out" || no "no electricity"
"$FLOWSIM" report "$tmp/h.h5" > "$tmp/report" 2>&1 || true
grep -q "scenario bau" "$tmp/report" && grep -q "scenario plan" "$tmp/report" || no "the results file lacks bau or plan"
if test "$fail" -ne 0; then
  sed 's/^/    | /' "$tmp/err" | head -n 5
  exit 1
fi
echo "hengshui: the table and the results file are as expected"
