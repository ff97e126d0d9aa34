/*
 * sim.c — simulations of a compiled model: the year step and its results.
 *
 * A simulation owns the parameter values of every year (overrides
 * included), the state of stocks, backlogs and cohorts, the result arrays
 * [year][item] and every scratch buffer the step needs, all allocated in
 * flow_sim_new(): flow_sim_step() never allocates.
 *
 * The step (docs/architecture.md, "One year") writes every outflow of a
 * process as an affine function of its input, v = alpha * x + beta, so
 * that the same code serves acyclic processes (x known) and cycles (x
 * solved for, see solve.c). flow_sim_step() drives it; the processes are
 * routed by route.c (core kinds), typed.c (plugin types) and cycle.c
 * (cycles), behind sim_int.h.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "sim_int.h"

/* Rounding noise: magnitudes below NOISE x the mass in play this year
 * (generation, fixed inputs, stocks carried over) are zero. Without this
 * floor a rest flow that should be 0 but comes out -4e-16 would stop a
 * valid model as "outflows exceed input". */
#define NOISE 1e-12
#define CAP_MAX_ROUNDS 200 /* Newton steps and Brent iterations per capacity (cycle.c) */

/* ---- creation ----------------------------------------------------------------- */

#define SIM_ALLOC(ptr, n)                                                          \
    do {                                                                           \
        (ptr) = flow_alloc__calloc(a, (size_t)(n), sizeof *(ptr)); \
        if (!(ptr))                                                                \
            goto nomem;                                                            \
    } while (0)


/* The test hooks of a simulation (docs/architecture.md, "Test hooks"):
 * FLOW_SIM_CORRUPT=y, the y-th year of the run (1: the first), flow item
 * FLOW_SIM_CORRUPT_FLOW (1-based; unset: the first) delivers
 * CORRUPT_REL more than it carries, as a routing bug would, so that the
 * balance check must fire; FLOW_SIM_MAXROUNDS=n caps the rounds of the
 * capacity search of a cycle. All off in a default build. */
static void sim_hooks(flow_sim *s)
{
    long y = FLOW_TESTHOOK("FLOW_SIM_CORRUPT"), e = FLOW_TESTHOOK("FLOW_SIM_CORRUPT_FLOW");
    long r = FLOW_TESTHOOK("FLOW_SIM_MAXROUNDS");
    s->corrupt_t = y > 0 && y <= s->m->c.T ? (int)(y - 1) : -1;
    s->corrupt_e = e > 0 && e <= s->m->c.E ? (int)(e - 1) : 0;
    s->max_rounds = r > 0 && r < CAP_MAX_ROUNDS ? (int)r : CAP_MAX_ROUNDS;
}

/* A process all of whose input stays: a sink or an accumulating stock,
 * with no routing group (no flow out) for any material, no capacity (so
 * no overflow and no backlog), not of a plugin type. Most processes of a
 * large model are (the Hengshui plan: 54 of 86); flow_route__keep routes
 * them without going through every material's coefficients. */
static int keeps_all(const flow_model *m, int p)
{
    const flow_compiled *c = &m->c;
    const flow_process *pr = &m->procs[p];
    if (!(pr->kind == FLOW_SINK || (pr->kind == FLOW_STOCK && pr->smode == FLOW_STOCK_ACCUMULATE)))
        return 0;
    if (pr->cap_param != FLOW_NONE || c->p_backlog[p] >= 0 || c->p_ovf[p] >= 0 || c->p_typed[p] >= 0 ||
        c->p_fast[p])
        return 0;
    for (int mat = 0; mat < c->M; mat++)
        if (c->pm_group[(size_t)p * c->M + mat] >= 0)
            return 0;
    return 1;
}

