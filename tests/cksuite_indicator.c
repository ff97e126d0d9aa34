/*
 * cksuite_indicator.c — indicators and targets: selectors, arithmetic,
 * changes against a base year, and the verdicts on targets, on a small
 * model whose every flow is worked out by hand below.
 *
 * Model, 2020-2022, materials msw (domestic) and slag (industrial):
 *   city (source)  generates msw 100, 110, 120 (linear) and slag 50 (const)
 *   city -> sorting: rest, all materials
 *   sorting: share s of msw -> recycling (sink), rest -> landfill (stock);
 *            slag: rest -> landfill
 *   s = 0.2, 0.3, 0.4 (linear 2020-2022)
 * Hand figures:
 *   recycled msw  = 20, 33, 48
 *   landfilled    = msw 80, 77, 72 + slag 50 = 130, 127, 122
 *   landfill stock (msw + slag) = 130, 257, 379
 */
#include <math.h>
#include <string.h>

#include "cktest.h"

typedef struct fixture {
    flow_model *m;
    int msw, slag, city, sorting, recycling, landfill;
    int share, gen;
} fixture;

static void build(fixture *f)
{
    ck_assert_flow_ok(flow_model_new(&f->m, 2020, 2022, NULL));
    flow_model *m = f->m;
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &f->msw));
    ck_assert_flow_ok(flow_model_add_material(m, "slag", FLOW_CAT_INDUSTRIAL, "t", &f->slag));
    int yrs[] = { 2020, 2022 };
    double g[] = { 100, 120 }, sh[] = { 0.2, 0.4 };
    ck_assert_flow_ok(flow_model_add_param(m, "msw_gen", "t/a", FLOW_INTERP_LINEAR, 2, yrs, g, &f->gen));
    ck_assert_flow_ok(flow_model_add_param(m, "recycling_share", "1", FLOW_INTERP_LINEAR, 2, yrs, sh, &f->share));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &f->city));
    ck_assert_flow_ok(flow_model_add_process(m, "sorting", FLOW_SPLIT, &f->sorting));
    ck_assert_flow_ok(flow_model_add_process(m, "recycling", FLOW_SINK, &f->recycling));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_STOCK, &f->landfill));
    ck_assert_flow_ok(flow_model_set_generation(m, f->city, f->msw, 1, f->gen));
    ck_assert_flow_ok(flow_model_set_generation(m, f->city, f->slag, 50, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, f->city, f->sorting, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, f->sorting, f->recycling, f->msw, FLOW_SHARE, 1, f->share, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, f->sorting, f->landfill, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
}

static double ind(flow_sim *s, const char *name, int year)
{
    int i;
    double v;
    ck_assert_flow_ok(flow_model_find_indicator(flow_sim_model(s), name, &i));
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_INDICATOR, i, year, &v));
    return v;
}

