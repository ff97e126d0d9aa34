#!/bin/sh
# tests/h5read.sh — the results reader against files made without libflow
# (tests/h5craft.py, h5py): a valid file of format version 2 reads with the
# values written there (an independent check of docs/results-format.md);
# crafted files that break one rule each (issue 13, items 10 and 11) get one
# line, exit 1, from report, export and diff, and never crash or hang
# (every command runs under timeout: a hang fails).
#
# Environment (set by make check): FLOWSIM, srcdir. Skipped (77) when
# /usr/bin/python3 has no h5py.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
if ! test -x "$FLOWSIM"; then
  echo "h5read.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
if ! /usr/bin/python3 -c "import h5py" 2> /dev/null; then
  echo "h5read.sh: /usr/bin/python3 has no h5py: skipped"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-h5read.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/fifo" || exit 99   # the target of the crafted external links
/usr/bin/python3 "$srcdir/tests/h5craft.py" "$tmp" || exit 99

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() {
  fail=$((fail + 1)); echo "FAIL: $1"
  sed 's/^/    | /' "$tmp/out" "$tmp/err" 2>/dev/null | head -n 8
}
# run CMD FILE: flowsim report, export or diff (of the file with itself,
# every kind) of FILE, under timeout; rc in $rc
run() {
  case $1 in
    report) timeout 10 "$FLOWSIM" report "$2" ;;
    export) rm -rf "$tmp/csv"; timeout 10 "$FLOWSIM" export "$2" --csv "$tmp/csv" ;;
    diff) timeout 10 "$FLOWSIM" diff "$2" "$2" --all ;;
    samples) timeout 10 "$FLOWSIM" exec "$tmp/samples.lua" "$2" ;;
  esac > "$tmp/out" 2> "$tmp/err"
  rc=$?
}
# refused CASE TEXT CMD...: each command exits 1 with one line holding TEXT
refused() {
  case_=$1 text=$2; shift 2
  for cmd in "$@"; do
    run "$cmd" "$tmp/$case_.h5"
    if test $rc -ne 1; then bad "$case_: $cmd exits $rc, not 1"; continue; fi
    if test "$(wc -l < "$tmp/err")" -ne 1 && test "$cmd" != samples; then bad "$case_: $cmd: not one line"; continue; fi
    if ! grep -qF -- "$text" "$tmp/err"; then bad "$case_: $cmd: no '$text'"; continue; fi
    ok "$case_: $cmd: $text"
  done
}
cat > "$tmp/samples.lua" <<'LUA'
local flow = require "flow"
local f = flow.results_open(arg[1])
print(f:samples("plan", "x"))
print(select(3, f:names("plan", "indicator"))[1])
LUA

# --- the valid file: the values h5craft.py wrote ----------------------------
for cmd in report export diff; do
  run $cmd "$tmp/valid.h5"
  test $rc -eq 0 && test ! -s "$tmp/err" && ok "valid: $cmd" || bad "valid: $cmd exits $rc"
done
run report "$tmp/valid.h5"
grep -Eq '^recycling_rate +% +2022 +10 +>= +25 +30 +yes' "$tmp/out" && ok "valid: report: recycling_rate 30 in 2022, target 25 met" \
  || bad "valid: report line of recycling_rate"
run export "$tmp/valid.h5"
grep -qx 'plan,2021,sorting->recycling:msw,t/a,200' "$tmp/csv/flows.csv" && ok "valid: export: a flow of 2021" \
  || bad "valid: export: sorting->recycling:msw in 2021 is not 200"
grep -qx 'plan,landfilled,2022,<=,600,700,no,demo target,t/a,value' "$tmp/csv/targets.csv" && ok "valid: export: a missed target" \
  || bad "valid: export: the target of landfilled"
run samples "$tmp/valid.h5"
printf '2\t3\t2\n回收利用率\n' | cmp -s - "$tmp/out" && ok "valid: samples 2x3x2 and the UTF-8 title" || bad "valid: samples or title"
run diff "$tmp/valid.h5"
grep -q "no differences" "$tmp/out" && ok "valid: diff with itself" || bad "valid: diff"

# --- version 1: strings in the global heap ----------------------------------
# refused once libflow writes version 2 (read while this build's writer
# still writes version 1, so that its own files read)
"$FLOWSIM" run "$srcdir/models/demo.lua" -o "$tmp/own.h5" > /dev/null 2>&1
written=$(/usr/bin/python3 -c 'import sys, h5py; print(int(h5py.File(sys.argv[1], "r").attrs["format_version"]))' "$tmp/own.h5" 2>/dev/null)
if test "$written" = 2; then
  refused v1 "results format version 1 (an older libflow) keeps its strings in HDF5's global heap" report export diff
  run report "$tmp/own.h5"
  test $rc -eq 0 && ok "libflow's own version 2 file reads" || bad "libflow's own file: report exits $rc"
else
  echo "note: this build writes format version ${written:-?}: version 1 still reads"
  run export "$tmp/v1.h5"
  test $rc -eq 0 && ok "v1 reads while the writer writes version 1" || bad "v1: export exits $rc"
fi

# --- item 10: types, ranks and sizes checked before reading ------------------
refused version_array "the attribute format_version is an array of 100000 values, not one" report export diff
refused version_float "the attribute format_version is float, not an integer" report
refused format_array "the attribute format is an array of 100000 values, not one" report export diff
refused format_long "the attribute format is a string of 1048577 bytes (at most 64)" report
refused vlen_attr "the attribute format is a variable-length string (version 2 has none)" report
refused vlen_column "holds variable-length data or references (version 2 has none)" export diff
refused years_float "/scenarios/plan/years holds float values, not integer" report export diff
refused years_2d "/scenarios/plan/years is not of rank 1" report
refused years_huge "/scenarios/plan/years holds 2000000000 years (1 to 9000)" report export diff
refused years_minmax "year -2147483648 at 0 is not a four-digit year" report
refused years_gap "year 2022 at 1 is not the year after the one before" report
refused index_no_name "/scenarios/plan/flows/index has no column name" export
refused index_name_int "column name holds integer values, not string" export
refused index_not_compound "/scenarios/plan/flows/index holds float values, not compound" export
refused index_str_huge "column name holds strings of 100000 bytes (at most 65536)" export diff
refused index_rows_huge "/scenarios/plan/flows/index has 1000000000 records of 46 bytes, more than the file's" export diff
refused values_int "/scenarios/plan/flows/values holds integer values, not float" export
refused values_shape "/scenarios/plan/flows/values is [3][4], not [3 years][3 items of its index]" export
refused targets_cmp_bad "target 0 has comparator '=>'" report
refused samples_rank2 "/scenarios/plan/samples/x is not of rank 3" samples

# --- item 11: links and objects of the wrong kind, refused before opening -----
# (the external links point at a FIFO: following one would hang)
refused ext_link_scenario "/scenarios/evil is an external link (refused)" report export diff
refused years_ext_link "/scenarios/plan/years is an external link; a results file holds only groups and datasets" report export
refused years_external "/scenarios/plan/years keeps its data in external files (refused)" report export
refused years_virtual "/scenarios/plan/years keeps its data in a virtual dataset's sources (refused)" report export
refused years_soft_link "/scenarios/plan/years is a soft link" report
refused years_group "/scenarios/plan/years is not a dataset" report
refused scenario_dataset "/scenarios/evil is not a group" report

echo "h5read: $pass passed, $fail failed"
test $fail -eq 0
