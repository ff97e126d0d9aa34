/*
 * lua.c — the Lua 5.4 binding of libflow: `require "flow"`.
 *
 * Two layers. This file is the C layer: userdata for compiled models
 * ("flow.Model") and simulations ("flow.Sim") over the C API, and the
 * low-level builders the Lua layer calls (flow.dsm is luadsm.c).
 * flow.lua (embedded at build time as flow_lua.h) is the Lua layer: the
 * declarative model descriptions, series, expressions, scenarios and the
 * target table. Errors raised from C carry the definition site of the
 * object at fault ("models/city.lua:12: ...") because the Lua layer hands
 * every object's site to flow_model_set_origin() before adding it.
 *
 * The same code is behind the Lua C module lua/flow.so (whose
 * luaopen_flow calls flow_lua_open) that a plain lua5.4 loads from its
 * cpath, and the module flowsim preloads.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "flow_int.h"
#include "flow_plugin.h"
#include "flow_lua.h"
#include "flow_lua_src.h" /* flow.lua as the string flow_lua_source (generated) */
#include "lua_int.h"

#define MODEL_MT "flow.Model"
#define SIM_MT "flow.Sim"
#define ALLOC_KEY "flow.allocator" /* registry: the host's flow_allocator, a light userdata */

typedef struct lmodel {
    flow_model *m;
    int sims;    /* live simulations borrowing m */
    int closed;  /* __gc or __close ran: m is freed when the last simulation goes */
} lmodel;

typedef struct lsim {
    flow_sim *s;
} lsim;

/* Raises the library's last error as a Lua error (no position prefix: the
 * message names its own site when it has one). */
/* The registry key under which the last error raised by the binding is
 * kept: a host's message handler compares the error it catches with it to
 * tell "the model is wrong at file:line" (print the line) from a bug in a
 * script (print a traceback). */
#define LASTERR_KEY "flow.lasterror"

static int raise(lua_State *L, int rc)
{
    (void)rc;
    lua_pushstring(L, flow_error_last());
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, LASTERR_KEY);
    return lua_error(L);
}

/* An error about the model being built, prefixed with the site of the
 * object being added (set by the Lua layer through _origin) and marked as
 * a model error. */
static int model_error(lua_State *L, const flow_model *m, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (m && m->cur.file)
        lua_pushfstring(L, "%s:%d: %s", m->cur.file, m->cur.line, msg);
    else
        lua_pushstring(L, msg);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, LASTERR_KEY);
    return lua_error(L);
}

/* A parse error from the library (no site of its own): with the site. */
static int raise_at(lua_State *L, const flow_model *m)
{
    return model_error(L, m, "%s", flow_error_last());
}

/* mark(msg): remembers msg as an error of the model (see raise). */
static int l_mark(lua_State *L)
{
    luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, LASTERR_KEY);
    return 0;
}

int flow_lua_is_model_error(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_getfield(L, LUA_REGISTRYINDEX, LASTERR_KEY);
    int same = lua_type(L, idx) == LUA_TSTRING && lua_rawequal(L, idx, -1);
    lua_pop(L, 1);
    return same;
}

/* nearest(name, {names}) -> the closest name, or nil (flow_model__nearest's
 * rule, so Lua and C suggest alike) */
static int l_nearest(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    const char **names = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *names, 0);
    size_t k = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 2, i);
        const char *cand = lua_tostring(L, -1);
        lua_pop(L, 1); /* the string stays alive in the table */
        if (cand)
            names[k++] = cand;
    }
    const char *best = flow_model__nearest(name, names, k, sizeof *names);
    if (best)
        lua_pushstring(L, best);
    else
        lua_pushnil(L);
    return 1;
}

/* An integer argument (an index, a year) that fits an int: never
 * truncated (a year 2^32 + 2020 is not 2020). */
static int checkint(lua_State *L, int i)
{
    lua_Integer v = luaL_checkinteger(L, i);
    if (v < INT_MIN || v > INT_MAX)
        return luaL_error(L, "%I is out of range", v);
    return (int)v;
}

#define TRY(call)                          \
    do {                                   \
        int rc_ = (call);                  \
        if (rc_ != 0)                      \
            return raise(L, rc_);          \
    } while (0)

