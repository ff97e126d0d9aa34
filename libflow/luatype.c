/*
 * luatype.c — process types written in Lua: flow.process_type{...}.
 *
 * The Lua table becomes a flow_process_type like a module's: its strings
 * and declarations are copied into one block owned by a userdata, its
 * callbacks are C functions that call the Lua ones (type_data points to
 * the ltype), and it is registered with flow_plugin_register(), so the
 * core sees no difference. The type lives as long as the Lua state: the
 * userdata is anchored in the registry and its __gc unregisters the type
 * when the state closes (models of the state are collected before it, as
 * they were made after it). A Lua type may be used only from its own Lua
 * state (the thread that runs it).
 *
 * What a Lua callback gets: a context object c, valid during the call:
 *   c:year(), c:process(), c:param(name), c:stock(material),
 *   c:materials(), c:category(material),
 * and in transfer() the coefficients to fill:
 *   c:set(port, m_out, m_in, t_per_t), c:pass(port, share [, m_in]),
 *   c:release(port, material, tonnes).
 * Errors in Lua become FLOW_ELUA with the Lua message and traceback.
 */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_int.h"
#include "flow_lua.h"
#include "flow_plugin.h"
#include "lua_int.h"

#define LTYPE_MT "flow.ProcessType"
#define CTX_MT "flow.TypeContext"

typedef struct ltype {
    flow_process_type d;  /* what is registered; its strings point into block */
    lua_State *L;
    int ref_transfer, ref_step, ref_init;
    int stateful;
    int registered;
    char *block;
} ltype;

/* The per-process state of a stateful Lua type: a Lua table, by reference. */
typedef struct lstate {
    lua_State *L;
    int ref;
} lstate;

/* The context object: valid only during one callback (ctx NULL after). */
typedef struct ctxbox {
    const flow_type_ctx *ctx;
    const ltype *t;
    flow_transfer *T;     /* NULL but in transfer() */
} ctxbox;

/* ---- the context object ---------------------------------------------------------- */

static ctxbox *checkbox(lua_State *L)
{
    ctxbox *b = luaL_checkudata(L, 1, CTX_MT);
    if (!b->ctx)
        luaL_error(L, "a type's context is valid only during the callback it was given to");
    return b;
}

static int material_of(lua_State *L, const ctxbox *b, int arg)
{
    const char *name = luaL_checkstring(L, arg);
    int m = flow_type_ctx_find_material(b->ctx, name);
    if (m < 0)
        return luaL_error(L, "type '%s': the model has no material '%s'", b->t->d.name, name);
    return m;
}

static int port_of(lua_State *L, const ctxbox *b, int arg)
{
    const char *name = luaL_checkstring(L, arg);
    for (size_t i = 0; i < b->t->d.n_ports; i++)
        if (strcmp(b->t->d.ports[i], name) == 0)
            return (int)i;
    luaL_Buffer buf;
    luaL_buffinit(L, &buf);
    for (size_t i = 0; i < b->t->d.n_ports; i++) {
        if (i)
            luaL_addstring(&buf, ", ");
        luaL_addstring(&buf, b->t->d.ports[i]);
    }
    luaL_pushresult(&buf);
    return luaL_error(L, "type '%s' has no port '%s' (its ports: %s)", b->t->d.name, name, lua_tostring(L, -1));
}

static double value_of(lua_State *L, int arg)
{
    double v = luaL_checknumber(L, arg);
    if (!(v >= 0) || !isfinite(v))
        luaL_error(L, "a coefficient or release must be finite and >= 0, not %f", v);
    return v;
}

static int c_year(lua_State *L)
{
    lua_pushinteger(L, flow_type_ctx_year(checkbox(L)->ctx));
    return 1;
}

static int c_process(lua_State *L)
{
    lua_pushstring(L, flow_type_ctx_process(checkbox(L)->ctx));
    return 1;
}

static int c_param(lua_State *L)
{
    ctxbox *b = checkbox(L);
    const char *name = luaL_checkstring(L, 2);
    for (size_t i = 0; i < b->t->d.n_params; i++)
        if (strcmp(b->t->d.params[i].name, name) == 0) {
            lua_pushnumber(L, flow_type_ctx_param(b->ctx, (int)i));
            return 1;
        }
    return luaL_error(L, "type '%s' declares no parameter '%s'", b->t->d.name, name);
}

