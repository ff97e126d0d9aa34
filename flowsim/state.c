/*
 * state.c — the Lua states flowsim runs models and scripts in.
 *
 * Trusted (the default): the standard libraries and `flow`.
 * Sandboxed (--sandbox, for scripts from elsewhere): no os, io, debug or
 * package libraries; `require` only of `flow` and of Lua files inside the
 * model's folder (its own table of modules, not package.loaded); text
 * chunks only (no binary chunks); a memory limit (the state's allocator
 * refuses past it, for Lua and for the models' flow_allocator alike) and
 * an instruction budget (a count hook raises an error, then at every
 * instruction; allocated bytes and the guarded C functions of guard.c
 * are charged to it), each reported as a clear error; provenance only of
 * the files it opened (FLOW_LUA_OPENED). docs/reliability.md.
 * Also the message handlers errors go through: a script's (exec: Lua's
 * traceback) and the drivers' (one line; never a frame of a driver).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "flow_lua.h"
#include "flowsim.h"

void fs_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("flowsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

typedef struct sandbox {
    size_t used, limit;
    long long budget, spent;
    int out_of_memory;
    int exhausted;          /* the budget is spent: every later instruction fails */
    lua_State *main;        /* the main thread, for its hook */
    flow_allocator alloc;   /* libflow's allocations, drawn from the same limit */
    char root[4096];
} sandbox;

#define HOOK_EVERY 10000
#define BYTES_PER_STEP 32 /* allocated bytes that count as one instruction (docs/reliability.md) */
#define REQUIRED_KEY "flowsim.required" /* the sandbox's own package.loaded */

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sandbox *sb = ud;
    if (ptr == NULL)
        osize = 0;
    if (nsize == 0) {
        free(ptr);
        sb->used -= osize;
        return NULL;
    }
    if (nsize > osize && sb->used + (nsize - osize) > sb->limit) {
        sb->out_of_memory = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p) {
        sb->used = sb->used - osize + nsize;
        /* the bytes a growth may copy, charged to the budget (the count
         * hook raises the error): a concatenation of a long string is one
         * instruction but copies all of it */
        if (nsize > osize)
            sb->spent += (long long)((nsize - osize) / BYTES_PER_STEP);
    }
    return p;
}

/* libflow's allocator for models built in the sandbox: the same count
 * and limit as Lua's (flow_lua_set_allocator). libflow's free() gives no
 * size, so each block starts with its own. */
typedef union block_head {
    size_t size;
    max_align_t align;
} block_head;

static void *model_realloc(void *ptr, size_t n, void *ud)
{
    block_head *h = ptr ? (block_head *)ptr - 1 : NULL;
    size_t old = h ? h->size + sizeof *h : 0;
    if (n > SIZE_MAX - sizeof *h)
        return NULL;
    block_head *nh = limited_alloc(ud, h, old, n + sizeof *h);
    if (!nh)
        return NULL;
    nh->size = n;
    return nh + 1;
}

static void *model_malloc(size_t n, void *ud) { return model_realloc(NULL, n, ud); }

static void model_free(void *ptr, void *ud)
{
    if (ptr) {
        block_head *h = (block_head *)ptr - 1;
        limited_alloc(ud, h, h->size + sizeof *h, 0);
    }
}

static sandbox *sandbox_of(lua_State *L)
{
    void *ud = NULL;
    return lua_getallocf(L, &ud) == limited_alloc ? ud : NULL;
}

static void count_hook(lua_State *L, lua_Debug *ar);

/* Raises the budget error, and from now on at every instruction of every
 * thread: a pcall that caught it cannot go on. */
static int budget_error(lua_State *L, sandbox *sb)
{
    if (!sb->exhausted) {
        sb->exhausted = 1;
        lua_sethook(sb->main, count_hook, LUA_MASKCOUNT, 1);
    }
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    /* no position: it would name a line of flow.lua as often as the user's */
    lua_pushfstring(L, "sandbox: the instruction budget of %I is spent (flowsim --budget N raises it)",
                    (lua_Integer)sb->budget);
    return lua_error(L);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    sandbox *sb = sandbox_of(L);
    if (!sb)
        return;
    sb->spent += sb->exhausted ? 1 : HOOK_EVERY;
    if (sb->spent > sb->budget)
        budget_error(L, sb);
}