static flow_model *checkmodel(lua_State *L, int i)
{
    lmodel *u = luaL_checkudata(L, i, MODEL_MT);
    if (!u->m || u->closed)
        luaL_error(L, "the model has been freed");
    return u->m;
}

static flow_sim *checksim(lua_State *L, int i)
{
    lsim *u = luaL_checkudata(L, i, SIM_MT);
    if (!u->s)
        luaL_error(L, "the simulation has been freed");
    return u->s;
}

flow_model *flow_lua_checkmodel(lua_State *L, int idx) { return checkmodel(L, idx); }
flow_sim *flow_lua_checksim(lua_State *L, int idx) { return checksim(L, idx); }

/* ---- models ---------------------------------------------------------------------- */


/* The allocator a host set for the models of this state, or NULL. */
static const flow_allocator *state_allocator(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, ALLOC_KEY);
    const flow_allocator *a = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return a;
}

void flow_lua_set_allocator(lua_State *L, const flow_allocator *a)
{
    lua_pushlightuserdata(L, (void *)a);
    lua_setfield(L, LUA_REGISTRYINDEX, ALLOC_KEY);
}

static int l_model_new(lua_State *L)
{
    int first = checkint(L, 1), last = checkint(L, 2);
    lmodel *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->m = NULL;
    u->sims = 0;
    u->closed = 0;
    luaL_setmetatable(L, MODEL_MT);
    TRY(flow_model_new(&u->m, first, last, state_allocator(L)));
    return 1;
}

/* Also __close, and callable by hand through debug.getmetatable: the
 * userdata stays valid (checkmodel refuses it from now on), and the model
 * itself lives until its last simulation is freed. */
static int l_model_gc(lua_State *L)
{
    lmodel *u = luaL_checkudata(L, 1, MODEL_MT);
    u->closed = 1;
    if (u->sims == 0) {
        flow_model_free(u->m);
        u->m = NULL;
    }
    return 0;
}

static int l_origin(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    TRY(flow_model_set_origin(m, luaL_optstring(L, 2, NULL), (int)luaL_optinteger(L, 3, 0)));
    return 0;
}

/* Indices cross the boundary 0-based, as in C; the Lua layer keeps them. */
static int push_idx(lua_State *L, int idx)
{
    lua_pushinteger(L, idx);
    return 1;
}

static int l_material(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    flow_category cat;
    if (flow_category_parse(luaL_checkstring(L, 3), &cat))
        return raise_at(L, m);
    int idx;
    TRY(flow_model_add_material(m, luaL_checkstring(L, 2), cat, luaL_optstring(L, 4, "t"), &idx));
    return push_idx(L, idx);
}

/* _param(name, unit, rule, years{}, values{}) */
static int l_param(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    const char *name = luaL_checkstring(L, 2);
    const char *unit = luaL_optstring(L, 3, NULL);
    flow_interp rule;
    if (flow_interp_parse(luaL_checkstring(L, 4), &rule))
        return raise_at(L, m);
    luaL_checktype(L, 5, LUA_TTABLE);
    luaL_checktype(L, 6, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 5);
    if (n != luaL_len(L, 6))
        return model_error(L, m, "parameter '%s': %d years but %d values", name, (int)n, (int)luaL_len(L, 6));
    if (n <= 0 || n > 100000)
        return model_error(L, m, "parameter '%s' has no points", name);
    int *years = lua_newuserdatauv(L, (size_t)n * sizeof *years, 0);
    double *vals = lua_newuserdatauv(L, (size_t)n * sizeof *vals, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 5, i);
        lua_geti(L, 6, i);
        int isnum;
        lua_Integer y = lua_tointegerx(L, -2, &isnum);
        if (!isnum || y < INT_MIN || y > INT_MAX)
            return model_error(L, m, "parameter '%s': point %d: the year is not a whole number of int's range",
                               name, (int)i);
        double v = lua_tonumberx(L, -1, &isnum);
        if (!isnum)
            return model_error(L, m, "parameter '%s', year %d: the value is not a number", name, (int)y);
        years[i - 1] = (int)y;
        vals[i - 1] = v;
        lua_pop(L, 2);
    }
    int idx;
    TRY(flow_model_add_param(m, name, unit, rule, (size_t)n, years, vals, &idx));
    return push_idx(L, idx);
}