static int c_stock(lua_State *L)
{
    ctxbox *b = checkbox(L);
    lua_pushnumber(L, flow_type_ctx_stock(b->ctx, material_of(L, b, 2)));
    return 1;
}

static int c_materials(lua_State *L)
{
    ctxbox *b = checkbox(L);
    int M = flow_type_ctx_n_materials(b->ctx);
    lua_createtable(L, M, 0);
    for (int m = 0; m < M; m++) {
        lua_pushstring(L, flow_type_ctx_material_name(b->ctx, m));
        lua_rawseti(L, -2, m + 1);
    }
    return 1;
}

static int c_category(lua_State *L)
{
    ctxbox *b = checkbox(L);
    lua_pushstring(L, flow_category_name(flow_type_ctx_material_category(b->ctx, material_of(L, b, 2))));
    return 1;
}

static flow_transfer *transfer_of(lua_State *L, ctxbox *b, const char *what)
{
    if (!b->T)
        luaL_error(L, "c:%s() is for transfer()", what);
    return b->T;
}

/* Row (port, m_out) of T, written through flow_transfer_row() (the type
 * declares transfer_by_rows); port and m_out were checked already, so NULL
 * is a bug here, raised as a Lua error rather than a crash. */
static double *row_of(lua_State *L, flow_transfer *T, int port, int m_out)
{
    double *row = flow_transfer_row(T, port, m_out);
    if (!row)
        luaL_error(L, "row (port %d, material %d) is out of range", port, m_out);
    return row;
}

/* c:set(port, m_out, m_in, v): v tonnes of m_out on port per tonne of m_in */
static int c_set(lua_State *L)
{
    ctxbox *b = checkbox(L);
    flow_transfer *T = transfer_of(L, b, "set");
    int port = port_of(L, b, 2), mo = material_of(L, b, 3), mi = material_of(L, b, 4);
    double v = value_of(L, 5);
    row_of(L, T, port, mo)[mi] = v;
    return 0;
}

/* c:pass(port, share [, m_in]): share of each material (or of m_in) to port as itself */
static int c_pass(lua_State *L)
{
    ctxbox *b = checkbox(L);
    flow_transfer *T = transfer_of(L, b, "pass");
    int port = port_of(L, b, 2), M = T->n_materials;
    double v = value_of(L, 3);
    int m0 = 0, m1 = M;
    if (!lua_isnoneornil(L, 4)) {
        m0 = material_of(L, b, 4);
        m1 = m0 + 1;
    }
    for (int m = m0; m < m1; m++)
        row_of(L, T, port, m)[m] = v;
    return 0;
}

/* c:release(port, material, tonnes): from the process's stock */
static int c_release(lua_State *L)
{
    ctxbox *b = checkbox(L);
    flow_transfer *T = transfer_of(L, b, "release");
    int port = port_of(L, b, 2), m = material_of(L, b, 3);
    T->release[(size_t)port * T->n_materials + m] = value_of(L, 4);
    return 0;
}

static const luaL_Reg ctx_methods[] = {
    { "year", c_year },       { "process", c_process }, { "param", c_param },     { "stock", c_stock },
    { "materials", c_materials }, { "category", c_category }, { "set", c_set }, { "pass", c_pass },
    { "release", c_release }, { NULL, NULL }
};

/* ---- calling Lua from the callbacks ------------------------------------------------- */

static int msgh(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    luaL_traceback(L, L, msg ? msg : "(an error that is not a string)", 1);
    return 1;
}

/* Calls the function ref with the context object, then nargs values
 * already on the stack, expecting nres results; on error sets FLOW_ELUA
 * with the message and leaves the stack as it was. On success the
 * results are on the stack. */
