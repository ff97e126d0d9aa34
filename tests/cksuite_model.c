/*
 * cksuite_model.c — building and compiling models through the public API:
 * every documented error path of the flow_model_* functions, look-ups by
 * name with "did you mean", result items, and parameter interpolation as
 * seen through a simulation. Expected values are worked out by hand in the
 * comments.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "cktest.h"

/* Some faults can be caught when the object is added or when the model is
 * compiled (compile "checks every reference"); the contract allows both.
 * Returns the first failure of the two. */
static int add_or_compile(int rc, flow_model *m)
{
    return rc != 0 ? rc : flow_model_compile(m);
}

static flow_model *new_model(int first, int last)
{
    flow_model *m = NULL;
    ck_assert_flow_ok(flow_model_new(&m, first, last, NULL));
    ck_assert_ptr_nonnull(m);
    return m;
}

/* The base model of most tests, 2020..2025:
 *   materials msw (0), glass (1); parameter gen = 100 (0);
 *   households (source, 0) -> sorting (split, 1) -> landfill (sink, 2),
 *   recycling (sink, 3), landfill_stock (stock, 4).
 * Generation of msw and glass at households; households sends everything
 * to sorting (share 1). Flows out of sorting are left to the test. */
typedef struct base {
    flow_model *m;
    int msw, glass, gen;
    int hh, sorting, landfill, recycling, stock;
} base;

static base base_new(void)
{
    base b;
    b.m = new_model(2020, 2025);
    ck_assert_flow_ok(flow_model_add_material(b.m, "msw", FLOW_CAT_DOMESTIC, "t", &b.msw));
    ck_assert_flow_ok(flow_model_add_material(b.m, "glass", FLOW_CAT_DOMESTIC, "t", &b.glass));
    ck_assert_flow_ok(flow_model_add_param_const(b.m, "gen", "t/a", 100.0, &b.gen));
    ck_assert_flow_ok(flow_model_add_process(b.m, "households", FLOW_SOURCE, &b.hh));
    ck_assert_flow_ok(flow_model_add_process(b.m, "sorting", FLOW_SPLIT, &b.sorting));
    ck_assert_flow_ok(flow_model_add_process(b.m, "landfill", FLOW_SINK, &b.landfill));
    ck_assert_flow_ok(flow_model_add_process(b.m, "recycling", FLOW_SINK, &b.recycling));
    ck_assert_flow_ok(flow_model_add_process(b.m, "landfill_stock", FLOW_STOCK, &b.stock));
    ck_assert_flow_ok(flow_model_set_generation(b.m, b.hh, b.msw, 1.0, b.gen));
    ck_assert_flow_ok(flow_model_set_generation(b.m, b.hh, b.glass, 0.5, b.gen));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.hh, b.sorting, FLOW_ALL, FLOW_SHARE,
                                          1.0, FLOW_NONE, NULL));
    return b;
}

/* The base model with everything reaching sorting sent on to landfill. */
static base base_routed(void)
{
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    return b;
}

/* ------------------------------------------------------------------ */
/* Creating models, naming objects                                     */
/* ------------------------------------------------------------------ */

START_TEST(test_new_years)
{
    flow_model *m = (flow_model *)&m; /* must be reset to NULL on failure */
    ck_assert_flow_error(flow_model_new(&m, 2025, 2020, NULL), FLOW_EINVAL, "2025");
    ck_assert_ptr_null(m);
    /* 2000..3000 is 1001 years: more than 1000 */
    m = (flow_model *)&m;
    ck_assert_flow_error(flow_model_new(&m, 2000, 3000, NULL), FLOW_EINVAL, "");
    ck_assert_ptr_null(m);

    /* exactly 1000 years is allowed */
    ck_assert_flow_ok(flow_model_new(&m, 2000, 2999, NULL));
    ck_assert_int_eq(flow_model_n_years(m), 1000);
    flow_model_free(m);

    ck_assert_flow_ok(flow_model_new(&m, 2020, 2020, NULL));
    ck_assert_int_eq(flow_model_first_year(m), 2020);
    ck_assert_int_eq(flow_model_last_year(m), 2020);
    ck_assert_int_eq(flow_model_n_years(m), 1);
    ck_assert_int_eq(flow_model_is_compiled(m), 0);
    flow_model_free(m);
    flow_model_free(NULL);

    /* years are four-digit calendar years (issue 13, item 8): the ends of
     * int's range, which made T overflow, and 999 are refused */
    m = (flow_model *)&m;
    ck_assert_flow_error(flow_model_new(&m, INT_MAX - 2, INT_MAX, NULL), FLOW_EINVAL, "must lie in 1000-9999");
    ck_assert_ptr_null(m);
    ck_assert_flow_error(flow_model_new(&m, INT_MIN, INT_MIN + 2, NULL), FLOW_EINVAL, "must lie in 1000-9999");
    ck_assert_flow_error(flow_model_new(&m, 999, 1005, NULL), FLOW_EINVAL, "years 999-1005");
    ck_assert_flow_error(flow_model_new(&m, 9998, 10000, NULL), FLOW_EINVAL, "years 9998-10000");
    ck_assert_flow_ok(flow_model_new(&m, 9000, 9999, NULL));
    flow_model_free(m);
}
END_TEST

