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

int flow_balance__check(flow_sim *s, int t)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    int M = c->M;
    const double *st = s->data[FLOW_ITEM_STOCK] + (size_t)t * c->S;
    const double *sp = t > 0 ? s->data[FLOW_ITEM_STOCK] + (size_t)(t - 1) * c->S : NULL;
    double worst = 0, wres = 0, win = 0, wout = 0;
    int wp = -1, wm = -1;
    /* only the processes flow_sim_new listed: a sink keeps whatever it
     * accepts (nothing to balance); a split or source without capacity
     * outside cycles was balanced as it routed (run_split, run_uniform:
     * what it sends on equals what it has, within the same tolerance), so
     * was a typed process without capacity outside cycles (typed_lean), and so
     * were the splits of a cycle solved by run_cycle_small (what the cycle
     * delivered against its solution) */
    for (int i = 0; i < s->n_bal; i++) {
        int p = s->bal_p[i];
        int items[2] = { c->p_stock[p], c->p_backlog[p] };
        /* a process of a plugin type may turn one material into another:
         * its balance is over all materials together (wm = -1) */
        int typed = m->procs[p].type != NULL;
        double tin = 0, tout = 0, tds = 0, tscale = 0;
        for (int mat = 0; mat < M; mat++) {
            size_t pm = (size_t)p * M + mat;
            double in = s->bin[pm], out = s->bout[pm];
            /* a material the process neither held, received nor sent (most
             * of them): its residual is exactly 0, judged so below; of a
             * typed process it would add zeros to sums that start at +0
             * and so stay as they are (the last material is always
             * judged: it closes the sums) */
            if (in == 0 && out == 0 && (!typed || mat < M - 1) && nothing_held(c, st, sp, items, pm, mat))
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
            if (typed) {
                tin += in;
                tout += out;
                tds += ds;
                tscale += scale;
                if (mat < M - 1)
                    continue;
                in = tin;
                out = tout;
                ds = tds;
                scale = tscale;
            }
            double res = in - out - ds;
            /* below 100 x the noise floor of the year a residual is rounding */
            double rel = fabs(res) <= 100 * s->floor ? 0 : scale > 0 ? fabs(res) / scale : INFINITY;
            if (isnan(res))
                rel = INFINITY;
            if (rel > s->stats.max_balance_error)
                s->stats.max_balance_error = rel;
            if (rel > s->tol && rel > worst) {
                worst = rel;
                wp = p;
                wm = typed ? -1 : mat;
                wres = res;
                win = in;
                wout = out;
            }
        }
    }
    if (wp >= 0)
        return flow_model__err(&m->procs[wp].origin, FLOW_EBALANCE,
                               "process '%s', %s%s%s, year %d: mass balance off by %.6g "
                               "(in %.10g, out %.10g; relative %.3g > %.3g)",
                               m->procs[wp].name, wm >= 0 ? "material '" : "all materials",
                               wm >= 0 ? m->mats[wm].name : "", wm >= 0 ? "'" : "", m->first + t, wres,
                               win, wout, worst, s->tol);
    return 0;
}
