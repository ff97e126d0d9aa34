/*
 * cksuite_sample.c — the sampler (sample.c): each distribution's draws
 * against its known mean and one known quantile, the streams' uniformity,
 * independence across keys and purity, and the checks of impossible
 * parameters.
 *
 * Tolerances come from the sample size, never tuned. N = 20000 draws:
 *  - a sample mean has standard error sigma / sqrt(N), sigma the
 *    distribution's own sd (written per case below); we allow 5 of them;
 *  - the share of draws at or below the true q-quantile is Binomial(N, q)/N,
 *    standard error sqrt(q (1 - q) / N); we allow 5 of them.
 * Beyond 5 standard errors a correct sampler fails with probability about
 * 6e-7 per check (the normal tail); the draws are a fixed function of the
 * seed, so a pass or a failure is repeatable. Expected values are closed
 * forms, worked out in each comment.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "cktest.h"

#define N 20000
#define SEED 20261204ULL

/* mean and share of draws <= x of a distribution, from stream `key` */
static void draw_stats(const flow_dist *d, const char *key, double x, double *mean, double *below)
{
    unsigned long long k = flow_stream_key(key);
    double sum = 0;
    long n_below = 0;
    for (long i = 0; i < N; i++) {
        double v = flow_dist_quantile(d, flow_stream_uniform(SEED, (unsigned long long)i, k, 0));
        sum += v;
        n_below += v <= x;
    }
    *mean = sum / N;
    *below = (double)n_below / N;
}

static void check_dist(const flow_dist *d, double mu, double sigma, double x, double q)
{
    double mean, below;
    ck_assert_int_eq(flow_dist_check(d, "p"), 0);
    draw_stats(d, flow_dist_name(d->kind), x, &mean, &below);
    ck_assert_double_eq_tol(mean, mu, 5 * sigma / sqrt(N));
    ck_assert_double_eq_tol(below, q, 5 * sqrt(q * (1 - q) / N));
}

/* normal(10, 2): mean 10, sigma 2; the 0.975-quantile 10 + 2 x 1.959964 */
START_TEST(test_normal)
{
    flow_dist d = { .kind = FLOW_DIST_NORMAL, .a = 10, .b = 2 };
    check_dist(&d, 10, 2, 10 + 2 * 1.959964, 0.975);
}
END_TEST

/* log-normal of mean 1, sd 0.5: s^2 = ln 1.25, median e^mu =
 * mean / sqrt(1 + cv^2) = 1 / sqrt(1.25) = 0.894427; sigma 0.5 */
START_TEST(test_lognormal)
{
    flow_dist d = { .kind = FLOW_DIST_LOGNORMAL, .a = 1, .b = 0.5 };
    check_dist(&d, 1, 0.5, 0.894427191, 0.5);
}
END_TEST

/* uniform(2, 5): mean 3.5, sigma 3 / sqrt(12); P(X <= 2.9) = 0.3 */
START_TEST(test_uniform)
{
    flow_dist d = { .kind = FLOW_DIST_UNIFORM, .a = 2, .b = 5 };
    check_dist(&d, 3.5, 3 / sqrt(12), 2.9, 0.3);
}
END_TEST

/* triangular(0, 1, 4): mean (0 + 1 + 4) / 3; variance (a^2 + b^2 + c^2 -
 * ab - ac - bc) / 18 = 13/18; P(X <= mode) = (1 - 0) / (4 - 0) = 0.25 */
START_TEST(test_triangular)
{
    flow_dist d = { .kind = FLOW_DIST_TRIANGULAR, .a = 0, .b = 1, .c = 4 };
    check_dist(&d, 5.0 / 3, sqrt(13.0 / 18), 1, 0.25);
}
END_TEST

/* beta(2, 5) on [0, 1]: mean 2/7, variance ab / ((a+b)^2 (a+b+1)) =
 * 10/392; P(X <= 0.5) = I_0.5(2, 5) = sum_{j=2..6} C(6,j) / 2^6 = 57/64 */
START_TEST(test_beta)
{
    flow_dist d = { .kind = FLOW_DIST_BETA, .a = 2, .b = 5, .c = 0, .d = 1 };
    check_dist(&d, 2.0 / 7, sqrt(10.0 / 392), 0.5, 57.0 / 64);
}
END_TEST

/* the same beta scaled to [10, 20]: mean 10 + 20/7, sigma 10 sqrt(10/392),
 * P(X <= 15) = 57/64 */
START_TEST(test_beta_scaled)
{
    flow_dist d = { .kind = FLOW_DIST_BETA, .a = 2, .b = 5, .c = 10, .d = 20 };
    check_dist(&d, 10 + 20.0 / 7, 10 * sqrt(10.0 / 392), 15, 57.0 / 64);
}
END_TEST

/* PERT(0, 2, 10), lambda 4: mean (min + 4 mode + max) / 6 = 3; alpha =
 * 1 + 4 x 0.2 = 1.8, beta = 1 + 4 x 0.8 = 4.2, variance alpha beta /
 * ((alpha + beta)^2 (alpha + beta + 1)) x 10^2 = 7.56 / 252 x 100 = 3;
 * P(X <= 5) = I_0.5(1.8, 4.2): not closed; check the mean, and the median
 * against the beta of the same alpha, beta (FLOW_DIST_BETA is tested above) */
