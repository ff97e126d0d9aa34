/*
 * luaens.c — the Lua binding of the ensembles: core.ensemble_run(model,
 * uncertain, opts) parses the uncertainty declarations of a model and its
 * scenario (docs/lua-api.md, "Uncertainty"), runs the ensemble and
 * returns a flow.Ensemble userdata that flow.lua wraps (flow.mc).
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h> /* GSL_SUCCESS */
#include <gsl/gsl_roots.h>

#include <lauxlib.h>
#include <lua.h>

#include "flow.h"
#include "flow_lua.h"
#include "lua_int.h"

#define ENS_MT "flow.Ensemble"
#define RES_MT "flow.Results" /* luaresults.c: its userdata starts with the flow_results pointer */

void flow_lua__lock_metatable(lua_State *L);

typedef struct lens {
    flow_ensemble *e;
} lens;

static const char *const dist_fields[] = { "mean", "sd", "min", "max", "mode", "alpha", "beta", "lambda",
                                           "values", "p", "relative", "apply", "driver", "rho", "key", "dist",
                                           "source", NULL };

/* a number field, or def when absent (NAN def: required) */
static double num(lua_State *L, int t, const char *f, double def, const char *who, const char *kind)
{
    lua_getfield(L, t, f);
    int isnum;
    double v = lua_tonumberx(L, -1, &isnum);
    int absent = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (absent && isnan(def))
        luaL_error(L, "uncertainty of '%s': a %s distribution needs %s", who, kind, f);
    if (absent)
        return def;
    if (!isnum)
        luaL_error(L, "uncertainty of '%s': %s must be a number", who, f);
    return v;
}

static void check_fields(lua_State *L, int t, const char *who)
{
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int text = lua_type(L, -1) == LUA_TSTRING;
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -1);
            int known = 0;
            for (int i = 0; dist_fields[i]; i++)
                known |= strcmp(k, dist_fields[i]) == 0;
            if (!known)
                luaL_error(L, "uncertainty of '%s': unknown field '%s' (known: mean, sd, min, max, mode, alpha, "
                              "beta, lambda, values, p, relative, apply, driver, rho, key, source)",
                           who, k);
            if (!text && strcmp(k, "source") == 0)
                luaL_error(L, "uncertainty of '%s': source must be a string (where the range comes from)", who);
        } else if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) != 1) {
            luaL_error(L, "uncertainty of '%s': { \"normal\", sd = ... }: only the kind has no name", who);
        }
    }
}

/* values and p of a discrete distribution, on the Lua stack as userdata */
static const double *array(lua_State *L, int t, const char *f, size_t *n, const char *who)
{
    lua_getfield(L, t, f);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return NULL;
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "uncertainty of '%s': %s = {...} (a list of numbers)", who, f);
    size_t len = lua_rawlen(L, -1);
    double *v = lua_newuserdatauv(L, (len + 1) * sizeof *v, 0);
    for (size_t i = 0; i < len; i++) {
        lua_rawgeti(L, -2, (lua_Integer)i + 1);
        int isnum;
        v[i] = lua_tonumberx(L, -1, &isnum);
        if (!isnum)
            luaL_error(L, "uncertainty of '%s': %s[%d] is not a number", who, f, (int)i + 1);
        lua_pop(L, 1);
    }
    lua_remove(L, -2); /* keep the userdata on the stack until the add */
    *n = len;
    return v;
}

