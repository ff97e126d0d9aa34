#!/bin/sh
# tests/hengshui.sh — scripts/hengshui_table.lua, the Hengshui table: it
# runs bau and plan, writes both to the results file named, prints the
# landfill reductions first (附件1 rows 29, 32, 34, in that order), marks
# the qualitative rows (6, 36, 37, 51) "not quantified", and names the
# rigid landfill's fill year and the electricity from incineration; no
# English name is cut. Then the main job: flowsim with no arguments, from
# a folder of its own, prints that table and writes hengshui.h5 there,
# whose indicators/index holds 附件1's Chinese names (title).
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

# Every English name is whole: each word of name_en (indicators.csv)
# stands as a whole word, in order, on the row's line or the continuation
# lines below it (the table wraps names, never cuts them).
cat > "$tmp/names.lua" <<'EOF'
local flow = require "flow"
local text, cur = {}, nil
for line in io.lines(arg[1]) do
  local row = line:match("^(%d+[ab]?) ")
  if row then cur = row; text[row] = line
  elseif cur and line:match("^     %S") then text[cur] = text[cur] .. " " .. line
  else cur = nil end
end
local bad = 0
for _, r in ipairs((flow.read_csv(arg[2]))) do
  local t, pos = " " .. (text[r.row] or ""):gsub("%s+", " ") .. " ", 1
  for w in r.name_en:gmatch("%S+") do
    local at = t:find(" " .. w .. " ", pos, true)
    if not at then
      print(("row %s: '%s' is not whole in the table (name: %s)"):format(r.row, w, r.name_en))
      bad = bad + 1
      break
    end
    pos = at + #w + 1
  end
end
os.exit(bad == 0 and 0 or 1)
EOF
"$FLOWSIM" exec "$tmp/names.lua" "$tmp/out" "$(cd "$srcdir" && pwd)/models/hengshui/indicators.csv" ||
  no "English names cut in the table"

# The main job: flowsim with no arguments, from a folder of its own (not
# the source or build tree) and without the plugin path make check sets,
# prints the same table and writes hengshui.h5 in that folder.
mkdir "$tmp/job" && cd "$tmp/job" || exit 99
env -u FLOW_PLUGIN_PATH "$FLOWSIM" > "$tmp/main" 2> "$tmp/err" || no "flowsim with no arguments: exit status $?"
cd / || exit 99
rows=$(awk '$1 ~ /^[0-9]+[ab]?$/ { print $1 }' "$tmp/main" | head -n 3 | tr '\n' ' ')
test "$rows" = "29 32 34 " || no "flowsim with no arguments: the first rows are '$rows', not '29 32 34 '"
grep -q "^rigid landfill .*full in [0-9][0-9][0-9][0-9]" "$tmp/main" || no "flowsim with no arguments: no fill year"
grep -q "^electricity from incineration" "$tmp/main" || no "flowsim with no arguments: no electricity"
grep -qx "results written to hengshui.h5 (scenarios bau and plan; flowsim report hengshui.h5)" "$tmp/main" ||
  no "flowsim with no arguments does not say where it wrote the results"
test -s "$tmp/job/hengshui.h5" || no "flowsim with no arguments wrote no hengshui.h5 in the current folder"
"$FLOWSIM" report "$tmp/job/hengshui.h5" > "$tmp/report" 2>&1 || true
grep -q "scenario bau" "$tmp/report" && grep -q "scenario plan" "$tmp/report" ||
  no "hengshui.h5 of the main job lacks bau or plan"

# Run again there: its own results file is replaced. A hengshui.h5 that
# is not a results file (a user's own) is refused, kept, and nothing runs.
(cd "$tmp/job" && env -u FLOW_PLUGIN_PATH "$FLOWSIM" > /dev/null 2>&1) || no "flowsim run again does not replace its own hengshui.h5"
mkdir "$tmp/mine" && echo "my data" > "$tmp/mine/hengshui.h5"
(cd "$tmp/mine" && env -u FLOW_PLUGIN_PATH "$FLOWSIM" > "$tmp/mine.out" 2> "$tmp/mine.err")
rc=$?
test "$rc" -eq 1 || no "flowsim over a hengshui.h5 that is not results: exit $rc, not 1"
test "$(cat "$tmp/mine/hengshui.h5")" = "my data" || no "flowsim replaced a hengshui.h5 that was not a results file"
test "$(wc -l < "$tmp/mine.err")" -eq 1 && grep -q "refusing to replace hengshui.h5" "$tmp/mine.err" ||
  no "flowsim over a hengshui.h5 that is not results: not one line naming it"

# The Chinese names of 附件1 in the results file: the title column of
# indicators/index (docs/results-format.md), typed here from the plan
# (附件1 row 29), read by Lua and, when /usr/bin/python3 has h5py, by h5py.
cat > "$tmp/titles.lua" <<'EOF'
local f = require("flow").results_open(arg[1])
local ids, _, titles = f:names("plan", "indicator")
for i, id in ipairs(ids) do
  if id == "r29_hw_landfill_decline" then
    assert(titles[i] == "工业危险废物填埋处置量下降幅度★", "row 29's title is '" .. tostring(titles[i]) .. "'")
    return
  end
end
error("no indicator r29_hw_landfill_decline")
EOF
"$FLOWSIM" exec "$tmp/titles.lua" "$tmp/job/hengshui.h5" || no "Lua reads no title of row 29 from hengshui.h5"
if /usr/bin/python3 -c "import h5py" 2> /dev/null; then
  /usr/bin/python3 - "$tmp/job/hengshui.h5" <<'EOF' || no "h5py reads no title of row 29 in indicators/index"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    ix = f["scenarios/plan/indicators/index"][:]
    titles = {n.decode(): t.decode() for n, t in zip(ix["name"], ix["title"])}
    assert titles["r29_hw_landfill_decline"] == "工业危险废物填埋处置量下降幅度★", titles.get("r29_hw_landfill_decline")
EOF
else
  echo "hengshui: /usr/bin/python3 has no h5py: the h5py check of the title column is skipped"
fi

if test "$fail" -ne 0; then
  sed 's/^/    | /' "$tmp/err" | head -n 5
  exit 1
fi
echo "hengshui: the table and the results file are as expected"
