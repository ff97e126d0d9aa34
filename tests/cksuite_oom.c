/*
 * cksuite_oom.c — out-of-memory injection over a whole build and run.
 *
 * The model has a recycling loop, a capacity with overflow and one with a
 * backlog, a stock of every mode and only step/linear/constant/product
 * parameters (no spline, so GSL's own allocations stay out of the way).
 * For n = 1, 2, ... the n-th allocation fails: the call that hit it must
 * return FLOW_ENOMEM with a message, constructors must leave NULL behind,
 * and once everything is freed no block may be live. The loop ends at the
 * first n where the whole build-and-run completes without the failure
 * firing.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cktest.h"

#define OOM_MAX_N 100000

typedef struct oom_run {
    int rc;
    const char *stage; /* the call that failed, for messages */
    char msg[256];
    long calls_before_step; /* allocations made before the first step */
    long calls_after_run;
    int new_left_null;      /* a failed constructor left *out = NULL */
} oom_run;

#define TRY(call)                                                                  \
    do {                                                                           \
        r->rc = (call);                                                            \
        if (r->rc != 0) {                                                          \
            r->stage = #call;                                                      \
            goto done;                                                             \
        }                                                                          \
    } while (0)

static void build_and_run(cktest_alloc *ca, oom_run *r)
{
    flow_model *m = NULL;
    flow_sim *s = NULL;
    r->rc = 0;
    r->stage = "";
    r->msg[0] = '\0';
    r->new_left_null = 1;
    r->calls_before_step = r->calls_after_run = -1;

    m = (flow_model *)&m;
    r->rc = flow_model_new(&m, 2020, 2026, &ca->a);
    if (r->rc != 0) {
        r->stage = "flow_model_new";
        r->new_left_null = m == NULL;
        m = NULL;
        goto done;
    }

    int msw, glass, metal;
    TRY(flow_model_set_origin(m, "models/oom.lua", 1));
    TRY(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    TRY(flow_model_add_material(m, "glass", FLOW_CAT_DOMESTIC, "t", &glass));
    TRY(flow_model_add_material(m, "metal", FLOW_CAT_INDUSTRIAL, "t", &metal));

    int yl[] = { 2020, 2026 };
    double vl[] = { 900.0, 1200.0 };
    int ys[] = { 2020, 2023 };
    double vs[] = { 0.3, 0.4 };
    double vp[] = { 1.0, 1.5 };
    int gen, rate, pop, percap, demand, cap_inc, cap_yard, path, leach;
    TRY(flow_model_add_param(m, "gen", "t/a", FLOW_INTERP_LINEAR, 2, yl, vl, &gen));
    TRY(flow_model_add_param(m, "rate", NULL, FLOW_INTERP_STEP, 2, ys, vs, &rate));
    TRY(flow_model_add_param_const(m, "pop", "cap", 1000.0, &pop));
    TRY(flow_model_add_param_const(m, "percap", "t/cap", 0.05, &percap));
    TRY(flow_model_add_param_product(m, "demand", "t/a", pop, percap, &demand));
    TRY(flow_model_add_param_const(m, "cap_inc", "t/a", 400.0, &cap_inc));
    TRY(flow_model_add_param_const(m, "cap_yard", "t/a", 100.0, &cap_yard));
    TRY(flow_model_add_param(m, "path", NULL, FLOW_INTERP_STEP, 2, ys, vp, &path));
    TRY(flow_model_add_param_const(m, "leach", NULL, 0.01, &leach));
    TRY(flow_model_set_param_bounds(m, rate, 0.0, 1.0));

    TRY(flow_model_set_origin(m, "models/oom.lua", 2));
    int hh, dealers, sorting, rec, inc, yard, lf, cars, bld, market, air, leachate, scrap;
    TRY(flow_model_add_process(m, "households", FLOW_SOURCE, &hh));
    TRY(flow_model_add_process(m, "dealers", FLOW_SOURCE, &dealers));
    TRY(flow_model_add_process(m, "sorting", FLOW_SPLIT, &sorting));
    TRY(flow_model_add_process(m, "recycling", FLOW_SPLIT, &rec));
    TRY(flow_model_add_process(m, "incinerator", FLOW_SPLIT, &inc));
    TRY(flow_model_add_process(m, "yard", FLOW_STOCK, &yard));
    TRY(flow_model_add_process(m, "landfill", FLOW_STOCK, &lf));
    TRY(flow_model_add_process(m, "cars", FLOW_STOCK, &cars));
    TRY(flow_model_add_process(m, "buildings", FLOW_STOCK, &bld));
    TRY(flow_model_add_process(m, "market", FLOW_SINK, &market));
    TRY(flow_model_add_process(m, "air", FLOW_SINK, &air));
    TRY(flow_model_add_process(m, "leachate", FLOW_SINK, &leachate));
    TRY(flow_model_add_process(m, "scrap", FLOW_SINK, &scrap));

    flow_lifetime lt_cars = { FLOW_LT_FIXED, 3.0, 0.0 };
    flow_lifetime lt_bld = { FLOW_LT_EXPONENTIAL, 10.0, 0.0 };
    TRY(flow_model_set_stock_mode(m, yard, FLOW_STOCK_STORAGE));
    TRY(flow_model_set_stock_mode(m, lf, FLOW_STOCK_ACCUMULATE));
    TRY(flow_model_set_stock_mode(m, cars, FLOW_STOCK_INUSE));
    TRY(flow_model_set_stock_mode(m, bld, FLOW_STOCK_INUSE_DRIVEN));
    TRY(flow_model_set_lifetime(m, cars, &lt_cars));
    TRY(flow_model_set_lifetime(m, bld, &lt_bld));
    TRY(flow_model_set_initial_stock(m, yard, glass, 100.0));
    TRY(flow_model_set_initial_stock(m, lf, msw, 1000.0));
    TRY(flow_model_set_stock_path(m, bld, metal, 200.0, path));
    TRY(flow_model_set_generation(m, hh, msw, 1.0, gen));
    TRY(flow_model_set_generation(m, hh, glass, 0.1, gen));
    TRY(flow_model_set_generation(m, hh, metal, 0.0, FLOW_NONE));
    TRY(flow_model_set_generation(m, dealers, metal, 1.0, demand));

    TRY(flow_model_set_origin(m, NULL, 0));
    /* households -> sorting <-> recycling (the loop) */
    TRY(flow_model_add_flow(m, hh, sorting, FLOW_ALL, FLOW_SHARE, 1.0, FLOW_NONE, NULL));
    TRY(flow_model_add_flow(m, sorting, rec, msw, FLOW_SHARE, 1.0, rate, NULL));
    TRY(flow_model_add_flow(m, sorting, yard, glass, FLOW_SHARE, 0.5, FLOW_NONE, NULL));
    TRY(flow_model_add_flow(m, sorting, inc, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE, NULL));
    TRY(flow_model_add_flow(m, rec, sorting, FLOW_ALL, FLOW_SHARE, 0.5, FLOW_NONE, NULL));
    TRY(flow_model_add_flow(m, rec, market, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE, NULL));
    /* incinerator: capacity with a backlog; 20 % to landfill */
    TRY(flow_model_add_flow(m, inc, lf, FLOW_ALL, FLOW_SHARE, 0.2, FLOW_NONE, NULL));
    TRY(flow_model_add_flow(m, inc, air, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE, NULL));
    TRY(flow_model_set_capacity(m, inc, cap_inc, FLOW_NONE));
    /* yard: capacity with overflow to landfill; draws down 20 % a year */
    TRY(flow_model_add_flow(m, yard, market, FLOW_ALL, FLOW_SHARE, 0.2, FLOW_NONE, NULL));
    TRY(flow_model_set_capacity(m, yard, cap_yard, lf));
    /* landfill leaches */
    TRY(flow_model_add_flow(m, lf, leachate, FLOW_ALL, FLOW_SHARE, 1.0, leach, NULL));
    /* cars: fed by dealers, end of life partly back into sorting */
    TRY(flow_model_add_flow(m, dealers, cars, metal, FLOW_SHARE, 1.0, FLOW_NONE, NULL));
    TRY(flow_model_add_flow(m, cars, sorting, FLOW_ALL, FLOW_SHARE, 0.3, FLOW_NONE, NULL));
    TRY(flow_model_add_flow(m, cars, scrap, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE, NULL));
    /* buildings: stock-driven, demolition to landfill */
    TRY(flow_model_add_flow(m, bld, lf, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE, NULL));

    /* indicators and a target: their selectors, nodes and item lists */
    {
        int n_lf, n_all, n_rate, n_ch, ind;
        flow_selector sel = FLOW_SELECTOR_INIT;
        sel.to = &lf;
        sel.n_to = 1;
        TRY(flow_expr_flows(m, &sel, &n_lf));
        flow_selector any = FLOW_SELECTOR_INIT;
        TRY(flow_expr_flows(m, &any, &n_all));
        TRY(flow_expr_op(m, FLOW_OP_DIV, n_lf, n_all, &n_rate));
        TRY(flow_expr_change(m, n_rate, 2020, &n_ch));
        flow_selector st = FLOW_SELECTOR_INIT;
        st.from = &lf;
        st.n_from = 1;
        int n_st;
        TRY(flow_expr_stocks(m, &st, &n_st));
        TRY(flow_model_add_indicator(m, "landfill_share", "1", n_rate, "oom test", &ind));
        TRY(flow_model_add_indicator(m, "landfill_share_change", "1", n_ch, NULL, NULL));
        TRY(flow_model_add_indicator(m, "landfill_stock", "t", n_st, NULL, NULL));
        TRY(flow_model_add_target(m, ind, 2026, FLOW_CMP_LE, 0.5, "oom test", NULL));
    }
    TRY(flow_model_compile(m));

    s = (flow_sim *)&s;
    r->rc = flow_sim_new(&s, m);
    if (r->rc != 0) {
        r->stage = "flow_sim_new";
        r->new_left_null = s == NULL;
        s = NULL;
        goto done;
    }
    TRY(flow_sim_set_param(s, rate, 2024, 0.5));
    TRY(flow_sim_set_param_from(s, pop, 2025, 1100.0));
    r->calls_before_step = ca->calls;
    TRY(flow_sim_step(s));
    TRY(flow_sim_run(s));
    r->calls_after_run = ca->calls;
    TRY(flow_sim_reset(s));
    TRY(flow_sim_run(s));

done:
    if (r->rc != 0)
        snprintf(r->msg, sizeof r->msg, "%s", flow_error_last());
    flow_sim_free(s);
    flow_model_free(m);
}

/* Without injected failures: everything succeeds, the year step never
 * allocates, and nothing is left live. */
START_TEST(test_oom_baseline)
{
    cktest_alloc ca;
    oom_run r;
    cktest_alloc_init(&ca, 0);
    build_and_run(&ca, &r);
    ck_assert_msg(r.rc == 0, "%s failed: %d: %s", r.stage, r.rc, r.msg);
    ck_assert_int_eq(ca.failed, 0);
    ck_assert_int_gt(ca.calls, 0);
    ck_assert_int_eq(r.calls_after_run, r.calls_before_step);
    ck_assert_int_eq(ca.live, 0);
}
END_TEST

START_TEST(test_oom_every_allocation)
{
    long n;
    int fired = 0;
    for (n = 1; n <= OOM_MAX_N; n++) {
        cktest_alloc ca;
        oom_run r;
        cktest_alloc_init(&ca, n);
        flow_error_clear();
        build_and_run(&ca, &r);
        if (!ca.failed) {
            ck_assert_msg(r.rc == 0, "n = %ld: %s failed without an injected failure: %d: %s",
                          n, r.stage, r.rc, r.msg);
            ck_assert_msg(ca.live == 0, "n = %ld: %ld blocks live after a clean run", n, ca.live);
            break;
        }
        fired++;
        ck_assert_msg(r.rc == FLOW_ENOMEM,
                      "n = %ld: allocation %ld failed but the run returned %d (%s) from %s: %s",
                      n, n, r.rc, flow_strerror(r.rc), r.stage[0] ? r.stage : "no call", r.msg);
        ck_assert_msg(r.msg[0] != '\0', "n = %ld: %s returned FLOW_ENOMEM with no message",
                      n, r.stage);
        ck_assert_msg(r.new_left_null, "n = %ld: failed %s did not leave *out = NULL", n,
                      r.stage);
        ck_assert_msg(ca.live == 0, "n = %ld: %ld blocks live after %s failed and all was freed",
                      n, ca.live, r.stage);
    }
    ck_assert_msg(n <= OOM_MAX_N, "the run still allocated after %d allocations", OOM_MAX_N);
    /* the model does allocate: failures fired at least once */
    ck_assert_int_gt(fired, 0);
}
END_TEST

/* The error code and message of an out-of-memory failure, checked right
 * after the call that hit it: sim_new with the first of its allocations
 * failing (counted from a clean build). */
START_TEST(test_oom_message)
{
    cktest_alloc ca;
    cktest_alloc_init(&ca, 0);
    flow_model *m = NULL;
    int msw, src, sink;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2021, &ca.a));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 10.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sink, msw, FLOW_SHARE, 1.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    ca.fail_at = ca.calls + 1;
    flow_sim *s = (flow_sim *)&s;
    ck_assert_flow_error(flow_sim_new(&s, m), FLOW_ENOMEM, "");
    ck_assert_int_eq(ca.failed, 1);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(flow_error_last_code(), FLOW_ENOMEM);
    ck_assert(flow_error_last()[0] != '\0');
    /* the model is still usable */
    ca.fail_at = 0;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    double v = NAN;
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, 0, 2021, &v));
    ck_assert_double_eq_tol(v, 10.0, 1e-12);
    flow_sim_free(s);
    flow_model_free(m);
    ck_assert_int_eq(ca.live, 0);
}
END_TEST

Suite *flow_oom_suite(void)
{
    Suite *s = suite_create("oom");
    TCase *tc = tcase_create("oom");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_oom_baseline);
    tcase_add_test(tc, test_oom_message);
    tcase_add_test(tc, test_oom_every_allocation);
    suite_add_tcase(s, tc);
    return s;
}
