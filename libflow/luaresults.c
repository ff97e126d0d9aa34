/*
 * luaresults.c — the results store from Lua (docs/lua-api.md, "Results
 * files"): core.results_create(path) gives a writer, core.results_open
 * (path) a reader; flow.lua wraps them (flow.results_create / _open,
 * Result:save).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "flow_lua.h"
#include "lua_int.h"

#define RES_MT "flow.Results"

typedef struct lres {
    flow_results *r;
    int writing;
} lres;

static const char *const kinds[] = { "flow", "stock", "param", "indicator", "metric", NULL };

static lres *check(lua_State *L, int writing)
{
    lres *u = luaL_checkudata(L, 1, RES_MT);
    if (!u->r)
        luaL_error(L, "the results file is closed");
    if (writing >= 0 && u->writing != writing)
        luaL_error(L, "the results file is opened for %s", u->writing ? "writing" : "reading");
    return u;
}

static int fail(lua_State *L)
{
    return luaL_error(L, "%s", flow_error_last());
}

static int l_gc(lua_State *L)
{
    lres *u = luaL_checkudata(L, 1, RES_MT);
    flow_results_close(u->r); /* a writer not committed is abandoned */
    u->r = NULL;
    return 0;
}

static int push_new(lua_State *L, flow_results *r, int writing)
{
    lres *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->r = r;
    u->writing = writing;
    luaL_setmetatable(L, RES_MT);
    return 1;
}

static int l_create(lua_State *L)
{
    flow_results *r;
    if (flow_results_create(&r, luaL_checkstring(L, 1)))
        return fail(L);
    return push_new(L, r, 1);
}

static int l_open(lua_State *L)
{
    flow_results *r;
    if (flow_results_open(&r, luaL_checkstring(L, 1)))
        return fail(L);
    return push_new(L, r, 0);
}

static const char *opt_field(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    const char *s = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1); /* the string stays reachable from the table */
    return s;
}

/* A provenance file: when the host keeps a record of the files it opened
 * (registry[FLOW_LUA_OPENED]), only one of those; raises otherwise. */
static const char *opened_file(lua_State *L, int t, const char *k)
{
    const char *path = opt_field(L, t, k);
    if (!path)
        return NULL;
    if (lua_getfield(L, LUA_REGISTRYINDEX, FLOW_LUA_OPENED) != LUA_TTABLE) {
        lua_pop(L, 1);
        return path;
    }
    char rp[PATH_MAX];
    int known = realpath(path, rp) && lua_getfield(L, -1, rp) != LUA_TNIL;
    if (!known)
        luaL_error(L, "provenance: %s is not a file this run opened", path);
    lua_pop(L, 2);
    return path;
}

/* w:_write(name, sim, {model_file =, scenario_file =, description =, seed =}) */
static int l_write(lua_State *L)
{
    lres *u = check(L, 1);
    const char *name = luaL_checkstring(L, 2);
    flow_sim *s = flow_lua_checksim(L, 3);
    flow_provenance prov = { 0 };
    if (lua_istable(L, 4)) {
        prov.model_file = opened_file(L, 4, "model_file");
        prov.scenario_file = opened_file(L, 4, "scenario_file");
        prov.description = opt_field(L, 4, "description");
        lua_getfield(L, 4, "seed");
        if (lua_isinteger(L, -1)) {
            prov.seed = (unsigned long long)lua_tointeger(L, -1);
            prov.has_seed = 1;
        }
        lua_pop(L, 1);
    }
    if (flow_results_write(u->r, name, s, &prov))
        return fail(L);
    return 0;
}

static int l_compression(lua_State *L)
{
    lres *u = check(L, 1);
    if (flow_results_set_compression(u->r, (int)luaL_checkinteger(L, 2)))
        return fail(L);
    return 0;
}

static int l_checksums(lua_State *L)
{
    lres *u = check(L, 1);
    if (flow_results_set_checksums(u->r, lua_toboolean(L, 2)))
        return fail(L);
    return 0;
}

