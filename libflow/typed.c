/*
 * typed.c — the year step of a process of a plugin type: its transfer
 * (asked again only when its parameters change), its capacity, its port
 * flows, stock and balance, its init() / step() / fini() and metrics.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "sim_int.h"

/* The values of a typed process's parameters in year t: the model's, else
 * the declared defaults. Returns whether any differs from what par held. */
static int type_params(const flow_model *m, const flow_typed *ty, const double *pv, double *par)
{
    const flow_process *pr = &m->procs[ty->p];
    int changed = 0;
    for (int i = 0; i < ty->n_params; i++) {
        double v = !pr->tset[i]                  ? ty->t->params[i].def
                   : pr->tparam[i] == FLOW_NONE ? pr->tcoef[i]
                                                : pr->tcoef[i] * pv[pr->tparam[i]];
        changed |= v != par[i];
        par[i] = v;
    }
    return changed;
}

/* Calls fini() of every typed process whose init() ran. */
void flow_typed__fini(flow_sim *s)
{
    const flow_compiled *c = &s->m->c;
    for (int k = 0; s->tinit && k < c->NT; k++) {
        if (s->tinit[k] && c->ty[k].t->fini)
            c->ty[k].t->fini(s->tstate + c->ty[k].state0);
        s->tinit[k] = 0;
    }
}

/* Zeroes the state of every typed process and calls its init(), with the
 * parameters of the first year.
 *
 * A transfer found valid before (tvalid: the type has no state and its
 * last transfer read neither the year nor the stock, so that it is a
 * function of the parameters alone) stays valid across a reset, with the
 * parameters it was computed for in tpar: the first year's
 * flow_typed__coefs compares them and asks again only when one differs.
 * An ensemble resets before every sample and changes a few parameters;
 * the other processes keep their transfers. So does the layout of the
 * pools of rows and non-zeros, set by the first transfers (their bound
 * holds for the simulation's life: see flow_typed__coefs). */
