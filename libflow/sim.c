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
 * solved for, see solve.c).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "flow_int.h"
#include "flow_plugin.h"

#define VALUE_TOL 1e-9
/* Rounding noise: magnitudes below NOISE x the mass in play this year
 * (generation, fixed inputs, stocks carried over) are zero. Without this
 * floor a rest flow that should be 0 but comes out -4e-16 would stop a
 * valid model as "outflows exceed input". */
#define NOISE 1e-12
#define CAP_MAX_ROUNDS 200 /* Brent iterations per capacity */
#define CAP_TOL 1e-12
#define CAP_NEWTON_MAX 60 /* Newton steps for the capacities of a cycle */
#define CAP_NEST_MAX 4    /* capacities in a cycle the nested fallback takes */
#define CORRUPT_REL 0.01 /* the test hook FLOW_SIM_CORRUPT */

/* ---- creation ----------------------------------------------------------------- */

#define SIM_ALLOC(ptr, n)                                                          \
    do {                                                                           \
        (ptr) = flow_alloc__calloc(a, (size_t)(n), sizeof *(ptr)); \
        if (!(ptr))                                                                \
            goto nomem;                                                            \
    } while (0)

/* The values of a typed process's parameters in year t: the model's, else
 * the declared defaults. */
static void type_params(const flow_model *m, const flow_typed *ty, const double *pv, double *par)
{
    const flow_process *pr = &m->procs[ty->p];
    for (int i = 0; i < ty->n_params; i++)
        par[i] = !pr->tset[i]                  ? ty->t->params[i].def
                 : pr->tparam[i] == FLOW_NONE ? pr->tcoef[i]
                                              : pr->tcoef[i] * pv[pr->tparam[i]];
}

/* The bits of n doubles ORed together: 0 when all are +0 (a -0 or a NaN
 * is not; callers look at the values then). Four at a time, no branch per
 * value. */
static inline uint64_t any_bits(const double *v, int n)
{
    uint64_t b0 = 0, b1 = 0, w[4];
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        memcpy(w, v + i, sizeof w);
        b0 |= w[0] | w[1];
        b1 |= w[2] | w[3];
    }
    for (; i < n; i++) {
        memcpy(w, v + i, sizeof *w);
        b0 |= w[0];
    }
    return b0 | b1;
}

/* Calls fini() of every typed process whose init() ran. */
static void types_fini(flow_sim *s)
{
    const flow_compiled *c = &s->m->c;
    for (int k = 0; s->tinit && k < c->NT; k++) {
        if (s->tinit[k] && c->ty[k].t->fini)
            c->ty[k].t->fini(s->tstate + c->ty[k].state0);
        s->tinit[k] = 0;
    }
}

/* Zeroes the state of every typed process and calls its init(), with the
 * parameters of the first year. */
static int types_init(flow_sim *s)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    types_fini(s);
    memset(s->tstate, 0, c->ty_state);
    memset(s->tvalid, 0, (size_t)c->NT);
    /* the rows of the transfers are laid out again, in the order of this
     * run's first transfers */
    memset(s->trcap, 0, (size_t)c->NT * sizeof *s->trcap);
    s->trtop = 0;
    memset(s->tzcap, 0, (size_t)c->NT * sizeof *s->tzcap);
    s->tztop = 0;
    for (int k = 0; k < c->NT; k++)
        s->tszero[k] = any_bits(c->pm_init + (size_t)c->ty[k].p * c->M, c->M) == 0;
    for (int k = 0; k < c->NT; k++) {
        const flow_typed *ty = &c->ty[k];
        const flow_process *pr = &m->procs[ty->p];
        if (!ty->t->init) {
            s->tinit[k] = 1;
            continue;
        }
        double *par = s->tpar + ty->par0;
        type_params(m, ty, s->data[FLOW_ITEM_PARAM], par);
        char misuse[FLOW_MISUSE_LEN] = "";
        flow_type_ctx ctx = { ty->t, m, pr->name, m->first, ty->n_params, par, NULL, NULL, misuse };
        flow_error_clear();
        int rc = ty->t->init(&ctx, s->tstate + ty->state0);
        if (misuse[0]) {
            s->tinit[k] = rc == 0; /* its fini() is due when init() thought it succeeded */
            return flow_model__err(&pr->origin, FLOW_EPLUGIN, "process '%s' (type '%s'): its init() made a wrong call: %s",
                                   pr->name, ty->t->name, misuse);
        }
        if (rc) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s", flow_error_last());
            return flow_model__err(&pr->origin, rc < 0 && rc >= FLOW_EPLUGIN ? rc : FLOW_EPLUGIN,
                                   "process '%s' (type '%s'): its init() failed (%s)%s%s", pr->name, ty->t->name,
                                   flow_strerror(rc), msg[0] ? ": " : "", msg);
        }
        s->tinit[k] = 1;
    }
    return 0;
}

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
    SIM_ALLOC(s->tstate, c->ty_state);
    SIM_ALLOC(s->tacc, M);
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
            pl->kind = FLOW_PLAN_PROCESS;
        }
    }
    SIM_ALLOC(s->genh, m->n_gens);
    for (size_t i = 0; i < m->n_gens; i++)
        s->genh[i] = (flow_edge_hot){ m->gens[i].process * c->M + m->gens[i].material, m->gens[i].param,
                                      m->gens[i].coef };
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
        rc = types_init(s);
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
    types_fini(s);
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++)
        flow_alloc__free(a, s->data[k]);
    void *arrs[] = { s->ovr, s->nodeval, s->x, s->gen, s->rho, s->alpha, s->beta, s->bin, s->bout, s->cohort,
                     s->bqueue, s->btake, s->loc, s->tri_r, s->tri_c, s->tri_v, s->tri_r0, s->tri_c0, s->tri_v0, s->sb, s->sx, s->xext,
                     s->tcoef, s->trel, s->tcol, s->tpar, s->tvalid, s->tinit, s->tnz_row, s->tnz_col, s->tnz_v,
                     s->tnnz, s->trel_any, s->tstate, s->tacc, s->tout, s->txin, s->sj, s->trow, s->tnrow,
                     s->tkeeps, s->bal_p, s->trtmp, s->tr0, s->trcap, s->genh, s->plan, s->tzr, s->tzc, s->tzv,
                     s->tz0, s->tzcap, s->tszero };
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
    flow_alloc__free(a, s);
}

const flow_model *flow_sim_model(const flow_sim *s) { return s->m; }
int flow_sim_year(const flow_sim *s) { return s->m->first + s->t; }

int flow_sim_set_balance_tolerance(flow_sim *s, double rel_tol)
{
    if (!(rel_tol > 0 && rel_tol < 1))
        return flow_error__set(FLOW_EINVAL, "balance tolerance %g must be in (0, 1)", rel_tol);
    s->tol = rel_tol;
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
    memset(s->data[FLOW_ITEM_FLOW], 0, T * (size_t)c->E * sizeof(double));
    memset(s->data[FLOW_ITEM_STOCK], 0, T * (size_t)c->S * sizeof(double));
    memset(s->data[FLOW_ITEM_INDICATOR], 0, T * s->m->n_inds * sizeof(double));
    memset(s->data[FLOW_ITEM_METRIC], 0, T * (size_t)c->NMET * sizeof(double));
    memset(s->cohort, 0, (size_t)c->NI * c->M * T * sizeof(double));
    memset(&s->stats, 0, sizeof s->stats);
    /* all zero between two typed processes; a failed year may have left
     * some of it set */
    memset(s->tout, 0, (size_t)c->ty_maxrel * sizeof *s->tout);
    s->t = 0;
    s->failed = 0;
    int rc = types_init(s);
    if (rc)
        s->failed = 1;
    return rc;
}

/* ---- the year step -------------------------------------------------------------- */

/* Per-step context: rows of the year being simulated. */
typedef struct step {
    flow_sim *s;
    const flow_model *m;
    const flow_compiled *c;
    int t, M;
    const double *pv;     /* parameter values of t */
    double *flows;        /* flow row of t */
    double *stocks;       /* stock row of t */
    const double *sprev;  /* stock row of t - 1, or NULL in the first year */
    double floor;         /* NOISE x the mass in play */
    const char *err;      /* this thread's flow_error_last(), read without a
                             thread-local look-up */
} step;

/* FLOW_SIM_CORRUPT (sim_hooks): once in its year, adds CORRUPT_REL of the
 * chosen flow to what its destination is found to have received (bin),
 * when the destination is one of `only` (a cycle's processes, marked in
 * loc) or, with only = 0, whatever it is. */
static void corrupt(const step *st, int only)
{
    flow_sim *s = st->s;
    const flow_compiled *c = st->c;
    int e = s->corrupt_e;
    if (s->corrupt_t != st->t || s->corrupted || c->E == 0 || (only && s->loc[c->e_to[e]] < 0))
        return;
    s->corrupted = 1;
    s->bin[(size_t)c->e_to[e] * st->M + c->e_mat[e]] += CORRUPT_REL * st->flows[e];
}

/* The same for a typed process that balances as it routes (typed_lean):
 * what it is found to have received of all materials together, beyond
 * what it routed. */
static double corrupt_lean(const step *st, int p)
{
    flow_sim *s = st->s;
    int e = s->corrupt_e;
    if (s->corrupt_t != st->t || s->corrupted || st->c->E == 0 || st->c->e_to[e] != p)
        return 0;
    s->corrupted = 1;
    return CORRUPT_REL * st->flows[e];
}

static double stock_prev(const step *st, int item)
{
    if (st->sprev)
        return st->sprev[item];
    /* before the first year: initial stocks of stock processes, backlogs empty */
    const flow_compiled *c = st->c;
    int p = c->s_proc[item];
    if (c->p_stock[p] >= 0 && item < c->p_stock[p] + c->M)
        return c->pm_init[p * c->M + c->s_mat[item]];
    return 0;
}

static double amount(const step *st, double coef, int param)
{
    return param == FLOW_NONE ? coef : coef * st->pv[param];
}

/* Outflow of the cohorts of earlier years in year t for an in-use stock:
 * sum_{c<t} i_c (S(t-1-c) - S(t-c)); and their surviving stock
 * sum_{c<t} i_c S(t-c). */
static void old_cohorts(const step *st, int p, int mat, double *eol, double *stock)
{
    const flow_compiled *c = st->c;
    int k = c->p_inuse[p], T = c->T;
    const double *S = c->surv + (size_t)k * (T + 1);
    const double *in = st->s->cohort + ((size_t)k * st->M + mat) * T;
    double e = 0, s = 0;
    for (int cc = 0; cc < st->t; cc++) {
        int age = st->t - cc;
        e += in[cc] * (S[age - 1] - S[age]);
        s += in[cc] * S[age];
    }
    *eol = e;
    *stock = s;
}

static int err_pm(const step *st, int p, int mat, int code, const char *fmt, ...) FLOW_PRINTF(5, 6);
static int err_pm(const step *st, int p, int mat, int code, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const flow_process *pr = &st->m->procs[p];
    return flow_model__err(&pr->origin, code, "process '%s', material '%s', year %d: %s", pr->name,
                           st->m->mats[mat].name, st->m->first + st->t, msg);
}

/* What process p takes from its backlog this year, per material, into
 * s->btake. The backlog is a queue, first in, first out (a facility works
 * off what waits longest): each year's part that it could not take waits
 * in s->bqueue, and the capacity takes the oldest part first, each part in
 * the proportions of its materials. The take depends only on last year's
 * state, never on this year's input, so that in a cycle it is a constant
 * of the system. */
