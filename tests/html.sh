#!/bin/sh
# tests/html.sh — flowsim report --html, opened in a real browser
# (headless Chromium): the page of the demo (three scenarios, a loop) and
# of tests/html_models/loop.lua (a loop of three processes, names holding HTML
# and script) draws as many Sankey links as the file has non-zero flows in
# the year shown, each node's value is the file's (the larger of its
# inflows and outflows), moving the year selector shows that year's, the
# material filter and a threshold of 5 % of the total leave the flows of
# that material above it, the
# SVG export parses as SVG, the console stays empty, and nothing in the
# file becomes markup or script (tests/html_check.js reads what the page
# showed, the file is read by flowsim export). A page broken on purpose
# must fail the same check. Skipped (77) without chromium or node.
#
# Environment (set by make check): FLOWSIM, srcdir; CHROMIUM (optional).
FLOWSIM=${FLOWSIM:-flowsim/flowsim}
case $FLOWSIM in /*) ;; *) FLOWSIM=$(pwd)/$FLOWSIM ;; esac
srcdir=${srcdir:-$(dirname "$0")/..}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if test -z "$CHROMIUM"; then
  echo "SKIP: no chromium (apt-get install chromium)"
  exit 77
fi
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: no node"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flow-html.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }

# PAGE NAME: opens PAGE#selftest, leaves NAME.dom (the DOM when the page is
# done) and NAME.log (the browser's log: console messages among them)
browse() {
  timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/profile" \
    --enable-logging=stderr --v=0 --virtual-time-budget=60000 --dump-dom "file://$1#selftest" \
    > "$tmp/$2.dom" 2> "$tmp/$2.log"
}
# NAME H5: the page of H5 in the browser, checked against H5's flows
check_page() {
  rm -rf "$tmp/$1.csv"
  if ! "$FLOWSIM" report "$2" --html "$tmp/$1.html" > /dev/null || ! "$FLOWSIM" export "$2" --csv "$tmp/$1.csv" > /dev/null; then
    bad "$1: flowsim report --html / export failed"
    return
  fi
  browse "$tmp/$1.html" "$1"
  if node "$srcdir/tests/html_check.js" "$tmp/$1.dom" "$tmp/$1.log" "$tmp/$1.csv/flows.csv"; then
    ok "$1: the page in the browser shows the file's flows, year by year; SVG export; no console message"
  else
    bad "$1: the page in the browser (above)"
  fi
}

"$FLOWSIM" run "$srcdir/models/demo.lua" "$srcdir/scripts/demo_plan.lua" -o "$tmp/demo.h5" > /dev/null || bad "run demo"
check_page demo "$tmp/demo.h5"
"$FLOWSIM" run "$srcdir/tests/html_models/loop.lua" -o "$tmp/loop.h5" > /dev/null || bad "run loop"
check_page loop "$tmp/loop.h5"
if grep -q "document.title='pwned'" "$tmp/loop.csv/flows.csv"; then
  ok "loop: the file holds the names with <script> and <img> the page was checked against"
else
  bad "loop: the hostile names are not in the file: the injection check checked nothing"
fi

# the check can fail: the same page with a link dropped by its script
sed 's/out.push({ f: f, v: v });/if (out.length !== 1) out.push({ f: f, v: v });/' "$tmp/demo.html" > "$tmp/broken.html"
if cmp -s "$tmp/demo.html" "$tmp/broken.html"; then
  bad "broken: the sed found nothing to break in the page's script"
else
  browse "$tmp/broken.html" broken
  if node "$srcdir/tests/html_check.js" "$tmp/broken.dom" "$tmp/broken.log" "$tmp/demo.csv/flows.csv" > "$tmp/broken.out"; then
    bad "broken: a page that drops a link passed the check"
  elif grep -q "links drawn, the file has" "$tmp/broken.out"; then
    ok "broken: a page that drops a link fails the check ($(grep -c FAIL "$tmp/broken.out") faults)"
  else
    bad "broken: failed for another reason: $(head -3 "$tmp/broken.out")"
  fi
fi

# usage: the page is made from results files, and never over one of them
"$FLOWSIM" report "$srcdir/models/demo.lua" --html "$tmp/x.html" 2> "$tmp/err"; rc=$?
if test $rc = 2 && grep -q "results files (.h5)" "$tmp/err" && ! test -e "$tmp/x.html"; then
  ok "report FILE.lua --html: usage error (exit 2), nothing written"
else
  bad "report FILE.lua --html: exit $rc: $(cat "$tmp/err")"
fi
cp "$tmp/demo.h5" "$tmp/keep.h5"
"$FLOWSIM" report "$tmp/demo.h5" --html "$tmp/demo.h5" 2> "$tmp/err"; rc=$?
if test $rc = 2 && grep -q "is one of the results files read" "$tmp/err" && test "$(wc -l < "$tmp/err")" -eq 1 && cmp -s "$tmp/demo.h5" "$tmp/keep.h5"; then
  ok "report A.h5 --html A.h5: usage error (exit 2) in one line, the results file untouched"
else
  bad "report A.h5 --html A.h5: exit $rc: $(cat "$tmp/err")"
fi
"$FLOWSIM" report "$tmp/demo.h5" --html 2> "$tmp/err"; rc=$?
test $rc = 2 && ok "report --html without a file name: exit 2" || bad "report --html without a name: exit $rc"

"$FLOWSIM" report "$tmp/demo.h5" --strict --html "$tmp/s.html" 2> "$tmp/err"; rc=$?
if test $rc = 2 && grep -q "not with --strict" "$tmp/err" && ! test -e "$tmp/s.html"; then
  ok "report --strict --html: usage error (exit 2), nothing written"
else
  bad "report --strict --html: exit $rc: $(cat "$tmp/err")"
fi

echo "$pass passed, $fail failed"
test $fail -eq 0