int flow_sim_new(flow_sim **out, const flow_model *m)
{
    *out = NULL;
    if (!m->compiled)
        return flow_error__set(FLOW_ESTATE, "cannot simulate a model that is not compiled");
    const flow_allocator *a = &m->alloc;
    const flow_compiled *c = &m->c;
    size_t T = (size_t)c->T, P = (size_t)c->P, M = (size_t)c->M;
    flow_sim *s = flow_alloc__calloc(a, 1, sizeof *s);
    if (!s)
        return flow_error__nomem("a simulation");
    s->m = m;
    s->alloc = a;
    s->tol = 1e-9;
    sim_hooks(s);
    SIM_ALLOC(s->data[FLOW_ITEM_FLOW], T * (size_t)c->E);
    SIM_ALLOC(s->data[FLOW_ITEM_STOCK], T * (size_t)c->S);
    SIM_ALLOC(s->data[FLOW_ITEM_PARAM], T * (size_t)c->NP);
    SIM_ALLOC(s->data[FLOW_ITEM_INDICATOR], T * m->n_inds);
    SIM_ALLOC(s->data[FLOW_ITEM_METRIC], T * (size_t)c->NMET);
    memcpy(s->data[FLOW_ITEM_PARAM], c->pv, T * (size_t)c->NP * sizeof(double));
    SIM_ALLOC(s->ovr, T * (size_t)c->NP);
    SIM_ALLOC(s->nodeval, T * m->n_nodes);
    SIM_ALLOC(s->x, P * M);
    SIM_ALLOC(s->gen, P * M);
    SIM_ALLOC(s->rho, P);
    SIM_ALLOC(s->alpha, c->E);
    SIM_ALLOC(s->beta, c->E);
    SIM_ALLOC(s->bin, P * M);
    SIM_ALLOC(s->bout, P * M);
    SIM_ALLOC(s->cohort, (size_t)c->NI * M * T);
    s->bl0 = c->S;
    for (size_t p = 0; p < P; p++)
        if (c->p_backlog[p] >= 0 && c->p_backlog[p] < s->bl0)
            s->bl0 = c->p_backlog[p];
    SIM_ALLOC(s->bqueue, (size_t)(c->S - s->bl0) * T);
    SIM_ALLOC(s->btake, (size_t)(c->S - s->bl0));
    SIM_ALLOC(s->bqcur, (size_t)(c->S - s->bl0));
    SIM_ALLOC(s->loc, P);
    for (size_t p = 0; p < P; p++)
        s->loc[p] = -1;
    /* cycle scratch: triplets bounded by compile.c's count for each cycle */
    size_t nzmax = 0, ncyc = (size_t)c->max_cycle;
    for (int k = 0; k < c->C; k++)
        if (c->c_cycle[k] && (size_t)c->c_nz[k] > nzmax)
            nzmax = (size_t)c->c_nz[k];
    size_t NT = (size_t)c->NT;
    SIM_ALLOC(s->tcoef, (size_t)c->ty_maxrel * M); /* one process's at a time: stays in cache */
    SIM_ALLOC(s->trel, c->ty_nrel);
    SIM_ALLOC(s->tcol, NT * M);
    SIM_ALLOC(s->tpar, c->ty_npar);
    SIM_ALLOC(s->tvalid, NT);
    SIM_ALLOC(s->tinit, NT);
    SIM_ALLOC(s->tnz_row, 2 * c->ty_ncoef);
    SIM_ALLOC(s->tnz_col, 2 * c->ty_ncoef);
    SIM_ALLOC(s->tnz_v, 2 * c->ty_ncoef);
    SIM_ALLOC(s->tzr, (size_t)c->ty_maxrel * M);
    SIM_ALLOC(s->tzc, (size_t)c->ty_maxrel * M);
    SIM_ALLOC(s->tzv, (size_t)c->ty_maxrel * M);
    SIM_ALLOC(s->tz0, NT);
    SIM_ALLOC(s->tzcap, NT);
    SIM_ALLOC(s->tnnz, NT);
    SIM_ALLOC(s->trel_any, NT);
    SIM_ALLOC(s->trel_dirty, NT);
    SIM_ALLOC(s->tvar0, NT + 1);
    SIM_ALLOC(s->tvar, c->ty_npar);
    for (int k = 0, n = 0; k < c->NT; k++) {
        const flow_process *pr = &m->procs[c->ty[k].p];
        s->tvar0[k] = n;
        for (int i = 0; i < c->ty[k].n_params; i++)
            if (pr->tset[i] && pr->tparam[i] != FLOW_NONE)
                s->tvar[n++] = i;
        s->tvar0[k + 1] = n;
    }
    SIM_ALLOC(s->tstate, c->ty_state);
    SIM_ALLOC(s->tacc, M);
    SIM_ALLOC(s->tam, M);
    SIM_ALLOC(s->trl, (size_t)c->ty_maxrel);
    SIM_ALLOC(s->tct, M);
    SIM_ALLOC(s->tout, c->ty_maxrel);
    SIM_ALLOC(s->txin, M);
    SIM_ALLOC(s->sj, ncyc);
    SIM_ALLOC(s->trow, 2 * c->ty_nrel);
    SIM_ALLOC(s->trtmp, c->ty_maxrel);
    SIM_ALLOC(s->tnrow, NT);
    SIM_ALLOC(s->tr0, NT);
    SIM_ALLOC(s->trcap, NT);
    SIM_ALLOC(s->tkeeps, NT);
    SIM_ALLOC(s->tszero, NT);
    /* balance.c checks only the processes that do not balance as they
     * route: not sinks (they keep all), not splits and sources without
     * capacity (run_split), not typed processes outside cycles (typed_emit) */
    SIM_ALLOC(s->plan, c->C);
    for (int k = 0; k < c->C; k++) {
        flow_plan *pl = &s->plan[k];
        int n = c->c_start[k + 1] - c->c_start[k], p = c->order[c->c_start[k]];
        pl->p = p;
        if (c->c_cycle[k]) {
            int ok = !c->c_joint[k] && n <= FLOW_SMALL_MAX;
            for (int i = c->c_start[k]; ok && i < c->c_start[k + 1]; i++)
                ok = c->p_uniform[c->order[i]] && c->p_fast[c->order[i]] == 1;
            pl->kind = ok ? FLOW_PLAN_CYCLE_SMALL : FLOW_PLAN_CYCLE;
        } else if (c->p_uniform[p]) {
            const flow_group_hot g0 = c->gh[c->p_gstart[p]];
            pl->kind = c->p_fast[p] == 2 ? FLOW_PLAN_UNIFORM_SOURCE : FLOW_PLAN_UNIFORM;
            pl->fl = g0.start;
            pl->u = c->p_ustart[p];
            pl->nfix = g0.nfix;
            pl->nshare = g0.nshare;
            pl->n = g0.n;
        } else {
            pl->kind = keeps_all(m, p) ? FLOW_PLAN_KEEP : FLOW_PLAN_PROCESS;
        }
    }
    SIM_ALLOC(s->genh, m->n_gens);
    for (size_t i = 0; i < m->n_gens; i++)
        s->genh[i] = (flow_edge_hot){ m->gens[i].process * c->M + m->gens[i].material, m->gens[i].param,
                                      m->gens[i].coef };
    /* the stock items that hold something before the first year (their
     * initial stocks): the first year's noise floor sums only those */
    /* the parameters that are products, in order (eval_products) */
    SIM_ALLOC(s->prod, (size_t)c->NP);
    for (int p = 0; p < c->NP; p++)
        if (m->params[p].product)
            s->prod[s->n_prod++] = p;
    SIM_ALLOC(s->init_nz, (size_t)c->S);
    for (int i = 0; i < c->S; i++) {
        int p = c->s_proc[i];
        if (c->p_stock[p] >= 0 && i < c->p_stock[p] + c->M && c->pm_init[(size_t)p * M + c->s_mat[i]] != 0)
            s->init_nz[s->n_init_nz++] = i;
    }
    SIM_ALLOC(s->bal_p, P);
    /* ... but a split or source inside a cycle that run_cycle solves is
     * checked by balance.c: what the cycle delivered against the solution
     * (run_cycle_small checks its own); marked in loc for the moment */
    for (int k = 0; k < c->C; k++)
        for (int i = c->c_start[k]; s->plan[k].kind == FLOW_PLAN_CYCLE && i < c->c_start[k + 1]; i++)
            s->loc[c->order[i]] = 1;
    for (size_t p = 0; p < P; p++) {
        if (!(m->procs[p].kind == FLOW_SINK || (c->p_fast[p] && s->loc[p] < 0) ||
              (c->p_typed[p] >= 0 && c->ty[c->p_typed[p]].lean)))
            s->bal_p[s->n_bal++] = (int)p;
        s->loc[p] = -1;
    }
    SIM_ALLOC(s->tri_r, nzmax);
    SIM_ALLOC(s->tri_c, nzmax);
    SIM_ALLOC(s->tri_v, nzmax);
    SIM_ALLOC(s->tri_r0, nzmax);
    SIM_ALLOC(s->tri_c0, nzmax);
    SIM_ALLOC(s->tri_v0, nzmax);
    SIM_ALLOC(s->sb, ncyc);
    SIM_ALLOC(s->sx, ncyc * M);
    SIM_ALLOC(s->xext, ncyc * M);
    /* one Brent solver per capacity of the cycle with most (cycle.c);
     * GSL allocates them (docs/architecture.md) */
    for (int k = 0; k < c->C; k++) {
        int ncap = 0;
        for (int i = c->c_start[k]; c->c_cycle[k] && i < c->c_start[k + 1]; i++)
            ncap += m->procs[c->order[i]].cap_param != FLOW_NONE;
        if (ncap > s->n_brent)
            s->n_brent = ncap;
    }
    if (s->n_brent) {
        SIM_ALLOC(s->brent, s->n_brent);
        SIM_ALLOC(s->capi, 2 * ncyc);
        SIM_ALLOC(s->cbind, s->n_brent);
        SIM_ALLOC(s->cw, (size_t)s->n_brent * (s->n_brent + 9) + (size_t)s->n_brent * s->n_brent);
        for (int l = 0; l < s->n_brent; l++)
            if (!(s->brent[l] = gsl_root_fsolver_alloc(gsl_root_fsolver_brent)))
                goto nomem;
    }
    int rc = flow_solver__new(&s->solver, m);
    if (!rc)
        rc = flow_live__new(s);
    if (!rc)
        rc = flow_typed__init(s);
    if (rc) {
        flow_sim_free(s);
        return rc;
    }
    *out = s;
    return 0;
nomem:
    flow_sim_free(s);
    return flow_error__nomem("a simulation's arrays");
}

