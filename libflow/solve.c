/*
 * solve.c — the linear systems of cycles.
 *
 * A cycle of processes (residues sent back to sorting, recirculated ash)
 * is solved exactly each year: its inputs x satisfy x = b + A x, where A
 * holds the transfer coefficients of the flows inside the cycle and b what
 * enters from outside. Small cycles use dense LU with partial pivoting
 * (gsl_linalg_LU_band_decomp/solve over the full band, on memory sized
 * once: see solve_dense); large ones a sparse matrix (gsl_spmatrix,
 * compressed column) and restarted GMRES (gsl_splinalg_itersolve_gmres).
 * GSL's error handler aborts by default and libflow does not replace it,
 * so a zero pivot is caught here before the solve could run into it.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_splinalg.h>
#include <gsl/gsl_spmatrix.h>

#include "flow_int.h"

/* GMRES: relative residual asked for, restart length, outer rounds. */
#define GMRES_TOL 1e-13
#define GMRES_RESTART 40
#define GMRES_MAX_ROUNDS 2000

/* One workspace per large cycle: GSL's GMRES workspace must match the
 * size of the system exactly. */
typedef struct sparse_ws {
    int n;
    gsl_spmatrix *coo, *csc;
    gsl_splinalg_itersolve *gmres;
} sparse_ws;

struct flow_solver {
    int nmax;                 /* largest dense system */
    double *lu;               /* nmax * (3 nmax - 2): band storage */
    unsigned int *perm;       /* nmax pivots */
    double *xb;               /* nmax: right-hand side copy */
    int factored;             /* component whose LU factors lu/perm hold, or -1 */
    int factored_n;
    /* sparse (GSL-owned memory) */
    int nsparse;
    int *slot;                /* [C]: workspace of a component or -1 */
    sparse_ws *ws;            /* [nsparse] */
    double *sb, *sx, *sr;     /* largest sparse cycle: rhs, solution, residual */
    int gmres_rounds;         /* GMRES_MAX_ROUNDS, or fewer by the test hook
                                 FLOW_SOLVE_GMRES_ROUNDS (docs/architecture.md) */
};

int flow_solver__new(flow_solver **out, const flow_model *m)
{
    const flow_allocator *a = &m->alloc;
    const flow_compiled *c = &m->c;
    *out = NULL;
    flow_solver *s = flow_alloc__calloc(a, 1, sizeof *s);
    if (!s)
        return flow_error__nomem("the cycle solver");
    int nd = c->max_cycle < FLOW_DENSE_MAX ? c->max_cycle : FLOW_DENSE_MAX;
    s->nmax = nd;
    s->factored = -1;
    long hook = FLOW_TESTHOOK("FLOW_SOLVE_GMRES_ROUNDS");
    s->gmres_rounds = hook > 0 && hook < GMRES_MAX_ROUNDS ? (int)hook : GMRES_MAX_ROUNDS;
    if (nd > 0) {
        s->lu = flow_alloc__calloc(a, (size_t)nd * (3 * (size_t)nd - 2), sizeof *s->lu);
        s->perm = flow_alloc__calloc(a, (size_t)nd, sizeof *s->perm);
        s->xb = flow_alloc__calloc(a, (size_t)nd, sizeof *s->xb);
        if (!s->lu || !s->perm || !s->xb) {
            flow_solver__free(s, a);
            return flow_error__nomem("the dense cycle solver");
        }
    }
    s->slot = flow_alloc__calloc(a, (size_t)(c->C ? c->C : 1), sizeof *s->slot);
    if (!s->slot) {
        flow_solver__free(s, a);
        return flow_error__nomem("the cycle solver");
    }
    for (int k = 0; k < c->C; k++) {
        s->slot[k] = -1;
        if (c->c_cycle[k] && c->c_n[k] > FLOW_DENSE_MAX)
            s->slot[k] = s->nsparse++;
    }
    if (s->nsparse > 0) {
        int n = c->max_cycle;
        s->ws = flow_alloc__calloc(a, (size_t)s->nsparse, sizeof *s->ws);
        s->sb = flow_alloc__calloc(a, (size_t)n, sizeof *s->sb);
        s->sx = flow_alloc__calloc(a, (size_t)n, sizeof *s->sx);
        s->sr = flow_alloc__calloc(a, (size_t)n, sizeof *s->sr);
        if (!s->ws || !s->sb || !s->sx || !s->sr) {
            flow_solver__free(s, a);
            return flow_error__nomem("the sparse cycle solver");
        }
        for (int k = 0; k < c->C; k++) {
            if (s->slot[k] < 0)
                continue;
            sparse_ws *w = &s->ws[s->slot[k]];
            int nk = c->c_n[k];          /* unknowns: processes, or processes x materials */
            size_t nz = (size_t)c->c_nz[k]; /* entries of A, plus the diagonal */
            w->n = nk;
            /* GSL allocates these itself (see docs/architecture.md) */
            w->coo = gsl_spmatrix_alloc_nzmax((size_t)nk, (size_t)nk, nz, GSL_SPMATRIX_COO);
            w->csc = gsl_spmatrix_alloc_nzmax((size_t)nk, (size_t)nk, nz, GSL_SPMATRIX_CSC);
            w->gmres = gsl_splinalg_itersolve_alloc(gsl_splinalg_itersolve_gmres, (size_t)nk,
                                                    (size_t)(nk < GMRES_RESTART ? nk : GMRES_RESTART));
            if (!w->coo || !w->csc || !w->gmres) {
                flow_solver__free(s, a);
                return flow_error__nomem("the sparse cycle solver");
            }
        }
    }
    *out = s;
    return 0;
}