static int l_param_product(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    int idx;
    TRY(flow_model_add_param_product(m, luaL_checkstring(L, 2), luaL_optstring(L, 3, NULL),
                                     checkint(L, 4), checkint(L, 5), &idx));
    return push_idx(L, idx);
}

static int l_bounds(lua_State *L)
{
    TRY(flow_model_set_param_bounds(checkmodel(L, 1), checkint(L, 2), luaL_checknumber(L, 3),
                                    luaL_checknumber(L, 4)));
    return 0;
}

/* _process(name, kind): a core kind (source, split, sink, stock), else the
 * name of a plugin type (flow_plugin_find: the registry, the modules on
 * $FLOW_PLUGIN_PATH, the installed ones) */
static int l_process(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    const char *name = luaL_checkstring(L, 2), *kind = luaL_checkstring(L, 3);
    flow_kind k;
    int idx;
    if (flow_kind_parse(kind, &k) == 0 && k != FLOW_TYPED) {
        TRY(flow_model_add_process(m, name, k, &idx));
        return push_idx(L, idx);
    }
    /* not a core kind: a plugin type, unless it is a typo of a core kind */
    char kmsg[400];
    snprintf(kmsg, sizeof kmsg, "%s", flow_error_last());
    int rc = flow_model_add_typed_process(m, name, kind, &idx);
    if (rc == FLOW_ENOTFOUND && k != FLOW_TYPED && strstr(kmsg, "did you mean"))
        return model_error(L, m, "%s, nor a plugin type of that name", kmsg);
    TRY(rc);
    return push_idx(L, idx);
}

/* _type_param(process, name, coef, param|nil) */
static int l_type_param(lua_State *L)
{
    TRY(flow_model_set_type_param(checkmodel(L, 1), checkint(L, 2), luaL_checkstring(L, 3),
                                  luaL_checknumber(L, 4),
                                  lua_isnoneornil(L, 5) ? FLOW_NONE : checkint(L, 5)));
    return 0;
}

/* _port(process, port, to) */
static int l_port(lua_State *L)
{
    int idx;
    TRY(flow_model_add_port_flow(checkmodel(L, 1), checkint(L, 2), luaL_checkstring(L, 3),
                                 checkint(L, 4), &idx));
    return push_idx(L, idx);
}

static int optidx(lua_State *L, int i)
{
    return lua_isnoneornil(L, i) ? FLOW_NONE : checkint(L, i);
}

static int l_capacity(lua_State *L)
{
    TRY(flow_model_set_capacity(checkmodel(L, 1), checkint(L, 2), checkint(L, 3),
                                optidx(L, 4)));
    return 0;
}

static int l_generation(lua_State *L)
{
    TRY(flow_model_set_generation(checkmodel(L, 1), checkint(L, 2), checkint(L, 3),
                                  luaL_checknumber(L, 4), optidx(L, 5)));
    return 0;
}

static int l_stock_path(lua_State *L)
{
    TRY(flow_model_set_stock_path(checkmodel(L, 1), checkint(L, 2), checkint(L, 3),
                                  luaL_checknumber(L, 4), optidx(L, 5)));
    return 0;
}

static int l_initial(lua_State *L)
{
    TRY(flow_model_set_initial_stock(checkmodel(L, 1), checkint(L, 2),
                                     checkint(L, 3), luaL_checknumber(L, 4)));
    return 0;
}

static const char *const stock_modes[] = { "accumulate", "storage", "inuse", "inuse_driven", NULL };

