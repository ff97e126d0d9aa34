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
# showed, the file is read by flowsim export). With an ensemble
# (tests/html_models/ens.lua, on one page with the demo) the bands' edges
# drawn and the P(met) shown are the file's and those worked out by hand,
# and the scenarios' markers of one target stand apart
# (tests/html_ens_check.js); a file with a sensitivity analysis alone
# opens without a console message. Pages broken on purpose must fail the
# same checks. Skipped (77) without chromium or node.
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

# Ensembles: tests/html_models/ens.lua in a Latin hypercube of 200 samples,
# on one page with the demo (a file without ensembles, other years, other
# materials). gen ~ U(80, 120), landfilled = share gen with share 0.6, 0.7,
# 0.8 in 2020-2022 and burned the rest: landfilled ~ U(48, 72), U(56, 84),
# U(64, 96), burned ~ U(32, 48), U(24, 36), U(16, 24); P(landfilled <= 54
# in 2020) = 6/24 = 0.25, P(landfilled <= 88 in 2022) = 24/32 = 0.75, and
# with one sample per stratum exactly 50 and 150 of the 200 samples meet
# them. tests/html_ens_check.js bounds each quantile drawn by its strata.
"$FLOWSIM" mc "$srcdir/tests/html_models/ens.lua" -n 200 --seed 1 --lhs -o "$tmp/ens.h5" > /dev/null || bad "mc ens"
cat > "$tmp/hand.json" <<'EOF'
{"n": 200,
 "uniform": {"ens_mc": {"landfilled": {"2020": [48, 72], "2021": [56, 84], "2022": [64, 96]},
                        "burned": {"2020": [32, 48], "2021": [24, 36], "2022": [16, 24]}}},
 "pmet": [{"scenario": "ens_mc", "indicator": "landfilled", "year": 2020, "p": 0.25},
          {"scenario": "ens_mc", "indicator": "landfilled", "year": 2022, "p": 0.75}]}
EOF
# NAME: the ensembles the page showed (NAME.dom, NAME.log) against ens.h5's
ens_check() {
  node "$srcdir/tests/html_ens_check.js" "$tmp/$1.dom" "$tmp/$1.log" "$tmp/ens.csv/ensemble_summary.csv" \
    "$tmp/ens.csv/ensemble_targets.csv" "$tmp/hand.json"
}
if "$FLOWSIM" report "$tmp/demo.h5" "$tmp/ens.h5" --html "$tmp/mixed.html" > /dev/null &&
   "$FLOWSIM" export "$tmp/ens.h5" --csv "$tmp/ens.csv" > /dev/null; then
  { cat "$tmp/demo.csv/flows.csv"; tail -n +2 "$tmp/ens.csv/flows.csv"; } > "$tmp/mixed-flows.csv"
  browse "$tmp/mixed.html" mixed
  if node "$srcdir/tests/html_check.js" "$tmp/mixed.dom" "$tmp/mixed.log" "$tmp/mixed-flows.csv"; then
    ok "demo + ens: the flows of both files, year by year; a material one file lacks; no console message"
  else
    bad "demo + ens: the page in the browser (above)"
  fi
  if ens_check mixed; then
    ok "demo + ens: the p5-p95 and p25-p75 bands and P(met) drawn are the file's and the hand-worked ones"
  else
    bad "demo + ens: the ensemble on the page (above)"
  fi
  # the check can fail: the bands' edges swapped (p95 drawn as the lower
  # edge), every target's P(met) shown as the first target's, and the
  # scenarios' target markers drawn on top of each other
  sed -e 's/sc\.samples\.q\[b\[0\]\]/sc.samples.q[b[9]]/' -e 's/sc\.samples\.q\[b\[1\]\]/sc.samples.q[b[0]]/' \
      -e 's/sc\.samples\.q\[b\[9\]\]/sc.samples.q[b[1]]/' -e 's/fmt(sc\.samples\.pmet\[k\])/fmt(sc.samples.pmet[0])/' \
      -e 's|var dx = (si - (D\.scenarios\.length - 1) / 2) / 6;|var dx = 0;|' \
      "$tmp/mixed.html" > "$tmp/broken-ens.html"
  browse "$tmp/broken-ens.html" broken-ens
  if ens_check broken-ens > "$tmp/broken-ens.out"; then
    bad "broken: a page with the bands' edges swapped passed the check"
  elif grep -q "the lower edge is drawn at .*, the p5 of U(48, 72)" "$tmp/broken-ens.out" &&
       grep -q "row 2 (landfilled 2022): P(met) shown 0.25, by hand 0.75" "$tmp/broken-ens.out" &&
       grep -q "are drawn on one point" "$tmp/broken-ens.out"; then
    ok "broken: the bands' edges swapped, P(met) of the wrong target and markers on one point fail the check ($(grep -c FAIL "$tmp/broken-ens.out") faults)"
  else
    bad "broken: the ensemble check failed for another reason: $(head -3 "$tmp/broken-ens.out")"
  fi
else
  bad "report demo.h5 ens.h5 --html / export ens.h5 failed"
fi
# a file with a sensitivity analysis alone (no samples): the page opens without a console message
"$FLOWSIM" sensitivity "$srcdir/tests/html_models/ens.lua" -n 50 -o "$tmp/sens.h5" > /dev/null || bad "sensitivity ens"
check_page sens "$tmp/sens.h5"

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