static int call(const ltype *t, int ref, const flow_type_ctx *ctx, flow_transfer *T, void *state, int nargs,
                int nres, const char *what)
{
    lua_State *L = t->L;
    int base = lua_gettop(L) - nargs; /* the extra arguments are base + 1 .. base + nargs */
    lua_pushcfunction(L, msgh);
    int h = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    ctxbox *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->ctx = ctx;
    b->t = t;
    b->T = T;
    luaL_setmetatable(L, CTX_MT);
    int n = 1;
    if (t->stateful) {
        lstate *ls = state;
        lua_rawgeti(L, LUA_REGISTRYINDEX, ls->ref);
        n++;
    }
    for (int i = 0; i < nargs; i++)
        lua_pushvalue(L, base + 1 + i);
    int rc = lua_pcall(L, n + nargs, nres, h);
    /* the box may outlive the call in Lua: make it invalid */
    b->ctx = NULL;
    if (rc != LUA_OK) {
        flow_error__set(FLOW_ELUA, "the Lua %s() of type '%s': %s", what, t->d.name,
                        lua_tostring(L, -1) ? lua_tostring(L, -1) : "(error object is not a string)");
        lua_settop(L, base);
        return FLOW_ELUA;
    }
    lua_remove(L, h); /* msgh; the results follow the arguments */
    return 0;
}

static int lt_init(const flow_type_ctx *ctx, void *state)
{
    const ltype *t = flow_type_ctx_type_data(ctx);
    lua_State *L = t->L;
    if (t->stateful) {
        lstate *ls = state;
        lua_newtable(L);
        ls->L = L;
        ls->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    if (t->ref_init == LUA_NOREF)
        return 0;
    int top = lua_gettop(L);
    int rc = call(t, t->ref_init, ctx, NULL, state, 0, 0, "init");
    lua_settop(L, top);
    return rc;
}

static void lt_fini(void *state)
{
    lstate *ls = state;
    if (ls->L)
        luaL_unref(ls->L, LUA_REGISTRYINDEX, ls->ref);
    ls->L = NULL;
}

static int lt_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    const ltype *t = flow_type_ctx_type_data(ctx);
    int top = lua_gettop(t->L);
    int rc = call(t, t->ref_transfer, ctx, T, state, 0, 0, "transfer");
    lua_settop(t->L, top);
    return rc;
}

/* step(c, input, output [, state]) -> {metric = value} or nil */
static int lt_step(const flow_type_ctx *ctx, void *state, const double *in, const double *out, double *metrics)
{
    const ltype *t = flow_type_ctx_type_data(ctx);
    lua_State *L = t->L;
    int top = lua_gettop(L), M = flow_type_ctx_n_materials(ctx);
    lua_createtable(L, 0, M);
    for (int m = 0; m < M; m++) {
        lua_pushnumber(L, in[m]);
        lua_setfield(L, -2, flow_type_ctx_material_name(ctx, m));
    }
    lua_createtable(L, 0, (int)t->d.n_ports);
    for (size_t p = 0; p < t->d.n_ports; p++) {
        lua_createtable(L, 0, M);
        for (int m = 0; m < M; m++) {
            lua_pushnumber(L, out[p * (size_t)M + m]);
            lua_setfield(L, -2, flow_type_ctx_material_name(ctx, m));
        }
        lua_setfield(L, -2, t->d.ports[p]);
    }
    int rc = call(t, t->ref_step, ctx, NULL, state, 2, 1, "step");
    if (rc == 0 && lua_istable(L, -1)) {
        for (size_t i = 0; i < t->d.n_metrics; i++) {
            lua_getfield(L, -1, t->d.metrics[i]);
            metrics[i] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 0;
            lua_pop(L, 1);
        }
    } else if (rc == 0 && !lua_isnil(L, -1)) {
        rc = flow_error__set(FLOW_ELUA, "the Lua step() of type '%s' returned a %s, not a table of metrics",
                             t->d.name, luaL_typename(L, -1));
    }
    lua_settop(L, top);
    return rc;
}

/* ---- flow.process_type{...} ---------------------------------------------------------- */