static void backlog_take(const step *st, int p)
{
    const flow_compiled *c = st->c;
    const flow_sim *s = st->s;
    const int M = st->M, T = c->T, bl = c->p_backlog[p];
    const double *queue = s->bqueue + (size_t)(bl - s->bl0) * T;
    double *take = s->btake + (bl - s->bl0), waiting = 0;
    for (int m = 0; m < M; m++)
        waiting += take[m] = stock_prev(st, bl + m);
    double C = st->pv[st->m->procs[p].cap_param];
    if (waiting <= C)
        return;
    /* what waits is the end [lo, all) of all that ever entered the queue;
     * the capacity takes [lo, lo + C) */
    double all = 0;
    for (int m = 0; m < M; m++)
        for (int v = 0; v < st->t; v++)
            all += queue[(size_t)m * T + v];
    double lo = all - waiting, hi = lo + C, start = 0;
    for (int m = 0; m < M; m++)
        take[m] = 0;
    for (int v = 0; v < st->t && start < hi; v++) {
        double part = 0;
        for (int m = 0; m < M; m++)
            part += queue[(size_t)m * T + v];
        double from = fmax(start, lo), to = fmin(start + part, hi);
        if (to > from)
            for (int m = 0; m < M; m++)
                take[m] += (to - from) / part * queue[(size_t)m * T + v];
        start += part;
    }
}

/* What p takes from its backlog of material mat this year (backlog_take). */
static double backlog_taken(const step *st, int p, int mat)
{
    int bl = st->c->p_backlog[p];
    return bl >= 0 ? st->s->btake[bl - st->s->bl0 + mat] : 0;
}

/* The capacity process p has for this year's input: its capacity less
 * what it takes from its backlog this year (as capacity_rho found it). */
static double capacity_left(const step *st, int p)
{
    double C = st->pv[st->m->procs[p].cap_param], taken = 0;
    if (st->c->p_backlog[p] < 0)
        return C;
    for (int m = 0; m < st->M; m++)
        taken += backlog_taken(st, p, m);
    return fmax(C - taken, 0);
}

/* The accepted fraction rho of this year's input x of a process with a
 * capacity, after its backlog (backlog_take, which this finds first). */
static double capacity_rho(const step *st, int p, const double *xp)
{
    const flow_process *pr = &st->m->procs[p];
    if (pr->cap_param == FLOW_NONE)
        return 1;
    if (st->c->p_backlog[p] >= 0)
        backlog_take(st, p);
    double C = capacity_left(st, p), A = 0;
    for (int mat = 0; mat < st->M; mat++)
        A += xp[mat];
    return A > C ? C / A : 1;
}

/* Base of routing B = B0 + B1 * x for (p, mat) at acceptance rho. */
static void routing_base(const step *st, int p, int mat, double rho, double *B0, double *B1)
{
    const flow_compiled *c = st->c;
    const flow_process *pr = &st->m->procs[p];
    double K0 = 0, K1 = 1;
    if (pr->kind == FLOW_STOCK) {
        if (pr->smode == FLOW_STOCK_STORAGE) {
            K0 = stock_prev(st, c->p_stock[p] + mat);
        } else if (pr->smode == FLOW_STOCK_INUSE || pr->smode == FLOW_STOCK_INUSE_DRIVEN) {
            double so;
            old_cohorts(st, p, mat, &K0, &so);
            K1 = 1 - c->surv[(size_t)c->p_inuse[p] * (c->T + 1)];
        }
    }
    *B0 = K0 + K1 * backlog_taken(st, p, mat);
    *B1 = K1 * rho;
}

/* Fills alpha/beta of the edges leaving (p, mat): its routing group and its
 * overflow edge. Checks share values and their sum for year t. */
static int coeffs(const step *st, int p, int mat, double rho)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    double B0, B1;
    routing_base(st, p, mat, rho, &B0, &B1);
    int g = c->pm_group[p * st->M + mat];
    /* a source that does not generate this material generates what its
     * fixed flows take: its share and rest flows carry nothing */
    int implicit = st->m->procs[p].kind == FLOW_SOURCE && c->pm_gen[p * st->M + mat] < 0;
    if (implicit)
        B0 = B1 = 0;
    if (g >= 0) {
        double F = 0, Ssum = 0;
        int e = c->g_start[g], end = c->g_end[g];
        for (; e < c->g_start[g] + c->g_nfixed[g]; e++) {
            double v = amount(st, c->e_coef[e], c->e_param[e]);
            s->alpha[e] = 0;
            s->beta[e] = v;
            F += v;
        }
        for (; e < end && c->e_mode[e] == FLOW_SHARE; e++) {
            double sh = amount(st, c->e_coef[e], c->e_param[e]);
            if (!(sh >= 0 && sh <= 1 + 1e-9))
                return err_pm(st, p, mat, FLOW_EVALUE, "share %g of flow %s is not in [0, 1]%s%s%s", sh,
                              c->e_name[e], c->e_param[e] != FLOW_NONE ? " (parameter '" : "",
                              c->e_param[e] != FLOW_NONE ? st->m->params[c->e_param[e]].name : "",
                              c->e_param[e] != FLOW_NONE ? "')" : "");
            s->alpha[e] = sh * B1;
            s->beta[e] = sh * B0;
            Ssum += sh;
        }
        int rc = flow_compile__group_shares(st->m, g, Ssum, st->t);
        if (rc)
            return rc;
        if (e < end) { /* the rest */
            s->alpha[e] = (1 - Ssum) * B1;
            s->beta[e] = implicit ? 0 : (1 - Ssum) * B0 - F;
        }
    }
    int o = c->p_ovf[p];
    if (o >= 0) {
        s->alpha[o + mat] = 1 - rho;
        s->beta[o + mat] = 0; /* a process with an overflow keeps no backlog */
    }
    return 0;
}

/* The backlog of (p, mat) at the end of the year: last year's, less what
 * was taken from it, plus what of this year's input waits (the queue's
 * newest part). */
static void backlog_keep(const step *st, int p, int mat, double taken, double waits)
{
    int item = st->c->p_backlog[p] + mat;
    st->stocks[item] = stock_prev(st, item) - taken + waits;
    st->s->bqueue[(size_t)(item - st->s->bl0) * st->c->T + st->t] = waits;
}

/* After the values of (p, mat)'s edges are known: checks them and updates
 * its stock, backlog, cohorts and generation. x is the process's input. */
static int finish(const step *st, int p, int mat, double rho, double x)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const flow_process *pr = &st->m->procs[p];
    int pm = p * st->M + mat;
    int g = c->pm_group[pm];
    double out = 0, big = 0;
    if (g >= 0) {
        for (int e = c->g_start[g]; e < c->g_end[g]; e++) {
            double v = st->flows[e];
            out += v;
            if (v > big)
                big = v;
        }
    }
    double B0, B1;
    routing_base(st, p, mat, rho, &B0, &B1);
    double B = B0 + B1 * x;
    double scale = fmax(fabs(B), big);
    double tol = fmax(VALUE_TOL * scale, st->floor);
    int implicit_source = pr->kind == FLOW_SOURCE && c->pm_gen[pm] < 0;
    if (g >= 0 && !implicit_source) {
        int rest = c->g_rest[g];
        if (rest >= 0 && st->flows[rest] < -tol)
            return err_pm(st, p, mat, FLOW_EVALUE,
                          "its fixed and share flows take %.10g, more than the %.10g it sends on",
                          out - st->flows[rest], B);
        if (flow_compile__routes_all(pr) && fabs(out - B) > tol)
            return err_pm(st, p, mat, FLOW_EVALUE, "its flows send on %.10g, not the %.10g it has", out, B);
        if (!flow_compile__routes_all(pr) && out > B + tol)
            return err_pm(st, p, mat, FLOW_EVALUE, "its flows take %.10g, more than the %.10g it has", out, B);
    }
    double taken = backlog_taken(st, p, mat);
    if (c->p_backlog[p] >= 0)
        backlog_keep(st, p, mat, taken, (1 - rho) * x);
    double accepted = taken + rho * x;
    if (pr->kind == FLOW_STOCK) {
        int item = c->p_stock[p] + mat;
        switch (pr->smode) {
        case FLOW_STOCK_ACCUMULATE:
            st->stocks[item] = stock_prev(st, item) + accepted - out;
            break;
        case FLOW_STOCK_STORAGE:
            st->stocks[item] = B - out;
            break;
        default: { /* in-use: the new cohort and the survivors */
            int k = c->p_inuse[p];
            double eol, so;
            old_cohorts(st, p, mat, &eol, &so);
            double S0 = c->surv[(size_t)k * (c->T + 1)];
            s->cohort[((size_t)k * st->M + mat) * c->T + st->t] = accepted;
            st->stocks[item] = so + accepted * S0;
            break;
        }
        }
    }
    if (implicit_source)
        s->gen[pm] = out;
    /* a stock emptied by its rest flow is 0, not -4e-16 */
    for (int k = 0; k < 2; k++) {
        int base = k == 0 ? c->p_stock[p] : c->p_backlog[p];
        if (base >= 0 && st->stocks[base + mat] < 0 && st->stocks[base + mat] >= -tol)
            st->stocks[base + mat] = 0;
    }
    return 0;
}

/* A flow's value from its coefficients; rounding noise below zero is 0
 * (a real negative, beyond the noise, is left for finish() to report). */
static double flow_value(const step *st, int e, double x)
{
    double v = st->s->alpha[e] * x + st->s->beta[e];
    return v < 0 && v >= -st->floor ? 0 : v;
}

/* An acyclic process: its input is known. */
/* Every share of group g must lie in [0, 1]: reported by flow and
 * parameter. Called when a group's sum fails its rule, which is where a
 * negative or oversized share shows (a share below 0 can hide in a sum
 * that still adds to 1 only if another exceeds it). */
static int check_share_values(const step *st, int p, int mat, int g)
{
    const flow_compiled *c = st->c;
    for (int e = c->g_start[g] + c->g_nfixed[g]; e < c->g_start[g] + c->g_nfixed[g] + c->g_nshare[g]; e++) {
        double sh = amount(st, c->e_coef[e], c->e_param[e]);
        if (!(sh >= 0 && sh <= 1 + 1e-9))
            return err_pm(st, p, mat, FLOW_EVALUE, "share %g of flow %s is not in [0, 1]%s%s%s", sh,
                          c->e_name[e], c->e_param[e] != FLOW_NONE ? " (parameter '" : "",
                          c->e_param[e] != FLOW_NONE ? st->m->params[c->e_param[e]].name : "",
                          c->e_param[e] != FLOW_NONE ? "')" : "");
    }
    return 0;
}

/* The error of a routing group whose shares the fast check of the year
 * step found off: a share out of [0, 1] by name, else the sum (the same
 * tolerance as compile.c's rule, so one of the two reports it). Never 0:
 * were the two ever to disagree, the caller must not go on as if the
 * process had been routed. */
static int share_error(const step *st, int p, int mat, int g, double sum)
{
    int rc = check_share_values(st, p, mat, g);
    if (!rc)
        rc = flow_compile__group_shares(st->m, g, sum, st->t);
    if (!rc)
        rc = err_pm(st, p, mat, FLOW_ESHARES, "its shares add to %.17g", sum);
    return rc;
}

/* The common case, kept lean because it is most of every model: a split
 * or a source without a capacity. One pass over each routing group
 * computes, stores and sends on every flow, and checks the shares. */
