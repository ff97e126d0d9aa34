/*
 * cksuite_stock.c — lifetimes and the dynamic stock model (stock.c).
 *
 * Every expected value below is worked out by hand in the comment next to
 * it, or is a closed form of the distribution (exp, erf, erfc from
 * math.h) or a value of the standard normal table; none comes from
 * running stock.c. Conventions under test (ODYM): cohort c = year of
 * inflow, S(a) = 1 - CDF(a) at integer age a, stock at year end, outflow
 * in the inflow year = i_c (1 - S(0)).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cktest.h"

#define TOL 1e-12

/* Standard normal table (Phi(x) = P(Z <= x)). */
#define PHI_M2 0.02275013194817921
#define PHI_M1 0.15865525393145707
#define PHI_0 0.5
#define PHI_P1 0.8413447460685429
#define PHI_P2 0.9772498680518208

/* A pointer that is not NULL, to see that a failing call clears *out. */
static flow_dsm *const NOT_NULL = (flow_dsm *)&NOT_NULL;

/* ------------------------------------------------------------------ */
/* Survival                                                            */
/* ------------------------------------------------------------------ */

START_TEST(survival_fixed)
{
    /* S(a) = 1 for a < L, 0 for a >= L. */
    flow_lifetime five = { FLOW_LT_FIXED, 5, 0 };
    ck_assert_double_eq(flow_lifetime_survival(&five, 0), 1.0);
    ck_assert_double_eq(flow_lifetime_survival(&five, 4), 1.0);
    ck_assert_double_eq(flow_lifetime_survival(&five, 5), 0.0);
    ck_assert_double_eq(flow_lifetime_survival(&five, 6), 0.0);
    /* L = 2.5: ages 0, 1, 2 survive (2 < 2.5), age 3 does not: the
     * cohort is gone in year c + ceil(2.5) = c + 3. */
    flow_lifetime half = { FLOW_LT_FIXED, 2.5, 0 };
    ck_assert_double_eq(flow_lifetime_survival(&half, 2), 1.0);
    ck_assert_double_eq(flow_lifetime_survival(&half, 3), 0.0);
    /* L = 0.5: survives the inflow year (0 < 0.5), gone at age 1. */
    flow_lifetime small = { FLOW_LT_FIXED, 0.5, 0 };
    ck_assert_double_eq(flow_lifetime_survival(&small, 0), 1.0);
    ck_assert_double_eq(flow_lifetime_survival(&small, 1), 0.0);
    /* L = 0, goods used up within their year of inflow: S(0) = [0 < 0] = 0
     * (ODYM's 'Fixed': sf[m, m] = 0 when the mean is 0). */
    flow_lifetime zero = { FLOW_LT_FIXED, 0, 0 };
    ck_assert_double_eq(flow_lifetime_survival(&zero, 0), 0.0);
    ck_assert_double_eq(flow_lifetime_survival(&zero, 1), 0.0);
}
END_TEST

START_TEST(survival_normal)
{
    /* mean 2, sd 1: S(a) = 1 - Phi(a - 2), not truncated at 0. */
    flow_lifetime lt = { FLOW_LT_NORMAL, 2, 1 };
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 0), 1 - PHI_M2, TOL); /* 0.97724986805182079 */
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 1), 1 - PHI_M1, TOL); /* 0.84134474606854293 */
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 2), 1 - PHI_0, TOL);  /* 0.5 */
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 3), 1 - PHI_P1, TOL); /* 0.1586552539314571 */
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 4), 1 - PHI_P2, TOL); /* 0.0227501319481792 */
    /* mean 0, sd 2: S(0) = 1 - Phi(0) = 0.5 (half leaves in its first year);
     * S(2) = 1 - Phi(1). */
    flow_lifetime zero = { FLOW_LT_NORMAL, 0, 2 };
    ck_assert_double_eq_tol(flow_lifetime_survival(&zero, 0), 0.5, TOL);
    ck_assert_double_eq_tol(flow_lifetime_survival(&zero, 2), 1 - PHI_P1, TOL);
}
END_TEST

START_TEST(survival_exponential)
{
    /* mean 4: S(a) = exp(-a/4). */
    flow_lifetime lt = { FLOW_LT_EXPONENTIAL, 4, 0 };
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 0), 1.0, TOL);
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 1), exp(-0.25), TOL);
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 3), exp(-0.75), TOL);
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 10), exp(-2.5), TOL);
    /* b is not a parameter of the exponential: not looked at. */
    flow_lifetime junk_b = { FLOW_LT_EXPONENTIAL, 4, NAN };
    ck_assert_flow_ok(flow_lifetime_check(&junk_b));
    ck_assert_double_eq_tol(flow_lifetime_survival(&junk_b, 1), exp(-0.25), TOL);
}
END_TEST

START_TEST(survival_weibull)
{
    /* shape k = 2 (a), scale lambda = 3 (b): S(a) = exp(-(a/3)^2).
     * Swapping k and lambda would give exp(-(a/2)^3): S(1) = exp(-1/8),
     * not exp(-1/9). */
    flow_lifetime lt = { FLOW_LT_WEIBULL, 2, 3 };
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 0), 1.0, TOL);
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 1), exp(-1.0 / 9), TOL);
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 3), exp(-1.0), TOL);
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 6), exp(-4.0), TOL);
    /* k = 1 is the exponential with mean lambda: S(2) = exp(-2/5). */
    flow_lifetime k1 = { FLOW_LT_WEIBULL, 1, 5 };
    ck_assert_double_eq_tol(flow_lifetime_survival(&k1, 2), exp(-0.4), TOL);
}
END_TEST

