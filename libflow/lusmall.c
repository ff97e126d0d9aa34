/*
 * lusmall.c — small dense linear systems on the caller's memory: the
 * loops of a few splits that most cycles are (flow_cycle__run_small).
 *
 * LU with partial pivoting in place, no GSL views, no BLAS calls, no
 * allocation (the year step calls it). The matrices the engine forms are
 * I - A with A's columns summing to at most 1 (a process sends at most
 * what it receives), so I - A is diagonally dominant by columns; Gaussian
 * elimination keeps that property, so the search for a pivot never finds
 * a larger entry below the diagonal and the row exchange is not taken for
 * them. It is kept for any other matrix (tests/cksuite_lusmall.c takes it
 * directly) and costs one comparison per entry of a column.
 */
#include <math.h>

#include "flow_int.h"

/* Small dense systems:
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
        /* the rows are exchanged from column k on: the multipliers of
         * the columns before stay where they were made, as the solve
         * below applies each exchange just before its column (LINPACK's
         * dgefa/dgesl; exchanging them too would need all exchanges
         * applied to b first) */
        if (r != k)
            for (int j = k; j < n; j++) {
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