/* A split or source whose flows are the same for every material (FLOW_ALL
 * flows only, compile.c: p_uniform): the share and fixed values are
 * computed once, checked once, and applied to each material's input; the
 * edges of material m are those of material 0 shifted by m blocks, and
 * their targets by m inputs. Reads one edge block instead of M. */
static int run_uniform(const step *st, const flow_plan *pl)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const int M = st->M, p = pl->p;
    const double *pv = st->pv;
    double *flows = st->flows, *x = s->x;
    const flow_edge_hot *eh = c->eu + pl->u;
    const int nfix = pl->nfix, nsh = nfix + pl->nshare, n = pl->n;
    double val[FLOW_UNIFORM_MAX];
    int xi[FLOW_UNIFORM_MAX];
    double F = 0, S = 0;
    for (int j = 0; j < n; j++) {
        val[j] = eh[j].param < 0 ? eh[j].coef : eh[j].coef * pv[eh[j].param];
        xi[j] = eh[j].xi; /* material 0's target input; material m's is xi + m */
        if (j < nfix)
            F += val[j];
        else if (j < nsh)
            S += val[j];
    }
    int exact = nfix == 0 && nsh == n;
    if (exact ? fabs(S - 1) > 1e-9 : S > 1 + 1e-9) {
        return share_error(st, p, 0, c->pm_group[(size_t)p * M], S);
    }
    size_t p0 = (size_t)p * M;
    /* a source's materials it does not declare: it generates what its
     * fixed flows take, its other flows carry nothing (as in run_split) */
    const int *undeclared = pl->kind == FLOW_PLAN_UNIFORM_SOURCE ? c->pm_gen + p0 : NULL;
    if (n == 1 && nsh == 0) {
        /* its one flow is the rest: the input passes on (an undeclared
         * material of a source has no input: 0 passes) */
        double *fl = flows + pl->fl;
        const int to = xi[0];
        for (int mat = 0; mat < M; mat++) {
            double B = x[p0 + mat];
            if (B < 0) {
                double tol = VALUE_TOL * B > st->floor ? VALUE_TOL * B : st->floor;
                if (B < -tol)
                    return err_pm(st, p, mat, FLOW_EVALUE,
                                  "its fixed and share flows take %.10g, more than the %.10g it sends on", 0.0, B);
                B = 0;
            }
            fl[mat] = B;
            x[to + mat] += B;
        }
        for (int mat = 0; undeclared && mat < M; mat++)
            if (undeclared[mat] < 0)
                s->gen[p0 + mat] = 0;
        return 0;
    }
    for (int mat = 0; mat < M; mat++) {
        double B = x[p0 + mat];
        double *fl = flows + pl->fl + (size_t)mat * n;
        double out = F;
        int j = 0;
        for (; j < nfix; j++) {
            fl[j] = val[j];
            x[xi[j] + mat] += val[j];
        }
        if (undeclared && undeclared[mat] < 0) {
            /* its other flows stay at the 0 the year's row holds (see
             * typed_lean) */
            s->gen[p0 + mat] = F;
            continue;
        }
        for (; j < nsh; j++) {
            double v = val[j] * B;
            fl[j] = v;
            x[xi[j] + mat] += v;
            out += v;
        }
        double tol = VALUE_TOL * B > st->floor ? VALUE_TOL * B : st->floor;
        if (j < n) { /* the rest */
            double v = B - out;
            if (v < 0) {
                if (v < -tol)
                    return err_pm(st, p, mat, FLOW_EVALUE,
                                  "its fixed and share flows take %.10g, more than the %.10g it sends on", out, B);
                v = 0;
            }
            fl[j] = v;
            x[xi[j] + mat] += v;
        } else if (fabs(out - B) > tol) {
            return err_pm(st, p, mat, FLOW_EVALUE, "its flows send on %.10g, not the %.10g it has", out, B);
        }
    }
    return 0;
}

/* A split or source that is not uniform (flow_sim_step routes those by
 * run_uniform). */
static int run_split(const step *st, int p)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const int M = st->M;
    const double *pv = st->pv;
    double *flows = st->flows, *x = s->x;
    const flow_edge_hot *eh = c->eh;
    int source = c->p_fast[p] == 2;
    size_t p0 = (size_t)p * M;
    /* no bin/bout: the balance of these processes is checked right here
     * (what they send on equals what they have) and balance.c skips them */
    for (int k = c->p_gstart[p]; k < c->p_gend[p]; k++) {
        const flow_group_hot gr = c->gh[k];
        size_t pm = p0 + gr.mat;
        double B = x[pm];
        int e = gr.start;
        const int efix = e + gr.nfix, eshare = efix + gr.nshare, end = e + gr.n;
        double F = 0, S = 0, out = 0;
        for (; e < efix; e++) {
            double v = eh[e].param < 0 ? eh[e].coef : eh[e].coef * pv[eh[e].param];
            flows[e] = v;
            x[eh[e].xi] += v;
            F += v;
        }
        for (; e < eshare; e++) {
            double sh = eh[e].param < 0 ? eh[e].coef : eh[e].coef * pv[eh[e].param];
            double v = sh * B;
            flows[e] = v;
            x[eh[e].xi] += v;
            S += sh;
            out += v;
        }
        /* Checking the sum is enough: no share can be negative (compile
         * checks every year's values, flow_sim_set_param refuses negative
         * amounts, products are checked each step), so a share above 1
         * makes the sum fail too; then each share is named. A group of a
         * split or source with neither fixed nor rest flows must add to 1. */
        int exact = gr.nfix == 0 && eshare == end;
        if (exact ? fabs(S - 1) > 1e-9 : S > 1 + 1e-9) {
            return share_error(st, p, gr.mat, c->pm_group[pm], S);
        }
        if (source && c->pm_gen[pm] < 0) {
            /* generates what its fixed flows take; its other flows carry 0 */
            for (e = efix; e < end; e++)
                flows[e] = 0; /* shares of B = 0 sent nothing */
            s->gen[pm] = F;
            continue;
        }
        double tol = VALUE_TOL * B > st->floor ? VALUE_TOL * B : st->floor; /* not fmax: a libm call */
        out += F;
        if (e < end) { /* the rest */
            double v = B - out;
            if (v < 0) {
                if (v < -tol)
                    return err_pm(st, p, gr.mat, FLOW_EVALUE,
                                  "its fixed and share flows take %.10g, more than the %.10g it sends on", out, B);
                v = 0;
            }
            flows[e] = v;
            x[eh[e].xi] += v;
        } else if (fabs(out - B) > tol) {
            return err_pm(st, p, gr.mat, FLOW_EVALUE, "its flows send on %.10g, not the %.10g it has", out, B);
        }
    }
    return 0;
}

/* Sums what left (p, mat) along its edges (routing group and overflow). */
static double sent(const step *st, int p, int mat)
{
    const flow_compiled *c = st->c;
    int g = c->pm_group[p * st->M + mat];
    double out = 0;
    if (g >= 0)
        for (int e = c->g_start[g]; e < c->g_end[g]; e++)
            out += st->flows[e];
    if (c->p_ovf[p] >= 0)
        out += st->flows[c->p_ovf[p] + mat];
    return out;
}


/* ---- typed processes (plugin types) ---------------------------------------------- */

static int err_typed(const step *st, int p, int code, const char *fmt, ...) FLOW_PRINTF(4, 5);
static int err_typed(const step *st, int p, int code, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const flow_process *pr = &st->m->procs[p];
    return flow_model__err(&pr->origin, code, "process '%s' (type '%s'), year %d: %s", pr->name, pr->type->name,
                           st->m->first + st->t, msg);
}

/* Makes the transfer of typed process k current for year t: asks its type
 * again only when a parameter changed, or when the last answer may
 * depend on more than the parameters (a type with state, or one that read
 * the year or its stock). Checks what the type gave: coefficients and
 * releases finite and >= 0, no column sending more than 1. */
