#!/bin/sh
# tests/output.sh — where `flowsim run -o` may write, and what the file it
# writes looks like (issue 13, items 13 and 14):
# - an output that is one of the inputs (by any name), an existing file
#   that is not a results file, or an existing results file without
#   --force is refused in one line, exit 1, the file untouched;
# - report --html replaces only a page it wrote, export --csv only the
#   CSV files of an export (a model's source, its data or notes named by
#   mistake are refused);
# - options a command does not document are usage errors (exit 2);
# - a replaced file keeps its permission bits, a new one gets 0666 less
#   the umask; a name of 253 bytes works (the temporary name is cut to
#   the folder's limit); the writer's own temporary files older than a
#   day are removed from the folder it writes in, nothing else is.
# Files are checked with cmp, stat and h5ls, not with libflow's reader.
#
# Environment (set by make check): FLOWSIM, srcdir.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
test -x "$FLOWSIM" || { echo "output.sh: $FLOWSIM is not an executable" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-output.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; sed 's/^/    | /' err 2>/dev/null | head -n 5; }
# refused CODE WHAT FILE COMMAND...: exit CODE, one line on stderr, FILE unchanged
refused() {
  code=$1 what=$2 file=$3; shift 3
  cp "$file" before
  "$FLOWSIM" "$@" > out 2> err; rc=$?
  if test "$rc" -ne "$code"; then bad "$what (exit $rc, expected $code)"
  elif test "$(wc -l < err)" -ne 1; then bad "$what (not one line on stderr)"
  elif ! cmp -s "$file" before; then bad "$what (the file changed)"
  else ok "$what"; fi
}
scenarios() { h5ls "$1/scenarios" 2>/dev/null | awk '{ print $1 }' | tr '\n' ' '; }

cp "$srcdir/models/demo.lua" m.lua
cat > two.lua <<LUA
local flow = require "flow"
return { flow.scenario { name = "second", model = "$srcdir/models/demo.lua" } }
LUA
"$FLOWSIM" run m.lua -o r.h5 > /dev/null 2> err || bad "a first results file"

# --- format version 2: fixed-length strings only -----------------------------
h5dump -H r.h5 > header 2>&1
grep -q "H5T_VARIABLE" header && bad "a variable-length string in the file" || ok "no variable-length string"
h5dump -a /format_version r.h5 | grep -q "(0): 2$" && ok "format_version 2" || bad "format_version is not 2"
# "libflow-results" is 15 bytes: the attribute is 16 wide, null-terminated
h5dump -a /format r.h5 | tr -d ' ' | grep -q "STRSIZE16;" && ok "a string attribute is its length + 1 wide" \
  || bad "the width of the format attribute"
grep -q "H5T_STR_NULLTERM" header && ok "null-terminated strings" || bad "no null-terminated strings"

# --- item 13: the inputs and other files are never overwritten -------------
refused 1 "run m.lua -o m.lua" m.lua run m.lua -o m.lua
refused 1 "run m.lua -o m.lua --force" m.lua run m.lua -o m.lua --force
ln m.lua hard.lua
refused 1 "the input under another name (a hard link), --force" m.lua run m.lua -o hard.lua --force
grep -q "input file m.lua" err && ok "the line names the input" || bad "the line names the input"
refused 1 "run r.h5 -o r.h5 --force (a results file read as input)" r.h5 run r.h5 -o r.h5 --force
echo "notes" > notes.txt
refused 1 "an existing file that is not a results file, --force" notes.txt run m.lua -o notes.txt --force
grep -q "not libflow results" err && ok "the line says why" || bad "the line says why"
refused 1 "an existing results file without --force" r.h5 run two.lua -o r.h5
grep -q -- "--force" err && ok "the line names --force" || bad "the line names --force"
"$FLOWSIM" run two.lua -o r.h5 --force > out 2> err && test "$(scenarios r.h5)" = "second " \
  && ok "--force replaces a results file" || bad "--force replaces a results file ($(scenarios r.h5))"

# report --html replaces only a page of its own: not a model's source or notes
refused 1 "report r.h5 --html m.lua (a model's source)" m.lua report r.h5 --html m.lua
grep -q "not a page of flowsim report --html" err && ok "the line says why" || bad "the line says why"
refused 1 "report r.h5 --html notes.txt" notes.txt report r.h5 --html notes.txt
"$FLOWSIM" report r.h5 --html page.html > /dev/null 2> err && "$FLOWSIM" report r.h5 --html page.html > /dev/null 2> err \
  && grep -q 'flowsim report --html' page.html && ok "report --html replaces a page of its own" \
  || bad "report --html replaces a page of its own"

