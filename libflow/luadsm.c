/*
 * luadsm.c — flow.dsm, the dynamic stock model (stock.c) from Lua.
 *
 * The four series (stock, outflow, inflow, stock_change) are Lua tables of
 * n numbers. The two by-cohort results are read-only userdata that take
 * each value from the C result when it is read (m[t][c], #m, pairs(m)):
 * a call builds O(n) Lua values, not the 2 n^2 numbers of two full
 * tables, which for 1,000 years cost ten times the computation itself.
 * docs/lua-api.md, "The dynamic stock model", describes the surface.
 */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>

#include "flow.h"
#include "lua_int.h"

#define DSM_MT "flow.Dsm"             /* owns a flow_dsm */
#define COHORTS_MT "flow.DsmCohorts"  /* a by-cohort matrix, or one row of it */

typedef struct owner {
    flow_dsm *d; /* NULL until the model has run */
} owner;

/* User value 1 of both: the flow.Dsm that keeps d alive. User value 2 of
 * a matrix: the table of its rows made so far, so that m[t][c] in a loop
 * makes each row once. */
typedef struct cohorts {
    const flow_dsm *d;
    int outflow;       /* 0: stock_by_cohort, 1: outflow_by_cohort */
    lua_Integer year;  /* 0: the matrix; t >= 1: its row of year t */
} cohorts;

static const char *cohorts_name(const cohorts *x)
{
    return x->outflow ? "outflow_by_cohort" : "stock_by_cohort";
}

static int owner_gc(lua_State *L)
{
    owner *o = luaL_checkudata(L, 1, DSM_MT);
    flow_dsm_free(o->d);
    o->d = NULL;
    return 0;
}

/* Pushes a matrix (year 0) or a row of it; the owner is at index own. */
static void push_cohorts(lua_State *L, int own, const flow_dsm *d, int outflow, lua_Integer year)
{
    cohorts *x = lua_newuserdatauv(L, sizeof *x, year == 0 ? 2 : 1);
    x->d = d;
    x->outflow = outflow;
    x->year = year;
    luaL_setmetatable(L, COHORTS_MT);
    lua_pushvalue(L, own);
    lua_setiuservalue(L, -2, 1);
}

/* The key at index 2 as an index 1..n, or an error naming it; luaL_error
 * names the line of the Lua code that indexed (the metamethod's caller). */
static lua_Integer cohorts_key(lua_State *L, const cohorts *x)
{
    lua_Integer n = (lua_Integer)flow_dsm_length(x->d);
    int isint;
    lua_Integer k = lua_tointegerx(L, 2, &isint);
    if (isint && k >= 1 && k <= n)
        return k;
    const char *key = luaL_tolstring(L, 2, NULL);
    if (x->year == 0)
        return luaL_error(L, "flow.dsm: %s[%s]: the year must be a whole number from 1 to %I",
                          cohorts_name(x), key, n);
    return luaL_error(L, "flow.dsm: %s[%I][%s]: the cohort must be a whole number from 1 to %I",
                      cohorts_name(x), x->year, key, n);
}

/* Pushes m[k] for a valid k: a value of a row, or a row of a matrix. */
static void push_element(lua_State *L, int self, const cohorts *x, lua_Integer k)
{
    if (x->year > 0) {
        size_t t = (size_t)x->year - 1, c = (size_t)k - 1;
        lua_pushnumber(L, x->outflow ? flow_dsm_outflow_by_cohort_at(x->d, t, c)
                                     : flow_dsm_stock_by_cohort_at(x->d, t, c));
        return;
    }
    if (lua_getiuservalue(L, self, 2) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, (int)flow_dsm_length(x->d), 0);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, self, 2);
    }
    if (lua_rawgeti(L, -1, k) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_getiuservalue(L, self, 1);
        push_cohorts(L, lua_gettop(L), x->d, x->outflow, k);
        lua_remove(L, -2);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, k);
    }
    lua_remove(L, -2);
}

static int cohorts_index(lua_State *L)
{
    const cohorts *x = luaL_checkudata(L, 1, COHORTS_MT);
    push_element(L, 1, x, cohorts_key(L, x));
    return 1;
}

static int cohorts_newindex(lua_State *L)
{
    const cohorts *x = luaL_checkudata(L, 1, COHORTS_MT);
    return luaL_error(L, "flow.dsm: %s is read-only", cohorts_name(x));
}

static int cohorts_len(lua_State *L)
{
    const cohorts *x = luaL_checkudata(L, 1, COHORTS_MT);
    lua_pushinteger(L, (lua_Integer)flow_dsm_length(x->d));
    return 1;
}

/* The iterator of pairs(m): 1..n in order. */
static int cohorts_next(lua_State *L)
{
    const cohorts *x = luaL_checkudata(L, 1, COHORTS_MT);
    lua_Integer k = luaL_optinteger(L, 2, 0) + 1;
    if (k > (lua_Integer)flow_dsm_length(x->d))
        return 0;
    lua_pushinteger(L, k);
    push_element(L, 1, x, k);
    return 2;
}

