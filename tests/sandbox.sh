#!/bin/sh
# tests/sandbox.sh — flowsim --sandbox: the instruction budget and the
# memory limit stop a script with their errors; os, io, debug, package,
# dofile and loadfile are gone; require and flow.load stay inside the
# script's folder; binary chunks are refused; a normal model runs.
#
# Environment (set by make check; the fallbacks suit a run by hand from
# the build directory): FLOWSIM (default ./flowsim/flowsim), srcdir
# (default: the folder above this script).
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
if ! test -x "$FLOWSIM"; then
  echo "sandbox.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-sandbox.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
# a sandbox that fails to stop a script must not hang make check
limit=""
command -v timeout > /dev/null 2>&1 && limit="timeout 120"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() {
  fail=$((fail + 1)); echo "FAIL: $1"
  sed 's/^/    | /' "$tmp/err" | head -n 6
}

# expect NAME STATUS STDERR-SUBSTRING|"" STDOUT-SUBSTRING|"" -- COMMAND...
expect() {
  name=$1 want=$2 serr=$3 sout=$4
  shift 5
  $limit "$@" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  if test "$rc" -ne "$want"; then
    echo "exit status $rc, want $want" >> "$tmp/err"; bad "$name"; return
  fi
  if test -n "$serr" && ! grep -q -F -e "$serr" "$tmp/err"; then
    echo "stderr lacks: $serr" >> "$tmp/err"; bad "$name"; return
  fi
  if test -n "$sout" && ! grep -q -F -e "$sout" "$tmp/out"; then
    echo "stdout lacks: $sout" >> "$tmp/err"; cat "$tmp/out" >> "$tmp/err"; bad "$name"; return
  fi
  ok "$name"
}

mkdir "$tmp/box"
cd "$tmp/box" || exit 99

# --- the instruction budget ---------------------------------------------------
cat > loop.lua <<'LUA'
local n = 0
while true do n = n + 1 end
LUA
expect "an endless loop stops with the budget error" 1 "instruction budget" "" -- \
  "$FLOWSIM" exec --sandbox --budget 1000000 loop.lua
head -n 1 "$tmp/err" | grep -q '^flowsim: .*sandbox: the instruction budget of 1000000 is spent' \
  && ok "the budget error is flowsim's first line and names the budget" \
  || bad "the budget error is flowsim's first line and names the budget"

# a model that never returns, run by flowsim run
cat > loopmodel.lua <<'LUA'
local flow = require "flow"
local m = flow.model { name = "endless", years = { 2020, 2021 } }
repeat until false
return m
LUA
expect "flowsim run: a model that loops stops with the budget error" 1 "instruction budget" "" -- \
  "$FLOWSIM" run --sandbox --budget 1000000 loopmodel.lua

# within the budget: a finite loop of 10^5 iterations runs
cat > finite.lua <<'LUA'
local n = 0
for i = 1, 100000 do n = n + i end
assert(n == 5000050000)   -- 10^5 (10^5 + 1) / 2
print("finite ok")
LUA
expect "a finite loop inside the budget runs" 0 "" "finite ok" -- \
  "$FLOWSIM" exec --sandbox --budget 100000000 finite.lua

# --- the memory limit -----------------------------------------------------------
cat > grow.lua <<'LUA'
local t = {}
local i = 0
while true do
  i = i + 1
  t[i] = string.rep("x", 1000) .. i   -- a new 1 kB string each time, all kept
end
LUA
expect "unbounded allocation stops with the memory error" 1 "memory limit" "" -- \
  "$FLOWSIM" exec --sandbox --memory 20000000 grow.lua
grep -q -F "memory limit of 20000000 bytes" "$tmp/err" \
  && ok "the memory error names the limit" || bad "the memory error names the limit"

