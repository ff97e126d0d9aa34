/*
 * cksuite_series.c — parameters as series: the interpolation rules, their
 * ends, GSL splines, products and overrides, read back as the
 * FLOW_ITEM_PARAM results of a simulation. Every expected value is worked
 * out by hand in the comment beside it.
 */
#include <math.h>
#include <string.h>

#include "cktest.h"

/* Compiles m (which holds parameters only), runs it, returns parameter p
 * in year y. */
static double param_at(flow_sim *s, int p, int y)
{
    double v = NAN;
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_PARAM, p, y, &v));
    return v;
}

static flow_sim *run(flow_model *m)
{
    flow_sim *s = NULL;
    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    return s;
}

START_TEST(test_step_and_linear)
{
    flow_model *m;
    ck_assert_flow_ok(flow_model_new(&m, 2018, 2027, NULL));
    int yrs[] = { 2020, 2023, 2025 };
    double v[] = { 1, 4, 10 };
    int st, li;
    ck_assert_flow_ok(flow_model_add_param(m, "s", NULL, FLOW_INTERP_STEP, 3, yrs, v, &st));
    ck_assert_flow_ok(flow_model_add_param(m, "l", "t/a", FLOW_INTERP_LINEAR, 3, yrs, v, &li));
    flow_sim *s = run(m);
    /* step: a value holds from its year to the next point; the first value
     * also holds before it, the last after it */
    double es[] = { 1, 1, 1, 1, 1, 4, 4, 10, 10, 10 };
    /* linear: 2020-2023 rises 1 per year (1,2,3,4); 2023-2025 rises 3 per
     * year (4,7,10); held at the ends */
    double el[] = { 1, 1, 1, 2, 3, 4, 7, 10, 10, 10 };
    for (int y = 2018; y <= 2027; y++) {
        ck_assert_double_eq_tol(param_at(s, st, y), es[y - 2018], 1e-15);
        ck_assert_double_eq_tol(param_at(s, li, y), el[y - 2018], 1e-12);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

START_TEST(test_cspline_natural)
{
    /* Natural cubic spline through (2020,0), (2022,2), (2024,0); x = year - 2020.
     * With h = 2 and M0 = M2 = 0 the middle moment solves
     *   2 (h + h) M1 = 6 ((0 - 2)/2 - (2 - 0)/2) = -12  ->  M1 = -1.5.
     * On [0, 2]: S(x) = M1 x^3 / (6h) + (y1/h - M1 h / 6) x = -0.125 x^3 + 1.5 x,
     * so S(1) = 1.375; by symmetry the value in 2023 is 1.375 too. */
    flow_model *m;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2024, NULL));
    int yrs[] = { 2020, 2022, 2024 };
    double v[] = { 0, 2, 0 };
    int p;
    ck_assert_flow_ok(flow_model_add_param(m, "c", NULL, FLOW_INTERP_CSPLINE, 3, yrs, v, &p));
    flow_sim *s = run(m);
    ck_assert_double_eq_tol(param_at(s, p, 2020), 0, 1e-12);
    ck_assert_double_eq_tol(param_at(s, p, 2021), 1.375, 1e-12);
    ck_assert_double_eq_tol(param_at(s, p, 2022), 2, 1e-12);
    ck_assert_double_eq_tol(param_at(s, p, 2023), 1.375, 1e-12);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

START_TEST(test_akima_reproduces_lines)
{
    /* Akima's slopes on collinear points are the line's slope, so the
     * spline is the line itself: y = year - 2020. */
    flow_model *m;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2026, NULL));
    int yrs[] = { 2020, 2021, 2023, 2024, 2026 };
    double v[] = { 0, 1, 3, 4, 6 };
    int p;
    ck_assert_flow_ok(flow_model_add_param(m, "a", NULL, FLOW_INTERP_AKIMA, 5, yrs, v, &p));
    flow_sim *s = run(m);
    for (int y = 2020; y <= 2026; y++)
        ck_assert_double_eq_tol(param_at(s, p, y), y - 2020, 1e-12);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

START_TEST(test_steffen_is_monotone)
{
    /* Steffen's method never overshoots: on (2020,0) (2022,1) (2024,1) the
     * value stays in [0, 1], rises on the first interval and is exactly 1
     * on the flat one (the slope at 2022 is forced to 0 where the secant
     * slopes 0.5 and 0 differ in sign or one is zero). A natural cubic
     * spline through the same points overshoots above 1 in 2023:
     * M1 = 6 (0 - 0.5) / 8 = -0.375; on [2022, 2024] with t = year - 2022
     * S = M1 (2 - t)^3 / 12 + (1/2 - M1/3)(2 - t) + (1/2) t, so
     * S(1) = -0.03125 + 0.625 + 0.5 = 1.09375. */
    flow_model *m;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2024, NULL));
    int yrs[] = { 2020, 2022, 2024 };
    double v[] = { 0, 1, 1 };
    int st, cs;
    ck_assert_flow_ok(flow_model_add_param(m, "st", NULL, FLOW_INTERP_STEFFEN, 3, yrs, v, &st));
    ck_assert_flow_ok(flow_model_add_param(m, "cs", NULL, FLOW_INTERP_CSPLINE, 3, yrs, v, &cs));
    flow_sim *s = run(m);
    double a = param_at(s, st, 2021);
    ck_assert(a > 0 && a < 1);
    ck_assert_double_eq_tol(param_at(s, st, 2023), 1, 1e-12);
    ck_assert_double_eq_tol(param_at(s, cs, 2023), 1.09375, 1e-12);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