void flow_sim_free(flow_sim *s)
{
    if (!s)
        return;
    const flow_allocator *a = s->alloc;
    flow_typed__fini(s);
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++)
        flow_alloc__free(a, s->data[k]);
    void *arrs[] = { s->ovr, s->nodeval, s->x, s->gen, s->rho, s->alpha, s->beta, s->bin, s->bout, s->cohort,
                     s->bqueue, s->btake, s->bqcur, s->loc, s->tri_r, s->tri_c, s->tri_v, s->tri_r0, s->tri_c0, s->tri_v0, s->sb, s->sx, s->xext,
                     s->tcoef, s->trel, s->tcol, s->tpar, s->tvalid, s->tinit, s->tnz_row, s->tnz_col, s->tnz_v,
                     s->tnnz, s->trel_any, s->tstate, s->tacc, s->tout, s->txin, s->sj, s->trow, s->tnrow,
                     s->tkeeps, s->bal_p, s->trtmp, s->tr0, s->trcap, s->genh, s->plan, s->tzr, s->tzc, s->tzv,
                     s->tz0, s->tzcap, s->tszero, s->init_nz, s->tam, s->trl, s->tct, s->trel_dirty, s->tvar0, s->tvar, s->prod };
    for (size_t i = 0; i < sizeof arrs / sizeof *arrs; i++)
        flow_alloc__free(a, arrs[i]);
    flow_solver__free(s->solver, a);
    for (int l = 0; s->brent && l < s->n_brent; l++)
        if (s->brent[l])
            gsl_root_fsolver_free(s->brent[l]);
    flow_alloc__free(a, s->brent);
    flow_alloc__free(a, s->capi);
    flow_alloc__free(a, s->cbind);
    flow_alloc__free(a, s->cw);
    flow_sim__reuse_free(s);
    flow_live__free(s);
    flow_alloc__free(a, s);
}

