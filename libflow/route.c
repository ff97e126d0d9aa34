/*
 * route.c — the year step of a core process (source, split, sink, stock):
 * its input routed along its flows, its capacity (the accepted fraction,
 * the overflow, the backlog queue), its stock and cohorts, and the checks
 * of what it sends on. Every outflow is written as an affine function of
 * the input (flow_route__coeffs), so that cycle.c uses the same code.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "sim_int.h"

/* FLOW_SIM_CORRUPT (sim_hooks): once in its year, adds CORRUPT_REL of the
 * chosen flow to what its destination is found to have received (bin),
 * when the destination is one of `only` (a cycle's processes, marked in
 * loc) or, with only = 0, whatever it is. */
void flow_route__corrupt(const flow_step *st, int only)
{
    flow_sim *s = st->s;
    const flow_compiled *c = st->c;
    int e = s->corrupt_e;
    if (s->corrupt_t != st->t || s->corrupted || c->E == 0 || (only && s->loc[c->e_to[e]] < 0))
        return;
    s->corrupted = 1;
    s->bin[(size_t)c->e_to[e] * st->M + c->e_mat[e]] += CORRUPT_REL * st->flows[e];
}

double flow_route__stock_prev(const flow_step *st, int item)
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

/* Outflow of the cohorts of earlier years in year t for an in-use stock:
 * sum_{c<t} i_c (S(t-1-c) - S(t-c)); and their surviving stock
 * sum_{c<t} i_c S(t-c). */
void flow_route__old_cohorts(const flow_step *st, int p, int mat, double *eol, double *stock)
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

int flow_route__err_pm(const flow_step *st, int p, int mat, int code, const char *fmt, ...)
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
void flow_route__backlog_take(const flow_step *st, int p)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const int M = st->M, T = c->T, bl = c->p_backlog[p];
    const double *queue = s->bqueue + (size_t)(bl - s->bl0) * T;
    double *take = s->btake + (bl - s->bl0), waiting = 0;
    for (int m = 0; m < M; m++)
        waiting += take[m] = flow_route__stock_prev(st, bl + m);
    double C = st->pv[st->m->procs[p].cap_param];
    if (waiting <= C)
        return;
    /* what waits is the end [lo, all) of all that ever entered the queue;
     * the capacity takes [lo, lo + C). all is kept as a running sum, and
     * the walk starts at the first part not taken in full before (lo
     * never falls): O(M) a year, not O(M t) */
    flow_bqcur *cur = s->bqcur + (bl - s->bl0);
    for (; cur->upto < st->t; cur->upto++)
        for (int m = 0; m < M; m++)
            cur->all += queue[(size_t)m * T + cur->upto];
    double lo = cur->all - waiting, hi = lo + C;
    for (int m = 0; m < M; m++)
        take[m] = 0;
    double start = cur->start;
    for (int v = cur->v; v < st->t && start < hi; v++) {
        double part = 0;
        for (int m = 0; m < M; m++)
            part += queue[(size_t)m * T + v];
        double from = flow__fmax(start, lo), to = fmin(start + part, hi);
        if (to > from)
            for (int m = 0; m < M; m++)
                take[m] += (to - from) / part * queue[(size_t)m * T + v];
        if (start + part <= lo && v == cur->v) { /* taken in full before this year */
            cur->v = v + 1;
            cur->start = start + part;
        }
        start += part;
    }
}

/* What p takes from its backlog of material mat this year (backlog_take). */
double flow_route__backlog_taken(const flow_step *st, int p, int mat)
{
    int bl = st->c->p_backlog[p];
    return bl >= 0 ? st->s->btake[bl - st->s->bl0 + mat] : 0;
}

/* The capacity process p has for this year's input: its capacity less
 * what it takes from its backlog this year (as capacity_rho found it). */
double flow_route__capacity_left(const flow_step *st, int p)
{
    double C = st->pv[st->m->procs[p].cap_param], taken = 0;
    if (st->c->p_backlog[p] < 0)
        return C;
    for (int m = 0; m < st->M; m++)
        taken += flow_route__backlog_taken(st, p, m);
    return flow__fmax(C - taken, 0);
}

/* The accepted fraction rho of this year's input x of a process with a
 * capacity, after its backlog (backlog_take, which this finds first). */