START_TEST(test_series_errors)
{
    flow_model *m;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2025, NULL));
    int yrs[] = { 2020, 2022 }, bad[] = { 2022, 2020 };
    double v[] = { 1, 2 }, nanv[] = { 1, NAN };
    ck_assert_flow_error(flow_model_add_param(m, "x", NULL, FLOW_INTERP_LINEAR, 2, bad, v, NULL), FLOW_EINVAL,
                         "parameter 'x'", "years must increase");
    ck_assert_flow_error(flow_model_add_param(m, "y", NULL, FLOW_INTERP_LINEAR, 2, yrs, nanv, NULL), FLOW_EVALUE,
                         "parameter 'y'", "year 2022", "not finite");
    ck_assert_flow_error(flow_model_add_param(m, "z", NULL, FLOW_INTERP_LINEAR, 0, yrs, v, NULL), FLOW_EINVAL,
                         "no points");
    ck_assert_flow_error(flow_model_add_param(m, "w", NULL, (flow_interp)9, 2, yrs, v, NULL), FLOW_EINVAL,
                         "interpolation");
    /* a cubic spline needs three points: found when the model compiles */
    ck_assert_flow_ok(flow_model_add_param(m, "two", NULL, FLOW_INTERP_CSPLINE, 2, yrs, v, NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EINVAL, "parameter 'two'", "at least 3 points");
    ck_assert_int_eq(flow_model_is_compiled(m), 0);
    flow_model_free(m);
}
END_TEST

START_TEST(test_origin_in_messages)
{
    flow_model *m;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2025, NULL));
    int yrs[] = { 2020, 2022 };
    double v[] = { 1, 2 };
    ck_assert_flow_ok(flow_model_set_origin(m, "models/demo.lua", 42));
    ck_assert_flow_ok(flow_model_add_param(m, "two", NULL, FLOW_INTERP_AKIMA, 2, yrs, v, NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EINVAL, "models/demo.lua:42: ", "parameter 'two'");
    flow_model_free(m);
}
END_TEST

START_TEST(test_bounds_product_and_overrides)
{
    flow_model *m;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2024, NULL));
    int yrs[] = { 2020, 2024 };
    double drv[] = { 100, 140 }; /* linear: 100, 110, 120, 130, 140 */
    int d, k, prod;
    ck_assert_flow_ok(flow_model_add_param(m, "driver", "10^4 yuan", FLOW_INTERP_LINEAR, 2, yrs, drv, &d));
    ck_assert_flow_ok(flow_model_add_param_const(m, "intensity", "t/10^4 yuan", 0.5, &k));
    ck_assert_flow_ok(flow_model_add_param_product(m, "generation", "t/a", d, k, &prod));
    ck_assert_flow_ok(flow_model_set_param_bounds(m, k, 0, 1));
    ck_assert_flow_error(flow_model_set_param_bounds(m, k, 2, 1), FLOW_EINVAL, "intensity", "not a range");
    ck_assert_flow_error(flow_model_add_param_product(m, "bad", NULL, d, 99, NULL), FLOW_ENOTFOUND, "99");
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    /* intensity falls to 0.4 from 2023: generation 2023 = 130 x 0.4 = 52 */
    ck_assert_flow_ok(flow_sim_set_param_from(s, k, 2023, 0.4));
    ck_assert_flow_error(flow_sim_set_param(s, k, 2022, 1.5), FLOW_EVALUE, "intensity", "2022", "bounds");
    ck_assert_flow_error(flow_sim_set_param(s, prod, 2022, 1), FLOW_EINVAL, "generation", "driver");
    ck_assert_flow_error(flow_sim_set_param(s, k, 2030, 1), FLOW_ERANGE, "2030");
    ck_assert_flow_error(flow_sim_set_param(s, k, 2022, NAN), FLOW_EVALUE, "not finite");
    ck_assert_flow_ok(flow_sim_run(s));
    double e[] = { 50, 55, 60, 52, 56 }; /* 100/110/120 x 0.5, 130/140 x 0.4 */
    for (int y = 2020; y <= 2024; y++)
        ck_assert_double_eq_tol(param_at(s, prod, y), e[y - 2020], 1e-12);
    ck_assert_flow_error(flow_sim_set_param(s, k, 2024, 0.3), FLOW_ERANGE, "simulated already");
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

Suite *flow_series_suite(void)
{
    Suite *s = suite_create("series");
    TCase *tc = tcase_create("interp");
    tcase_add_test(tc, test_step_and_linear);
    tcase_add_test(tc, test_cspline_natural);
    tcase_add_test(tc, test_akima_reproduces_lines);
    tcase_add_test(tc, test_steffen_is_monotone);
    tcase_add_test(tc, test_series_errors);
    tcase_add_test(tc, test_origin_in_messages);
    tcase_add_test(tc, test_bounds_product_and_overrides);
    suite_add_tcase(s, tc);
    return s;
}
