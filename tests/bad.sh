#!/bin/sh
# tests/bad.sh — the corpus of bad models and scenarios, tests/bad/*.lua.
# Each file says what it must produce in its first comment lines:
#   -- expect: SUBSTRING     (one or more; each must appear in the message)
#   -- run: run              (optional: the flowsim command, default check;
#                              run for errors found when the years are solved)
#   -- traceback: yes        (optional: a Lua runtime error, not a model
#                              error, through several functions of the
#                              user's: the message is followed by the
#                              traceback of the user's frames only)
# flowsim runs from $srcdir with the relative path tests/bad/X.lua, so the
# messages name "tests/bad/X.lua:LINE:". It must exit 1 and print to stderr
# one line "flowsim: MESSAGE" (no traceback for an error of the model), or
# with "traceback: yes" a first line "flowsim: MESSAGE" and a traceback
# that names no frame of flowsim's drivers, of flow.lua or of C.
#
# Environment (set by make check; the fallbacks suit a run by hand from
# the build directory): FLOWSIM (default ./flowsim/flowsim), srcdir
# (default: the folder above this script).
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
cd "$srcdir" || exit 99
if ! test -x "$FLOWSIM"; then
  echo "bad.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-bad.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
for f in tests/bad/*.lua; do
  # the header: the comment lines at the top of the file
  sed -n '/^--/!q; p' "$f" > "$tmp/head"
  grep '^-- expect: ' "$tmp/head" | sed 's/^-- expect: //' > "$tmp/expect"
  cmd=$(sed -n 's/^-- run: *//p' "$tmp/head")
  cmd=${cmd:-check}
  tb=$(sed -n 's/^-- traceback: *//p' "$tmp/head")
  why=""
  if ! test -s "$tmp/expect"; then
    why="no '-- expect:' line"
  else
    "$FLOWSIM" "$cmd" "$f" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    first=$(head -n 1 "$tmp/err")
    nlines=$(wc -l < "$tmp/err")
    if test "$rc" -ne 1; then
      why="exit status $rc, want 1"
    elif test "$tb" = yes; then
      if ! grep -q '^stack traceback:' "$tmp/err"; then
        why="no traceback"
      elif grep -q -e '\[flowsim' -e '\[flow.lua\]' -e '\[C\]' "$tmp/err"; then
        why="the traceback shows frames that are not the user's"
      fi
    elif test "$nlines" -ne 1; then
      why="$nlines lines on stderr, want 1 (no traceback for an error of the model)"
    fi
    if test -z "$why"; then
      case $first in
        "flowsim: "*) ;;
        *) why="stderr does not start with 'flowsim: '" ;;
      esac
    fi
    if test -z "$why"; then
      while IFS= read -r want; do
        if ! grep -q -F -e "$want" "$tmp/err"; then
          why="the message lacks: $want"
          break
        fi
      done < "$tmp/expect"
    fi
  fi
  if test -z "$why"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $f ($cmd): $why"
    sed 's/^/    | /' "$tmp/err" | head -n 8
  fi
done
echo "bad: $pass passed, $fail failed"
test "$pass" -gt 0 && test "$fail" -eq 0
