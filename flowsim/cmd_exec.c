/*
 * cmd_exec.c — flowsim exec: run any Lua script with `flow` loaded, `arg`
 * set as lua5.4 sets it (arg[0] the script, arg[1..] its arguments, which
 * are also the chunk's `...`).
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "flowsim.h"

int fs_cmd_exec(int argc, char **argv)
{
    fs_opts o = { 0 };
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: flowsim exec [--sandbox] SCRIPT.lua [ARGS...]\n"
                 "Runs a Lua script with the flow module loaded; arg and ... hold the arguments,\n"
                 "as with lua5.4. The script's error (with its traceback) exits 1.");
            return FS_OK;
        }
        int used = fs_parse_common(&o, argc, argv, i);
        if (used < 0)
            return FS_USAGE;
        if (used == 0 && argv[i][0] == '-' && argv[i][1] != '\0') {
            fs_error("exec: unknown option '%s' (flowsim exec --help)", argv[i]);
            return FS_USAGE;
        }
        if (used == 0)
            break;
        i += used - 1;
    }
    if (i >= argc) {
        fs_error("exec: no script given (flowsim exec SCRIPT.lua [ARGS...])");
        return FS_USAGE;
    }
    const char *script = argv[i];
    char root[4096];
    o.root = fs_dir_of(script, root, sizeof root);
    lua_State *L = fs_state_new(&o);
    if (!L)
        return FS_ERROR;
    /* arg, as lua.c builds it */
    lua_createtable(L, argc - i - 1, i + 1);
    for (int k = 0; k < argc; k++) {
        lua_pushstring(L, argv[k]);
        lua_rawseti(L, -2, k - i);
    }
    lua_setglobal(L, "arg");
    if (luaL_loadfilex(L, script, "t") != LUA_OK) {
        fs_error("%s", lua_tostring(L, -1));
        fs_state_free(L);
        return FS_ERROR;
    }
    for (int k = i + 1; k < argc; k++)
        lua_pushstring(L, argv[k]);
    int rc = fs_pcall(L, argc - i - 1, 0);
    fflush(stdout);
    fs_state_free(L);
    return rc;
}