static void parse_dist(lua_State *L, int t, const char *who, flow_dist *d, int *relative)
{
    lua_rawgeti(L, t, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_getfield(L, t, "dist");
    }
    const char *kind = lua_tostring(L, -1);
    if (!kind)
        luaL_error(L, "uncertainty of '%s': the distribution's kind is missing ({ \"normal\", sd = 0.05 })", who);
    if (flow_dist_parse(kind, &d->kind))
        luaL_error(L, "uncertainty of '%s': %s", who, flow_error_last());
    lua_pop(L, 1);
    switch (d->kind) {
    case FLOW_DIST_NORMAL:
    case FLOW_DIST_LOGNORMAL:
        d->a = num(L, t, "mean", 1, who, kind);
        d->b = num(L, t, "sd", NAN, who, kind);
        lua_getfield(L, t, "mean");
        *relative = lua_isnil(L, -1); /* no mean: sd is relative to the series */
        lua_pop(L, 1);
        break;
    case FLOW_DIST_UNIFORM:
        d->a = num(L, t, "min", NAN, who, kind);
        d->b = num(L, t, "max", NAN, who, kind);
        break;
    case FLOW_DIST_TRIANGULAR:
    case FLOW_DIST_PERT:
        d->a = num(L, t, "min", NAN, who, kind);
        d->b = num(L, t, "mode", NAN, who, kind);
        d->c = num(L, t, "max", NAN, who, kind);
        d->d = d->kind == FLOW_DIST_PERT ? num(L, t, "lambda", 4, who, kind) : 0;
        break;
    case FLOW_DIST_BETA:
        d->a = num(L, t, "alpha", NAN, who, kind);
        d->b = num(L, t, "beta", NAN, who, kind);
        d->c = num(L, t, "min", 0, who, kind);
        d->d = num(L, t, "max", 1, who, kind);
        break;
    case FLOW_DIST_DISCRETE: {
        size_t np = 0;
        d->values = array(L, t, "values", &d->n, who);
        if (!d->values)
            luaL_error(L, "uncertainty of '%s': a discrete distribution needs values = {...}", who);
        d->probs = array(L, t, "p", &np, who);
        if (d->probs && np != d->n)
            luaL_error(L, "uncertainty of '%s': %d values but %d probabilities", who, (int)d->n, (int)np);
        break;
    }
    }
}

static flow_apply parse_apply(lua_State *L, int t, const char *who, int relative)
{
    lua_getfield(L, t, "relative");
    if (!lua_isnil(L, -1))
        relative = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, t, "apply");
    const char *a = lua_tostring(L, -1);
    lua_pop(L, 1);
    if (!a)
        return relative ? FLOW_APPLY_SCALE : FLOW_APPLY_SET;
    static const char *const names[] = { "set", "scale", "add", "shift" };
    for (int i = 0; i < 4; i++)
        if (strcmp(a, names[i]) == 0)
            return (flow_apply)i;
    return (flow_apply)luaL_error(L, "uncertainty of '%s': apply = '%s' (known: set, scale, add, shift)", who, a);
}

static lens *check(lua_State *L)
{
    lens *u = luaL_checkudata(L, 1, ENS_MT);
    if (!u->e)
        luaL_error(L, "the ensemble is freed");
    return u;
}

/* ens:_add(name, spec): declares one uncertain parameter */
static int l_add(lua_State *L)
{
    lens *u = check(L);
    const char *who = luaL_checkstring(L, 2);
    if (!lua_istable(L, 3))
        return luaL_error(L, "uncertainty of '%s': expected { \"kind\", ... }, got %s", who, luaL_typename(L, 3));
    flow_uncertain d = { .param = who };
    int relative = 0;
    check_fields(L, 3, who);
    parse_dist(L, 3, who, &d.dist, &relative);
    d.apply = parse_apply(L, 3, who, relative);
    lua_getfield(L, 3, "driver");
    d.driver = lua_tostring(L, -1);
    lua_getfield(L, 3, "key");
    d.key = lua_tostring(L, -1);
    d.rho = num(L, 3, "rho", 1, who, "");
    if (flow_ensemble_add(u->e, &d))
        return luaL_error(L, "%s", flow_error_last());
    return 0;
}

static void progress(long done, long total, void *ud)
{
    lua_State *L = ud;
    lua_pushvalue(L, -1);
    lua_pushinteger(L, done);
    lua_pushinteger(L, total);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK)
        lua_pop(L, 1); /* a failing progress function does not stop the workers */
}

