/*
 * guard.c — the sandbox's guards around library functions that could
 * otherwise dodge its instruction budget (docs/reliability.md).
 *
 * The count hook sees Lua instructions only. A C function can run long
 * on one instruction (a backtracking pattern, string.rep of a huge count,
 * table.move over a huge range), a protected call can catch the budget
 * error and go on, and a __gc finalizer runs with hooks off. So in the
 * sandbox: the long-running C functions charge an upper bound of their
 * work to the budget before they run (and refuse when it does not fit);
 * pcall, xpcall and coroutine.resume raise the budget error again once the
 * budget is spent; setmetatable refuses a metatable with __gc.
 */
#include <string.h>

#include <lauxlib.h>

#include "flowsim.h"

/* ---- protected calls: the budget error goes through -------------------- */

/* What a caught error is charged, in instructions: raising it, building
 * its message and unwinding cost the interpreter 200 to 500 ns (a plain
 * instruction about 2 ns), none of it counted by the hook; so a loop of
 * errors caught by pcall (`while true do pcall(f) end`, f calling a nil)
 * ran 2 minutes on the default budget. Charged at about ten times the
 * measured cost. */
#define CAUGHT_ERROR_COST 1000

/* the results of the call are at 1..top: pcall, xpcall and
 * coroutine.resume return false first when they caught an error */
static int after_call(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    if (lua_gettop(L) >= 1 && lua_isboolean(L, 1) && !lua_toboolean(L, 1))
        fs_budget_spend(L, CAUGHT_ERROR_COST);
    fs_budget_check(L);
    return lua_gettop(L);
}

/* upvalue 1: the library's pcall, xpcall or coroutine.resume */
static int guarded_call(lua_State *L)
{
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_callk(L, n, LUA_MULTRET, 0, after_call);
    return after_call(L, LUA_OK, 0);
}

/* replaces t[name] (t at the top of the stack) by f with the old value as
 * its upvalue */
static void wrap(lua_State *L, const char *name, lua_CFunction f)
{
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, -2, name);
}

/* ---- finalizers --------------------------------------------------------- */

static int guarded_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
        return luaL_error(L, "sandbox: __gc finalizers are not allowed (they would run outside the budget)");
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

/* ---- patterns ----------------------------------------------------------- */

/* How each wrapped pattern function reads its pattern (upvalue 2). */
enum { PAT_ANCHORS, PAT_FIND, PAT_GMATCH };

/* An upper bound of the steps of Lua's backtracking matcher on a subject
 * of n bytes: each start position (one, when anchored) times, for each
 * repetition item (*, +, -, ?; a '-' or '*' inside a set counts too: an
 * overestimate) and %b, %f, up to n + 1 positions tried. gmatch has no
 * anchor. */
static double pattern_cost(const char *p, size_t lp, size_t n, int plain, int anchors)
{
    double per = (double)n + 1, cost = 1;
    if (plain)
        return per * ((double)lp + 1);
    size_t i = 0;
    if (anchors && lp > 0 && p[0] == '^')
        i = 1;
    else
        cost = per;
    for (; i < lp; i++) {
        if (p[i] == '%' && i + 1 < lp) {
            if (p[i + 1] == 'b' || p[i + 1] == 'f')
                cost *= per;
            i++;
        } else if (p[i] == '*' || p[i] == '+' || p[i] == '-' || p[i] == '?') {
            cost *= per;
        }
        if (cost > 1e18)
            return 1e18;
    }
    return cost * ((double)lp + 1);
}

/* upvalue 1: string.find, match, gmatch or gsub; arguments s, pattern, ... */
static int guarded_pattern(lua_State *L)
{
    size_t n, lp;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &lp);
    int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
    int plain = kind == PAT_FIND && lua_toboolean(L, 4); /* string.find's 4th argument */
    double cost = pattern_cost(p, lp, n, plain, kind != PAT_GMATCH);
    fs_budget_charge(L, cost, "a pattern match");
    int top = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, top, LUA_MULTRET);
    return lua_gettop(L);
}

/* ---- long C loops ------------------------------------------------------- */

static int guarded_rep(lua_State *L)
{
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n > 0)
        fs_budget_charge(L, (double)n * ((double)l + (double)lsep + 1), "string.rep");
    lua_settop(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 3, 1);
    return 1;
}

/* table.sort, concat, insert, remove: a bound from the length */
static int guarded_table_len(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    double n = (double)luaL_len(L, 1), lg = 1;
    for (double k = n; k > 1; k /= 2)
        lg++;
    fs_budget_charge(L, n > 1 ? n * lg : 1, "a table function");
    int top = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, top, LUA_MULTRET);
    return lua_gettop(L);
}

static int guarded_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    if (e >= f)
        fs_budget_charge(L, (double)e - (double)f + 1, "table.move");
    int top = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, top, LUA_MULTRET);
    return lua_gettop(L);
}

static void wrap_pattern(lua_State *L, const char *name, int kind)
{
    lua_getfield(L, -1, name);
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, guarded_pattern, 2);
    lua_setfield(L, -2, name);
}

void fs_guard_open(lua_State *L)
{
    lua_pushglobaltable(L);
    wrap(L, "pcall", guarded_call);
    wrap(L, "xpcall", guarded_call);
    wrap(L, "setmetatable", guarded_setmetatable);
    lua_getfield(L, -1, "coroutine");
    wrap(L, "resume", guarded_call);
    lua_pop(L, 1);
    lua_getfield(L, -1, "string");
    /* the strings' metatable stays as it is (getmetatable("") gives a
     * string): flow.lua and the drivers call methods on strings too */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    wrap_pattern(L, "find", PAT_FIND);
    wrap_pattern(L, "match", PAT_ANCHORS);
    wrap_pattern(L, "gmatch", PAT_GMATCH);
    wrap_pattern(L, "gsub", PAT_ANCHORS);
    wrap(L, "rep", guarded_rep);
    lua_pop(L, 1);
    lua_getfield(L, -1, "table");
    static const char *const by_len[] = { "sort", "concat", "insert", "remove", NULL };
    for (const char *const *k = by_len; *k; k++)
        wrap(L, *k, guarded_table_len);
    wrap(L, "move", guarded_move);
    lua_pop(L, 2);
}
