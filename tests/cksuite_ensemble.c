/*
 * cksuite_ensemble.c — ensembles (ensemble.c, ensrun.c): the probability
 * that a target is met against its closed form, bit-identity whatever the
 * number of threads, common random numbers across two models, a shared
 * driver, a commissioning delay, the processes computed once (every
 * sample still the plain run of its draw), and the errors of bad input.
 *
 * The model: a source generating gen t/a of one material, a share s of it
 * landfilled (the rest burnt); indicator landfilled = s gen. With gen ~
 * N(100, 10) and s = 0.5, landfilled ~ N(50, 5), so P(landfilled <= 55) =
 * Phi((55 - 50) / 5) = Phi(1) = 0.841345. A P(met) from N samples has
 * standard error sqrt(p (1 - p) / N); the checks allow 5 of them.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cktest.h"
#include "flow_plugin.h"

#define FIRST 2020
#define LAST 2022

typedef struct lin {
    flow_model *m;
    int landfilled;
} lin;

/* gen (const), share s (bounds [0, 1]), target landfilled <= target in
 * LAST; a the allocator (NULL: malloc) */
static lin make_with(const flow_allocator *a, double s, double target, const char *gen_name)
{
    lin l;
    int w, src, fill, burn, gen, sh, node, ind, pg;
    ck_assert_flow_ok(flow_model_new(&l.m, FIRST, LAST, a));
    ck_assert_flow_ok(flow_model_add_material(l.m, "w", FLOW_CAT_DOMESTIC, "t", &w));
    ck_assert_flow_ok(flow_model_add_param_const(l.m, gen_name, "t/a", 100, &gen));
    ck_assert_flow_ok(flow_model_add_param_const(l.m, "share", NULL, s, &sh));
    ck_assert_flow_ok(flow_model_set_param_bounds(l.m, sh, 0, 1));
    ck_assert_flow_ok(flow_model_add_param_product(l.m, "derived", NULL, gen, sh, &pg));
    ck_assert_flow_ok(flow_model_add_process(l.m, "src", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(l.m, "fill", FLOW_SINK, &fill));
    ck_assert_flow_ok(flow_model_add_process(l.m, "burn", FLOW_SINK, &burn));
    ck_assert_flow_ok(flow_model_set_generation(l.m, src, w, 1, gen));
    ck_assert_flow_ok(flow_model_add_flow(l.m, src, fill, w, FLOW_SHARE, 1, sh, NULL));
    ck_assert_flow_ok(flow_model_add_flow(l.m, src, burn, w, FLOW_REST, 0, FLOW_NONE, NULL));
    flow_selector sel = FLOW_SELECTOR_INIT;
    sel.to = &fill;
    sel.n_to = 1;
    ck_assert_flow_ok(flow_expr_flows(l.m, &sel, &node));
    ck_assert_flow_ok(flow_model_add_indicator(l.m, "landfilled", "t", node, NULL, &ind));
    ck_assert_flow_ok(flow_model_add_target(l.m, ind, LAST, FLOW_CMP_LE, target, NULL, NULL));
    ck_assert_flow_ok(flow_model_compile(l.m));
    l.landfilled = ind;
    return l;
}

static lin make(double s, double target, const char *gen_name)
{
    return make_with(NULL, s, target, gen_name);
}

static flow_uncertain normal(const char *param, double mean, double sd)
{
    flow_uncertain u = { .param = param, .apply = FLOW_APPLY_SET };
    u.dist.kind = FLOW_DIST_NORMAL;
    u.dist.a = mean;
    u.dist.b = sd;
    return u;
}

static flow_ensemble *run(const flow_model *m, const flow_uncertain *u, int n_u, long n, int threads, int lhs)
{
    flow_ensemble *e;
    ck_assert_flow_ok(flow_ensemble_new(&e, m));
    for (int k = 0; k < n_u; k++)
        ck_assert_flow_ok(flow_ensemble_add(e, &u[k]));
    flow_ensemble_opts o = FLOW_ENSEMBLE_OPTS_INIT;
    o.n_samples = n;
    o.seed = 42;
    o.threads = threads;
    o.lhs = lhs;
    o.keep = FLOW_KEEP(FLOW_ITEM_FLOW);
    ck_assert_flow_ok(flow_ensemble_run(e, &o));
    return e;
}

static void check_p(int lhs)
{
    lin l = make(0.5, 55, "gen");
    flow_uncertain u = normal("gen", 100, 10);
    long n = 20000;
    flow_ensemble *e = run(l.m, &u, 1, n, 2, lhs);
    flow_pmet pm;
    ck_assert_flow_ok(flow_ensemble_p_met(e, 0, &pm));
    double p = 0.841344746;
    ck_assert_int_eq(pm.n_judged, n);
    ck_assert_double_eq_tol(pm.p, p, 5 * sqrt(p * (1 - p) / (double)n));
    ck_assert(pm.lo < pm.p && pm.p < pm.hi);
    /* Wilson: half-width about 1.96 sqrt(p (1 - p) / n) = 0.00506 */
    ck_assert_double_eq_tol(pm.hi - pm.lo, 2 * 1.96 * sqrt(p * (1 - p) / (double)n), 2e-4);
    /* the summary of landfilled in LAST: mean 50, sd 5, p5 = 50 - 1.644854 x 5 */
    double s[7];
    ck_assert_flow_ok(flow_ensemble_summary(e, FLOW_ITEM_INDICATOR, l.landfilled, LAST, s));
    ck_assert_double_eq_tol(s[0], 50, 5 * 5 / sqrt((double)n));
    ck_assert_double_eq_tol(s[2], 50 - 1.644854 * 5, 0.25); /* 5 se of a p5 quantile: 5 sqrt(.05 .95 / n) / phi(1.645) x 5 */
    ck_assert_double_eq_tol(s[4], 50, 0.12);                 /* 5 se of the median: 5 x 1.2533 x 5 / sqrt n */
    flow_ensemble_free(e);
    flow_model_free(l.m);
}

START_TEST(test_p_met_closed_form)
{
    check_p(0);
}
END_TEST

START_TEST(test_p_met_lhs)
{
    check_p(1);
}
END_TEST

/* the same samples on 1, 2 and 3 threads, bit for bit (flows and indicators);
 * enough samples that every worker runs some (a worker starts while the
 * first ones run) */
#define NT 30001
START_TEST(test_threads_bit_identical)
{
    lin l = make(0.5, 55, "gen");
    flow_uncertain u[2] = { normal("gen", 100, 10), { .param = "share", .apply = FLOW_APPLY_SCALE } };
    u[1].dist.kind = FLOW_DIST_UNIFORM;
    u[1].dist.a = 0.8;
    u[1].dist.b = 1.2;
    for (int lhs = 0; lhs < 2; lhs++) {
        flow_ensemble *e1 = run(l.m, u, 2, NT, 1, lhs);
        for (int j = 2; j <= 3; j++) {
            flow_ensemble *ej = run(l.m, u, 2, NT, j, lhs);
            size_t nf = (size_t)NT * (LAST - FIRST + 1) * (size_t)flow_model_n_items(l.m, FLOW_ITEM_FLOW);
            size_t ni = (size_t)NT * (LAST - FIRST + 1);
            ck_assert(memcmp(flow_ensemble_values(e1, FLOW_ITEM_FLOW), flow_ensemble_values(ej, FLOW_ITEM_FLOW),
                             nf * sizeof(double)) == 0);
            ck_assert(memcmp(flow_ensemble_values(e1, FLOW_ITEM_INDICATOR),
                             flow_ensemble_values(ej, FLOW_ITEM_INDICATOR), ni * sizeof(double)) == 0);
            flow_ensemble_free(ej);
        }
        flow_ensemble_free(e1);
    }
    flow_model_free(l.m);
}
END_TEST

/* common random numbers: two models (shares 0.5 and 0.6) see the same
 * draws of gen, so their landfilled differ by exactly 0.1 gen in every
 * sample; a parameter of another name draws other numbers */
START_TEST(test_common_random_numbers)
{
    lin a = make(0.5, 55, "gen"), b = make(0.6, 55, "gen"), c = make(0.5, 55, "gen2");
    flow_uncertain u = normal("gen", 100, 10), u2 = normal("gen2", 100, 10);
    flow_ensemble *ea = run(a.m, &u, 1, 200, 2, 0), *eb = run(b.m, &u, 1, 200, 3, 0), *ec = run(c.m, &u2, 1, 200, 1, 0);
    const double *ia = flow_ensemble_values(ea, FLOW_ITEM_INDICATOR), *ib = flow_ensemble_values(eb, FLOW_ITEM_INDICATOR);
    int same = 0;
    for (long i = 0; i < 200; i++) {
        double xa, xb, xc;
        ck_assert_flow_ok(flow_ensemble_draw(ea, i, 0, &xa));
        ck_assert_flow_ok(flow_ensemble_draw(eb, i, 0, &xb));
        ck_assert_flow_ok(flow_ensemble_draw(ec, i, 0, &xc));
        ck_assert(xa == xb);
        same += xa == xc;
        ck_assert_double_eq_tol(ib[i * 3 + 2] - ia[i * 3 + 2], 0.1 * xa, 1e-9 * xa);
    }
    ck_assert_int_eq(same, 0);
    flow_ensemble_free(ea);
    flow_ensemble_free(eb);
    flow_ensemble_free(ec);
    flow_model_free(a.m);
    flow_model_free(b.m);
    flow_model_free(c.m);
}
END_TEST

/* a shared driver with rho = 1: gen and share (both uniform) take the
 * same uniform, so their draws rise together in every sample; a share
 * scaled beyond 1 is clamped to its bound 1 */
START_TEST(test_driver_and_bounds)
{
    lin l = make(0.5, 55, "gen");
    flow_uncertain u[2] = { { .param = "gen", .driver = "d", .rho = 1 }, { .param = "share", .driver = "d", .rho = 1 } };
    u[0].dist.kind = u[1].dist.kind = FLOW_DIST_UNIFORM;
    u[0].dist.a = 50, u[0].dist.b = 150;  /* set: gen = 50 + 100 U */
    u[1].dist.a = 0.5, u[1].dist.b = 3.0; /* scale: share = 0.5 (0.5 + 2.5 U), clamped at 1 */
    u[1].apply = FLOW_APPLY_SCALE;
    flow_ensemble *e = run(l.m, u, 2, 100, 2, 0);
    const double *ind = flow_ensemble_values(e, FLOW_ITEM_INDICATOR);
    for (long i = 0; i < 100; i++) {
        double g, f;
        flow_ensemble_draw(e, i, 0, &g);
        flow_ensemble_draw(e, i, 1, &f);
        double uu = (g - 50) / 100;
        ck_assert_double_eq_tol(f, 0.5 + 2.5 * uu, 1e-12);
        double share = fmin(1, 0.5 * f);
        ck_assert_double_eq_tol(ind[i * 3], share * g, 1e-9 * g);
    }
    flow_ensemble_free(e);
    flow_model_free(l.m);
}
END_TEST

/* a commissioning delay: a capacity-like step series 0, 0, 10 (from
 * LAST) shifted by k in {0, 1} years: with k = 1 the LAST value is the
 * one of LAST - 1, 0 */
START_TEST(test_shift)
{
    flow_model *m;
    int years[] = { FIRST, LAST }, p, w, src, sink;
    double vals[] = { 0, 10 };
    ck_assert_flow_ok(flow_model_new(&m, FIRST, LAST, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "w", FLOW_CAT_DOMESTIC, "t", &w));
    ck_assert_flow_ok(flow_model_add_param(m, "cap", NULL, FLOW_INTERP_STEP, 2, years, vals, &p));
    ck_assert_flow_ok(flow_model_add_process(m, "src", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "sink", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sink, w, FLOW_FIXED, 1, p, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    double v[] = { 0, 1 };
    flow_uncertain u = { .param = "cap", .apply = FLOW_APPLY_SHIFT };
    u.dist.kind = FLOW_DIST_DISCRETE;
    u.dist.n = 2;
    u.dist.values = v;
    flow_ensemble *e = run(m, &u, 1, 400, 2, 0);
    const double *f = flow_ensemble_values(e, FLOW_ITEM_FLOW);
    int delayed = 0;
    for (long i = 0; i < 400; i++) {
        double k;
        flow_ensemble_draw(e, i, 0, &k);
        ck_assert_double_eq(f[i * 3 + 2], k == 1 ? 0 : 10);
        delayed += k == 1;
    }
    /* Binomial(400, 1/2): sd 10; 5 of them */
    ck_assert_int_ge(delayed, 150);
    ck_assert_int_le(delayed, 250);
    flow_ensemble_free(e);
    flow_model_free(m);
}
END_TEST

/* "halves", a process type for test_reuse_bit_identical: port "a" takes
 * the share "s" of every material as itself, port "b" the rest. */
static int halves_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    int M = flow_type_ctx_n_materials(ctx);
    double sh = flow_type_ctx_param(ctx, 0);
    for (int m = 0; m < M; m++) {
        T->coef[((size_t)0 * M + m) * M + m] = sh;
        T->coef[((size_t)1 * M + m) * M + m] = 1 - sh;
    }
    return 0;
}

static const flow_param_decl halves_params[] = { { "s", "1", 0.5, 0, 1, "share to port a" } };
static const char *const halves_ports[] = { "a", "b" };
FLOW_PLUGIN_DEFINE(halves, "halves", .params = halves_params, .n_params = 1, .ports = halves_ports, .n_ports = 2,
                   .transfer = halves_transfer);

/* An ensemble computes once the processes that no uncertain parameter
 * reaches (reuse.c) and passes over them in the samples after a worker's
 * first. Every sample must still be, to the bit, the plain run of its
 * drawn values. The model: a fixed source "a" (100 t/a of w) splits 0.3
 * into an accumulating stock "k" and the rest into "x", which also takes
 * what the uncertain source "b" generates and splits it between two
 * sinks; a fixed source "c" (50 t/a of v) feeds "cap", whose capacity of
 * 30 t/a holds the excess in a backlog (a state that grows over the
 * years), and cap's output joins x too. So "x" receives from fixed and
 * varying processes, in the step's order, and the fixed stock and backlog
 * must keep their values across the resets. x's rest goes to "tp", of
 * type halves (a: f2, b: tq), and tq, of type halves with a capacity of
 * 20 t/a whose excess overflows to f3 (a: f4, b: f5): their port flows
 * are written only where they carry something, so the reset must clear
 * what a sample wrote there. */
START_TEST(test_reuse_bit_identical)
{
    flow_model *m;
    int w, v, gen, cgen, sh, capv, a, b, cc, cap, k, x, f1, f2, f3, node, ind;
    ck_assert_flow_ok(flow_model_new(&m, FIRST, LAST + 2, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "w", FLOW_CAT_DOMESTIC, "t", &w));
    ck_assert_flow_ok(flow_model_add_material(m, "v", FLOW_CAT_INDUSTRIAL, "t", &v));
    ck_assert_flow_ok(flow_model_add_param_const(m, "gen", "t/a", 10, &gen));
    ck_assert_flow_ok(flow_model_add_param_const(m, "cgen", "t/a", 50, &cgen));
    ck_assert_flow_ok(flow_model_add_param_const(m, "share", NULL, 0.3, &sh));
    ck_assert_flow_ok(flow_model_add_param_const(m, "cap", "t/a", 30, &capv));
    ck_assert_flow_ok(flow_model_add_process(m, "a", FLOW_SOURCE, &a));
    ck_assert_flow_ok(flow_model_add_process(m, "b", FLOW_SOURCE, &b));
    ck_assert_flow_ok(flow_model_add_process(m, "c", FLOW_SOURCE, &cc));
    ck_assert_flow_ok(flow_model_add_process(m, "cap", FLOW_SPLIT, &cap));
    ck_assert_flow_ok(flow_model_add_process(m, "k", FLOW_STOCK, &k));
    ck_assert_flow_ok(flow_model_add_process(m, "x", FLOW_SPLIT, &x));
    ck_assert_flow_ok(flow_model_add_process(m, "f1", FLOW_SINK, &f1));
    ck_assert_flow_ok(flow_model_add_process(m, "f2", FLOW_SINK, &f2));
    ck_assert_flow_ok(flow_model_add_process(m, "f3", FLOW_SINK, &f3));
    ck_assert_flow_ok(flow_model_set_generation(m, a, w, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, b, w, 1, gen));
    ck_assert_flow_ok(flow_model_set_generation(m, cc, v, 1, cgen));
    ck_assert_flow_ok(flow_model_add_flow(m, a, k, w, FLOW_SHARE, 1, sh, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, a, x, w, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, b, x, w, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, cc, cap, v, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_set_capacity(m, cap, capv, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, cap, x, v, FLOW_SHARE, 1, sh, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, cap, f3, v, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, x, f1, FLOW_ALL, FLOW_SHARE, 1, sh, NULL));
    int tp, tq, f4, f5, tcap;
    flow_plugin_shutdown();
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_halves()));
    ck_assert_flow_ok(flow_model_add_param_const(m, "tcap", "t/a", 20, &tcap));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "tp", "halves", &tp));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "tq", "halves", &tq));
    ck_assert_flow_ok(flow_model_add_process(m, "f4", FLOW_SINK, &f4));
    ck_assert_flow_ok(flow_model_add_process(m, "f5", FLOW_SINK, &f5));
    ck_assert_flow_ok(flow_model_add_flow(m, x, tp, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, tp, "a", f2, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, tp, "b", tq, NULL));
    ck_assert_flow_ok(flow_model_set_capacity(m, tq, tcap, f3));
    /* tp's share to port a is drawn from {0, 0.5}: at 0 its row a is not
     * in the transfer and its flows are not written in that sample */
    int ts;
    ck_assert_flow_ok(flow_model_add_param_const(m, "ts", NULL, 0.5, &ts));
    ck_assert_flow_ok(flow_model_set_type_param(m, tp, "s", 1, ts));
    ck_assert_flow_ok(flow_model_add_port_flow(m, tq, "a", f4, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, tq, "b", f5, NULL));
    flow_selector sel = FLOW_SELECTOR_INIT;
    sel.to = &f1;
    sel.n_to = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &sel, &node));
    ck_assert_flow_ok(flow_model_add_indicator(m, "to_f1", "t", node, NULL, &ind));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_uncertain u = normal("gen", 10, 2);
    u.dist.kind = FLOW_DIST_UNIFORM; /* >= 0: an amount */
    u.dist.a = 5;
    u.dist.b = 15;
    double tsv[] = { 0, 0.5 };
    flow_uncertain ut = { .param = "ts", .apply = FLOW_APPLY_SET };
    ut.dist.kind = FLOW_DIST_DISCRETE;
    ut.dist.n = 2;
    ut.dist.values = tsv;
    const long N = 40;
    for (int threads = 1; threads <= 2; threads++) {
        flow_ensemble *e;
        ck_assert_flow_ok(flow_ensemble_new(&e, m));
        ck_assert_flow_ok(flow_ensemble_add(e, &u));
        ck_assert_flow_ok(flow_ensemble_add(e, &ut));
        flow_ensemble_opts o = FLOW_ENSEMBLE_OPTS_INIT;
        o.n_samples = N;
        o.seed = 7;
        o.threads = threads;
        o.keep = FLOW_KEEP(FLOW_ITEM_FLOW) | FLOW_KEEP(FLOW_ITEM_STOCK) | FLOW_KEEP(FLOW_ITEM_INDICATOR);
        ck_assert_flow_ok(flow_ensemble_run(e, &o));
        const int T = LAST + 2 - FIRST + 1;
        const flow_item_kind kinds[3] = { FLOW_ITEM_FLOW, FLOW_ITEM_STOCK, FLOW_ITEM_INDICATOR };
        for (long i = 0; i < N; i++) {
            double g, tsd;
            ck_assert_flow_ok(flow_ensemble_draw(e, i, 0, &g));
            ck_assert_flow_ok(flow_ensemble_draw(e, i, 1, &tsd));
            flow_sim *s;
            ck_assert_flow_ok(flow_sim_new(&s, m));
            for (int y = FIRST; y <= LAST + 2; y++) {
                ck_assert_flow_ok(flow_sim_set_param(s, gen, y, g));
                ck_assert_flow_ok(flow_sim_set_param(s, ts, y, tsd));
            }
            ck_assert_flow_ok(flow_sim_run(s));
            for (int q = 0; q < 3; q++) {
                size_t n = (size_t)T * (size_t)flow_model_n_items(m, kinds[q]);
                ck_assert_msg(memcmp(flow_ensemble_values(e, kinds[q]) + (size_t)i * n, flow_sim_data(s, kinds[q]),
                                     n * sizeof(double)) == 0,
                              "sample %ld, kind %d: not the plain run of its draw", i, q);
            }
            if (i == N - 1) {
                /* and by hand, the last year: the backlog of cap holds
                 * 20 t more each year (50 in, 30 out): 20 x T */
                double bl, fx;
                int item;
                ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_STOCK, "cap/backlog:v", &item));
                ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_STOCK, item, LAST + 2, &bl));
                ck_assert_double_eq_tol(bl, 20.0 * T, 1e-9);
                ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_FLOW, "x->f1:w", &item));
                ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, item, LAST + 2, &fx));
                ck_assert_double_eq_tol(fx, 0.3 * (70 + g), 1e-9);
                /* tq receives the share 1 - ts of x's rest of w and of v
                 * (0.7 of (70 + g) and of 0.3 x 30) and accepts 20 t/a of
                 * it, in proportion: w's share of the 20 to f4, half of it */
                double in_w = 0.7 * (1 - tsd) * (70 + g), in_v = 0.7 * (1 - tsd) * 9, f4w;
                ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_FLOW, "tq[a]->f4:w", &item));
                ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, item, LAST + 2, &f4w));
                ck_assert_double_eq_tol(f4w, 0.5 * 20 * in_w / (in_w + in_v), 1e-9);
            }
            flow_sim_free(s);
        }
        flow_ensemble_free(e);
    }
    flow_model_free(m);
    flow_plugin_shutdown();
}
END_TEST