static int l_commit(lua_State *L)
{
    lres *u = check(L, 1);
    flow_results *r = u->r;
    u->r = NULL; /* commit frees it whatever happens */
    if (flow_results_commit(r))
        return fail(L);
    return 0;
}

static int l_close(lua_State *L)
{
    lres *u = luaL_checkudata(L, 1, RES_MT);
    flow_results_close(u->r);
    u->r = NULL;
    return 0;
}

static int scenario_of(lua_State *L, lres *u, int arg)
{
    if (lua_isnoneornil(L, arg))
        return -1;
    int s;
    if (flow_results_find_scenario(u->r, luaL_checkstring(L, arg), &s))
        fail(L);
    return s;
}

static int l_scenarios(lua_State *L)
{
    lres *u = check(L, 0);
    int n = flow_results_n_scenarios(u->r);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, flow_results_scenario(u->r, i));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int l_years(lua_State *L)
{
    lres *u = check(L, 0);
    int s = scenario_of(L, u, 2), first, last;
    if (flow_results_years(u->r, s, &first, &last))
        return fail(L);
    lua_pushinteger(L, first);
    lua_pushinteger(L, last);
    return 2;
}

/* r:names(scenario, kind) -> {name, ...}; units as a second list; for
 * indicators their titles as a third ("" for none, also in older files) */
static int l_names(lua_State *L)
{
    lres *u = check(L, 0);
    int s = scenario_of(L, u, 2);
    flow_item_kind k = (flow_item_kind)luaL_checkoption(L, 3, NULL, kinds);
    flow_error_clear();
    int n = flow_results_n_items(u->r, s, k);
    if (n == 0 && flow_error_last()[0])
        return fail(L);
    int titled = k == FLOW_ITEM_INDICATOR;
    lua_createtable(L, n, 0);
    lua_createtable(L, n, 0);
    if (titled)
        lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, flow_results_item_name(u->r, s, k, i));
        lua_rawseti(L, -3 - titled, i + 1);
        lua_pushstring(L, flow_results_item_unit(u->r, s, k, i));
        lua_rawseti(L, -2 - titled, i + 1);
        if (titled) {
            lua_pushstring(L, flow_results_indicator_title(u->r, s, i));
            lua_rawseti(L, -2, i + 1);
        }
    }
    return 2 + titled;
}

/* r:get(scenario, kind, name, year) */
static int l_get(lua_State *L)
{
    lres *u = check(L, 0);
    int s = scenario_of(L, u, 2), item;
    flow_item_kind k = (flow_item_kind)luaL_checkoption(L, 3, NULL, kinds);
    double v;
    if (flow_results_find_item(u->r, s, k, luaL_checkstring(L, 4), &item) ||
        flow_results_get(u->r, s, k, item, (int)luaL_checkinteger(L, 5), &v))
        return fail(L);
    lua_pushnumber(L, v);
    return 1;
}

/* r:series(scenario, kind, name) -> {[year] = value} */
static int l_series(lua_State *L)
{
    lres *u = check(L, 0);
    int s = scenario_of(L, u, 2), item, first, last;
    flow_item_kind k = (flow_item_kind)luaL_checkoption(L, 3, NULL, kinds);
    if (flow_results_find_item(u->r, s, k, luaL_checkstring(L, 4), &item) ||
        flow_results_years(u->r, s, &first, &last))
        return fail(L);
    double *v = lua_newuserdatauv(L, (size_t)(last - first + 1) * sizeof *v, 0);
    if (flow_results_series(u->r, s, k, item, v))
        return fail(L);
    lua_createtable(L, 0, last - first + 1);
    for (int y = first; y <= last; y++) {
        lua_pushnumber(L, v[y - first]);
        lua_rawseti(L, -2, y);
    }
    return 1;
}

