/*
 * cksuite_sim.c — simulations against hand calculations: routing by shares,
 * fixed and rest flows, recycling loops against their closed forms,
 * capacities with overflow and backlog (also inside a cycle), the stock
 * modes, levers, reset, and the run-time errors of the year step. Every
 * expected number is worked out in the comment above its test, never taken
 * from the engine.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cktest.h"
#include "flow_int.h" /* flow__fmax */

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static flow_model *model(int first, int last)
{
    flow_model *m = NULL;
    ck_assert_flow_ok(flow_model_new(&m, first, last, NULL));
    return m;
}

static int mat(flow_model *m, const char *name)
{
    int i = -1;
    ck_assert_flow_ok(flow_model_add_material(m, name, FLOW_CAT_DOMESTIC, "t", &i));
    return i;
}

static int proc(flow_model *m, const char *name, flow_kind k)
{
    int i = -1;
    ck_assert_flow_ok(flow_model_add_process(m, name, k, &i));
    return i;
}

static int pconst(flow_model *m, const char *name, double v)
{
    int i = -1;
    ck_assert_flow_ok(flow_model_add_param_const(m, name, NULL, v, &i));
    return i;
}

/* A step series: values[k] holds from years[k] until the next point. */
static int pstep(flow_model *m, const char *name, size_t n, const int *years,
                 const double *values)
{
    int i = -1;
    ck_assert_flow_ok(flow_model_add_param(m, name, NULL, FLOW_INTERP_STEP, n, years, values, &i));
    return i;
}

static int flow(flow_model *m, int from, int to, int material, flow_mode mode, double coef,
                int param)
{
    int i = -1;
    ck_assert_flow_ok(flow_model_add_flow(m, from, to, material, mode, coef, param, &i));
    return i;
}

static flow_sim *compile_new(flow_model *m)
{
    flow_sim *s = NULL;
    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(flow_sim_year(s), flow_model_first_year(m));
    return s;
}

static double item_value(const flow_sim *s, flow_item_kind kind, const char *name, int year)
{
    const flow_model *m = flow_sim_model(s);
    int it = -1;
    double v = NAN;
    ck_assert_flow_ok(flow_model_find_item(m, kind, name, &it));
    ck_assert_flow_ok(flow_sim_get(s, kind, it, year, &v));
    /* the row and the whole array agree with flow_sim_get */
    const double *row = flow_sim_row(s, kind, year);
    ck_assert_ptr_nonnull(row);
    ck_assert(row[it] == v);
    const double *data = flow_sim_data(s, kind);
    int n = flow_model_n_items(m, kind);
    ck_assert(data[(size_t)(year - flow_model_first_year(m)) * (size_t)n + (size_t)it] == v);
    return v;
}

/* Asserts that a flow / stock / parameter has the expected value within a
 * relative tolerance (and 1e-12 absolute for zeros). */
#define ck_flow(s, name, year, expected, rel)                                       \
    ck_assert_double_eq_tol(item_value((s), FLOW_ITEM_FLOW, (name), (year)), (expected), \
                            (rel) * fabs(expected) + 1e-12)
#define ck_stock(s, name, year, expected, rel)                                      \
    ck_assert_double_eq_tol(item_value((s), FLOW_ITEM_STOCK, (name), (year)), (expected), \
                            (rel) * fabs(expected) + 1e-12)
#define ck_param(s, name, year, expected, rel)                                      \
    ck_assert_double_eq_tol(item_value((s), FLOW_ITEM_PARAM, (name), (year)), (expected), \
                            (rel) * fabs(expected) + 1e-12)

#define REL 1e-9

/* ------------------------------------------------------------------ */
/* (1) An acyclic model                                                */
/* ------------------------------------------------------------------ */

/* 2020..2021; materials msw, organics, bulky.
 *   households (source): msw = gen_msw (linear 1000 in 2020, 1100 in 2021),
 *     organics = 500 (coef alone), no bulky; sends msw (share 1) and
 *     organics (rest) to sorting.
 *   sorting (split): msw fixed 100 -> export; all 0.3 -> compost;
 *     organics 0.4 -> digester; the rest of all -> landfill.
 *   bulky_pickup (source, no generation): bulky fixed 40 -> landfill: it
 *     generates what its fixed flow takes.
 * By hand, 2020:
 *   msw:      B = 1000; export 100; compost 0.3*1000 = 300;
 *             landfill 1000 - 100 - 300 = 600
 *   organics: B = 500; compost 150; digester 200; landfill 500 - 150 - 200 = 150
 *   bulky:    bulky_pickup -> landfill 40; none reaches sorting: 0 there.
 * 2021: msw B = 1100: export 100, compost 330, landfill 670; organics as 2020. */
START_TEST(test_acyclic)
{
    flow_model *m = model(2020, 2021);
    int msw = mat(m, "msw"), org = mat(m, "organics"), bulky = mat(m, "bulky");
    int yl[] = { 2020, 2021 };
    double vl[] = { 1000.0, 1100.0 };
    int gen_msw = -1;
    ck_assert_flow_ok(flow_model_add_param(m, "gen_msw", "t/a", FLOW_INTERP_LINEAR, 2, yl, vl,
                                           &gen_msw));
    int hh = proc(m, "households", FLOW_SOURCE);
    int sorting = proc(m, "sorting", FLOW_SPLIT);
    int exp_ = proc(m, "export", FLOW_SINK);
    int compost = proc(m, "compost", FLOW_SINK);
    int dig = proc(m, "digester", FLOW_SINK);
    int landfill = proc(m, "landfill", FLOW_SINK);
    int pickup = proc(m, "bulky_pickup", FLOW_SOURCE);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 1.0, gen_msw));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, org, 500.0, FLOW_NONE));
    flow(m, hh, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, hh, sorting, org, FLOW_REST, 0.0, FLOW_NONE);
    flow(m, sorting, exp_, msw, FLOW_FIXED, 100.0, FLOW_NONE);
    flow(m, sorting, compost, FLOW_ALL, FLOW_SHARE, 0.3, FLOW_NONE);
    flow(m, sorting, dig, org, FLOW_SHARE, 0.4, FLOW_NONE);
    flow(m, sorting, landfill, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    flow(m, pickup, landfill, bulky, FLOW_FIXED, 40.0, FLOW_NONE);

    flow_sim *s = compile_new(m);
    /* flow items: 1 + 1 + 1 + 3 + 1 + 3 + 1 = 11; no stocks */
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_FLOW), 11);
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_STOCK), 0);

    ck_assert_flow_ok(flow_sim_step(s));
    ck_assert_int_eq(flow_sim_year(s), 2021);
    flow_sim_stats st;
    flow_sim_get_stats(s, &st);
    ck_assert_int_eq(st.dense_solves, 0);
    ck_assert_int_eq(st.sparse_solves, 0);
    ck_assert_flow_ok(flow_sim_step(s));
    ck_assert_int_eq(flow_sim_year(s), 2022);

    ck_flow(s, "households->sorting:msw", 2020, 1000.0, REL);
    ck_flow(s, "households->sorting:organics", 2020, 500.0, REL);
    ck_flow(s, "sorting->export:msw", 2020, 100.0, REL);
    ck_flow(s, "sorting->compost:msw", 2020, 300.0, REL);
    ck_flow(s, "sorting->landfill:msw", 2020, 600.0, REL);
    ck_flow(s, "sorting->compost:organics", 2020, 150.0, REL);
    ck_flow(s, "sorting->digester:organics", 2020, 200.0, REL);
    ck_flow(s, "sorting->landfill:organics", 2020, 150.0, REL);
    ck_flow(s, "sorting->landfill:bulky", 2020, 0.0, REL);
    ck_flow(s, "bulky_pickup->landfill:bulky", 2020, 40.0, REL);

    ck_flow(s, "households->sorting:msw", 2021, 1100.0, REL);
    ck_flow(s, "sorting->export:msw", 2021, 100.0, REL);
    ck_flow(s, "sorting->compost:msw", 2021, 330.0, REL);
    ck_flow(s, "sorting->landfill:msw", 2021, 670.0, REL);
    ck_flow(s, "sorting->digester:organics", 2021, 200.0, REL);
    ck_flow(s, "sorting->landfill:organics", 2021, 150.0, REL);
    ck_flow(s, "bulky_pickup->landfill:bulky", 2021, 40.0, REL);

    /* flow_sim_get agrees with find_flow_item */
    int it = -1;
    double v = NAN;
    ck_assert_flow_ok(flow_model_find_flow_item(m, sorting, landfill, msw, &it));
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, it, 2021, &v));
    ck_assert_double_eq_tol(v, 670.0, 1e-9);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* flow.h: "a source with no generation declared for a material generates
 * what its fixed flows take" -- none here, so 0: households generate msw
 * 10 and no glass, and send everything (FLOW_ALL, share 1) to landfill:
 * households->landfill:msw = 10, households->landfill:glass = 0. */