const flow_model *flow_sim_model(const flow_sim *s) { return s->m; }
int flow_sim_year(const flow_sim *s) { return s->m->first + s->t; }

int flow_sim_set_balance_tolerance(flow_sim *s, double rel_tol)
{
    if (!(rel_tol > 0 && rel_tol < 1))
        return flow_error__set(FLOW_EINVAL, "balance tolerance %g must be in (0, 1)", rel_tol);
    s->tol = rel_tol;
    flow_sim__reuse_off(s);
    return 0;
}

void flow_sim_get_stats(const flow_sim *s, flow_sim_stats *out)
{
    *out = s->stats;
}

/* ---- overrides ---------------------------------------------------------------- */

static int set_param_range(flow_sim *s, int param, int year, int last, double value)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    if (param < 0 || param >= c->NP)
        return flow_error__set(FLOW_ENOTFOUND, "no parameter with index %d", param);
    const flow_param *p = &m->params[param];
    if (p->product)
        return flow_error__set(FLOW_EINVAL, "parameter '%s' is the product of '%s' and '%s': set those instead",
                               p->name, m->params[p->a].name, m->params[p->b].name);
    if (year < m->first || year > m->last)
        return flow_error__set(FLOW_ERANGE, "parameter '%s': year %d is outside the model's years %d-%d",
                               p->name, year, m->first, m->last);
    if (year < m->first + s->t)
        return flow_error__set(FLOW_ERANGE, "parameter '%s': year %d is simulated already (next year: %d)",
                               p->name, year, m->first + s->t);
    if (!isfinite(value))
        return flow_error__set(FLOW_EVALUE, "parameter '%s', year %d: value %g is not finite", p->name, year, value);
    if (p->has_bounds && (value < p->lo || value > p->hi))
        return flow_error__set(FLOW_EVALUE, "parameter '%s', year %d: value %g is outside its bounds [%g, %g]",
                               p->name, year, value, p->lo, p->hi);
    if ((c->param_use[param] & 1) && value < 0)
        return flow_error__set(FLOW_EVALUE, "parameter '%s', year %d: value %g is negative, but it is an amount",
                               p->name, year, value);
    if (s->rready && !s->rvary[param])
        flow_sim__reuse_off(s);
    for (int y = year; y <= last; y++) {
        size_t i = (size_t)(y - m->first) * c->NP + param;
        s->data[FLOW_ITEM_PARAM][i] = value;
        s->ovr[i] = 1;
    }
    return 0;
}

