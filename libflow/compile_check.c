/*
 * compile_check.c — the checks of compiling that need the whole model.
 *
 * The structure (what may flow into and out of each kind, lifetimes,
 * capacities, the owners of generation, stock paths and initial stocks,
 * the ports and materials of typed processes), the amounts in every year
 * (flows, generation, stock paths, capacities, typed parameters, the
 * shares of each routing group) and the routes (every material a process
 * that routes all it receives gets has a flow out). compile.c runs them
 * between its layout phases; sim.c applies the rule of shares again when
 * a scenario overrides a parameter.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_int.h"
#include "flow_plugin.h"

#define SHARE_TOL 1e-9

/* ---- rules ----------------------------------------------------------------------- */

int flow_compile__routes_all(const flow_process *p)
{
    return p->kind == FLOW_SOURCE || p->kind == FLOW_SPLIT ||
           (p->kind == FLOW_STOCK && (p->smode == FLOW_STOCK_INUSE || p->smode == FLOW_STOCK_INUSE_DRIVEN));
}

/* Takes the inputs only through parameters: no flows may enter it. */
static int takes_no_inflow(const flow_process *p)
{
    return p->kind == FLOW_SOURCE || (p->kind == FLOW_STOCK && p->smode == FLOW_STOCK_INUSE_DRIVEN);
}

/* Checks a value fed by an amount: finite, >= 0, and <= 1 for a share. */
static int amount_ok(const flow_model *m, double coef, int param, int t, int share)
{
    double v = param == FLOW_NONE ? coef : coef * m->c.pv[(size_t)t * m->c.NP + param];
    return isfinite(v) && v >= 0 && (!share || v <= 1 + SHARE_TOL);
}

static int check_amount(const flow_model *m, const flow_origin *o, double coef, int param,
                        int t, int share, const char *what)
{
    double v = param == FLOW_NONE ? coef : coef * m->c.pv[(size_t)t * m->c.NP + param];
    if (isfinite(v) && v >= 0 && (!share || v <= 1 + SHARE_TOL))
        return 0;
    const char *pname = param == FLOW_NONE ? NULL : m->params[param].name;
    const char *why = !isfinite(v) ? "is not finite" : v < 0 ? "is negative" : "is more than 1";
    if (pname)
        return flow_model__err(o, FLOW_EVALUE, "parameter '%s', year %d: %s %g %s", pname,
                               m->first + t, what, v, why);
    return flow_model__err(o, FLOW_EVALUE, "year %d: %s %g %s", m->first + t, what, v, why);
}

int flow_compile__group_shares(const flow_model *m, int g, double sum, int t)
{
    const flow_compiled *c = &m->c;
    const flow_process *p = &m->procs[c->g_proc[g]];
    int exact = flow_compile__routes_all(p) && c->g_rest[g] < 0 && c->g_nfixed[g] == 0;
    if (exact ? fabs(sum - 1) <= SHARE_TOL : sum <= 1 + SHARE_TOL)
        return 0;
    const flow_origin *o = &p->origin;
    for (int e = c->g_start[g] + c->g_nfixed[g]; e < c->g_end[g]; e++)
        if (c->e_mode[e] == FLOW_SHARE) {
            o = &m->flows[c->e_flow[e]].origin;
            break;
        }
    return flow_model__err(o, FLOW_ESHARES, "process '%s', material '%s', year %d: shares add to %.10g, %s",
                           p->name, m->mats[c->g_mat[g]].name, m->first + t, sum,
                           exact ? "not 1" : "more than 1");
}

/* ---- structure ------------------------------------------------------------------- */

/* What a process with a lifetime is when the lifetime would be ignored
 * (with its article), or NULL for an in-use stock, which uses it. */
