#!/bin/sh
# tests/h5flip.sh — byte-flipped results files (issue 13, item 11): copies
# of a small valid file of format version 2 (tests/h5craft.py; and
# libflow's own file once its writer writes version 2) with 1 to 4 bytes
# flipped at deterministic positions (seed H5FLIP_SEED, default 13), each
# read by flowsim report, export and diff. Every run must exit 0 with
# nothing on stderr, or exit 1 with one line; a crash, a hang (timeout 10 s)
# or HDF5's own diagnostics or a line of libflow's Lua ([flow.lua]:N) fail
# the test. H5FLIP_N files per base file
# (default 40; docs/reliability.md gives the figures of longer runs).
#
# Environment (set by make check): FLOWSIM, srcdir. Skipped (77) when
# /usr/bin/python3 has no h5py.
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
if ! test -x "$FLOWSIM"; then
  echo "h5flip.sh: $FLOWSIM is not an executable (set FLOWSIM)" >&2
  exit 99
fi
if ! /usr/bin/python3 -c "import h5py" 2> /dev/null; then
  echo "h5flip.sh: /usr/bin/python3 has no h5py: skipped"
  exit 77
fi
N=${H5FLIP_N:-40}
SEED=${H5FLIP_SEED:-13}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-h5flip.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/base" "$tmp/flip" || exit 99
/usr/bin/python3 "$srcdir/tests/h5craft.py" "$tmp/base" valid || exit 99
"$FLOWSIM" run "$srcdir/models/demo.lua" -o "$tmp/base/own.h5" > /dev/null 2>&1
version=$(/usr/bin/python3 -c 'import sys, h5py; print(int(h5py.File(sys.argv[1], "r").attrs["format_version"]))' \
  "$tmp/base/own.h5" 2> /dev/null)
# version 1 keeps its strings in the global heap, which the reader cannot
# make safe: flipped version-1 files are not part of the promise
test "$version" = 2 || rm -f "$tmp/base/own.h5"

files=0 good=0 refused=0 fail=0
for base in "$tmp"/base/*.h5; do
  rm -f "$tmp"/flip/*
  /usr/bin/python3 "$srcdir/tests/h5craft.py" --flip "$base" "$tmp/flip" "$N" "$SEED" || exit 99
  for f in "$tmp"/flip/*.h5; do
    files=$((files + 1))
    for cmd in report export diff; do
      case $cmd in
        report) timeout 10 "$FLOWSIM" report "$f" ;;
        export) rm -rf "$tmp/csv"; timeout 10 "$FLOWSIM" export "$f" --csv "$tmp/csv" ;;
        diff) timeout 10 "$FLOWSIM" diff "$f" "$f" --all ;;
      esac > "$tmp/out" 2> "$tmp/err"
      rc=$? lines=$(wc -l < "$tmp/err")
      if test $rc -eq 0 && test "$lines" -eq 0; then
        good=$((good + 1))
      elif test $rc -eq 1 && test "$lines" -eq 1 && ! grep -q "^HDF5\\|\\[flow" "$tmp/err"; then
        refused=$((refused + 1))
      else
        fail=$((fail + 1))
        echo "FAIL: $(basename "$base") $(basename "$f"): $cmd exits $rc with $lines lines on stderr"
        head -n 4 "$tmp/err" | sed 's/^/    | /'
        cp "$f" "${TMPDIR:-/tmp}/h5flip-fail-$(basename "$base" .h5)-$(basename "$f")" 2> /dev/null
      fi
    done
  done
done
echo "h5flip: $files flipped files (seed $SEED), $((good + refused + fail)) runs: $good read, $refused refused with one line, $fail failed"
test $fail -eq 0 && test $files -gt 0