START_TEST(test_source_all_materials)
{
    flow_model *m = model(2020, 2020);
    int msw = mat(m, "msw");
    mat(m, "glass");
    int hh = proc(m, "households", FLOW_SOURCE);
    int lf = proc(m, "landfill", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 10.0, FLOW_NONE));
    flow(m, hh, lf, FLOW_ALL, FLOW_SHARE, 1.0, FLOW_NONE);
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));
    ck_flow(s, "households->landfill:msw", 2020, 10.0, REL);
    ck_flow(s, "households->landfill:glass", 2020, 0.0, REL);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* Result arrays of more than 4 MiB, which the default allocator takes
 * from calloc and offers for huge pages (alloc.c): they must read 0 before
 * the first year, hold what the step wrote, and read 0 again after a
 * reset. 2000..2499 (500 years) x 1,100 materials x 2 flows = 1.1 million
 * flow items x 8 bytes = 8.8 MB.
 *   source generates material k at k + 1 every year; share 0.25 of all to
 *   sink a, the rest to sink b:
 *   a:k = 0.25 (k + 1), b:k = 0.75 (k + 1), every year */
START_TEST(test_large_arrays)
{
    enum { NM = 1100, FIRST = 2000, LAST = 2499 };
    flow_model *m = model(FIRST, LAST);
    char name[32];
    for (int k = 0; k < NM; k++) {
        snprintf(name, sizeof name, "m%d", k);
        mat(m, name);
    }
    int src = proc(m, "source", FLOW_SOURCE);
    int a = proc(m, "a", FLOW_SINK), b = proc(m, "b", FLOW_SINK);
    for (int k = 0; k < NM; k++)
        ck_assert_flow_ok(flow_model_set_generation(m, src, k, k + 1.0, FLOW_NONE));
    flow(m, src, a, FLOW_ALL, FLOW_SHARE, 0.25, FLOW_NONE);
    flow(m, src, b, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    flow_sim *s = compile_new(m);
    size_t n = (size_t)flow_model_n_items(m, FLOW_ITEM_FLOW) * (LAST - FIRST + 1);
    ck_assert_uint_eq(n, (size_t)2 * NM * (LAST - FIRST + 1));
    ck_assert_uint_ge(n * sizeof(double), (size_t)4 << 20);
    for (int round = 0; round < 2; round++) {
        const double *all = flow_sim_data(s, FLOW_ITEM_FLOW);
        size_t nonzero = 0;
        for (size_t i = 0; i < n; i++)
            nonzero += all[i] != 0.0;
        ck_assert_uint_eq(nonzero, 0);
        ck_assert_flow_ok(flow_sim_run(s));
        for (int year = FIRST; year <= LAST; year += 83) {
            for (int k = 0; k < NM; k += 37) {
                snprintf(name, sizeof name, "source->a:m%d", k);
                ck_flow(s, name, year, 0.25 * (k + 1), REL);
                snprintf(name, sizeof name, "source->b:m%d", k);
                ck_flow(s, name, year, 0.75 * (k + 1), REL);
            }
        }
        ck_flow(s, "source->b:m1099", LAST, 0.75 * 1100, REL);
        ck_assert_flow_ok(flow_sim_reset(s));
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (2) Recycling loops                                                 */
/* ------------------------------------------------------------------ */

/* households generate b = 1000 of msw into sorting; sorting sends share r
 * to recycling and the rest to landfill; recycling sends all back.
 *   x = b + r x  ->  x = b / (1 - r)
 * r = 0.4 (2020), 0.5 (2021), 0.75 (2022):
 *   x               = 1666.666..., 2000, 4000
 *   sorting->recycl = r x = 666.666..., 1000, 3000 (= recycling->sorting)
 *   sorting->landf  = (1 - r) x = 1000 every year */
START_TEST(test_loop_closed_form)
{
    flow_model *m = model(2020, 2022);
    int msw = mat(m, "msw");
    int yr[] = { 2020, 2021, 2022 };
    double vr[] = { 0.4, 0.5, 0.75 };
    int r = pstep(m, "r", 3, yr, vr);
    int hh = proc(m, "households", FLOW_SOURCE);
    int sorting = proc(m, "sorting", FLOW_SPLIT);
    int rec = proc(m, "recycling", FLOW_SPLIT);
    int lf = proc(m, "landfill", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 1000.0, FLOW_NONE));
    flow(m, hh, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, sorting, rec, msw, FLOW_SHARE, 1.0, r);
    flow(m, sorting, lf, msw, FLOW_REST, 0.0, FLOW_NONE);
    flow(m, rec, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow_sim *s = compile_new(m);

    for (int y = 2020; y <= 2022; y++) {
        ck_assert_flow_ok(flow_sim_step(s));
        flow_sim_stats st;
        flow_sim_get_stats(s, &st);
        ck_assert_int_gt(st.dense_solves, 0);
        ck_assert_int_eq(st.sparse_solves, 0);
        ck_assert(st.max_balance_error <= 1e-9);
    }
    const double x[] = { 1000.0 / 0.6, 2000.0, 4000.0 };
    for (int t = 0; t < 3; t++) {
        ck_flow(s, "households->sorting:msw", 2020 + t, 1000.0, REL);
        ck_flow(s, "sorting->recycling:msw", 2020 + t, vr[t] * x[t], REL);
        ck_flow(s, "recycling->sorting:msw", 2020 + t, vr[t] * x[t], REL);
        ck_flow(s, "sorting->landfill:msw", 2020 + t, 1000.0, REL);
    }
    ck_flow(s, "sorting->recycling:msw", 2020, 666.6666666666666, REL);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* Two processes in a loop with material-specific shares.
 * households: paper 100, plastic 50 -> sorting (share 1).
 * sorting: paper 0.6, plastic 0.3 -> recycler; the rest -> landfill.
 * recycler: 0.5 of all -> sorting; the rest -> market.
 *   x = b + 0.5 r x  ->  x = b / (1 - 0.5 r)
 * paper:   x = 100 / 0.7 = 142.857142857...; ->recycler 0.6x = 85.7142857...;
 *          back 0.3x = 42.857142857...; market 42.857...; landfill 0.4x = 57.142857...
 *          (in 100 = market 42.857 + landfill 57.143)
 * plastic: x = 50 / 0.85 = 58.8235294...; ->recycler 0.3x = 17.6470588...;
 *          back 0.15x = 8.8235294...; market 8.8235294...; landfill 0.7x = 41.1764705...
 *          (in 50 = 8.8235 + 41.1765) */
START_TEST(test_loop_two_materials)
{
    flow_model *m = model(2020, 2020);
    int paper = mat(m, "paper"), plastic = mat(m, "plastic");
    int hh = proc(m, "households", FLOW_SOURCE);
    int sorting = proc(m, "sorting", FLOW_SPLIT);
    int rec = proc(m, "recycler", FLOW_SPLIT);
    int lf = proc(m, "landfill", FLOW_SINK);
    int market = proc(m, "market", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, paper, 100.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, plastic, 50.0, FLOW_NONE));
    flow(m, hh, sorting, FLOW_ALL, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, sorting, rec, paper, FLOW_SHARE, 0.6, FLOW_NONE);
    flow(m, sorting, rec, plastic, FLOW_SHARE, 0.3, FLOW_NONE);
    flow(m, sorting, lf, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    flow(m, rec, sorting, FLOW_ALL, FLOW_SHARE, 0.5, FLOW_NONE);
    flow(m, rec, market, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));

    double xp = 100.0 / 0.7, xs = 50.0 / 0.85;
    ck_flow(s, "sorting->recycler:paper", 2020, 0.6 * xp, REL);
    ck_flow(s, "recycler->sorting:paper", 2020, 0.3 * xp, REL);
    ck_flow(s, "recycler->market:paper", 2020, 0.3 * xp, REL);
    ck_flow(s, "sorting->landfill:paper", 2020, 0.4 * xp, REL);
    ck_flow(s, "sorting->landfill:paper", 2020, 57.142857142857146, REL);
    ck_flow(s, "sorting->recycler:plastic", 2020, 0.3 * xs, REL);
    ck_flow(s, "recycler->sorting:plastic", 2020, 0.15 * xs, REL);
    ck_flow(s, "recycler->market:plastic", 2020, 0.15 * xs, REL);
    ck_flow(s, "sorting->landfill:plastic", 2020, 0.7 * xs, REL);
    ck_flow(s, "sorting->landfill:plastic", 2020, 41.17647058823529, REL);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (3) Capacity: overflow and backlog                                  */
/* ------------------------------------------------------------------ */

/* households: paper 60, plastic 40 -> incinerator (share 1).
 * incinerator: capacity 80 (2020), 120 (2021), overflow -> landfill;
 *   the rest of what it accepts -> air.
 * 2020: A = 100 > 80: rho = 0.8; air paper 48, plastic 32;
 *       overflow paper 12, plastic 8 (in proportion).
 * 2021: A = 100 <= 120: rho = 1; air 60, 40; overflow 0, 0. */
START_TEST(test_capacity_overflow)
{
    flow_model *m = model(2020, 2021);
    int paper = mat(m, "paper"), plastic = mat(m, "plastic");
    int yc[] = { 2020, 2021 };
    double vc[] = { 80.0, 120.0 };
    int cap = pstep(m, "cap", 2, yc, vc);
    int hh = proc(m, "households", FLOW_SOURCE);
    int inc = proc(m, "incinerator", FLOW_SPLIT);
    int lf = proc(m, "landfill", FLOW_SINK);
    int air = proc(m, "air", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, paper, 60.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, plastic, 40.0, FLOW_NONE));
    flow(m, hh, inc, FLOW_ALL, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, inc, air, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_capacity(m, inc, cap, lf));
    flow_sim *s = compile_new(m);
    /* flow items: 2 + 2 + the overflow of each material 2 = 6; no backlog */
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_FLOW), 6);
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_STOCK), 0);
    int it = -1;
    flow_item_info info;
    ck_assert_flow_ok(flow_model_find_flow_item(m, inc, lf, paper, &it));
    ck_assert_flow_ok(flow_model_item_info(m, FLOW_ITEM_FLOW, it, &info));
    ck_assert_int_eq(info.mode, FLOW_OVERFLOW);
    ck_assert_int_eq(info.flow, -1);
    ck_assert_str_eq(info.name, "incinerator[overflow]->landfill:paper");

    ck_assert_flow_ok(flow_sim_run(s));
    ck_flow(s, "incinerator->air:paper", 2020, 48.0, REL);
    ck_flow(s, "incinerator->air:plastic", 2020, 32.0, REL);
    ck_flow(s, "incinerator[overflow]->landfill:paper", 2020, 12.0, REL);
    ck_flow(s, "incinerator[overflow]->landfill:plastic", 2020, 8.0, REL);
    ck_flow(s, "incinerator->air:paper", 2021, 60.0, REL);
    ck_flow(s, "incinerator->air:plastic", 2021, 40.0, REL);
    ck_flow(s, "incinerator[overflow]->landfill:paper", 2021, 0.0, REL);
    ck_flow(s, "incinerator[overflow]->landfill:plastic", 2021, 0.0, REL);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* Backlog (overflow FLOW_NONE). households generate msw 60, 60, 50, 0 and
 * glass 40, 40, 0, 0 (2020..2023) into the incinerator (capacity 80); what
 * it accepts goes to air. First in, first out: the backlog is taken first,
 * then this year's input, in proportion to its materials, up to what the
 * capacity leaves.
 * 2020: no backlog; input (60, 40) = 100 > 80, rho = 0.8: air (48, 32),
 *       backlog (12, 8)
 * 2021: backlog 20 taken whole; 60 left for the input (60, 40) = 100,
 *       rho = 0.6: (36, 24); air (48, 32), backlog (24, 16)
 * 2022: backlog 40 taken whole; 40 left for the input (50, 0): 40 msw;
 *       air (64, 16), backlog (10, 0)
 *       (in proportion to backlog + input, (74, 16) x 8/9, air would be
 *       (65.78, 14.22))
 * 2023: backlog (10, 0) taken, no input: air (10, 0), backlog (0, 0) */