START_TEST(test_bad_input)
{
    lin l = make(0.5, 55, "gen");
    flow_ensemble *e;
    ck_assert_flow_ok(flow_ensemble_new(&e, l.m));
    flow_uncertain u = normal("gne", 100, 10);
    ck_assert_int_eq(flow_ensemble_add(e, &u), FLOW_ENOTFOUND);
    ck_assert_msg(strstr(flow_error_last(), "gen"), "%s", flow_error_last());
    u = normal("derived", 1, 1);
    ck_assert_int_eq(flow_ensemble_add(e, &u), FLOW_EINVAL);
    u = normal("gen", 100, -1);
    ck_assert_int_eq(flow_ensemble_add(e, &u), FLOW_EINVAL);
    ck_assert_msg(strstr(flow_error_last(), "'gen'") && strstr(flow_error_last(), "sd = -1"), "%s", flow_error_last());
    u = normal("gen", 100, 1);
    ck_assert_flow_ok(flow_ensemble_add(e, &u));
    ck_assert_int_eq(flow_ensemble_add(e, &u), FLOW_EEXIST);
    flow_ensemble_opts o = FLOW_ENSEMBLE_OPTS_INIT;
    o.n_samples = 0;
    ck_assert_int_eq(flow_ensemble_run(e, &o), FLOW_EINVAL);
    o.n_samples = 2;
    o.threads = 3;
    ck_assert_int_eq(flow_ensemble_run(e, &o), FLOW_EINVAL);
    ck_assert_msg(strstr(flow_error_last(), "3 threads for 2 samples"), "%s", flow_error_last());
    flow_ensemble_free(e);
    flow_model_free(l.m);
}
END_TEST