static int lt_gc(lua_State *L)
{
    ltype **pt = luaL_checkudata(L, 1, LTYPE_MT);
    ltype *t = *pt;
    if (!t)
        return 0;
    if (t->registered)
        flow_plugin_unregister(t->d.name);
    luaL_unref(L, LUA_REGISTRYINDEX, t->ref_transfer);
    luaL_unref(L, LUA_REGISTRYINDEX, t->ref_step);
    luaL_unref(L, LUA_REGISTRYINDEX, t->ref_init);
    free(t->block);
    free(t);
    *pt = NULL;
    return 0;
}

/* A list field of strings: its length (0 if absent); raises on a non-string. */
static size_t string_list(lua_State *L, int spec, const char *field, size_t *bytes)
{
    lua_getfield(L, spec, field);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "flow.process_type: %s must be a list of names", field);
    size_t n = (size_t)lua_rawlen(L, -1);
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "flow.process_type: %s[%d] must be a name", field, (int)i);
        *bytes += lua_rawlen(L, -1) + 1;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return n;
}

static char *put(char **w, const char *s)
{
    char *at = *w;
    size_t l = strlen(s) + 1;
    memcpy(at, s, l);
    *w += l;
    return at;
}

static const char *opt_string(lua_State *L, int t, const char *field)
{
    lua_getfield(L, t, field);
    const char *s = lua_isnil(L, -1) ? NULL : lua_tostring(L, -1);
    if (!s && !lua_isnil(L, -1))
        luaL_error(L, "flow.process_type: %s must be a string", field);
    lua_pop(L, 1); /* the string stays reachable from the table during the call */
    return s;
}

static int ref_function(lua_State *L, int spec, const char *field, int required)
{
    lua_getfield(L, spec, field);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        if (required)
            luaL_error(L, "flow.process_type: %s = function(c) ... end is required", field);
        return LUA_NOREF;
    }
    if (!lua_isfunction(L, -1))
        luaL_error(L, "flow.process_type: %s must be a function", field);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