START_TEST(test_capacity_backlog)
{
    flow_model *m = model(2020, 2023);
    int msw = mat(m, "msw"), glass = mat(m, "glass");
    int ym[] = { 2020, 2022, 2023 };
    double vm[] = { 60.0, 50.0, 0.0 };
    int yg[] = { 2020, 2022 };
    double vg[] = { 40.0, 0.0 };
    int gm = pstep(m, "gen_msw", 3, ym, vm);
    int gg = pstep(m, "gen_glass", 2, yg, vg);
    int cap = pconst(m, "cap", 80.0);
    int hh = proc(m, "households", FLOW_SOURCE);
    int inc = proc(m, "incinerator", FLOW_SPLIT);
    int air = proc(m, "air", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 1.0, gm));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, glass, 1.0, gg));
    flow(m, hh, inc, FLOW_ALL, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, inc, air, FLOW_ALL, FLOW_SHARE, 1.0, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_capacity(m, inc, cap, FLOW_NONE));
    flow_sim *s = compile_new(m);
    /* a backlog item per material, no overflow flow */
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_FLOW), 4);
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_STOCK), 2);
    ck_assert_flow_ok(flow_sim_run(s));

    /* the backlog items, found by process and material */
    int bl_item[2] = { -1, -1 };
    for (int i = 0; i < flow_model_n_items(m, FLOW_ITEM_STOCK); i++) {
        flow_item_info info;
        ck_assert_flow_ok(flow_model_item_info(m, FLOW_ITEM_STOCK, i, &info));
        ck_assert_int_eq(info.from, inc);
        ck_assert_int_eq(info.to, -1);
        ck_assert(info.material == msw || info.material == glass);
        bl_item[info.material == msw ? 0 : 1] = i;
    }
    ck_assert(bl_item[0] >= 0 && bl_item[1] >= 0);
    const double air_m[] = { 48.0, 48.0, 64.0, 10.0 };
    const double air_g[] = { 32.0, 32.0, 16.0, 0.0 };
    const double bl_m[] = { 12.0, 24.0, 10.0, 0.0 };
    const double bl_g[] = { 8.0, 16.0, 0.0, 0.0 };
    for (int t = 0; t < 4; t++) {
        ck_flow(s, "incinerator->air:msw", 2020 + t, air_m[t], REL);
        ck_flow(s, "incinerator->air:glass", 2020 + t, air_g[t], REL);
        double v = NAN;
        ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_STOCK, bl_item[0], 2020 + t, &v));
        ck_assert_double_eq_tol(v, bl_m[t], REL * bl_m[t] + 1e-12);
        ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_STOCK, bl_item[1], 2020 + t, &v));
        ck_assert_double_eq_tol(v, bl_g[t], REL * bl_g[t] + 1e-12);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* flow.h: a backlog's stock items are named "process:material". */
START_TEST(test_backlog_item_name)
{
    flow_model *m = model(2020, 2020);
    int msw = mat(m, "msw");
    int cap = pconst(m, "cap", 5.0);
    int hh = proc(m, "households", FLOW_SOURCE);
    int inc = proc(m, "incinerator", FLOW_SPLIT);
    int air = proc(m, "air", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 10.0, FLOW_NONE));
    flow(m, hh, inc, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, inc, air, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_capacity(m, inc, cap, FLOW_NONE));
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));
    /* 10 in, 5 accepted, 5 held in the backlog item named as flow.h says */
    ck_stock(s, "incinerator/backlog:msw", 2020, 5.0, REL);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* A backlog is a queue: what waits longest is taken first, also when it
 * takes years to clear. households generate a = 100 in 2020 and b = 100 in
 * 2021, nothing after; the plant (capacity 40, backlog) sends all it
 * accepts to out. The queue, oldest first, by hand:
 * 2020: [] + input 100a: 40a accepted; queue [2020: 60a]
 * 2021: 60 > 40: 40a of 2020 taken, nothing left for the input 100b;
 *       queue [2020: 20a, 2021: 100b]; out (40, 0)
 * 2022: 20a of 2020, then 20b of 2021; queue [2021: 80b]; out (20, 20)
 * 2023: 40b of 2021; queue [2021: 40b]; out (0, 40)
 * In proportion to the backlog and the input (the rule before), 2021 would
 * send (15, 25); in proportion within the backlog alone, 2022 would send
 * 40 x (20, 100) / 120 = (6.67, 33.33). */