static unsigned keep_of(lua_State *L, int t)
{
    static const char *const kinds[] = { "flows", "stocks", "params", "indicators", "metrics" };
    unsigned keep = 0;
    lua_getfield(L, t, "keep");
    if (lua_isstring(L, -1)) {
        lua_newtable(L);
        lua_insert(L, -2);
        lua_rawseti(L, -2, 1);
    }
    for (lua_Integer i = 1; lua_istable(L, -1) && lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
        const char *k = lua_tostring(L, -1);
        int found = -1;
        for (int j = 0; j < 5 && k; j++)
            if (strcmp(k, kinds[j]) == 0)
                found = j;
        if (found < 0)
            luaL_error(L, "mc: keep = '%s' (known: flows, stocks, params, indicators, metrics)", k ? k : "?");
        keep |= FLOW_KEEP(found);
        lua_pop(L, 1);
    }
    lua_settop(L, t);
    return keep;
}

/* ens:_run{n =, seed =, threads =, lhs =, keep =, progress = function(done, total)} */
static int l_run(lua_State *L)
{
    lens *u = check(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    flow_ensemble_opts o = FLOW_ENSEMBLE_OPTS_INIT;
    lua_getfield(L, 2, "n");
    o.n_samples = (long)luaL_optinteger(L, -1, 1000);
    lua_getfield(L, 2, "seed");
    o.seed = (unsigned long long)luaL_optinteger(L, -1, 0);
    lua_getfield(L, 2, "threads");
    o.threads = (int)luaL_optinteger(L, -1, 1);
    lua_getfield(L, 2, "lhs");
    o.lhs = lua_toboolean(L, -1);
    lua_settop(L, 2);
    o.keep = keep_of(L, 2);
    lua_getfield(L, 2, "progress");
    if (lua_isfunction(L, -1)) {
        o.progress = progress;
        o.ud = L;
    }
    if (flow_ensemble_run(u->e, &o))
        return luaL_error(L, "%s", flow_error_last());
    return 0;
}

static int l_n(lua_State *L)
{
    lua_pushinteger(L, flow_ensemble_n_samples(check(L)->e));
    return 1;
}

/* ens:_p_met(t) -> n_met, n_judged, p, lo, hi (t from 0) */
static int l_p_met(lua_State *L)
{
    flow_pmet pm;
    if (flow_ensemble_p_met(check(L)->e, (int)luaL_checkinteger(L, 2), &pm))
        return luaL_error(L, "%s", flow_error_last());
    lua_pushinteger(L, pm.n_met);
    lua_pushinteger(L, pm.n_judged);
    lua_pushnumber(L, pm.p);
    lua_pushnumber(L, pm.lo);
    lua_pushnumber(L, pm.hi);
    return 5;
}

/* ens:_summary(item, year) -> mean, sd, p5, p25, p50, p75, p95 of an indicator (item from 0) */
static int l_summary(lua_State *L)
{
    double q[7];
    if (flow_ensemble_summary(check(L)->e, FLOW_ITEM_INDICATOR, (int)luaL_checkinteger(L, 2),
                              (int)luaL_checkinteger(L, 3), q))
        return luaL_error(L, "%s", flow_error_last());
    for (int k = 0; k < 7; k++)
        lua_pushnumber(L, q[k]);
    return 7;
}

/* ens:_values(item, year) -> {v_1, ..., v_N}: an indicator (item from 0) over the samples */
static int l_values(lua_State *L)
{
    lens *u = check(L);
    const flow_ensemble *e = u->e;
    int item = (int)luaL_checkinteger(L, 2), year = (int)luaL_checkinteger(L, 3);
    double q[7];
    if (flow_ensemble_summary(e, FLOW_ITEM_INDICATOR, item, year, q)) /* checks item and year */
        return luaL_error(L, "%s", flow_error_last());
    long n = flow_ensemble_n_samples(e);
    const double *v = flow_ensemble_values(e, FLOW_ITEM_INDICATOR);
    lua_getiuservalue(L, 1, 1); /* the model the ensemble runs: the shape of its rows */
    flow_model *m = flow_lua_checkmodel(L, -1);
    int I = flow_model_n_items(m, FLOW_ITEM_INDICATOR), T = flow_model_n_years(m);
    int t = year - flow_model_first_year(m);
    lua_createtable(L, (int)n, 0);
    for (long i = 0; i < n; i++) {
        lua_pushnumber(L, v[((size_t)i * (size_t)T + (size_t)t) * (size_t)I + (size_t)item]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ens:_draw(i, k) -> the value drawn for parameter k (from 0) in sample i (from 0) */
static int l_draw(lua_State *L)
{
    double x;
    if (flow_ensemble_draw(check(L)->e, (long)luaL_checkinteger(L, 2), (int)luaL_checkinteger(L, 3), &x))
        return luaL_error(L, "%s", flow_error_last());
    lua_pushnumber(L, x);
    return 1;
}

/* ens:_save(writer, name): the ensemble beside the scenario written there */
static int l_save(lua_State *L)
{
    lens *u = check(L);
    flow_results **r = luaL_checkudata(L, 2, RES_MT);
    if (!*r)
        return luaL_error(L, "the results file is closed");
    if (flow_results_write_ensemble(*r, luaL_checkstring(L, 3), u->e))
        return luaL_error(L, "%s", flow_error_last());
    return 0;
}

static int l_gc(lua_State *L)
{
    lens *u = luaL_checkudata(L, 1, ENS_MT);
    flow_ensemble_free(u->e);
    u->e = NULL;
    return 0;
}

/* core.ensemble_new(model) -> an ensemble of the compiled model (kept alive with it) */
int flow_luaens__new(lua_State *L)
{
    flow_model *m = flow_lua_checkmodel(L, 1);
    lens *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->e = NULL;
    luaL_setmetatable(L, ENS_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    if (flow_ensemble_new(&u->e, m))
        return luaL_error(L, "%s", flow_error_last());
    return 1;
}

/* ---- core.brent(f, lo, hi, xtol): GSL's Brent solver over a Lua function ---- */

typedef struct brent_ctx {
    lua_State *L;
    int fn, err;     /* stack slots: the function, the error caught (nil) */
    int failed;
    int calls;
} brent_ctx;

/* f(x) in protected mode. GSL's solver must never see a value that is not
 * finite (its error handler would abort the process): a failure or a NaN
 * is recorded and 0 returned, and the caller stops at once. */
static double brent_f(double x, void *p)
{
    brent_ctx *c = p;
    lua_State *L = c->L;
    if (c->failed)
        return 0;
    c->calls++;
    lua_pushvalue(L, c->fn);
    lua_pushnumber(L, x);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        lua_replace(L, c->err);
        c->failed = 1;
        return 0;
    }
    int isnum;
    double v = lua_tonumberx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum || !isfinite(v)) {
        lua_pushfstring(L, "the function is not a finite number at %f", x);
        lua_replace(L, c->err);
        c->failed = 1;
        return 0;
    }
    return v;
}

static int brent_solve(brent_ctx *c, double lo, double hi, double xtol, double *root)
{
    gsl_function F = { brent_f, c };
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return -1;
    int rc = gsl_root_fsolver_set(s, &F, lo, hi) == GSL_SUCCESS ? 1 : -1;
    for (int it = 0; it < 200 && rc == 1 && !c->failed; it++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            rc = -1;
        *root = gsl_root_fsolver_root(s);
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), xtol, 0) ==
            GSL_SUCCESS)
            rc = 0;
    }
    gsl_root_fsolver_free(s);
    return rc;
}