void fs_budget_charge(lua_State *L, double cost, const char *what)
{
    sandbox *sb = sandbox_of(L);
    if (!sb)
        return;
    if (sb->exhausted || sb->spent > sb->budget) /* spent by allocations since the hook last ran */
        budget_error(L, sb);
    if (cost > (double)(sb->budget - sb->spent)) { /* refused before it runs: nothing is spent */
        char c[32];
        snprintf(c, sizeof c, "%.3g", cost);
        /* no position, as the budget error: it would name flow.lua's line as often as the user's */
        lua_pushfstring(L, "sandbox: %s could take %s steps, more than the %I left of the instruction budget of %I "
                        "(flowsim --budget N raises it)", what, c, (lua_Integer)(sb->budget - sb->spent),
                        (lua_Integer)sb->budget);
        lua_error(L);
    }
    sb->spent += (long long)cost;
}

void fs_budget_spend(lua_State *L, long long cost)
{
    sandbox *sb = sandbox_of(L);
    if (!sb)
        return;
    sb->spent += cost;
    if (sb->spent > sb->budget)
        budget_error(L, sb);
}

void fs_budget_check(lua_State *L)
{
    sandbox *sb = sandbox_of(L);
    if (sb && sb->exhausted)
        budget_error(L, sb);
}

/* Notes a file the sandbox opened (its resolved path): the only files a
 * results writer records as provenance (FLOW_LUA_OPENED). */
static void record_opened(lua_State *L, const char *resolved)
{
    lua_getfield(L, LUA_REGISTRYINDEX, FLOW_LUA_OPENED);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, resolved);
    lua_pop(L, 1);
}

/* require(name) in the sandbox: `flow`, or name.lua inside the root. */
static int sandbox_require(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    /* not package.loaded: the binding and Lua leave there what the sandbox
     * does not list (the debug library) */
    lua_getfield(L, LUA_REGISTRYINDEX, REQUIRED_KEY);
    lua_getfield(L, -1, name);
    if (!lua_isnil(L, -1))
        return 1;
    lua_pop(L, 1);
    sandbox *sb;
    lua_getallocf(L, (void **)&sb);
    if (strstr(name, "..") || strchr(name, '/') || name[0] == '\0')
        return luaL_error(L, "sandbox: require '%s': only modules inside %s may be required", name, sb->root);
    char path[8192];
    snprintf(path, sizeof path, "%s/%s.lua", sb->root, name);
    for (char *p = path + strlen(sb->root) + 1; *p; p++)
        if (*p == '.' && strcmp(p, ".lua") != 0)
            *p = '/';
    /* resolved, so that a link cannot lead out of the folder */
    char rp[PATH_MAX], rr[PATH_MAX];
    if (!realpath(path, rp))
        return luaL_error(L, "sandbox: require '%s': no file %s", name, path);
    if (!realpath(sb->root, rr))
        return luaL_error(L, "sandbox: cannot resolve the folder %s", sb->root);
    size_t rl = strlen(rr);
    if (strncmp(rp, rr, rl) != 0 || rp[rl] != '/')
        return luaL_error(L, "sandbox: require '%s': %s is outside %s", name, path, sb->root);
    if (luaL_loadfilex(L, rp, "t") != LUA_OK)
        return luaL_error(L, "sandbox: require '%s': %s", name, lua_tostring(L, -1));
    record_opened(L, rp);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name);
    return 1;
}

/* load() in the sandbox: text chunks only. */
static int sandbox_load(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *chunkname = luaL_optstring(L, 2, s);
    if (luaL_loadbufferx(L, s, n, chunkname, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if (!lua_isnoneornil(L, 4)) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1))
            lua_pop(L, 1);
    }
    return 1;
}