static void backlog_queue_model(flow_model **mp, int in_cycle)
{
    flow_model *m = model(2020, 2023);
    int a = mat(m, "a"), b = mat(m, "b");
    int ya[] = { 2020, 2021 }, yb[] = { 2020, 2021, 2022 };
    double va[] = { 100.0, 0.0 }, vb[] = { 0.0, 100.0, 0.0 };
    int ga = pstep(m, "gen_a", 2, ya, va), gb = pstep(m, "gen_b", 3, yb, vb);
    int cap = pconst(m, "cap", 40.0);
    int hh = proc(m, "households", FLOW_SOURCE);
    int plant = proc(m, "plant", FLOW_SPLIT);
    int out = proc(m, "out", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, a, 1.0, ga));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, b, 1.0, gb));
    flow(m, hh, plant, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    if (in_cycle) {
        int loop = proc(m, "loop", FLOW_SPLIT);
        flow(m, plant, loop, FLOW_ALL, FLOW_SHARE, 0.5, FLOW_NONE);
        flow(m, loop, plant, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    }
    flow(m, plant, out, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_capacity(m, plant, cap, FLOW_NONE));
    *mp = m;
}

START_TEST(test_backlog_fifo)
{
    flow_model *m = NULL;
    backlog_queue_model(&m, 0);
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));
    const double out_a[] = { 40, 40, 20, 0 }, out_b[] = { 0, 0, 20, 40 };
    const double bl_a[] = { 60, 20, 0, 0 }, bl_b[] = { 0, 100, 80, 40 };
    for (int t = 0; t < 4; t++) {
        ck_flow(s, "plant->out:a", 2020 + t, out_a[t], REL);
        ck_flow(s, "plant->out:b", 2020 + t, out_b[t], REL);
        ck_stock(s, "plant/backlog:a", 2020 + t, bl_a[t], REL);
        ck_stock(s, "plant/backlog:b", 2020 + t, bl_b[t], REL);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* The queue of test_backlog_fifo inside a cycle: the plant sends half of
 * what it accepts round a loop back to itself (as new input), the rest
 * out. With the capacity binding, out = 20 and the loop 20 every year:
 * 2020: input 100a + 20a back = 120a; 40 accepted; queue [2020: 80a];
 *       out 20a
 * 2021: 80 > 40: 40a of 2020; the input 100b + 20a back all waits;
 *       queue [2020: 40a, 2021: 20a + 100b]; out 20a
 * 2022: 40a of 2020; the 20a back waits; queue [2021: 20a + 100b,
 *       2022: 20a]; out 20a
 * 2023: 40 of 2021's 120, a third of each: (20/3)a + (100/3)b; half out,
 *       (10/3, 50/3), half back to wait; queue a: 40 - 20/3 + 10/3 = 110/3,
 *       b: 100 - 100/3 + 50/3 = 250/3 */
START_TEST(test_backlog_fifo_cycle)
{
    flow_model *m = NULL;
    backlog_queue_model(&m, 1);
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));
    const double out_a[] = { 20, 20, 20, 10.0 / 3 }, out_b[] = { 0, 0, 0, 50.0 / 3 };
    const double bl_a[] = { 80, 60, 40, 110.0 / 3 }, bl_b[] = { 0, 100, 100, 250.0 / 3 };
    for (int t = 0; t < 4; t++) {
        ck_flow(s, "plant->out:a", 2020 + t, out_a[t], REL);
        ck_flow(s, "plant->out:b", 2020 + t, out_b[t], REL);
        ck_flow(s, "plant->loop:a", 2020 + t, out_a[t], REL);
        ck_flow(s, "plant->loop:b", 2020 + t, out_b[t], REL);
        ck_stock(s, "plant/backlog:a", 2020 + t, bl_a[t], REL);
        ck_stock(s, "plant/backlog:b", 2020 + t, bl_b[t], REL);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (4) A capacity binding inside a cycle                               */
/* ------------------------------------------------------------------ */

/* households: b -> sorting (share 1). sorting: capacity 80, overflow ->
 * bypass (sink); of what it accepts 0.5 -> recycling, the rest -> landfill;
 * recycling sends all back to sorting.
 * 2020, b = 100: unbounded x = b / (1 - 0.5) = 200 > 80, so the capacity
 *   binds: accepted = 80, sorting->recycling = 40 = recycling->sorting,
 *   x = 100 + 40 = 140, overflow = 140 - 80 = 60, landfill = 40.
 *   (in 100 = bypass 60 + landfill 40)
 * 2021, b = 30: x = 30 / 0.5 = 60 <= 80: no overflow; recycling 30,
 *   landfill 30. */
START_TEST(test_capacity_in_cycle)
{
    flow_model *m = model(2020, 2021);
    int msw = mat(m, "msw");
    int yb[] = { 2020, 2021 };
    double vb[] = { 100.0, 30.0 };
    int b = pstep(m, "b", 2, yb, vb);
    int cap = pconst(m, "cap", 80.0);
    int hh = proc(m, "households", FLOW_SOURCE);
    int sorting = proc(m, "sorting", FLOW_SPLIT);
    int rec = proc(m, "recycling", FLOW_SPLIT);
    int lf = proc(m, "landfill", FLOW_SINK);
    int bypass = proc(m, "bypass", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 1.0, b));
    flow(m, hh, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, sorting, rec, msw, FLOW_SHARE, 0.5, FLOW_NONE);
    flow(m, sorting, lf, msw, FLOW_REST, 0.0, FLOW_NONE);
    flow(m, rec, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_capacity(m, sorting, cap, bypass));
    flow_sim *s = compile_new(m);

    ck_assert_flow_ok(flow_sim_step(s));
    flow_sim_stats st;
    flow_sim_get_stats(s, &st);
    ck_assert_int_gt(st.dense_solves, 0);
    ck_assert_int_gt(st.capacity_iters, 0);
    ck_flow(s, "sorting->recycling:msw", 2020, 40.0, REL);
    ck_flow(s, "recycling->sorting:msw", 2020, 40.0, REL);
    ck_flow(s, "sorting->landfill:msw", 2020, 40.0, REL);
    ck_flow(s, "sorting[overflow]->bypass:msw", 2020, 60.0, REL);

    ck_assert_flow_ok(flow_sim_step(s));
    ck_flow(s, "sorting->recycling:msw", 2021, 30.0, REL);
    ck_flow(s, "recycling->sorting:msw", 2021, 30.0, REL);
    ck_flow(s, "sorting->landfill:msw", 2021, 30.0, REL);
    ck_flow(s, "sorting[overflow]->bypass:msw", 2021, 0.0, REL);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (5) Landfill accumulation                                           */
/* ------------------------------------------------------------------ */

/* households: msw 1000, 1200, 800 and ash 10 (2020..2022) -> landfill
 * (stock, accumulate; initial msw 5000, ash 0); 2 % of all -> leachate.
 * s_t = s_{t-1} + x - 0.02 x:
 *   msw: 5000 + 1000 - 20 = 5980; 5980 + 1200 - 24 = 7156; 7156 + 800 - 16 = 7940
 *        leachate 20, 24, 16
 *   ash: 9.8, 19.6, 29.4; leachate 0.2 every year */
START_TEST(test_landfill)
{
    flow_model *m = model(2020, 2022);
    int msw = mat(m, "msw"), ash = mat(m, "ash");
    int yg[] = { 2020, 2021, 2022 };
    double vg[] = { 1000.0, 1200.0, 800.0 };
    int g = pstep(m, "gen", 3, yg, vg);
    int hh = proc(m, "households", FLOW_SOURCE);
    int lf = proc(m, "landfill", FLOW_STOCK);
    int leach = proc(m, "leachate", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 1.0, g));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, ash, 10.0, FLOW_NONE));
    flow(m, hh, lf, FLOW_ALL, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, lf, leach, FLOW_ALL, FLOW_SHARE, 0.02, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_stock_mode(m, lf, FLOW_STOCK_ACCUMULATE));
    ck_assert_flow_ok(flow_model_set_initial_stock(m, lf, msw, 5000.0));
    flow_sim *s = compile_new(m);
    ck_assert_int_eq(flow_model_n_items(m, FLOW_ITEM_STOCK), 2);
    ck_assert_flow_ok(flow_sim_run(s));

    const double st_m[] = { 5980.0, 7156.0, 7940.0 };
    const double le_m[] = { 20.0, 24.0, 16.0 };
    for (int t = 0; t < 3; t++) {
        ck_stock(s, "landfill:msw", 2020 + t, st_m[t], REL);
        ck_flow(s, "landfill->leachate:msw", 2020 + t, le_m[t], REL);
        ck_stock(s, "landfill:ash", 2020 + t, 9.8 * (t + 1), REL);
        ck_flow(s, "landfill->leachate:ash", 2020 + t, 0.2, REL);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (6) Storage yard                                                    */
/* ------------------------------------------------------------------ */

/* yard (stock, storage; initial 200): input 100 in 2020, then 0; flows act
 * on B = last year's stock + input: msw fixed 50 -> market, 10 % -> loss;
 * s = B - out.
 *   2020: B = 300,  market 50, loss 30,   s = 220
 *   2021: B = 220,  market 50, loss 22,   s = 148
 *   2022: B = 148,  market 50, loss 14.8, s = 83.2
 *   2023: B = 83.2, market 50, loss 8.32, s = 24.88 */
START_TEST(test_storage_drawdown)
{
    flow_model *m = model(2020, 2023);
    int msw = mat(m, "msw");
    int yg[] = { 2020, 2021 };
    double vg[] = { 100.0, 0.0 };
    int g = pstep(m, "gen", 2, yg, vg);
    int hh = proc(m, "households", FLOW_SOURCE);
    int yard = proc(m, "yard", FLOW_STOCK);
    int market = proc(m, "market", FLOW_SINK);
    int loss = proc(m, "loss", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 1.0, g));
    flow(m, hh, yard, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, yard, market, msw, FLOW_FIXED, 50.0, FLOW_NONE);
    flow(m, yard, loss, FLOW_ALL, FLOW_SHARE, 0.1, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_stock_mode(m, yard, FLOW_STOCK_STORAGE));
    ck_assert_flow_ok(flow_model_set_initial_stock(m, yard, msw, 200.0));
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));
    const double st[] = { 220.0, 148.0, 83.2, 24.88 };
    const double ls[] = { 30.0, 22.0, 14.8, 8.32 };
    for (int t = 0; t < 4; t++) {
        ck_stock(s, "yard:msw", 2020 + t, st[t], REL);
        ck_flow(s, "yard->market:msw", 2020 + t, 50.0, REL);
        ck_flow(s, "yard->loss:msw", 2020 + t, ls[t], REL);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* A yard with 100 t and nothing coming in, drawn down by 60 t/a:
 * 2020: B = 100, s = 40; 2021: B = 40 < 60: the fixed flow exceeds the
 * base -> FLOW_EVALUE naming yard, msw and 2021. */
START_TEST(test_storage_overdrawn)
{
    flow_model *m = model(2020, 2022);
    int msw = mat(m, "msw");
    int yard = proc(m, "yard", FLOW_STOCK);
    int market = proc(m, "market", FLOW_SINK);
    flow(m, yard, market, msw, FLOW_FIXED, 60.0, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_stock_mode(m, yard, FLOW_STOCK_STORAGE));
    ck_assert_flow_ok(flow_model_set_initial_stock(m, yard, msw, 100.0));
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_step(s));
    ck_stock(s, "yard:msw", 2020, 40.0, REL);
    ck_assert_flow_error(flow_sim_step(s), FLOW_EVALUE, "yard", "msw", "2021");
    ck_assert_int_eq(flow_sim_year(s), 2021);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (7) In-use stocks                                                   */
/* ------------------------------------------------------------------ */

/* households -> cars (in-use, fixed lifetime 2: S(0) = S(1) = 1, S(2) = 0,
 * a cohort leaves two years after it came) -> eol (rest).
 * inflow 10, 20, 30, 0, 0 (2020..2024):
 *   stock:   2020: 10; 2021: 10 + 20 = 30; 2022: 20 + 30 = 50 (2020 leaves);
 *            2023: 30 (2021 leaves); 2024: 0 (2022 leaves)
 *   outflow: 0, 0, 10, 20, 30 */
START_TEST(test_inuse_inflow_driven)
{
    flow_model *m = model(2020, 2024);
    int msw = mat(m, "msw");
    int yg[] = { 2020, 2021, 2022, 2023 };
    double vg[] = { 10.0, 20.0, 30.0, 0.0 };
    int g = pstep(m, "sales", 4, yg, vg);
    int hh = proc(m, "market", FLOW_SOURCE);
    int cars = proc(m, "cars", FLOW_STOCK);
    int eol = proc(m, "eol", FLOW_SINK);
    flow_lifetime lt = { FLOW_LT_FIXED, 2.0, 0.0 };
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 1.0, g));
    flow(m, hh, cars, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, cars, eol, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_stock_mode(m, cars, FLOW_STOCK_INUSE));
    ck_assert_flow_ok(flow_model_set_lifetime(m, cars, &lt));
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));
    const double st[] = { 10.0, 30.0, 50.0, 30.0, 0.0 };
    const double out[] = { 0.0, 0.0, 10.0, 20.0, 30.0 };
    for (int t = 0; t < 5; t++) {
        ck_stock(s, "cars:msw", 2020 + t, st[t], REL);
        ck_flow(s, "cars->eol:msw", 2020 + t, out[t], REL);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* The same with a fixed lifetime of 0: goods used up within their year of
 * inflow (S(0) = 0), so the stock stays 0 and the end-of-life outflow is
 * the year's inflow: 10, 20, 30, 0, 0. */
START_TEST(test_inuse_lifetime_zero)
{
    flow_model *m = model(2020, 2024);
    int msw = mat(m, "msw");
    int yg[] = { 2020, 2021, 2022, 2023 };
    double vg[] = { 10.0, 20.0, 30.0, 0.0 };
    int g = pstep(m, "sales", 4, yg, vg);
    int hh = proc(m, "market", FLOW_SOURCE);
    int food = proc(m, "food", FLOW_STOCK);
    int eol = proc(m, "eol", FLOW_SINK);
    flow_lifetime lt = { FLOW_LT_FIXED, 0.0, 0.0 };
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 1.0, g));
    flow(m, hh, food, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, food, eol, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    ck_assert_flow_ok(flow_model_set_stock_mode(m, food, FLOW_STOCK_INUSE));
    ck_assert_flow_ok(flow_model_set_lifetime(m, food, &lt));
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));
    const double in[] = { 10.0, 20.0, 30.0, 0.0, 0.0 };
    for (int t = 0; t < 5; t++) {
        ck_stock(s, "food:msw", 2020 + t, 0.0, REL);
        ck_flow(s, "food->eol:msw", 2020 + t, in[t], REL);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* buildings (in-use, stock-driven, fixed lifetime 2) with the stock path
 * 100, 150, 150, 120, 120 (2020..2024); 70 % of the end-of-life outflow ->
 * recycling, the rest -> landfill. With S(1) = 1, S(2) = 0 only last
 * year's cohort survives, so i_t = s_t - i_{t-1}:
 *   inflow:  100; 150 - 100 = 50; 150 - 50 = 100; 120 - 100 = 20; 120 - 20 = 100
 *   outflow o_t = i_{t-2}: 0, 0, 100, 50, 100
 *     (check: s_2022 = 150 + 100 - 100 = 150; s_2023 = 150 + 20 - 50 = 120)
 *   recycling 0, 0, 70, 35, 70; landfill 0, 0, 30, 15, 30 */
START_TEST(test_inuse_stock_driven)
{
    flow_model *m = model(2020, 2024);
    int msw = mat(m, "concrete");
    int yp[] = { 2020, 2021, 2023 };
    double vp[] = { 100.0, 150.0, 120.0 };
    int path = pstep(m, "path", 3, yp, vp);
    int bld = proc(m, "buildings", FLOW_STOCK);
    int rec = proc(m, "recycling", FLOW_SINK);
    int lf = proc(m, "landfill", FLOW_SINK);
    flow_lifetime lt = { FLOW_LT_FIXED, 2.0, 0.0 };
    ck_assert_flow_ok(flow_model_set_stock_mode(m, bld, FLOW_STOCK_INUSE_DRIVEN));
    ck_assert_flow_ok(flow_model_set_lifetime(m, bld, &lt));
    ck_assert_flow_ok(flow_model_set_stock_path(m, bld, msw, 1.0, path));
    flow(m, bld, rec, FLOW_ALL, FLOW_SHARE, 0.7, FLOW_NONE);
    flow(m, bld, lf, FLOW_ALL, FLOW_REST, 0.0, FLOW_NONE);
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));
    const double st[] = { 100.0, 150.0, 150.0, 120.0, 120.0 };
    const double rc[] = { 0.0, 0.0, 70.0, 35.0, 70.0 };
    const double lfv[] = { 0.0, 0.0, 30.0, 15.0, 30.0 };
    for (int t = 0; t < 5; t++) {
        ck_stock(s, "buildings:concrete", 2020 + t, st[t], REL);
        ck_flow(s, "buildings->recycling:concrete", 2020 + t, rc[t], REL);
        ck_flow(s, "buildings->landfill:concrete", 2020 + t, lfv[t], REL);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (8) Levers and reset                                                */
/* ------------------------------------------------------------------ */

/* households generate g (100) -> sorting; sorting sends rate (0.2) ->
 * recycling, the rest -> landfill; demand = g x rate (derived).
 * Levers: g = 200 in 2022; later g = 50 from 2023; rate = 0.5 from 2023.
 *   year       2020 2021 2022 2023 2024
 *   g           100  100  200   50   50
 *   rate        0.2  0.2  0.2  0.5  0.5
 *   recycling    20   20   40   25   25
 *   landfill     80   80  160   25   25
 *   demand       20   20   40   25   25
 * After a reset the overrides stay; g = 10 in 2020 is then allowed:
 *   recycling 2020 = 2, landfill 8. */
START_TEST(test_levers)
{
    flow_model *m = model(2020, 2024);
    int msw = mat(m, "msw");
    int g = pconst(m, "g", 100.0);
    int rate = pconst(m, "rate", 0.2);
    int demand = -1;
    ck_assert_flow_ok(flow_model_add_param_product(m, "demand", NULL, g, rate, &demand));
    ck_assert_flow_ok(flow_model_set_param_bounds(m, g, 0.0, 500.0));
    int hh = proc(m, "households", FLOW_SOURCE);
    int sorting = proc(m, "sorting", FLOW_SPLIT);
    int rec = proc(m, "recycling", FLOW_SINK);
    int lf = proc(m, "landfill", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 1.0, g));
    flow(m, hh, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, sorting, rec, msw, FLOW_SHARE, 1.0, rate);
    flow(m, sorting, lf, msw, FLOW_REST, 0.0, FLOW_NONE);
    flow_sim *s = compile_new(m);

    ck_assert_flow_ok(flow_sim_set_param(s, g, 2022, 200.0));
    ck_assert_flow_error(flow_sim_set_param(s, g, 2019, 1.0), FLOW_ERANGE, "2019");
    ck_assert_flow_error(flow_sim_set_param(s, g, 2025, 1.0), FLOW_ERANGE, "2025");
    ck_assert_flow_error(flow_sim_set_param_from(s, g, 2025, 1.0), FLOW_ERANGE, "2025");
    ck_assert_flow_error(flow_sim_set_param(s, g, 2022, NAN), FLOW_EVALUE, "g");
    ck_assert_flow_error(flow_sim_set_param(s, g, 2022, 600.0), FLOW_EVALUE, "g", "2022");
    ck_assert_flow_error(flow_sim_set_param(s, 17, 2022, 1.0), FLOW_ENOTFOUND, "17");
    ck_assert_flow_error(flow_sim_set_param(s, demand, 2022, 1.0), FLOW_EINVAL, "demand");

    ck_assert_flow_ok(flow_sim_step(s));
    ck_assert_flow_ok(flow_sim_step(s));
    ck_assert_int_eq(flow_sim_year(s), 2022);
    /* 2020 and 2021 are simulated: too late for them */
    ck_assert_flow_error(flow_sim_set_param(s, g, 2021, 1.0), FLOW_ERANGE, "2021");
    ck_assert_flow_error(flow_sim_set_param(s, g, 2020, 1.0), FLOW_ERANGE, "2020");
    ck_assert_flow_error(flow_sim_set_param_from(s, rate, 2021, 0.9), FLOW_ERANGE, "2021");
    ck_assert_flow_ok(flow_sim_set_param_from(s, g, 2023, 50.0));
    ck_assert_flow_ok(flow_sim_set_param_from(s, rate, 2023, 0.5));
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_int_eq(flow_sim_year(s), 2025);

    const double eg[] = { 100, 100, 200, 50, 50 };
    const double er[] = { 0.2, 0.2, 0.2, 0.5, 0.5 };
    const double erec[] = { 20, 20, 40, 25, 25 };
    const double elf[] = { 80, 80, 160, 25, 25 };
    for (int t = 0; t < 5; t++) {
        ck_param(s, "g", 2020 + t, eg[t], REL);
        ck_param(s, "rate", 2020 + t, er[t], REL);
        ck_param(s, "demand", 2020 + t, erec[t], REL);
        ck_flow(s, "sorting->recycling:msw", 2020 + t, erec[t], REL);
        ck_flow(s, "sorting->landfill:msw", 2020 + t, elf[t], REL);
    }

    /* reset: back before 2020, rows gone, a rerun gives the same numbers */
    int nf = flow_model_n_items(m, FLOW_ITEM_FLOW);
    double before[5 * 8];
    ck_assert_int_le(nf, 8);
    memcpy(before, flow_sim_data(s, FLOW_ITEM_FLOW), sizeof(double) * 5 * (size_t)nf);
    ck_assert_flow_ok(flow_sim_reset(s));
    ck_assert_int_eq(flow_sim_year(s), 2020);
    double v;
    ck_assert_flow_error(flow_sim_get(s, FLOW_ITEM_FLOW, 0, 2020, &v), FLOW_ERANGE, "2020");
    ck_assert_ptr_null(flow_sim_row(s, FLOW_ITEM_FLOW, 2020));
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_mem_eq(before, flow_sim_data(s, FLOW_ITEM_FLOW), sizeof(double) * 5 * (size_t)nf);

    /* after a reset nothing is simulated: 2020 can be changed again */
    ck_assert_flow_ok(flow_sim_reset(s));
    ck_assert_flow_ok(flow_sim_set_param(s, g, 2020, 10.0));
    ck_assert_flow_ok(flow_sim_run(s));
    ck_flow(s, "sorting->recycling:msw", 2020, 2.0, REL);
    ck_flow(s, "sorting->landfill:msw", 2020, 8.0, REL);
    for (int t = 1; t < 5; t++) {
        ck_flow(s, "sorting->recycling:msw", 2020 + t, erec[t], REL);
        ck_flow(s, "sorting->landfill:msw", 2020 + t, elf[t], REL);
    }

    /* two simulations of one model are independent */
    flow_sim *s2 = NULL;
    ck_assert_flow_ok(flow_sim_new(&s2, m));
    ck_assert_flow_ok(flow_sim_run(s2));
    for (int t = 0; t < 5; t++) {
        ck_flow(s2, "sorting->recycling:msw", 2020 + t, 20.0, REL);
        ck_flow(s2, "sorting->landfill:msw", 2020 + t, 80.0, REL);
    }
    flow_sim_free(s2);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (9) A cycle with no exit                                            */
/* ------------------------------------------------------------------ */

/* households -> digester (share 1); digester -> press (share 1);
 * press -> digester (share 1): (I - A) = [[1, -1], [-1, 1]] is singular. */
START_TEST(test_singular)
{
    flow_model *m = model(2020, 2021);
    int msw = mat(m, "msw");
    int hh = proc(m, "households", FLOW_SOURCE);
    int dig = proc(m, "digester", FLOW_SPLIT);
    int press = proc(m, "press", FLOW_SPLIT);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 10.0, FLOW_NONE));
    flow(m, hh, dig, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, dig, press, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, press, dig, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow_sim *s = compile_new(m);
    ck_assert_flow_error(flow_sim_step(s), FLOW_ESINGULAR, "digester", "press");
    ck_assert_int_eq(flow_sim_year(s), 2020);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (10) Run-time errors                                                */
/* ------------------------------------------------------------------ */

/* sorting sends tc_rec (0.5) -> recycling and tc_lf (0.5) -> landfill,
 * no rest. A lever tc_rec = 0.7 in 2023 makes them add to 1.2 then. */
START_TEST(test_runtime_shares)
{
    flow_model *m = model(2020, 2025);
    int msw = mat(m, "msw");
    int trec = pconst(m, "tc_rec", 0.5);
    int tlf = pconst(m, "tc_lf", 0.5);
    int hh = proc(m, "households", FLOW_SOURCE);
    int sorting = proc(m, "sorting", FLOW_SPLIT);
    int rec = proc(m, "recycling", FLOW_SINK);
    int lf = proc(m, "landfill", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 100.0, FLOW_NONE));
    flow(m, hh, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, sorting, rec, msw, FLOW_SHARE, 1.0, trec);
    flow(m, sorting, lf, msw, FLOW_SHARE, 1.0, tlf);
    flow_sim *s = compile_new(m);
    ck_assert_flow_ok(flow_sim_set_param(s, trec, 2023, 0.7));
    ck_assert_flow_error(flow_sim_run(s), FLOW_ESHARES, "sorting", "msw", "2023", "1.2");
    ck_assert_int_eq(flow_sim_year(s), 2023);
    /* 2022 went through: recycling 50 */
    ck_flow(s, "sorting->recycling:msw", 2022, 50.0, REL);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* sorting receives 100 of msw and must send 150 -> export (fixed): the
 * rest would be -50 -> FLOW_EVALUE naming sorting, msw, 2020. */
START_TEST(test_runtime_fixed_exceeds)
{
    flow_model *m = model(2020, 2021);
    int msw = mat(m, "msw");
    int hh = proc(m, "households", FLOW_SOURCE);
    int sorting = proc(m, "sorting", FLOW_SPLIT);
    int ex = proc(m, "export", FLOW_SINK);
    int lf = proc(m, "landfill", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 100.0, FLOW_NONE));
    flow(m, hh, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, sorting, ex, msw, FLOW_FIXED, 150.0, FLOW_NONE);
    flow(m, sorting, lf, msw, FLOW_REST, 0.0, FLOW_NONE);
    flow_sim *s = compile_new(m);
    ck_assert_flow_error(flow_sim_step(s), FLOW_EVALUE, "sorting", "msw", "2020");
    ck_assert_int_eq(flow_sim_year(s), 2020);
    flow_sim_free(s);
    flow_model_free(m);

    /* fixed 30 + share 0.6 of 100 = 90, no rest: 10 t would vanish */
    m = model(2020, 2021);
    msw = mat(m, "msw");
    hh = proc(m, "households", FLOW_SOURCE);
    sorting = proc(m, "sorting", FLOW_SPLIT);
    ex = proc(m, "export", FLOW_SINK);
    lf = proc(m, "landfill", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 100.0, FLOW_NONE));
    flow(m, hh, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, sorting, ex, msw, FLOW_FIXED, 30.0, FLOW_NONE);
    flow(m, sorting, lf, msw, FLOW_SHARE, 0.6, FLOW_NONE);
    s = compile_new(m);
    ck_assert_flow_error(flow_sim_step(s), FLOW_EVALUE, "sorting", "msw", "2020");
    flow_sim_free(s);
    flow_model_free(m);

    /* ...and fixed 40 + share 0.6 of 100 is exactly 100: fine */
    m = model(2020, 2021);
    msw = mat(m, "msw");
    hh = proc(m, "households", FLOW_SOURCE);
    sorting = proc(m, "sorting", FLOW_SPLIT);
    ex = proc(m, "export", FLOW_SINK);
    lf = proc(m, "landfill", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 100.0, FLOW_NONE));
    flow(m, hh, sorting, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    flow(m, sorting, ex, msw, FLOW_FIXED, 40.0, FLOW_NONE);
    flow(m, sorting, lf, msw, FLOW_SHARE, 0.6, FLOW_NONE);
    s = compile_new(m);
    ck_assert_flow_ok(flow_sim_run(s));
    ck_flow(s, "sorting->export:msw", 2021, 40.0, REL);
    ck_flow(s, "sorting->landfill:msw", 2021, 60.0, REL);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (11) States and ranges                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_states)
{
    flow_model *m = model(2020, 2021);
    int msw = mat(m, "msw");
    int hh = proc(m, "households", FLOW_SOURCE);
    int lf = proc(m, "landfill", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, 7.0, FLOW_NONE));
    flow(m, hh, lf, msw, FLOW_SHARE, 1.0, FLOW_NONE);

    flow_sim *s = (flow_sim *)&s;
    ck_assert_flow_error(flow_sim_new(&s, m), FLOW_ESTATE, "");
    ck_assert_ptr_null(s);
    s = compile_new(m);
    ck_assert_ptr_eq(flow_sim_model(s), m);

    double v = -1.0;
    ck_assert_flow_error(flow_sim_get(s, FLOW_ITEM_FLOW, 0, 2020, &v), FLOW_ERANGE, "2020");
    ck_assert_ptr_null(flow_sim_row(s, FLOW_ITEM_FLOW, 2020));
    const double *data = flow_sim_data(s, FLOW_ITEM_FLOW);
    ck_assert_ptr_nonnull(data);
    ck_assert(data[0] == 0.0 && data[1] == 0.0);

    ck_assert_flow_ok(flow_sim_step(s));
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, 0, 2020, &v));
    ck_assert_double_eq_tol(v, 7.0, 1e-12);
    ck_assert_flow_error(flow_sim_get(s, FLOW_ITEM_FLOW, 0, 2021, &v), FLOW_ERANGE, "2021");
    ck_assert_ptr_null(flow_sim_row(s, FLOW_ITEM_FLOW, 2021));
    ck_assert(flow_sim_data(s, FLOW_ITEM_FLOW)[1] == 0.0);
    ck_assert_flow_error(flow_sim_get(s, FLOW_ITEM_FLOW, 0, 2019, &v), FLOW_ERANGE, "2019");
    ck_assert_flow_error(flow_sim_get(s, FLOW_ITEM_FLOW, 1, 2020, &v), FLOW_ENOTFOUND, "");
    ck_assert_flow_error(flow_sim_get(s, FLOW_ITEM_FLOW, -1, 2020, &v), FLOW_ENOTFOUND, "");
    ck_assert_flow_error(flow_sim_get(s, FLOW_ITEM_STOCK, 0, 2020, &v), FLOW_ENOTFOUND, "");

    ck_assert_flow_ok(flow_sim_step(s));
    ck_assert_int_eq(flow_sim_year(s), 2022);
    ck_assert_flow_error(flow_sim_step(s), FLOW_ESTATE, "");
    ck_assert_int_eq(flow_sim_year(s), 2022);
    ck_assert_flow_error(flow_sim_get(s, FLOW_ITEM_FLOW, 0, 2022, &v), FLOW_ERANGE, "2022");
    ck_assert_flow_ok(flow_sim_set_balance_tolerance(s, 1e-6));
    flow_sim_free(s);
    flow_sim_free(NULL);
    flow_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (12) Rings: dense and sparse solves                                 */