static const char *lifetime_ignored_by(const flow_process *p)
{
    switch (p->kind) {
    case FLOW_SOURCE: return "a source";
    case FLOW_SPLIT: return "a split";
    case FLOW_SINK: return "a sink";
    case FLOW_TYPED: return "a process of a plugin type";
    case FLOW_STOCK: break;
    }
    if (p->smode == FLOW_STOCK_ACCUMULATE)
        return "an accumulating stock";
    return p->smode == FLOW_STOCK_STORAGE ? "a storage stock" : NULL;
}

/* Nothing flows out of a sink, nor into a process fed by parameters. */
static int check_flow_ends(const flow_model *m)
{
    for (size_t i = 0; i < m->n_flows; i++) {
        const flow_flowdef *f = &m->flows[i];
        const flow_process *a = &m->procs[f->from], *b = &m->procs[f->to];
        if (a->kind == FLOW_SINK)
            return flow_model__err(&f->origin, FLOW_EINVAL, "flow %s->%s: '%s' is a sink, nothing flows out of it",
                                   a->name, b->name, a->name);
        if (takes_no_inflow(b))
            return flow_model__err(&f->origin, FLOW_EINVAL, "flow %s->%s: '%s' is a %s, nothing flows into it",
                                   a->name, b->name, b->name,
                                   b->kind == FLOW_SOURCE ? "source" : "stock-driven in-use stock");
    }
    return 0;
}

/* Lifetimes where they apply, capacities and their overflow. */
static int check_processes(const flow_model *m)
{
    for (size_t i = 0; i < m->n_procs; i++) {
        const flow_process *p = &m->procs[i];
        if (p->kind == FLOW_STOCK && (p->smode == FLOW_STOCK_INUSE || p->smode == FLOW_STOCK_INUSE_DRIVEN) &&
            !p->has_lifetime)
            return flow_model__err(&p->origin, FLOW_EINVAL, "process '%s': an in-use stock needs a lifetime", p->name);
        const char *ignored_by = p->has_lifetime ? lifetime_ignored_by(p) : NULL;
        if (ignored_by)
            return flow_model__err(&p->lt_origin, FLOW_EINVAL,
                                   "process '%s': a lifetime applies only to an in-use stock (mode inuse or "
                                   "inuse_driven), not to %s", p->name, ignored_by);
        if (p->cap_param != FLOW_NONE && p->overflow != FLOW_NONE && takes_no_inflow(&m->procs[p->overflow]))
            return flow_model__err(&p->origin, FLOW_EINVAL, "process '%s': overflow cannot go to '%s', a %s",
                                   p->name, m->procs[p->overflow].name, flow_kind_name(m->procs[p->overflow].kind));
        if (p->cap_param != FLOW_NONE && p->kind == FLOW_STOCK && p->smode == FLOW_STOCK_INUSE_DRIVEN)
            return flow_model__err(&p->origin, FLOW_EINVAL,
                                   "process '%s': a stock-driven in-use stock cannot have a capacity", p->name);
    }
    return 0;
}

/* Generation, stock paths and initial stocks belong to the kinds that have them. */
static int check_pm_owners(const flow_model *m)
{
    for (size_t i = 0; i < m->n_gens; i++) {
        const flow_pm_amount *g = &m->gens[i];
        if (m->procs[g->process].kind != FLOW_SOURCE)
            return flow_model__err(&g->origin, FLOW_EINVAL, "process '%s' is a %s: only a source has generation",
                                   m->procs[g->process].name, flow_kind_name(m->procs[g->process].kind));
    }
    for (size_t i = 0; i < m->n_paths; i++) {
        const flow_pm_amount *g = &m->paths[i];
        const flow_process *p = &m->procs[g->process];
        if (p->kind != FLOW_STOCK || p->smode != FLOW_STOCK_INUSE_DRIVEN)
            return flow_model__err(&g->origin, FLOW_EINVAL,
                                   "process '%s': only a stock-driven in-use stock has a stock path", p->name);
    }
    for (size_t i = 0; i < m->n_inits; i++) {
        const flow_pm_amount *g = &m->inits[i];
        const flow_process *p = &m->procs[g->process];
        if (p->kind != FLOW_TYPED &&
            (p->kind != FLOW_STOCK || (p->smode != FLOW_STOCK_ACCUMULATE && p->smode != FLOW_STOCK_STORAGE)))
            return flow_model__err(&g->origin, FLOW_EINVAL,
                                   "process '%s': only an accumulating or storage stock, or a process of a "
                                   "plugin type, has an initial stock", p->name);
    }
    return 0;
}

