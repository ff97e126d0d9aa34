/*
 * bench_dsm.c — the dynamic stock model in C (make bench;
 * docs/performance.md, "The dynamic stock model").
 *
 * flow_dsm_inflow_driven and flow_dsm_stock_driven on n years (default
 * 1,000) with a normal lifetime (mean 20 a, sd 6 a), on the inputs
 * bench/bench_dsm.lua and bench/odym_dsm.py use:
 *   inflow_t = 100 + 50 sin(t / 10) + t / 100,  t = 0..n-1
 *   stock_t  = 2000 + 1000 t / n.
 * Each call is timed on its own, result freed outside the timing; prints
 * min / median / max over the repetitions. Goal: the inflow-driven call
 * at 1,000 years under 2 ms. Reading the by-cohort arrays (made on first
 * use) is timed apart: it is not part of a call.
 *
 *   bench_dsm [n [reps]]
 * Exits non-zero only when libflow reports an error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "flow.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct stats {
    double min, median, max;
} stats;

static stats summarize(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    double med = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    return (stats){ t[0], med, t[n - 1] };
}

/* Times reps calls of one driver (stock_driven 0 or 1) into *out;
 * returns 0 or the libflow error. */
static int time_driver(const double *x, size_t n, const flow_lifetime *lt, int stock_driven,
                       int reps, stats *out)
{
    double *t = malloc((size_t)reps * sizeof *t);
    if (!t)
        return FLOW_ENOMEM;
    for (int r = 0; r < reps; r++) {
        flow_dsm *d = NULL;
        double t0 = now_s();
        int rc = stock_driven ? flow_dsm_stock_driven(&d, x, n, lt, 0, NULL)
                              : flow_dsm_inflow_driven(&d, x, n, lt, NULL);
        t[r] = now_s() - t0;
        flow_dsm_free(d);
        if (rc) {
            free(t);
            return rc;
        }
    }
    *out = summarize(t, reps);
    free(t);
    return 0;
}

/* The time to make both n x n by-cohort arrays of one result. */
static int time_arrays(const double *inflow, size_t n, const flow_lifetime *lt, double *secs)
{
    flow_dsm *d = NULL;
    int rc = flow_dsm_inflow_driven(&d, inflow, n, lt, NULL);
    if (rc)
        return rc;
    double t0 = now_s();
    const double *s = flow_dsm_stock_by_cohort(d), *o = flow_dsm_outflow_by_cohort(d);
    *secs = now_s() - t0;
    rc = s && o ? 0 : FLOW_ENOMEM;
    flow_dsm_free(d);
    return rc;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000;
    int reps = argc > 2 ? atoi(argv[2]) : 200;
    if (n == 0 || reps <= 0) {
        fprintf(stderr, "usage: bench_dsm [years >= 1 [repetitions >= 1]]\n");
        return 2;
    }
    double *inflow = malloc(n * sizeof *inflow), *stock = malloc(n * sizeof *stock);
    if (!inflow || !stock) {
        fprintf(stderr, "bench_dsm: out of memory\n");
        return 1;
    }
    for (size_t t = 0; t < n; t++) {
        inflow[t] = 100 + 50 * sin((double)t / 10) + (double)t / 100;
        stock[t] = 2000 + 1000 * (double)t / (double)n;
    }
    flow_lifetime lt = { FLOW_LT_NORMAL, 20, 6 };
    stats in, st;
    double arrays = 0;
    int rc = time_driver(inflow, n, &lt, 0, reps, &in);
    if (!rc)
        rc = time_driver(stock, n, &lt, 1, reps, &st);
    if (!rc)
        rc = time_arrays(inflow, n, &lt, &arrays);
    free(inflow);
    free(stock);
    if (rc) {
        fprintf(stderr, "bench_dsm: %s\n", flow_error_last());
        return 1;
    }
    printf("dsm C: %zu years, normal lifetime (20, 6), %d calls each: inflow-driven "
           "min %.3f / median %.3f / max %.3f ms (goal < 2 ms) %s\n",
           n, reps, in.min * 1e3, in.median * 1e3, in.max * 1e3, in.min < 2e-3 ? "OK" : "MISSED");
    printf("dsm C: stock-driven min %.3f / median %.3f / max %.3f ms; both n x n by-cohort "
           "arrays on first use %.3f ms\n", st.min * 1e3, st.median * 1e3, st.max * 1e3,
           arrays * 1e3);
    printf("BENCH dsm_c_years=%zu dsm_c_inflow_min_s=%.6f dsm_c_inflow_median_s=%.6f "
           "dsm_c_inflow_max_s=%.6f dsm_c_stock_min_s=%.6f dsm_c_stock_median_s=%.6f "
           "dsm_c_arrays_s=%.6f\n", n, in.min, in.median, in.max, st.min, st.median, arrays);
    return 0;
}