START_TEST(test_names_and_indices)
{
    flow_model *m = new_model(2020, 2025);
    int i = -7;

    ck_assert_flow_error(flow_model_add_material(m, "", FLOW_CAT_DOMESTIC, "t", &i),
                         FLOW_EINVAL, "");
    ck_assert_flow_error(flow_model_add_material(m, "msw", (flow_category)99, "t", &i),
                         FLOW_EINVAL, "");
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &i));
    ck_assert_int_eq(i, 0);
    ck_assert_flow_ok(flow_model_add_material(m, "sludge", FLOW_CAT_SLUDGE, "t DM", &i));
    ck_assert_int_eq(i, 1);
    ck_assert_flow_ok(flow_model_add_material(m, "ash", FLOW_CAT_INDUSTRIAL, "t", NULL));
    ck_assert_flow_error(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &i),
                         FLOW_EEXIST, "msw");
    ck_assert_int_eq(flow_model_n_materials(m), 3);
    ck_assert_str_eq(flow_model_material_name(m, 1), "sludge");
    ck_assert_str_eq(flow_model_material_unit(m, 1), "t DM");
    ck_assert_int_eq(flow_model_material_category(m, 1), FLOW_CAT_SLUDGE);
    ck_assert_ptr_null(flow_model_material_name(m, 3));
    ck_assert_ptr_null(flow_model_material_name(m, -1));

    double v[] = { 1.0, 2.0 };
    int y[] = { 2020, 2021 };
    ck_assert_flow_error(flow_model_add_param(m, "", NULL, FLOW_INTERP_LINEAR, 2, y, v, &i),
                         FLOW_EINVAL, "");
    ck_assert_flow_error(flow_model_add_param_const(m, "", NULL, 1.0, &i), FLOW_EINVAL, "");
    ck_assert_flow_ok(flow_model_add_param(m, "pop", NULL, FLOW_INTERP_LINEAR, 2, y, v, &i));
    ck_assert_int_eq(i, 0);
    ck_assert_flow_ok(flow_model_add_param_const(m, "rate", "t/cap", 0.3, &i));
    ck_assert_int_eq(i, 1);
    ck_assert_flow_error(flow_model_add_param_const(m, "pop", NULL, 1.0, &i), FLOW_EEXIST, "pop");
    ck_assert_flow_error(flow_model_add_param(m, "rate", NULL, FLOW_INTERP_STEP, 2, y, v, &i),
                         FLOW_EEXIST, "rate");
    ck_assert_flow_error(flow_model_add_param_product(m, "pop", NULL, 0, 1, &i), FLOW_EEXIST, "pop");
    ck_assert_flow_ok(flow_model_add_param_product(m, "demand", NULL, 0, 1, &i));
    ck_assert_int_eq(i, 2);
    ck_assert_int_eq(flow_model_n_params(m), 3);
    ck_assert_str_eq(flow_model_param_name(m, 2), "demand");
    ck_assert_ptr_null(flow_model_param_name(m, 3));

    ck_assert_flow_error(flow_model_add_process(m, "", FLOW_SPLIT, &i), FLOW_EINVAL, "");
    ck_assert_flow_error(flow_model_add_process(m, "x", (flow_kind)17, &i), FLOW_EINVAL, "");
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &i));
    ck_assert_int_eq(i, 0);
    ck_assert_flow_ok(flow_model_add_process(m, "sorting", FLOW_SPLIT, &i));
    ck_assert_int_eq(i, 1);
    /* names are unique per kind of object: a process may share a material's name */
    ck_assert_flow_ok(flow_model_add_process(m, "msw", FLOW_SINK, &i));
    ck_assert_int_eq(i, 2);
    ck_assert_flow_error(flow_model_add_process(m, "sorting", FLOW_SINK, &i), FLOW_EEXIST,
                         "sorting");
    ck_assert_int_eq(flow_model_n_processes(m), 3);
    ck_assert_str_eq(flow_model_process_name(m, 1), "sorting");
    ck_assert_int_eq(flow_model_process_kind(m, 2), FLOW_SINK);
    ck_assert_ptr_null(flow_model_process_name(m, 3));

    ck_assert_int_eq(flow_model_n_flows(m), 0);
    ck_assert_flow_ok(flow_model_add_flow(m, 0, 1, FLOW_ALL, FLOW_SHARE, 1.0, FLOW_NONE, &i));
    ck_assert_int_eq(i, 0);
    ck_assert_flow_ok(flow_model_add_flow(m, 1, 2, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE, &i));
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(flow_model_n_flows(m), 2);
    /* the core makes overflow flows; add_flow does not */
    ck_assert_flow_error(add_or_compile(flow_model_add_flow(m, 1, 2, 0, FLOW_OVERFLOW, 1.0,
                                                            FLOW_NONE, &i), m),
                         FLOW_EINVAL, "");
    flow_model_free(m);
}
END_TEST

START_TEST(test_add_after_compile)
{
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_SHARE,
                                          1.0, FLOW_NONE, NULL));
    ck_assert_int_eq(flow_model_is_compiled(b.m), 0);
    ck_assert_int_eq(flow_model_n_items(b.m, FLOW_ITEM_FLOW), 0);
    ck_assert_flow_ok(flow_model_compile(b.m));
    ck_assert_int_ne(flow_model_is_compiled(b.m), 0);

    int y[] = { 2020 };
    double v[] = { 1.0 };
    ck_assert_flow_error(flow_model_add_material(b.m, "paper", FLOW_CAT_DOMESTIC, "t", NULL),
                         FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_add_param(b.m, "p", NULL, FLOW_INTERP_STEP, 1, y, v, NULL),
                         FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_add_param_const(b.m, "c", NULL, 1.0, NULL), FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_add_param_product(b.m, "pr", NULL, b.gen, b.gen, NULL),
                         FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_set_param_bounds(b.m, b.gen, 0.0, 1000.0), FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_add_process(b.m, "new", FLOW_SINK, NULL), FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_add_flow(b.m, b.sorting, b.recycling, b.msw, FLOW_SHARE,
                                             0.1, FLOW_NONE, NULL), FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_set_capacity(b.m, b.sorting, b.gen, b.recycling),
                         FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_set_generation(b.m, b.hh, b.msw, 2.0, FLOW_NONE),
                         FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_STORAGE),
                         FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_set_initial_stock(b.m, b.stock, b.msw, 5.0), FLOW_ESTATE, "");
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_ESTATE, "");
    /* nothing was added */
    ck_assert_int_eq(flow_model_n_materials(b.m), 2);
    ck_assert_int_eq(flow_model_n_processes(b.m), 5);
    ck_assert_int_eq(flow_model_n_flows(b.m), 2);
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_bad_indices)
{
    base b = base_routed();
    flow_lifetime lt = { FLOW_LT_FIXED, 3.0, 0.0 };
    /* unknown processes, materials and parameters in every setter */
    ck_assert_flow_error(add_or_compile(flow_model_add_flow(b.m, 99, b.landfill, FLOW_ALL,
                                                            FLOW_SHARE, 1.0, FLOW_NONE, NULL), b.m),
                         FLOW_ENOTFOUND, "99");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_add_flow(b.m, b.sorting, -5, FLOW_ALL,
                                                            FLOW_SHARE, 1.0, FLOW_NONE, NULL), b.m),
                         FLOW_ENOTFOUND, "-5");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_add_flow(b.m, b.sorting, b.landfill, 7,
                                                            FLOW_SHARE, 1.0, FLOW_NONE, NULL), b.m),
                         FLOW_ENOTFOUND, "7");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL,
                                                            FLOW_SHARE, 1.0, 42, NULL), b.m),
                         FLOW_ENOTFOUND, "42");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_capacity(b.m, 77, b.gen, b.landfill), b.m),
                         FLOW_ENOTFOUND, "77");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_capacity(b.m, b.sorting, 31, b.landfill),
                                        b.m),
                         FLOW_ENOTFOUND, "31");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_capacity(b.m, b.sorting, b.gen, 55), b.m),
                         FLOW_ENOTFOUND, "55");
    flow_model_free(b.m);

    /* an overflow into the process itself */
    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_capacity(b.m, b.sorting, b.gen, b.sorting),
                                        b.m),
                         FLOW_EINVAL, "sorting");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_generation(b.m, b.hh, 12, 1.0, FLOW_NONE),
                                        b.m),
                         FLOW_ENOTFOUND, "12");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_generation(b.m, b.hh, b.msw, 1.0, 13),
                                        b.m),
                         FLOW_ENOTFOUND, "13");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(flow_model_set_param_bounds(b.m, 8, 0.0, 1.0), FLOW_ENOTFOUND, "8");
    ck_assert_flow_error(add_or_compile(flow_model_add_param_product(b.m, "prod", NULL, b.gen, 9,
                                                                     NULL), b.m),
                         FLOW_ENOTFOUND, "9");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_lifetime(b.m, 66, &lt), b.m),
                         FLOW_ENOTFOUND, "66");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_initial_stock(b.m, b.stock, 5, 1.0), b.m),
                         FLOW_ENOTFOUND, "5");
    flow_model_free(b.m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Parameters                                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_param_errors)
{
    flow_model *m = new_model(2020, 2030);
    int y[] = { 2020, 2022, 2025, 2027, 2030 };
    double v[] = { 1.0, 2.0, 3.0, 4.0, 5.0 };
    int i = -1;

    ck_assert_flow_error(flow_model_add_param(m, "none", NULL, FLOW_INTERP_LINEAR, 0, y, v, &i),
                         FLOW_EINVAL, "none");
    int dup[] = { 2020, 2020, 2025 };
    ck_assert_flow_error(flow_model_add_param(m, "dup", NULL, FLOW_INTERP_LINEAR, 3, dup, v, &i),
                         FLOW_EINVAL, "dup");
    int down[] = { 2020, 2025, 2022 };
    ck_assert_flow_error(flow_model_add_param(m, "down", NULL, FLOW_INTERP_STEP, 3, down, v, &i),
                         FLOW_EINVAL, "down");
    ck_assert_flow_error(flow_model_add_param(m, "bad", NULL, (flow_interp)23, 2, y, v, &i),
                         FLOW_EINVAL, "bad");

    /* non-finite values name the parameter and the year of the point */
    double vnan[] = { 1.0, 2.0, NAN, 4.0, 5.0 };
    ck_assert_flow_error(flow_model_add_param(m, "rate", NULL, FLOW_INTERP_LINEAR, 5, y, vnan, &i),
                         FLOW_EVALUE, "rate", "2025");
    double vinf[] = { 1.0, INFINITY, 3.0, 4.0, 5.0 };
    ck_assert_flow_error(flow_model_add_param(m, "cap", NULL, FLOW_INTERP_STEP, 5, y, vinf, &i),
                         FLOW_EVALUE, "cap", "2022");
    double vninf[] = { 1.0, 2.0, 3.0, 4.0, -INFINITY };
    ck_assert_flow_error(flow_model_add_param(m, "tc", NULL, FLOW_INTERP_LINEAR, 5, y, vninf, &i),
                         FLOW_EVALUE, "tc", "2030");
    ck_assert_flow_error(flow_model_add_param_const(m, "cnan", NULL, NAN, &i), FLOW_EVALUE, "cnan");

    /* none of the failed ones was added; the names are still free */
    ck_assert_int_eq(flow_model_n_params(m), 0);
    ck_assert_flow_ok(flow_model_add_param(m, "rate", NULL, FLOW_INTERP_CSPLINE, 5, y, v, &i));
    ck_assert_int_eq(i, 0);
    ck_assert_flow_ok(flow_model_add_param(m, "ak5", NULL, FLOW_INTERP_AKIMA, 5, y, v, &i));
    ck_assert_flow_ok(flow_model_add_param(m, "one", NULL, FLOW_INTERP_STEP, 1, y, v, &i));
    ck_assert_int_eq(flow_model_n_params(m), 3);
    flow_model_free(m);
}
END_TEST