START_TEST(survival_lognormal)
{
    /* mean m = 10, sd s = 5 of the lifetime itself:
     * sigma^2 = ln(1 + s^2/m^2) = ln(1.25), mu = ln(10) - sigma^2/2;
     * S(a) = 1 - Phi((ln a - mu)/sigma) = erfc((ln a - mu)/(sigma sqrt 2))/2. */
    double m = 10, s = 5;
    double sigma2 = log(1 + (s * s) / (m * m));
    double sigma = sqrt(sigma2), mu = log(m) - sigma2 / 2;
    flow_lifetime lt = { FLOW_LT_LOGNORMAL, m, s };
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 0), 1.0, TOL); /* CDF(0) = 0 */
    int ages[] = { 1, 5, 9, 10, 20, 40 };
    for (size_t k = 0; k < sizeof ages / sizeof *ages; k++) {
        double a = ages[k];
        double expect = 0.5 * erfc((log(a) - mu) / (sigma * sqrt(2.0)));
        ck_assert_double_eq_tol(flow_lifetime_survival(&lt, ages[k]), expect, TOL);
    }
    /* The median is exp(mu) = 10/sqrt(1.25) = 8.944, so S(8) > 0.5 > S(10).
     * ODYM's inverted ratio, sigma^2 = ln(1 + m^2/s^2) = ln 5, would put the
     * median at 10/sqrt(5) = 4.47 and S(8) below 0.5. */
    ck_assert(flow_lifetime_survival(&lt, 10) < 0.5);
    ck_assert(flow_lifetime_survival(&lt, 8) > 0.5);
}
END_TEST

START_TEST(survival_foldednormal)
{
    /* mu = 1, sd = 2 of the underlying normal:
     * CDF(a) = Phi((a-1)/2) - Phi((-a-1)/2), with Phi(x) = (1 + erf(x/sqrt 2))/2,
     * so S(a) = 1 - (erf((a-1)/(2 sqrt 2)) + erf((a+1)/(2 sqrt 2)))/2. */
    flow_lifetime lt = { FLOW_LT_FOLDEDNORMAL, 1, 2 };
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 0), 1.0, TOL); /* CDF(0) = 0 */
    int ages[] = { 1, 2, 3, 5, 8 };
    for (size_t k = 0; k < sizeof ages / sizeof *ages; k++) {
        double a = ages[k];
        double cdf = 0.5 * (erf((a - 1) / (2 * sqrt(2.0))) + erf((a + 1) / (2 * sqrt(2.0))));
        ck_assert_double_eq_tol(flow_lifetime_survival(&lt, ages[k]), 1 - cdf, TOL);
    }
    /* By the table: S(1) = 1 - (Phi(0) - Phi(-1)) = 0.5 + 0.15865525393145707. */
    ck_assert_double_eq_tol(flow_lifetime_survival(&lt, 1), PHI_0 + PHI_M1, TOL);
    /* Folding makes mu and -mu the same distribution. */
    flow_lifetime neg = { FLOW_LT_FOLDEDNORMAL, -1, 2 };
    ck_assert_double_eq_tol(flow_lifetime_survival(&neg, 3), flow_lifetime_survival(&lt, 3), TOL);
}
END_TEST