# export --csv DIR replaces only CSV files of an export (a model's own
# indicators.csv in that folder stays, and nothing else is written)
mkdir data && cp "$srcdir/models/hengshui/indicators.csv" data/
refused 1 "export --csv into a folder holding a model's indicators.csv" data/indicators.csv export r.h5 --csv data
test "$(ls data)" = "indicators.csv" && ok "nothing else was written into data/" || bad "export wrote into data/: $(ls data | tr '\n' ' ')"
"$FLOWSIM" export r.h5 --csv ex > /dev/null 2> err && "$FLOWSIM" export r.h5 --csv ex > /dev/null 2> err \
  && ok "export replaces an export of its own" || bad "export replaces an export of its own"

# options a command does not document: usage errors, the files untouched
refused 2 "report r.h5 -o r.h5" r.h5 report r.h5 -o r.h5
refused 2 "report --force" r.h5 report r.h5 --force
refused 2 "run --output (not documented)" r.h5 run m.lua --output r.h5 --force
refused 2 "run -s (not documented)" m.lua run m.lua -s demo
refused 2 "run --force without -o" m.lua run m.lua --force

# --- item 14: permissions, long names, stale temporary files ---------------
chmod 640 r.h5
"$FLOWSIM" run m.lua -o r.h5 --force > /dev/null 2> err && test "$(scenarios r.h5)" = "demo " \
  && test "$(stat -c %a r.h5)" = 640 && ok "a replaced file keeps its mode (640)" \
  || bad "replaced: mode $(stat -c %a r.h5), not 640 (scenarios: $(scenarios r.h5))"
(umask 022 && "$FLOWSIM" run m.lua -o new022.h5 > /dev/null 2> err)
test "$(stat -c %a new022.h5 2>/dev/null)" = 644 && ok "a new file under umask 022: 644" \
  || bad "a new file under umask 022: $(stat -c %a new022.h5 2>/dev/null), not 644"
(umask 027 && "$FLOWSIM" run m.lua -o new027.h5 > /dev/null 2> err)
test "$(stat -c %a new027.h5 2>/dev/null)" = 640 && ok "a new file under umask 027: 640" \
  || bad "a new file under umask 027: $(stat -c %a new027.h5 2>/dev/null), not 640"

# 250 x's and .h5: 253 bytes, within NAME_MAX (255); ".NAME.tmp-XXXXXX" is not
long=$(printf '%0250d' 0 | tr 0 x).h5
mkdir longname
"$FLOWSIM" run m.lua -o "longname/$long" > /dev/null 2> err && test -f "longname/$long" \
  && ok "a name of 253 bytes" || bad "a name of 253 bytes"
test "$(ls -A longname | wc -l)" -eq 1 && ok "no temporary file beside it" || bad "a temporary file was left"

# stale: ours (pattern, this user, 2 days old) go; a fresh one, other names stay
mkdir stale
for f in .a.h5.tmp-Ab3dE9 .b.h5.tmp-zzzzzz notes.tmp-Ab3dE9 .c.h5.tmp-Ab3d .d.h5.tmp-Ab3dE9.bak; do
  echo x > "stale/$f"; touch -d '2 days ago' "stale/$f"
done
echo x > stale/.fresh.h5.tmp-Qw12er
"$FLOWSIM" run m.lua -o stale/out.h5 > /dev/null 2> err || bad "the run in stale/"
test ! -e stale/.a.h5.tmp-Ab3dE9 && test ! -e stale/.b.h5.tmp-zzzzzz && ok "stale temporary files removed" \
  || bad "stale temporary files are still there: $(ls -A stale | tr '\n' ' ')"
test -e stale/.fresh.h5.tmp-Qw12er && test -e stale/notes.tmp-Ab3dE9 && test -e stale/.c.h5.tmp-Ab3d &&
  test -e stale/.d.h5.tmp-Ab3dE9.bak && ok "a fresh one and other names are kept" \
  || bad "removed what is not stale or not ours: $(ls -A stale | tr '\n' ' ')"

echo "output.sh: $pass passed, $fail failed"
test "$fail" -eq 0