/* core.brent(f, lo, hi, xtol) -> root, calls; or nil, f(lo), f(hi) when
 * [lo, hi] does not bracket a sign change. Errors of f are raised again. */
static int l_brent(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    double lo = luaL_checknumber(L, 2), hi = luaL_checknumber(L, 3), xtol = luaL_optnumber(L, 4, 1e-9);
    if (!(lo < hi))
        return luaL_error(L, "the range %f:%f is empty (give LO < HI)", lo, hi);
    lua_settop(L, 4);
    lua_pushnil(L);
    brent_ctx c = { L, 1, 5, 0, 0 };
    double flo = brent_f(lo, &c), fhi = c.failed ? 0 : brent_f(hi, &c), root = lo;
    if (c.failed) {
        lua_pushvalue(L, 5);
        return lua_error(L);
    }
    if (flo == 0 || fhi == 0) {
        lua_pushnumber(L, flo == 0 ? lo : hi);
        lua_pushinteger(L, c.calls);
        return 2;
    }
    if ((flo > 0) == (fhi > 0)) {
        lua_pushnil(L);
        lua_pushnumber(L, flo);
        lua_pushnumber(L, fhi);
        return 3;
    }
    /* GSL's handler is left alone (the library never changes it): the ends
     * straddle zero (checked above, and f is deterministic), and brent_f
     * never returns a value that is not finite, so the solver raises
     * nothing */
    int rc = brent_solve(&c, lo, hi, xtol, &root);
    if (c.failed) {
        lua_pushvalue(L, 5);
        return lua_error(L);
    }
    if (rc < 0)
        return luaL_error(L, "Brent's method failed on %f:%f", lo, hi);
    lua_pushnumber(L, root);
    lua_pushinteger(L, c.calls);
    return 2;
}