START_TEST(test_pert)
{
    flow_dist d = { .kind = FLOW_DIST_PERT, .a = 0, .b = 2, .c = 10, .d = 0 };
    flow_dist b = { .kind = FLOW_DIST_BETA, .a = 1.8, .b = 4.2, .c = 0, .d = 10 };
    check_dist(&d, 3, sqrt(3), flow_dist_quantile(&b, 0.5), 0.5);
}
END_TEST

/* discrete {1, 2, 3} with p {0.2, 0.5, 0.3}: mean 2.1, variance
 * 0.2 + 2 + 2.7 - 2.1^2 = 0.49; P(X <= 2) = 0.7 */
START_TEST(test_discrete)
{
    double v[] = { 1, 2, 3 }, p[] = { 0.2, 0.5, 0.3 };
    flow_dist d = { .kind = FLOW_DIST_DISCRETE, .n = 3, .values = v, .probs = p };
    check_dist(&d, 2.1, 0.7, 2, 0.7);
}
END_TEST

/* the uniforms: mean 1/2 (sigma 1/sqrt 12), in (0, 1); two keys'
 * correlation has standard error 1/sqrt(N) when independent; the same
 * arguments give the same bits */
START_TEST(test_streams)
{
    unsigned long long a = flow_stream_key("a"), b = flow_stream_key("b");
    ck_assert(a != b);
    double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
    for (long i = 0; i < N; i++) {
        double x = flow_stream_uniform(SEED, (unsigned long long)i, a, 0);
        double y = flow_stream_uniform(SEED, (unsigned long long)i, b, 0);
        ck_assert(x > 0 && x < 1 && y > 0 && y < 1);
        sa += x, sb += y, sab += x * y, saa += x * x, sbb += y * y;
    }
    ck_assert_double_eq_tol(sa / N, 0.5, 5 / sqrt(12.0 * N));
    double cov = sab / N - sa / N * sb / N;
    double r = cov / sqrt((saa / N - sa / N * sa / N) * (sbb / N - sb / N * sb / N));
    ck_assert_double_eq_tol(r, 0, 5 / sqrt(N));
    ck_assert(flow_stream_uniform(1, 7, a, 0) == flow_stream_uniform(1, 7, a, 0));
    ck_assert(flow_stream_uniform(1, 7, a, 0) != flow_stream_uniform(2, 7, a, 0));
    ck_assert(flow_stream_uniform(1, 7, a, 0) != flow_stream_uniform(1, 8, a, 0));
}
END_TEST

static void expect_bad(const flow_dist *d, const char *part)
{
    ck_assert_int_eq(flow_dist_check(d, "growth"), FLOW_EINVAL);
    ck_assert_msg(strstr(flow_error_last(), "'growth'") && strstr(flow_error_last(), part), "message: %s",
                  flow_error_last());
}

START_TEST(test_impossible)
{
    flow_dist n = { .kind = FLOW_DIST_NORMAL, .a = 1, .b = -0.1 };
    expect_bad(&n, "sd = -0.1 < 0");
    flow_dist u = { .kind = FLOW_DIST_UNIFORM, .a = 2, .b = 1 };
    expect_bad(&u, "min = 2 > max = 1");
    flow_dist b = { .kind = FLOW_DIST_BETA, .a = 0, .b = 1, .c = 0, .d = 1 };
    expect_bad(&b, "alpha = 0 <= 0");
    flow_dist t = { .kind = FLOW_DIST_TRIANGULAR, .a = 0, .b = 5, .c = 4 };
    expect_bad(&t, "mode = 5 outside");
    double v[] = { 1, 2 }, p[] = { 0.5, 0.6 };
    flow_dist d = { .kind = FLOW_DIST_DISCRETE, .n = 2, .values = v, .probs = p };
    expect_bad(&d, "add to 1.1");
    flow_dist l = { .kind = FLOW_DIST_LOGNORMAL, .a = 0, .b = 1 };
    expect_bad(&l, "mean > 0");
    flow_dist_kind k;
    ck_assert_int_eq(flow_dist_parse("gamma", &k), FLOW_ENOTFOUND);
}
END_TEST

Suite *flow_sample_suite(void)
{
    Suite *s = suite_create("sample");
    TCase *tc = tcase_create("sample");
    tcase_add_test(tc, test_normal);
    tcase_add_test(tc, test_lognormal);
    tcase_add_test(tc, test_uniform);
    tcase_add_test(tc, test_triangular);
    tcase_add_test(tc, test_beta);
    tcase_add_test(tc, test_beta_scaled);
    tcase_add_test(tc, test_pert);
    tcase_add_test(tc, test_discrete);
    tcase_add_test(tc, test_streams);
    tcase_add_test(tc, test_impossible);
    suite_add_tcase(s, tc);
    return s;
}