void flow_solver__free(flow_solver *s, const flow_allocator *a)
{
    if (!s)
        return;
    flow_alloc__free(a, s->lu);
    flow_alloc__free(a, s->perm);
    flow_alloc__free(a, s->xb);
    flow_alloc__free(a, s->sb);
    flow_alloc__free(a, s->sx);
    flow_alloc__free(a, s->sr);
    for (int i = 0; s->ws && i < s->nsparse; i++) {
        if (s->ws[i].coo)
            gsl_spmatrix_free(s->ws[i].coo);
        if (s->ws[i].csc)
            gsl_spmatrix_free(s->ws[i].csc);
        if (s->ws[i].gmres)
            gsl_splinalg_itersolve_free(s->ws[i].gmres);
    }
    flow_alloc__free(a, s->ws);
    flow_alloc__free(a, s->slot);
    flow_alloc__free(a, s);
}

/* Dense LU with partial pivoting. gsl_linalg_LU_decomp allocates a pivot
 * workspace on every call (GSL 2.7's recursive algorithm), and the year
 * step must not allocate; GSL's banded LU takes its pivots from the
 * caller, and a dense n x n matrix is a band matrix with n - 1 sub- and
 * super-diagonals. Band storage (LAPACK's, row-major in GSL): row j holds
 * column j of A, AB(j, lb + ub + i - j) = A(i, j); after the factorisation
 * U(i, i) sits at AB(i, lb + ub). */
static int solve_dense(flow_solver *s, int n, int nz, const int *ri, const int *ci,
                       const double *v, const double *b, double *x)
{
    size_t lb = (size_t)n - 1, ub = lb, w = 2 * lb + ub + 1;
    double *ab = s->lu;
    memset(ab, 0, (size_t)n * w * sizeof *ab);
#define AB(i, j) ab[(size_t)(j) * w + lb + ub + (size_t)(i) - (size_t)(j)]
    double scale = 1;
    for (int i = 0; i < n; i++)
        AB(i, i) = 1;
    for (int k = 0; k < nz; k++) {
        AB(ri[k], ci[k]) -= v[k];
        scale = fmax(scale, fabs(AB(ri[k], ci[k])));
    }
#undef AB
    gsl_matrix_view A = gsl_matrix_view_array(ab, (size_t)n, w);
    gsl_vector_uint piv = { (size_t)n, 1, s->perm, NULL, 0 };
    s->factored = -1;
    gsl_linalg_LU_band_decomp((size_t)n, lb, ub, &A.matrix, &piv);
    /* A pivot this small means a loop that keeps (almost) all its mass:
     * nothing leaves, the system has no unique solution. */
    for (int i = 0; i < n; i++)
        if (!(fabs(ab[(size_t)i * w + lb + ub]) > 1e-12 * scale))
            return FLOW_ESINGULAR;
    s->factored_n = n;
    memcpy(s->xb, b, (size_t)n * sizeof *b);
    gsl_vector_view bv = gsl_vector_view_array(s->xb, (size_t)n);
    gsl_vector_view xv = gsl_vector_view_array(x, (size_t)n);
    gsl_linalg_LU_band_solve(lb, ub, &A.matrix, &piv, &bv.vector, &xv.vector);
    return 0;
}