/* ------------------------------------------------------------------ */

/* A ring P0 -> P1 -> ... -> P(n-1) -> P0; each sends q of what it gets on
 * around the ring and the rest to out; households put b into P0.
 *   x_0 = b + q x_(n-1),  x_i = q x_(i-1)  ->  x_0 = b / (1 - q^n),
 *   x_i = x_0 q^i; P_i -> next = q x_i; P_i -> out = (1 - q) x_i. */
static void ring(int n, double q, double b, double rel, int want_sparse)
{
    flow_model *m = model(2020, 2021);
    int msw = mat(m, "msw");
    int hh = proc(m, "households", FLOW_SOURCE);
    int out = proc(m, "out", FLOW_SINK);
    int p0 = -1;
    char name[32];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "P%d", i);
        int p = proc(m, name, FLOW_SPLIT);
        if (i == 0)
            p0 = p;
    }
    ck_assert_flow_ok(flow_model_set_generation(m, hh, msw, b, FLOW_NONE));
    flow(m, hh, p0, msw, FLOW_SHARE, 1.0, FLOW_NONE);
    for (int i = 0; i < n; i++) {
        flow(m, p0 + i, p0 + (i + 1) % n, msw, FLOW_SHARE, q, FLOW_NONE);
        flow(m, p0 + i, out, msw, FLOW_REST, 0.0, FLOW_NONE);
    }
    flow_sim *s = compile_new(m);
    for (int y = 2020; y <= 2021; y++) {
        ck_assert_flow_ok(flow_sim_step(s));
        flow_sim_stats st;
        flow_sim_get_stats(s, &st);
        if (want_sparse) {
            ck_assert_int_gt(st.sparse_solves, 0);
        } else {
            ck_assert_int_gt(st.dense_solves, 0);
            ck_assert_int_eq(st.sparse_solves, 0);
        }
    }
    double x0 = b / (1.0 - pow(q, n));
    double total_out = 0.0;
    for (int i = 0; i < n; i++) {
        double xi = x0 * pow(q, i);
        char fname[64];
        snprintf(fname, sizeof fname, "P%d->P%d:msw", i, (i + 1) % n);
        ck_flow(s, fname, 2021, q * xi, rel);
        snprintf(fname, sizeof fname, "P%d->out:msw", i);
        ck_flow(s, fname, 2021, (1.0 - q) * xi, rel);
        total_out += item_value(s, FLOW_ITEM_FLOW, fname, 2021);
    }
    /* all that came in left */
    ck_assert_double_eq_tol(total_out, b, 1e-9 * b);
    flow_sim_free(s);
    flow_model_free(m);
}