static int l_stock_mode(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    const char *name = luaL_checkstring(L, 3);
    for (int i = 0; stock_modes[i]; i++)
        if (strcmp(name, stock_modes[i]) == 0) {
            TRY(flow_model_set_stock_mode(m, checkint(L, 2), (flow_stock_mode)i));
            return 0;
        }
    const char *near = flow_model__nearest(name, stock_modes, 4, sizeof *stock_modes);
    return model_error(L, m, "process '%s': no stock mode '%s'%s%s%s (known: accumulate, storage, inuse, inuse_driven)",
                       flow_model_process_name(m, checkint(L, 2)), name,
                       near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

/* A lifetime from a Lua table: {"normal", mean=, sd=} and the like. */
static int get_lifetime(lua_State *L, const flow_model *m, int i, flow_lifetime *lt)
{
    static const char *const kinds[] = { "fixed", "normal", "foldednormal", "lognormal", "weibull", "exponential",
                                         NULL };
    if (!lua_istable(L, i))
        return model_error(L, m, "a lifetime is a table {kind, ...}: e.g. {\"normal\", mean = 12, sd = 3}");
    lua_geti(L, i, 1);
    const char *k = lua_tostring(L, -1);
    if (!k)
        return model_error(L, m, "a lifetime is a table {kind, ...}: e.g. {\"normal\", mean = 12, sd = 3}");
    int kind = -1;
    for (int j = 0; kinds[j]; j++)
        if (strcmp(k, kinds[j]) == 0)
            kind = j;
    if (kind < 0) {
        const char *near = flow_model__nearest(k, kinds, 6, sizeof *kinds);
        return model_error(L, m, "no lifetime kind '%s'%s%s%s (known: fixed, normal, foldednormal, lognormal, "
                                 "weibull, exponential)",
                           k, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    }
    lua_pop(L, 1);
    static const char *const fa[] = { NULL, "mean", "mean", "mean", "shape", "mean" };
    static const char *const fb[] = { NULL, "sd", "sd", "sd", "scale", NULL };
    lt->kind = (flow_lifetime_kind)kind;
    lt->a = lt->b = 0;
    if (kind == FLOW_LT_FIXED) {
        lua_geti(L, i, 2);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_getfield(L, i, "L");
        }
        if (!lua_isnumber(L, -1))
            return model_error(L, m, "a fixed lifetime is {\"fixed\", L}");
        lt->a = lua_tonumber(L, -1);
        lua_pop(L, 1);
        return 0;
    }
    lua_getfield(L, i, fa[kind]);
    if (!lua_isnumber(L, -1))
        return model_error(L, m, "a %s lifetime needs %s = <number>", k, fa[kind]);
    lt->a = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (fb[kind]) {
        lua_getfield(L, i, fb[kind]);
        if (!lua_isnumber(L, -1))
            return model_error(L, m, "a %s lifetime needs %s = <number>", k, fb[kind]);
        lt->b = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    return 0;
}

/* For luadsm.c: a lifetime outside a model (errors name no site). */
int flow_lua__lifetime(lua_State *L, int i, flow_lifetime *lt)
{
    return get_lifetime(L, NULL, i, lt);
}

static int l_lifetime(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    flow_lifetime lt;
    get_lifetime(L, m, 3, &lt);
    TRY(flow_model_set_lifetime(m, checkint(L, 2), &lt));
    return 0;
}

static const char *const flow_modes[] = { "share", "fixed", "rest", NULL };

/* _flow(from, to, material|nil, mode, coef, param|nil) */
static int l_flow(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    int mode = luaL_checkoption(L, 5, NULL, flow_modes);
    int idx;
    TRY(flow_model_add_flow(m, checkint(L, 2), checkint(L, 3),
                            lua_isnoneornil(L, 4) ? FLOW_ALL : checkint(L, 4), (flow_mode)mode,
                            luaL_optnumber(L, 6, 1), optidx(L, 7), &idx));
    return push_idx(L, idx);
}

/* ---- expressions ------------------------------------------------------------------ */

/* Reads an integer list field of a selector table into buf (at most 256). */
static size_t int_list(lua_State *L, int t, const char *field, int *buf)
{
    lua_getfield(L, t, field);
    size_t n = 0;
    if (lua_istable(L, -1)) {
        lua_Integer len = luaL_len(L, -1);
        if (len > 256)
            luaL_error(L, "selector: at most 256 entries in '%s'", field);
        for (lua_Integer i = 1; i <= len; i++) {
            lua_geti(L, -1, i);
            buf[n++] = checkint(L, -1);
            lua_pop(L, 1);
        }
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "selector: '%s' must be a list", field);
    }
    lua_pop(L, 1);
    return n;
}

/* _expr_sum(kind "flows"|"stocks", sel) where sel holds 0-based index
 * lists from, to, from_kind, to_kind, material, category (the Lua layer
 * has resolved names). */
static int l_expr_sum(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    const char *kind = luaL_checkstring(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    int from[256], to[256], fk[256], tk[256], mats[256], cats[256];
    flow_selector sel = FLOW_SELECTOR_INIT;
    sel.n_from = int_list(L, 3, "from", from);
    sel.from = from;
    sel.n_to = int_list(L, 3, "to", to);
    sel.to = to;
    sel.n_from_kind = int_list(L, 3, "from_kind", fk);
    sel.from_kind = (const flow_kind *)fk;
    sel.n_to_kind = int_list(L, 3, "to_kind", tk);
    sel.to_kind = (const flow_kind *)tk;
    sel.n_materials = int_list(L, 3, "material", mats);
    sel.materials = mats;
    sel.n_categories = int_list(L, 3, "category", cats);
    sel.categories = (const flow_category *)cats;
    int node;
    if (strcmp(kind, "stocks") == 0)
        TRY(flow_expr_stocks(m, &sel, &node));
    else
        TRY(flow_expr_flows(m, &sel, &node));
    return push_idx(L, node);
}

/* _expr_metrics(name, {from = {processes}}) */
static int l_expr_metrics(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    const char *name = luaL_checkstring(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    int from[256];
    size_t n = int_list(L, 3, "from", from);
    int node;
    TRY(flow_expr_metrics(m, from, n, name, &node));
    return push_idx(L, node);
}

static int l_expr_param(lua_State *L)
{
    int node;
    TRY(flow_expr_param(checkmodel(L, 1), checkint(L, 2), &node));
    return push_idx(L, node);
}

static int l_expr_const(lua_State *L)
{
    int node;
    TRY(flow_expr_const(checkmodel(L, 1), luaL_checknumber(L, 2), &node));
    return push_idx(L, node);
}

static int l_expr_op(lua_State *L)
{
    static const char *const ops[] = { "+", "-", "*", "/", "min", "max", NULL };
    int node;
    TRY(flow_expr_op(checkmodel(L, 1), (flow_op)luaL_checkoption(L, 2, NULL, ops), checkint(L, 3),
                     checkint(L, 4), &node));
    return push_idx(L, node);
}

static int l_expr_year(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    const char *what = luaL_checkstring(L, 2);
    int node, a = checkint(L, 3), y = checkint(L, 4);
    if (strcmp(what, "at") == 0)
        TRY(flow_expr_at(m, a, y, &node));
    else
        TRY(flow_expr_change(m, a, y, &node));
    return push_idx(L, node);
}

static int l_indicator(lua_State *L)
{
    int idx;
    flow_model *m = checkmodel(L, 1);
    TRY(flow_model_add_indicator(m, luaL_checkstring(L, 2), luaL_optstring(L, 3, NULL),
                                 checkint(L, 4), luaL_optstring(L, 5, NULL), &idx));
    TRY(flow_model_set_indicator_title(m, idx, luaL_optstring(L, 6, NULL)));
    return push_idx(L, idx);
}

static int l_target(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    flow_cmp cmp;
    if (flow_cmp_parse(luaL_checkstring(L, 4), &cmp))
        return raise_at(L, m);
    int idx;
    TRY(flow_model_add_target(m, checkint(L, 2), checkint(L, 3), cmp,
                              luaL_optnumber(L, 5, 0), luaL_optstring(L, 6, NULL), &idx));
    return push_idx(L, idx);
}

static int l_compile(lua_State *L)
{
    TRY(flow_model_compile(checkmodel(L, 1)));
    return 0;
}

/* counts(): materials, processes, flows, flow items, parameters, indicators, targets */
static int l_counts(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, flow_model_n_materials(m));
    lua_setfield(L, -2, "materials");
    lua_pushinteger(L, flow_model_n_processes(m));
    lua_setfield(L, -2, "processes");
    lua_pushinteger(L, flow_model_n_flows(m));
    lua_setfield(L, -2, "flows");
    lua_pushinteger(L, flow_model_n_items(m, FLOW_ITEM_FLOW));
    lua_setfield(L, -2, "flow_items");
    lua_pushinteger(L, flow_model_n_items(m, FLOW_ITEM_STOCK));
    lua_setfield(L, -2, "stock_items");
    lua_pushinteger(L, flow_model_n_params(m));
    lua_setfield(L, -2, "parameters");
    lua_pushinteger(L, flow_model_n_indicators(m));
    lua_setfield(L, -2, "indicators");
    lua_pushinteger(L, flow_model_n_targets(m));
    lua_setfield(L, -2, "targets");
    return 1;
}

/* ---- simulations ------------------------------------------------------------------- */

static int l_sim_new(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    lsim *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->s = NULL;
    luaL_setmetatable(L, SIM_MT);
    /* the simulation borrows the model: keep it alive */
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    TRY(flow_sim_new(&u->s, m));
    ((lmodel *)lua_touserdata(L, 1))->sims++;
    return 1;
}

static int l_sim_gc(lua_State *L)
{
    lsim *u = luaL_checkudata(L, 1, SIM_MT);
    if (!u->s)
        return 0;
    flow_sim_free(u->s);
    u->s = NULL;
    lua_getiuservalue(L, 1, 1);
    lmodel *mu = luaL_testudata(L, -1, MODEL_MT);
    if (mu && --mu->sims == 0 && mu->closed) {
        flow_model_free(mu->m);
        mu->m = NULL;
    }
    return 0;
}

static int l_sim_step(lua_State *L)
{
    TRY(flow_sim_step(checksim(L, 1)));
    return 0;
}

static int l_sim_year(lua_State *L)
{
    lua_pushinteger(L, flow_sim_year(checksim(L, 1)));
    return 1;
}

/* set(param_index, year, value [, to_end]) */
static int l_sim_set(lua_State *L)
{
    flow_sim *s = checksim(L, 1);
    int p = checkint(L, 2), y = checkint(L, 3);
    double v = luaL_checknumber(L, 4);
    if (lua_toboolean(L, 5))
        TRY(flow_sim_set_param_from(s, p, y, v));
    else
        TRY(flow_sim_set_param(s, p, y, v));
    return 0;
}

static const char *const item_kinds[] = { "flow", "stock", "param", "indicator", "metric", NULL };

/* find(kind, name) -> item index */
static int l_find(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    int kind = luaL_checkoption(L, 2, NULL, item_kinds), item;
    TRY(flow_model_find_item(m, (flow_item_kind)kind, luaL_checkstring(L, 3), &item));
    return push_idx(L, item);
}

/* get(kind, item, year) -> value */
static int l_sim_get(lua_State *L)
{
    flow_sim *s = checksim(L, 1);
    int kind = luaL_checkoption(L, 2, NULL, item_kinds);
    double v;
    TRY(flow_sim_get(s, (flow_item_kind)kind, checkint(L, 3), checkint(L, 4), &v));
    lua_pushnumber(L, v);
    return 1;
}

/* row(kind, year) -> {name = value} for every item of the kind */
static int l_sim_row(lua_State *L)
{
    flow_sim *s = checksim(L, 1);
    int kind = luaL_checkoption(L, 2, NULL, item_kinds);
    int year = checkint(L, 3);
    const flow_model *m = flow_sim_model(s);
    const double *row = flow_sim_row(s, (flow_item_kind)kind, year);
    if (!row)
        return luaL_error(L, "year %d has not been simulated", year);
    int n = flow_model_n_items(m, (flow_item_kind)kind);
    lua_createtable(L, 0, n);
    for (int i = 0; i < n; i++) {
        flow_item_info info;
        flow_model_item_info(m, (flow_item_kind)kind, i, &info);
        lua_pushnumber(L, row[i]);
        lua_setfield(L, -2, info.name);
    }
    return 1;
}

/* names(kind) -> list of item names (1-based list of 0-based items) */
static int l_names(lua_State *L)
{
    flow_model *m = checkmodel(L, 1);
    int kind = luaL_checkoption(L, 2, NULL, item_kinds);
    int n = flow_model_n_items(m, (flow_item_kind)kind);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        flow_item_info info;
        flow_model_item_info(m, (flow_item_kind)kind, i, &info);
        lua_pushstring(L, info.name);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* target(i) -> achieved, met (nil when it cannot be judged) */
static int l_sim_target(lua_State *L)
{
    flow_sim *s = checksim(L, 1);
    double a;
    int met;
    TRY(flow_sim_target(s, checkint(L, 2), &a, &met));
    lua_pushnumber(L, a);
    if (met < 0)
        lua_pushnil(L);
    else
        lua_pushboolean(L, met);
    return 2;
}

/* ---- registration --------------------------------------------------------------------- */

static const luaL_Reg model_methods[] = {
    { "_origin", l_origin },
    { "_material", l_material },
    { "_param", l_param },
    { "_param_product", l_param_product },
    { "_bounds", l_bounds },
    { "_process", l_process },
    { "_type_param", l_type_param },
    { "_port", l_port },
    { "_capacity", l_capacity },
    { "_generation", l_generation },
    { "_stock_path", l_stock_path },
    { "_initial", l_initial },
    { "_stock_mode", l_stock_mode },
    { "_lifetime", l_lifetime },
    { "_flow", l_flow },
    { "_expr_sum", l_expr_sum },
    { "_expr_param", l_expr_param },
    { "_expr_metrics", l_expr_metrics },
    { "_expr_const", l_expr_const },
    { "_expr_op", l_expr_op },
    { "_expr_year", l_expr_year },
    { "_indicator", l_indicator },
    { "_target", l_target },
    { "_compile", l_compile },
    { "_find", l_find },
    { "_names", l_names },
    { "counts", l_counts },
    { NULL, NULL }
};

static const luaL_Reg sim_methods[] = {
    { "_step", l_sim_step },
    { "_set", l_sim_set },
    { "_get", l_sim_get },
    { "_row", l_sim_row },
    { "_target", l_sim_target },
    { "year", l_sim_year },
    { NULL, NULL }
};

/* type_known(name): a process type the registry has or can load */
static int l_type_known(lua_State *L)
{
    const flow_process_type *t;
    lua_pushboolean(L, flow_plugin_find(luaL_checkstring(L, 1), &t) == 0);
    return 1;
}

static const luaL_Reg core_funcs[] = {
    { "process_type", flow_luatype__new },
    { "results_create", flow_luaresults__create },
    { "results_open", flow_luaresults__open_file },
    { "type_known", l_type_known },
    { "mark", l_mark },
    { "nearest", l_nearest },
    { "model_new", l_model_new },
    { "sim_new", l_sim_new },
    { "ensemble_new", flow_luaens__new },
    { "brent", flow_luaens__brent },
    { "ensemble_file", flow_luaens__file },
    { "ensemble_summary", flow_luaens__file_summary },
    { "sensitivity_save", flow_luaens__sens_save },
    { "sensitivity_file", flow_luaens__sens_file },
    { NULL, NULL }
};

void flow_lua__new_class(lua_State *L, const char *mt, const luaL_Reg *methods, lua_CFunction gc)
{
    luaL_newmetatable(L, mt);
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__close");
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    flow_lua__lock_metatable(L);
    lua_pop(L, 1);
}

void flow_lua__lock_metatable(lua_State *L)
{
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
}

int flow_lua_open(lua_State *L)
{
    luaL_checkversion(L);
    flow_lua__new_class(L, MODEL_MT, model_methods, l_model_gc);
    flow_lua__new_class(L, SIM_MT, sim_methods, l_sim_gc);
    flow_luatype__open(L);
    flow_luaresults__open(L);
    flow_luadsm__open(L);
    flow_luaens__open(L);
    /* the Lua layer is a chunk that receives the C core and returns the
     * module table */
    if (luaL_loadbufferx(L, flow_lua_source, sizeof flow_lua_source - 1, "=[flow.lua]", "t") != LUA_OK)
        return lua_error(L);
    luaL_newlib(L, core_funcs);
    lua_pushcfunction(L, flow_luadsm__dsm);
    lua_setfield(L, -2, "dsm");
    lua_pushstring(L, flow_version());
    lua_setfield(L, -2, "version");
    /* the debug functions the Lua layer needs to record definition sites,
     * taken before any sandbox could remove them */
    /* not luaL_requiref: that would leave the library in package.loaded,
     * where a sandbox's require could find it (docs/reliability.md) */
    lua_pushcfunction(L, luaopen_debug);
    lua_call(L, 0, 1);
    lua_getfield(L, -1, "getinfo");
    lua_setfield(L, -3, "getinfo");
    lua_getfield(L, -1, "traceback");
    lua_setfield(L, -3, "traceback");
    lua_pop(L, 1);
    lua_call(L, 1, 1);
    return 1;
}