/* a failing sample: the lowest failing index is reported, whatever the
 * threads (share scaled above its bound is clamped, so use a fixed flow
 * that takes more than is generated: gen drawn below 0 makes a negative
 * generation) */
START_TEST(test_failing_sample)
{
    lin l = make(0.5, 55, "gen");
    flow_uncertain u = normal("gen", 0, 1); /* about half the samples negative */
    char first[512] = "";
    for (int j = 1; j <= 3; j++) {
        flow_ensemble *e;
        ck_assert_flow_ok(flow_ensemble_new(&e, l.m));
        ck_assert_flow_ok(flow_ensemble_add(e, &u));
        flow_ensemble_opts o = FLOW_ENSEMBLE_OPTS_INIT;
        o.n_samples = 500;
        o.threads = j;
        ck_assert_int_ne(flow_ensemble_run(e, &o), 0);
        ck_assert_msg(strncmp(flow_error_last(), "sample ", 7) == 0, "%s", flow_error_last());
        if (j == 1)
            snprintf(first, sizeof first, "%s", flow_error_last());
        else
            ck_assert_str_eq(flow_error_last(), first);
        flow_ensemble_free(e);
    }
    flow_model_free(l.m);
}
END_TEST

/* out of memory at every allocation of new, add, run (2 threads, LHS,
 * flows kept): the error is FLOW_ENOMEM, nothing leaks, and once no
 * allocation fails the run succeeds */