/* A natural cubic spline through (2020,10), (2022,0), (2024,0), (2026,10).
 * Equal spacing h = 2, natural ends M0 = M3 = 0; the interior second
 * derivatives solve
 *     4 M1 +   M2 = 6/h^2 (10 - 0 + 0) = 15
 *       M1 + 4 M2 = 6/h^2 (0 - 0 + 10) = 15   ->  M1 = M2 = 3.
 * On [2022, 2024] both ends are 0, so at the midpoint 2023 the spline is
 *     -h^2/16 (M1 + M2) = -4/16 * 6 = -1.5  < 0,
 * while at 2021 and 2025 it is 5 - h^2/16 * 3 = 4.25 > 0.
 * Used as a fixed flow, the amount is negative in 2023 only. */
/* The minimum number of points of each rule (cspline 3, akima 5, steffen
 * 3): caught when the parameter is added or when the model is compiled. */
START_TEST(test_param_min_points)
{
    int y[] = { 2020, 2022, 2025, 2027, 2030 };
    double v[] = { 1.0, 2.0, 3.0, 4.0, 5.0 };
    struct { const char *name; flow_interp rule; size_t n; } bad[] = {
        { "cs2", FLOW_INTERP_CSPLINE, 2 },
        { "ak4", FLOW_INTERP_AKIMA, 4 },
        { "st2", FLOW_INTERP_STEFFEN, 2 },
    };
    for (int k = 0; k < 3; k++) {
        flow_model *m = new_model(2020, 2030);
        ck_assert_flow_error(add_or_compile(flow_model_add_param(m, bad[k].name, NULL, bad[k].rule,
                                                                 bad[k].n, y, v, NULL), m),
                             FLOW_EINVAL, bad[k].name);
        flow_model_free(m);
    }
    /* one point more each is enough */
    flow_model *m = new_model(2020, 2030);
    for (int k = 0; k < 3; k++)
        ck_assert_flow_ok(flow_model_add_param(m, bad[k].name, NULL, bad[k].rule, bad[k].n + 1,
                                               y, v, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_model_free(m);
}
END_TEST

START_TEST(test_spline_overshoot)
{
    int y[] = { 2020, 2022, 2024, 2026 };
    double v[] = { 10.0, 0.0, 0.0, 10.0 };
    int dip;
    flow_model *m = new_model(2020, 2026);
    int msw, src, sp, sink1, sink2;
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_param(m, "dip", "t/a", FLOW_INTERP_CSPLINE, 4, y, v, &dip));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "sorting", FLOW_SPLIT, &sp));
    ck_assert_flow_ok(flow_model_add_process(m, "export", FLOW_SINK, &sink1));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &sink2));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 100.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sp, msw, FLOW_SHARE, 1.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, sp, sink1, msw, FLOW_FIXED, 1.0, dip, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, sp, sink2, msw, FLOW_REST, 0.0, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EVALUE, "dip", "2023", "-1.5");
    ck_assert_int_eq(flow_model_is_compiled(m), 0);
    flow_model_free(m);
}
END_TEST

