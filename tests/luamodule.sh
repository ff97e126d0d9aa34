#!/bin/sh
# tests/luamodule.sh — `require "flow"` from a plain lua5.4: the module
# built as lua/.libs/flow.so runs a tiny model and flow.dsm. Skipped (77)
# without a lua5.4 interpreter.
#
# Environment (set by make check; the fallback suits a run by hand from
# the build directory): LUA_MODULE_DIR (default ./lua/.libs), LUA (default lua5.4).
LUA=${LUA:-lua5.4}
LUA_MODULE_DIR=${LUA_MODULE_DIR:-lua/.libs}
case $LUA_MODULE_DIR in /*) ;; *) LUA_MODULE_DIR=$(pwd)/$LUA_MODULE_DIR ;; esac
export LUA_MODULE_DIR
if ! command -v "$LUA" > /dev/null 2>&1; then
  echo "luamodule.sh: no $LUA: skipped"
  exit 77
fi
if ! test -f "$LUA_MODULE_DIR/flow.so"; then
  echo "luamodule.sh: no $LUA_MODULE_DIR/flow.so (set LUA_MODULE_DIR)" >&2
  exit 99
fi
# A module built with AddressSanitizer (CI's sanitizer build) needs the
# ASan runtime loaded first in an interpreter that was not built with it.
asan=$(ldd "$LUA_MODULE_DIR/flow.so" 2>/dev/null | awk '/libasan/ { print $3 }')
if [ -n "$asan" ]; then
  LD_PRELOAD=$asan
  export LD_PRELOAD
  # lua5.4 itself is not instrumented: judge the module, not its host
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  export ASAN_OPTIONS
fi
# only the module under test on the cpath, not an installed one
LUA_CPATH="$LUA_MODULE_DIR/?.so" LUA_CPATH_5_4="$LUA_MODULE_DIR/?.so" "$LUA" -e '
local flow = require "flow"
local where = package.searchpath("flow", package.cpath)
assert(where and where:find(os.getenv("LUA_MODULE_DIR"), 1, true), "flow.so from " .. tostring(where))
assert(type(flow.version) == "string" and #flow.version > 0, "flow.version")

-- a source of 100 t/a, 30 % to recycling, the rest to a landfill:
-- recycling 30, landfill 70 a year; the landfill holds 70, 140
local m = flow.model { name = "tiny", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("recycling", "sink")
m:process("landfill", "stock")
m:flow("house", "recycling", { share = 0.3 })
m:flow("house", "landfill", "rest")
local r = flow.run(m)
local function near(got, want, what)
  assert(math.abs(got - want) <= 1e-9 * math.max(1, math.abs(want)),
         string.format("%s: got %.17g, want %.17g", what, got, want))
end
near(r:flow("house->recycling:msw", 2021), 30, "recycling")
near(r:stock("landfill:msw", 2021), 140, "landfill stock")

-- fixed lifetime 5, inflow 1..10: stock 1, 3, 6, 10, 15, 20, ...; outflow in year 6 = inflow 1
local d = flow.dsm { inflow = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, lifetime = { "fixed", 5 } }
near(d.stock[4], 10, "dsm stock[4]")
near(d.stock[10], 40, "dsm stock[10]")
near(d.outflow[6], 1, "dsm outflow[6]")

-- an error of the model names its line, also from a plain lua5.4
local ok, err = pcall(function()
  local e = flow.model { name = "e", years = { 2020, 2020 } }
  e:material("msw", "domestic")
  e:process("h", "source", { generation = { msw = 1 } })
  e:flow("h", "nowhere", "rest")
  return flow.run(e)
end)
assert(not ok and err:find("no process .nowhere.") and err:find("^%(command line%):%d+:"),
       "unexpected error: " .. tostring(err))
print("luamodule: require \"flow\" from " .. where .. ": ok")
'