START_TEST(survival_invalid)
{
    flow_lifetime ok = { FLOW_LT_EXPONENTIAL, 4, 0 };
    ck_assert(isnan(flow_lifetime_survival(&ok, -1)));
    flow_lifetime bad = { FLOW_LT_WEIBULL, 0, 3 };
    ck_assert(isnan(flow_lifetime_survival(&bad, 1)));
    flow_lifetime kind = { (flow_lifetime_kind)42, 1, 1 };
    ck_assert(isnan(flow_lifetime_survival(&kind, 1)));
    ck_assert(isnan(flow_lifetime_survival(NULL, 1)));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Inflow-driven                                                       */
/* ------------------------------------------------------------------ */

START_TEST(inflow_fixed5)
{
    /* L = 5, inflow i_t = t + 1 for t = 0..9. Each cohort stays for ages
     * 0..4 and leaves entirely in year c + 5, so
     *   stock_t   = sum of the last five inflows (fewer before year 4):
     *               1, 1+2=3, 6, 10, 15, 2+..+6=20, 25, 30, 35, 6+..+10=40
     *   outflow_t = i_{t-5} for t >= 5, else 0: 0,0,0,0,0, 1,2,3,4,5
     *   change_t  = i_t - outflow_t: 1,2,3,4,5, 6-1=5, 7-2=5, ... = 5
     *   s[t][c]   = c + 1 for c <= t < c + 5, else 0
     *   o[t][c]   = c + 1 for t = c + 5, else 0 (nothing leaves in year c:
     *               S(0) = 1). */
    enum { N = 10 };
    double in[N];
    for (int t = 0; t < N; t++)
        in[t] = t + 1;
    const double stock[N] = { 1, 3, 6, 10, 15, 20, 25, 30, 35, 40 };
    const double outflow[N] = { 0, 0, 0, 0, 0, 1, 2, 3, 4, 5 };
    const double change[N] = { 1, 2, 3, 4, 5, 5, 5, 5, 5, 5 };
    flow_lifetime lt = { FLOW_LT_FIXED, 5, 0 };
    flow_dsm *d = NOT_NULL;
    ck_assert_flow_ok(flow_dsm_inflow_driven(&d, in, N, &lt, NULL));
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(flow_dsm_length(d), N);
    for (int t = 0; t < N; t++) {
        ck_assert_double_eq_tol(flow_dsm_stock(d)[t], stock[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_outflow(d)[t], outflow[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_inflow(d)[t], in[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_stock_change(d)[t], change[t], TOL);
    }
    const double *sc = flow_dsm_stock_by_cohort(d), *oc = flow_dsm_outflow_by_cohort(d);
    for (int t = 0; t < N; t++)
        for (int c = 0; c < N; c++) {
            double s = (c <= t && t < c + 5) ? c + 1 : 0;
            double o = (t == c + 5) ? c + 1 : 0;
            ck_assert_double_eq_tol(sc[t * N + c], s, TOL);
            ck_assert_double_eq_tol(oc[t * N + c], o, TOL);
        }
    /* Spot checks of the same rule: cohort 3 (inflow 4) is in stock in
     * years 3..7 and leaves in year 8; cohort 9 (inflow 10) in year 9. */
    ck_assert_double_eq(sc[7 * N + 3], 4);
    ck_assert_double_eq(sc[8 * N + 3], 0);
    ck_assert_double_eq(oc[8 * N + 3], 4);
    ck_assert_double_eq(sc[9 * N + 9], 10);
    ck_assert_double_eq(sc[2 * N + 5], 0); /* c > t: not yet in */
    flow_dsm_free(d);
}
END_TEST

START_TEST(inflow_fixed_fractional)
{
    /* L = 2.5, inflow 4 in year 0 only: in stock at ages 0, 1, 2, gone in
     * year ceil(2.5) = 3. stock 4,4,4,0,0; outflow 0,0,0,4,0. */
    const double in[5] = { 4, 0, 0, 0, 0 };
    const double stock[5] = { 4, 4, 4, 0, 0 }, outflow[5] = { 0, 0, 0, 4, 0 };
    flow_lifetime lt = { FLOW_LT_FIXED, 2.5, 0 };
    flow_dsm *d;
    ck_assert_flow_ok(flow_dsm_inflow_driven(&d, in, 5, &lt, NULL));
    for (int t = 0; t < 5; t++) {
        ck_assert_double_eq_tol(flow_dsm_stock(d)[t], stock[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_outflow(d)[t], outflow[t], TOL);
    }
    flow_dsm_free(d);
}
END_TEST

START_TEST(inflow_fixed0)
{
    /* L = 0: every inflow leaves in its own year (S(0) = 0), so
     *   stock_t = 0, outflow_t = inflow_t, change_t = 0,
     *   s[t][c] = 0, o[t][c] = i_c for t = c, else 0. */
    enum { N = 5 };
    const double in[N] = { 3, 1, 4, 0, 5 };
    flow_lifetime lt = { FLOW_LT_FIXED, 0, 0 };
    flow_dsm *d = NOT_NULL;
    ck_assert_flow_ok(flow_dsm_inflow_driven(&d, in, N, &lt, NULL));
    for (int t = 0; t < N; t++) {
        ck_assert_double_eq(flow_dsm_stock(d)[t], 0);
        ck_assert_double_eq(flow_dsm_outflow(d)[t], in[t]);
        ck_assert_double_eq(flow_dsm_inflow(d)[t], in[t]);
        ck_assert_double_eq(flow_dsm_stock_change(d)[t], 0);
    }
    const double *sc = flow_dsm_stock_by_cohort(d), *oc = flow_dsm_outflow_by_cohort(d);
    for (int t = 0; t < N; t++)
        for (int c = 0; c < N; c++) {
            ck_assert_double_eq(sc[t * N + c], 0);
            ck_assert_double_eq(oc[t * N + c], t == c ? in[c] : 0);
        }
    flow_dsm_free(d);
}
END_TEST

START_TEST(inflow_normal)
{
    /* mean 2, sd 1, inflow 1 in year 0 and 0 after, n = 5. Only cohort 0:
     *   stock_t   = S(t) = 1 - Phi(t - 2)
     *   outflow_0 = 1 - S(0) = Phi(-2)                      = 0.02275013194817921
     *   outflow_t = S(t-1) - S(t) = Phi(t-2) - Phi(t-3):
     *     t=1: Phi(-1) - Phi(-2) = 0.15865525393145707 - 0.02275013194817921
     *                            = 0.13590512198327786
     *     t=2: Phi(0) - Phi(-1)  = 0.34134474606854293
     *     t=3: Phi(1) - Phi(0)   = 0.3413447460685429
     *     t=4: Phi(2) - Phi(1)   = 0.1359051219832779 */
    const double in[5] = { 1, 0, 0, 0, 0 };
    const double stock[5] = { 1 - PHI_M2, 1 - PHI_M1, 1 - PHI_0, 1 - PHI_P1, 1 - PHI_P2 };
    const double outflow[5] = { 0.02275013194817921, 0.13590512198327786,
                                0.34134474606854293, 0.3413447460685429,
                                0.1359051219832779 };
    flow_lifetime lt = { FLOW_LT_NORMAL, 2, 1 };
    flow_dsm *d;
    ck_assert_flow_ok(flow_dsm_inflow_driven(&d, in, 5, &lt, NULL));
    for (int t = 0; t < 5; t++) {
        ck_assert_double_eq_tol(flow_dsm_stock(d)[t], stock[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_outflow(d)[t], outflow[t], TOL);
        /* All of it is cohort 0. */
        ck_assert_double_eq_tol(flow_dsm_stock_by_cohort(d)[t * 5], stock[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_outflow_by_cohort(d)[t * 5], outflow[t], TOL);
    }
    /* stock change 0 = 1 - Phi(-2) (inflow 1 less its first-year outflow),
     * then -outflow_t. */
    ck_assert_double_eq_tol(flow_dsm_stock_change(d)[0], 1 - PHI_M2, TOL);
    ck_assert_double_eq_tol(flow_dsm_stock_change(d)[3], -0.3413447460685429, TOL);
    flow_dsm_free(d);
}
END_TEST

START_TEST(inflow_exponential)
{
    /* mean 2, inflow 1 in year 0: stock_t = exp(-t/2); outflow_0 = 1 - S(0)
     * = 0; outflow_t = exp(-(t-1)/2) - exp(-t/2). Plus a second cohort of
     * 3 in year 2: it adds 3 exp(-(t-2)/2) to the stock from year 2. */
    const double in[5] = { 1, 0, 3, 0, 0 };
    flow_lifetime lt = { FLOW_LT_EXPONENTIAL, 2, 0 };
    flow_dsm *d;
    ck_assert_flow_ok(flow_dsm_inflow_driven(&d, in, 5, &lt, NULL));
    ck_assert_double_eq_tol(flow_dsm_outflow(d)[0], 0, TOL);
    for (int t = 0; t < 5; t++) {
        double s = exp(-t / 2.0) + (t >= 2 ? 3 * exp(-(t - 2) / 2.0) : 0);
        ck_assert_double_eq_tol(flow_dsm_stock(d)[t], s, TOL);
    }
    for (int t = 1; t < 5; t++) {
        double o = exp(-(t - 1) / 2.0) - exp(-t / 2.0);
        if (t >= 3)
            o += 3 * (exp(-(t - 3) / 2.0) - exp(-(t - 2) / 2.0));
        ck_assert_double_eq_tol(flow_dsm_outflow(d)[t], o, TOL);
    }
    /* Cohort 2 in year 4: 3 exp(-1). */
    ck_assert_double_eq_tol(flow_dsm_stock_by_cohort(d)[4 * 5 + 2], 3 * exp(-1.0), TOL);
    flow_dsm_free(d);
}
END_TEST

/* The by-cohort values one at a time, on a long series, against closed
 * forms at sampled (year, cohort) pairs; every value is i_c times the
 * distribution's own formula:
 *   fixed L = 7: s[t][c] = i_c [t - c < 7], o[t][c] = i_c [t - c == 7];
 *   exponential mean 4: s[t][c] = i_c exp(-(t-c)/4),
 *     o[t][c] = i_c (exp(-(t-c-1)/4) - exp(-(t-c)/4)), o[c][c] = 0 (S(0) = 1).
 * Outside 0..n-1 the value is NaN; a cohort not yet in (c > t) is 0. */
START_TEST(cohort_at_closed_forms)
{
    enum { N = 1000 };
    static double in[N];
    for (int t = 0; t < N; t++)
        in[t] = 1 + (t % 7) + 0.25 * (t % 3);
    static const size_t pick[][2] = { { 0, 0 }, { 6, 0 }, { 7, 0 }, { 8, 0 }, { 500, 493 },
                                      { 500, 494 }, { 500, 499 }, { 999, 992 }, { 999, 993 },
                                      { 999, 999 }, { 3, 500 }, { 998, 999 } };
    flow_lifetime fixed7 = { FLOW_LT_FIXED, 7, 0 }, expo4 = { FLOW_LT_EXPONENTIAL, 4, 0 };
    flow_dsm *f, *e;
    ck_assert_flow_ok(flow_dsm_inflow_driven(&f, in, N, &fixed7, NULL));
    ck_assert_flow_ok(flow_dsm_inflow_driven(&e, in, N, &expo4, NULL));
    for (size_t k = 0; k < sizeof pick / sizeof *pick; k++) {
        size_t t = pick[k][0], c = pick[k][1];
        double ic = in[c], a = (double)t - (double)c;
        double fs = c > t ? 0 : (a < 7 ? ic : 0), fo = c > t ? 0 : (a == 7 ? ic : 0);
        double es = c > t ? 0 : ic * exp(-a / 4);
        double eo = c > t ? 0 : (a == 0 ? 0 : ic * (exp(-(a - 1) / 4) - exp(-a / 4)));
        ck_assert_double_eq(flow_dsm_stock_by_cohort_at(f, t, c), fs);
        ck_assert_double_eq(flow_dsm_outflow_by_cohort_at(f, t, c), fo);
        ck_assert_double_eq_tol(flow_dsm_stock_by_cohort_at(e, t, c), es, TOL);
        ck_assert_double_eq_tol(flow_dsm_outflow_by_cohort_at(e, t, c), eo, TOL);
    }
    /* the totals are the sums over cohorts: year 999 of the fixed lifetime
     * holds cohorts 993..999, and cohort 992 leaves */
    double want = 0;
    for (int c = 993; c < N; c++)
        want += in[c];
    ck_assert_double_eq_tol(flow_dsm_stock(f)[999], want, TOL * want);
    ck_assert_double_eq(flow_dsm_outflow(f)[999], in[992]);
    /* out of range */
    ck_assert(isnan(flow_dsm_stock_by_cohort_at(f, N, 0)));
    ck_assert(isnan(flow_dsm_stock_by_cohort_at(f, 0, N)));
    ck_assert(isnan(flow_dsm_outflow_by_cohort_at(e, N, N)));
    ck_assert(isnan(flow_dsm_outflow_by_cohort_at(e, (size_t)-1, 0)));
    flow_dsm_free(f);
    flow_dsm_free(e);
}
END_TEST

/* The whole arrays are made on the first call: no allocation before it,
 * the same pointer after it; a failed allocation returns NULL with
 * FLOW_ENOMEM and leaves the result usable, and a later call succeeds. */
START_TEST(cohort_arrays_lazy)
{
    const double in[3] = { 2, 4, 8 };
    flow_lifetime lt = { FLOW_LT_FIXED, 2, 0 };
    cktest_alloc al;
    cktest_alloc_init(&al, 0);
    flow_dsm *d;
    ck_assert_flow_ok(flow_dsm_inflow_driven(&d, in, 3, &lt, &al.a));
    long made = al.calls;
    al.fail_at = al.calls + 1;
    ck_assert_ptr_null(flow_dsm_stock_by_cohort(d));
    ck_assert(strstr(flow_error_last(), "out of memory") != NULL);
    ck_assert(strstr(flow_error_last(), "stock by cohort") != NULL);
    ck_assert_double_eq(flow_dsm_stock(d)[2], 12); /* 4 + 8: cohort 0 left */
    al.fail_at = 0;
    const double *sc = flow_dsm_stock_by_cohort(d);
    ck_assert_ptr_nonnull(sc);
    ck_assert_ptr_eq(flow_dsm_stock_by_cohort(d), sc);
    ck_assert_int_eq(al.calls, made + 2); /* the failed try and the one made */
    /* s[t][c] = i_c for c <= t < c + 2: row 2 is 0, 4, 8 */
    ck_assert_double_eq(sc[2 * 3 + 0], 0);
    ck_assert_double_eq(sc[2 * 3 + 1], 4);
    ck_assert_double_eq(sc[2 * 3 + 2], 8);
    ck_assert_double_eq(sc[0 * 3 + 1], 0);
    const double *oc = flow_dsm_outflow_by_cohort(d);
    ck_assert_double_eq(oc[2 * 3 + 0], 2);
    ck_assert_double_eq(oc[1 * 3 + 0], 0);
    flow_dsm_free(d);
    ck_assert_int_eq(al.live, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Stock-driven                                                        */
/* ------------------------------------------------------------------ */

START_TEST(stock_fixed2_flat)
{
    /* L = 2 (S(0) = S(1) = 1, S(a >= 2) = 0), stock 10 in every year, n = 6:
     *   t=0: nothing survives from before: i_0 = 10
     *   t=1: i_0 S(1) = 10 survive: i_1 = (10 - 10)/1 = 0
     *   t=2: i_0 S(2) + i_1 S(1) = 0 + 0 = 0: i_2 = 10
     *   t=3: i_1 S(2) + i_2 S(1) = 0 + 10 = 10: i_3 = 0
     *   t=4: i_2 S(2) + i_3 S(1) = 0: i_4 = 10;  t=5: i_5 = 0
     * outflow_t = i_{t-2}: 0, 0, 10, 0, 10, 0
     * change = i - o: 10, 0, 0, 0, 0, 0 (= the stock steps 0 -> 10, then flat). */
    const double stock[6] = { 10, 10, 10, 10, 10, 10 };
    const double inflow[6] = { 10, 0, 10, 0, 10, 0 };
    const double outflow[6] = { 0, 0, 10, 0, 10, 0 };
    const double change[6] = { 10, 0, 0, 0, 0, 0 };
    flow_lifetime lt = { FLOW_LT_FIXED, 2, 0 };
    flow_dsm *d = NOT_NULL;
    ck_assert_flow_ok(flow_dsm_stock_driven(&d, stock, 6, &lt, 0, NULL));
    ck_assert_uint_eq(flow_dsm_length(d), 6);
    for (int t = 0; t < 6; t++) {
        ck_assert_double_eq_tol(flow_dsm_inflow(d)[t], inflow[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_outflow(d)[t], outflow[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_stock(d)[t], stock[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_stock_change(d)[t], change[t], TOL);
    }
    /* Year 3 holds cohort 2 only (10); cohort 0 left in year 2. */
    ck_assert_double_eq_tol(flow_dsm_stock_by_cohort(d)[3 * 6 + 2], 10, TOL);
    ck_assert_double_eq_tol(flow_dsm_stock_by_cohort(d)[3 * 6 + 0], 0, TOL);
    ck_assert_double_eq_tol(flow_dsm_outflow_by_cohort(d)[2 * 6 + 0], 10, TOL);
    flow_dsm_free(d);
}
END_TEST

START_TEST(stock_fixed2_growing)
{
    /* L = 2, stock 10, 20, 30, 40, 50:
     *   t=0: i_0 = 10
     *   t=1: survivors i_0 = 10: i_1 = 20 - 10 = 10
     *   t=2: survivors i_1 = 10 (i_0 gone): i_2 = 30 - 10 = 20
     *   t=3: survivors i_2 = 20: i_3 = 40 - 20 = 20
     *   t=4: survivors i_3 = 20: i_4 = 50 - 20 = 30
     * outflow_t = i_{t-2}: 0, 0, 10, 10, 20
     * change = i - o = 10, 10, 10, 10, 10 (the stock grows by 10 a year). */
    const double stock[5] = { 10, 20, 30, 40, 50 };
    const double inflow[5] = { 10, 10, 20, 20, 30 };
    const double outflow[5] = { 0, 0, 10, 10, 20 };
    flow_lifetime lt = { FLOW_LT_FIXED, 2, 0 };
    flow_dsm *d;
    ck_assert_flow_ok(flow_dsm_stock_driven(&d, stock, 5, &lt, 0, NULL));
    for (int t = 0; t < 5; t++) {
        ck_assert_double_eq_tol(flow_dsm_inflow(d)[t], inflow[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_outflow(d)[t], outflow[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_stock(d)[t], stock[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_stock_change(d)[t], 10, TOL);
    }
    flow_dsm_free(d);
}
END_TEST

START_TEST(stock_normal_s0_half)
{
    /* Normal mean 0, sd 1: S(0) = 1 - Phi(0) = 0.5, S(1) = 1 - Phi(1)
     * = 0.1586552539314571. Stock 1, 1:
     *   i_0 = 1 / 0.5 = 2   (half of it leaves in its own year: outflow_0 = 1)
     *   i_1 = (1 - 2 S(1)) / 0.5 = 2 - 4 (0.1586552539314571) = 1.3653789842741716
     *   outflow_1 = (s_00 - s_10) + i_1 (1 - S(0))
     *             = (1 - 2 S(1)) + i_1/2 = 0.6826894921370858 + 0.6826894921370858
     *             = 1.3653789842741716 (= i_1: the stock is flat). */
    const double stock[2] = { 1, 1 };
    flow_lifetime lt = { FLOW_LT_NORMAL, 0, 1 };
    flow_dsm *d;
    ck_assert_flow_ok(flow_dsm_stock_driven(&d, stock, 2, &lt, 0, NULL));
    ck_assert_double_eq_tol(flow_dsm_inflow(d)[0], 2, TOL);
    ck_assert_double_eq_tol(flow_dsm_outflow(d)[0], 1, TOL);
    ck_assert_double_eq_tol(flow_dsm_inflow(d)[1], 1.3653789842741716, TOL);
    ck_assert_double_eq_tol(flow_dsm_outflow(d)[1], 1.3653789842741716, TOL);
    ck_assert_double_eq_tol(flow_dsm_stock_change(d)[1], 0, TOL);
    /* by cohort, year 1: cohort 0 holds 2 S(1), cohort 1 holds i_1/2. */
    ck_assert_double_eq_tol(flow_dsm_stock_by_cohort(d)[2 + 0], 2 * (1 - PHI_P1), TOL);
    ck_assert_double_eq_tol(flow_dsm_stock_by_cohort(d)[2 + 1], 0.6826894921370858, TOL);
    flow_dsm_free(d);
}
END_TEST

START_TEST(stock_exponential_decay)
{
    /* Exponential mean 1: S(a) = exp(-a). Stock 1, 1:
     *   i_0 = 1; i_1 = 1 - exp(-1) (replace what left); outflow_1 = 1 - exp(-1).
     * A stock that decays exactly as its cohort (1, e^-1, e^-2) needs no
     * inflow after year 0: the rounding of e^-1 - S(1) must not be called
     * a negative inflow. */
    const double flat[2] = { 1, 1 };
    flow_lifetime lt = { FLOW_LT_EXPONENTIAL, 1, 0 };
    flow_dsm *d;
    ck_assert_flow_ok(flow_dsm_stock_driven(&d, flat, 2, &lt, 0, NULL));
    ck_assert_double_eq_tol(flow_dsm_inflow(d)[0], 1, TOL);
    ck_assert_double_eq_tol(flow_dsm_inflow(d)[1], 1 - exp(-1.0), TOL);
    ck_assert_double_eq_tol(flow_dsm_outflow(d)[1], 1 - exp(-1.0), TOL);
    flow_dsm_free(d);

    const double decay[3] = { 1, exp(-1.0), exp(-2.0) };
    ck_assert_flow_ok(flow_dsm_stock_driven(&d, decay, 3, &lt, 0, NULL));
    ck_assert_double_eq_tol(flow_dsm_inflow(d)[1], 0, TOL);
    ck_assert_double_eq_tol(flow_dsm_inflow(d)[2], 0, TOL);
    ck_assert(flow_dsm_inflow(d)[1] >= 0 && flow_dsm_inflow(d)[2] >= 0);
    flow_dsm_free(d);
}
END_TEST

START_TEST(stock_fixed0)
{
    /* L = 0 keeps nothing to the end of the inflow year: the stock is 0
     * whatever the inflow, so no inflow can make a stock of 10, and a path
     * of zeros would leave the inflow undetermined. Refused before anything
     * is allocated, naming the lifetime. */
    const double stock[3] = { 10, 10, 10 }, zeros[3] = { 0, 0, 0 };
    flow_lifetime lt = { FLOW_LT_FIXED, 0, 0 };
    cktest_alloc al;
    cktest_alloc_init(&al, 0);
    flow_dsm *d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, stock, 3, &lt, 0, &al.a), FLOW_EINVAL,
                         "stock-driven model", "fixed lifetime of 0", "S(0) = 0");
    ck_assert_ptr_null(d);
    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, zeros, 3, &lt, FLOW_DSM_ALLOW_NEGATIVE_INFLOW,
                                               &al.a), FLOW_EINVAL, "fixed lifetime of 0");
    ck_assert_ptr_null(d);
    ck_assert_int_eq(al.calls, 0);
}
END_TEST

START_TEST(stock_negative_inflow)
{
    /* L = 2, stock 10, 5, 5: in year 1 cohort 0 still holds 10 > 5, so
     * i_1 = 5 - 10 = -5. Refused without the flag, naming stock[1] (the
     * 2nd value). */
    const double stock[3] = { 10, 5, 5 };
    flow_lifetime lt = { FLOW_LT_FIXED, 2, 0 };
    cktest_alloc al;
    cktest_alloc_init(&al, 0);
    flow_dsm *d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, stock, 3, &lt, 0, &al.a), FLOW_EVALUE,
                         "stock[1] (value 2 of the series", "-5", "FLOW_DSM_ALLOW_NEGATIVE_INFLOW");
    ck_assert_ptr_null(d);
    ck_assert_int_eq(al.live, 0); /* failed after allocating: all freed */
    /* With the flag:
     *   i_0 = 10, i_1 = -5;
     *   t=2: survivors i_0 S(2) + i_1 S(1) = 0 - 5 = -5: i_2 = 5 - (-5) = 10
     *   outflow_2 = (s_10 - s_20) + (s_11 - s_21) = (10 - 0) + (-5 - (-5)) = 10
     *   change = i - o: 10, -5, 0. */
    ck_assert_flow_ok(flow_dsm_stock_driven(&d, stock, 3, &lt,
                                            FLOW_DSM_ALLOW_NEGATIVE_INFLOW, &al.a));
    const double inflow[3] = { 10, -5, 10 }, outflow[3] = { 0, 0, 10 };
    const double change[3] = { 10, -5, 0 };
    for (int t = 0; t < 3; t++) {
        ck_assert_double_eq_tol(flow_dsm_inflow(d)[t], inflow[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_outflow(d)[t], outflow[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_stock(d)[t], stock[t], TOL);
        ck_assert_double_eq_tol(flow_dsm_stock_change(d)[t], change[t], TOL);
    }
    flow_dsm_free(d);
    ck_assert_int_eq(al.live, 0);

    /* The tolerance is for rounding only: 1e-9 below the survivors is a
     * real (tiny) negative inflow, 1000 times the 1e-12 bound. */
    const double tiny[2] = { 1, 1 - 1e-9 };
    ck_assert_flow_error(flow_dsm_stock_driven(&d, tiny, 2, &lt, 0, NULL), FLOW_EVALUE,
                         "stock[1] (value 2 of the series");
    ck_assert_ptr_null(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Mass identity for every kind                                        */
/* ------------------------------------------------------------------ */

static const flow_lifetime all_kinds[] = {
    { FLOW_LT_FIXED, 7.5, 0 },
    { FLOW_LT_NORMAL, 8, 3 },
    { FLOW_LT_FOLDEDNORMAL, 5, 4 },
    { FLOW_LT_LOGNORMAL, 10, 4 },
    { FLOW_LT_WEIBULL, 2, 9 },
    { FLOW_LT_EXPONENTIAL, 6, 0 },
};
enum { N_KINDS = sizeof all_kinds / sizeof *all_kinds, N_MASS = 30 };

/* stock_t - stock_{t-1} = inflow_t - outflow_t (stock_{-1} = 0), the
 * totals are the sums over cohorts, and no cohort exists before its year. */
static void check_identities(const flow_dsm *d, const char *what)
{
    size_t n = flow_dsm_length(d);
    const double *s = flow_dsm_stock(d), *o = flow_dsm_outflow(d);
    const double *i = flow_dsm_inflow(d), *ch = flow_dsm_stock_change(d);
    const double *sc = flow_dsm_stock_by_cohort(d), *oc = flow_dsm_outflow_by_cohort(d);
    double prev = 0, cum_in = 0, cum_out = 0;
    for (size_t t = 0; t < n; t++) {
        double scale = 1 + fabs(s[t]) + fabs(i[t]) + fabs(o[t]);
        ck_assert_msg(fabs((s[t] - prev) - (i[t] - o[t])) <= 1e-12 * scale,
                      "%s: year %zu: stock %g - %g != inflow %g - outflow %g", what, t,
                      s[t], prev, i[t], o[t]);
        ck_assert_double_eq_tol(ch[t], i[t] - o[t], 1e-12 * scale);
        double ss = 0, os = 0;
        for (size_t c = 0; c < n; c++) {
            if (c > t) {
                ck_assert_double_eq(sc[t * n + c], 0);
                ck_assert_double_eq(oc[t * n + c], 0);
            }
            ss += sc[t * n + c];
            os += oc[t * n + c];
        }
        ck_assert_double_eq_tol(ss, s[t], 1e-12 * scale);
        ck_assert_double_eq_tol(os, o[t], 1e-12 * scale);
        ck_assert(o[t] >= -1e-12 * scale); /* S is non-increasing */
        prev = s[t];
        cum_in += i[t];
        cum_out += o[t];
    }
    ck_assert_double_eq_tol(cum_in - cum_out, s[n - 1], 1e-10 * (1 + cum_in));
}

START_TEST(mass_identity)
{
    const flow_lifetime *lt = &all_kinds[_i];
    double in[N_MASS];
    for (int t = 0; t < N_MASS; t++) /* uneven, with a zero year */
        in[t] = (t == 11) ? 0 : 5 + 3 * sin(1.7 * t) + (t % 3);
    flow_dsm *d, *back;
    ck_assert_flow_ok(flow_dsm_inflow_driven(&d, in, N_MASS, lt, NULL));
    check_identities(d, "inflow-driven");
    for (int t = 0; t < N_MASS; t++)
        ck_assert_double_eq(flow_dsm_inflow(d)[t], in[t]);
    /* Driving the model by the stock it produced must need the same
     * inflow back: the two drivers are inverses of each other. */
    ck_assert_flow_ok(flow_dsm_stock_driven(&back, flow_dsm_stock(d), N_MASS, lt, 0, NULL));
    check_identities(back, "stock-driven");
    for (int t = 0; t < N_MASS; t++) {
        ck_assert_double_eq_tol(flow_dsm_inflow(back)[t], in[t], 1e-9);
        ck_assert_double_eq_tol(flow_dsm_stock(back)[t], flow_dsm_stock(d)[t], 1e-9);
    }
    flow_dsm_free(back);
    flow_dsm_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

START_TEST(err_lifetime_check)
{
    flow_lifetime lt;
    ck_assert_flow_error(flow_lifetime_check(NULL), FLOW_EINVAL, "lifetime is NULL");

    lt = (flow_lifetime){ (flow_lifetime_kind)99, 1, 1 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "kind 99");
    lt = (flow_lifetime){ (flow_lifetime_kind)-1, 1, 1 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "kind -1");

    lt = (flow_lifetime){ FLOW_LT_FIXED, 0, 0 }; /* used up within the year of inflow */
    ck_assert_flow_ok(flow_lifetime_check(&lt));
    lt = (flow_lifetime){ FLOW_LT_FIXED, -1, 0 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "fixed lifetime", "L (a) is -1", ">= 0");
    lt = (flow_lifetime){ FLOW_LT_FIXED, -1e-300, 0 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "L (a) is -1e-300");
    lt = (flow_lifetime){ FLOW_LT_FIXED, NAN, 0 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "L (a) is nan");
    lt = (flow_lifetime){ FLOW_LT_FIXED, INFINITY, 0 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "L (a) is inf");

    lt = (flow_lifetime){ FLOW_LT_NORMAL, NAN, 1 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "normal lifetime", "mean (a) is nan");
    lt = (flow_lifetime){ FLOW_LT_NORMAL, 5, 0 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "sd (b) is 0");
    lt = (flow_lifetime){ FLOW_LT_NORMAL, 5, -INFINITY };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "sd (b) is -inf");
    lt = (flow_lifetime){ FLOW_LT_NORMAL, -3, 1 }; /* a mean <= 0 is allowed */
    ck_assert_flow_ok(flow_lifetime_check(&lt));

    lt = (flow_lifetime){ FLOW_LT_FOLDEDNORMAL, 1, -1 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "folded normal lifetime", "sd (b) is -1");
    lt = (flow_lifetime){ FLOW_LT_FOLDEDNORMAL, INFINITY, 1 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "mean (a) is inf");

    lt = (flow_lifetime){ FLOW_LT_LOGNORMAL, 0, 1 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "lognormal lifetime", "mean (a) is 0");
    lt = (flow_lifetime){ FLOW_LT_LOGNORMAL, 10, 0 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "sd (b) is 0");
    /* sd/mean = 1e600 overflows: sigma = inf. */
    lt = (flow_lifetime){ FLOW_LT_LOGNORMAL, 1e-300, 1e300 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "sd/mean is out of range");
    /* sd/mean = 1e-600 underflows: sigma = 0. */
    lt = (flow_lifetime){ FLOW_LT_LOGNORMAL, 1e300, 1e-300 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "sd/mean is out of range");

    lt = (flow_lifetime){ FLOW_LT_WEIBULL, 0, 3 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "Weibull lifetime", "shape k (a) is 0");
    lt = (flow_lifetime){ FLOW_LT_WEIBULL, 2, INFINITY };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "scale lambda (b) is inf");

    lt = (flow_lifetime){ FLOW_LT_EXPONENTIAL, -2, 0 };
    ck_assert_flow_error(flow_lifetime_check(&lt), FLOW_EINVAL, "exponential lifetime", "mean (a) is -2");
}
END_TEST

START_TEST(err_dsm_args)
{
    const double in[4] = { 1, 2, 3, 4 };
    flow_lifetime lt = { FLOW_LT_FIXED, 2, 0 };
    flow_lifetime bad = { FLOW_LT_EXPONENTIAL, 0, 0 };
    flow_dsm *d;

    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_inflow_driven(&d, in, 0, &lt, NULL), FLOW_EINVAL, "n is 0");
    ck_assert_ptr_null(d);
    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, in, 0, &lt, 0, NULL), FLOW_EINVAL, "n is 0");
    ck_assert_ptr_null(d);

    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_inflow_driven(&d, in, 4, NULL, NULL), FLOW_EINVAL,
                         "lifetime is NULL");
    ck_assert_ptr_null(d);
    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, in, 4, NULL, 0, NULL), FLOW_EINVAL,
                         "lifetime is NULL");
    ck_assert_ptr_null(d);

    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_inflow_driven(&d, in, 4, &bad, NULL), FLOW_EINVAL,
                         "exponential lifetime", "mean (a) is 0");
    ck_assert_ptr_null(d);
    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, in, 4, &bad, 0, NULL), FLOW_EINVAL,
                         "exponential lifetime", "mean (a) is 0");
    ck_assert_ptr_null(d);

    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, in, 4, &lt, 0x8, NULL), FLOW_EINVAL,
                         "unknown flags 0x8");
    ck_assert_ptr_null(d);

    /* Normal mean -10, sd 1: S(0) = 1 - Phi(10) ~ 7.6e-24: the stock-driven
     * inflow would be the stock times 1.3e23. */
    flow_lifetime gone = { FLOW_LT_NORMAL, -10, 1 };
    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, in, 4, &gone, 0, NULL), FLOW_EINVAL,
                         "normal lifetime", "S(0)");
    ck_assert_ptr_null(d);
    /* ...while the inflow-driven model is fine with it: nearly all of each
     * inflow leaves in its own year. */
    ck_assert_flow_ok(flow_dsm_inflow_driven(&d, in, 4, &gone, NULL));
    ck_assert_double_eq_tol(flow_dsm_outflow(d)[3], 4, 1e-12);
    flow_dsm_free(d);

    flow_dsm_free(NULL); /* a no-op */
}
END_TEST