START_TEST(test_negative_amount)
{
    /* a constant generation of -5 t/a: amounts must be >= 0 */
    base b = base_new();
    int neg;
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_param_const(b.m, "neg", "t/a", -5.0, &neg));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.msw, FLOW_FIXED,
                                          1.0, neg, NULL));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_EVALUE, "neg", "2020");
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_bounds)
{
    /* rate: step (2020, 0.2), (2024, 0.6): 0.6 from 2024 on leaves [0, 0.5] */
    base b = base_new();
    int y[] = { 2020, 2024 };
    double v[] = { 0.2, 0.6 };
    int rate;
    ck_assert_flow_ok(flow_model_add_param(b.m, "rate", NULL, FLOW_INTERP_STEP, 2, y, v, &rate));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, FLOW_ALL, FLOW_SHARE,
                                          1.0, rate, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_error(add_or_compile(flow_model_set_param_bounds(b.m, rate, 0.0, 0.5), b.m),
                         FLOW_EVALUE, "rate", "2024");
    flow_model_free(b.m);

    /* the same within [0, 0.6] compiles */
    b = base_new();
    ck_assert_flow_ok(flow_model_add_param(b.m, "rate", NULL, FLOW_INTERP_STEP, 2, y, v, &rate));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, FLOW_ALL, FLOW_SHARE,
                                          1.0, rate, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_set_param_bounds(b.m, rate, 0.0, 0.6));
    ck_assert_flow_ok(flow_model_compile(b.m));
    flow_model_free(b.m);

    /* a lower bound: 0.2 in 2020..2023 is below 0.25 */
    b = base_new();
    ck_assert_flow_ok(flow_model_add_param(b.m, "rate", NULL, FLOW_INTERP_STEP, 2, y, v, &rate));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, FLOW_ALL, FLOW_SHARE,
                                          1.0, rate, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_error(add_or_compile(flow_model_set_param_bounds(b.m, rate, 0.25, 1.0), b.m),
                         FLOW_EVALUE, "rate", "2020");
    flow_model_free(b.m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Shares                                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_share_above_one)
{
    /* tc = 0.5 until 2021, 1.5 from 2022: a share above 1 in 2022 */
    base b = base_new();
    int y[] = { 2020, 2022 };
    double v[] = { 0.5, 1.5 };
    int tc;
    ck_assert_flow_ok(flow_model_add_param(b.m, "tc", NULL, FLOW_INTERP_STEP, 2, y, v, &tc));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.msw, FLOW_SHARE,
                                          1.0, tc, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_EVALUE, "tc", "2022");
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_shares_not_one)
{
    /* sorting sends msw 0.75 to landfill and 0.4 to recycling: 1.15 */
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_SHARE,
                                          0.75, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.msw, FLOW_SHARE,
                                          0.4, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.glass, FLOW_SHARE,
                                          0.25, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_ESHARES, "sorting", "msw", "2020", "1.15");
    ck_assert_int_eq(flow_model_is_compiled(b.m), 0);
    flow_model_free(b.m);

    /* glass 0.75 + 0.15 = 0.9: too little */
    b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_SHARE,
                                          0.75, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.msw, FLOW_SHARE,
                                          0.25, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.glass, FLOW_SHARE,
                                          0.15, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_ESHARES, "sorting", "glass", "2020", "0.9");
    flow_model_free(b.m);

    /* a share series: 0.6 until 2022, 0.75 from 2023; with 0.4 beside it
     * the shares add to 1 until 2022 and to 1.15 in 2023 */
    b = base_new();
    int y[] = { 2020, 2023 };
    double v[] = { 0.6, 0.75 };
    int tc;
    ck_assert_flow_ok(flow_model_add_param(b.m, "tc_landfill", NULL, FLOW_INTERP_STEP, 2, y, v,
                                           &tc));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_SHARE,
                                          1.0, tc, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, FLOW_ALL, FLOW_SHARE,
                                          0.4, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_ESHARES, "sorting", "2023", "1.15");
    flow_model_free(b.m);

    /* a source's shares must add to 1 as well: households sends 0.5 of glass */
    flow_model *m = new_model(2020, 2022);
    int msw, src, sink;
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 10.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sink, msw, FLOW_SHARE, 0.5, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_ESHARES, "households", "msw", "0.5");
    flow_model_free(m);
}
END_TEST

START_TEST(test_shares_with_rest)
{
    /* with a rest flow the shares may add to less than 1, not more */
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.msw, FLOW_SHARE,
                                          0.3, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_compile(b.m));
    flow_model_free(b.m);

    b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.msw, FLOW_SHARE,
                                          0.7, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.stock, FLOW_ALL, FLOW_SHARE,
                                          0.5, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_ESHARES, "sorting", "msw", "2020", "1.2");
    flow_model_free(b.m);

    /* a stock keeps the remainder: its shares may not add to more than 1 */
    b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.stock, FLOW_ALL, FLOW_SHARE,
                                          1.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.landfill, b.glass, FLOW_SHARE,
                                          0.6, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.recycling, b.glass, FLOW_SHARE,
                                          0.65, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_ESHARES, "landfill_stock", "glass",
                         "1.25");
    flow_model_free(b.m);

    /* ...and less than 1 is fine */
    b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.stock, FLOW_ALL, FLOW_SHARE,
                                          1.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.landfill, b.glass, FLOW_SHARE,
                                          0.6, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_compile(b.m));
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_two_rest)
{
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.glass, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_error(add_or_compile(0, b.m), FLOW_EINVAL, "sorting", "glass");
    flow_model_free(b.m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Kinds of processes                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_flow_into_source)
{
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_error(add_or_compile(flow_model_add_flow(b.m, b.sorting, b.hh, b.msw,
                                                            FLOW_SHARE, 0.1, FLOW_NONE, NULL),
                                        b.m),
                         FLOW_EINVAL, "households");
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_flow_out_of_sink)
{
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_error(add_or_compile(flow_model_add_flow(b.m, b.landfill, b.recycling, b.msw,
                                                            FLOW_SHARE, 0.1, FLOW_NONE, NULL),
                                        b.m),
                         FLOW_EINVAL, "landfill");
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_origin_in_message)
{
    /* the definition site of the faulty flow appears in the message */
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_set_origin(b.m, "models/test.lua", 212));
    ck_assert_flow_error(add_or_compile(flow_model_add_flow(b.m, b.landfill, b.recycling, b.msw,
                                                            FLOW_SHARE, 0.1, FLOW_NONE, NULL),
                                        b.m),
                         FLOW_EINVAL, "models/test.lua:212");
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_inuse_without_lifetime)
{
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.stock, FLOW_ALL, FLOW_SHARE,
                                          1.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_INUSE));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_EINVAL, "landfill_stock");
    flow_model_free(b.m);

    /* stock-driven without a lifetime */
    flow_model *m = new_model(2020, 2022);
    int msw, st, sink;
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_process(m, "buildings", FLOW_STOCK, &st));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_stock_mode(m, st, FLOW_STOCK_INUSE_DRIVEN));
    ck_assert_flow_ok(flow_model_set_stock_path(m, st, msw, 100.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, st, sink, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE,
                                          NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EINVAL, "buildings");
    flow_model_free(m);

    /* with a lifetime it compiles */
    flow_lifetime lt = { FLOW_LT_FIXED, 10.0, 0.0 };
    m = new_model(2020, 2022);
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_process(m, "buildings", FLOW_STOCK, &st));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_stock_mode(m, st, FLOW_STOCK_INUSE_DRIVEN));
    ck_assert_flow_ok(flow_model_set_lifetime(m, st, &lt));
    ck_assert_flow_ok(flow_model_set_stock_path(m, st, msw, 100.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, st, sink, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE,
                                          NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_model_free(m);
}
END_TEST

START_TEST(test_bad_lifetime_and_mode)
{
    /* an invalid lifetime of an in-use stock: caught when set or at compile */
    flow_lifetime negative = { FLOW_LT_FIXED, -1.0, 0.0 };
    flow_lifetime nosd = { FLOW_LT_NORMAL, 10.0, 0.0 };
    const flow_lifetime *bad[] = { &negative, &nosd };
    for (int k = 0; k < 2; k++) {
        base b = base_new();
        ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.stock, FLOW_ALL, FLOW_SHARE,
                                              1.0, FLOW_NONE, NULL));
        ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.landfill, FLOW_ALL, FLOW_REST,
                                              0.0, FLOW_NONE, NULL));
        ck_assert_flow_ok(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_INUSE));
        ck_assert_flow_error(add_or_compile(flow_model_set_lifetime(b.m, b.stock, bad[k]), b.m),
                             FLOW_EINVAL, "");
        flow_model_free(b.m);
    }
    base b = base_new();
    ck_assert_flow_error(flow_model_set_stock_mode(b.m, b.stock, (flow_stock_mode)9),
                         FLOW_EINVAL, "");
    flow_model_free(b.m);
}
END_TEST