/* r:targets(scenario) -> {{indicator, year, cmp, value, achieved, met, source}, ...} */
static int l_targets(lua_State *L)
{
    lres *u = check(L, 0);
    int s = scenario_of(L, u, 2);
    flow_error_clear();
    int n = flow_results_n_targets(u->r, s);
    if (n == 0 && flow_error_last()[0])
        return fail(L);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        flow_results_target_info t;
        if (flow_results_target(u->r, s, i, &t))
            return fail(L);
        lua_createtable(L, 0, 7);
        lua_pushstring(L, t.indicator);
        lua_setfield(L, -2, "indicator");
        lua_pushinteger(L, t.year);
        lua_setfield(L, -2, "year");
        lua_pushstring(L, flow_cmp_name(t.cmp));
        lua_setfield(L, -2, "cmp");
        lua_pushnumber(L, t.value);
        lua_setfield(L, -2, "value");
        lua_pushnumber(L, t.achieved);
        lua_setfield(L, -2, "achieved");
        if (t.met >= 0) {
            lua_pushboolean(L, t.met);
            lua_setfield(L, -2, "met");
        }
        lua_pushstring(L, t.source);
        lua_setfield(L, -2, "source");
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* r:samples(scenario, what) -> n_samples, n_years, n_items */
static int l_samples(lua_State *L)
{
    lres *u = check(L, 0);
    int s = scenario_of(L, u, 2), n, T, k;
    if (flow_results_samples_size(u->r, s, luaL_checkstring(L, 3), &n, &T, &k))
        return fail(L);
    lua_pushinteger(L, n);
    lua_pushinteger(L, T);
    lua_pushinteger(L, k);
    return 3;
}

/* r:sample(scenario, what, i) -> {{item 1, item 2, ...} of year 1, ...},
 * i from 1 */
static int l_sample(lua_State *L)
{
    lres *u = check(L, 0);
    int s = scenario_of(L, u, 2), n, T, k;
    const char *what = luaL_checkstring(L, 3);
    lua_Integer i = luaL_checkinteger(L, 4);
    if (flow_results_samples_size(u->r, s, what, &n, &T, &k))
        return fail(L);
    if (i < 1 || i > n)
        return luaL_error(L, "samples '%s' of scenario '%s': no sample %d (there are %d)", what,
                          flow_results_scenario(u->r, s), (int)i, n);
    double *v = lua_newuserdatauv(L, (size_t)T * (size_t)(k ? k : 1) * sizeof *v, 0);
    if (flow_results_samples_read(u->r, s, what, (int)i - 1, v))
        return fail(L);
    lua_createtable(L, T, 0);
    for (int t = 0; t < T; t++) {
        lua_createtable(L, k, 0);
        for (int j = 0; j < k; j++) {
            lua_pushnumber(L, v[(size_t)t * (size_t)k + (size_t)j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_rawseti(L, -2, t + 1);
    }
    return 1;
}

/* r:attr(scenario|nil, name) */
static int l_attr(lua_State *L)
{
    lres *u = check(L, 0);
    int s = scenario_of(L, u, 2);
    flow_error_clear();
    const char *v = flow_results_attr(u->r, s, luaL_checkstring(L, 3));
    if (!v && flow_error_last_code())
        return fail(L); /* present but unreadable: a corrupt file */
    if (v)
        lua_pushstring(L, v);
    else
        lua_pushnil(L);
    return 1;
}

static const luaL_Reg methods[] = {
    { "_write", l_write },   { "compression", l_compression }, { "checksums", l_checksums }, { "commit", l_commit },
    { "close", l_close },    { "scenarios", l_scenarios },      { "years", l_years },
    { "names", l_names },    { "get", l_get },                  { "series", l_series },
    { "targets", l_targets }, { "attr", l_attr },               { "samples", l_samples },
    { "sample", l_sample },  { NULL, NULL }
};

void flow_luaresults__open(lua_State *L)
{
    flow_lua__new_class(L, RES_MT, methods, l_gc);
}

int flow_luaresults__create(lua_State *L)
{
    return l_create(L);
}

int flow_luaresults__open_file(lua_State *L)
{
    return l_open(L);
}