static int typed_coefs(const step *st, int k)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const flow_typed *ty = &c->ty[k];
    const int M = st->M, p = ty->p;
    double *par = s->tpar + ty->par0;
    /* constant parameters cannot have changed: nothing to compare */
    if (s->tvalid[k] && ty->par_const)
        return 0;
    int changed = !s->tvalid[k];
    const flow_process *pr = &st->m->procs[p];
    for (int i = 0; i < ty->n_params; i++) {
        double v = !pr->tset[i] ? ty->t->params[i].def
                   : pr->tparam[i] == FLOW_NONE ? pr->tcoef[i] : pr->tcoef[i] * st->pv[pr->tparam[i]];
        if (v != par[i]) {
            changed = 1;
            par[i] = v;
        }
    }
    if (!changed)
        return 0;
    s->tvalid[k] = 0;
    for (int i = 0; i < ty->n_params; i++) {
        const flow_param_decl *d = &ty->t->params[i];
        if (!(par[i] >= d->lo && par[i] <= d->hi))
            return err_typed(st, p, FLOW_EVALUE, "parameter '%s' is %g, outside its bounds [%g, %g]%s%s%s", d->name,
                             par[i], d->lo, d->hi, pr->tset[i] && pr->tparam[i] != FLOW_NONE ? " (parameter '" : "",
                             pr->tset[i] && pr->tparam[i] != FLOW_NONE ? st->m->params[pr->tparam[i]].name : "",
                             pr->tset[i] && pr->tparam[i] != FLOW_NONE ? "')" : "");
    }
    const int NR = ty->n_ports * M;
    /* coef (scratch shared by all typed processes, read only here) is all
     * zeros: flow_sim_new allocates it so, and every call
     * below leaves it so (the rows it finds set are cleared once read, the
     * whole block when it fails), which saves clearing n_ports x M x M
     * values before each call */
    double *coef = s->tcoef, *rel = s->trel + ty->rel0;
    memset(rel, 0, (size_t)NR * sizeof *rel);
    int touched = ty->t->state_size > 0;
    const double *prev = st->sprev ? st->sprev + c->p_stock[p] : c->pm_init + (size_t)p * M;
    char misuse[FLOW_MISUSE_LEN];
    misuse[0] = '\0';
    flow_type_ctx ctx = { ty->t, st->m, pr->name, st->m->first + st->t, ty->n_params, par, prev, &touched, misuse };
    flow_transfer T = { ty->n_ports, M, coef, rel };
    s->stats.type_transfers++;
    flow_error_clear(); /* a type written in Lua leaves its message there */
    int rc = ty->t->transfer(&ctx, s->tstate + ty->state0, &T);
    if (misuse[0]) {
        rc = err_typed(st, p, FLOW_EPLUGIN, "its transfer() made a wrong call: %s", misuse);
        goto fail;
    }
    if (rc) {
        rc = err_typed(st, p, rc < 0 && rc >= FLOW_EPLUGIN ? rc : FLOW_EPLUGIN, "its transfer() failed (%s)%s%s",
                       flow_strerror(rc), flow_error_last()[0] ? ": " : "", flow_error_last());
        goto fail;
    }
    double *col = s->tcol + (size_t)k * M;
    for (int m = 0; m < M; m++)
        col[m] = 0;
    int *nr = s->tzr, *nc = s->tzc; /* found in scratch, then moved to the pool */
    double *nv = s->tzv;
    flow_trow *tr = s->trtmp;
    const int *to = c->ty_port_to + ty->port0, *te = c->ty_edge + ty->edge0;
    int nnz = 0, nrow = 0;
    /* most types release nothing: then the releases need no look each */
    const int rel_any = any_bits(rel, NR) != 0;
    s->trel_any[k] = 0;
    for (int r = 0; r < NR; r++) {
        double *row = coef + (size_t)r * M;
        const int z0 = nnz;
        /* most rows are all zeros: one test of the bits of the whole row
         * (no branch per value; a -0 passes on to the values, which skip it) */
        if (any_bits(row, M)) {
            for (int m = 0; m < M; m++) {
                double v = row[m];
                if (v == 0)
                    continue;
                if (!(v > 0) || !isfinite(v)) {
                    rc = err_typed(st, p, FLOW_EPLUGIN, "its transfer sends %g of material '%s' to material '%s' "
                                   "of port '%s' (coefficients must be finite and >= 0)", v, st->m->mats[m].name,
                                   st->m->mats[r % M].name, ty->t->ports[r / M]);
                    goto fail;
                }
                col[m] += v;
                nr[nnz] = r;
                nc[nnz] = m;
                nv[nnz++] = v;
            }
            memset(row, 0, (size_t)M * sizeof *row);
        }
        if (rel_any) {
            if (!(rel[r] >= 0) || !isfinite(rel[r])) {
                rc = err_typed(st, p, FLOW_EPLUGIN, "its transfer releases %g of material '%s' on port '%s' "
                               "(releases must be finite and >= 0)", rel[r], st->m->mats[r % M].name,
                               ty->t->ports[r / M]);
                goto fail;
            }
            if (rel[r] != 0)
                s->trel_any[k] = 1;
        }
        /* the rows that send something, for typed_lean: a structurally
         * zero row's flows stay at the 0 the result row holds; a row that
         * takes every material at one rate is that rate times the total
         * input */
        if (nnz == z0 && !(rel_any && rel[r] != 0))
            continue;
        double u = nnz - z0 == M ? nv[z0] : -1;
        for (int i = z0 + 1; u >= 0 && i < nnz; i++)
            if (nv[i] != u)
                u = -1;
        tr[nrow++] = (flow_trow){ r, te[r], to[r / M] * M + r % M, z0, nnz, u, rel[r] };
    }
    for (int m = 0; m < M; m++)
        if (col[m] > 1 + 1e-9)
            return err_typed(st, p, FLOW_EPLUGIN, "its transfer sends %.10g of each tonne of material '%s' "
                             "(more than it receives: a column may add up to 1 at most)", col[m],
                             st->m->mats[m].name);
    s->tnnz[k] = nnz;
    /* the non-zeros and the rows go to pools, one process after the
     * other in the order of the step: room for as many as there are
     * first, for all there can be (n_ports x M x M, n_ports x M) when a
     * later transfer needs more; so a pool needs twice the all at most */
    if ((size_t)nnz > s->tzcap[k]) {
        s->tzcap[k] = s->tzcap[k] ? (size_t)NR * M : (size_t)nnz;
        s->tz0[k] = s->tztop;
        s->tztop += s->tzcap[k];
    }
    memcpy(s->tnz_row + s->tz0[k], nr, (size_t)nnz * sizeof *nr);
    memcpy(s->tnz_col + s->tz0[k], nc, (size_t)nnz * sizeof *nc);
    memcpy(s->tnz_v + s->tz0[k], nv, (size_t)nnz * sizeof *nv);
    /* room for its rows: first as many as it has (the pool then holds
     * the rows of all typed processes one after the other, in the order
     * the step visits them), and all it can ever have (n_ports x M) when
     * a later transfer needs more; so the pool needs 2 x ty_nrel at most */
    if (nrow > s->trcap[k]) {
        s->trcap[k] = s->trcap[k] ? NR : nrow;
        s->tr0[k] = s->trtop;
        s->trtop += s->trcap[k];
    }
    memcpy(s->trow + s->tr0[k], tr, (size_t)nrow * sizeof *tr);
    s->tnrow[k] = nrow;
    /* stock = last year's + acc x (1 - column) - releases: unchanged when
     * every column sends all (exactly) and nothing is released */
    s->tkeeps[k] = s->trel_any[k];
    for (int m = 0; m < M; m++)
        if (1 - col[m] != 0)
            s->tkeeps[k] = 1;
    s->tvalid[k] = !touched;
    return 0;
fail:
    memset(coef, 0, (size_t)NR * M * sizeof *coef);
    return rc;
}

/* The type's step(): the metrics of the year (and its state). */
static int typed_step(const step *st, int k, const double *acc, const double *out, const double *prev)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const flow_typed *ty = &c->ty[k];
    const int p = ty->p;
    if (ty->t->step) {
        const flow_process *pr = &st->m->procs[p];
        double *met = s->data[FLOW_ITEM_METRIC] + (size_t)st->t * c->NMET + ty->metric0;
        char misuse[FLOW_MISUSE_LEN];
        misuse[0] = '\0';
        flow_type_ctx ctx = { ty->t, st->m, pr->name, st->m->first + st->t, ty->n_params, s->tpar + ty->par0,
                              prev, NULL, misuse };
        /* a failing step() is reported with the message it left, so none
         * may be there before: clear it when there is one (the common case
         * costs one load, not a thread-local look-up) */
        if (st->err[0])
            flow_error_clear();
        int rc = ty->t->step(&ctx, s->tstate + ty->state0, acc, out, met);
        if (misuse[0])
            return err_typed(st, p, FLOW_EPLUGIN, "its step() made a wrong call: %s", misuse);
        if (rc)
            return err_typed(st, p, rc < 0 && rc >= FLOW_EPLUGIN ? rc : FLOW_EPLUGIN, "its step() failed (%s)%s%s",
                             flow_strerror(rc), flow_error_last()[0] ? ": " : "", flow_error_last());
        for (int i = 0; i < ty->n_metrics; i++)
            if (!isfinite(met[i]))
                return err_typed(st, p, FLOW_EPLUGIN, "its metric '%s' is %g (metrics must be finite)",
                                 ty->t->metrics[i], met[i]);
    }
    return 0;
}

/* out += T·acc over the non-zeros of typed process k, which lie row by
 * row: each row's sum is kept in a register, not stored and reloaded per
 * term. */
static inline void apply_T(const flow_sim *s, int k, const double *acc, double *out)
{
    const int *nr = s->tnz_row + s->tz0[k], *nc = s->tnz_col + s->tz0[k];
    const double *nv = s->tnz_v + s->tz0[k];
    int nnz = s->tnnz[k];
    for (int z = 0; z < nnz;) {
        int r = nr[z];
        double sum = 0;
        for (; z < nnz && nr[z] == r; z++)
            sum += nv[z] * acc[nc[z]];
        out[r] += sum;
    }
}

/* Where a typed process's output of material mat goes: into the input of
 * the process, or, inside the cycle being solved, only into its balance
 * (the cycle's solution holds the inputs already). */
static void send(const step *st, int to, int mat, double v)
{
    flow_sim *s = st->s;
    size_t q = (size_t)to * st->M + mat;
    if (s->loc[to] >= 0)
        s->bin[q] += v;
    else
        s->x[q] += v;
}

/* The lean case of typed_emit: no capacity, not in a cycle; acc is the
 * process's input. Only the rows that send something are computed and
 * written (typed_coefs lists them): the flow row of the year is all zeros
 * until the step writes it (flow_sim_new, flow_sim_reset; a failed year
 * must be reset before the next), so a row that sends nothing is 0
 * already. Its balance over all materials is checked here, not in
 * balance.c. s->tout is all zeros on entry and is left so. */
static int typed_lean(const step *st, int k, const double *acc, const double *prev)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const flow_typed *ty = &c->ty[k];
    const int M = st->M, p = ty->p, nrow = s->tnrow[k];
    const flow_trow *tr = s->trow + s->tr0[k];
    const int *nc = s->tnz_col + s->tz0[k];
    const double *nv = s->tnz_v + s->tz0[k];
    double *out = s->tout, *flows = st->flows, *x = s->x;
    double tin = 0, tout = 0, tds = 0, big = 0;
    int rc = 0;
    {
        /* two sums: half the chain of dependent additions */
        double a0 = 0, a1 = 0;
        int m = 0;
        for (; m + 2 <= M; m += 2) {
            a0 += acc[m];
            a1 += acc[m + 1];
        }
        if (m < M)
            a0 += acc[m];
        tin = a0 + a1;
    }
    for (int i = 0; i < nrow; i++) {
        double v = tr[i].rel;
        if (tr[i].u >= 0) {
            v += tr[i].u * tin;
        } else {
            double sum = 0;
            for (int z = tr[i].z0; z < tr[i].z1; z++)
                sum += nv[z] * acc[nc[z]];
            v += sum;
        }
        flows[tr[i].e] = v;
        x[tr[i].xi] += v;
        out[tr[i].r] = v;
        tout += v;
    }
    double *stk = st->stocks + c->p_stock[p];
    if (!s->tkeeps[k]) {
        /* every column sends all, nothing is released: the stock stays;
         * a stock that has always been 0 is 0 in the row already */
        if (!s->tszero[k])
            for (int m = 0; m < M; m++)
                stk[m] = prev[m];
    } else {
        s->tszero[k] = 0;
        const double *col = s->tcol + (size_t)k * M, *rel = s->trel + ty->rel0;
        for (int m = 0; m < M; m++) {
            stk[m] = prev[m] + acc[m] * (1 - col[m]);
            double b = acc[m] > prev[m] ? acc[m] : prev[m]; /* not fmax: a libm call */
            big = b > big ? b : big;
        }
        if (s->trel_any[k]) {
            for (int r = 0; r < ty->n_ports * M; r++)
                stk[r % M] -= rel[r];
            for (int m = 0; m < M; m++)
                if (stk[m] < 0) {
                    double tol = fmax(VALUE_TOL * fabs(prev[m]), st->floor);
                    if (stk[m] < -tol) {
                        rc = err_typed(st, p, FLOW_EPLUGIN, "its transfer releases more material '%s' than it "
                                       "holds (%.10g t short)", st->m->mats[m].name, -stk[m]);
                        goto done;
                    }
                    stk[m] = 0;
                }
        }
        for (int m = 0; m < M; m++)
            tds += stk[m] - prev[m];
    }
    if (FLOW_TESTHOOK_ON)
        tin += corrupt_lean(st, p);
    double res = tin - tout - tds, scale = tin > tout ? tin : tout;
    if (big > scale)
        scale = big;
    /* written so that a NaN anywhere fails it */
    if (!(fabs(res) <= 100 * st->floor || fabs(res) <= s->tol * scale)) {
        rc = flow_model__err(&st->m->procs[p].origin, FLOW_EBALANCE,
                             "process '%s', all materials, year %d: mass balance off by %.6g (in %.10g, "
                             "out %.10g, stock change %.10g)", st->m->procs[p].name, st->m->first + st->t,
                             res, tin, tout, tds);
        goto done;
    }
    rc = typed_step(st, k, acc, out, prev);
done:
    for (int i = 0; i < nrow; i++)
        out[tr[i].r] = 0;
    return rc;
}

/* Typed process k with input xp (per material, received this year):
 * capacity (overflow or backlog), outputs T·accepted + releases on its
 * port flows, its stock, its balance, and its type's step() with the
 * metrics. The transfer is current (typed_coefs). */