/* A lifetime applies to the two in-use modes only; anywhere else it would
 * be ignored, so compile refuses it, naming the process and where the
 * lifetime was set. The mode may be set after the lifetime. */
START_TEST(test_lifetime_not_inuse)
{
    flow_lifetime lt = { FLOW_LT_FIXED, 10.0, 0.0 };
    base b = base_routed();
    ck_assert_flow_ok(flow_model_set_origin(b.m, "m.lua", 7));
    ck_assert_flow_error(add_or_compile(flow_model_set_lifetime(b.m, b.stock, &lt), b.m),
                         FLOW_EINVAL, "m.lua:7: process 'landfill_stock'", "lifetime",
                         "accumulating stock");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_ok(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_STORAGE));
    ck_assert_flow_error(add_or_compile(flow_model_set_lifetime(b.m, b.stock, &lt), b.m),
                         FLOW_EINVAL, "process 'landfill_stock'", "lifetime", "storage stock");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_lifetime(b.m, b.landfill, &lt), b.m),
                         FLOW_EINVAL, "process 'landfill'", "lifetime", "sink");
    flow_model_free(b.m);

    /* set before the mode: fine once the mode is in-use */
    b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.stock, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_set_lifetime(b.m, b.stock, &lt));
    ck_assert_flow_ok(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_INUSE));
    ck_assert_flow_ok(flow_model_compile(b.m));
    flow_model_free(b.m);
}
END_TEST

/* Every other option that does not apply to a process's kind or mode is
 * refused, when set or at compile, naming the process and the option:
 * base_routed's landfill_stock is an accumulating stock, sorting a split,
 * landfill a sink. */
/* compile checks every capacity and where its overflow goes: the
 * overflow cannot enter a process that takes no flows (a source, a
 * stock-driven in-use stock; the mode may be set after the capacity), and
 * a capacity is an amount (>= 0 in every year, named with its parameter
 * and year). */
START_TEST(test_capacity_checks)
{
    base b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_capacity(b.m, b.sorting, b.gen, b.hh), b.m),
                         FLOW_EINVAL, "process 'sorting': overflow cannot go to 'households', a source");
    flow_model_free(b.m);

    flow_lifetime lt = { FLOW_LT_FIXED, 10.0, 0.0 };
    b = base_routed();
    ck_assert_flow_ok(flow_model_set_capacity(b.m, b.sorting, b.gen, b.stock));
    ck_assert_flow_ok(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_INUSE_DRIVEN));
    ck_assert_flow_ok(flow_model_set_lifetime(b.m, b.stock, &lt));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_EINVAL,
                         "process 'sorting': overflow cannot go to 'landfill_stock', a stock");
    flow_model_free(b.m);

    /* a capacity of 40 t/a until 2022, -3 from 2023 (step series) */
    b = base_routed();
    int cap;
    ck_assert_flow_ok(flow_model_add_param(b.m, "cap", "t/a", FLOW_INTERP_STEP, 2, (const int[]){ 2020, 2023 },
                                           (const double[]){ 40, -3 }, &cap));
    ck_assert_flow_ok(flow_model_set_capacity(b.m, b.sorting, cap, b.landfill));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_EVALUE,
                         "parameter 'cap', year 2023: capacity of 'sorting' -3 is negative");
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_options_out_of_scope)
{
    base b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_generation(b.m, b.sorting, b.msw, 1.0,
                                                                  FLOW_NONE), b.m),
                         FLOW_EINVAL, "process 'sorting' is a split", "only a source has generation");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(add_or_compile(flow_model_set_stock_path(b.m, b.stock, b.msw, 1.0,
                                                                  FLOW_NONE), b.m),
                         FLOW_EINVAL, "process 'landfill_stock'",
                         "only a stock-driven in-use stock has a stock path");
    flow_model_free(b.m);

    flow_lifetime lt = { FLOW_LT_FIXED, 10.0, 0.0 };
    b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.stock, FLOW_ALL, FLOW_REST, 0.0,
                                          FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.landfill, FLOW_ALL, FLOW_REST, 0.0,
                                          FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_INUSE));
    ck_assert_flow_ok(flow_model_set_lifetime(b.m, b.stock, &lt));
    ck_assert_flow_error(add_or_compile(flow_model_set_initial_stock(b.m, b.stock, b.msw, 5.0), b.m),
                         FLOW_EINVAL, "process 'landfill_stock'", "initial stock");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_ok(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_INUSE_DRIVEN));
    ck_assert_flow_ok(flow_model_set_lifetime(b.m, b.stock, &lt));
    ck_assert_flow_ok(flow_model_set_stock_path(b.m, b.stock, b.msw, 50.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.recycling, FLOW_ALL, FLOW_REST, 0.0,
                                          FLOW_NONE, NULL));
    ck_assert_flow_error(add_or_compile(flow_model_set_capacity(b.m, b.stock, b.gen, FLOW_NONE), b.m),
                         FLOW_EINVAL, "process 'landfill_stock'", "cannot have a capacity");
    flow_model_free(b.m);

    b = base_routed();
    ck_assert_flow_error(flow_model_set_stock_mode(b.m, b.landfill, FLOW_STOCK_STORAGE), FLOW_EINVAL,
                         "process 'landfill' is a sink", "no stock mode");
    ck_assert_flow_error(flow_model_set_type_param(b.m, b.landfill, "x", 1.0, FLOW_NONE), FLOW_EINVAL,
                         "type parameter", "process 'landfill' is a sink", "not a process of a plugin type");
    ck_assert_flow_error(flow_model_add_port_flow(b.m, b.sorting, "rest", b.landfill, NULL), FLOW_EINVAL,
                         "port flow", "process 'sorting' is a split");
    flow_model_free(b.m);
}
END_TEST

/* A fixed lifetime of 0 is fine for an inflow-driven in-use stock (see
 * cksuite_sim.c); a stock-driven one cannot hold any stock with it. */