START_TEST(test_selectors_and_arithmetic)
{
    fixture f;
    build(&f);
    flow_model *m = f.m;
    int n_rec, n_land, n_dom_land, n_stock, n_gen, n_rate, n_change, n_at, n_kind, n_c, n_min;
    flow_selector sel = FLOW_SELECTOR_INIT;
    sel.to = &f.recycling;
    sel.n_to = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &sel, &n_rec));
    flow_selector land = FLOW_SELECTOR_INIT;
    land.to = &f.landfill;
    land.n_to = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &land, &n_land));
    flow_category dom = FLOW_CAT_DOMESTIC;
    land.categories = &dom;
    land.n_categories = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &land, &n_dom_land));
    flow_selector st = FLOW_SELECTOR_INIT;
    st.from = &f.landfill;
    st.n_from = 1;
    ck_assert_flow_ok(flow_expr_stocks(m, &st, &n_stock));
    flow_selector gen = FLOW_SELECTOR_INIT;
    flow_kind src = FLOW_SOURCE;
    gen.from_kind = &src;
    gen.n_from_kind = 1;
    gen.materials = &f.msw;
    gen.n_materials = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &gen, &n_gen));
    ck_assert_flow_ok(flow_expr_op(m, FLOW_OP_DIV, n_rec, n_gen, &n_rate));
    ck_assert_flow_ok(flow_expr_change(m, n_land, 2020, &n_change));
    ck_assert_flow_ok(flow_expr_at(m, n_rec, 2021, &n_at));
    flow_selector sinks = FLOW_SELECTOR_INIT;
    flow_kind sk = FLOW_SINK;
    sinks.to_kind = &sk;
    sinks.n_to_kind = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &sinks, &n_kind));
    ck_assert_flow_ok(flow_expr_const(m, 25, &n_c));
    ck_assert_flow_ok(flow_expr_op(m, FLOW_OP_MIN, n_rec, n_c, &n_min));

    ck_assert_flow_ok(flow_model_add_indicator(m, "recycled", "t/a", n_rec, "test row 1", NULL));
    ck_assert_flow_ok(flow_model_add_indicator(m, "landfilled", "t/a", n_land, NULL, NULL));
    ck_assert_flow_ok(flow_model_add_indicator(m, "landfilled_domestic", "t/a", n_dom_land, NULL, NULL));
    ck_assert_flow_ok(flow_model_add_indicator(m, "landfill_stock", "t", n_stock, NULL, NULL));
    ck_assert_flow_ok(flow_model_add_indicator(m, "recycling_rate", "1", n_rate, NULL, NULL));
    ck_assert_flow_ok(flow_model_add_indicator(m, "landfill_change", "1", n_change, NULL, NULL));
    ck_assert_flow_ok(flow_model_add_indicator(m, "recycled_2021", "t/a", n_at, NULL, NULL));
    ck_assert_flow_ok(flow_model_add_indicator(m, "into_sinks", "t/a", n_kind, NULL, NULL));
    ck_assert_flow_ok(flow_model_add_indicator(m, "recycled_capped", "t/a", n_min, NULL, NULL));
    ck_assert_flow_error(flow_model_add_indicator(m, "recycled", "t/a", n_rec, NULL, NULL), FLOW_EEXIST,
                         "'recycled'");
    ck_assert_flow_error(flow_model_add_indicator(m, "x", "t/a", 999, NULL, NULL), FLOW_ENOTFOUND, "999");
    ck_assert_flow_error(flow_expr_change(m, n_land, 2019, &n_c), FLOW_ERANGE, "2019");
    ck_assert_str_eq(flow_model_indicator_source(m, 0), "test row 1");
    ck_assert_str_eq(flow_model_indicator_unit(m, 4), "1");

    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_INDICATOR), 9);
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    /* before 2021 is simulated, "recycled in 2021" is undefined */
    ck_assert_flow_ok(flow_sim_step(s));
    ck_assert(isnan(ind(s, "recycled_2021", 2020)));
    ck_assert_flow_ok(flow_sim_run(s));

    double rec[] = { 20, 33, 48 }, lf[] = { 130, 127, 122 }, lfd[] = { 80, 77, 72 }, stk[] = { 130, 257, 379 };
    double gsum[] = { 100, 110, 120 };
    for (int y = 2020; y <= 2022; y++) {
        int t = y - 2020;
        ck_assert_double_eq_tol(ind(s, "recycled", y), rec[t], 1e-9);
        ck_assert_double_eq_tol(ind(s, "landfilled", y), lf[t], 1e-9);
        ck_assert_double_eq_tol(ind(s, "landfilled_domestic", y), lfd[t], 1e-9);
        ck_assert_double_eq_tol(ind(s, "landfill_stock", y), stk[t], 1e-9);
        /* recycling rate 20/100, 33/110, 48/120 */
        ck_assert_double_eq_tol(ind(s, "recycling_rate", y), rec[t] / gsum[t], 1e-12);
        /* landfill change vs 2020: 0, (127-130)/130, (122-130)/130 */
        ck_assert_double_eq_tol(ind(s, "landfill_change", y), (lf[t] - 130) / 130, 1e-12);
        /* sinks: only recycling is a sink */
        ck_assert_double_eq_tol(ind(s, "into_sinks", y), rec[t], 1e-9);
        ck_assert_double_eq_tol(ind(s, "recycled_capped", y), fmin(rec[t], 25), 1e-9);
    }
    ck_assert_double_eq_tol(ind(s, "recycled_2021", 2022), 33, 1e-9);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