/* Fills port_flow[port0[p] + port] with the flow of each port of each
 * typed process (or -1): no port may be connected twice. */
static int connect_ports(const flow_model *m, int *port_flow, int *port0, size_t nports)
{
    for (size_t i = 0, k = 0; i < m->n_procs; i++) {
        port0[i] = (int)k;
        if (m->procs[i].type)
            k += m->procs[i].type->n_ports;
    }
    for (size_t k = 0; k < nports; k++)
        port_flow[k] = -1;
    for (size_t f = 0; f < m->n_flows; f++) {
        const flow_flowdef *fd = &m->flows[f];
        if (fd->mode != FLOW_PORT)
            continue;
        int *slot = &port_flow[port0[fd->from] + fd->port];
        if (*slot >= 0) {
            const flow_process *p = &m->procs[fd->from];
            return flow_model__err(&fd->origin, FLOW_EEXIST, "process '%s': port '%s' goes to '%s' already",
                                   p->name, p->type->ports[fd->port], m->procs[m->flows[*slot].to].name);
        }
        *slot = (int)f;
    }
    return 0;
}

/* Every typed process: the materials its type makes exist, every port
 * goes somewhere (port_flow and port0 from connect_ports). */
static int check_typed_ends(const flow_model *m, const int *port_flow, const int *port0)
{
    for (size_t i = 0; i < m->n_procs; i++) {
        const flow_process *p = &m->procs[i];
        const flow_process_type *t = p->type;
        if (!t)
            continue;
        for (size_t k = 0; k < t->n_materials; k++)
            if (flow_nameidx__find(&m->mat_ix, t->materials[k], m->mats, sizeof *m->mats) < 0)
                return flow_model__err(&p->origin, FLOW_EINVAL,
                                       "process '%s' (type '%s') makes material '%s', which the model does not "
                                       "define", p->name, t->name, t->materials[k]);
        for (size_t k = 0; k < t->n_ports; k++)
            if (port_flow[port0[i] + k] < 0)
                return flow_model__err(&p->origin, FLOW_EINVAL,
                                       "process '%s' (type '%s'): port '%s' goes nowhere (every port needs "
                                       "a destination)", p->name, t->name, t->ports[k]);
    }
    return 0;
}

/* Typed processes: the materials their type makes, every port connected once. */
static int check_ports(flow_model *m)
{
    size_t nports = 0;
    for (size_t i = 0; i < m->n_procs; i++)
        if (m->procs[i].type)
            nports += m->procs[i].type->n_ports;
    int *port_flow = NULL, *port0 = NULL, rc = 0;
    if (nports > 0) {
        port_flow = flow_alloc__calloc(&m->alloc, nports, sizeof *port_flow);
        port0 = flow_alloc__calloc(&m->alloc, m->n_procs, sizeof *port0);
        if (!port_flow || !port0)
            rc = flow_error__nomem("the port table");
        else
            rc = connect_ports(m, port_flow, port0, nports);
    }
    if (!rc)
        rc = check_typed_ends(m, port_flow, port0);
    flow_alloc__free(&m->alloc, port_flow);
    flow_alloc__free(&m->alloc, port0);
    return rc;
}

/* Keeps the last entry of each (process, material) pair of generation,
 * initial stock and stock path: setting a pair again replaces it. */