START_TEST(test_inuse_driven_lifetime_zero)
{
    flow_lifetime zero = { FLOW_LT_FIXED, 0.0, 0.0 };
    base b = base_routed();
    ck_assert_flow_ok(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_INUSE_DRIVEN));
    ck_assert_flow_ok(flow_model_set_stock_path(b.m, b.stock, b.msw, 50.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_error(add_or_compile(flow_model_set_lifetime(b.m, b.stock, &zero), b.m),
                         FLOW_EINVAL, "process 'landfill_stock'", "S(0) > 0");
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_flow_into_inuse_driven)
{
    flow_lifetime lt = { FLOW_LT_FIXED, 10.0, 0.0 };
    base b = base_new();
    ck_assert_flow_ok(flow_model_set_stock_mode(b.m, b.stock, FLOW_STOCK_INUSE_DRIVEN));
    ck_assert_flow_ok(flow_model_set_lifetime(b.m, b.stock, &lt));
    ck_assert_flow_ok(flow_model_set_stock_path(b.m, b.stock, b.msw, 50.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.landfill, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, NULL));
    ck_assert_flow_error(add_or_compile(flow_model_add_flow(b.m, b.sorting, b.stock, b.msw,
                                                            FLOW_SHARE, 0.5, FLOW_NONE, NULL),
                                        b.m),
                         FLOW_EINVAL, "landfill_stock");
    flow_model_free(b.m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Routes                                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_no_route)
{
    /* households sends msw and glass to sorting; sorting has flows for msw
     * only: glass has no way out of sorting */
    base b = base_new();
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.landfill, b.msw, FLOW_SHARE,
                                          0.6, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.msw, FLOW_SHARE,
                                          0.4, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(b.m), FLOW_EROUTE, "sorting", "glass");
    flow_model_free(b.m);

    /* a material that never reaches a split needs no flow there: only msw
     * is generated and carried to sorting */
    flow_model *m = new_model(2020, 2022);
    int msw, glass, src, sp, sink;
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "glass", FLOW_CAT_DOMESTIC, "t", &glass));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "sorting", FLOW_SPLIT, &sp));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 10.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sp, msw, FLOW_SHARE, 1.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, sp, sink, msw, FLOW_SHARE, 1.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_model_free(m);

    /* generation with no flow out of the source */
    m = new_model(2020, 2022);
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "glass", FLOW_CAT_DOMESTIC, "t", &glass));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 10.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, src, glass, 10.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sink, msw, FLOW_SHARE, 1.0, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EROUTE, "households", "glass");
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Look-ups and items                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_find_by_name)
{
    base b = base_new();
    int i = -1;
    ck_assert_flow_ok(flow_model_find_process(b.m, "sorting", &i));
    ck_assert_int_eq(i, b.sorting);
    ck_assert_flow_ok(flow_model_find_material(b.m, "glass", &i));
    ck_assert_int_eq(i, b.glass);
    ck_assert_flow_ok(flow_model_find_param(b.m, "gen", &i));
    ck_assert_int_eq(i, b.gen);
    ck_assert_flow_ok(flow_model_find_process(b.m, "landfill_stock", &i));
    ck_assert_int_eq(i, b.stock);

    ck_assert_flow_error(flow_model_find_process(b.m, "sortng", &i), FLOW_ENOTFOUND,
                         "sortng", "did you mean 'sorting'");
    ck_assert_flow_error(flow_model_find_process(b.m, "recyclng", &i), FLOW_ENOTFOUND,
                         "did you mean 'recycling'");
    ck_assert_flow_error(flow_model_find_material(b.m, "glas", &i), FLOW_ENOTFOUND,
                         "glas", "did you mean 'glass'");
    ck_assert_flow_error(flow_model_find_param(b.m, "ge", &i), FLOW_ENOTFOUND,
                         "did you mean 'gen'");
    /* names are case-sensitive */
    ck_assert_flow_error(flow_model_find_process(b.m, "Sorting", &i), FLOW_ENOTFOUND,
                         "did you mean 'sorting'");
    flow_model_free(b.m);
}
END_TEST

START_TEST(test_items)
{
    base b = base_new();
    int f_rec, f_land, f_st;
    /* sorting: msw 0.3 to recycling, the rest of all to landfill_stock;
     * landfill_stock sends 10 % of everything to landfill */
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.recycling, b.msw, FLOW_SHARE,
                                          0.3, FLOW_NONE, &f_rec));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.sorting, b.stock, FLOW_ALL, FLOW_REST,
                                          0.0, FLOW_NONE, &f_st));
    ck_assert_flow_ok(flow_model_add_flow(b.m, b.stock, b.landfill, FLOW_ALL, FLOW_SHARE,
                                          0.1, FLOW_NONE, &f_land));
    flow_item_info info;
    ck_assert_flow_error(flow_model_item_info(b.m, FLOW_ITEM_FLOW, 0, &info), FLOW_ESTATE, "");
    ck_assert_flow_ok(flow_model_compile(b.m));

    /* flow items: hh->sorting (2 materials), sorting->recycling:msw (1),
     * sorting->landfill_stock (2), landfill_stock->landfill (2) = 7;
     * stock items: landfill_stock x 2 materials; param items: gen */
    ck_assert_int_eq(flow_model_n_items(b.m, FLOW_ITEM_FLOW), 7);
    ck_assert_int_eq(flow_model_n_items(b.m, FLOW_ITEM_STOCK), 2);
    ck_assert_int_eq(flow_model_n_items(b.m, FLOW_ITEM_PARAM), 1);

    int it = -1;
    ck_assert_flow_ok(flow_model_find_item(b.m, FLOW_ITEM_FLOW, "sorting->recycling:msw", &it));
    ck_assert_flow_ok(flow_model_item_info(b.m, FLOW_ITEM_FLOW, it, &info));
    ck_assert_str_eq(info.name, "sorting->recycling:msw");
    ck_assert_int_eq(info.from, b.sorting);
    ck_assert_int_eq(info.to, b.recycling);
    ck_assert_int_eq(info.material, b.msw);
    ck_assert_int_eq(info.flow, f_rec);
    ck_assert_int_eq(info.mode, FLOW_SHARE);
    int it2 = -1;
    ck_assert_flow_ok(flow_model_find_flow_item(b.m, b.sorting, b.recycling, b.msw, &it2));
    ck_assert_int_eq(it2, it);
    ck_assert_flow_error(flow_model_find_flow_item(b.m, b.sorting, b.recycling, b.glass, &it2),
                         FLOW_ENOTFOUND, "");

    /* a FLOW_ALL flow: one item per material, both carrying the flow's index */
    ck_assert_flow_ok(flow_model_find_item(b.m, FLOW_ITEM_FLOW, "sorting->landfill_stock:glass",
                                           &it));
    ck_assert_flow_ok(flow_model_item_info(b.m, FLOW_ITEM_FLOW, it, &info));
    ck_assert_int_eq(info.material, b.glass);
    ck_assert_int_eq(info.flow, f_st);
    ck_assert_int_eq(info.mode, FLOW_REST);
    ck_assert_flow_ok(flow_model_find_item(b.m, FLOW_ITEM_FLOW, "landfill_stock->landfill:msw",
                                           &it));
    ck_assert_flow_ok(flow_model_item_info(b.m, FLOW_ITEM_FLOW, it, &info));
    ck_assert_int_eq(info.flow, f_land);
    ck_assert_int_eq(info.from, b.stock);
    ck_assert_int_eq(info.to, b.landfill);

    /* stock items "process:material" */
    ck_assert_flow_ok(flow_model_find_item(b.m, FLOW_ITEM_STOCK, "landfill_stock:glass", &it));
    ck_assert_flow_ok(flow_model_item_info(b.m, FLOW_ITEM_STOCK, it, &info));
    ck_assert_str_eq(info.name, "landfill_stock:glass");
    ck_assert_int_eq(info.from, b.stock);
    ck_assert_int_eq(info.to, -1);
    ck_assert_int_eq(info.material, b.glass);

    /* parameter items are named as the parameter */
    ck_assert_flow_ok(flow_model_find_item(b.m, FLOW_ITEM_PARAM, "gen", &it));
    ck_assert_flow_ok(flow_model_item_info(b.m, FLOW_ITEM_PARAM, it, &info));
    ck_assert_str_eq(info.name, "gen");
    ck_assert_int_eq(info.material, -1);

    /* every item's name finds the item itself */
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++) {
        int n = flow_model_n_items(b.m, (flow_item_kind)k);
        for (int j = 0; j < n; j++) {
            ck_assert_flow_ok(flow_model_item_info(b.m, (flow_item_kind)k, j, &info));
            ck_assert_flow_ok(flow_model_find_item(b.m, (flow_item_kind)k, info.name, &it));
            ck_assert_int_eq(it, j);
        }
    }

    ck_assert_flow_error(flow_model_find_item(b.m, FLOW_ITEM_FLOW, "sorting->recyclng:msw", &it),
                         FLOW_ENOTFOUND, "did you mean 'sorting->recycling:msw'");
    ck_assert_flow_error(flow_model_find_item(b.m, FLOW_ITEM_STOCK, "landfill_stock:glas", &it),
                         FLOW_ENOTFOUND, "did you mean 'landfill_stock:glass'");
    ck_assert_flow_error(flow_model_item_info(b.m, FLOW_ITEM_FLOW, 7, &info), FLOW_ENOTFOUND, "");
    ck_assert_flow_error(flow_model_item_info(b.m, FLOW_ITEM_STOCK, -1, &info), FLOW_ENOTFOUND,
                         "");
    flow_model_free(b.m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Interpolation through the model                                     */
/* ------------------------------------------------------------------ */

static double param_value(const flow_sim *s, const flow_model *m, const char *name, int year)
{
    int it = -1;
    double v = NAN;
    ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_PARAM, name, &it));
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_PARAM, it, year, &v));
    return v;
}