START_TEST(test_targets)
{
    fixture f;
    build(&f);
    flow_model *m = f.m;
    int n_rec, n_land, n_rate, n_gen, i_rate, i_land, i_rec, i_zero, n_zero, n_div;
    flow_selector sel = FLOW_SELECTOR_INIT;
    sel.to = &f.recycling;
    sel.n_to = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &sel, &n_rec));
    flow_selector land = FLOW_SELECTOR_INIT;
    land.to = &f.landfill;
    land.n_to = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &land, &n_land));
    flow_selector g = FLOW_SELECTOR_INIT;
    g.from = &f.city;
    g.n_from = 1;
    g.materials = &f.msw;
    g.n_materials = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &g, &n_gen));
    ck_assert_flow_ok(flow_expr_op(m, FLOW_OP_DIV, n_rec, n_gen, &n_rate));
    ck_assert_flow_ok(flow_expr_const(m, 0, &n_zero));
    ck_assert_flow_ok(flow_expr_op(m, FLOW_OP_DIV, n_rec, n_zero, &n_div));
    ck_assert_flow_ok(flow_model_add_indicator(m, "rate", "1", n_rate, NULL, &i_rate));
    ck_assert_flow_ok(flow_model_add_indicator(m, "landfilled", "t/a", n_land, NULL, &i_land));
    ck_assert_flow_ok(flow_model_add_indicator(m, "recycled", "t/a", n_rec, NULL, &i_rec));
    ck_assert_flow_ok(flow_model_add_indicator(m, "undefined", "1", n_div, NULL, &i_zero));
    int t_rate, t_rate_miss, t_land, t_rises, t_undef, t_lt, t_gt;
    /* 2022 rate 48/120 = 0.4: ">= 0.4" met (exactly), "> 0.4" missed */
    ck_assert_flow_ok(flow_model_add_target(m, i_rate, 2022, FLOW_CMP_GE, 0.4, "plan row 3", &t_rate));
    ck_assert_flow_ok(flow_model_add_target(m, i_rate, 2022, FLOW_CMP_GT, 0.4, NULL, &t_rate_miss));
    /* landfilled 122 in 2022: "<= 125" met, "< 122" missed */
    ck_assert_flow_ok(flow_model_add_target(m, i_land, 2022, FLOW_CMP_LE, 125, NULL, &t_land));
    ck_assert_flow_ok(flow_model_add_target(m, i_land, 2022, FLOW_CMP_LT, 122, NULL, &t_lt));
    /* recycled rises 20 -> 33 -> 48: smallest rise 13 */
    ck_assert_flow_ok(flow_model_add_target(m, i_rec, 2022, FLOW_CMP_RISES, 0, NULL, &t_rises));
    ck_assert_flow_ok(flow_model_add_target(m, i_zero, 2022, FLOW_CMP_GE, 0, NULL, &t_undef));
    /* landfilled falls: "rises" is missed with the smallest rise -5 */
    ck_assert_flow_ok(flow_model_add_target(m, i_land, 2022, FLOW_CMP_RISES, 0, NULL, &t_gt));
    ck_assert_flow_error(flow_model_add_target(m, i_land, 2030, FLOW_CMP_LE, 1, NULL, NULL), FLOW_ERANGE, "2030");
    ck_assert_flow_error(flow_model_add_target(m, i_land, 2022, FLOW_CMP_LE, NAN, NULL, NULL), FLOW_EVALUE,
                         "landfilled");
    ck_assert_flow_error(flow_model_add_target(m, 77, 2022, FLOW_CMP_LE, 1, NULL, NULL), FLOW_ENOTFOUND, "77");
    flow_target_info ti;
    ck_assert_flow_ok(flow_model_target_info(m, t_rate, &ti));
    ck_assert_str_eq(ti.source, "plan row 3");
    ck_assert_int_eq(ti.cmp, FLOW_CMP_GE);
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    double a;
    int met;
    ck_assert_flow_ok(flow_sim_target(s, t_rate, &a, &met));
    ck_assert_int_eq(met, -1); /* not simulated yet */
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_flow_ok(flow_sim_target(s, t_rate, &a, &met));
    ck_assert_double_eq_tol(a, 0.4, 1e-12);
    /* 48/120 in floating point may sit a hair either side of 0.4 */
    ck_assert_flow_ok(flow_sim_target(s, t_land, &a, &met));
    ck_assert_int_eq(met, 1);
    ck_assert_double_eq_tol(a, 122, 1e-9);
    ck_assert_flow_ok(flow_sim_target(s, t_lt, &a, &met));
    ck_assert_int_eq(met, 0);
    ck_assert_flow_ok(flow_sim_target(s, t_rises, &a, &met));
    ck_assert_int_eq(met, 1);
    ck_assert_double_eq_tol(a, 13, 1e-9);
    ck_assert_flow_ok(flow_sim_target(s, t_gt, &a, &met));
    ck_assert_int_eq(met, 0);
    ck_assert_double_eq_tol(a, -5, 1e-9);
    ck_assert_flow_ok(flow_sim_target(s, t_undef, &a, &met));
    ck_assert(isnan(a));
    ck_assert_int_eq(met, -1);
    ck_assert_flow_error(flow_sim_target(s, 42, &a, &met), FLOW_ENOTFOUND, "42");
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