/* n = 3, q = 0.5: x_0 = 1000 / (1 - 0.125) = 1142.857..., x_1 = 571.43,
 * x_2 = 285.71 */
START_TEST(test_ring_small)
{
    ring(3, 0.5, 1000.0, REL, 0);
}
END_TEST

/* n = 200, q = 0.99: q^200 = 0.13398..., x_0 = 1000 / 0.86602 = 1154.70...;
 * solved by GMRES, so compared to 1e-8 relative */
START_TEST(test_ring_large)
{
    ring(200, 0.99, 1000.0, 1e-8, 1);
}
END_TEST

/* Small cycles of uniform splits (the fast cycle path): a loop that keeps
 * everything circulating is singular and named; fixed, share and rest
 * flows inside a loop of three splits (s2's share returns to s1 through
 * s3: two flows of one material between the same processes are refused),
 * two materials, by hand:
 *   msw:   x1 = 100 + 3 + 0.4 x2, x2 = 0.5 x1  =>  x1 = 103 / 0.8 = 128.75, x2 = 64.375
 *   glass: x1 =  40 + 3 + 0.4 x2, x2 = 0.5 x1  =>  x1 =  43 / 0.8 =  53.75, x2 = 26.875 */
static double flow_of(const flow_sim *s, const char *name, int year)
{
    int it;
    double v;
    ck_assert_flow_ok(flow_model_find_item(flow_sim_model(s), FLOW_ITEM_FLOW, name, &it));
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, it, year, &v));
    return v;
}