/* flow.loadfile in the sandbox: text only, and only files inside the
 * root (compared after resolving links and "..": realpath). */
static int sandbox_loadfile(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    sandbox *sb;
    lua_getallocf(L, (void **)&sb);
    char rp[PATH_MAX], rr[PATH_MAX];
    if (!realpath(path, rp))
        return luaL_error(L, "cannot open %s", path);
    if (!realpath(sb->root, rr))
        return luaL_error(L, "sandbox: cannot resolve the folder %s", sb->root);
    size_t rl = strlen(rr);
    if (strncmp(rp, rr, rl) != 0 || (rp[rl] != '/' && rp[rl] != '\0'))
        return luaL_error(L, "sandbox: %s is outside %s", path, sb->root);
    if (luaL_loadfilex(L, path, "t") != LUA_OK)
        return lua_error(L);
    record_opened(L, rp);
    return 1;
}

const char *fs_dir_of(const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s", path);
    char *slash = strrchr(buf, '/');
    if (slash == buf)
        buf[1] = '\0'; /* "/x.lua": the root folder */
    else if (slash)
        *slash = '\0';
    else
        snprintf(buf, size, ".");
    return buf;
}

static int l_write(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *str = luaL_checklstring(L, i, &len);
        fwrite(str, 1, len, stdout);
    }
    return 0;
}

void fs_push_writer(lua_State *L)
{
    lua_pushcfunction(L, l_write);
}

/* The sandbox's registry tables: the modules require may return (flow,
 * flow's table at the top of the stack, and the libraries it lists) and
 * the files it opened (none yet). */
static void sandbox_tables(lua_State *L)
{
    static const char *const libs[] = { LUA_GNAME, LUA_TABLIBNAME, LUA_STRLIBNAME, LUA_MATHLIBNAME,
                                        LUA_UTF8LIBNAME, LUA_COLIBNAME, NULL };
    lua_newtable(L);
    for (const char *const *k = libs; *k; k++) {
        lua_getglobal(L, *k);
        lua_setfield(L, -2, *k);
    }
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "flow");
    lua_setfield(L, LUA_REGISTRYINDEX, REQUIRED_KEY);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, FLOW_LUA_OPENED);
}

/* Opens the libraries (the sandbox's subset when its argument is true)
 * and `flow` in L; called in protected mode, so that a memory limit too
 * small to start is an error, not a panic. */
static int setup(lua_State *L)
{
    int sandboxed = lua_toboolean(L, 1);
    if (!sandboxed) {
        luaL_openlibs(L);
    } else {
        /* the subset of linit.c a model needs, nothing that reaches out */
        static const luaL_Reg libs[] = { { LUA_GNAME, luaopen_base },     { LUA_TABLIBNAME, luaopen_table },
                                         { LUA_STRLIBNAME, luaopen_string }, { LUA_MATHLIBNAME, luaopen_math },
                                         { LUA_UTF8LIBNAME, luaopen_utf8 },  { LUA_COLIBNAME, luaopen_coroutine },
                                         { NULL, NULL } };
        for (const luaL_Reg *lib = libs; lib->func; lib++) {
            luaL_requiref(L, lib->name, lib->func, 1);
            lua_pop(L, 1);
        }
        lua_pushcfunction(L, sandbox_require);
        lua_setglobal(L, "require");
        lua_pushcfunction(L, sandbox_load);
        lua_setglobal(L, "load");
        lua_pushnil(L);
        lua_setglobal(L, "dofile");
        lua_pushnil(L);
        lua_setglobal(L, "loadfile");
        lua_pushnil(L);
        lua_setglobal(L, "collectgarbage");
    }
    /* flow, preloaded and required */
    luaL_requiref(L, "flow", flow_lua_open, 1);
    /* results files: flowsim's drivers reach them through the registry;
     * sandboxed scripts do not at all (they could write and read files) */
    lua_createtable(L, 0, 2);
    lua_getfield(L, -2, "results_create");
    lua_setfield(L, -2, "create");
    lua_getfield(L, -2, "results_open");
    lua_setfield(L, -2, "open");
    lua_setfield(L, LUA_REGISTRYINDEX, "flowsim.results");
    if (sandboxed) {
        lua_pushcfunction(L, sandbox_loadfile);
        lua_setfield(L, -2, "loadfile");
        lua_pushnil(L);
        lua_setfield(L, -2, "results_create");
        lua_pushnil(L);
        lua_setfield(L, -2, "results_open");
        sandbox_tables(L);
        fs_guard_open(L);
        sandbox *sb = sandbox_of(L);
        sb->main = L;
        sb->alloc = (flow_allocator){ model_malloc, model_realloc, model_free, sb };
        flow_lua_set_allocator(L, &sb->alloc);
    }
    return 0;
}