static int typed_emit(const step *st, int k, const double *xp)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const flow_typed *ty = &c->ty[k];
    const int M = st->M, p = ty->p, NR = ty->n_ports * M;
    const double rho = s->rho[p];
    double *acc = s->tacc, *out = s->tout;
    const double *rel = s->trel + ty->rel0;
    const int bl = c->p_backlog[p], ovf = c->p_ovf[p], in_cycle = s->loc[p] >= 0, sb = c->p_stock[p];
    /* last year's stock (before the first year: the initial stock) */
    const double *prev = st->sprev ? st->sprev + sb : c->pm_init + (size_t)p * M;
    double *bin = s->bin + (size_t)p * M, *bout = s->bout + (size_t)p * M;
    if (!in_cycle && bl < 0 && ovf < 0 && rho == 1)
        return typed_lean(st, k, xp, prev);
    if (bl < 0 && ovf < 0 && rho == 1) {
        memcpy(acc, xp, (size_t)M * sizeof *acc);
        memset(bout, 0, (size_t)M * sizeof *bout);
    } else {
        for (int m = 0; m < M; m++) {
            double taken = backlog_taken(st, p, m);
            acc[m] = taken + rho * xp[m];
            if (bl >= 0)
                backlog_keep(st, p, m, taken, (1 - rho) * xp[m]);
            bout[m] = 0;
            if (ovf >= 0) {
                double v = (1 - rho) * xp[m];
                st->flows[ovf + m] = v;
                send(st, c->e_to[ovf + m], m, v);
                bout[m] = v;
            }
        }
    }
    if (!in_cycle)
        memcpy(bin, xp, (size_t)M * sizeof *bin);
    memcpy(out, rel, (size_t)NR * sizeof *out);
    apply_T(s, k, acc, out);
    const int *te = c->ty_edge + ty->edge0;
    for (int r = 0; r < NR; r++) {
        double v = out[r] > 0 ? out[r] : 0; /* >= 0 but for the noise of a cycle's solution */
        int e = te[r];
        st->flows[e] = v;
        if (v == 0) {
            out[r] = 0;
            continue;
        }
        send(st, c->e_to[e], r % M, v);
        bout[r % M] += v;
    }
    /* the stock: what the columns keep, less what was released */
    const double *col = s->tcol + (size_t)k * M;
    double *stk = st->stocks + sb;
    for (int m = 0; m < M; m++)
        stk[m] = prev[m] + acc[m] * (1 - col[m]);
    if (s->trel_any[k]) {
        for (int r = 0; r < NR; r++)
            stk[r % M] -= rel[r];
        for (int m = 0; m < M; m++)
            if (stk[m] < 0) {
                double tol = fmax(VALUE_TOL * fabs(prev[m]), st->floor);
                if (stk[m] < -tol)
                    return err_typed(st, p, FLOW_EPLUGIN, "its transfer releases more material '%s' than it "
                                     "holds (%.10g t short)", st->m->mats[m].name, -stk[m]);
                stk[m] = 0;
            }
    }
    int rc = typed_step(st, k, acc, out, prev);
    memset(out, 0, (size_t)NR * sizeof *out); /* typed_lean expects it clear */
    return rc;
}

/* A typed process outside cycles. */
static int run_typed(const step *st, int p)
{
    flow_sim *s = st->s;
    const flow_compiled *c = st->c;
    const int k = c->p_typed[p];
    const flow_typed *ty = &c->ty[k];
    const double *xp = s->x + (size_t)p * st->M;
    int rc;
    if (ty->lean) {
        /* most typed processes: no capacity, constant parameters */
        s->rho[p] = 1;
        if (!(s->tvalid[k] && ty->par_const) && (rc = typed_coefs(st, k)))
            return rc;
        return typed_lean(st, k, xp, st->sprev ? st->sprev + c->p_stock[p] : c->pm_init + (size_t)p * st->M);
    }
    s->rho[p] = capacity_rho(st, p, xp);
    rc = typed_coefs(st, k);
    return rc ? rc : typed_emit(st, k, xp);
}

static int run_process(const step *st, int p)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    if (c->p_fast[p])
        return run_split(st, p);
    if (c->p_typed[p] >= 0)
        return run_typed(st, p);
    const flow_process *pr = &st->m->procs[p];
    int M = st->M;
    double *xp = s->x + (size_t)p * M;
    double rho = capacity_rho(st, p, xp);
    s->rho[p] = rho;
    for (int mat = 0; mat < M; mat++) {
        int rc = coeffs(st, p, mat, rho);
        if (rc)
            return rc;
        int g = c->pm_group[p * M + mat];
        if (g >= 0)
            for (int e = c->g_start[g]; e < c->g_end[g]; e++) {
                double v = flow_value(st, e, xp[mat]);
                st->flows[e] = v;
                s->x[(size_t)c->e_to[e] * M + mat] += v;
            }
        if (c->p_ovf[p] >= 0) {
            int e = c->p_ovf[p] + mat;
            double v = flow_value(st, e, xp[mat]);
            st->flows[e] = v;
            s->x[(size_t)c->e_to[e] * M + mat] += v;
        }
        if ((rc = finish(st, p, mat, rho, xp[mat])))
            return rc;
        size_t pm = (size_t)p * M + mat;
        s->bout[pm] = sent(st, p, mat);
        /* a source's input is its generation (placed in x, or, for a
         * material it does not declare, what its fixed flows took) */
        s->bin[pm] = pr->kind == FLOW_SOURCE && c->pm_gen[pm] < 0 ? s->gen[pm] : xp[mat];
    }
    return 0;
}

/* Names the processes of a failed cycle. When some of them cannot reach
 * an exit — every unit they receive goes round again — those are the
 * loop with no exit and the system is singular; they are the ones named.
 * Runs only after a failure, so its cost does not matter: a fixed point
 * over the triplets marks the processes that reach an exit. */
static int cycle_error(const step *st, int k, int mat, int code, int nz)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    int n = c->c_start[k + 1] - c->c_start[k];
    const int *procs = c->order + c->c_start[k];
    double *reach = s->sb; /* reused: 1 = reaches an exit */
    int closed = 0;
    if (nz >= 0) {
        for (int i = 0; i < n; i++) {
            double kept = 0;
            for (int z = 0; z < nz; z++)
                if (s->tri_c[z] == i)
                    kept += s->tri_v[z];
            reach[i] = kept < 1 - 1e-12;
        }
        for (int changed = 1; changed;) {
            changed = 0;
            for (int z = 0; z < nz; z++)
                if (!reach[s->tri_c[z]] && reach[s->tri_r[z]] && s->tri_v[z] > 0) {
                    reach[s->tri_c[z]] = 1;
                    changed = 1;
                }
        }
        for (int i = 0; i < n; i++)
            closed += !reach[i];
    }
    char names[600];
    size_t len = 0;
    names[0] = '\0';
    int listed = 0, total = closed ? closed : n, first = -1;
    for (int i = 0; i < n && len < sizeof names - 80; i++) {
        if (closed && reach[i])
            continue;
        if (first < 0)
            first = procs[i];
        int w = snprintf(names + len, sizeof names - len, "%s'%s'", listed ? ", " : "",
                         st->m->procs[procs[i]].name);
        if (w > 0)
            len += (size_t)w;
        if (++listed == 12 && total > 12) {
            snprintf(names + len, sizeof names - len, " and %d more", total - 12);
            break;
        }
    }
    /* the site: where the first process named was defined */
    const flow_origin *o = first >= 0 ? &st->m->procs[first].origin : NULL;
    if (closed || code == FLOW_ESINGULAR)
        return flow_model__err(o, FLOW_ESINGULAR, "year %d, material '%s': the cycle of processes %s has no exit "
                                                  "(its flows keep the material circulating)",
                               st->m->first + st->t, st->m->mats[mat].name, names);
    return flow_model__err(o, code, "year %d, material '%s': the cycle of processes %s did not converge",
                           st->m->first + st->t, st->m->mats[mat].name, names);
}

/* A cycle with a typed process: a type may turn one material into another,
 * so the cycle is one system over (process, material) pairs, unknown
 * i * M + mat, instead of one system per material. The inputs land in
 * s->sx[mat * n + i] as cycle_solve() leaves them. */
static int cycle_solve_joint(const step *st, int k)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const int M = st->M, n = c->c_start[k + 1] - c->c_start[k], N = c->c_n[k];
    const int *procs = c->order + c->c_start[k];
    int nz = 0, rc;
    for (int j = 0; j < N; j++)
        s->sb[j] = s->xext[j]; /* xext is [i][mat]: the same layout */
#define ENTRY(row, col, val)        \
    do {                            \
        s->tri_r[nz] = (row);       \
        s->tri_c[nz] = (col);       \
        s->tri_v[nz] = (val);       \
        nz++;                       \
    } while (0)
    for (int i = 0; i < n; i++) {
        int p = procs[i];
        double rho = s->rho[p];
        int kt = c->p_typed[p], ovf = c->p_ovf[p];
        if (kt >= 0) {
            const flow_typed *ty = &c->ty[kt];
            if ((rc = typed_coefs(st, kt)))
                return rc;
            int bl = c->p_backlog[p];
            const int *nr = s->tnz_row + s->tz0[kt], *nc = s->tnz_col + s->tz0[kt];
            const double *nv = s->tnz_v + s->tz0[kt], *rel = s->trel + ty->rel0;
            const int *to = c->ty_port_to + ty->port0;
            for (int z = 0; z < s->tnnz[kt]; z++) {
                int j = s->loc[to[nr[z] / M]];
                if (j < 0)
                    continue;
                int row = j * M + nr[z] % M;
                ENTRY(row, i * M + nc[z], rho * nv[z]);
                if (bl >= 0)
                    s->sb[row] += nv[z] * backlog_taken(st, p, nc[z]);
            }
            for (int r = 0; r < ty->n_ports * M; r++) {
                int j = s->loc[to[r / M]];
                if (j >= 0)
                    s->sb[j * M + r % M] += rel[r];
            }
            if (ovf >= 0)
                for (int mat = 0; mat < M; mat++) {
                    int j = s->loc[c->e_to[ovf + mat]];
                    if (j >= 0 && rho < 1)
                        ENTRY(j * M + mat, i * M + mat, 1 - rho);
                }
            continue;
        }
        for (int mat = 0; mat < M; mat++) {
            if ((rc = coeffs(st, p, mat, rho)))
                return rc;
            int g = c->pm_group[p * M + mat];
            for (int pass = 0; pass < 2; pass++) {
                int e0 = pass == 0 ? (g >= 0 ? c->g_start[g] : 0) : (ovf >= 0 ? ovf + mat : 0);
                int e1 = pass == 0 ? (g >= 0 ? c->g_end[g] : 0) : (ovf >= 0 ? e0 + 1 : 0);
                for (int e = e0; e < e1; e++) {
                    int j = s->loc[c->e_to[e]];
                    if (j < 0)
                        continue;
                    s->sb[j * M + mat] += s->beta[e];
                    if (s->alpha[e] != 0)
                        ENTRY(j * M + mat, i * M + mat, s->alpha[e]);
                }
            }
        }
    }
#undef ENTRY
    int sparse = 0;
    s->sj[0] = 0;
    rc = flow_solver__solve(s->solver, k, N, nz, s->tri_r, s->tri_c, s->tri_v, s->sb, s->sj, &sparse);
    if (sparse)
        s->stats.sparse_solves++;
    else
        s->stats.dense_solves++;
    if (rc)
        return cycle_error(st, k, 0, rc, -1);
    for (int i = 0; i < n; i++)
        for (int mat = 0; mat < M; mat++)
            s->sx[(size_t)mat * n + i] = s->sj[i * M + mat];
    return 0;
}

/* Solves the cycle's system for every material at the current accepted
 * fractions rho; the inputs land in s->sx[mat * n + i]. */
