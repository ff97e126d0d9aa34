/*
 * cksuite_guards.c — the guards the year step puts around the callbacks
 * of a process type: a transfer with a NaN or negative coefficient or
 * release, a failing init(), transfer() or step(), a metric that is not
 * finite. One fake type compiled into the test ("faulty") does each wrong
 * thing in turn, in the second year of the run (2022), and each is
 * expected to stop the run with FLOW_EPLUGIN and one line naming the
 * process, its type and the year (init(), which runs before any year,
 * names the process and type).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cktest.h"
#include "flow_plugin.h"

/* what the type does wrong, and from which year */
enum fault { F_NONE, F_COEF_NAN, F_COEF_NEG, F_REL_NAN, F_REL_NEG, F_INIT, F_TRANSFER, F_STEP, F_METRIC_NAN,
             F_METRIC_INF };
static enum fault fault;
#define FAULT_YEAR 2022

static int bad_now(const flow_type_ctx *ctx, enum fault f)
{
    return fault == f && flow_type_ctx_year(ctx) >= FAULT_YEAR;
}

static int faulty_init(const flow_type_ctx *ctx, void *state)
{
    (void)ctx;
    (void)state;
    return fault == F_INIT ? FLOW_EPLUGIN : 0;
}

/* sends everything on, unchanged, on port "out" (it reads the year, so
 * it is asked every year) */
static int faulty_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    int M = flow_type_ctx_n_materials(ctx);
    for (int m = 0; m < M; m++)
        T->coef[m * M + m] = 1;
    if (bad_now(ctx, F_COEF_NAN))
        T->coef[0] = NAN;
    if (bad_now(ctx, F_COEF_NEG))
        T->coef[0] = -0.25;
    if (bad_now(ctx, F_REL_NAN))
        T->release[0] = NAN;
    if (bad_now(ctx, F_REL_NEG))
        T->release[0] = -2;
    return bad_now(ctx, F_TRANSFER) ? 1 : 0; /* not a libflow code: FLOW_EPLUGIN */
}

static int faulty_step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                       double *metrics)
{
    (void)state;
    (void)out;
    metrics[0] = in[0];
    if (bad_now(ctx, F_METRIC_NAN))
        metrics[0] = NAN;
    if (bad_now(ctx, F_METRIC_INF))
        metrics[0] = -INFINITY;
    return bad_now(ctx, F_STEP) ? FLOW_EPLUGIN : 0;
}

static const char *const faulty_ports[] = { "out" };
static const char *const faulty_metrics[] = { "throughput" };

FLOW_PLUGIN_DEFINE(faulty, "faulty", .ports = faulty_ports, .n_ports = 1, .metrics = faulty_metrics,
                   .n_metrics = 1, .init = faulty_init, .transfer = faulty_transfer, .step = faulty_step);

/* city (100 t msw a year) -> plant (type "faulty") -> landfill, 2021-2023 */
static flow_model *model(void)
{
    flow_plugin_shutdown();
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_faulty()));
    flow_model *m = NULL;
    int msw, city, plant, lf;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2023, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &city));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant", "faulty", &plant));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &lf));
    ck_assert_flow_ok(flow_model_set_generation(m, city, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, city, plant, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, plant, "out", lf, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    return m;
}

/* Runs the model with the type doing f wrong: 2021 passes (the type
 * behaves until 2022), 2022 stops with FLOW_EPLUGIN and a message that
 * holds want. */
static void expect_fault(enum fault f, const char *want)
{
    flow_model *m = model();
    flow_sim *s = NULL;
    fault = f;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_step(s));
    ck_assert_flow_error(flow_sim_step(s), FLOW_EPLUGIN, "process 'plant' (type 'faulty'), year 2022: ", want);
    fault = F_NONE;
    flow_sim_free(s);
    flow_model_free(m);
    flow_plugin_shutdown();
}

/* the type behaving: 100 t pass each year, the metric counts them */
START_TEST(test_faulty_behaves)
{
    flow_model *m = model();
    flow_sim *s = NULL;
    fault = F_NONE;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    int it;
    double v;
    ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_METRIC, "plant:throughput", &it));
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_METRIC, it, 2023, &v));
    ck_assert_double_eq_tol(v, 100, 1e-12);
    flow_sim_free(s);
    flow_model_free(m);
    flow_plugin_shutdown();
}
END_TEST

START_TEST(test_coef_nan)
{
    expect_fault(F_COEF_NAN, "its transfer sends nan of material 'msw' to material 'msw' of port 'out' "
                             "(coefficients must be finite and >= 0)");
}
END_TEST

START_TEST(test_coef_negative)
{
    expect_fault(F_COEF_NEG, "its transfer sends -0.25 of material 'msw' to material 'msw' of port 'out'");
}
END_TEST

START_TEST(test_release_nan)
{
    expect_fault(F_REL_NAN, "its transfer releases nan of material 'msw' on port 'out' "
                            "(releases must be finite and >= 0)");
}
END_TEST

START_TEST(test_release_negative)
{
    expect_fault(F_REL_NEG, "its transfer releases -2 of material 'msw' on port 'out'");
}
END_TEST

START_TEST(test_transfer_fails)
{
    expect_fault(F_TRANSFER, "its transfer() failed (");
}
END_TEST

START_TEST(test_step_fails)
{
    expect_fault(F_STEP, "its step() failed (");
}
END_TEST

START_TEST(test_metric_nan)
{
    expect_fault(F_METRIC_NAN, "its metric 'throughput' is nan (metrics must be finite)");
}
END_TEST

START_TEST(test_metric_inf)
{
    expect_fault(F_METRIC_INF, "its metric 'throughput' is -inf (metrics must be finite)");
}
END_TEST

/* init() runs when the simulation is made, before any year */
START_TEST(test_init_fails)
{
    flow_model *m = model();
    flow_sim *s = NULL;
    fault = F_INIT;
    ck_assert_flow_error(flow_sim_new(&s, m), FLOW_EPLUGIN, "process 'plant' (type 'faulty'): its init() failed (");
    fault = F_NONE;
    ck_assert_ptr_null(s);
    flow_model_free(m);
    flow_plugin_shutdown();
}
END_TEST

Suite *flow_guards_suite(void)
{
    Suite *s = suite_create("guards");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_faulty_behaves);
    tcase_add_test(tc, test_coef_nan);
    tcase_add_test(tc, test_coef_negative);
    tcase_add_test(tc, test_release_nan);
    tcase_add_test(tc, test_release_negative);
    tcase_add_test(tc, test_transfer_fails);
    tcase_add_test(tc, test_step_fails);
    tcase_add_test(tc, test_metric_nan);
    tcase_add_test(tc, test_metric_inf);
    tcase_add_test(tc, test_init_fails);
    suite_add_tcase(s, tc);
    return s;
}
