#!/bin/sh
# tests/cli_errors.sh — every flowsim command given bad arguments or bad
# files: missing, unreadable, a folder, not HDF5, a scenario that is not
# there, an unknown option, an option without its value, a bad number, a
# sandbox limit too small to start or to finish.
# Each must exit 1 (an error) or 2 (a usage error) and print exactly one
# line on stderr, "flowsim: ..." naming the thing at fault, and nothing
# anywhere may hold "stack traceback" or name flowsim's own Lua chunks
# ([flowsim run], [flow.lua]) (docs/flowsim.1, EXIT STATUS).
#
# Environment (set by make check; the fallbacks suit a run by hand from
# the build directory): FLOWSIM (default ./flowsim/flowsim), srcdir.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
if ! test -x "$FLOWSIM"; then
  echo "cli_errors.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-cli.XXXXXX") || exit 99
trap 'chmod -R u+rwx "$tmp"; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99

model=$srcdir/models/demo.lua
# the fixtures: a results file of the demo (scenario "demo"), a file that
# is not HDF5, folders named like a results file and like a model, an
# unreadable model and results file. Root reads every file: as root the
# unreadable cases run as the user nobody (setpriv), or are skipped.
if ! "$FLOWSIM" run "$model" -o good.h5 > /dev/null 2>&1; then
  echo "cli_errors.sh: cannot make the fixture good.h5" >&2
  exit 99
fi
echo "this is not HDF5" > text.h5
mkdir folder.h5 folder.lua
cp "$model" locked.lua
cp good.h5 locked.h5
chmod 644 good.h5
mkdir open
chmod 000 locked.lua locked.h5
chmod 755 "$tmp"
chmod 777 open
runas="" runas_now=""
unreadable=yes
if cat locked.lua > /dev/null 2>&1; then
  runas="setpriv --reuid=65534 --regid=65534 --clear-groups"
  # nobody must be able to run flowsim, and not to read the locked file
  if ! $runas "$FLOWSIM" --version > /dev/null 2>&1 || $runas cat locked.lua > /dev/null 2>&1; then
    unreadable=no
  fi
fi

pass=0 fail=0
# expect CODES NAMED COMMAND-ARGS...: exit status one of CODES ("1", "2"
# or "1 2"), one line on stderr holding NAMED, no traceback anywhere
expect() {
  codes=$1 named=$2; shift 2
  $runas_now "$FLOWSIM" "$@" > out 2> err < /dev/null
  rc=$?
  why=""
  case " $codes " in *" $rc "*) ;; *) why="exit status $rc, want $codes" ;; esac
  nlines=$(wc -l < err)
  if test -z "$why" && test "$nlines" -ne 1; then why="$nlines lines on stderr, want 1"; fi
  if test -z "$why" && grep -q "stack traceback" out err; then why="a traceback"; fi
  if test -z "$why" && grep -q -F -e "[flowsim " -e "[flow.lua]" err; then why="names flowsim's own Lua"; fi
  if test -z "$why" && ! grep -q '^flowsim: ' err; then why="stderr does not start with 'flowsim: '"; fi
  if test -z "$why" && ! grep -qF -- "$named" err; then why="the line does not name '$named'"; fi
  if test -z "$why"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: flowsim $*: $why"
    sed 's/^/    | /' err out | head -n 8
  fi
}