int flow_sim_set_param(flow_sim *s, int param, int year, double value)
{
    return set_param_range(s, param, year, year, value);
}

int flow_sim_set_param_from(flow_sim *s, int param, int year, double value)
{
    return set_param_range(s, param, year, s->m->last, value);
}

/* ---- results ------------------------------------------------------------------ */

static int n_items(const flow_sim *s, flow_item_kind kind)
{
    return flow_model_n_items(s->m, kind);
}

int flow_sim_get(const flow_sim *s, flow_item_kind kind, int item, int year, double *out)
{
    if ((unsigned)kind >= FLOW_ITEM_KIND_COUNT_)
        return flow_error__set(FLOW_EINVAL, "invalid item kind %d", (int)kind);
    int n = n_items(s, kind);
    if (item < 0 || item >= n)
        return flow_error__set(FLOW_ENOTFOUND, "no result item %d (there are %d)", item, n);
    int t = year - s->m->first;
    if (t < 0 || t >= s->t)
    {
        if (s->t == 0)
            return flow_error__set(FLOW_ERANGE, "year %d has not been simulated (no year has been yet)", year);
        return flow_error__set(FLOW_ERANGE, "year %d has not been simulated (simulated: %d-%d)", year,
                               s->m->first, s->m->first + s->t - 1);
    }
    *out = s->data[kind][(size_t)t * n + item];
    return 0;
}

const double *flow_sim_row(const flow_sim *s, flow_item_kind kind, int year)
{
    int t = year - s->m->first;
    if ((unsigned)kind >= FLOW_ITEM_KIND_COUNT_ || t < 0 || t >= s->t)
        return NULL;
    return s->data[kind] + (size_t)t * n_items(s, kind);
}

const double *flow_sim_data(const flow_sim *s, flow_item_kind kind)
{
    if ((unsigned)kind >= FLOW_ITEM_KIND_COUNT_)
        return NULL;
    return s->data[kind];
}

