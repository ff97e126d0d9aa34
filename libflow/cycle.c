/*
 * cycle.c — cycles of the process graph: each is one linear system per
 * material (or one over (process, material) pairs when a typed process may
 * turn one material into another), solved by solve.c; the accepted
 * fractions of all capacities inside a cycle, solved together
 * (docs/architecture.md, "Capacities in a cycle"); the flows, balances and
 * stocks of the cycle's processes from the solution.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "sim_int.h"

#define CAP_TOL 1e-12       /* a binding capacity met to CAP_TOL x C */
#define CAP_NEWTON_MAX 60   /* Newton steps for the capacities of a cycle */
#define CAP_NEST_MAX 4      /* capacities in a cycle the nested fallback takes */

/* Names the processes of a failed cycle. When some of them cannot reach
 * an exit — every unit they receive goes round again — those are the
 * loop with no exit and the system is singular; they are the ones named.
 * Runs only after a failure, so its cost does not matter: a fixed point
 * over the triplets marks the processes that reach an exit. */
static int cycle_error(const flow_step *st, int k, int mat, int code, int nz)
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
static int cycle_solve_joint(const flow_step *st, int k)
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
            if ((rc = flow_typed__coefs(st, kt)))
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
                    s->sb[row] += nv[z] * flow_route__backlog_taken(st, p, nc[z]);
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
            if ((rc = flow_route__coeffs(st, p, mat, rho)))
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
static int cycle_solve(const flow_step *st, int k)
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
            if ((rc = flow_route__coeffs(st, procs[i], mat, s->rho[procs[i]])))
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
static double cycle_avail(const flow_step *st, int k, int i)
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
    const flow_step *st;
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
    const flow_step *st = cs->st;
    const int *procs = st->c->order + st->c->c_start[cs->k];
    int i = cs->capi[l], p = procs[i];
    st->s->rho[p] = rho;
    *code = cap_level(cs, l + 1);
    if (*code)
        return 1;
    double f = rho * cycle_avail(st, cs->k, i) - flow_route__capacity_left(st, p);
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
    const flow_step *st = cs->st;
    if (l == cs->n) {
        st->s->stats.capacity_iters++;
        return cycle_solve(st, cs->k);
    }
    const int *procs = st->c->order + st->c->c_start[cs->k];
    int i = cs->capi[l], p = procs[i], code;
    double C = flow_route__capacity_left(st, p);
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
static void cycle_names(const flow_step *st, int k, char *buf, size_t size)
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
static int cap_solve_at(const flow_step *st, int k, int ncap, const double *rho, double *acc)
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
        double r = (C[j] - acc[j]) / flow__fmax(C[j], DBL_MIN);
        bind[j] = r < 1 - rho[j];
        phi[j] = bind[j] ? r : 1 - rho[j];
        m += phi[j] * phi[j];
    }
    return m;
}

/* The workspace of cap_newton (s->cw, s->cbind, the second half of
 * s->capi), laid out for ncap capacities. */
typedef struct cap_nw {
    double *rho, *acc, *phi, *d, *rn, *an, *J, *Jb;
    unsigned char *bind;
    int *row;
} cap_nw;

static cap_nw cap_nw_of(flow_sim *s, int ncap)
{
    cap_nw w;
    w.rho = s->cw;
    w.acc = w.rho + ncap;
    w.phi = w.acc + ncap;
    w.d = w.phi + ncap;
    w.rn = w.d + ncap;
    w.an = w.rn + ncap;
    w.J = w.an + ncap;
    w.Jb = w.J + (size_t)ncap * ncap;
    w.bind = s->cbind;
    w.row = s->capi + ncap;
    return w;
}

/* A failed solve during the search: a reason to hand over to cap_level
 * (1), or an error that ends the year. */
static int cap_handover(int rc)
{
    return rc == FLOW_ESINGULAR || rc == FLOW_ECONVERGE ? 1 : rc;
}

/* The Newton direction w.d at w.rho: the fractions that do not bind go to
 * 1; the binding ones solve J_BB d_B = C_B - a_B - J_BN d_N, the Jacobian
 * of the accepted amounts by forward differences (one solve per moving
 * fraction). */
static int cap_direction(const flow_step *st, int k, int ncap, const double *C, cap_nw w)
{
    int nb = 0, rc;
    for (int j = 0; j < ncap; j++) {
        w.d[j] = w.bind[j] ? 0 : 1 - w.rho[j];
        if (w.bind[j])
            w.row[nb++] = j;
    }
    for (int j = 0; j < ncap; j++) {
        if (!w.bind[j] && w.d[j] == 0)
            continue;
        double h = 1e-7 * flow__fmax(w.rho[j], 1e-6);
        memcpy(w.rn, w.rho, (size_t)ncap * sizeof *w.rn);
        w.rn[j] += h;
        if ((rc = cap_solve_at(st, k, ncap, w.rn, w.an)))
            return cap_handover(rc);
        for (int i = 0; i < ncap; i++)
            w.J[(size_t)i * ncap + j] = (w.an[i] - w.acc[i]) / h;
    }
    for (int r = 0; r < nb; r++) {
        int i = w.row[r];
        double v = C[i] - w.acc[i];
        for (int j = 0; j < ncap; j++)
            if (!w.bind[j])
                v -= w.J[(size_t)i * ncap + j] * w.d[j];
        w.rn[r] = v;
        for (int c2 = 0; c2 < nb; c2++)
            w.Jb[(size_t)r * nb + c2] = w.J[(size_t)i * ncap + w.row[c2]];
    }
    if (dense_solve(nb, w.Jb, w.rn))
        return 1;
    for (int r = 0; r < nb; r++)
        w.d[w.row[r]] = w.rn[r];
    return 0;
}

