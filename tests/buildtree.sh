#!/bin/sh
# tests/buildtree.sh — the build tree works without installing: the
# uninstalled flowsim, run from another folder with no $FLOW_PLUGIN_PATH,
# finds the build tree's facility types and says where it looked, runs its
# main job (the Hengshui table) and a model of plugin types; it is a real program, not a
# libtool wrapper script; a plain lua5.4 with the README's LUA_CPATH line
# requires flow and finds the same facility types
# (docs/architecture.md, "Running from the build tree").
#
# Environment (set by make check; the fallbacks suit a run by hand from
# the top of the build tree): FLOWSIM (default ./flowsim/flowsim), srcdir,
# LUA (default lua5.4).
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
LUA=${LUA:-lua5.4}
top=$(cd "$(dirname "$FLOWSIM")/.." && pwd) # the top of the build tree
if ! test -x "$FLOWSIM"; then
  echo "buildtree.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
# what make check sets for every test would hide what a user gets
unset FLOW_PLUGIN_PATH
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-buildtree.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() {
  fail=$((fail + 1)); echo "FAIL: $1"
  sed 's/^/    | /' "$tmp/out" "$tmp/err" 2>/dev/null | head -n 12
}
# has TEXT: the last command's stdout or stderr holds TEXT (a fixed string)
has() { grep -qF -- "$1" "$tmp/out" "$tmp/err"; }

cd "$tmp" || exit 99

# A real program: an ELF file, not a shell script (a libtool wrapper
# costs some 70 ms a call).
magic=$(od -An -c -N4 "$FLOWSIM" | tr -d ' ')
if test "$magic" = '177ELF'; then ok "flowsim is an ELF program"; else
  echo "    | starts with '$magic'" > "$tmp/out"; bad "flowsim is an ELF program"; fi

# flowsim plugins from another folder: the 16 facility types of the plan
# (README, plugins/), from the build tree's plugins/, which it names as
# the one folder searched.
"$FLOWSIM" plugins > "$tmp/out" 2> "$tmp/err"; rc=$?
if test $rc -ne 0; then bad "plugins (exit $rc)"
elif ! has "facility types found: 16"; then bad "plugins: 16 facility types"
elif ! has "  incinerator "; then bad "plugins: lists incinerator"
elif ! has "from $top/plugins/incinerator.la"; then bad "plugins: incinerator from the build tree"
elif ! has "  1. $top/plugins  (the build tree's: libflow runs uninstalled; found)"; then
  bad "plugins: names the folder searched"
elif has "  2. "; then bad "plugins: searches only the build tree"
else ok "plugins from another folder, no FLOW_PLUGIN_PATH"; fi
# the kinds it lists include typed, and it claims nothing false (types are
# usable in models: the model below uses one)
if ! has "  typed "; then bad "plugins: lists the kind typed"
elif has "not yet usable"; then bad "plugins: says types are not yet usable"
else ok "plugins: the kind typed, no false closing line"; fi

# with $FLOW_PLUGIN_PATH: its folders first, in order, then the build tree's
FLOW_PLUGIN_PATH="$tmp/none:$tmp" "$FLOWSIM" plugins > "$tmp/out" 2> "$tmp/err"; rc=$?
if test $rc -ne 0; then bad "plugins with FLOW_PLUGIN_PATH (exit $rc)"
elif ! has "  1. $tmp/none  (from \$FLOW_PLUGIN_PATH; not found)" ||
     ! has "  2. $tmp  (from \$FLOW_PLUGIN_PATH; found)" ||
     ! has "  3. $top/plugins  (the build tree's: libflow runs uninstalled; found)"; then
  bad "plugins with FLOW_PLUGIN_PATH: the search path in order"
else ok "plugins with FLOW_PLUGIN_PATH: the search path in order"; fi

# flowsim with no arguments runs the main job of the source tree (its
# scripts/hengshui_table.lua), writing hengshui.h5 here
"$FLOWSIM" > "$tmp/out" 2> "$tmp/err"; rc=$?
if test $rc -ne 0; then bad "no arguments, from another folder (exit $rc)"
elif has "cannot open"; then bad "no arguments: the main job"
elif ! has "Hengshui zero-waste plan"; then bad "no arguments: prints the Hengshui table"
elif ! test -s "$tmp/hengshui.h5"; then bad "no arguments: no hengshui.h5 in the current folder"
else ok "no arguments, from another folder"; fi
# --help says so, naming the script it runs: the source tree's
"$FLOWSIM" --help > "$tmp/out" 2> "$tmp/err"
if has "runs the main job: the Hengshui model" && grep -q "^  flowsim exec /.*/scripts/hengshui_table.lua$" "$tmp/out"
then ok "--help: what no arguments run"; else bad "--help: what no arguments run"; fi

# a model of plugin types: the facilities test checks its values by hand
"$FLOWSIM" exec "$srcdir/tests/lua/facilities.lua" > "$tmp/out" 2> "$tmp/err"; rc=$?
if test $rc -eq 0; then ok "a model using incinerator runs"; else bad "a model using incinerator (exit $rc)"; fi

# the same model through `flowsim check`, from a file in this folder
cat > model.lua <<'LUA'
local flow = require "flow"
local m = flow.model { name = "burn", years = { 2021, 2022 } }
m:material("msw", "domestic")
for _, p in ipairs { "bottom_ash", "fly_ash", "ferrous_scrap", "flue_gas" } do m:material(p, "product") end
m:process("city", "source", { generation = { msw = 1000 } })
m:process("plant", "incinerator", { ports = { bottom_ash = "out", fly_ash = "out",
                                               ferrous_scrap = "out", flue_gas = "out" } })
m:process("out", "sink")
m:flow("city", "plant", "rest")
return m
LUA
"$FLOWSIM" check model.lua > "$tmp/out" 2> "$tmp/err"; rc=$?
if test $rc -eq 0; then ok "check of a model using incinerator"; else bad "check model.lua (exit $rc)"; fi

# plain lua5.4: the README's line, exactly as written, from the top of the
# build tree; then a model of plugin types, from another folder
if ! command -v "$LUA" > /dev/null 2>&1; then
  echo "buildtree.sh: no $LUA: the lua5.4 checks skipped"
else
  line=$(grep -F "LUA_CPATH='./lua/.libs/?.so;;' lua5.4 " "$srcdir/README.md" | head -n 1)
  # a module built with AddressSanitizer (CI's sanitizer build) needs the
  # ASan runtime loaded first in an interpreter that was not built with it
  asan=$(ldd "$top/lua/.libs/flow.so" 2>/dev/null | awk '/libasan/ { print $3 }')
  if test -n "$asan"; then
    LD_PRELOAD=$asan; export LD_PRELOAD
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
  fi
  if test -z "$line"; then
    : > "$tmp/out"; : > "$tmp/err"; bad "README: the LUA_CPATH line"
  else
    (cd "$top" && sh -c "$line") > "$tmp/out" 2> "$tmp/err"; rc=$?
    if test $rc -eq 0 && has "libflow "; then ok "README: $line"; else bad "README: $line (exit $rc)"; fi
  fi
  LUA_CPATH="$top/lua/.libs/?.so;;" "$LUA" "$srcdir/tests/lua/facilities.lua" > "$tmp/out" 2> "$tmp/err"; rc=$?
  if test $rc -eq 0; then ok "lua5.4: a model using incinerator"; else bad "lua5.4: facilities.lua (exit $rc)"; fi
fi

echo "buildtree: $pass passed, $fail failed"
test "$fail" -eq 0