static int cycle_solve(const step *st, int k)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    if (c->c_joint[k])
        return cycle_solve_joint(st, k);
    int M = st->M, n = c->c_start[k + 1] - c->c_start[k];
    const int *procs = c->order + c->c_start[k];
    int nz0 = -1; /* triplets of the last material factored */
    for (int mat = 0; mat < M; mat++) {
        int nz = 0, rc;
        for (int i = 0; i < n; i++) {
            s->sb[i] = s->xext[(size_t)i * M + mat];
            if ((rc = coeffs(st, procs[i], mat, s->rho[procs[i]])))
                return rc;
        }
        for (int i = 0; i < n; i++) {
            int p = procs[i];
            int g = c->pm_group[p * M + mat];
            for (int pass = 0; pass < 2; pass++) {
                int e0 = pass == 0 ? (g >= 0 ? c->g_start[g] : 0) : (c->p_ovf[p] >= 0 ? c->p_ovf[p] + mat : 0);
                int e1 = pass == 0 ? (g >= 0 ? c->g_end[g] : 0) : (c->p_ovf[p] >= 0 ? e0 + 1 : 0);
                for (int e = e0; e < e1; e++) {
                    int j = s->loc[c->e_to[e]];
                    if (j < 0)
                        continue;
                    s->sb[j] += s->beta[e];
                    if (s->alpha[e] != 0) {
                        s->tri_r[nz] = j;
                        s->tri_c[nz] = i;
                        s->tri_v[nz] = s->alpha[e];
                        nz++;
                    }
                }
            }
        }
        /* flows for all materials usually give every material the same
         * matrix: then the LU factors of the last one serve again */
        if (nz == nz0 && memcmp(s->tri_v, s->tri_v0, (size_t)nz * sizeof *s->tri_v) == 0 &&
            memcmp(s->tri_r, s->tri_r0, (size_t)nz * sizeof *s->tri_r) == 0 &&
            memcmp(s->tri_c, s->tri_c0, (size_t)nz * sizeof *s->tri_c) == 0 &&
            flow_solver__resolve(s->solver, k, n, s->sb, s->sx + (size_t)mat * n) == 0) {
            s->stats.dense_solves++;
            continue;
        }
        int sparse = 0;
        rc = flow_solver__solve(s->solver, k, n, nz, s->tri_r, s->tri_c, s->tri_v, s->sb,
                                s->sx + (size_t)mat * n, &sparse);
        if (sparse)
            s->stats.sparse_solves++;
        else
            s->stats.dense_solves++;
        if (rc)
            return cycle_error(st, k, mat, rc, nz);
        if (!sparse) {
            memcpy(s->tri_v0, s->tri_v, (size_t)nz * sizeof *s->tri_v);
            memcpy(s->tri_r0, s->tri_r, (size_t)nz * sizeof *s->tri_r);
            memcpy(s->tri_c0, s->tri_c, (size_t)nz * sizeof *s->tri_c);
            nz0 = nz;
        }
    }
    return 0;
}

/* This year's input of process i of cycle k (all materials) after a
 * solve; its backlog is taken apart (capacity_left). */
static double cycle_avail(const step *st, int k, int i)
{
    const flow_compiled *c = st->c;
    int n = c->c_start[k + 1] - c->c_start[k];
    double A = 0;
    for (int mat = 0; mat < st->M; mat++)
        A += st->s->sx[(size_t)mat * n + i];
    return A;
}

/* ---- capacities inside a cycle (docs/architecture.md, "Capacities in a
 * cycle") ---------------------------------------------------------------- */

/* What cap_level() reports besides 0 and the FLOW_E codes: no accepted
 * fractions of the capacities from its level on keep within them. */
#define CAP_INFEASIBLE 1

/* The search over the accepted fractions of the capacity processes of
 * cycle k: capi[0 .. n) are their positions in the cycle, level l solves
 * for the fraction of capi[l] while those of capi[0 .. l) are held. */
typedef struct cap_search {
    const step *st;
    int k, n, rc;
    const int *capi;
    int bad;                  /* the capacity found infeasible last (a position), or -1 */
    double bad_min, bad_C;    /* what it must accept at least, and its capacity */
} cap_search;

typedef struct cap_arg {
    cap_search *cs;
    int l;
    double last_x, last_f;    /* the last evaluation Brent's method asked for */
    int last_code;
} cap_arg;

static int cap_level(cap_search *cs, int l);

/* f(rho) of level l: what capi[l] accepts at fraction rho, the capacities
 * after it solved for, minus its capacity; leaves the cycle solved there.
 * *code: 0; or, meaning "too much" (f is then +1): FLOW_ESINGULAR (all
 * goes round) or CAP_INFEASIBLE (a later capacity cannot keep within
 * itself); or another error. */
static double cap_eval(cap_search *cs, int l, double rho, int *code)
{
    const step *st = cs->st;
    const int *procs = st->c->order + st->c->c_start[cs->k];
    int i = cs->capi[l], p = procs[i];
    st->s->rho[p] = rho;
    *code = cap_level(cs, l + 1);
    if (*code)
        return 1;
    double f = rho * cycle_avail(st, cs->k, i) - capacity_left(st, p);
    if (!isfinite(f)) /* GSL must not see it (it would abort) */
        *code = cycle_error(st, cs->k, 0, FLOW_ECONVERGE, -1);
    return f;
}

/* The function Brent's method sees: an error stops the search at a
 * "root" (cs->rc tells it apart). */
static double cap_gsl(double rho, void *params)
{
    cap_arg *a = params;
    if (a->cs->rc)
        return 0;
    int code;
    double f = cap_eval(a->cs, a->l, rho, &code);
    if (code < 0 && code != FLOW_ESINGULAR)
        a->cs->rc = code;
    a->last_x = rho;
    a->last_f = f;
    a->last_code = code;
    return code < 0 && code != FLOW_ESINGULAR ? 0 : f;
}

/* Narrows [lo, hi] (f(lo) < 0 < f(hi)) to the root of level l with
 * Brent's method, and leaves the cycle solved there. */
static int cap_root(cap_search *cs, int l, double lo, double hi, double C)
{
    flow_sim *s = cs->st->s;
    cap_arg arg = { cs, l, NAN, NAN, 0 };
    gsl_function F = { cap_gsl, &arg };
    gsl_root_fsolver *br = s->brent[l];
    gsl_root_fsolver_set(br, &F, lo, hi);
    int done = 0;
    for (int it = 0; it < s->max_rounds && !done && !cs->rc; it++) {
        gsl_root_fsolver_iterate(br);
        double a = gsl_root_fsolver_x_lower(br), b = gsl_root_fsolver_x_upper(br);
        /* the root to a few ulps, or the capacity met to rounding at the
         * new estimate (evaluated last) */
        done = b - a <= 4 * DBL_EPSILON * b ||
               (arg.last_x == gsl_root_fsolver_root(br) && !arg.last_code && fabs(arg.last_f) <= CAP_TOL * C);
    }
    if (cs->rc)
        return cs->rc;
    if (!done)
        return cycle_error(cs->st, cs->k, 0, FLOW_ECONVERGE, -1);
    double r = gsl_root_fsolver_root(br), f = arg.last_f;
    int code = arg.last_code;
    if (arg.last_x != r)
        f = cap_eval(cs, l, r, &code); /* the state at the root */
    /* where a later capacity fails just past the root, f jumps there
     * instead of crossing 0: no solution (that capacity is at fault) */
    if (!code && fabs(f) > 1e-9 * C)
        code = CAP_INFEASIBLE;
    return code;
}

/* The fractions of capi[l ..] given those before: capi[l] accepts its
 * capacity, or all at fraction 1 when that is within it. f rises with rho
 * (docs/architecture.md), so f(1) <= 0 means it does not bind; else a
 * fraction lo with f(lo) < 0 is found by steps of 1/8 from C / A(1) (not
 * from 0: where every unit overflows back into the loop, the system at 0
 * is singular), and Brent's method narrows [lo, hi] to the root. None:
 * CAP_INFEASIBLE, the capacity at fault in cs. */
static int cap_level(cap_search *cs, int l)
{
    const step *st = cs->st;
    if (l == cs->n) {
        st->s->stats.capacity_iters++;
        return cycle_solve(st, cs->k);
    }
    const int *procs = st->c->order + st->c->c_start[cs->k];
    int i = cs->capi[l], p = procs[i], code;
    double C = capacity_left(st, p);
    double f = cap_eval(cs, l, 1, &code);
    if ((code < 0 && code != FLOW_ESINGULAR) || (!code && f <= 0))
        return code;
    int finite = !code;
    double amin = f + C, hi = 1, lo = !code && C < f + C ? C / (f + C) : 0.5, flo = f;
    if (C <= 0) {
        /* accepts nothing: fraction 0, when the loop has an exit then */
        f = cap_eval(cs, l, 0, &code);
        if (code == 0 || (code < 0 && code != FLOW_ESINGULAR))
            return code;
        lo = 0.125;
    }
    for (int j = 0; j < 20; j++, lo /= 8) {
        flo = cap_eval(cs, l, lo, &code);
        if (code < 0 && code != FLOW_ESINGULAR)
            return code;
        if (code == FLOW_ESINGULAR && finite)
            break; /* nearly all goes round: smaller fractions are no better */
        if (!code && flo <= 0)
            break;
        if (!code) {
            /* f falls by less than 1e-6 of what it accepts for a step
             * of 1/8: at 0 it falls less than 1/7 of that more (the
             * steps shrink at least as fast), and far smaller fractions
             * would only show rounding (x ~ 1/rho) */
            int stalled = finite && amin - (flo + C) <= 1e-6 * (flo + C) && flo > 1e-6 * (flo + C);
            finite = 1;
            amin = flo + C;
            if (stalled)
                break;
        }
        hi = lo;
    }
    if (!code && flo == 0)
        return 0; /* the state holds the solve at lo */
    if (!code && flo < 0)
        return cap_root(cs, l, lo, hi, C);
    if (!finite) /* a later capacity is at fault, or the loop has no exit */
        return cs->bad >= 0 ? CAP_INFEASIBLE : cycle_error(st, cs->k, 0, FLOW_ESINGULAR, -1);
    cs->bad = i;
    cs->bad_C = C;
    cs->bad_min = amin;
    return CAP_INFEASIBLE;
}

/* The names of cycle k's processes, quoted, into buf (the first 12). */
static void cycle_names(const step *st, int k, char *buf, size_t size)
{
    const flow_compiled *c = st->c;
    int n = c->c_start[k + 1] - c->c_start[k];
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && i < 12 && len < size - 80; i++) {
        int w = snprintf(buf + len, size - len, "%s'%s'", i ? ", " : "", st->m->procs[c->order[c->c_start[k] + i]].name);
        if (w > 0)
            len += (size_t)w;
    }
    if (n > 12)
        snprintf(buf + len, size - len, " and %d more", n - 12);
}

/* Solves a x = b in place (n x n, row-major) by elimination with
 * partial pivoting; -1 when singular. */
static int dense_solve(int n, double *a, double *b)
{
    for (int k = 0; k < n; k++) {
        int r = k;
        for (int i = k + 1; i < n; i++)
            if (fabs(a[i * n + k]) > fabs(a[r * n + k]))
                r = i;
        if (!(fabs(a[r * n + k]) > 0))
            return -1;
        for (int j = 0; j < n; j++) {
            double t = a[k * n + j];
            a[k * n + j] = a[r * n + j];
            a[r * n + j] = t;
        }
        double t = b[k];
        b[k] = b[r];
        b[r] = t;
        for (int i = k + 1; i < n; i++) {
            double f = a[i * n + k] / a[k * n + k];
            for (int j = k; j < n; j++)
                a[i * n + j] -= f * a[k * n + j];
            b[i] -= f * b[k];
        }
    }
    for (int i = n - 1; i >= 0; i--) {
        for (int j = i + 1; j < n; j++)
            b[i] -= a[i * n + j] * b[j];
        b[i] /= a[i * n + i];
    }
    return 0;
}