START_TEST(test_interpolation)
{
    /* 2018..2028:
     *   lin:  linear (2020, 0), (2025, 10): 2 per year; 0 before, 10 after
     *   step: step (2020, 1), (2023, 5): 1 in 2018..2022, 5 from 2023
     *   tri:  linear (2020, 0), (2022, 4), (2026, 0): 2021 = 2, 2023 = 3, 2024 = 2, 2025 = 1
     *   prod: lin x step
     *   k:    constant 7
     * households generate 3 x lin of msw; all goes to landfill. */
    flow_model *m = new_model(2018, 2028);
    int ylin[] = { 2020, 2025 };
    double vlin[] = { 0.0, 10.0 };
    int ystep[] = { 2020, 2023 };
    double vstep[] = { 1.0, 5.0 };
    int ytri[] = { 2020, 2022, 2026 };
    double vtri[] = { 0.0, 4.0, 0.0 };
    int msw, lin, step, tri, prod, k, src, sink;
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_param(m, "lin", NULL, FLOW_INTERP_LINEAR, 2, ylin, vlin, &lin));
    ck_assert_flow_ok(flow_model_add_param(m, "step", NULL, FLOW_INTERP_STEP, 2, ystep, vstep,
                                           &step));
    ck_assert_flow_ok(flow_model_add_param(m, "tri", NULL, FLOW_INTERP_LINEAR, 3, ytri, vtri, &tri));
    ck_assert_flow_ok(flow_model_add_param_product(m, "prod", NULL, lin, step, &prod));
    ck_assert_flow_ok(flow_model_add_param_const(m, "k", NULL, 7.0, &k));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 3.0, lin));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sink, msw, FLOW_SHARE, 1.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_compile(m));

    flow_sim *s = NULL;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));

    static const double elin[] = { 0, 0, 0, 2, 4, 6, 8, 10, 10, 10, 10 };
    static const double estep[] = { 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5 };
    static const double etri[] = { 0, 0, 0, 2, 4, 3, 2, 1, 0, 0, 0 };
    int fi = -1;
    ck_assert_flow_ok(flow_model_find_flow_item(m, src, sink, msw, &fi));
    for (int y = 2018; y <= 2028; y++) {
        int t = y - 2018;
        ck_assert_double_eq_tol(param_value(s, m, "lin", y), elin[t], 1e-12);
        ck_assert_double_eq_tol(param_value(s, m, "step", y), estep[t], 1e-12);
        ck_assert_double_eq_tol(param_value(s, m, "tri", y), etri[t], 1e-12);
        ck_assert_double_eq_tol(param_value(s, m, "prod", y), elin[t] * estep[t], 1e-12);
        ck_assert_double_eq_tol(param_value(s, m, "k", y), 7.0, 1e-12);
        double v = NAN;
        ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, fi, y, &v));
        ck_assert_double_eq_tol(v, 3.0 * elin[t], 1e-12);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

START_TEST(test_product_as_generation)
{
    /* generation = 1 x (pop x rate): pop linear (2020, 100), (2022, 120),
     * rate constant 0.5 -> 50, 55, 60 t/a */
    flow_model *m = new_model(2020, 2022);
    int y[] = { 2020, 2022 };
    double v[] = { 100.0, 120.0 };
    int msw, pop, rate, gen, src, sink;
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_param(m, "pop", "cap", FLOW_INTERP_LINEAR, 2, y, v, &pop));
    ck_assert_flow_ok(flow_model_add_param_const(m, "rate", "t/cap", 0.5, &rate));
    ck_assert_flow_ok(flow_model_add_param_product(m, "gen", "t", pop, rate, &gen));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 1.0, gen));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sink, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE,
                                          NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s = NULL;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    int fi = -1;
    ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_FLOW, "households->landfill:msw", &fi));
    static const double e[] = { 50.0, 55.0, 60.0 };
    for (int t = 0; t < 3; t++) {
        double x = NAN;
        ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, fi, 2020 + t, &x));
        ck_assert_double_eq_tol(x, e[t], 1e-12);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* Result names are unique within a kind (items.c). Two flows of one
 * material between the same processes cannot be told apart: refused at
 * compile time, naming both definitions. */
START_TEST(test_flow_defined_twice)
{
    flow_model *m;
    int msw, glass, hh, sorting, landfill;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2020, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "glass", FLOW_CAT_DOMESTIC, "t", &glass));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &hh));
    ck_assert_flow_ok(flow_model_add_process(m, "sorting", FLOW_SPLIT, &sorting));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &landfill));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, hh, sorting, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_set_origin(m, "models/x.lua", 10));
    ck_assert_flow_ok(flow_model_add_flow(m, sorting, landfill, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_set_origin(m, "models/x.lua", 12));
    ck_assert_flow_ok(flow_model_add_flow(m, sorting, landfill, msw, FLOW_SHARE, 0.5, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EEXIST, "models/x.lua:12: flow 'sorting->landfill:msw'",
                         "defined twice", "all materials (models/x.lua:10)", "of 'msw'", "make them one flow");
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_FLOW), 0); /* not compiled */
    flow_model_free(m);
}
END_TEST

/* Names that separators make equal: a process called "sorting[overflow]"
 * and the overflow of "sorting"; a stock "p/backlog" and the backlog of
 * "p". Refused, naming both definitions. */