static int dedupe_pm(flow_model *m)
{
    size_t PM = m->n_procs * m->n_mats;
    int *last = flow_alloc__calloc(&m->alloc, PM ? PM : 1, sizeof *last);
    if (!last)
        return flow_error__nomem("the compiled model");
    flow_pm_amount *arrs[3] = { m->gens, m->inits, m->paths };
    size_t *counts[3] = { &m->n_gens, &m->n_inits, &m->n_paths };
    for (int l = 0; l < 3; l++) {
        flow_pm_amount *a = arrs[l];
        size_t n = *counts[l], w = 0;
        for (size_t i = 0; i < PM; i++)
            last[i] = -1;
        for (size_t i = 0; i < n; i++)
            last[(size_t)a[i].process * m->n_mats + a[i].material] = (int)i;
        for (size_t i = 0; i < n; i++)
            if (last[(size_t)a[i].process * m->n_mats + a[i].material] == (int)i)
                a[w++] = a[i];
        *counts[l] = w;
    }
    flow_alloc__free(&m->alloc, last);
    return 0;
}

int flow_compile__check_structure(flow_model *m)
{
    int rc;
    if ((rc = check_flow_ends(m)) || (rc = check_processes(m)) || (rc = check_pm_owners(m)) ||
        (rc = check_ports(m)))
        return rc;
    return dedupe_pm(m);
}

/* ---- amounts in every year ---------------------------------------------------------- */

/* The years in which what a parameter feeds must be checked: one when it
 * is constant over the years (pconst from flow_compile__check_amounts). */
static int years_of(const flow_model *m, const unsigned char *pconst, int param)
{
    return param == FLOW_NONE || pconst[param] ? 1 : m->c.T;
}

/* Fixed flows and shares: finite, >= 0, a share <= 1. */
static int check_edge_amounts(flow_model *m, const unsigned char *pconst)
{
    flow_compiled *c = &m->c;
    for (int e = 0; e < c->E; e++) {
        if (c->e_mode[e] == FLOW_REST || c->e_mode[e] == FLOW_OVERFLOW || c->e_mode[e] == FLOW_PORT)
            continue;
        const flow_flowdef *f = &m->flows[c->e_flow[e]];
        if (c->e_param[e] != FLOW_NONE)
            c->param_use[c->e_param[e]] |= c->e_mode[e] == FLOW_SHARE ? 3 : 1;
        for (int t = 0; t < years_of(m, pconst, c->e_param[e]); t++)
            if (!amount_ok(m, c->e_coef[e], c->e_param[e], t, c->e_mode[e] == FLOW_SHARE)) {
                char what[600];
                snprintf(what, sizeof what, "%s %s->%s:%s", c->e_mode[e] == FLOW_SHARE ? "share of" : "fixed flow",
                         m->procs[c->e_from[e]].name, m->procs[c->e_to[e]].name, m->mats[c->e_mat[e]].name);
                return check_amount(m, &f->origin, c->e_coef[e], c->e_param[e], t, c->e_mode[e] == FLOW_SHARE, what);
            }
    }
    return 0;
}

/* Generation and stock paths: finite and >= 0. */
static int check_pm_amounts(flow_model *m, const unsigned char *pconst)
{
    flow_compiled *c = &m->c;
    flow_pm_amount *lists[2] = { m->gens, m->paths };
    size_t counts[2] = { m->n_gens, m->n_paths };
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < counts[l]; i++) {
            const flow_pm_amount *g = &lists[l][i];
            if (g->param != FLOW_NONE)
                c->param_use[g->param] |= 1;
            for (int t = 0; t < years_of(m, pconst, g->param); t++)
                if (!amount_ok(m, g->coef, g->param, t, 0)) {
                    char what[300];
                    snprintf(what, sizeof what, "%s of '%s' in '%s'", l == 0 ? "generation" : "stock path",
                             m->mats[g->material].name, m->procs[g->process].name);
                    return check_amount(m, &g->origin, g->coef, g->param, t, 0, what);
                }
        }
    return 0;
}