START_TEST(err_dsm_values)
{
    flow_lifetime lt = { FLOW_LT_FIXED, 2, 0 };
    flow_dsm *d;
    double in[5] = { 1, 2, 3, -1, 5 };
    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_inflow_driven(&d, in, 5, &lt, NULL), FLOW_EVALUE,
                         "inflow[3] is -1: amounts must be finite and >= 0");
    ck_assert_ptr_null(d);
    in[3] = 4;
    in[2] = NAN;
    ck_assert_flow_error(flow_dsm_inflow_driven(&d, in, 5, &lt, NULL), FLOW_EVALUE,
                         "inflow[2] is nan");
    in[2] = 3;
    in[0] = INFINITY;
    ck_assert_flow_error(flow_dsm_inflow_driven(&d, in, 5, &lt, NULL), FLOW_EVALUE,
                         "inflow[0] is inf");
    in[0] = 1;
    in[4] = -INFINITY;
    ck_assert_flow_error(flow_dsm_inflow_driven(&d, in, 5, &lt, NULL), FLOW_EVALUE,
                         "inflow[4] is -inf");

    double st[3] = { 1, -0.5, 1 };
    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, st, 3, &lt, 0, NULL), FLOW_EVALUE,
                         "stock[1] is -0.5: amounts must be finite and >= 0");
    ck_assert_ptr_null(d);
    st[1] = NAN;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, st, 3, &lt, FLOW_DSM_ALLOW_NEGATIVE_INFLOW,
                                               NULL), FLOW_EVALUE, "stock[1] is nan");
    st[1] = 1;
    st[2] = INFINITY;
    ck_assert_flow_error(flow_dsm_stock_driven(&d, st, 3, &lt, 0, NULL), FLOW_EVALUE,
                         "stock[2] is inf");

    /* Finite inputs whose sum is not: 1e308 + 1e308 = inf in year 1
     * (both cohorts in stock with L = 2). Freed after allocating. */
    const double huge[2] = { 1e308, 1e308 };
    cktest_alloc al;
    cktest_alloc_init(&al, 0);
    d = NOT_NULL;
    ck_assert_flow_error(flow_dsm_inflow_driven(&d, huge, 2, &lt, &al.a), FLOW_EVALUE,
                         "year 1", "too large");
    ck_assert_ptr_null(d);
    ck_assert_int_eq(al.live, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Out of memory                                                       */
/* ------------------------------------------------------------------ */

static const double oom_in[4] = { 3, 1, 4, 1 };
static const flow_lifetime oom_lt = { FLOW_LT_WEIBULL, 2, 3 };

static int oom_inflow(flow_dsm **out, const flow_allocator *a)
{
    return flow_dsm_inflow_driven(out, oom_in, 4, &oom_lt, a);
}

static int oom_stock(flow_dsm **out, const flow_allocator *a)
{
    return flow_dsm_stock_driven(out, oom_in, 4, &oom_lt, FLOW_DSM_ALLOW_NEGATIVE_INFLOW, a);
}

/* Fails the 1st, 2nd, ... allocation until a run needs fewer: every
 * failure must free all and leave *out NULL; the run that succeeds must
 * free to zero. */
static void oom_loop(int (*run)(flow_dsm **, const flow_allocator *))
{
    int done = 0, failures = 0;
    for (long fail_at = 1; fail_at < 100 && !done; fail_at++) {
        cktest_alloc al;
        cktest_alloc_init(&al, fail_at);
        flow_dsm *d = NOT_NULL;
        int rc = run(&d, &al.a);
        if (al.failed) {
            ck_assert_msg(rc == FLOW_ENOMEM, "fail_at %ld: returned %d: %s", fail_at, rc,
                          flow_error_last());
            ck_assert_ptr_null(d);
            ck_assert_int_eq(al.live, 0);
            ck_assert(strstr(flow_error_last(), "out of memory") != NULL);
            failures++;
        } else {
            ck_assert_flow_ok(rc);
            ck_assert_ptr_nonnull(d);
            ck_assert_int_gt(al.live, 0); /* the result is on our allocator */
            ck_assert_int_eq(al.calls, fail_at - 1); /* every allocation was failed once */
            ck_assert_uint_eq(flow_dsm_length(d), 4);
            flow_dsm_free(d);
            ck_assert_int_eq(al.live, 0);
            done = 1;
        }
    }
    ck_assert_msg(done, "no run succeeded in 99 allocations");
    ck_assert_int_gt(failures, 0);
}

START_TEST(oom_inflow_driven)
{
    oom_loop(oom_inflow);
}
END_TEST

START_TEST(oom_stock_driven)
{
    oom_loop(oom_stock);
}
END_TEST

Suite *flow_stock_suite(void)
{
    Suite *s = suite_create("stock");
    TCase *tc;

    tc = tcase_create("survival");
    tcase_add_test(tc, survival_fixed);
    tcase_add_test(tc, survival_normal);
    tcase_add_test(tc, survival_exponential);
    tcase_add_test(tc, survival_weibull);
    tcase_add_test(tc, survival_lognormal);
    tcase_add_test(tc, survival_foldednormal);
    tcase_add_test(tc, survival_invalid);
    suite_add_tcase(s, tc);

    tc = tcase_create("inflow_driven");
    tcase_add_test(tc, inflow_fixed5);
    tcase_add_test(tc, inflow_fixed0);
    tcase_add_test(tc, inflow_fixed_fractional);
    tcase_add_test(tc, inflow_normal);
    tcase_add_test(tc, inflow_exponential);
    tcase_add_test(tc, cohort_at_closed_forms);
    tcase_add_test(tc, cohort_arrays_lazy);
    suite_add_tcase(s, tc);

    tc = tcase_create("stock_driven");
    tcase_add_test(tc, stock_fixed2_flat);
    tcase_add_test(tc, stock_fixed2_growing);
    tcase_add_test(tc, stock_normal_s0_half);
    tcase_add_test(tc, stock_exponential_decay);
    tcase_add_test(tc, stock_fixed0);
    tcase_add_test(tc, stock_negative_inflow);
    suite_add_tcase(s, tc);

    tc = tcase_create("mass_identity");
    tcase_add_loop_test(tc, mass_identity, 0, N_KINDS);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, err_lifetime_check);
    tcase_add_test(tc, err_dsm_args);
    tcase_add_test(tc, err_dsm_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("oom");
    tcase_add_test(tc, oom_inflow_driven);
    tcase_add_test(tc, oom_stock_driven);
    suite_add_tcase(s, tc);

    return s;
}