START_TEST(test_names_made_equal)
{
    flow_model *m;
    int msw, hh, sorting, odd, landfill, cap;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2020, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_param_const(m, "cap", "t/a", 50, &cap));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &hh));
    ck_assert_flow_ok(flow_model_set_origin(m, "models/y.lua", 3));
    ck_assert_flow_ok(flow_model_add_process(m, "sorting", FLOW_SPLIT, &sorting));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &landfill));
    ck_assert_flow_ok(flow_model_add_process(m, "sorting[overflow]", FLOW_SPLIT, &odd));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_capacity(m, sorting, cap, landfill));
    ck_assert_flow_ok(flow_model_add_flow(m, hh, sorting, FLOW_ALL, FLOW_SHARE, 0.5, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, hh, odd, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, sorting, landfill, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_set_origin(m, "models/y.lua", 9));
    ck_assert_flow_ok(flow_model_add_flow(m, odd, landfill, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EEXIST,
                         "models/y.lua:9: two flows are named 'sorting[overflow]->landfill:msw'",
                         "the overflow of process 'sorting' to 'landfill' (models/y.lua:3)",
                         "the flow sorting[overflow]->landfill of all materials", "rename a process");
    flow_model_free(m);

    int p, pb;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2020, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_param_const(m, "cap", "t/a", 50, &cap));
    ck_assert_flow_ok(flow_model_set_origin(m, "models/z.lua", 4));
    ck_assert_flow_ok(flow_model_add_process(m, "p", FLOW_STOCK, &p));
    ck_assert_flow_ok(flow_model_set_origin(m, "models/z.lua", 5));
    ck_assert_flow_ok(flow_model_add_process(m, "p/backlog", FLOW_STOCK, &pb));
    ck_assert_flow_ok(flow_model_set_capacity(m, p, cap, FLOW_NONE));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EEXIST, "two stocks are named 'p/backlog:msw'",
                         "models/z.lua:5", "models/z.lua:4", "the backlog of process 'p'",
                         "the stock of process 'p/backlog'");
    flow_model_free(m);
}
END_TEST

/* Overflow flows are named "from[overflow]->to:material" always, also with
 * a flow of the model between the same processes, and each name finds its
 * own item; flow_model_find_flow_item prefers the flow the model defined. */
START_TEST(test_overflow_named_apart)
{
    flow_model *m;
    int msw, hh, sorting, landfill, cap, f_rest;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2020, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_param_const(m, "cap", "t/a", 60, &cap));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &hh));
    ck_assert_flow_ok(flow_model_add_process(m, "sorting", FLOW_SPLIT, &sorting));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &landfill));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_capacity(m, sorting, cap, landfill));
    ck_assert_flow_ok(flow_model_add_flow(m, hh, sorting, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, sorting, landfill, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, &f_rest));
    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_FLOW), 3);
    int it, ov, ff;
    flow_item_info info;
    ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_FLOW, "sorting[overflow]->landfill:msw", &ov));
    ck_assert_flow_ok(flow_model_item_info(m, FLOW_ITEM_FLOW, ov, &info));
    ck_assert_int_eq(info.mode, FLOW_OVERFLOW);
    ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_FLOW, "sorting->landfill:msw", &it));
    ck_assert_int_ne(it, ov);
    ck_assert_flow_ok(flow_model_item_info(m, FLOW_ITEM_FLOW, it, &info));
    ck_assert_int_eq(info.mode, FLOW_REST);
    ck_assert_int_eq(info.flow, f_rest);
    ck_assert_flow_ok(flow_model_find_flow_item(m, sorting, landfill, msw, &ff));
    ck_assert_int_eq(ff, it);
    /* 100 t, 60 accepted: 40 overflow, 60 the rest */
    flow_sim *s;
    double v;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, ov, 2020, &v));
    ck_assert_double_eq_tol(v, 40, 1e-9);
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, it, 2020, &v));
    ck_assert_double_eq_tol(v, 60, 1e-9);
    flow_sim_free(s);
    flow_model_free(m);

    /* a process name with a separator: the names are hashed, and found */
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2020, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_param_const(m, "cap", "t/a", 60, &cap));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &hh));
    ck_assert_flow_ok(flow_model_add_process(m, "sorting[1]", FLOW_SPLIT, &sorting));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &landfill));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_capacity(m, sorting, cap, landfill));
    ck_assert_flow_ok(flow_model_add_flow(m, hh, sorting, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, sorting, landfill, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, &f_rest));
    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_FLOW, "sorting[1][overflow]->landfill:msw", &ov));
    ck_assert_flow_ok(flow_model_item_info(m, FLOW_ITEM_FLOW, ov, &info));
    ck_assert_int_eq(info.mode, FLOW_OVERFLOW);
    ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_FLOW, "sorting[1]->landfill:msw", &it));
    ck_assert_flow_ok(flow_model_item_info(m, FLOW_ITEM_FLOW, it, &info));
    ck_assert_int_eq(info.flow, f_rest);
    ck_assert_flow_error(flow_model_find_item(m, FLOW_ITEM_FLOW, "sorting[1]->landfil:msw", &it), FLOW_ENOTFOUND,
                         "did you mean 'sorting[1]->landfill:msw'");
    flow_model_free(m);
}
END_TEST

Suite *flow_model_suite(void)
{
    Suite *s = suite_create("model");

    TCase *tc = tcase_create("build");
    tcase_add_test(tc, test_new_years);
    tcase_add_test(tc, test_names_and_indices);
    tcase_add_test(tc, test_add_after_compile);
    tcase_add_test(tc, test_bad_indices);
    suite_add_tcase(s, tc);

    tc = tcase_create("params");
    tcase_add_test(tc, test_param_errors);
    tcase_add_test(tc, test_param_min_points);
    tcase_add_test(tc, test_spline_overshoot);
    tcase_add_test(tc, test_negative_amount);
    tcase_add_test(tc, test_bounds);
    suite_add_tcase(s, tc);

    tc = tcase_create("shares");
    tcase_add_test(tc, test_share_above_one);
    tcase_add_test(tc, test_shares_not_one);
    tcase_add_test(tc, test_shares_with_rest);
    tcase_add_test(tc, test_two_rest);
    suite_add_tcase(s, tc);

    tc = tcase_create("kinds");
    tcase_add_test(tc, test_flow_into_source);
    tcase_add_test(tc, test_flow_out_of_sink);
    tcase_add_test(tc, test_origin_in_message);
    tcase_add_test(tc, test_inuse_without_lifetime);
    tcase_add_test(tc, test_bad_lifetime_and_mode);
    tcase_add_test(tc, test_lifetime_not_inuse);
    tcase_add_test(tc, test_options_out_of_scope);
    tcase_add_test(tc, test_capacity_checks);
    tcase_add_test(tc, test_inuse_driven_lifetime_zero);
    tcase_add_test(tc, test_flow_into_inuse_driven);
    tcase_add_test(tc, test_no_route);
    suite_add_tcase(s, tc);

    tc = tcase_create("lookup");
    tcase_add_test(tc, test_find_by_name);
    tcase_add_test(tc, test_items);
    tcase_add_test(tc, test_flow_defined_twice);
    tcase_add_test(tc, test_names_made_equal);
    tcase_add_test(tc, test_overflow_named_apart);
    suite_add_tcase(s, tc);

    tc = tcase_create("interp");
    tcase_add_test(tc, test_interpolation);
    tcase_add_test(tc, test_product_as_generation);
    suite_add_tcase(s, tc);

    return s;
}