/* Capacities: finite and >= 0 in every year. */
static int check_capacities(flow_model *m)
{
    flow_compiled *c = &m->c;
    int rc;
    for (int p = 0; p < c->P; p++) {
        const flow_process *pr = &m->procs[p];
        if (pr->cap_param == FLOW_NONE)
            continue;
        c->param_use[pr->cap_param] |= 1;
        char what[300];
        snprintf(what, sizeof what, "capacity of '%s'", pr->name);
        for (int t = 0; t < c->T; t++)
            if ((rc = check_amount(m, &pr->origin, 1, pr->cap_param, t, 0, what)))
                return rc;
    }
    return 0;
}

/* The parameters of typed processes, in every year their values can
 * change: within the bounds their type declares. */
static int check_typed_params(const flow_model *m, const unsigned char *pconst)
{
    const flow_compiled *c = &m->c;
    for (int p = 0; p < c->P; p++) {
        const flow_process *pr = &m->procs[p];
        for (size_t i = 0; pr->type && i < pr->type->n_params; i++) {
            const flow_param_decl *d = &pr->type->params[i];
            if (!pr->tset[i] || pr->tparam[i] == FLOW_NONE)
                continue;
            for (int t = 0; t < years_of(m, pconst, pr->tparam[i]); t++) {
                double v = pr->tcoef[i] * c->pv[(size_t)t * c->NP + pr->tparam[i]];
                if (!(v >= d->lo && v <= d->hi))
                    return flow_model__err(&pr->origin, FLOW_EVALUE,
                                           "process '%s' (type '%s'), parameter '%s', year %d: %g is outside its "
                                           "bounds [%g, %g] (from parameter '%s')",
                                           pr->name, pr->type->name, d->name, m->first + t, v, d->lo, d->hi,
                                           m->params[pr->tparam[i]].name);
            }
        }
    }
    return 0;
}

/* The shares of every group in every year in which one of them can change. */
static int check_group_shares(const flow_model *m, const unsigned char *pconst)
{
    const flow_compiled *c = &m->c;
    int rc;
    for (int g = 0; g < c->G; g++) {
        int years = 1;
        double sum0 = 0;
        for (int e = c->g_start[g] + c->g_nfixed[g]; e < c->g_end[g]; e++)
            if (c->e_mode[e] == FLOW_SHARE && years_of(m, pconst, c->e_param[e]) > 1)
                years = c->T;
        for (int t = 0; t < years; t++) {
            double sum = 0;
            for (int e = c->g_start[g] + c->g_nfixed[g]; e < c->g_end[g]; e++)
                if (c->e_mode[e] == FLOW_SHARE)
                    sum += c->e_param[e] == FLOW_NONE ? c->e_coef[e]
                                                      : c->e_coef[e] * c->pv[(size_t)t * c->NP + c->e_param[e]];
            if (t > 0 && sum == sum0)
                continue;
            sum0 = sum;
            if ((rc = flow_compile__group_shares(m, g, sum, t)))
                return rc;
        }
    }
    return 0;
}

int flow_compile__check_amounts(flow_model *m)
{
    flow_compiled *c = &m->c;
    int NP = c->NP, rc;
    /* parameters with the same value in every year: what they feed need
     * be checked in one year only (a model's shares are mostly constants) */
    unsigned char *pconst = flow_alloc__calloc(&m->alloc, (size_t)NP, sizeof *pconst);
    if (!pconst)
        return flow_error__nomem("the compiled model");
    for (int p = 0; p < NP; p++) {
        pconst[p] = 1;
        for (int t = 1; t < c->T && pconst[p]; t++)
            pconst[p] = c->pv[(size_t)t * NP + p] == c->pv[p];
    }
    if (!(rc = check_edge_amounts(m, pconst)) && !(rc = check_pm_amounts(m, pconst)) &&
        !(rc = check_capacities(m)) && !(rc = check_typed_params(m, pconst)))
        rc = check_group_shares(m, pconst);
    flow_alloc__free(&m->alloc, pconst);
    return rc;
}