# --- no os, io, debug, package, dofile, loadfile --------------------------------
cat > libs.lua <<'LUA'
local gone = {}
for _, name in ipairs { "os", "io", "debug", "package", "dofile", "loadfile", "collectgarbage" } do
  if _G[name] ~= nil then gone[#gone + 1] = name end
end
assert(#gone == 0, "still there: " .. table.concat(gone, ", "))
assert(type(string) == "table" and type(math) == "table" and type(table) == "table")
assert(type(require "flow") == "table")
print("libs ok")
LUA
expect "os, io, debug, package, dofile, loadfile are nil" 0 "" "libs ok" -- \
  "$FLOWSIM" exec --sandbox libs.lua
# the same script without the sandbox must fail: the check can fail
expect "(control) without --sandbox os and io are there" 1 "still there: os, io" "" -- \
  "$FLOWSIM" exec libs.lua

# --- require and flow.load inside the folder only --------------------------------
mkdir inner
echo 'return 42' > inner/helper.lua
echo 'return "outside"' > outside.lua
ln -s ../outside.lua inner/link.lua
cat > inner/req.lua <<'LUA'
local flow = require "flow"
assert(require "helper" == 42, "require of a module inside the folder")
local ok, err = pcall(require, "../outside")
assert(not ok, "require '../outside' was allowed")
assert(tostring(err):find("sandbox", 1, true), "unexpected message: " .. tostring(err))
ok, err = pcall(flow.load, "../outside.lua")
assert(not ok and tostring(err):find("outside", 1, true), "flow.load of ../outside.lua: " .. tostring(err))
print("require ok")
LUA
expect "require and flow.load of a file outside the folder are refused" 0 "" "require ok" -- \
  "$FLOWSIM" exec --sandbox inner/req.lua
cat > inner/reqlink.lua <<'LUA'
local ok, v = pcall(require, "link")   -- inner/link.lua -> ../outside.lua
assert(not (ok and v == "outside"), "require followed a link out of the folder")
print("link refused")
LUA
expect "require of a link pointing outside the folder is refused" 0 "" "link refused" -- \
  "$FLOWSIM" exec --sandbox inner/reqlink.lua
cat > inner/loadlink.lua <<'LUA'
local flow = require "flow"
local ok, err = pcall(flow.load, "inner/link.lua")
assert(not ok and tostring(err):find("outside", 1, true), "flow.load followed a link: " .. tostring(err))
print("flow.load link refused")
LUA
expect "flow.load of a link pointing outside the folder is refused" 0 "" "flow.load link refused" -- \
  "$FLOWSIM" exec --sandbox inner/loadlink.lua

# --- binary chunks ---------------------------------------------------------------------
cat > binary.lua <<'LUA'
local f, err = load(string.dump(function() return 1 end))
assert(f == nil, "a binary chunk was loaded")
assert(tostring(err):find("binary", 1, true), "unexpected message: " .. tostring(err))
local g = load("return 6 * 7")
assert(g and g() == 42, "a text chunk must load")
print("binary refused")
LUA
expect "load of a binary chunk (string.dump) is refused" 0 "" "binary refused" -- \
  "$FLOWSIM" exec --sandbox binary.lua

# --- data files (flow.data, flow.read_csv) ---------------------------------------------
printf 'name,year,value,unit,source\nx,2020,1,t,ESTIMATE: a\n' > d.csv
cat > data.lua <<'LUA'
local flow = require "flow"
local ok, err = pcall(flow.read_csv, "d.csv")
assert(not ok and tostring(err):find("cannot be read here", 1, true), "flow.read_csv read a file: " .. tostring(err))
print("data refused")
LUA
expect "flow.data and flow.read_csv read no file in the sandbox" 0 "" "data refused" -- \
  "$FLOWSIM" exec --sandbox data.lua

# --- a normal model runs sandboxed --------------------------------------------------------
expect "models/demo.lua runs in the sandbox" 0 "" "scenario demo:" -- \
  "$FLOWSIM" run --sandbox "$srcdir/models/demo.lua"
expect "models/demo.lua checks in the sandbox" 0 "" "3 targets" -- \
  "$FLOWSIM" check --sandbox "$srcdir/models/demo.lua"

# --- issue 13: nothing the sandbox does not list -------------------------------
cat > escape.lua <<'LUA'
local flow = require "flow"
for _, name in ipairs { "debug", "io", "os", "package" } do
  local ok, v = pcall(require, name)
  assert(not ok, "require '" .. name .. "' gave a " .. type(v))
end
local m = flow.model { name = "mt", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:param("gen", 1)
m:process("house", "source", { generation = { msw = "gen" } })
m:process("dump", "stock")
m:flow("house", "dump", "rest")
local r = flow.run(m)
for _, u in ipairs { r.sim, r.c.md } do
  assert(type(getmetatable(u)) ~= "table", "getmetatable hands out the metatable of a " .. type(u))
end
assert(type(getmetatable("")) ~= "table", "getmetatable hands out the strings' metatable")
print("nothing escapes")
LUA
expect "require 'debug' (io, os, package) fails and userdata metatables are locked" 0 "" "nothing escapes" -- \
  "$FLOWSIM" exec --sandbox escape.lua

# --- issue 13: userdata survive a manual __gc (outside the sandbox, where
# debug.getmetatable reaches it). Before the fix the simulation read its
# freed model: a heap-use-after-free that valgrind or ASan shows (the plain
# build may pass by luck); now the model lives until its simulation goes.
cat > gcuaf.lua <<'LUA'
local flow = require "flow"
local m = flow.model { name = "uaf", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:param("gen", 7)
m:process("house", "source", { generation = { msw = "gen" } })
m:process("dump", "stock")
m:flow("house", "dump", "rest")
local r = flow.run(m)
local md, sim = r.c.md, r.sim
local i = md:_find("flow", "house->dump:msw")
debug.getmetatable(md).__gc(md)            -- by hand: the model must outlive its simulation
local ok, err = pcall(md._find, md, "flow", "house->dump:msw")
assert(not ok and tostring(err):find("freed", 1, true), "a freed model was used: " .. tostring(err))
assert(sim:_get("flow", i, 2021) == 7, "the simulation lost its model")   -- gen 7 t/a, all to dump
debug.getmetatable(sim).__gc(sim)
ok, err = pcall(sim._get, sim, "flow", i, 2021)
assert(not ok and tostring(err):find("freed", 1, true), "a freed simulation was used: " .. tostring(err))
print("manual gc ok")
LUA
expect "(trusted) a model's and a simulation's __gc called by hand leave no dangling pointer" 0 "" "manual gc ok" -- \
  "$FLOWSIM" exec gcuaf.lua

# --- issue 13: the budget cannot be dodged ----------------------------------------
# each must stop with the budget's error (exit 1), not run to the timeout (124)
cat > pcallloop.lua <<'LUA'
while true do pcall(function() while true do end end) end
LUA
expect "pcall cannot catch the budget error for good" 1 "instruction budget" "" -- \
  "$FLOWSIM" exec --sandbox --budget 1000000 pcallloop.lua
cat > coloop.lua <<'LUA'
while true do coroutine.resume(coroutine.create(function() while true do end end)) end
LUA
expect "coroutine.resume cannot catch the budget error for good" 1 "instruction budget" "" -- \
  "$FLOWSIM" exec --sandbox --budget 1000000 coloop.lua
# a caught error costs the interpreter a hundred instructions' time that the
# hook does not count: a loop of them ran 2 minutes on the default budget.
# Each is charged (1000): under a budget of 1,000,000 at most 1,000 are
# caught, where uncharged (6 instructions an iteration) 160,000 were.
cat > errloop.lua <<'LUA'
local n = 0
while true do
  pcall(function() whinD() end)
  n = n + 1
  if n == 5000 then print("5000 errors caught") end
end
LUA
expect "caught errors are charged to the budget" 1 "instruction budget" "" -- \
  "$FLOWSIM" exec --sandbox --budget 1000000 errloop.lua
grep -q '5000 errors caught' "$tmp/out" && { echo "5000 errors were caught under a budget of 1000000" > "$tmp/err"; bad "caught errors are charged: no more than 1000 of them"; }
cat > gcloop.lua <<'LUA'
setmetatable({}, { __gc = function() while true do end end })
LUA
expect "a __gc finalizer is refused (it would run with hooks off)" 1 "__gc finalizers are not allowed" "" -- \
  "$FLOWSIM" exec --sandbox --budget 1000000 gcloop.lua
cat > pattern.lua <<'LUA'
string.find(("a"):rep(40), ("a*"):rep(40) .. "b")
LUA
expect "a backtracking pattern is refused before it runs" 1 "instruction budget" "" -- \
  "$FLOWSIM" exec --sandbox --budget 1000000 pattern.lua
cat > rep.lua <<'LUA'
local s = string.rep("", 1e12)
LUA
expect "string.rep of a huge count is charged to the budget" 1 "instruction budget" "" -- \
  "$FLOWSIM" exec --sandbox --budget 1000000 rep.lua
cat > move.lua <<'LUA'
table.move({}, 1, 1e12, 2)
LUA
expect "table.move over a huge range is charged to the budget" 1 "instruction budget" "" -- \
  "$FLOWSIM" exec --sandbox --budget 1000000 move.lua
cat > concat.lua <<'LUA'
-- one instruction each, but each copies 10^6 bytes: the allocations are
-- charged (one step per 32 bytes: 10^6 / 32 = 31,250 steps a round, so
-- about 3 * 10^6 / 31,250 = 96 rounds after the 2 * 10^6 of the rep)
local s = ("x"):rep(1000000)
while true do local t = s .. "y" end
LUA
expect "copying long strings is charged to the budget" 1 "instruction budget" "" -- \
  "$FLOWSIM" exec --sandbox --budget 5000000 concat.lua
cat > cheap.lua <<'LUA'
-- ordinary uses stay inside the budget: 3 captures on 11 bytes, 10 reps
assert(("  waste  "):match("^%s*(.-)%s*$") == "waste")
assert(("ab"):rep(3, ",") == "ab,ab,ab")
local t = { 3, 1, 2 }
table.sort(t)
assert(t[1] == 1 and t[3] == 3)
print("cheap ok")
LUA
expect "ordinary patterns, rep and sort run in the sandbox" 0 "" "cheap ok" -- \
  "$FLOWSIM" exec --sandbox --budget 1000000 cheap.lua

# --- issue 13: --memory counts libflow's own allocations ----------------------------
# 1000 years x 9 flows x 200 materials: the simulation's flow table alone is
# 1000 * 1800 * 8 bytes = 14.4 MB, beyond the 12 MB limit; the model's
# description in Lua is far smaller
cat > bigsim.lua <<'LUA'
local flow = require "flow"
local m = flow.model { name = "big", years = { 1000, 1999 } }
for i = 1, 200 do m:material("m" .. i, "domestic") end
m:param("gen", 1)
local gen = {}
for i = 1, 200 do gen["m" .. i] = "gen" end
m:process("p0", "source", { generation = gen })
for i = 1, 9 do
  m:process("p" .. i, i == 9 and "stock" or "split")
  m:flow("p" .. (i - 1), "p" .. i, "rest")
end
return m
LUA
expect "libflow's allocations count against --memory" 1 "memory limit of 12000000 bytes" "" -- \
  "$FLOWSIM" run --sandbox --memory 12000000 bigsim.lua

# --- issue 13: provenance only of files flowsim opened ------------------------------
echo "not a model" > "$tmp/secret.txt"
cat > steal.lua <<LUA
local flow = require "flow"
local m = flow.model { name = "steal", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:param("gen", 1)
m:process("house", "source", { generation = { msw = "gen" } })
m:process("dump", "stock")
m:flow("house", "dump", "rest")
local sc = flow.scenario { name = "steal", model = m }
sc.run = function()
  local r = flow.run(m)
  return { report = function() return "stolen", 0 end,
           save = function(_, w) w:_write("steal", r.sim, { model_file = "$tmp/secret.txt" }) end }
end
return sc
LUA
expect "a script cannot have a file outside its folder hashed as provenance" 1 "not a file this run opened" "" -- \
  "$FLOWSIM" run --sandbox steal.lua -o steal.h5
# the control: the files the sandbox opened are recorded as ever
cp "$srcdir/tests/lua/data/base.lua" "$srcdir/tests/lua/data/plans.lua" .
expect "(control) a sandboxed run -o records the files it opened" 0 "" "results: plans.h5" -- \
  "$FLOWSIM" run --sandbox plans.lua -o plans.h5

echo "sandbox: $pass passed, $fail failed"
test "$fail" -eq 0