int flow_sim_reset(flow_sim *s)
{
    const flow_compiled *c = &s->m->c;
    size_t T = (size_t)c->T;
    /* the items of the fixed processes keep the values computed once
     * (reuse.c); all others are 0 */
    if (s->reuse) {
        flow_sim__reuse_clear(s);
    } else {
        memset(s->data[FLOW_ITEM_FLOW], 0, T * (size_t)c->E * sizeof(double));
        memset(s->data[FLOW_ITEM_STOCK], 0, T * (size_t)c->S * sizeof(double));
        memset(s->data[FLOW_ITEM_METRIC], 0, T * (size_t)c->NMET * sizeof(double));
    }
    memset(s->data[FLOW_ITEM_INDICATOR], 0, T * s->m->n_inds * sizeof(double));
    memset(s->cohort, 0, (size_t)c->NI * c->M * T * sizeof(double));
    memset(&s->stats, 0, sizeof s->stats);
    memset(s->bqcur, 0, (size_t)(c->S - s->bl0) * sizeof *s->bqcur);
    /* all zero between two typed processes; a failed year may have left
     * some of it set */
    memset(s->tout, 0, (size_t)c->ty_maxrel * sizeof *s->tout);
    s->t = 0;
    s->failed = 0;
    int rc = flow_typed__init(s);
    if (rc)
        s->failed = 1;
    return rc;
}


/* Parameter values of year t that are computed: products; checks them. */
static int eval_products(const flow_step *st, double *pv)
{
    const flow_model *m = st->m;
    const flow_sim *s = st->s;
    /* while reusing, those of a varying parameter: the others hold the
     * values of the run captured, from the same factors (reuse.c) */
    const int n = s->reuse ? s->nrprod : s->n_prod, *prod = s->reuse ? s->rprod : s->prod;
    for (int i = 0; i < n; i++) {
        const int p = prod[i];
        const flow_param *pr = &m->params[p];
        double v = pv[pr->a] * pv[pr->b];
        pv[p] = v;
        if (!isfinite(v) || (pr->has_bounds && (v < pr->lo || v > pr->hi)) ||
            ((st->c->param_use[p] & 1) && v < 0))
            return flow_model__err(&pr->origin, FLOW_EVALUE, "parameter '%s', year %d: value %g is %s", pr->name,
                                   m->first + st->t, v,
                                   !isfinite(v) ? "not finite" : v < 0 && (st->c->param_use[p] & 1)
                                                                     ? "negative, but it is an amount"
                                                                     : "outside its bounds");
    }
    return 0;
}

/* Inputs that do not come through flows: generation of sources, the inflow
 * a stock path needs. *mass: their sum (part of the mass in play). */
static int sources(const flow_step *st, double *mass)
{
    const flow_model *m = st->m;
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    int M = st->M;
    double sum = 0;
    for (size_t i = 0; i < m->n_gens; i++) {
        const flow_edge_hot g = s->genh[i];
        double v = flow_route__amount(st, g.coef, g.param);
        s->x[g.xi] = v;
        s->gen[g.xi] = v;
        sum += v;
    }
    for (size_t i = 0; i < m->n_paths; i++) {
        const flow_pm_amount *g = &m->paths[i];
        int p = g->process, mat = g->material, pm = p * M + mat;
        double path = flow_route__amount(st, g->coef, g->param);
        double eol, so;
        flow_route__old_cohorts(st, p, mat, &eol, &so);
        double S0 = c->surv[(size_t)c->p_inuse[p] * (c->T + 1)];
        double inflow = (path - so) / S0;
        if (inflow < -VALUE_TOL * flow__fmax(path, so))
            return flow_route__err_pm(st, p, mat, FLOW_EVALUE,
                          "the stock path falls to %.10g, below the %.10g its cohorts keep: it would need "
                          "a negative inflow",
                          path, so);
        if (inflow < 0)
            inflow = 0;
        s->x[pm] = inflow;
        s->gen[pm] = inflow;
        sum += inflow;
    }
    *mass = sum;
    return 0;
}

/* Sum of |v[i]| over the stock items, in four independent sums (a
 * threshold: the order does not matter, the chain of additions does):
 * item i into sum i % 4, the last n % 4 into sum 0. The live items only
 * (live.c, lv_st): the others are +0 and leave each sum as it is. */
static double sum_abs(const flow_sim *s, const double *v)
{
    double a[4];
    for (int r = 0; r < 4; r++) {
        double sum = 0;
        for (int j = s->lv_s0[r]; j < s->lv_s0[r + 1]; j++)
            sum += fabs(v[s->lv_st[j]]);
        a[r] = sum;
    }
    return (a[0] + a[1]) + (a[2] + a[3]);
}