/* core.ensemble_file(reader, scenario name) -> nil when the scenario has no
 * ensemble, or {n =, seed =, lhs =, targets = {{indicator, year, cmp, n_met,
 * n_judged, p, lo, hi}, ...}} */
int flow_luaens__file(lua_State *L)
{
    flow_results **r = luaL_checkudata(L, 1, RES_MT);
    if (!*r)
        return luaL_error(L, "the results file is closed");
    int sc;
    if (flow_results_find_scenario(*r, luaL_checkstring(L, 2), &sc))
        return luaL_error(L, "%s", flow_error_last());
    long n;
    unsigned long long seed;
    int lhs, nt, rc = flow_results_ensemble_info(*r, sc, &n, &seed, &lhs, &nt);
    if (rc == FLOW_ENOTFOUND) {
        lua_pushnil(L);
        return 1;
    }
    if (rc)
        return luaL_error(L, "%s", flow_error_last());
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, n);
    lua_setfield(L, -2, "n");
    lua_pushinteger(L, (lua_Integer)seed);
    lua_setfield(L, -2, "seed");
    lua_pushboolean(L, lhs);
    lua_setfield(L, -2, "lhs");
    lua_createtable(L, nt, 0);
    for (int k = 0; k < nt; k++) {
        flow_results_pmet t;
        if (flow_results_ensemble_target(*r, sc, k, &t))
            return luaL_error(L, "%s", flow_error_last());
        lua_createtable(L, 0, 8);
        lua_pushstring(L, t.indicator);
        lua_setfield(L, -2, "indicator");
        lua_pushinteger(L, t.year);
        lua_setfield(L, -2, "year");
        lua_pushstring(L, t.cmp);
        lua_setfield(L, -2, "cmp");
        lua_pushinteger(L, t.pm.n_met);
        lua_setfield(L, -2, "n_met");
        lua_pushinteger(L, t.pm.n_judged);
        lua_setfield(L, -2, "n_judged");
        lua_pushnumber(L, t.pm.p);
        lua_setfield(L, -2, "p");
        lua_pushnumber(L, t.pm.lo);
        lua_setfield(L, -2, "lo");
        lua_pushnumber(L, t.pm.hi);
        lua_setfield(L, -2, "hi");
        lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, -2, "targets");
    return 1;
}

/* core.ensemble_summary(reader, scenario name, indicator name) -> {mean =
 * {[year] = v}, sd =, p5 =, p25 =, p50 =, p75 =, p95 =} (flowsim export) */
int flow_luaens__file_summary(lua_State *L)
{
    static const char *const stat[FLOW_SUMMARY_N] = { "mean", "sd", "p5", "p25", "p50", "p75", "p95" };
    flow_results **r = luaL_checkudata(L, 1, RES_MT);
    if (!*r)
        return luaL_error(L, "the results file is closed");
    int sc, item, first, last;
    if (flow_results_find_scenario(*r, luaL_checkstring(L, 2), &sc) ||
        flow_results_find_item(*r, sc, FLOW_ITEM_INDICATOR, luaL_checkstring(L, 3), &item) ||
        flow_results_years(*r, sc, &first, &last))
        return luaL_error(L, "%s", flow_error_last());
    int T = last - first + 1;
    /* a userdata: collected if the read raises */
    double *v = lua_newuserdatauv(L, (size_t)FLOW_SUMMARY_N * (size_t)T * sizeof *v, 0);
    if (flow_results_ensemble_summary(*r, sc, item, v))
        return luaL_error(L, "%s", flow_error_last());
    lua_createtable(L, 0, FLOW_SUMMARY_N);
    for (int k = 0; k < FLOW_SUMMARY_N; k++) {
        lua_createtable(L, 0, T);
        for (int t = 0; t < T; t++) {
            lua_pushnumber(L, v[(size_t)k * (size_t)T + (size_t)t]);
            lua_rawseti(L, -2, first + t);
        }
        lua_setfield(L, -2, stat[k]);
    }
    return 1;
}