static int cohorts_pairs(lua_State *L)
{
    luaL_checkudata(L, 1, COHORTS_MT);
    lua_pushcfunction(L, cohorts_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int cohorts_tostring(lua_State *L)
{
    const cohorts *x = luaL_checkudata(L, 1, COHORTS_MT);
    lua_Integer n = (lua_Integer)flow_dsm_length(x->d);
    if (x->year == 0)
        lua_pushfstring(L, "flow.dsm %s (%I years x %I cohorts)", cohorts_name(x), n, n);
    else
        lua_pushfstring(L, "flow.dsm %s[%I] (%I cohorts)", cohorts_name(x), x->year, n);
    return 1;
}

void flow_luadsm__open(lua_State *L)
{
    static const luaL_Reg cohorts_meta[] = {
        { "__index", cohorts_index },
        { "__newindex", cohorts_newindex },
        { "__len", cohorts_len },
        { "__pairs", cohorts_pairs },
        { "__tostring", cohorts_tostring },
        { NULL, NULL }
    };
    luaL_newmetatable(L, DSM_MT);
    lua_pushcfunction(L, owner_gc);
    lua_setfield(L, -2, "__gc");
    flow_lua__lock_metatable(L);
    lua_pop(L, 1);
    luaL_newmetatable(L, COHORTS_MT);
    luaL_setfuncs(L, cohorts_meta, 0);
    flow_lua__lock_metatable(L);
    lua_pop(L, 1);
}

static void push_array(lua_State *L, const double *v, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, v[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* The series at the top of the stack as a new array of doubles (a
 * userdata left on the stack); what = "inflow" or "stock". */
static double *read_series(lua_State *L, const char *what, size_t *len)
{
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, -1);
    if (n <= 0)
        luaL_error(L, "flow.dsm: the %s series is empty", what);
    double *v = lua_newuserdatauv(L, (size_t)n * sizeof *v, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -2, i);
        int isnum;
        v[i - 1] = lua_tonumberx(L, -1, &isnum);
        if (!isnum)
            luaL_error(L, "flow.dsm: %s[%d] is not a number", what, (int)i);
        /* checked here too, to name the value as Lua counts (from 1) */
        if (!isfinite(v[i - 1]) || v[i - 1] < 0)
            luaL_error(L, "flow.dsm: %s[%d] is %f: amounts must be finite and >= 0", what, (int)i, v[i - 1]);
        lua_pop(L, 1);
    }
    *len = (size_t)n;
    return v;
}

/* flow.dsm{ inflow = {...} | stock = {...}, lifetime = {...},
 *           allow_negative_inflow = bool } */
int flow_luadsm__dsm(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (lua_getfield(L, 1, "lifetime") == LUA_TNIL)
        return luaL_error(L, "flow.dsm: lifetime = {...} is required");
    flow_lifetime lt;
    flow_lua__lifetime(L, 2, &lt);
    lua_pop(L, 1);
    int driven = 0;
    if (lua_getfield(L, 1, "inflow") == LUA_TNIL) {
        lua_pop(L, 1);
        driven = 1;
        if (lua_getfield(L, 1, "stock") == LUA_TNIL)
            return luaL_error(L, "flow.dsm: give inflow = {...} or stock = {...}");
    }
    size_t n;
    const double *v = read_series(L, driven ? "stock" : "inflow", &n);
    lua_getfield(L, 1, "allow_negative_inflow");
    unsigned flags = lua_toboolean(L, -1) ? FLOW_DSM_ALLOW_NEGATIVE_INFLOW : 0;
    lua_pop(L, 1);
    /* the owner exists before the result, so that no Lua error between
     * here and the return can leak it */
    owner *o = lua_newuserdatauv(L, sizeof *o, 0);
    o->d = NULL;
    luaL_setmetatable(L, DSM_MT);
    int own = lua_gettop(L);
    int rc = driven ? flow_dsm_stock_driven(&o->d, v, n, &lt, flags, NULL)
                    : flow_dsm_inflow_driven(&o->d, v, n, &lt, NULL);
    if (rc)
        return luaL_error(L, "flow.dsm: %s", flow_error_last());
    const flow_dsm *d = o->d;
    lua_createtable(L, 0, 6);
    push_array(L, flow_dsm_stock(d), n);
    lua_setfield(L, -2, "stock");
    push_array(L, flow_dsm_outflow(d), n);
    lua_setfield(L, -2, "outflow");
    push_array(L, flow_dsm_inflow(d), n);
    lua_setfield(L, -2, "inflow");
    push_array(L, flow_dsm_stock_change(d), n);
    lua_setfield(L, -2, "stock_change");
    push_cohorts(L, own, d, 0, 0);
    lua_setfield(L, -2, "stock_by_cohort");
    push_cohorts(L, own, d, 1, 0);
    lua_setfield(L, -2, "outflow_by_cohort");
    return 1;
}