/* ---- routes ------------------------------------------------------------------------ */

/* The worklist of check_routes: which (process, material) pairs receive,
 * from which process, and the pairs still to visit. */
typedef struct route_walk {
    unsigned char *recv;
    int *from, *work;
    int nw;
} route_walk;

static void reach(route_walk *w, int q, int p)
{
    if (!w->recv[q]) {
        w->recv[q] = 1;
        w->from[q] = p;
        w->work[w->nw++] = q;
    }
}

/* The pairs that receive at the start: generation, a stock path, and a
 * source's fixed flows (a source with no generation of a material
 * generates what its fixed flows take). */
static void route_seeds(const flow_model *m, route_walk *w)
{
    const flow_compiled *c = &m->c;
    int PM = c->P * c->M;
    for (int i = 0; i < PM; i++) {
        w->from[i] = -1;
        if (c->pm_gen[i] >= 0 || c->pm_path[i] >= 0) {
            w->recv[i] = 1;
            w->work[w->nw++] = i;
        }
    }
    for (int g = 0; g < c->G; g++) {
        int pm = c->g_proc[g] * c->M + c->g_mat[g];
        if (m->procs[c->g_proc[g]].kind == FLOW_SOURCE && !w->recv[pm]) {
            w->recv[pm] = 1;
            w->work[w->nw++] = pm;
        }
    }
}

/* Visits the pairs that receive; fails on the first process that routes
 * all it receives and has no flow of a material it receives. */
static int route_walk_all(const flow_model *m, route_walk *w)
{
    const flow_compiled *c = &m->c;
    int M = c->M;
    while (w->nw > 0) {
        int pm = w->work[--w->nw];
        int p = pm / M, mat = pm % M;
        int g = c->pm_group[pm];
        if (g >= 0)
            for (int e = c->g_start[g]; e < c->g_end[g]; e++)
                reach(w, c->e_to[e] * M + mat, p);
        if (c->p_ovf[p] >= 0)
            reach(w, c->e_to[c->p_ovf[p]] * M + mat, p);
        const flow_process *pr = &m->procs[p];
        if (pr->type) /* a type may make any material of any it receives */
            for (int e = c->p_estart[p]; e < c->p_eend[p]; e++)
                if (c->e_mode[e] == FLOW_PORT)
                    reach(w, c->e_to[e] * M + c->e_mat[e], p);
        if (g < 0 && flow_compile__routes_all(pr)) {
            const char *src = w->from[pm] >= 0 ? m->procs[w->from[pm]].name : NULL;
            return flow_model__err(&pr->origin, FLOW_EROUTE,
                                   "process '%s' receives material '%s'%s%s%s but has no flow of it out",
                                   pr->name, m->mats[mat].name, src ? " (from '" : "", src ? src : "",
                                   src ? "')" : "");
        }
    }
    return 0;
}

/* Which (process, material) pairs can receive mass: from generation, a
 * stock path, or an edge out of a pair that receives. A worklist over the
 * pairs; each pair enters once. */
int flow_compile__check_routes(flow_model *m)
{
    size_t PM = (size_t)m->c.P * m->c.M;
    route_walk w = { 0 };
    int rc;
    w.recv = flow_alloc__calloc(&m->alloc, PM, sizeof *w.recv);
    w.work = w.recv ? flow_alloc__calloc(&m->alloc, PM, sizeof *w.work) : NULL;
    w.from = w.work ? flow_alloc__calloc(&m->alloc, PM, sizeof *w.from) : NULL;
    if (!w.from) {
        rc = flow_error__nomem("the compiled model");
    } else {
        route_seeds(m, &w);
        rc = route_walk_all(m, &w);
    }
    flow_alloc__free(&m->alloc, w.recv);
    flow_alloc__free(&m->alloc, w.work);
    flow_alloc__free(&m->alloc, w.from);
    return rc;
}