START_TEST(test_out_of_memory)
{
    cktest_alloc ca;
    cktest_alloc_init(&ca, 0);
    lin l = make_with(&ca.a, 0.5, 55, "gen");
    flow_uncertain u[2] = { normal("gen", 100, 10), { .param = "share", .apply = FLOW_APPLY_SCALE } };
    double v[] = { 0.9, 1.1 };
    u[1].dist.kind = FLOW_DIST_DISCRETE;
    u[1].dist.n = 2;
    u[1].dist.values = v;
    long live = ca.live, n;
    for (n = 1; n < 1000; n++) {
        ca.calls = 0;
        ca.fail_at = n;
        ca.failed = 0;
        flow_ensemble *e = NULL;
        int rc = flow_ensemble_new(&e, l.m);
        for (int k = 0; k < 2 && rc == 0; k++)
            rc = flow_ensemble_add(e, &u[k]);
        flow_ensemble_opts o = FLOW_ENSEMBLE_OPTS_INIT;
        o.n_samples = 50;
        o.threads = 2;
        o.lhs = 1;
        o.keep = FLOW_KEEP(FLOW_ITEM_FLOW);
        if (rc == 0)
            rc = flow_ensemble_run(e, &o);
        flow_ensemble_free(e);
        ck_assert_int_eq(ca.live, live);
        if (!ca.failed) {
            ck_assert_flow_ok(rc);
            break;
        }
        ck_assert_msg(rc == FLOW_ENOMEM, "allocation %ld: %d %s", n, rc, flow_error_last());
    }
    ck_assert_int_gt(n, 5);
    ck_assert_int_lt(n, 1000);
    ca.fail_at = 0;
    flow_model_free(l.m);
    ck_assert_int_eq(ca.live, 0);
}
END_TEST