static int solve_sparse(flow_solver *s, sparse_ws *w, int n, int nz, const int *ri, const int *ci,
                        const double *v, const double *b, double *x)
{
    double bn = 0;
    for (int i = 0; i < n; i++)
        bn += b[i] * b[i];
    if (bn == 0) {
        memset(x, 0, (size_t)n * sizeof *x);
        return 0;
    }
    /* The COO matrix is refilled every year; nz + n <= nzmax by
     * construction, so GSL does not reallocate. */
    gsl_spmatrix *coo = w->coo;
    gsl_spmatrix_set_zero(coo);
    for (int i = 0; i < n; i++)
        gsl_spmatrix_set(coo, (size_t)i, (size_t)i, 1.0);
    for (int k = 0; k < nz; k++) {
        double *e = gsl_spmatrix_ptr(coo, (size_t)ri[k], (size_t)ci[k]);
        if (e)
            *e -= v[k];
        else
            gsl_spmatrix_set(coo, (size_t)ri[k], (size_t)ci[k], -v[k]);
    }
    gsl_spmatrix_csc(w->csc, coo);

    /* x arrives holding a guess (the last solution of this cycle, when
     * capacities make it solve again). GMRES then solves for corrections
     * d of the residual r = b - (I - A) x: the first pass from the guess,
     * later passes refine, because GMRES stops at a residual relative to
     * the whole right-hand side and a process carrying a millionth of the
     * cycle's mass would see that as an imbalance. */
    double bmax = 0;
    for (int i = 0; i < n; i++) {
        bmax = fmax(bmax, fabs(b[i]));
        if (!isfinite(x[i]))
            x[i] = 0;
    }
    for (int pass = 0; pass < 5; pass++) {
        double rmax = 0;
        for (int i = 0; i < n; i++)
            s->sr[i] = b[i] - x[i];
        for (int k = 0; k < nz; k++)
            s->sr[ri[k]] += v[k] * x[ci[k]];
        for (int i = 0; i < n; i++)
            rmax = fmax(rmax, fabs(s->sr[i]));
        if (rmax <= 1e-15 * bmax)
            return 0;
        if (pass == 4)
            break;
        memcpy(s->sb, s->sr, (size_t)n * sizeof *s->sb);
        memcpy(s->sx, s->sr, (size_t)n * sizeof *s->sx); /* first guess of d: r itself */
        gsl_vector_view bv = gsl_vector_view_array(s->sb, (size_t)n);
        gsl_vector_view xv = gsl_vector_view_array(s->sx, (size_t)n);
        int status = GSL_CONTINUE;
        for (int r = 0; r < s->gmres_rounds && status == GSL_CONTINUE; r++)
            status = gsl_splinalg_itersolve_iterate(w->csc, &bv.vector, GMRES_TOL, &xv.vector, w->gmres);
        if (status != GSL_SUCCESS)
            return FLOW_ECONVERGE;
        for (int i = 0; i < n; i++)
            x[i] += s->sx[i];
    }
    /* four corrections did not reach rounding level: accept what GMRES
     * reached (the balance check judges it) */
    return 0;
}

int flow_solver__solve(flow_solver *s, int comp, int n, int nz, const int *ri, const int *ci,
                       const double *v, const double *b, double *x, int *sparse)
{
    int slot = s->slot[comp];
    *sparse = slot >= 0;
    if (slot < 0) {
        int rc = solve_dense(s, n, nz, ri, ci, v, b, x);
        if (rc == 0)
            s->factored = comp;
        return rc;
    }
    return solve_sparse(s, &s->ws[slot], n, nz, ri, ci, v, b, x);
}

int flow_solver__resolve(flow_solver *s, int comp, int n, const double *b, double *x)
{
    if (s->factored != comp || s->factored_n != n)
        return FLOW_EINVAL;
    size_t lb = (size_t)n - 1, ub = lb, w = 2 * lb + ub + 1;
    gsl_matrix_view A = gsl_matrix_view_array(s->lu, (size_t)n, w);
    gsl_vector_uint piv = { (size_t)n, 1, s->perm, NULL, 0 };
    memcpy(s->xb, b, (size_t)n * sizeof *b);
    gsl_vector_view bv = gsl_vector_view_array(s->xb, (size_t)n);
    gsl_vector_view xv = gsl_vector_view_array(x, (size_t)n);
    gsl_linalg_LU_band_solve(lb, ub, &A.matrix, &piv, &bv.vector, &xv.vector);
    return 0;
}

/* Small dense systems (the loops of a few splits that most cycles are):
 * LU with partial pivoting in place, no GSL views, no BLAS calls. a is
 * n x n row-major, I - A already formed. */
int flow_solver__lu_small(int n, double *a, int *piv)
{
    double scale = 1;
    for (int i = 0; i < n * n; i++)
        scale = fmax(scale, fabs(a[i]));
    for (int k = 0; k < n; k++) {
        int r = k;
        for (int i = k + 1; i < n; i++)
            if (fabs(a[i * n + k]) > fabs(a[r * n + k]))
                r = i;
        piv[k] = r;
        if (r != k)
            for (int j = 0; j < n; j++) {
                double t = a[k * n + j];
                a[k * n + j] = a[r * n + j];
                a[r * n + j] = t;
            }
        /* the same test of a pivot as solve_dense: a loop that keeps
         * (almost) all its mass has no unique solution */
        if (!(fabs(a[k * n + k]) > 1e-12 * scale))
            return FLOW_ESINGULAR;
        for (int i = k + 1; i < n; i++) {
            double f = a[i * n + k] / a[k * n + k];
            a[i * n + k] = f;
            for (int j = k + 1; j < n; j++)
                a[i * n + j] -= f * a[k * n + j];
        }
    }
    return 0;
}

void flow_solver__lu_small_solve(int n, const double *a, const int *piv, double *b)
{
    for (int k = 0; k < n; k++) {
        double t = b[piv[k]];
        b[piv[k]] = b[k];
        b[k] = t;
        for (int i = k + 1; i < n; i++)
            b[i] -= a[i * n + k] * b[k];
    }
    for (int k = n - 1; k >= 0; k--) {
        double t = b[k];
        for (int j = k + 1; j < n; j++)
            t -= a[k * n + j] * b[j];
        b[k] = t / a[k * n + k];
    }
}