START_TEST(test_small_uniform_cycles)
{
    flow_model *m;
    flow_sim *s;
    int a, b, hh, s1, s2, s3, A, B, C, dig, press;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2021, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &a));
    ck_assert_flow_ok(flow_model_add_material(m, "glass", FLOW_CAT_DOMESTIC, "t", &b));
    ck_assert_flow_ok(flow_model_add_process(m, "households", FLOW_SOURCE, &hh));
    ck_assert_flow_ok(flow_model_add_process(m, "digester", FLOW_SPLIT, &dig));
    ck_assert_flow_ok(flow_model_add_process(m, "press", FLOW_SPLIT, &press));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, a, 10, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, b, 10, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, hh, dig, FLOW_ALL, FLOW_SHARE, 1, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, dig, press, FLOW_ALL, FLOW_SHARE, 1, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, press, dig, FLOW_ALL, FLOW_SHARE, 1, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_error(flow_sim_step(s), FLOW_ESINGULAR, "has no exit", "'digester'", "'press'");
    flow_sim_free(s);
    flow_model_free(m);

    ck_assert_flow_ok(flow_model_new(&m, 2020, 2021, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &a));
    ck_assert_flow_ok(flow_model_add_material(m, "glass", FLOW_CAT_DOMESTIC, "t", &b));
    ck_assert_flow_ok(flow_model_add_process(m, "hh", FLOW_SOURCE, &hh));
    ck_assert_flow_ok(flow_model_add_process(m, "s1", FLOW_SPLIT, &s1));
    ck_assert_flow_ok(flow_model_add_process(m, "s2", FLOW_SPLIT, &s2));
    ck_assert_flow_ok(flow_model_add_process(m, "s3", FLOW_SPLIT, &s3));
    ck_assert_flow_ok(flow_model_add_process(m, "A", FLOW_SINK, &A));
    ck_assert_flow_ok(flow_model_add_process(m, "B", FLOW_SINK, &B));
    ck_assert_flow_ok(flow_model_add_process(m, "C", FLOW_SINK, &C));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, a, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, hh, b, 40, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, hh, s1, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, s1, A, FLOW_ALL, FLOW_FIXED, 5, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, s1, s2, FLOW_ALL, FLOW_SHARE, 0.5, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, s1, B, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, s2, s1, FLOW_ALL, FLOW_FIXED, 3, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, s2, s3, FLOW_ALL, FLOW_SHARE, 0.4, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, s3, s1, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, s2, C, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    for (int y = 2020; y <= 2021; y++) {
        ck_assert_double_eq_tol(flow_of(s, "s1->A:msw", y), 5, 1e-9);
        ck_assert_double_eq_tol(flow_of(s, "s1->s2:msw", y), 64.375, 1e-9);
        ck_assert_double_eq_tol(flow_of(s, "s1->B:msw", y), 128.75 - 5 - 64.375, 1e-9);
        ck_assert_double_eq_tol(flow_of(s, "s2->C:msw", y), 64.375 - 3 - 0.4 * 64.375, 1e-9);
        ck_assert_double_eq_tol(flow_of(s, "s3->s1:msw", y), 0.4 * 64.375, 1e-9);
        ck_assert_double_eq_tol(flow_of(s, "s1->s2:glass", y), 26.875, 1e-9);
        ck_assert_double_eq_tol(flow_of(s, "s1->B:glass", y), 53.75 - 5 - 26.875, 1e-9);
        ck_assert_double_eq_tol(flow_of(s, "s2->C:glass", y), 26.875 - 3 - 0.4 * 26.875, 1e-9);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST


/* flow__fmax stands in for libm's fmax in the year step and must give the
 * same bits: by C11 F.10.9.2 and glibc's x86-64 fmax, a NaN argument
 * yields the other one; of two that compare equal glibc returns the first
 * (so -0 for fmax(-0, +0), +0 for fmax(+0, -0)); else the larger. */
START_TEST(test_fmax_inline)
{
    ck_assert(flow__fmax(NAN, 2.5) == 2.5);
    ck_assert(flow__fmax(2.5, NAN) == 2.5);
    ck_assert(isnan(flow__fmax(NAN, NAN)));
    ck_assert(signbit(flow__fmax(-0.0, 0.0)) && !signbit(flow__fmax(0.0, -0.0)));
    ck_assert(flow__fmax(-1, -2) == -1 && flow__fmax(1e-300, 3) == 3);
    ck_assert(flow__fmax(-INFINITY, -1e308) == -1e308 && flow__fmax(INFINITY, 1) == INFINITY);
    /* and against libm itself, bit for bit, over every pair of a grid */
    const double v[] = { 0.0, -0.0, 1, -1, NAN, -NAN, INFINITY, -INFINITY, 1e-300, 5, DBL_MIN, -DBL_MAX };
    const int n = sizeof v / sizeof *v;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            volatile double a = v[i], b = v[j];
            double want = fmax(a, b), got = flow__fmax(a, b);
            ck_assert(isnan(want) ? isnan(got) : memcmp(&want, &got, sizeof got) == 0);
        }
}
END_TEST

