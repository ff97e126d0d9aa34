#!/bin/sh
# bench/report_open.sh — how long a page of flowsim report --html takes to
# open in headless Chromium (docs/performance.md, "The report page"). RUNS
# rounds, each page once per round in turn: a plain run for the page's own
# marks on <body> (data-script-ms, data-sankey-ms, data-rendered-ms: wall
# times from navigation), then a traced run for the thread CPU of the
# renderer's main thread (bench/report_trace.py), and the load average.
#   sh bench/report_open.sh RUNS PAGE.html...
# Needs chromium and /usr/bin/python3.
test $# -ge 2 || { echo "usage: sh bench/report_open.sh RUNS PAGE.html..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
runs=$1; shift
chromium=${CHROMIUM:-chromium}
for r in $(seq 1 "$runs"); do
  for p in "$@"; do
    case $p in /*) url=file://$p ;; *) url=file://$(pwd)/$p ;; esac
    prof=$(mktemp -d "${TMPDIR:-/tmp}/report-open.XXXXXX") || exit 1
    body=$(timeout 300 "$chromium" --headless --no-sandbox --no-first-run --user-data-dir="$prof/a" \
      --dump-dom "$url" 2>/dev/null | grep -o '<body[^>]*>')
    timeout 300 "$chromium" --headless --no-sandbox --no-first-run --user-data-dir="$prof/b" \
      --trace-startup=devtools.timeline,v8,toplevel --trace-startup-format=json \
      --trace-startup-file="$prof/trace.json" --trace-startup-duration=0 --dump-dom "$url" > /dev/null 2>&1
    sleep 1   # the trace file is written as the browser exits
    cpu=$(/usr/bin/python3 "$here/report_trace.py" "$prof/trace.json" "$(basename "$p")" 2>&1)
    rm -rf "$prof"
    echo "$r $(basename "$p") | $body | $cpu | load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
