#!/bin/sh
# tests/docs.sh — every command the documentation shows runs as shown.
#
# 1. Every ```c block of README.md names its file on its first line
#    ("/* examples/NAME.c ...") and is that file, byte for byte; the
#    README's program (examples/readme.c, built by make) prints the value
#    worked out by hand below.
# 2. Every line of every ```sh block of README.md and docs/user-guide.md,
#    and every line of the EXAMPLES of docs/flowsim.1, runs in that order,
#    in a fresh folder laid out as a checkout after ./bootstrap (models/,
#    scripts/, examples/ of the sources; flowsim/flowsim the program just
#    built, also on PATH as `flowsim` for the man page). A command passes when it exits
#    0 — or 3 for `--strict` and 4 for `diff`, the statuses the man page
#    gives them — and prints no Lua traceback. A failure names the file and
#    the command.
#    The scenarios example of docs/lua-api.md (the ```lua block under
#    "## Scenarios", a complete file) is saved as scripts/lua_api.lua
#    there and checked and run the same way.
#    Not run, on purpose: `./bootstrap` (it installs packages and builds
#    the tree this test runs in) and `make ...` (make check would run this
#    test again; make install writes outside the build tree); nor the
#    build recipes of docs/performance.md (benchmarks are not tests).
#
# Environment (set by make check; the fallbacks suit a run by hand from
# the build directory): FLOWSIM (default ./flowsim/flowsim), srcdir.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
builddir=$(dirname "$(dirname "$FLOWSIM")")
if ! test -x "$FLOWSIM"; then
  echo "docs.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-docs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() {
  fail=$((fail + 1)); echo "FAIL: $1"
  sed 's/^/    | /' "$tmp/out" 2>/dev/null | head -n 12
}

# --- 1. the C of the README ----------------------------------------------
# every ```c block into $tmp/cblock.N
awk -v dir="$tmp" '
  /^```c[ \t]*$/ { n++; on = 1; file = dir "/cblock." n; printf "" > file; next }
  on && /^```/ { on = 0; close(file); next }
  on { print > file }' "$srcdir/README.md"
for block in "$tmp"/cblock.*; do
  test -f "$block" || { echo "docs.sh: README.md has no C block" > "$tmp/out"; bad "README.md: C example"; break; }
  name=$(sed -n '1s|^/\* *\(examples/[A-Za-z0-9_./-]*\.c\).*|\1|p' "$block")
  if test -z "$name"; then
    head -n 1 "$block" > "$tmp/out"
    bad "README.md: a C block that does not start with /* examples/NAME.c (so nothing compiles it)"
  elif ! test -f "$srcdir/$name"; then
    echo "no file $name" > "$tmp/out"; bad "README.md: the C block of $name"
  elif diff -u "$srcdir/$name" "$block" > "$tmp/out"; then
    ok "README.md: the C block is $name, verbatim"
  else
    bad "README.md: the C block differs from $name"
  fi
done
# By hand: 100,000 t/a generated, 35 % recycled, 65,000 t/a landfilled in
# each of the six years 2020-2025: 390,000 t at the end of 2025.
if "$builddir/examples/readme" > "$tmp/out" 2>&1 &&
   grep -qx 'landfill:msw at the end of 2025: 390000 t' "$tmp/out"; then
  ok "examples/readme prints 390000 t"
else
  bad "examples/readme: expected 'landfill:msw at the end of 2025: 390000 t'"
fi

