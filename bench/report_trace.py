# bench/report_trace.py — reads a Chromium trace (JSON, from
# bench/report_open.sh) and prints the thread CPU time (tdur, ms) the page
# cost the renderer's main thread: plotly.js's EvaluateScript (the page's
# first inline script: compiled and run), the page's own script (the last
# one) and every top-level task of that thread from start to exit. These
# do not depend on the machine's load as the wall times do
# (docs/performance.md, "The report page").
#   python3 bench/report_trace.py TRACE.json PAGE-FILE-NAME
import json
import sys


def main(trace, page):
    t = json.load(open(trace))
    ev = t['traceEvents'] if isinstance(t, dict) else t
    parse = [e for e in ev if e.get('name') == 'ParseHTML' and page in str(e.get('args'))]
    if not parse:
        sys.exit('report_trace.py: %s: no ParseHTML of %s in the trace' % (trace, page))
    pid, tid = parse[0]['pid'], parse[0]['tid']
    main_ev = [e for e in ev if e.get('pid') == pid and e.get('tid') == tid and e.get('ph') == 'X']
    scripts = sorted((e for e in main_ev if e.get('name') == 'EvaluateScript' and page in str(e.get('args'))),
                     key=lambda e: e['ts'])
    tasks = [e for e in main_ev if e.get('name') == 'ThreadControllerImpl::RunTask']
    ms = lambda e: round(e.get('tdur', 0) / 1000)
    print(json.dumps({'plotly_cpu_ms': ms(scripts[0]) if scripts else None,
                      'page_script_cpu_ms': ms(scripts[-1]) if len(scripts) > 1 else None,
                      'main_thread_cpu_ms': round(sum(e.get('tdur', 0) for e in tasks) / 1000)}))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: python3 bench/report_trace.py TRACE.json PAGE-FILE-NAME')
    main(sys.argv[1], sys.argv[2])
