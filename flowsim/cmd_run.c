/*
 * cmd_run.c — flowsim run / report: run models and scenarios, print the
 * target table of each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "flowsim.h"
#include "report_html.h"

/* The driver, in Lua: files, scenario name (or nil), results path (or
 * nil) -> number of missed targets, number of scenarios run. Results
 * files (.h5) given to report are read, not run. With a results path
 * every scenario run is written into one file, committed at the end: an
 * error anywhere leaves nothing at the path (the writer is abandoned when
 * the state closes). */
static const char driver[] =
    "local flow, want, files, out, write, res = ...\n"
    "local missed, ran, seen = 0, 0, {}\n"
    "local w = out and res.create(out)\n"
    "local function show(text, m)\n"
    "  if ran > 0 then write('\\n') end\n"
    "  write(text, '\\n')\n"
    "  missed, ran = missed + m, ran + 1\n"
    "end\n"
    "for _, file in ipairs(files) do\n"
    "  if file:match('%.h5$') then\n"
    "    local f = res.open(file)\n"
    "    for _, s in ipairs(f:scenarios()) do\n"
    "      seen[#seen + 1] = s\n"
    "      if want == nil or s == want then\n"
    "        show(flow.format_report(s, flow.file_targets(f, s)))\n"
    "        local et = flow.file_ensemble(f, s)\n"
    "        if et then write('\\n', et, '\\n') end\n"
    "        local st = flow.file_sensitivity(f, s)\n"
    "        if st then write('\\n', st, '\\n') end\n"
    "      end\n"
    "    end\n"
    "    f:close()\n"
    "  else\n"
    "    for _, sc in ipairs(flow.load_scenarios(file)) do\n"
    "      seen[#seen + 1] = sc.name\n"
    "      if want == nil or sc.name == want then\n"
    "        local r = sc:run()\n"
    "        if w then r:save(w) end\n"
    "        show(r:report())\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "end\n"
    "if want ~= nil and ran == 0 then\n"
    "  error(string.format(\"no scenario named '%s' in %s (it holds: %s)\", want, table.concat(files, ', '),\n"
    "                      table.concat(seen, ', ')), 0)\n"
    "end\n"
    "if w then w:commit(); write('results: ', out, '\\n') end\n"
    "return missed, ran\n";

static int run_or_report(int argc, char **argv, int report)
{
    fs_opts o = { 0 };
    const char *scenario = NULL, *out = NULL, *html = NULL;
    int strict = 0, force = 0, nfiles = 0;
    char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) {
        fs_error("out of memory");
        return FS_ERROR;
    }
    for (int i = 1; i < argc; i++) {
        int used = fs_parse_common(&o, argc, argv, i);
        if (used < 0) {
            free(files);
            return FS_USAGE;
        }
        if (used > 0) {
            i += used - 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: flowsim %s FILE.lua...%s [--scenario NAME]%s [--sandbox]\n"
                   "Runs every model and scenario in the files (or only the one named) and prints,\n"
                   "for each, the target table: indicator, unit, year, value in the base year,\n"
                   "comparator, target, projected value (for rises: the smallest rise from one\n"
                   "year to the next), met or not, margin, source; without targets, the\n"
                   "indicators in the last year.%s\n",
                   report ? "report" : "run", report ? " | FILE.h5..." : "",
                   report ? " [--strict] [--html PAGE]" : " [-o FILE.h5 [--force]]",
                   report ? "\nA results file (.h5) is read, not run: its scenarios' target tables.\n"
                            "--strict: exit 3 when a target is missed.\n"
                            "--html PAGE: write one HTML page of the results files instead (Sankey\n"
                            "diagrams, indicators against targets; docs/report-html.md)."
                          : "\n-o FILE.h5: write every scenario run into one results file (HDF5,\n"
                            "docs/results-format.md); nothing is written there if any run fails.\n"
                            "An existing FILE.h5 is replaced only with --force, and only when it is a\n"
                            "results file; never an input file.");
            free(files);
            return FS_OK;
        } else if (strcmp(argv[i], "--scenario") == 0) {
            if (i + 1 >= argc) {
                fs_error("--scenario needs a name");
                free(files);
                return FS_USAGE;
            }
            scenario = argv[++i];
        } else if (!report && strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc) {
                fs_error("run: -o needs a file name (results.h5)");
                free(files);
                return FS_USAGE;
            }
            out = argv[++i];
        } else if (report && strcmp(argv[i], "--html") == 0) {
            if (i + 1 >= argc) {
                fs_error("report: --html needs a file name (report.html)");
                free(files);
                return FS_USAGE;
            }
            html = argv[++i];
        } else if (report && strcmp(argv[i], "--strict") == 0) {
            strict = 1;
        } else if (!report && strcmp(argv[i], "--force") == 0) {
            force = 1;
        } else if (argv[i][0] == '-') {
            fs_error("%s: unknown option '%s' (flowsim %s --help)", report ? "report" : "run", argv[i],
                     report ? "report" : "run");
            free(files);
            return FS_USAGE;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles == 0) {
        fs_error("%s: no model or scenario file given (flowsim %s FILE.lua)", report ? "report" : "run",
                 report ? "report" : "run");
        free(files);
        return FS_USAGE;
    }
    if (html) { /* the page of results files (report_html.c) */
        int rc = FS_USAGE;
        if (strict)
            fs_error("report: --html writes a page, not with --strict");
        else
            rc = fs_report_html(html, files, nfiles, scenario);
        free(files);
        return rc;
    }
    if (force && !out) {
        fs_error("run: --force without -o FILE.h5 (flowsim run --help)");
        free(files);
        return FS_USAGE;
    }
    int oc = out ? fs_check_output("run", out, files, nfiles, force) : FS_OK;
    if (oc != FS_OK) {
        free(files);
        return oc;
    }
    char root[4096];
    o.root = fs_dir_of(files[0], root, sizeof root); /* the sandbox's folder: the first file's */
    lua_State *L = fs_state_new(&o);
    if (!L) {
        free(files);
        return FS_ERROR;
    }
    int rc = fs_load_driver(L, driver, sizeof driver - 1, report ? "=[flowsim report]" : "=[flowsim run]");
    if (rc == FS_OK) {
        lua_getglobal(L, "flow");
        if (scenario)
            lua_pushstring(L, scenario);
        else
            lua_pushnil(L);
        lua_createtable(L, nfiles, 0);
        for (int i = 0; i < nfiles; i++) {
            lua_pushstring(L, files[i]);
            lua_rawseti(L, -2, i + 1);
        }
        if (out)
            lua_pushstring(L, out);
        else
            lua_pushnil(L);
        fs_push_writer(L);
        fs_push_results(L);
        rc = fs_pcall_driver(L, 6, 2);
        if (rc == FS_OK) {
            long missed = (long)lua_tointeger(L, -2);
            lua_pop(L, 2);
            if (strict && missed > 0)
                rc = FS_MISSED;
        }
    }
    fflush(stdout);
    fs_state_free(L);
    free(files);
    return rc;
}

int fs_cmd_run(int argc, char **argv)
{
    return run_or_report(argc, argv, 0);
}

int fs_cmd_report(int argc, char **argv)
{
    return run_or_report(argc, argv, 1);
}