# --- 2. the commands -------------------------------------------------------
# A checkout as the README's reader has it after ./bootstrap.
work=$tmp/work
mkdir -p "$work/flowsim" "$tmp/bin" || exit 99
for d in models scripts examples; do cp -R "$srcdir/$d" "$work/" || exit 99; done
chmod -R u+w "$work" # distcheck's sources are read-only
# the build tree's Lua module, for the README's LUA_CPATH line
ln -s "$builddir/lua" "$work/lua" || exit 99
printf '#!/bin/sh\nexec "%s" "$@"\n' "$FLOWSIM" > "$work/flowsim/flowsim"
cp "$work/flowsim/flowsim" "$tmp/bin/flowsim"
chmod +x "$work/flowsim/flowsim" "$tmp/bin/flowsim"
awk '/^## / { sc = ($0 == "## Scenarios") } sc && /^```lua/ { on = 1; next } on && /^```/ { exit } on' \
  "$srcdir/docs/lua-api.md" > "$work/scripts/lua_api.lua"

# "FILE<TAB>COMMAND" for every command, in order
{
  for f in "$srcdir/README.md" "$srcdir/docs/user-guide.md"; do
    awk -v f="${f#"$srcdir"/}" '
      /^```sh[ \t]*$/ { on = 1; next }
      on && /^```/ { on = 0; next }
      on && NF { print f "\t" $0 }' "$f"
  done
  printf 'docs/lua-api.md\t%s\n' "flowsim check scripts/lua_api.lua" "flowsim run scripts/lua_api.lua"
  awk '
    /^\.SH / { ex = ($2 == "EXAMPLES"); next }
    ex && /^\.nf/ { on = 1; next }
    ex && /^\.fi/ { on = 0; next }
    on && NF { gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print "docs/flowsim.1\t" $0 }' "$srcdir/docs/flowsim.1"
} > "$tmp/commands"
test -s "$tmp/commands" || { echo "no commands found" > "$tmp/out"; bad "the documentation shows no commands"; }

# A module built with AddressSanitizer (CI's sanitizer build) needs the
# ASan runtime loaded first in lua5.4, which is not built with it; judge
# the module, not its host (as tests/luamodule.sh does).
asan_env=
asan=$(ldd "$builddir/lua/.libs/flow.so" 2>/dev/null | awk '/libasan/ { print $3 }')
if [ -n "$asan" ]; then
  asan_env="env LD_PRELOAD=$asan ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
have_py=no
/usr/bin/python3 -c "import h5py, pandas, matplotlib" 2> /dev/null && have_py=yes
have_plotly=no
/usr/bin/python3 -c "import h5py, plotly" 2> /dev/null && have_plotly=yes
while IFS='	' read -r file cmd; do
  case $cmd in
    ./bootstrap* | make | make\ *)
      echo "not run (see the head of tests/docs.sh): $file: $cmd"; continue ;;
    *python3*sankey.py*)
      if test $have_plotly = no; then
        echo "SKIP: $file: $cmd (/usr/bin/python3 lacks h5py or plotly)"; continue
      fi ;;
    *python3*)
      if test $have_py = no; then
        echo "SKIP: $file: $cmd (/usr/bin/python3 lacks h5py, pandas or matplotlib)"; continue
      fi ;;
  esac
  case $cmd in
    *lua5.4*) # a plain lua5.4 loading the build tree's module
      (cd "$work" && PATH="$tmp/bin:$PATH" $asan_env sh -c "$cmd") > "$tmp/out" 2>&1 < /dev/null ;;
    *) (cd "$work" && PATH="$tmp/bin:$PATH" sh -c "$cmd") > "$tmp/out" 2>&1 < /dev/null ;;
  esac
  rc=$?
  allowed=0
  case " $cmd " in *" --strict "*) allowed="$allowed 3" ;; esac
  case $cmd in flowsim\ diff\ * | */flowsim\ diff\ *) allowed="$allowed 4" ;; esac
  case " $allowed " in
    *" $rc "*)
      if grep -q "stack traceback" "$tmp/out"; then
        bad "$file: \`$cmd\` printed a traceback"
      else
        ok "$file: $cmd (exit $rc)"
      fi ;;
    *) bad "$file: \`$cmd\` exited $rc (expected: $allowed)" ;;
  esac
done < "$tmp/commands"

echo "$pass passed, $fail failed"
test $fail -eq 0