/* Solves cycle k at fractions rho[0 .. ncap) of its capacities (capi);
 * acc[j]: what each accepts. */
static int cap_solve_at(const step *st, int k, int ncap, const double *rho, double *acc)
{
    flow_sim *s = st->s;
    const int *procs = st->c->order + st->c->c_start[k];
    for (int j = 0; j < ncap; j++)
        s->rho[procs[s->capi[j]]] = rho[j];
    s->stats.capacity_iters++;
    int rc = cycle_solve(st, k);
    for (int j = 0; !rc && j < ncap; j++) {
        acc[j] = rho[j] * cycle_avail(st, k, s->capi[j]);
        if (!isfinite(acc[j]))
            rc = FLOW_ECONVERGE;
    }
    return rc;
}

/* The residual of the conditions, phi_j = min(1 - rho_j, (C_j - a_j) / C_j):
 * 0 for every capacity exactly at a solution. Returns sum phi^2; bind[j]:
 * the capacity's row is its amount, not its fraction. */
static double cap_phi(int ncap, const double *rho, const double *acc, const double *C, double *phi,
                      unsigned char *bind)
{
    double m = 0;
    for (int j = 0; j < ncap; j++) {
        double r = (C[j] - acc[j]) / fmax(C[j], DBL_MIN);
        bind[j] = r < 1 - rho[j];
        phi[j] = bind[j] ? r : 1 - rho[j];
        m += phi[j] * phi[j];
    }
    return m;
}

/* Newton's method on phi = 0 (a semismooth Newton method: each row is
 * the amount or the fraction, whichever is smaller), from the fractions
 * C / A that the solve at fraction 1 gives; the Jacobian of the accepted
 * amounts by forward differences (one solve per column), steps damped
 * by halving until sum phi^2 falls (Armijo), and a fraction never falls
 * below 1/8 of its last value in one step (the system is singular at 0
 * where the overflow stays in the loop). 0, or 1 when it did not
 * converge (cap_level() is then the fallback), or an error. */
static int cap_newton(const step *st, int k, int ncap, const double *C)
{
    flow_sim *s = st->s;
    double *rho = s->cw, *acc = rho + ncap, *phi = acc + ncap, *d = phi + ncap, *rn = d + ncap, *an = rn + ncap;
    double *J = an + ncap, *Jb = J + (size_t)ncap * ncap;
    unsigned char *bind = s->cbind;
    int *row = s->capi + ncap; /* the binding capacities, in order */
    for (int j = 0; j < ncap; j++)
        rho[j] = 1;
    int rc = cap_solve_at(st, k, ncap, rho, acc);
    if (rc)
        return rc == FLOW_ESINGULAR || rc == FLOW_ECONVERGE ? 1 : rc;
    for (int j = 0; j < ncap; j++)
        rho[j] = acc[j] > C[j] ? (C[j] > 0 ? C[j] / acc[j] : 0) : 1;
    if ((rc = cap_solve_at(st, k, ncap, rho, acc)))
        return rc == FLOW_ESINGULAR || rc == FLOW_ECONVERGE ? 1 : rc;
    double merit = cap_phi(ncap, rho, acc, C, phi, bind);
    for (int it = 0; it < s->max_rounds && it < CAP_NEWTON_MAX; it++) {
        double worst = 0;
        for (int j = 0; j < ncap; j++)
            worst = fmax(worst, fabs(phi[j]));
        if (worst <= CAP_TOL)
            return 0;
        int nb = 0;
        for (int j = 0; j < ncap; j++) {
            d[j] = bind[j] ? 0 : 1 - rho[j];
            if (bind[j])
                row[nb++] = j;
        }
        /* columns of every fraction that moves: binding, or going to 1 */
        for (int j = 0; j < ncap; j++) {
            if (!bind[j] && d[j] == 0)
                continue;
            double h = 1e-7 * fmax(rho[j], 1e-6);
            memcpy(rn, rho, (size_t)ncap * sizeof *rn);
            rn[j] += h;
            if ((rc = cap_solve_at(st, k, ncap, rn, an)))
                return rc == FLOW_ESINGULAR || rc == FLOW_ECONVERGE ? 1 : rc;
            for (int i = 0; i < ncap; i++)
                J[(size_t)i * ncap + j] = (an[i] - acc[i]) / h;
        }
        /* binding rows: J_BB d_B = C_B - a_B - J_BN d_N */
        for (int r = 0; r < nb; r++) {
            int i = row[r];
            double v = C[i] - acc[i];
            for (int j = 0; j < ncap; j++)
                if (!bind[j])
                    v -= J[(size_t)i * ncap + j] * d[j];
            rn[r] = v;
            for (int c2 = 0; c2 < nb; c2++)
                Jb[(size_t)r * nb + c2] = J[(size_t)i * ncap + row[c2]];
        }
        if (dense_solve(nb, Jb, rn))
            return 1;
        for (int r = 0; r < nb; r++)
            d[row[r]] = rn[r];
        int taken = 0;
        for (double t = 1; t > 1e-9 && !taken; t /= 2) {
            for (int j = 0; j < ncap; j++)
                rn[j] = fmin(1, fmax(rho[j] + t * d[j], rho[j] / 8));
            rc = cap_solve_at(st, k, ncap, rn, an);
            if (rc && rc != FLOW_ESINGULAR && rc != FLOW_ECONVERGE)
                return rc;
            if (rc)
                continue;
            double mn = cap_phi(ncap, rn, an, C, phi, bind);
            taken = mn < (1 - 1e-4 * t) * merit || mn <= CAP_TOL * CAP_TOL;
            if (taken) {
                memcpy(rho, rn, (size_t)ncap * sizeof *rho);
                memcpy(acc, an, (size_t)ncap * sizeof *acc);
                merit = mn;
            }
        }
        if (!taken)
            return 1;
    }
    double worst = 0;
    for (int j = 0; j < ncap; j++)
        worst = fmax(worst, fabs(phi[j]));
    if (worst > CAP_TOL)
        return 1;
    return cap_solve_at(st, k, ncap, rho, acc); /* the state at rho */
}

/* Where capacities bind inside a cycle the accepted fraction rho of each
 * depends on the solution: cap_newton() solves for all of them together;
 * should it fail, and the cycle has at most CAP_NEST_MAX capacities,
 * cap_level() does, by one-dimensional solves nested, one level per
 * capacity, which always finds the solution or shows there is none.
 * Then every binding capacity's fraction is set to C / A of the final
 * solve, so that it accepts its capacity to rounding of C itself: the
 * flows are formed from that solve, and the change, below the search's
 * tolerance, shows in the balance only as rounding. */
static int cycle_capacities(const step *st, int k)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    int n = c->c_start[k + 1] - c->c_start[k], ncap = 0;
    const int *procs = c->order + c->c_start[k];
    for (int i = 0; i < n; i++)
        if (st->m->procs[procs[i]].cap_param != FLOW_NONE)
            s->capi[ncap++] = i;
    double *C = s->cw + (size_t)ncap * (2 * ncap + 6); /* after cap_newton's */
    for (int j = 0; j < ncap; j++) {
        int p = procs[s->capi[j]];
        if (st->c->p_backlog[p] >= 0)
            backlog_take(st, p);
        C[j] = capacity_left(st, p);
    }
    int rc = cap_newton(st, k, ncap, C);
    if (rc == 1 && ncap > CAP_NEST_MAX)
        return cycle_error(st, k, 0, FLOW_ECONVERGE, -1);
    cap_search cs = { st, k, ncap, 0, s->capi, -1, 0, 0 };
    if (rc == 1)
        rc = cap_level(&cs, 0);
    if (rc == CAP_INFEASIBLE) {
        char names[600];
        cycle_names(st, k, names, sizeof names);
        const flow_process *pr = &st->m->procs[procs[cs.bad]];
        return flow_model__err(&pr->origin, FLOW_EVALUE, "year %d: the cycle of processes %s must accept more "
                               "than its capacities allow: process '%s' must accept at least %.6g t, over its "
                               "capacity %.6g t: %.6g t too much (its overflow cannot leave the loop)",
                               st->m->first + st->t, names, pr->name, cs.bad_min, cs.bad_C, cs.bad_min - cs.bad_C);
    }
    if (rc)
        return rc;
    for (int j = 0; j < ncap; j++) {
        int i = s->capi[j], p = procs[i];
        double A = cycle_avail(st, k, i);
        if (s->rho[p] < 1 && A > C[j])
            s->rho[p] = C[j] / A;
    }
    return 0;
}

/* A cycle: solve (I - A) x = b per material; then flows, outside inputs,
 * stocks. */
static int run_cycle(const step *st, int k)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    int M = st->M, n = c->c_start[k + 1] - c->c_start[k];
    const int *procs = c->order + c->c_start[k];
    int has_cap = 0, rc = 0;
    for (int i = 0; i < n; i++) {
        int p = procs[i];
        s->loc[p] = i;
        memcpy(s->xext + (size_t)i * M, s->x + (size_t)p * M, (size_t)M * sizeof(double));
        if (st->m->procs[p].cap_param != FLOW_NONE)
            has_cap = 1;
        /* a first guess: the acceptance the outside input and backlog give */
        s->rho[p] = capacity_rho(st, p, s->xext + (size_t)i * M);
    }
    rc = has_cap ? cycle_capacities(st, k) : cycle_solve(st, k);
    if (rc)
        goto done;
    /* the coefficients of the last solve hold for every material; the
     * inputs for the balance are summed from the flows themselves (what
     * came from outside and what the cycle sent round), not taken from
     * the solution */
    for (int i = 0; i < n; i++)
        for (int mat = 0; mat < M; mat++)
            s->bin[(size_t)procs[i] * M + mat] = s->xext[(size_t)i * M + mat];
    for (int i = 0; i < n && rc == 0; i++) {
        int p = procs[i];
        if (c->p_typed[p] >= 0) {
            for (int mat = 0; mat < M; mat++) {
                double xv = s->sx[(size_t)mat * n + i];
                if (xv < 0 && xv >= -st->floor)
                    xv = 0;
                s->x[(size_t)p * M + mat] = s->txin[mat] = xv;
            }
            rc = typed_emit(st, c->p_typed[p], s->txin);
            continue;
        }
        for (int mat = 0; mat < M; mat++) {
            double xv = s->sx[(size_t)mat * n + i];
            if (xv < 0 && xv >= -st->floor)
                xv = s->sx[(size_t)mat * n + i] = 0;
            s->x[(size_t)p * M + mat] = xv;
            int g = c->pm_group[p * M + mat];
            for (int pass = 0; pass < 2; pass++) {
                int e0 = pass == 0 ? (g >= 0 ? c->g_start[g] : 0) : (c->p_ovf[p] >= 0 ? c->p_ovf[p] + mat : 0);
                int e1 = pass == 0 ? (g >= 0 ? c->g_end[g] : 0) : (c->p_ovf[p] >= 0 ? e0 + 1 : 0);
                for (int e = e0; e < e1; e++) {
                    double v = flow_value(st, e, xv);
                    st->flows[e] = v;
                    if (s->loc[c->e_to[e]] < 0)
                        s->x[(size_t)c->e_to[e] * M + mat] += v;
                    else
                        s->bin[(size_t)c->e_to[e] * M + mat] += v;
                }
            }
        }
    }
    for (int i = 0; i < n && rc == 0; i++)
        for (int mat = 0; mat < M && rc == 0 && c->p_typed[procs[i]] < 0; mat++) {
            rc = finish(st, procs[i], mat, s->rho[procs[i]], s->sx[(size_t)mat * n + i]);
            s->bout[(size_t)procs[i] * M + mat] = sent(st, procs[i], mat);
        }