START_TEST(test_parse_and_errors)
{
    flow_cmp c;
    ck_assert_flow_ok(flow_cmp_parse("<=", &c));
    ck_assert_int_eq(c, FLOW_CMP_LE);
    ck_assert_str_eq(flow_cmp_name(FLOW_CMP_RISES), "rises");
    ck_assert_flow_error(flow_cmp_parse("=<", &c), FLOW_ENOTFOUND, "=<");
    fixture f;
    build(&f);
    int n;
    flow_selector bad = FLOW_SELECTOR_INIT;
    int nope = 17;
    bad.from = &nope;
    bad.n_from = 1;
    ck_assert_flow_error(flow_expr_flows(f.m, &bad, &n), FLOW_ENOTFOUND, "process", "17");
    flow_selector st = FLOW_SELECTOR_INIT;
    st.to = &f.landfill;
    st.n_to = 1;
    ck_assert_flow_error(flow_expr_stocks(f.m, &st, &n), FLOW_EINVAL, "'from' only");
    ck_assert_flow_error(flow_expr_const(f.m, INFINITY, &n), FLOW_EVALUE, "not finite");
    ck_assert_flow_error(flow_expr_param(f.m, 99, &n), FLOW_ENOTFOUND, "99");
    ck_assert_flow_error(flow_expr_op(f.m, FLOW_OP_ADD, 0, 5, &n), FLOW_ENOTFOUND, "node");
    ck_assert_flow_error(flow_model_find_indicator(f.m, "nothing", &n), FLOW_ENOTFOUND, "nothing");
    ck_assert_flow_ok(flow_expr_param(f.m, f.share, &n));
    ck_assert_flow_ok(flow_model_add_indicator(f.m, "share", "1", n, NULL, NULL));
    ck_assert_flow_error(flow_model_find_indicator(f.m, "shar", &n), FLOW_ENOTFOUND, "did you mean 'share'");
    ck_assert_flow_ok(flow_model_compile(f.m));
    ck_assert_flow_error(flow_expr_const(f.m, 1, &n), FLOW_ESTATE, "compiled");
    flow_model_free(f.m);
}
END_TEST

/* 60 indicators, each the previous added to itself (one node used twice):
 * evaluated once per node and year, not 2^60 times (issue 13, item 6; it
 * never finished). Recycled msw is 20 t in 2020 (the header), so the last
 * is 20 * 2^60, exact in a double. */
START_TEST(test_shared_operands_once)
{
    fixture f;
    build(&f);
    flow_model *m = f.m;
    flow_selector sel = FLOW_SELECTOR_INIT;
    sel.to = &f.recycling;
    sel.n_to = 1;
    int n;
    ck_assert_flow_ok(flow_expr_flows(m, &sel, &n));
    for (int i = 0; i < 60; i++)
        ck_assert_flow_ok(flow_expr_op(m, FLOW_OP_ADD, n, n, &n));
    ck_assert_flow_ok(flow_model_add_indicator(m, "doubled", "t", n, NULL, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_double_eq(ind(s, "doubled", 2020), 20.0 * 1152921504606846976.0); /* 2^60 */
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* An expression nests at most FLOW_EXPR_MAX_DEPTH levels: the leaf is
 * level 1, each op one more; the op that would make level 1001 is refused
 * with one line, and the model stays usable (nesting of 10^5 overflowed
 * the C stack when evaluated). */
START_TEST(test_depth_bound)
{
    fixture f;
    build(&f);
    flow_model *m = f.m;
    int n, one;
    ck_assert_flow_ok(flow_expr_const(m, 1, &one));
    n = one;
    for (int level = 2; level <= FLOW_EXPR_MAX_DEPTH; level++)
        ck_assert_flow_ok(flow_expr_op(m, FLOW_OP_ADD, n, one, &n));
    int deeper = -7;
    ck_assert_flow_error(flow_expr_op(m, FLOW_OP_ADD, n, one, &deeper), FLOW_EINVAL, "nested more than 1000 deep");
    ck_assert_int_eq(deeper, -7);
    ck_assert_flow_error(flow_expr_at(m, n, 2021, &deeper), FLOW_EINVAL, "nested more than 1000 deep");
    /* 1 + 999 ones = 1000 in every year */
    ck_assert_flow_ok(flow_model_add_indicator(m, "deep", "1", n, NULL, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_double_eq(ind(s, "deep", 2022), 1000.0);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

Suite *flow_indicator_suite(void)
{
    Suite *s = suite_create("indicator");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_selectors_and_arithmetic);
    tcase_add_test(tc, test_targets);
    tcase_add_test(tc, test_parse_and_errors);
    tcase_add_test(tc, test_shared_operands_once);
    tcase_add_test(tc, test_depth_bound);
    suite_add_tcase(s, tc);
    return s;
}