/* Lua's last resort, for an error outside any protected call (a memory
 * limit reached where Lua cannot raise): one line, not an abort. */
static int panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    sandbox *sb = sandbox_of(L);
    if (sb && sb->out_of_memory)
        fs_error("sandbox: the memory limit of %zu bytes is reached outside the script (flowsim --memory N "
                 "raises it)", sb->limit);
    else
        fs_error("Lua: unprotected error: %s", msg ? msg : "(no message)");
    fflush(stdout);
    _exit(FS_ERROR); /* the state is unusable: no finalizers, no atexit handlers that could use it */
}

lua_State *fs_state_new(const fs_opts *o)
{
    lua_State *L;
    sandbox *sb = NULL;
    if (o && o->sandbox) {
        sb = calloc(1, sizeof *sb);
        if (!sb) {
            fs_error("out of memory");
            return NULL;
        }
        sb->limit = o->mem_limit ? o->mem_limit : (size_t)256 << 20;
        sb->budget = o->instr_budget ? o->instr_budget : 2000000000LL;
        snprintf(sb->root, sizeof sb->root, "%s", o->root ? o->root : ".");
        L = lua_newstate(limited_alloc, sb);
    } else {
        L = luaL_newstate();
    }
    if (L) {
        lua_atpanic(L, panic);
        lua_pushcfunction(L, setup);
        lua_pushboolean(L, sb != NULL);
        if (lua_pcall(L, 1, 0, 0) == LUA_OK) {
            if (sb)
                lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
            return L;
        }
    }
    if (sb && (!L || sb->out_of_memory))
        fs_error("sandbox: the memory limit of %zu bytes is too small to start Lua and flow "
                 "(flowsim --memory N raises it)", sb->limit);
    else if (L)
        fs_error("cannot set up Lua: %s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no message)");
    else
        fs_error("cannot create a Lua state");
    if (L)
        fs_state_free(L); /* frees sb too */
    else
        free(sb);
    return NULL;
}

void fs_push_results(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "flowsim.results");
}

void fs_state_free(lua_State *L)
{
    if (!L)
        return;
    void *ud = NULL;
    lua_Alloc f = lua_getallocf(L, &ud);
    lua_close(L);
    if (f == limited_alloc)
        free(ud);
}

/* The text of the error object at index 1; NULL when its __tostring
 * gave a string, which is then on the top of the stack as the message. */
static const char *error_text(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg)
        return msg;
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
        return NULL;
    return lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
}