done:
    for (int i = 0; i < n; i++)
        s->loc[procs[i]] = -1;
    return rc;
}

/* A cycle of uniform splits (s->c_small: no capacity, FLOW_ALL flows only,
 * at most FLOW_SMALL_MAX of them: the loops of most models). I - A is then
 * the same for every material: it is formed once from the compact edge
 * blocks, factored once (flow_solver__lu_small) and solved for the M
 * right-hand sides; each process is routed once, as run_uniform routes
 * it. What the cycle's flows deliver is summed as they are sent and
 * checked against the solution, so that a poor solve shows (balance.c
 * skips splits). A singular system goes to run_cycle, which names the
 * loop that has no exit. */
static int run_cycle_small(const step *st, int k)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const int M = st->M, n = c->c_start[k + 1] - c->c_start[k];
    const int *procs = c->order + c->c_start[k];
    const double *pv = st->pv;
    double a[FLOW_SMALL_MAX * FLOW_SMALL_MAX], beta[FLOW_SMALL_MAX], F[FLOW_SMALL_MAX], b[FLOW_SMALL_MAX];
    int piv[FLOW_SMALL_MAX], rc = 0;
    double *x = s->x, *bin = s->bin, *flows = st->flows, *sx = s->sx;
    for (int i = 0; i < n; i++) {
        s->loc[procs[i]] = i;
        beta[i] = 0;
        for (int j = 0; j < n; j++)
            a[i * n + j] = i == j;
    }
    /* I - A and the constant part of what each process receives from the
     * cycle: fixed flows, less the fixed flows a rest leaves out */
    for (int i = 0; i < n && !rc; i++) {
        const int p = procs[i];
        const flow_group_hot g0 = c->gh[c->p_gstart[p]];
        const flow_edge_hot *eh = c->eu + c->p_ustart[p];
        const int nfix = g0.nfix, nsh = nfix + g0.nshare, ne = g0.n;
        double f = 0, sh = 0;
        for (int j = 0; j < nsh; j++) {
            double v = eh[j].param < 0 ? eh[j].coef : eh[j].coef * pv[eh[j].param];
            if (j < nfix)
                f += v;
            else
                sh += v;
        }
        int exact = nfix == 0 && nsh == ne;
        if (exact ? fabs(sh - 1) > 1e-9 : sh > 1 + 1e-9) {
            rc = share_error(st, p, 0, c->pm_group[(size_t)p * M], sh);
            break;
        }
        F[i] = f;
        for (int j = 0; j < ne; j++) {
            int to = s->loc[eh[j].xi / M];
            if (to < 0)
                continue;
            double v = eh[j].param < 0 ? eh[j].coef : eh[j].coef * pv[eh[j].param];
            if (j < nfix) {
                beta[to] += v;
            } else if (j < nsh) {
                a[to * n + i] -= v;
            } else { /* the rest: (1 - shares) x input - fixed */
                a[to * n + i] -= 1 - sh;
                beta[to] -= f;
            }
        }
    }
    if (rc)
        goto done;
    if (flow_solver__lu_small(n, a, piv)) {
        for (int i = 0; i < n; i++)
            s->loc[procs[i]] = -1;
        return run_cycle(st, k);
    }
    s->stats.dense_solves += M; /* one system per material, as counted before */
    for (int i = 0; i < n; i++)
        memcpy(s->xext + (size_t)i * M, x + (size_t)procs[i] * M, (size_t)M * sizeof *x);
    for (int mat = 0; mat < M; mat++) {
        for (int i = 0; i < n; i++)
            b[i] = s->xext[(size_t)i * M + mat] + beta[i];
        flow_solver__lu_small_solve(n, a, piv, b);
        for (int i = 0; i < n; i++)
            sx[(size_t)mat * n + i] = b[i] < 0 && b[i] >= -st->floor ? 0 : b[i];
    }
    /* the balance of each process: what came from outside, plus what the
     * cycle's flows deliver below */
    for (int i = 0; i < n; i++)
        memcpy(bin + (size_t)procs[i] * M, s->xext + (size_t)i * M, (size_t)M * sizeof *bin);
    for (int i = 0; i < n && !rc; i++) {
        const int p = procs[i];
        const flow_group_hot g0 = c->gh[c->p_gstart[p]];
        const flow_edge_hot *eh = c->eu + c->p_ustart[p];
        const int nfix = g0.nfix, nsh = nfix + g0.nshare, ne = g0.n;
        double val[FLOW_UNIFORM_MAX];
        int xi[FLOW_UNIFORM_MAX], inside[FLOW_UNIFORM_MAX];
        for (int j = 0; j < ne; j++) {
            val[j] = eh[j].param < 0 ? eh[j].coef : eh[j].coef * pv[eh[j].param];
            xi[j] = eh[j].xi;
            inside[j] = s->loc[eh[j].xi / M] >= 0;
        }
        for (int mat = 0; mat < M && !rc; mat++) {
            double B = sx[(size_t)mat * n + i];
            x[(size_t)p * M + mat] = B;
            double *fl = flows + g0.start + (size_t)mat * ne;
            double out = F[i];
            int j = 0;
            for (; j < ne; j++) {
                double v;
                if (j < nfix) {
                    v = val[j];
                } else if (j < nsh) {
                    v = val[j] * B;
                    out += v;
                } else { /* the rest */
                    v = B - out;
                    if (v < 0) {
                        double tol = VALUE_TOL * B > st->floor ? VALUE_TOL * B : st->floor;
                        if (v < -tol) {
                            rc = err_pm(st, p, mat, FLOW_EVALUE,
                                        "its fixed and share flows take %.10g, more than the %.10g it sends on",
                                        out, B);
                            break;
                        }
                        v = 0;
                    }
                    out = B;
                }
                fl[j] = v;
                if (inside[j])
                    bin[xi[j] + mat] += v;
                else
                    x[xi[j] + mat] += v;
            }
            double tol = VALUE_TOL * B > st->floor ? VALUE_TOL * B : st->floor;
            if (!rc && fabs(out - B) > tol)
                rc = err_pm(st, p, mat, FLOW_EVALUE, "its flows send on %.10g, not the %.10g it has", out, B);
        }
    }
    if (FLOW_TESTHOOK_ON)
        corrupt(st, 1);
    /* the solve against what the flows delivered, as balance.c judges */
    for (int i = 0; i < n && !rc; i++) {
        const int p = procs[i];
        for (int mat = 0; mat < M; mat++) {
            double in = bin[(size_t)p * M + mat], xs = sx[(size_t)mat * n + i];
            double res = in - xs, scale = fabs(in) > fabs(xs) ? fabs(in) : fabs(xs);
            double rel = fabs(res) <= 100 * st->floor ? 0 : scale > 0 ? fabs(res) / scale : INFINITY;
            if (isnan(res))
                rel = INFINITY;
            if (rel > s->stats.max_balance_error)
                s->stats.max_balance_error = rel;
            if (rel > s->tol) {
                rc = flow_model__err(&st->m->procs[p].origin, FLOW_EBALANCE,
                                     "process '%s', material '%s', year %d: mass balance off by %.6g "
                                     "(in %.10g, out %.10g; relative %.3g > %.3g)",
                                     st->m->procs[p].name, st->m->mats[mat].name, st->m->first + st->t, res, in,
                                     xs, rel, s->tol);
                break;
            }
        }
    }
done:
    for (int i = 0; i < n; i++) {
        s->loc[procs[i]] = -1;
        s->rho[procs[i]] = 1;
    }
    return rc;
}

/* Parameter values of year t that are computed: products; checks them. */
static int eval_products(const step *st, double *pv)
{
    const flow_model *m = st->m;
    for (int p = 0; p < st->c->NP; p++) {
        const flow_param *pr = &m->params[p];
        if (!pr->product)
            continue;
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
static int sources(const step *st, double *mass)
{
    const flow_model *m = st->m;
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    int M = st->M;
    double sum = 0;
    for (size_t i = 0; i < m->n_gens; i++) {
        const flow_edge_hot g = s->genh[i];
        double v = amount(st, g.coef, g.param);
        s->x[g.xi] = v;
        s->gen[g.xi] = v;
        sum += v;
    }
    for (size_t i = 0; i < m->n_paths; i++) {
        const flow_pm_amount *g = &m->paths[i];
        int p = g->process, mat = g->material, pm = p * M + mat;
        double path = amount(st, g->coef, g->param);
        double eol, so;
        old_cohorts(st, p, mat, &eol, &so);
        double S0 = c->surv[(size_t)c->p_inuse[p] * (c->T + 1)];
        double inflow = (path - so) / S0;
        if (inflow < -VALUE_TOL * fmax(path, so))
            return err_pm(st, p, mat, FLOW_EVALUE,
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

/* Sum of |v[i]|, in four independent sums (a threshold: the order does not
 * matter, the chain of additions does). */
static double sum_abs(const double *v, int n)
{
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        a0 += fabs(v[i]);
        a1 += fabs(v[i + 1]);
        a2 += fabs(v[i + 2]);
        a3 += fabs(v[i + 3]);
    }
    for (; i < n; i++)
        a0 += fabs(v[i]);
    return (a0 + a1) + (a2 + a3);
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
    step st = { s, m, c, s->t, c->M, NULL, NULL, NULL, NULL, 0, flow_error_last() };
    double *pv = s->data[FLOW_ITEM_PARAM] + (size_t)s->t * c->NP;
    st.pv = pv;
    st.flows = s->data[FLOW_ITEM_FLOW] + (size_t)s->t * c->E;
    st.stocks = s->data[FLOW_ITEM_STOCK] + (size_t)s->t * c->S;
    st.sprev = s->t > 0 ? s->data[FLOW_ITEM_STOCK] + (size_t)(s->t - 1) * c->S : NULL;

    size_t PM = (size_t)c->P * c->M;
    memset(s->x, 0, PM * sizeof *s->x);
    /* gen needs no clearing: every entry read this year is written first
     * (sources(), or finish()/run_split() for a source's undeclared
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
            mass += amount(&st, c->e_coef[c->fixed_e[i]], c->e_param[c->fixed_e[i]]);
        if (st.sprev)
            mass += sum_abs(st.sprev, c->S);
        else
            for (int i = 0; i < c->S; i++)
                mass += fabs(stock_prev(&st, i));
        st.floor = mass > 0 ? NOISE * mass : 1e-300;
        s->floor = st.floor;
    }
    for (int k = 0; k < c->C && !rc; k++) {
        const flow_plan *pl = &s->plan[k];
        switch (pl->kind) {
        case FLOW_PLAN_UNIFORM:
        case FLOW_PLAN_UNIFORM_SOURCE:
            rc = run_uniform(&st, pl);
            break;
        case FLOW_PLAN_CYCLE_SMALL:
            rc = run_cycle_small(&st, k);
            break;
        case FLOW_PLAN_CYCLE:
            rc = run_cycle(&st, k);
            break;
        default:
            rc = run_process(&st, pl->p);
        }
    }
    if (!rc && FLOW_TESTHOOK_ON)
        corrupt(&st, 0);
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