int flow_typed__init(flow_sim *s)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    flow_typed__fini(s);
    /* the states only: the row marks and verified flags after them live
     * as long as the simulation (flow_sim.tstate) */
    memset(s->tstate, 0, c->ty_marks);
    for (int k = 0; k < c->NT; k++)
        s->tszero[k] = flow__bits_or(c->pm_init + (size_t)c->ty[k].p * c->M, c->M) == 0;
    for (int k = 0; k < c->NT; k++) {
        const flow_typed *ty = &c->ty[k];
        const flow_process *pr = &m->procs[ty->p];
        if (!ty->t->init) {
            s->tinit[k] = 1;
            continue;
        }
        /* init() sees the first year's parameters in tpar: a transfer kept
         * from before for others is no longer the one tpar describes */
        if (type_params(m, ty, s->data[FLOW_ITEM_PARAM], s->tpar + ty->par0))
            s->tvalid[k] = 0;
        double *par = s->tpar + ty->par0;
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

/* The same for a typed process that balances as it routes (typed_lean):
 * what it is found to have received of all materials together, beyond
 * what it routed. */
static double corrupt_lean(const flow_step *st, int p)
{
    flow_sim *s = st->s;
    int e = s->corrupt_e;
    if (s->corrupt_t != st->t || s->corrupted || st->c->E == 0 || st->c->e_to[e] != p)
        return 0;
    s->corrupted = 1;
    return CORRUPT_REL * st->flows[e];
}


/* ---- typed processes (plugin types) ---------------------------------------------- */

static int err_typed(const flow_step *st, int p, int code, const char *fmt, ...) FLOW_PRINTF(4, 5);
static int err_typed(const flow_step *st, int p, int code, const char *fmt, ...)
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

/* The rows a type that writes by rows (transfer_by_rows) set: those it
 * asked for (box->rows) and, rel not NULL, those that release something,
 * in increasing order, into s->trl; returns how many. */
static int rows_to_read(flow_sim *s, const flow_transfer_box *box, const double *rel, int NR)
{
    int *rl = s->trl, n = box->nrows;
    for (int r0 = 0; rel && r0 < NR; r0 += 8) {
        const int r1 = r0 + 8 < NR ? r0 + 8 : NR;
        if (flow__bits_or(rel + r0, r1 - r0) == 0)
            continue;
        for (int r = r0; r < r1; r++)
            if (rel[r] != 0 && !box->mark[r])
                rl[n++] = r;
    }
    /* insertion sort: a few rows, mostly in order already */
    for (int i = 1; i < n; i++) {
        int r = rl[i], j = i;
        for (; j > 0 && rl[j - 1] > r; j--)
            rl[j] = rl[j - 1];
        rl[j] = r;
    }
    return n;
}

/* Makes the transfer of typed process k current for year t: asks its type
 * again only when a parameter changed, or when the last answer may
 * depend on more than the parameters (a type with state, or one that read
 * the year or its stock). Checks what the type gave: coefficients and
 * releases finite and >= 0, no column sending more than 1. A type that
 * declares transfer_by_rows has only the rows it asked for through
 * flow_transfer_row() read (and those that release), once its first
 * transfer in the simulation's life, read in full, showed no other row
 * set. */
int flow_typed__coefs(const flow_step *st, int k)
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
    /* a transfer held for par: only the parameters bound to a model
     * parameter can have changed since (the others are constants that par
     * holds); else every one is evaluated */
    const int npv = changed ? ty->n_params : s->tvar0[k + 1] - s->tvar0[k];
    for (int j = 0; j < npv; j++) {
        const int i = changed ? j : s->tvar[s->tvar0[k] + j];
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
    /* its releases are all +0 unless its last transfer set one (most
     * types release nothing) */
    if (s->trel_dirty[k])
        memset(rel, 0, (size_t)NR * sizeof *rel);
    s->trel_dirty[k] = 1; /* until read below */
    /* a type with state may read it, unless it says it does not */
    int touched = ty->t->state_size > 0 && !ty->t->transfer_stateless;
    const double *prev = st->sprev ? st->sprev + c->p_stock[p] : c->pm_init + (size_t)p * M;
    char misuse[FLOW_MISUSE_LEN];
    misuse[0] = '\0';
    flow_type_ctx ctx = { ty->t, st->m, pr->name, st->m->first + st->t, ty->n_params, par, prev, &touched, misuse };
    unsigned char *mark = s->tstate + c->ty_marks, *verified = mark + c->ty_maxrel + k;
    flow_transfer_box box = { { ty->n_ports, M, coef, rel }, mark, misuse, s->trl, 0 };
    s->stats.type_transfers++;
    flow_error_clear(); /* a type written in Lua leaves its message there */
    int rc = ty->t->transfer(&ctx, s->tstate + ty->state0, &box.T);
    /* rows only when the type says so and its first transfer showed it */
    const int by_rows = ty->t->transfer_by_rows && *verified;
    const int verify = ty->t->transfer_by_rows && !*verified;
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
    int nnz = 0, nrow = 0, ncol = 0, *tcol = s->tct;
    /* whether the process may receive anything at all (live.c) */
    const int any_in = memchr(s->lv_in + (size_t)p * M, 1, (size_t)M) != NULL;
    /* most types release nothing: then the releases need no look each */
    const int rel_any = flow__bits_or(rel, NR) != 0;
    s->trel_any[k] = 0;
    s->trel_dirty[k] = (unsigned char)rel_any;
    /* by rows: only the rows asked for hold values, and the rows that
     * release; read in increasing order as the full scan, so that the
     * step adds the same terms in the same order */
    const int nlist = by_rows ? rows_to_read(s, &box, rel_any ? rel : NULL, NR) : NR;
    for (int li = 0; li < nlist; li++) {
        const int r = by_rows ? s->trl[li] : li;
        double *row = coef + (size_t)r * M;
        const int z0 = nnz, marked = mark[r];
        int same = 1; /* every value of the row so far is its first */
        mark[r] = 0;
        /* most rows are all zeros: one test of the bits of the whole row
         * (no branch per value; a -0 passes on to the values, which skip it) */
        if ((!by_rows || marked) && flow__bits_or(row, M)) {
            if (verify && !marked) {
                rc = err_typed(st, p, FLOW_EPLUGIN, "its transfer writes row (port '%s', material '%s') without "
                               "flow_transfer_row() although the type declares transfer_by_rows",
                               ty->t->ports[r / M], st->m->mats[r % M].name);
                goto fail;
            }
            /* most rows hold a few values: skip eight zeros at a time
             * (a branch per value mispredicts at each non-zero); a block
             * that holds something is read value by value */
            for (int m0 = 0; m0 < M; m0 += 8) {
                const int m1 = m0 + 8 <= M ? m0 + 8 : M;
                if (m1 - m0 == 8 && flow__bits_or(row + m0, 8) == 0)
                    continue;
                for (int m = m0; m < m1; m++) {
                    double v = row[m];
                    if (v == 0)
                        continue;
                    same &= nnz == z0 || v == nv[z0];
                    if (!(v > 0) || !isfinite(v)) {
                        rc = err_typed(st, p, FLOW_EPLUGIN, "its transfer sends %g of material '%s' to material "
                                       "'%s' of port '%s' (coefficients must be finite and >= 0)", v,
                                       st->m->mats[m].name, st->m->mats[r % M].name, ty->t->ports[r / M]);
                        goto fail;
                    }
                    if (col[m] == 0) /* v > 0: a column that sends something */
                        tcol[ncol++] = m;
                    col[m] += v;
                    nr[nnz] = r;
                    nc[nnz] = m;
                    nv[nnz++] = v;
                }
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
        const double u = nnz - z0 == M && same ? nv[z0] : -1;
        /* outside cycles such a row is u times what it accepted: its
         * values need no keeping (emit_all, in a cycle, reads them) */
        if (u >= 0 && !ty->in_cycle)
            nnz = z0;
        /* a row summed term by term keeps the terms of the materials the
         * process can receive (live.c, lv_in): the others multiply +0 and
         * add +0 to the sum, which starts at +0. When it may receive
         * another, live.c asks the transfer again */
        for (int i = z0, w = z0; u < 0 && i <= nnz; i++) {
            if (i == nnz) {
                nnz = w;
                break;
            }
            if (s->lv_in[(size_t)p * M + nc[i]]) {
                nr[w] = nr[i];
                nc[w] = nc[i];
                nv[w++] = nv[i];
            }
        }
        /* a row that neither releases nor takes anything of what the
         * process may receive sends +0, as its flow's row holds: it is
         * neither emitted nor live (a type that writes a row for every
         * material, as the in-use stocks do, makes only those of its
         * inputs live) */
        if (!(rel_any && rel[r] != 0) && (u < 0 ? nnz == z0 : !any_in))
            continue;
        tr[nrow++] = (flow_trow){ r, te[r], to[r / M] * M + r % M, r % M, z0, nnz, u, rel[r] };
        if (!s->lv_e[te[r]]) /* the row can carry from now on (live.c) */
            flow_live__port(s, te[r]);
    }
    flow_live__grow(s); /* what the rows made live reaches (live.c) */
    /* the columns that send something (the others send 0): the first in
     * the order of the materials that sends more than 1 */
    int over = -1;
    for (int j = 0; j < ncol; j++)
        if (col[tcol[j]] > 1 + 1e-9 && (over < 0 || tcol[j] < over))
            over = tcol[j];
    if (over >= 0)
        return err_typed(st, p, FLOW_EPLUGIN, "its transfer sends %.10g of each tonne of material '%s' "
                         "(more than it receives: a column may add up to 1 at most)", col[over],
                         st->m->mats[over].name);
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
    s->tkeeps[k] = s->trel_any[k] || ncol < M; /* a column that sends 0 keeps all */
    for (int m = 0; !s->tkeeps[k] && m < M; m++)
        if (1 - col[m] != 0)
            s->tkeeps[k] = 1;
    if (s->tkeeps[k] && !s->lv_tkeep[k])
        flow_live__keeps(s, k); /* its stock items are live from now on (live.c) */
    s->tvalid[k] = !touched;
    *verified |= verify;
    return 0;
fail:
    flow_live__grow(s); /* the rows marked before the failure */
    memset(coef, 0, (size_t)NR * M * sizeof *coef);
    memset(mark, 0, (size_t)NR);
    return rc;
}

/* The type's step(): the metrics of the year (and its state). */
static int typed_step(const flow_step *st, int k, const double *acc, const double *out, const double *prev)
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
static void send(const flow_step *st, int to, int mat, double v)
{
    flow_sim *s = st->s;
    size_t q = (size_t)to * st->M + mat;
    if (s->loc[to] >= 0)
        s->bin[q] += v;
    else
        s->x[q] += v;
}

/* Takes typed process k's releases from its stock stk (last year's:
 * prev), port by port and material by material, in the order of the
 * rows; rounding noise below 0 becomes 0, more is the type's error. */
static int take_releases(const flow_step *st, int k, double *stk, const double *prev)
{
    const flow_typed *ty = &st->c->ty[k];
    const int M = st->M;
    const double *rel = st->s->trel + ty->rel0;
    for (int q = 0; q < ty->n_ports; q++)
        for (int m = 0; m < M; m++)
            stk[m] -= rel[q * M + m];
    for (int m = 0; m < M; m++)
        if (stk[m] < 0) {
            double tol = flow__fmax(VALUE_TOL * fabs(prev[m]), st->floor);
            if (stk[m] < -tol)
                return err_typed(st, ty->p, FLOW_EPLUGIN, "its transfer releases more material '%s' than it holds "
                                 "(%.10g t short)", st->m->mats[m].name, -stk[m]);
            stk[m] = 0;
        }
    return 0;
}

/* The lean case of typed_emit: no capacity, not in a cycle; acc is the
 * process's input. Only the rows that send something are computed and
 * written (typed_coefs lists them): the flow row of the year is all zeros
 * until the step writes it (flow_sim_new, flow_sim_reset; a failed year
 * must be reset before the next), so a row that sends nothing is 0
 * already. Its balance over all materials is checked here, not in
 * balance.c. s->tout is all zeros on entry and is left so. */
static int typed_lean(const flow_step *st, int k, const double *acc, const double *prev)
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
    /* its live materials (live.c): the others are +0 in acc, prev and the
     * stock, and add +0 to each sum below, which leaves it as it is */
    const int *lm = s->lv_mat + s->lv_m0[p], nl = s->lv_m0[p + 1] - s->lv_m0[p];
    {
        /* two sums, of the even and of the odd materials: half the chain
         * of dependent additions */
        const int *eo = s->lv_eo + s->lv_m0[p], ne = s->lv_neven[p];
        double a0 = 0, a1 = 0;
        int j = 0;
        for (; j < ne; j++)
            a0 += acc[eo[j]];
        for (; j < nl; j++)
            a1 += acc[eo[j]];
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
        if (s->reuse) /* reuse.c clears what was written */
            s->rlog[s->rnlog++] = (size_t)st->t * (size_t)c->E + (size_t)tr[i].e;
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
        const double *col = s->tcol + (size_t)k * M;
        for (int j = 0; j < nl; j++) {
            /* not live, or neither held nor received this year: its stock
             * is +0 (the row holds it), it adds +0 to the change and
             * nothing to big */
            const int m = lm[j];
            if ((flow__bits(prev + m) | flow__bits(acc + m)) == 0)
                continue;
            stk[m] = prev[m] + acc[m] * (1 - col[m]);
            double b = acc[m] > prev[m] ? acc[m] : prev[m]; /* not fmax: a libm call */
            big = b > big ? b : big;
        }
        if (s->trel_any[k] && (rc = take_releases(st, k, stk, prev)))
            goto done;
        for (int j = 0; j < nl; j++) /* not live: +0 - +0, the sum stays */
            tds += stk[lm[j]] - prev[lm[j]];
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

/* The port flows of typed process k, out = T·acc + releases, sent on:
 * every row (in a cycle, where the step may call emit again in the year
 * and must overwrite what it wrote). */
static void emit_all(const flow_step *st, int k, const double *acc, double *bout)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const flow_typed *ty = &c->ty[k];
    const int M = st->M, NR = ty->n_ports * M;
    double *out = s->tout;
    memcpy(out, s->trel + ty->rel0, (size_t)NR * sizeof *out);
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
}

/* The same outside cycles: only the rows that send something
 * (typed_coefs lists them, in order), as typed_lean; the flows of the
 * others stay at the 0 the year's row holds, and their out at the 0 it
 * holds on entry (s->tout is all zeros between typed processes), which
 * emit_all would write. Each row is the sum apply_T makes, in the same
 * order, less its terms of a material accepted at +0 (they add +0): a
 * row that takes every material at one rate (tr.u) sums over the
 * materials accepted only. The same bits. */
static void emit_rows(const flow_step *st, int k, const double *acc, double *bout)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const int nrow = s->tnrow[k];
    const flow_trow *tr = s->trow + s->tr0[k];
    const int *nc = s->tnz_col + s->tz0[k];
    const double *nv = s->tnz_v + s->tz0[k];
    double *out = s->tout;
    int *am = s->tam, na = 0;
    /* the materials accepted: among the live ones (live.c), in order */
    const int p = c->ty[k].p, *lm = s->lv_mat + s->lv_m0[p], nl = s->lv_m0[p + 1] - s->lv_m0[p];
    for (int j = 0; j < nl; j++) {
        am[na] = lm[j];
        na += flow__bits(acc + lm[j]) != 0;
    }
    for (int i = 0; i < nrow; i++) {
        double sum = 0;
        if (tr[i].u >= 0)
            for (int j = 0; j < na; j++)
                sum += tr[i].u * acc[am[j]];
        else
            for (int z = tr[i].z0; z < tr[i].z1; z++)
                sum += nv[z] * acc[nc[z]];
        double o = tr[i].rel + sum;
        double v = o > 0 ? o : 0;
        const int r = tr[i].r;
        st->flows[tr[i].e] = v;
        if (s->reuse) /* reuse.c clears what was written */
            s->rlog[s->rnlog++] = (size_t)st->t * (size_t)c->E + (size_t)tr[i].e;
        out[r] = v;
        if (v == 0)
            continue;
        send(st, c->e_to[tr[i].e], tr[i].m, v);
        bout[tr[i].m] += v;
    }
}

/* What a typed process with a capacity or in a cycle accepts of material
 * m of its input xp (rho of it, with what it takes from its backlog),
 * into acc; what waits, into its backlog; what overflows, on its
 * overflow flow and into bout (else bout is 0). */
static inline void accept(const flow_step *st, int p, int m, const double *xp, double *acc, double *bout)
{
    const flow_compiled *c = st->c;
    const double rho = st->s->rho[p];
    const int bl = c->p_backlog[p], ovf = c->p_ovf[p];
    double taken = bl >= 0 ? flow_route__backlog_taken(st, p, m) : 0;
    acc[m] = taken + rho * xp[m];
    if (bl >= 0)
        flow_route__backlog_keep(st, p, m, taken, (1 - rho) * xp[m]);
    bout[m] = 0;
    if (ovf >= 0) {
        double v = (1 - rho) * xp[m];
        /* an overflow of +0 outside cycles: the flow's row holds it, and
         * it adds nothing where it goes (in a cycle the step may emit
         * again in the year and must overwrite) */
        if (v == 0 && st->s->loc[p] < 0)
            return;
        st->flows[ovf + m] = v;
        send(st, c->e_to[ovf + m], m, v);
        bout[m] = v;
    }
}

/* Typed process k with input xp (per material, received this year):
 * capacity (overflow or backlog), outputs T·accepted + releases on its
 * port flows, its stock, its balance, and its type's step() with the
 * metrics. The transfer is current (typed_coefs). */
int flow_typed__emit(const flow_step *st, int k, const double *xp)
{
    const flow_compiled *c = st->c;
    flow_sim *s = st->s;
    const flow_typed *ty = &c->ty[k];
    const int M = st->M, p = ty->p, NR = ty->n_ports * M;
    const double rho = s->rho[p];
    double *acc = s->tacc, *out = s->tout;
    const double *accepted = acc; /* what it accepted: acc, or its input (below) */
    const int bl = c->p_backlog[p], ovf = c->p_ovf[p], in_cycle = s->loc[p] >= 0, sb = c->p_stock[p];
    /* last year's stock (before the first year: the initial stock) */
    const double *prev = st->sprev ? st->sprev + sb : c->pm_init + (size_t)p * M;
    double *bin = s->bin + (size_t)p * M, *bout = s->bout + (size_t)p * M;
    if (!in_cycle && bl < 0 && ovf < 0 && rho == 1)
        return typed_lean(st, k, xp, prev);
    if (bl < 0 && ovf < 0 && rho == 1) {
        memcpy(acc, xp, (size_t)M * sizeof *acc);
        memset(bout, 0, (size_t)M * sizeof *bout);
    } else if (bl < 0 && !in_cycle && rho == 1) {
        /* it accepts all it received (+0 + 1 x x is x) and its overflow
         * carries +0, which the flows' row holds: its input as it is */
        accepted = xp;
        for (int j = s->lv_m0[p]; j < s->lv_m0[p + 1]; j++)
            bout[s->lv_mat[j]] = 0;
    } else if (bl < 0 && !in_cycle) {
        /* its live materials only (live.c): of the others it accepts +0
         * and its overflow carries +0, which the flows' row holds and
         * which adds nothing where it goes; their bout is +0 (outside
         * cycles, where the step may emit again in the year and must
         * overwrite) */
        const int *lm = s->lv_mat + s->lv_m0[p], nl = s->lv_m0[p + 1] - s->lv_m0[p];
        memset(acc, 0, (size_t)M * sizeof *acc);
        for (int j = 0; j < nl; j++)
            accept(st, p, lm[j], xp, acc, bout);
    } else {
        for (int m = 0; m < M; m++)
            accept(st, p, m, xp, acc, bout);
    }
    if (!in_cycle) {
        /* balance.c reads the live materials (live.c); the others hold +0 */
        for (int j = s->lv_m0[p]; j < s->lv_m0[p + 1]; j++)
            bin[s->lv_mat[j]] = xp[s->lv_mat[j]];
        emit_rows(st, k, accepted, bout);
    } else {
        emit_all(st, k, accepted, bout);
    }
    /* the stock: what the columns keep, less what was released */
    const double *col = s->tcol + (size_t)k * M;
    double *stk = st->stocks + sb;
    /* not live, nothing held, nothing accepted: +0 + +0 x (1 - col) is +0,
     * as the stocks' row holds already (outside cycles: see above) */
    const int *lm = s->lv_mat + s->lv_m0[p], nl = s->lv_m0[p + 1] - s->lv_m0[p];
    for (int j = 0; j < (in_cycle ? M : nl); j++) {
        const int m = in_cycle ? j : lm[j];
        if (!in_cycle && (flow__bits(prev + m) | flow__bits(accepted + m)) == 0)
            continue;
        stk[m] = prev[m] + accepted[m] * (1 - col[m]);
    }
    int rc = s->trel_any[k] ? take_releases(st, k, stk, prev) : 0;
    if (rc)
        return rc;
    rc = typed_step(st, k, accepted, out, prev);
    /* typed_lean and emit_rows expect it clear */
    if (in_cycle) {
        memset(out, 0, (size_t)NR * sizeof *out);
    } else {
        const flow_trow *tr = s->trow + s->tr0[k];
        for (int i = 0; i < s->tnrow[k]; i++)
            out[tr[i].r] = 0;
    }
    return rc;
}

/* A typed process outside cycles. */
int flow_typed__run(const flow_step *st, int p)
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
        if (!(s->tvalid[k] && ty->par_const) && (rc = flow_typed__coefs(st, k)))
            return rc;
        return typed_lean(st, k, xp, st->sprev ? st->sprev + c->p_stock[p] : c->pm_init + (size_t)p * st->M);
    }
    s->rho[p] = flow_route__capacity_rho(st, p, xp);
    rc = flow_typed__coefs(st, k);
    return rc ? rc : flow_typed__emit(st, k, xp);
}