# -- run (and the FILE.lua form without a command) -------------------------
expect 1 missing.lua     run missing.lua
expect 1 folder.lua      run folder.lua
expect 1 missing.lua     missing.lua
expect 1 folder.lua      folder.lua
expect 1 nope            run "$model" --scenario nope
expect 1 nope            "$model" --scenario nope
expect 2 --scenario      run "$model" --scenario
expect 2 --bogus         run "$model" --bogus
expect 2 --bogus         "$model" --bogus
expect 2 -o              run "$model" -o
expect 1 /no/such/folder run "$model" -o /no/such/folder/out.h5
expect 1 folder.h5       run "$model" -o folder.h5
expect 2 --budget        run "$model" --budget
expect 2 abc             run "$model" --sandbox --budget abc
expect 2 -5              run "$model" --sandbox --memory -5
expect 2 12x             run "$model" --sandbox --memory 12x
expect 1 "of 30000 bytes" run "$model" --sandbox --memory 30000
expect 1 "budget of 1000" run "$model" --sandbox --budget 1000
expect 2 run             run
expect 2 --bogus         --bogus
expect 2 frobnicate      frobnicate
# -- check ---------------------------------------------------------------
expect 1 missing.lua     check missing.lua
expect 1 folder.lua      check folder.lua
expect 2 --bogus         check "$model" --bogus
expect 2 --memory        check "$model" --memory
expect 2 x1              check "$model" --budget x1
expect 2 check           check
# -- report --------------------------------------------------------------
expect 1 missing.h5      report missing.h5
expect 1 folder.h5       report folder.h5
expect 1 text.h5         report text.h5
expect 1 missing.lua     report missing.lua
expect 1 nope            report good.h5 --scenario nope
expect 1 nope            report "$model" --scenario nope
expect 2 --scenario      report good.h5 --scenario
expect 2 --bogus         report good.h5 --bogus
expect 2 report          report
# -- diff ----------------------------------------------------------------
expect 1 missing.h5      diff missing.h5 good.h5
expect 1 missing.h5      diff good.h5 missing.h5
expect 1 folder.h5       diff folder.h5 good.h5
expect 1 text.h5         diff good.h5 text.h5
expect 1 nope            diff good.h5:nope good.h5
expect 1 nope            diff good.h5 good.h5:nope
expect 1 missing.h5      diff missing.h5:demo good.h5:demo
expect 2 --tol           diff good.h5 good.h5 --tol
expect 2 abc             diff good.h5 good.h5 --tol abc
expect 2 -1              diff good.h5 good.h5 --tol -1
expect 2 --bogus         diff good.h5 good.h5 --bogus
expect 2 third.h5        diff good.h5 good.h5 third.h5
expect 2 diff            diff good.h5
# -- export --------------------------------------------------------------
expect 1 missing.h5      export missing.h5 --csv csv
expect 1 folder.h5       export folder.h5 --csv csv
expect 1 text.h5         export text.h5 --csv csv
expect 1 /no/such        export good.h5 --csv /no/such/folder
expect 1 text.h5         export good.h5 --csv text.h5
mkdir -p blocked/indicators.csv
expect 1 blocked/indicators.csv export good.h5 --csv blocked
if test -w /dev/full; then # a full disk
  mkdir full && ln -s /dev/full full/.flows.csv.tmp
  expect 1 "full/flows.csv: No space left on device" export good.h5 --csv full
fi
expect 2 --csv           export good.h5 --csv
expect 2 --bogus         export good.h5 --csv csv --bogus
expect 2 other.h5        export good.h5 other.h5 --csv csv
expect 2 export          export good.h5
# -- exec ----------------------------------------------------------------
expect 1 missing.lua     exec missing.lua
expect 1 folder.lua      exec folder.lua
expect 2 --bogus         exec --bogus script.lua
expect 2 --budget        exec --sandbox --budget
expect 2 zero            exec --sandbox --budget zero script.lua
expect 2 exec            exec
# -- plugins -------------------------------------------------------------
expect 2 --bogus         plugins --bogus
expect 2 extra           plugins extra
# -- unreadable files (as root: as the user nobody) ---------------------------
if test "$unreadable" = yes; then
  runas_now=$runas
  expect 1 locked.lua    run locked.lua
  expect 1 locked.lua    check locked.lua
  expect 1 locked.lua    exec locked.lua
  expect 1 locked.lua    locked.lua
  expect 1 "locked.h5: Permission denied" report locked.h5
  expect 1 locked.h5     diff locked.h5 good.h5
  expect 1 "locked.h5: Permission denied" diff good.h5:demo locked.h5:demo
  expect 1 locked.h5     export locked.h5 --csv open/csv
  runas_now=""
else
  echo "note: running as root without setpriv: the unreadable-file cases are skipped"
fi

echo "cli_errors: $pass passed, $fail failed"
test "$pass" -gt 0 && test "$fail" -eq 0