static int msgh(lua_State *L)
{
    const char *msg = error_text(L);
    if (!msg)
        return 1;
    /* an error of the model names its own file and line: as it is; any
     * other error (a bug in a script) gets a traceback */
    if (flow_lua_is_model_error(L, 1))
        return 1;
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Strips "[flowsim CMD]:N: " or "[flow.lua]:N: " from the front of msg:
 * the line of a driver, or of the binding's Lua layer, that called a C
 * function which raised the error names nothing the user wrote (a user's
 * file is "@FILE", shown without brackets). */
static const char *strip_driver_site(const char *msg)
{
    if (strncmp(msg, "[flowsim ", 9) != 0 && strncmp(msg, "[flow.lua]", 10) != 0)
        return msg;
    const char *p = strstr(msg, "]:");
    if (!p)
        return msg;
    p += 2;
    while (*p >= '0' && *p <= '9')
        p++;
    return (p[0] == ':' && p[1] == ' ') ? p + 2 : msg;
}

/* Appends the frames of the user's own files (chunks loaded from a
 * file: source "@...") from level 1 up; returns how many. */
static int user_frames(lua_State *L, luaL_Buffer *b)
{
    lua_Debug ar;
    int n = 0;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sln", &ar) || ar.source[0] != '@')
            continue;
        n++;
        lua_pushfstring(L, "\n\t%s:%d: in ", ar.short_src, ar.currentline);
        luaL_addvalue(b);
        if (*ar.what == 'm')
            lua_pushliteral(L, "main chunk");
        else if (ar.name)
            lua_pushfstring(L, "function '%s'", ar.name);
        else
            lua_pushfstring(L, "function <%s:%d>", ar.short_src, ar.linedefined);
        luaL_addvalue(b);
    }
    return n;
}

/* The message handler of flowsim's drivers: an error about the
 * arguments, a file or the model is one line; a bug in the user's own
 * Lua (a model file or hook) also gets the traceback of the user's files
 * when it spans more than one frame. Never a frame of the driver. */
static int driver_msgh(lua_State *L)
{
    const char *msg = error_text(L);
    if (!msg)
        return 1;
    if (flow_lua_is_model_error(L, 1))
        return 1;
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && *ar.what == 'C')
        msg = strip_driver_site(msg);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, msg);
    luaL_addstring(&b, "\nstack traceback:");
    if (user_frames(L, &b) < 2) {
        lua_pushstring(L, msg);
        return 1;
    }
    luaL_pushresult(&b);
    return 1;
}

int fs_load_driver(lua_State *L, const char *code, size_t len, const char *name)
{
    if (luaL_loadbufferx(L, code, len, name, "t") != LUA_OK) {
        fs_error("%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return FS_ERROR;
    }
    return FS_OK;
}

/* lua_pcall under the message handler h; an error is printed as one
 * "flowsim: ..." (the sandbox's memory limit named as such). */
static int pcall_with(lua_State *L, lua_CFunction h, int nargs, int nresults)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, h);
    lua_insert(L, base);
    int rc = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    if (rc != LUA_OK) {
        void *ud = NULL;
        lua_Alloc f = lua_getallocf(L, &ud);
        const char *msg = lua_tostring(L, -1);
        if (f == limited_alloc && (rc == LUA_ERRMEM || (((sandbox *)ud)->out_of_memory && msg &&
                                                        strstr(msg, "out of memory"))))
            /* Lua's own or libflow's (the models' allocator draws from the same limit) */
            fs_error("sandbox: the memory limit of %zu bytes is reached (flowsim --memory N raises it)",
                     ((sandbox *)ud)->limit);
        else
            fs_error("%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no message)");
        lua_pop(L, 1);
        return FS_ERROR;
    }
    return FS_OK;
}

int fs_pcall(lua_State *L, int nargs, int nresults)
{
    return pcall_with(L, msgh, nargs, nresults);
}

int fs_pcall_driver(lua_State *L, int nargs, int nresults)
{
    return pcall_with(L, driver_msgh, nargs, nresults);
}

int fs_parse_common(fs_opts *o, int argc, char **argv, int i)
{
    if (strcmp(argv[i], "--sandbox") == 0) {
        o->sandbox = 1;
        return 1;
    }
    if (strcmp(argv[i], "--budget") == 0 || strcmp(argv[i], "--memory") == 0) {
        if (i + 1 >= argc) {
            fs_error("%s needs a number", argv[i]);
            return -1;
        }
        char *end;
        long long v = strtoll(argv[i + 1], &end, 10);
        if (*end || v <= 0) {
            fs_error("%s: '%s' is not a positive whole number", argv[i], argv[i + 1]);
            return -1;
        }
        if (argv[i][2] == 'b')
            o->instr_budget = v;
        else
            o->mem_limit = (size_t)v;
        return 2;
    }
    return 0;
}