double flow_route__capacity_rho(const flow_step *st, int p, const double *xp)
{
    const flow_process *pr = &st->m->procs[p];
    if (pr->cap_param == FLOW_NONE)
        return 1;
    if (st->c->p_backlog[p] >= 0)
        flow_route__backlog_take(st, p);
    double C = flow_route__capacity_left(st, p), A = 0;
    const flow_sim *s = st->s;
    /* its live materials (live.c): the others add +0, and A stays */
    for (int j = s->lv_m0[p]; j < s->lv_m0[p + 1]; j++)
        A += xp[s->lv_mat[j]];
    return A > C ? C / A : 1;
}

/* Base of routing B = B0 + B1 * x for (p, mat) at acceptance rho. */
static void routing_base(const flow_step *st, int p, int mat, double rho, double *B0, double *B1)
{
    const flow_compiled *c = st->c;
    const flow_process *pr = &st->m->procs[p];
    double K0 = 0, K1 = 1;
    if (pr->kind == FLOW_STOCK) {
        if (pr->smode == FLOW_STOCK_STORAGE) {
            K0 = flow_route__stock_prev(st, c->p_stock[p] + mat);
        } else if (pr->smode == FLOW_STOCK_INUSE || pr->smode == FLOW_STOCK_INUSE_DRIVEN) {
            double so;
            flow_route__old_cohorts(st, p, mat, &K0, &so);
            K1 = 1 - c->surv[(size_t)c->p_inuse[p] * (c->T + 1)];
        }
    }
    *B0 = K0 + K1 * flow_route__backlog_taken(st, p, mat);
    *B1 = K1 * rho;
}

/* Fills alpha/beta of the edges leaving (p, mat): its routing group and its
 * overflow edge. Checks share values and their sum for year t. */