/* The plan kind flow_sim_new gave process p's component. */
static int plan_kind(const flow_sim *s, int p)
{
    const flow_compiled *c = &s->m->c;
    for (int k = 0; k < c->C; k++)
        if (c->order[c->c_start[k]] == p)
            return s->plan[k].kind;
    return -1;
}

/* Processes whose whole input stays (flow_route__keep) beside one that
 * sends some on (flow_route__process), 2021-2023. city makes 100 t msw
 * and 20 t glass a year; msw: half to "landfill" (accumulating stock,
 * 1000 t msw at the start), the rest to "yard" (accumulating stock that
 * sends 20 % of its msw to "air", a sink); glass all to "bin" (a sink).
 * By hand, year k = 1, 2, 3:
 *   landfill:msw 1000 + 50 k = 1050, 1100, 1150; landfill:glass 0
 *   yard:msw 40 k = 40, 80, 120 (50 in, 10 out); yard->air:msw 10
 *   city->bin:glass 20 */
START_TEST(test_keep_path)
{
    flow_model *m = model(2021, 2023);
    int msw = mat(m, "msw"), glass = mat(m, "glass");
    int city = proc(m, "city", FLOW_SOURCE), lf = proc(m, "landfill", FLOW_STOCK);
    int yard = proc(m, "yard", FLOW_STOCK), air = proc(m, "air", FLOW_SINK), bin = proc(m, "bin", FLOW_SINK);
    ck_assert_flow_ok(flow_model_set_generation(m, city, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, city, glass, 20, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_initial_stock(m, lf, msw, 1000));
    flow(m, city, lf, msw, FLOW_SHARE, 0.5, FLOW_NONE);
    flow(m, city, yard, msw, FLOW_REST, 0, FLOW_NONE);
    flow(m, city, bin, glass, FLOW_REST, 0, FLOW_NONE);
    flow(m, yard, air, msw, FLOW_SHARE, 0.2, FLOW_NONE);
    flow_sim *s = compile_new(m);
    ck_assert_int_eq(plan_kind(s, lf), FLOW_PLAN_KEEP);
    ck_assert_int_eq(plan_kind(s, air), FLOW_PLAN_KEEP);
    ck_assert_int_eq(plan_kind(s, bin), FLOW_PLAN_KEEP);
    ck_assert_int_eq(plan_kind(s, yard), FLOW_PLAN_PROCESS);
    for (int run = 0; run < 2; run++) {
        if (run)
            ck_assert_flow_ok(flow_sim_reset(s));
        ck_assert_flow_ok(flow_sim_run(s));
        for (int k = 1; k <= 3; k++) {
            int y = 2020 + k;
            ck_assert_double_eq_tol(item_value(s, FLOW_ITEM_STOCK, "landfill:msw", y), 1000 + 50 * k, 1e-9);
            ck_assert_double_eq_tol(item_value(s, FLOW_ITEM_STOCK, "landfill:glass", y), 0, 1e-12);
            ck_assert_double_eq_tol(item_value(s, FLOW_ITEM_STOCK, "yard:msw", y), 40 * k, 1e-9);
            ck_assert_double_eq_tol(item_value(s, FLOW_ITEM_FLOW, "yard->air:msw", y), 10, 1e-9);
            ck_assert_double_eq_tol(item_value(s, FLOW_ITEM_FLOW, "city->bin:glass", y), 20, 1e-9);
        }
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

Suite *flow_sim_suite(void)
{
    Suite *s = suite_create("sim");

    TCase *tc = tcase_create("routing");
    tcase_add_test(tc, test_acyclic);
    tcase_add_test(tc, test_fmax_inline);
    tcase_add_test(tc, test_keep_path);
    tcase_add_test(tc, test_source_all_materials);
    tcase_add_test(tc, test_loop_closed_form);
    tcase_add_test(tc, test_loop_two_materials);
    tcase_add_test(tc, test_small_uniform_cycles);
    suite_add_tcase(s, tc);

    tc = tcase_create("capacity");
    tcase_add_test(tc, test_capacity_overflow);
    tcase_add_test(tc, test_capacity_backlog);
    tcase_add_test(tc, test_backlog_item_name);
    tcase_add_test(tc, test_backlog_fifo);
    tcase_add_test(tc, test_backlog_fifo_cycle);
    tcase_add_test(tc, test_capacity_in_cycle);
    suite_add_tcase(s, tc);

    tc = tcase_create("stocks");
    tcase_add_test(tc, test_landfill);
    tcase_add_test(tc, test_storage_drawdown);
    tcase_add_test(tc, test_storage_overdrawn);
    tcase_add_test(tc, test_inuse_inflow_driven);
    tcase_add_test(tc, test_inuse_lifetime_zero);
    tcase_add_test(tc, test_inuse_stock_driven);
    suite_add_tcase(s, tc);

    tc = tcase_create("levers");
    tcase_add_test(tc, test_levers);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_singular);
    tcase_add_test(tc, test_runtime_shares);
    tcase_add_test(tc, test_runtime_fixed_exceeds);
    tcase_add_test(tc, test_states);
    suite_add_tcase(s, tc);

    tc = tcase_create("rings");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ring_small);
    tcase_add_test(tc, test_ring_large);
    tcase_add_test(tc, test_large_arrays);
    suite_add_tcase(s, tc);

    return s;
}
