#!/bin/sh
# fuzz/make-corpus.sh — (re)makes the seed corpus of the fuzz targets in
# fuzz/corpus/<target>/ (committed; docs/reliability.md, "Fuzzing"):
#
#   sandbox  the Lua files of models/, scripts/, tests/bad/ and the models
#            of tests/lua/data/, and the attacks of issue 13 on the sandbox;
#   results  small valid results files, written by `flowsim run -o` from
#            tiny models: run it again whenever the results format changes
#            (format version 2), from a build tree;
#   plugin   descriptors in fuzz_plugin.c's text form: a good type and one
#            for each refusal of plugin.c's validation.
#
#   fuzz/make-corpus.sh [FLOWSIM]    (default ./flowsim/flowsim; run from
#                                     the build tree; sources: $srcdir or
#                                     the script's folder's parent)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
src=${srcdir:-$here}
flowsim=${1:-./flowsim/flowsim}
out=$src/fuzz/corpus
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-corpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- sandbox ----
rm -rf "$out/sandbox" && mkdir -p "$out/sandbox"
for d in models scripts tests/bad tests/lua/data; do
    for f in "$src/$d"/*.lua; do
        cp "$f" "$out/sandbox/$(echo "$d" | tr / _)_$(basename "$f")"
    done
done
attack() { printf '%s\n' "$2" > "$out/sandbox/attack_$1.lua"; }
attack require_debug 'local d = require "debug"; return d.getregistry()'
attack pcall_loop 'while true do pcall(function() while true do end end) end'
attack gc_loop 'setmetatable({}, { __gc = function() while true do end end })'
attack pattern 'return string.find(("a"):rep(40), ("a*"):rep(40) .. "b")'
attack rep 'return string.rep("x", 1 << 40)'
attack manual_gc 'local flow = require "flow"
local m = flow.model { name = "m", years = { 2020, 2021 } }
local mt = getmetatable(m)
if mt and mt.__gc then mt.__gc(m) end
m:material("msw", "domestic")
return m'
attack indicator_chain 'local flow = require "flow"
local m = flow.model { name = "m", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:process("a", "source", { generation = { msw = 1 } })
m:process("b", "sink")
m:flow("a", "b", "rest")
m:indicator("i0", flow.sum { to = "b" })
for i = 1, 60 do m:indicator("i" .. i, flow.ref("i" .. (i - 1)) + flow.ref("i" .. (i - 1))) end
return m'
attack long_name 'local flow = require "flow"
local m = flow.model { name = "m", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:process("a", "source", { generation = { msw = 1 } })
m:process("b", "sink")
m:flow("a", "b", "rest")
m:indicator(("x"):rep(120), flow.sum { to = "b" })
return m'
attack big_years 'local flow = require "flow"
return flow.model { name = "m", years = { 4294969316, 4294969320 } }'
attack run_patch 'local flow = require "flow"
flow.Scenario.run = function(self, w) return w end
return flow.model { name = "m", years = { 2020, 2021 } }'

# ---- results ----
rm -rf "$out/results" && mkdir -p "$out/results"
cat > "$tmp/tiny.lua" <<'LUA'
local flow = require "flow"
local m = flow.model { name = "tiny", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:process("city", "source", { generation = { msw = 100 } })
m:process("dump", "sink")
m:flow("city", "dump", "rest")
m:indicator("dumped", flow.sum { to = "dump" }, { unit = "t/a", title = "倾倒量" })
m:target("dumped", 2021, "<=", 50, { source = "a target" })
return m
LUA
"$flowsim" run "$tmp/tiny.lua" -o "$out/results/tiny.h5" > /dev/null
"$flowsim" run "$src/models/demo.lua" -o "$out/results/demo.h5" > /dev/null
FLOW_PLUGIN_PATH=${FLOW_PLUGIN_PATH:-$(dirname "$flowsim")/../plugins} \
    "$flowsim" run "$src/tests/lua/data/names_typed.lua" -o "$out/results/typed.h5" > /dev/null
# two scenarios in one file (one file per model given)
"$flowsim" run "$tmp/tiny.lua" "$src/tests/lua/data/base.lua" -o "$out/results/two.h5" > /dev/null

# ---- plugin ----
rm -rf "$out/plugin" && mkdir -p "$out/plugin"
seed() { printf '%s\n' "$2" > "$out/plugin/$1.txt"; }
good='name incinerator
description grate incinerator
version 1.0
param efficiency 1 0.9 0 1
param fly_ash_share 1 0.035 0 1
port bottom_ash
port fly_ash
metric electricity_kwh
material bottom_ash
state 8
init
transfer
step
fini
type_data
setparam efficiency 0.5
check efficiency 0.5
check efficiency 2
check nothing 1
op transfer coef 0 0.5
op transfer coef 3 0.2
op transfer release 0 1
op step metric 0 42
op transfer type_data
op init years
op transfer stock 0
op transfer param 0
op transfer material 0
op transfer type_material 0
op transfer find msw'
seed good "$good"
seed old_abi "$(printf '%s\nsize short' "$good")"
seed misuse "$(printf '%s\nop transfer stock 99999\nop transfer param -1\nop transfer material 7\nop step type_material 5\nop transfer category -3' "$good")"
seed fails "$(printf '%s\nop init fail' "$good")"
seed nan_coef "$(printf '%s\nop transfer coef 0 nan\nop transfer coef 1 -1e308' "$good")"
seed wrong_abi 'abi 2 0
name x
transfer
port out'
seed short_struct 'size 16
name x
transfer
port out'
seed no_transfer 'name x
port out'
seed no_ports 'name x
transfer'
seed bad_name 'name a/b
transfer
port out'
seed dup_port 'name x
transfer
port out
port out'
seed null_port 'name x
transfer
port -'
seed ports_null 'name x
transfer
ports_null 3'
seed bad_param 'name x
transfer
port out
param p 1 2 0 1'
seed nan_param 'name x
transfer
port out
param p 1 nan 0 1'
seed state_huge 'name x
transfer
port out
state 18446744073709551615'
seed dup_material 'name x
transfer
port out
material ash
material ash'
echo "fuzz corpus: $(ls "$out/sandbox" | wc -l) sandbox, $(ls "$out/results" | wc -l) results, $(ls "$out/plugin" | wc -l) plugin inputs in $out"