/* writing to a results file: the documented refusals (an ensemble not
 * run, a sensitivity row with a name of 256 bytes), then a good file
 * read back: P(met) and the counts as flow_ensemble_p_met gives them */
START_TEST(test_results_file)
{
    char dir[512], path[600];
    const char *t = getenv("FLOW_TEST_TMPDIR");
    snprintf(dir, sizeof dir, "%s/ens-test-XXXXXX", t && t[0] ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/e.h5", dir);
    lin l = make(0.5, 55, "gen");
    flow_uncertain u = normal("gen", 100, 10);
    flow_ensemble *idle, *e = run(l.m, &u, 1, 500, 2, 0);
    ck_assert_flow_ok(flow_ensemble_new(&idle, l.m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, l.m));
    ck_assert_flow_ok(flow_sim_run(s));
    flow_results *r;
    ck_assert_flow_ok(flow_results_create(&r, path));
    ck_assert_flow_ok(flow_results_write(r, "lin", s, NULL));
    ck_assert_flow_error(flow_results_write_ensemble(r, "lin", idle), FLOW_ESTATE, "has not run");
    char longname[300];
    memset(longname, 'x', 256);
    longname[256] = '\0';
    flow_sensitivity_row row = { "landfilled", LAST, longname, 0.5, 0.1 };
    ck_assert_flow_error(flow_results_write_sensitivity(r, "lin", &row, 1, 10), FLOW_EINVAL, "256 bytes");
    ck_assert_flow_ok(flow_results_write_ensemble(r, "lin", e));
    flow_sensitivity_row ok_row = { "landfilled", LAST, "gen", 1.0, 0.0 };
    ck_assert_flow_ok(flow_results_write(r, "sens", s, NULL));
    ck_assert_flow_ok(flow_results_write_sensitivity(r, "sens", &ok_row, 1, 10));
    ck_assert_flow_ok(flow_results_commit(r));
    ck_assert_flow_ok(flow_results_open(&r, path));
    long n;
    unsigned long long seed;
    int lhs, nt;
    ck_assert_flow_ok(flow_results_ensemble_info(r, 0, &n, &seed, &lhs, &nt));
    ck_assert_int_eq(n, 500);
    ck_assert(seed == 42);
    ck_assert_int_eq(nt, 1);
    flow_results_pmet got;
    flow_pmet want;
    ck_assert_flow_ok(flow_results_ensemble_target(r, 0, 0, &got));
    ck_assert_flow_ok(flow_ensemble_p_met(e, 0, &want));
    ck_assert_str_eq(got.indicator, "landfilled");
    ck_assert_str_eq(got.cmp, "<=");
    ck_assert_int_eq(got.year, LAST);
    ck_assert_int_eq(got.pm.n_met, want.n_met);
    ck_assert(got.pm.p == want.p && got.pm.lo == want.lo && got.pm.hi == want.hi);
    ck_assert_flow_error(flow_results_ensemble_target(r, 0, 1, &got), FLOW_ENOTFOUND, "no ensemble target 1");
    /* the summary read back: as flow_ensemble_summary gives it, and
     * landfilled ~ N(50, 5) (half of N(100, 10)) within 5 standard errors
     * of 500 samples: mean 5/sqrt(500) = 0.22, sd 5/sqrt(1000) = 0.16 */
    int first, last, sc_lin, sc_sens;
    ck_assert_flow_ok(flow_results_find_scenario(r, "lin", &sc_lin));
    ck_assert_flow_ok(flow_results_find_scenario(r, "sens", &sc_sens));
    ck_assert_flow_ok(flow_results_years(r, sc_lin, &first, &last));
    int T = last - first + 1;
    double sum[7 * 8], q[7];
    ck_assert_int_le(T, 8);
    ck_assert_flow_ok(flow_results_ensemble_summary(r, sc_lin, 0, sum));
    for (int y = first; y <= last; y++) {
        ck_assert_flow_ok(flow_ensemble_summary(e, FLOW_ITEM_INDICATOR, 0, y, q));
        for (int k = 0; k < 7; k++)
            ck_assert(sum[k * T + (y - first)] == q[k]);
    }
    ck_assert_double_eq_tol(sum[0 * T + (LAST - first)], 50, 5 * 0.22);
    ck_assert_double_eq_tol(sum[1 * T + (LAST - first)], 5, 5 * 0.16);
    ck_assert_flow_error(flow_results_ensemble_summary(r, sc_lin, 1, sum), FLOW_ENOTFOUND, "no indicator 1");
    /* a sensitivity analysis alone is no ensemble */
    ck_assert_flow_error(flow_results_ensemble_info(r, sc_sens, &n, &seed, &lhs, &nt), FLOW_ENOTFOUND,
                         "only a sensitivity analysis");
    ck_assert_flow_error(flow_results_ensemble_summary(r, sc_sens, 0, sum), FLOW_ENOTFOUND, "no ensemble summary");
    flow_results_close(r);
    remove(path);
    rmdir(dir);
    flow_sim_free(s);
    flow_ensemble_free(idle);
    flow_ensemble_free(e);
    flow_model_free(l.m);
}
END_TEST

/* a sensitivity analysis read back (flow_results_sensitivity_info and
 * _row): the rows written, in their order, strings of 255 bytes whole;
 * the refusals: a row out of range, a scenario without one (with and
 * without an ensemble group), a writer */
START_TEST(test_sensitivity_read)
{
    char dir[512], path[600], longname[256];
    const char *t = getenv("FLOW_TEST_TMPDIR");
    snprintf(dir, sizeof dir, "%s/sens-test-XXXXXX", t && t[0] ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.h5", dir);
    memset(longname, 'f', 255);
    longname[255] = '\0';
    lin l = make(0.5, 55, "gen");
    flow_uncertain u = normal("gen", 100, 10);
    flow_ensemble *e = run(l.m, &u, 1, 50, 1, 0);
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, l.m));
    ck_assert_flow_ok(flow_sim_run(s));
    flow_results *r;
    ck_assert_flow_ok(flow_results_create(&r, path));
    /* two targets' rows, by hand: the second with a NaN index and a 255-byte factor */
    const flow_sensitivity_row rows[3] = { { "landfilled", LAST, "gen", 0.75, 0.125 },
                                           { "landfilled", LAST, "share", 0.25, 0.0625 },
                                           { "landfilled", FIRST, longname, NAN, -1.5 } };
    ck_assert_flow_ok(flow_results_write(r, "sens", s, NULL));
    ck_assert_flow_ok(flow_results_write_sensitivity(r, "sens", rows, 3, 1234));
    ck_assert_flow_error(flow_results_sensitivity_info(r, 0, &(int){ 0 }, &(long){ 0 }), FLOW_EINVAL, "for writing");
    ck_assert_flow_ok(flow_results_write(r, "plain", s, NULL));
    ck_assert_flow_ok(flow_results_write(r, "mc", s, NULL));
    ck_assert_flow_ok(flow_results_write_ensemble(r, "mc", e));
    ck_assert_flow_ok(flow_results_commit(r));
    ck_assert_flow_ok(flow_results_open(&r, path));
    int sc, n;
    long ns;
    flow_results_sens got;
    ck_assert_flow_ok(flow_results_find_scenario(r, "sens", &sc));
    ck_assert_flow_ok(flow_results_sensitivity_info(r, sc, &n, &ns));
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(ns, 1234);
    for (int k = 0; k < 3; k++) {
        ck_assert_flow_ok(flow_results_sensitivity_row(r, sc, k, &got));
        ck_assert_str_eq(got.indicator, rows[k].indicator);
        ck_assert_str_eq(got.factor, rows[k].factor);
        ck_assert_int_eq(got.year, rows[k].year);
        ck_assert(k == 2 ? isnan(got.s1) : got.s1 == rows[k].s1);
        ck_assert(got.se == rows[k].se);
    }
    ck_assert_int_eq(strlen(got.factor), 255);
    ck_assert_flow_error(flow_results_sensitivity_row(r, sc, 3, &got), FLOW_ENOTFOUND, "no sensitivity row 3 (there are 3)");
    ck_assert_flow_error(flow_results_sensitivity_row(r, sc, -1, &got), FLOW_ENOTFOUND, "no sensitivity row -1");
    ck_assert_flow_ok(flow_results_find_scenario(r, "plain", &sc));
    ck_assert_flow_error(flow_results_sensitivity_info(r, sc, &n, &ns), FLOW_ENOTFOUND, "has no ensemble");
    ck_assert_flow_ok(flow_results_find_scenario(r, "mc", &sc));
    ck_assert_flow_error(flow_results_sensitivity_info(r, sc, &n, &ns), FLOW_ENOTFOUND,
                         "scenario 'mc' has no sensitivity analysis");
    ck_assert_flow_error(flow_results_sensitivity_row(r, 99, 0, &got), FLOW_ENOTFOUND, "no scenario 99");
    flow_results_close(r);
    remove(path);
    rmdir(dir);
    flow_sim_free(s);
    flow_ensemble_free(e);
    flow_model_free(l.m);
}
END_TEST

Suite *flow_ensemble_suite(void)
{
    Suite *s = suite_create("ensemble");
    TCase *tc = tcase_create("ensemble");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_p_met_closed_form);
    tcase_add_test(tc, test_p_met_lhs);
    tcase_add_test(tc, test_threads_bit_identical);
    tcase_add_test(tc, test_reuse_bit_identical);
    tcase_add_test(tc, test_common_random_numbers);
    tcase_add_test(tc, test_driver_and_bounds);
    tcase_add_test(tc, test_shift);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_failing_sample);
    tcase_add_test(tc, test_out_of_memory);
    tcase_add_test(tc, test_results_file);
    tcase_add_test(tc, test_sensitivity_read);
    suite_add_tcase(s, tc);
    return s;
}
