/*
 * cmd_check.c — flowsim check: load and compile models and scenarios,
 * print what each holds or the first error.
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "flowsim.h"

static const char driver[] =
    "local flow, file, write = ...\n"
    "for _, sc in ipairs(flow.load_scenarios(file)) do\n"
    "  local m = sc:apply()\n"
    "  local c = m:compile()\n"
    "  local n = c:counts()\n"
    "  write(string.format('%s: %s \\'%s\\' (%d-%d): %d materials, %d processes, %d flows '\n"
    "    .. '(%d flow items), %d parameters, %d indicators, %d targets\\n', file,\n"
    "    sc.is_model and 'model' or 'scenario', sc.name,\n"
    "    m.first, m.last, n.materials, n.processes, n.flows, n.flow_items, n.parameters, n.indicators,\n"
    "    n.targets))\n"
    "end\n";

int fs_cmd_check(int argc, char **argv)
{
    fs_opts o = { 0 };
    int nfiles = 0, rc = FS_OK;
    for (int i = 1; i < argc; i++) {
        int used = fs_parse_common(&o, argc, argv, i);
        if (used < 0)
            return FS_USAGE;
        if (used > 0) {
            i += used - 1;
            continue;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: flowsim check FILE.lua... [--sandbox]\n"
                 "Loads and compiles each model or scenario and prints what it holds (materials,\n"
                 "processes, flows, parameters, indicators, targets), or the first error with its\n"
                 "file and line.");
            return FS_OK;
        }
        if (argv[i][0] == '-') {
            fs_error("check: unknown option '%s' (flowsim check --help)", argv[i]);
            return FS_USAGE;
        }
        nfiles++;
    }
    if (nfiles == 0) {
        fs_error("check: no file given (flowsim check FILE.lua)");
        return FS_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') {
            if (strcmp(argv[i], "--budget") == 0 || strcmp(argv[i], "--memory") == 0)
                i++;
            continue;
        }
        char root[4096];
        o.root = fs_dir_of(argv[i], root, sizeof root);
        lua_State *L = fs_state_new(&o);
        if (!L)
            return FS_ERROR;
        if (fs_load_driver(L, driver, sizeof driver - 1, "=[flowsim check]") != FS_OK) {
            fs_state_free(L);
            return FS_ERROR;
        }
        lua_getglobal(L, "flow");
        lua_pushstring(L, argv[i]);
        fs_push_writer(L);
        if (fs_pcall_driver(L, 3, 0) != FS_OK)
            rc = FS_ERROR;
        fflush(stdout);
        fs_state_free(L);
    }
    return rc;
}