/* core.sensitivity_file(reader, scenario name) -> nil when the scenario has
 * no sensitivity analysis, or {n =, rows = {{indicator, year, factor, s,
 * se}, ...}} in the file's order */
int flow_luaens__sens_file(lua_State *L)
{
    flow_results **r = luaL_checkudata(L, 1, RES_MT);
    if (!*r)
        return luaL_error(L, "the results file is closed");
    int sc, n;
    long ns;
    if (flow_results_find_scenario(*r, luaL_checkstring(L, 2), &sc))
        return luaL_error(L, "%s", flow_error_last());
    int rc = flow_results_sensitivity_info(*r, sc, &n, &ns);
    if (rc == FLOW_ENOTFOUND) {
        lua_pushnil(L);
        return 1;
    }
    if (rc)
        return luaL_error(L, "%s", flow_error_last());
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, ns);
    lua_setfield(L, -2, "n");
    lua_createtable(L, n, 0);
    flow_results_sens row_, *row = &row_;
    for (int k = 0; k < n; k++) {
        if (flow_results_sensitivity_row(*r, sc, k, row))
            return luaL_error(L, "%s", flow_error_last());
        lua_createtable(L, 0, 5);
        lua_pushstring(L, row->indicator);
        lua_setfield(L, -2, "indicator");
        lua_pushinteger(L, row->year);
        lua_setfield(L, -2, "year");
        lua_pushstring(L, row->factor);
        lua_setfield(L, -2, "factor");
        lua_pushnumber(L, row->s1);
        lua_setfield(L, -2, "s");
        lua_pushnumber(L, row->se);
        lua_setfield(L, -2, "se");
        lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, -2, "rows");
    return 1;
}

/* core.sensitivity_save(writer, name, rows {{indicator, year, factor, s, se}}, n) */
int flow_luaens__sens_save(lua_State *L)
{
    flow_results **r = luaL_checkudata(L, 1, RES_MT);
    const char *name = luaL_checkstring(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    long n_samples = (long)luaL_checkinteger(L, 4);
    if (!*r)
        return luaL_error(L, "the results file is closed");
    int n = (int)lua_rawlen(L, 3);
    flow_sensitivity_row *rows = lua_newuserdatauv(L, ((size_t)n + 1) * sizeof *rows, 0);
    for (int k = 0; k < n; k++) {
        lua_rawgeti(L, 3, k + 1);
        lua_getfield(L, -1, "indicator");
        lua_getfield(L, -2, "factor");
        rows[k].indicator = lua_tostring(L, -2);
        rows[k].factor = lua_tostring(L, -1);
        lua_pop(L, 2); /* the strings stay alive in the row table, itself in the table at 3 */
        lua_getfield(L, -1, "year");
        lua_getfield(L, -2, "s");
        lua_getfield(L, -3, "se");
        rows[k].year = (int)lua_tointeger(L, -3);
        rows[k].s1 = lua_tonumber(L, -2);
        rows[k].se = lua_tonumber(L, -1);
        lua_pop(L, 4);
    }
    if (flow_results_write_sensitivity(*r, name, rows, n, n_samples))
        return luaL_error(L, "%s", flow_error_last());
    return 0;
}

int flow_luaens__brent(lua_State *L)
{
    return l_brent(L);
}

static const luaL_Reg methods[] = {
    { "_add", l_add },           { "_run", l_run },   { "n", l_n },         { "_p_met", l_p_met },
    { "_summary", l_summary },   { "_draw", l_draw }, { "_save", l_save },  { "_values", l_values },  { NULL, NULL },
};

void flow_luaens__open(lua_State *L)
{
    luaL_newmetatable(L, ENS_MT);
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__gc");
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    flow_lua__lock_metatable(L);
    lua_pop(L, 1);
}