/* The damped step along w.d: halved until sum phi^2 falls below
 * (1 - 1e-4 t) of *merit (Armijo); a fraction falls at most to 1/8 of
 * its value. 0 (w.rho, w.acc, w.phi, w.bind, *merit at the new point,
 * the cycle solved there), 1 (no step lowers it), or an error. */
static int cap_damped(const flow_step *st, int k, int ncap, const double *C, cap_nw w, double *merit)
{
    for (double t = 1; t > 1e-9; t /= 2) {
        for (int j = 0; j < ncap; j++)
            w.rn[j] = fmin(1, flow__fmax(w.rho[j] + t * w.d[j], w.rho[j] / 8));
        int rc = cap_solve_at(st, k, ncap, w.rn, w.an);
        if (rc && cap_handover(rc) != 1)
            return rc;
        if (rc)
            continue;
        double mn = cap_phi(ncap, w.rn, w.an, C, w.phi, w.bind);
        if (mn < (1 - 1e-4 * t) * *merit || mn <= CAP_TOL * CAP_TOL) {
            memcpy(w.rho, w.rn, (size_t)ncap * sizeof *w.rho);
            memcpy(w.acc, w.an, (size_t)ncap * sizeof *w.acc);
            *merit = mn;
            return 0;
        }
    }
    return 1;
}

/* Newton's method on phi = 0 (a semismooth Newton method: each row is
 * the amount or the fraction, whichever is smaller), from the fractions
 * C / A that the solve at fraction 1 gives (docs/architecture.md,
 * "Capacities in a cycle"). 0 with the cycle solved at the solution, or
 * 1 when it did not converge (cap_level() is then the fallback), or an
 * error. */
static int cap_newton(const flow_step *st, int k, int ncap, const double *C)
{
    flow_sim *s = st->s;
    cap_nw w = cap_nw_of(s, ncap);
    for (int j = 0; j < ncap; j++)
        w.rho[j] = 1;
    int rc = cap_solve_at(st, k, ncap, w.rho, w.acc);
    if (rc)
        return cap_handover(rc);
    for (int j = 0; j < ncap; j++)
        w.rho[j] = w.acc[j] > C[j] ? (C[j] > 0 ? C[j] / w.acc[j] : 0) : 1;
    if ((rc = cap_solve_at(st, k, ncap, w.rho, w.acc)))
        return cap_handover(rc);
    double merit = cap_phi(ncap, w.rho, w.acc, C, w.phi, w.bind);
    for (int it = 0; it <= s->max_rounds && it <= CAP_NEWTON_MAX; it++) {
        double worst = 0;
        for (int j = 0; j < ncap; j++)
            worst = flow__fmax(worst, fabs(w.phi[j]));
        if (worst <= CAP_TOL) /* the last solve was at w.rho */
            return 0;
        if (it == s->max_rounds || it == CAP_NEWTON_MAX)
            break;
        if ((rc = cap_direction(st, k, ncap, C, w)) || (rc = cap_damped(st, k, ncap, C, w, &merit)))
            return rc;
    }
    return 1;
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
static int cycle_capacities(const flow_step *st, int k)
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
            flow_route__backlog_take(st, p);
        C[j] = flow_route__capacity_left(st, p);
    }
    int rc = cap_newton(st, k, ncap, C);
    s->stats.capacity_iters--; /* its first solve, at fraction 1, is the one any cycle makes */
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
        if (A > C[j]) /* binding, or at 1 within the tolerance: C exactly */
            s->rho[p] = C[j] / A;
    }
    return 0;
}

/* A cycle: solve (I - A) x = b per material; then flows, outside inputs,
 * stocks. */
int flow_cycle__run(const flow_step *st, int k)
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
        s->rho[p] = flow_route__capacity_rho(st, p, s->xext + (size_t)i * M);
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
            rc = flow_typed__emit(st, c->p_typed[p], s->txin);
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
                    double v = flow_route__value(st, e, xv);
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
            rc = flow_route__finish(st, procs[i], mat, s->rho[procs[i]], s->sx[(size_t)mat * n + i]);
            s->bout[(size_t)procs[i] * M + mat] = flow_route__sent(st, procs[i], mat);
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
int flow_cycle__run_small(const flow_step *st, int k)
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
            rc = flow_route__share_error(st, p, 0, c->pm_group[(size_t)p * M], sh);
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
        return flow_cycle__run(st, k);
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
                            rc = flow_route__err_pm(st, p, mat, FLOW_EVALUE,
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
                rc = flow_route__err_pm(st, p, mat, FLOW_EVALUE, "its flows send on %.10g, not the %.10g it has", out, B);
        }
    }
    if (FLOW_TESTHOOK_ON)
        flow_route__corrupt(st, 1);
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