static int l_process_type(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const int spec = 1;
    const char *name = opt_string(L, spec, "name");
    if (!name)
        return luaL_error(L, "flow.process_type: name is required");
    const char *desc = opt_string(L, spec, "description"), *version = opt_string(L, spec, "version");
    size_t bytes = strlen(name) + 1 + (desc ? strlen(desc) + 1 : 0) + (version ? strlen(version) + 1 : 0);
    size_t np = string_list(L, spec, "ports", &bytes), nm = string_list(L, spec, "metrics", &bytes);
    size_t nmat = string_list(L, spec, "materials", &bytes);
    /* params: a list of {name, unit =, default =, lo =, hi =, doc =} */
    size_t npar = 0;
    lua_getfield(L, spec, "params");
    if (!lua_isnil(L, -1)) {
        if (!lua_istable(L, -1))
            return luaL_error(L, "flow.process_type: params must be a list of {name, default =, lo =, hi =, ...}");
        npar = (size_t)lua_rawlen(L, -1);
        for (size_t i = 1; i <= npar; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i);
            if (!lua_istable(L, -1))
                return luaL_error(L, "flow.process_type: params[%d] must be a table {name, default =, ...}", (int)i);
            lua_rawgeti(L, -1, 1);
            if (lua_type(L, -1) != LUA_TSTRING)
                return luaL_error(L, "flow.process_type: params[%d][1] must be the parameter's name", (int)i);
            bytes += lua_rawlen(L, -1) + 1;
            lua_pop(L, 1);
            const char *u = opt_string(L, -1, "unit"), *d = opt_string(L, -1, "doc");
            bytes += (u ? strlen(u) + 1 : 0) + (d ? strlen(d) + 1 : 0);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);

    ltype **pt = lua_newuserdatauv(L, sizeof *pt, 0);
    *pt = NULL;
    luaL_setmetatable(L, LTYPE_MT);
    ltype *t = calloc(1, sizeof *t);
    size_t arrays = (np + nm + nmat) * sizeof(char *) + npar * sizeof(flow_param_decl);
    char *block = t ? malloc(arrays + bytes + 1) : NULL;
    if (!t || !block) {
        free(t);
        return luaL_error(L, "flow.process_type: out of memory");
    }
    *pt = t; /* from here the userdata's __gc frees them, error or not */
    t->block = block;
    t->L = L;
    t->ref_transfer = t->ref_step = t->ref_init = LUA_NOREF;
    flow_param_decl *params = (flow_param_decl *)block;
    const char **ports = (const char **)(block + npar * sizeof(flow_param_decl));
    const char **metrics = ports + np, **mats = metrics + nm;
    char *w = block + arrays;
    flow_process_type *d = &t->d;
    d->abi_major = FLOW_PLUGIN_ABI_MAJOR;
    d->abi_minor = FLOW_PLUGIN_ABI_MINOR;
    d->struct_size = sizeof *d;
    d->name = put(&w, name);
    d->description = desc ? put(&w, desc) : NULL;
    d->version = version ? put(&w, version) : NULL;
    const char *const fields[3] = { "ports", "metrics", "materials" };
    const char **lists[3] = { ports, metrics, mats };
    size_t counts[3] = { np, nm, nmat };
    for (int k = 0; k < 3; k++) {
        lua_getfield(L, spec, fields[k]);
        for (size_t i = 0; i < counts[k]; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            lists[k][i] = put(&w, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_getfield(L, spec, "params");
    for (size_t i = 0; i < npar; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        lua_rawgeti(L, -1, 1);
        params[i].name = put(&w, lua_tostring(L, -1));
        lua_pop(L, 1);
        const char *u = opt_string(L, -1, "unit"), *doc = opt_string(L, -1, "doc");
        params[i].unit = u ? put(&w, u) : NULL;
        params[i].doc = doc ? put(&w, doc) : NULL;
        const char *keys[3] = { "default", "lo", "hi" };
        double vals[3] = { 0, -INFINITY, INFINITY };
        for (int k = 0; k < 3; k++) {
            lua_getfield(L, -1, keys[k]);
            if (lua_isnumber(L, -1))
                vals[k] = lua_tonumber(L, -1);
            else if (!lua_isnil(L, -1) || k == 0)
                return luaL_error(L, "flow.process_type '%s': parameter '%s': %s must be a number%s", name,
                                  params[i].name, keys[k], k == 0 ? " (it is required)" : "");
            lua_pop(L, 1);
        }
        params[i].def = vals[0];
        params[i].lo = vals[1];
        params[i].hi = vals[2];
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    d->params = params;
    d->n_params = npar;
    d->ports = ports;
    d->n_ports = np;
    d->metrics = metrics;
    d->n_metrics = nm;
    d->materials = mats;
    d->n_materials = nmat;
    lua_getfield(L, spec, "state");
    t->stateful = lua_toboolean(L, -1);
    lua_pop(L, 1);
    t->ref_transfer = ref_function(L, spec, "transfer", 1);
    t->ref_step = ref_function(L, spec, "step", 0);
    t->ref_init = ref_function(L, spec, "init", 0);
    d->transfer = lt_transfer;
    d->transfer_by_rows = 1; /* c:set and c:pass write through flow_transfer_row() */
    d->step = t->ref_step != LUA_NOREF ? lt_step : NULL;
    d->init = t->stateful || t->ref_init != LUA_NOREF ? lt_init : NULL;
    d->fini = t->stateful ? lt_fini : NULL;
    d->state_size = t->stateful ? sizeof(lstate) : 0;
    d->type_data = t;
    if (flow_plugin_register(d) != 0)
        return luaL_error(L, "flow.process_type: %s", flow_error_last());
    t->registered = 1;
    /* alive as long as the state: anchored in the registry */
    lua_pushvalue(L, -1);
    luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushstring(L, d->name);
    return 1;
}

void flow_luatype__open(lua_State *L)
{
    luaL_newmetatable(L, LTYPE_MT);
    lua_pushcfunction(L, lt_gc);
    lua_setfield(L, -2, "__gc");
    flow_lua__lock_metatable(L);
    lua_pop(L, 1);
    luaL_newmetatable(L, CTX_MT);
    lua_newtable(L);
    luaL_setfuncs(L, ctx_methods, 0);
    lua_setfield(L, -2, "__index");
    flow_lua__lock_metatable(L);
    lua_pop(L, 1);
}

int flow_luatype__new(lua_State *L)
{
    return l_process_type(L);
}