int flow_route__coeffs(const flow_step *st, int p, int mat, double rho)
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
            double v = flow_route__amount(st, c->e_coef[e], c->e_param[e]);
            s->alpha[e] = 0;
            s->beta[e] = v;
            F += v;
        }
        for (; e < end && c->e_mode[e] == FLOW_SHARE; e++) {
            double sh = flow_route__amount(st, c->e_coef[e], c->e_param[e]);
            if (!(sh >= 0 && sh <= 1 + 1e-9))
                return flow_route__err_pm(st, p, mat, FLOW_EVALUE, "share %g of flow %s is not in [0, 1]%s%s%s", sh,
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
void flow_route__backlog_keep(const flow_step *st, int p, int mat, double taken, double waits)
{
    int item = st->c->p_backlog[p] + mat;
    st->stocks[item] = flow_route__stock_prev(st, item) - taken + waits;
    st->s->bqueue[(size_t)(item - st->s->bl0) * st->c->T + st->t] = waits;
}

/* After the values of (p, mat)'s edges are known: checks them and updates
 * its stock, backlog, cohorts and generation. x is the process's input. */
int flow_route__finish(const flow_step *st, int p, int mat, double rho, double x)
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
    double scale = flow__fmax(fabs(B), big);
    double tol = flow__fmax(VALUE_TOL * scale, st->floor);
    int implicit_source = pr->kind == FLOW_SOURCE && c->pm_gen[pm] < 0;
    if (g >= 0 && !implicit_source) {
        int rest = c->g_rest[g];
        if (rest >= 0 && st->flows[rest] < -tol)
            return flow_route__err_pm(st, p, mat, FLOW_EVALUE,
                          "its fixed and share flows take %.10g, more than the %.10g it sends on",
                          out - st->flows[rest], B);
        if (flow_compile__routes_all(pr) && fabs(out - B) > tol)
            return flow_route__err_pm(st, p, mat, FLOW_EVALUE, "its flows send on %.10g, not the %.10g it has", out, B);
        if (!flow_compile__routes_all(pr) && out > B + tol)
            return flow_route__err_pm(st, p, mat, FLOW_EVALUE, "its flows take %.10g, more than the %.10g it has", out, B);
    }
    double taken = flow_route__backlog_taken(st, p, mat);
    if (c->p_backlog[p] >= 0)
        flow_route__backlog_keep(st, p, mat, taken, (1 - rho) * x);
    double accepted = taken + rho * x;
    if (pr->kind == FLOW_STOCK) {
        int item = c->p_stock[p] + mat;
        switch (pr->smode) {
        case FLOW_STOCK_ACCUMULATE:
            st->stocks[item] = flow_route__stock_prev(st, item) + accepted - out;
            break;
        case FLOW_STOCK_STORAGE:
            st->stocks[item] = B - out;
            break;
        default: { /* in-use: the new cohort and the survivors */
            int k = c->p_inuse[p];
            double eol, so;
            flow_route__old_cohorts(st, p, mat, &eol, &so);
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
 * (a real negative, beyond the noise, is left for flow_route__finish() to report). */
double flow_route__value(const flow_step *st, int e, double x)
{
    double v = st->s->alpha[e] * x + st->s->beta[e];
    return v < 0 && v >= -st->floor ? 0 : v;
}

/* An acyclic process: its input is known. */
/* Every share of group g must lie in [0, 1]: reported by flow and
 * parameter. Called when a group's sum fails its rule, which is where a
 * negative or oversized share shows (a share below 0 can hide in a sum
 * that still adds to 1 only if another exceeds it). */
static int check_share_values(const flow_step *st, int p, int mat, int g)
{
    const flow_compiled *c = st->c;
    for (int e = c->g_start[g] + c->g_nfixed[g]; e < c->g_start[g] + c->g_nfixed[g] + c->g_nshare[g]; e++) {
        double sh = flow_route__amount(st, c->e_coef[e], c->e_param[e]);
        if (!(sh >= 0 && sh <= 1 + 1e-9))
            return flow_route__err_pm(st, p, mat, FLOW_EVALUE, "share %g of flow %s is not in [0, 1]%s%s%s", sh,
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
int flow_route__share_error(const flow_step *st, int p, int mat, int g, double sum)
{
    int rc = check_share_values(st, p, mat, g);
    if (!rc)
        rc = flow_compile__group_shares(st->m, g, sum, st->t);
    if (!rc)
        rc = flow_route__err_pm(st, p, mat, FLOW_ESHARES, "its shares add to %.17g", sum);
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
int flow_route__uniform(const flow_step *st, const flow_plan *pl)
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
        return flow_route__share_error(st, p, 0, c->pm_group[(size_t)p * M], S);
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
        /* its live materials (live.c): of the others it received nothing,
         * and +0 passes on, which the flow's row holds and which adds
         * nothing to the target's input */
        for (int j = s->lv_m0[p]; j < s->lv_m0[p + 1]; j++) {
            const int mat = s->lv_mat[j];
            double B = x[p0 + mat];
            if (B < 0) {
                double tol = VALUE_TOL * B > st->floor ? VALUE_TOL * B : st->floor;
                if (B < -tol)
                    return flow_route__err_pm(st, p, mat, FLOW_EVALUE,
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
    /* without fixed flows or undeclared materials, its live materials
     * (live.c): of the others it received nothing, and every share and
     * the rest carry +0, as the flows' row holds already */
    const int all = nfix != 0 || undeclared, i1 = all ? M : s->lv_m0[p + 1];
    for (int i = all ? 0 : s->lv_m0[p]; i < i1; i++) {
        const int mat = all ? i : s->lv_mat[i];
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
                    return flow_route__err_pm(st, p, mat, FLOW_EVALUE,
                                  "its fixed and share flows take %.10g, more than the %.10g it sends on", out, B);
                v = 0;
            }
            fl[j] = v;
            x[xi[j] + mat] += v;
        } else if (fabs(out - B) > tol) {
            return flow_route__err_pm(st, p, mat, FLOW_EVALUE, "its flows send on %.10g, not the %.10g it has", out, B);
        }
    }
    return 0;
}

/* A split or source that is not uniform (flow_sim_step routes those by
 * run_uniform). */
static int run_split(const flow_step *st, int p)
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
    /* the groups that can carry something (live.c) */
    for (int i = s->lv_g0[p]; i < s->lv_g0[p + 1]; i++) {
        const int k = s->lv_g[i];
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
            return flow_route__share_error(st, p, gr.mat, c->pm_group[pm], S);
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
                    return flow_route__err_pm(st, p, gr.mat, FLOW_EVALUE,
                                  "its fixed and share flows take %.10g, more than the %.10g it sends on", out, B);
                v = 0;
            }
            flows[e] = v;
            x[eh[e].xi] += v;
        } else if (fabs(out - B) > tol) {
            return flow_route__err_pm(st, p, gr.mat, FLOW_EVALUE, "its flows send on %.10g, not the %.10g it has", out, B);
        }
    }
    return 0;
}

/* A sink, or an accumulating stock, that sends nothing on (no routing
 * group for any material), with neither capacity nor backlog (flow_sim_new
 * plans it FLOW_PLAN_KEEP): all it receives stays. What
 * flow_route__process computes for one, without what is 0 by structure:
 * no flow to write; its stock, last year's plus what it accepted (taken
 * from no backlog, 0, + rho 1 x x: +0 + x, so an input of -0 adds +0, as
 * there), rounding noise below 0 set to 0 as flow_route__finish does; and
 * what balance.c reads, in = x and out = 0. The same operations in the
 * same order: the same bits. */
void flow_route__keep(const flow_step *st, int p)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const int M = st->M, item0 = c->p_stock[p];
    const size_t p0 = (size_t)p * M;
    const double *xp = s->x + p0;
    s->rho[p] = 1;
    /* balance.c reads the live materials (live.c); the others hold +0 */
    for (int j = s->lv_m0[p]; j < s->lv_m0[p + 1]; j++) {
        s->bin[p0 + s->lv_mat[j]] = xp[s->lv_mat[j]];
        s->bout[p0 + s->lv_mat[j]] = 0;
    }
    if (item0 < 0) /* a sink: no stock items */
        return;
    /* last year's stock (before the first year: the initial stock) */
    const double *prev = st->sprev ? st->sprev + item0 : c->pm_init + p0;
    double *stk = st->stocks + item0;
    /* its live materials (live.c): of the others it holds and receives
     * nothing, and the stock is +0 + (+0 + +0) - 0.0 = +0, which the
     * year's row holds already (flow_sim_reset) */
    for (int j = s->lv_m0[p]; j < s->lv_m0[p + 1]; j++) {
        const int mat = s->lv_mat[j];
        double x = xp[mat], accepted = 0.0 + x;
        double v = prev[mat] + accepted - 0.0;
        if (v < 0) {
            /* flow_route__finish's tolerance: B = 0 + 1 x x, nothing sent */
            double tol = flow__fmax(VALUE_TOL * flow__fmax(fabs(0.0 + x), 0), st->floor);
            if (v >= -tol)
                v = 0;
        }
        stk[mat] = v;
    }
}

/* Sums what left (p, mat) along its edges (routing group and overflow). */
double flow_route__sent(const flow_step *st, int p, int mat)
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

int flow_route__process(const flow_step *st, int p)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    if (c->p_fast[p])
        return run_split(st, p);
    if (c->p_typed[p] >= 0)
        return flow_typed__run(st, p);
    const flow_process *pr = &st->m->procs[p];
    int M = st->M;
    double *xp = s->x + (size_t)p * M;
    double rho = flow_route__capacity_rho(st, p, xp);
    s->rho[p] = rho;
    for (int mat = 0; mat < M; mat++) {
        int rc = flow_route__coeffs(st, p, mat, rho);
        if (rc)
            return rc;
        int g = c->pm_group[p * M + mat];
        if (g >= 0)
            for (int e = c->g_start[g]; e < c->g_end[g]; e++) {
                double v = flow_route__value(st, e, xp[mat]);
                st->flows[e] = v;
                s->x[(size_t)c->e_to[e] * M + mat] += v;
            }
        if (c->p_ovf[p] >= 0) {
            int e = c->p_ovf[p] + mat;
            double v = flow_route__value(st, e, xp[mat]);
            st->flows[e] = v;
            s->x[(size_t)c->e_to[e] * M + mat] += v;
        }
        if ((rc = flow_route__finish(st, p, mat, rho, xp[mat])))
            return rc;
        size_t pm = (size_t)p * M + mat;
        s->bout[pm] = flow_route__sent(st, p, mat);
        /* a source's input is its generation (placed in x, or, for a
         * material it does not declare, what its fixed flows took) */
        s->bin[pm] = pr->kind == FLOW_SOURCE && c->pm_gen[pm] < 0 ? s->gen[pm] : xp[mat];
    }
    return 0;
}
