/*
 * balance.c — the mass-balance check of every process and material.
 *
 * After each year, in - out - (stock_t - stock_{t-1}) = 0 is checked for
 * every process and material within a relative tolerance of the largest
 * term (stocks included, so that a small flow into a large landfill is
 * judged against what subtraction can resolve). The step sums "in" as the
 * flows arrive (for a process in a cycle: what came from outside plus what
 * the cycle's flows delivered, not the solution of the system) and "out"
 * as they leave; stocks and backlogs are the stored results. Sources
 * count their generation as input; sinks keep whatever arrives.
 */
#include <math.h>

#include "flow_int.h"

/* Whether the stock and backlog items (items[2], -1: none) of (process,
 * mat) are 0 now and were 0 the year before (st, sp: the stock rows; sp
 * NULL in the first year, when the initial stock counts). */
static int nothing_held(const flow_compiled *c, const double *st, const double *sp, const int *items, size_t pm,
                        int mat)
{
    for (int k = 0; k < 2; k++) {
        if (items[k] < 0)
            continue;
        int it = items[k] + mat;
        double prev = sp ? sp[it] : (k == 0 ? c->pm_init[pm] : 0);
        if (!(st[it] == 0 && prev == 0))
            return 0;
    }
    return 1;
}

/* The worst residual found so far, for the message. */
typedef struct bal_worst {
    double rel, res, in, out;
    int p, mat;
} bal_worst;

/* Judges the residual of (p, mat) (mat -1: all materials of a typed
 * process together). */
static void judge(flow_sim *s, int p, int mat, double in, double out, double ds, double scale, bal_worst *w)
{
    double res = in - out - ds;
    /* below 100 x the noise floor of the year a residual is rounding */
    double rel = fabs(res) <= 100 * s->floor ? 0 : scale > 0 ? fabs(res) / scale : INFINITY;
    if (isnan(res))
        rel = INFINITY;
    if (rel > s->stats.max_balance_error)
        s->stats.max_balance_error = rel;
    if (rel > s->tol && rel > w->rel)
        *w = (bal_worst){ rel, res, in, out, p, mat };
}

/* The balance over all materials together of a process of a plugin type
 * (which may turn one material into another): the sums of what it
 * received, sent, and its stock and backlog changes, and of each
 * material's scale, in the order of the materials. A material it neither
 * held, received nor sent adds +0 to each sum, which leaves it as it is:
 * only its live materials (live.c) are summed, without a test. */
static void typed_sums(flow_sim *s, const double *st, const double *sp, const int *items, int p, bal_worst *w)
{
    const flow_compiled *c = &s->m->c;
    const int M = c->M;
    const double *bin = s->bin + (size_t)p * M, *bout = s->bout + (size_t)p * M;
    const double *init = c->pm_init + (size_t)p * M;
    double tin = 0, tout = 0, tds = 0, tscale = 0;
    const int *lm = s->lv_mat + s->lv_m0[p], nl = s->lv_m0[p + 1] - s->lv_m0[p];
    for (int j = 0; j < nl; j++) {
        const int mat = lm[j];
        double in = bin[mat], out = bout[mat], ds = 0;
        /* nothing received, sent nor held this year or the last (most
         * live materials in most years): each sum stays */
        if (items[0] >= 0 && items[1] < 0) {
            const double *now = st + items[0] + mat, *before = sp ? sp + items[0] + mat : init + mat;
            if ((flow__bits(&in) | flow__bits(&out) | flow__bits(now) | flow__bits(before)) == 0)
                continue;
        }
        double scale = flow__fmax(fabs(in), fabs(out));
        for (int k = 0; k < 2; k++) {
            if (items[k] < 0)
                continue;
            int it = items[k] + mat;
            double prev = sp ? sp[it] : (k == 0 ? init[mat] : 0);
            ds += st[it] - prev;
            scale = flow__fmax(scale, flow__fmax(fabs(st[it]), fabs(prev)));
        }
        tin += in;
        tout += out;
        tds += ds;
        tscale += scale;
    }
    judge(s, p, -1, tin, tout, tds, tscale, w);
}

/* The balance of process p in year t: material by material, or, for a
 * process of a plugin type, over all materials together (typed_sums);
 * its live materials only (live.c): of the others, it holds, receives
 * and sends +0. */
static void check_process(flow_sim *s, const double *st, const double *sp, int p, bal_worst *w)
{
    const flow_compiled *c = &s->m->c;
    const int M = c->M;
    const int items[2] = { c->p_stock[p], c->p_backlog[p] };
    if (s->m->procs[p].type != NULL) {
        typed_sums(s, st, sp, items, p, w);
        return;
    }
    const int *lm = s->lv_mat + s->lv_m0[p], nl = s->lv_m0[p + 1] - s->lv_m0[p];
    for (int j = 0; j < nl; j++) {
        const int mat = lm[j];
        size_t pm = (size_t)p * M + mat;
        double in = s->bin[pm], out = s->bout[pm];
        /* a material the process neither held, received nor sent: its
         * residual is exactly 0 */
        if (in == 0 && out == 0 && nothing_held(c, st, sp, items, pm, mat))
            continue;
        double scale = flow__fmax(fabs(in), fabs(out)), ds = 0;
        for (int k = 0; k < 2; k++) {
            if (items[k] < 0)
                continue;
            int it = items[k] + mat;
            double prev = sp ? sp[it] : (k == 0 ? c->pm_init[pm] : 0);
            ds += st[it] - prev;
            scale = flow__fmax(scale, flow__fmax(fabs(st[it]), fabs(prev)));
        }
        judge(s, p, mat, in, out, ds, scale, w);
    }
}

int flow_balance__check(flow_sim *s, int t)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    const double *st = s->data[FLOW_ITEM_STOCK] + (size_t)t * c->S;
    const double *sp = t > 0 ? s->data[FLOW_ITEM_STOCK] + (size_t)(t - 1) * c->S : NULL;
    bal_worst w = { 0, 0, 0, 0, -1, -1 };
    /* only the processes flow_sim_new listed: a sink keeps whatever it
     * accepts (nothing to balance); a split or source without capacity
     * outside cycles was balanced as it routed (run_split, run_uniform:
     * what it sends on equals what it has, within the same tolerance), so
     * was a typed process without capacity outside cycles (typed_lean), and so
     * were the splits of a cycle solved by run_cycle_small (what the cycle
     * delivered against its solution) */
    for (int i = 0; i < s->n_bal; i++)
        if (!s->reuse || s->rpvar[s->bal_p[i]]) /* a fixed one was checked when computed (reuse.c) */
            check_process(s, st, sp, s->bal_p[i], &w);
    if (w.p >= 0)
        return flow_model__err(&m->procs[w.p].origin, FLOW_EBALANCE,
                               "process '%s', %s%s%s, year %d: mass balance off by %.6g "
                               "(in %.10g, out %.10g; relative %.3g > %.3g)",
                               m->procs[w.p].name, w.mat >= 0 ? "material '" : "all materials",
                               w.mat >= 0 ? m->mats[w.mat].name : "", w.mat >= 0 ? "'" : "", m->first + t, w.res,
                               w.in, w.out, w.rel, s->tol);
    return 0;
}