int flow_sim_step(flow_sim *s)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    if (s->t >= c->T)
        return flow_error__set(FLOW_ESTATE, "the simulation has run all its years (%d-%d)", m->first, m->last);
    if (s->failed)
        return flow_error__set(FLOW_ESTATE, "year %d failed before: reset the simulation first",
                               m->first + s->t);
    flow_step st = { s, m, c, s->t, c->M, NULL, NULL, NULL, NULL, 0, flow_error_last() };
    double *pv = s->data[FLOW_ITEM_PARAM] + (size_t)s->t * c->NP;
    st.pv = pv;
    st.flows = s->data[FLOW_ITEM_FLOW] + (size_t)s->t * c->E;
    st.stocks = s->data[FLOW_ITEM_STOCK] + (size_t)s->t * c->S;
    st.sprev = s->t > 0 ? s->data[FLOW_ITEM_STOCK] + (size_t)(s->t - 1) * c->S : NULL;

    if (s->reuse)
        flow_sim__reuse_clear_inputs(s);
    else
        memset(s->x, 0, (size_t)c->P * c->M * sizeof *s->x);
    /* gen needs no clearing: every entry read this year is written first
     * (sources(), or flow_route__finish()/run_split() for a source's undeclared
     * materials) */
    /* The flow and stock rows of year t hold zeros until this step writes
     * them: flow_sim_new allocates them zeroed, flow_sim_reset clears them,
     * and a year that fails must be reset before the next. Every stock
     * item and every flow that carries something is written below; flows
     * that carry nothing (a typed process's structurally zero rows, a
     * source's undeclared materials) are left at that 0. */
    s->stats.dense_solves = s->stats.sparse_solves = s->stats.capacity_iters = 0;
    s->corrupted = 0;

    double mass = 0;
    int rc = eval_products(&st, pv);
    if (!rc)
        rc = sources(&st, &mass);
    if (!rc) {
        for (int i = 0; i < c->NF; i++)
            mass += flow_route__amount(&st, c->e_coef[c->fixed_e[i]], c->e_param[c->fixed_e[i]]);
        if (st.sprev)
            mass += sum_abs(s, st.sprev);
        else /* the others add +0: the same sum */
            for (int i = 0; i < s->n_init_nz; i++)
                mass += fabs(flow_route__stock_prev(&st, s->init_nz[i]));
        st.floor = mass > 0 ? NOISE * mass : 1e-300;
        s->floor = st.floor;
    }
    /* while reusing, the components that vary or replay (reuse.c) */
    const int nk = s->reuse ? s->nrvisit : c->C;
    for (int i = 0; i < nk && !rc; i++) {
        const int k = s->reuse ? s->rvisit[i] : i;
        const flow_plan *pl = &s->plan[k];
        if (s->reuse && s->rfixed[k]) { /* computed once (reuse.c) */
            flow_sim__reuse_replay(&st, k);
            continue;
        }
        switch (pl->kind) {
        case FLOW_PLAN_UNIFORM:
        case FLOW_PLAN_UNIFORM_SOURCE:
            rc = flow_route__uniform(&st, pl);
            break;
        case FLOW_PLAN_CYCLE_SMALL:
            rc = flow_cycle__run_small(&st, k);
            break;
        case FLOW_PLAN_CYCLE:
            rc = flow_cycle__run(&st, k);
            break;
        case FLOW_PLAN_KEEP:
            flow_route__keep(&st, pl->p);
            break;
        default:
            rc = flow_route__process(&st, pl->p);
        }
    }
    if (!rc && FLOW_TESTHOOK_ON)
        flow_route__corrupt(&st, 0);
    if (!rc)
        rc = flow_balance__check(s, s->t);
    if (!rc)
        flow_indicator__eval_year(s, s->t, s->data[FLOW_ITEM_INDICATOR] + (size_t)s->t * m->n_inds);
    if (rc) {
        s->failed = 1;
        return rc;
    }
    s->t++;
    return 0;
}

int flow_sim_run(flow_sim *s)
{
    while (s->t < s->m->c.T) {
        int rc = flow_sim_step(s);
        if (rc)
            return rc;
    }
    return 0;
}
