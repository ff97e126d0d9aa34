/*
 * cksuite_typed.c — processes of plugin types inside models: fake types
 * compiled into the test (registered with flow_plugin_register) that count
 * their calls, run through flow_model_compile / flow_sim_run.
 *
 * Every expected value is a hand calculation written next to its check.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cktest.h"
#include "flow_int.h" /* struct flow_sim: the live items (live.c) */
#include "flow_plugin.h"

#define TOL 1e-9

static int n_init, n_transfer, n_step, n_fini;

static void counters_reset(void)
{
    n_init = n_transfer = n_step = n_fini = 0;
}

/* "burner": every input material leaves as ash (share ash_share, port
 * "ash", material "ash") or as flue gas (the rest, port "air", material
 * "flue"); metric tonnes_burnt = sum of inputs. */
static int burner_init(const flow_type_ctx *ctx, void *state)
{
    (void)ctx;
    (void)state;
    n_init++;
    return 0;
}

static int burner_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    n_transfer++;
    int M = flow_type_ctx_n_materials(ctx);
    int ash = flow_type_ctx_type_material(ctx, 0), flue = flow_type_ctx_type_material(ctx, 1);
    double a = flow_type_ctx_param(ctx, 0);
    for (int m = 0; m < M; m++) {
        T->coef[(0 * M + ash) * M + m] = a;
        T->coef[(1 * M + flue) * M + m] = 1 - a;
    }
    return 0;
}

static int burner_step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                       double *metrics)
{
    (void)state;
    (void)out;
    n_step++;
    double sum = 0;
    for (int m = 0; m < flow_type_ctx_n_materials(ctx); m++)
        sum += in[m];
    metrics[0] = sum;
    return 0;
}

static void burner_fini(void *state)
{
    (void)state;
    n_fini++;
}

static const flow_param_decl burner_params[] = {
    { "ash_share", "1", 0.2, 0, 1, "ash per tonne burnt" },
};
static const char *const burner_ports[] = { "ash", "air" };
static const char *const burner_metrics[] = { "tonnes_burnt" };
static const char *const burner_mats[] = { "ash", "flue" };

FLOW_PLUGIN_DEFINE(burner, "burner",
    .description = "test burner", .params = burner_params, .n_params = 1,
    .ports = burner_ports, .n_ports = 2, .metrics = burner_metrics, .n_metrics = 1,
    .materials = burner_mats, .n_materials = 2,
    .init = burner_init, .transfer = burner_transfer, .step = burner_step, .fini = burner_fini);

/* "yard": keeps what it receives, and each year releases the share
 * "drawdown" of its stock of the year before on port "out" (the same
 * material). Reads its stock (flow_type_ctx_stocks), so it is asked
 * every year. */
static int yard_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    n_transfer++;
    int M = flow_type_ctx_n_materials(ctx);
    double d = flow_type_ctx_param(ctx, 0);
    const double *stock = flow_type_ctx_stocks(ctx); /* all at once (ABI 1.2) */
    for (int m = 0; m < M; m++)
        T->release[0 * M + m] = d * stock[m];
    return 0;
}

static const flow_param_decl yard_params[] = {
    { "drawdown", "1/a", 0.5, 0, 2, "share of last year's stock released (above 1: a bad model)" },
};
static const char *const yard_ports[] = { "out" };

FLOW_PLUGIN_DEFINE(yard, "yard",
    .params = yard_params, .n_params = 1, .ports = yard_ports, .n_ports = 1, .transfer = yard_transfer);

/* "cell" and "cell_asked": a quarter of every tonne leaves on port "out"
 * (the same material), the rest stays; the state sums what stayed, which
 * step() reports as the metric "kept". "cell" declares that its transfer
 * never reads the state (transfer_stateless); "cell_asked", the same
 * type otherwise, does not, so it is asked every year. */
static int cell_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    n_transfer++;
    int M = flow_type_ctx_n_materials(ctx);
    for (int m = 0; m < M; m++)
        T->coef[(size_t)m * M + m] = 0.25;
    return 0;
}

static int cell_step(const flow_type_ctx *ctx, void *state, const double *in, const double *out, double *met)
{
    double *kept = state;
    for (int m = 0; m < flow_type_ctx_n_materials(ctx); m++)
        *kept += in[m] - out[m];
    met[0] = *kept;
    return 0;
}

static const char *const cell_ports[] = { "out" };
static const char *const cell_metrics[] = { "kept" };
FLOW_PLUGIN_DEFINE(cell, "cell", .ports = cell_ports, .n_ports = 1, .metrics = cell_metrics, .n_metrics = 1,
                   .state_size = sizeof(double), .transfer = cell_transfer, .step = cell_step,
                   .transfer_stateless = 1);
FLOW_PLUGIN_DEFINE(cell_asked, "cell_asked", .ports = cell_ports, .n_ports = 1, .metrics = cell_metrics,
                   .n_metrics = 1, .state_size = sizeof(double), .transfer = cell_transfer, .step = cell_step);

/* "greedy": a broken type that sends 1.5 of each tonne */
static int greedy_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    int M = flow_type_ctx_n_materials(ctx);
    for (int m = 0; m < M; m++)
        T->coef[m * M + m] = 1.5;
    return 0;
}

static const char *const greedy_ports[] = { "out" };

FLOW_PLUGIN_DEFINE(greedy, "greedy", .ports = greedy_ports, .n_ports = 1, .transfer = greedy_transfer);

static void setup(void)
{
    flow_plugin_shutdown();
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_burner()));
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_yard()));
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_greedy()));
    counters_reset();
}

static void teardown(void)
{
    flow_plugin_shutdown();
}

/* msw and paper from a source into a burner, its ash to a landfill (sink)
 * and its flue gas to the air (sink), 2021-2025. */
typedef struct fix {
    flow_model *m;
    int msw, paper, ash, flue;
    int src, burner, landfill, air;
} fix;

static void build(fix *f)
{
    ck_assert_flow_ok(flow_model_new(&f->m, 2021, 2025, NULL));
    ck_assert_flow_ok(flow_model_add_material(f->m, "msw", FLOW_CAT_DOMESTIC, "t", &f->msw));
    ck_assert_flow_ok(flow_model_add_material(f->m, "paper", FLOW_CAT_DOMESTIC, "t", &f->paper));
    ck_assert_flow_ok(flow_model_add_material(f->m, "ash", FLOW_CAT_INDUSTRIAL, "t", &f->ash));
    ck_assert_flow_ok(flow_model_add_material(f->m, "flue", FLOW_CAT_EMISSION, "t", &f->flue));
    ck_assert_flow_ok(flow_model_add_process(f->m, "city", FLOW_SOURCE, &f->src));
    ck_assert_flow_ok(flow_model_add_typed_process(f->m, "plant", "burner", &f->burner));
    ck_assert_flow_ok(flow_model_add_process(f->m, "landfill", FLOW_SINK, &f->landfill));
    ck_assert_flow_ok(flow_model_add_process(f->m, "air", FLOW_SINK, &f->air));
    ck_assert_flow_ok(flow_model_set_generation(f->m, f->src, f->msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(f->m, f->src, f->paper, 50, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(f->m, f->src, f->burner, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(f->m, f->burner, "ash", f->landfill, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(f->m, f->burner, "air", f->air, NULL));
}

static double get(const flow_sim *s, flow_item_kind kind, const char *name, int year)
{
    int item;
    double v;
    ck_assert_flow_ok(flow_model_find_item(flow_sim_model(s), kind, name, &item));
    ck_assert_flow_ok(flow_sim_get(s, kind, item, year, &v));
    return v;
}

START_TEST(test_burner_flows_metrics_calls)
{
    fix f;
    build(&f);
    ck_assert_str_eq(flow_model_process_type(f.m, f.burner), "burner");
    ck_assert_int_eq(flow_model_process_kind(f.m, f.burner), FLOW_TYPED);
    ck_assert_ptr_null(flow_model_process_type(f.m, f.src));
    ck_assert_flow_ok(flow_model_compile(f.m));
    ck_assert_int_eq(flow_model_n_items(f.m, FLOW_ITEM_METRIC), 1);
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, f.m));
    ck_assert_int_eq(n_init, 1);
    ck_assert_flow_ok(flow_sim_run(s));
    /* by hand: 150 t in; ash 0.2 x 150 = 30 t, all as material ash; flue
     * 0.8 x 150 = 120 t; nothing kept */
    for (int y = 2021; y <= 2025; y++) {
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->landfill:ash", y), 30, TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->landfill:msw", y), 0, TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[air]->air:flue", y), 120, TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_STOCK, "plant:msw", y), 0, TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_METRIC, "plant:tonnes_burnt", y), 150, TOL);
    }
    /* constant parameters, no state: asked once; step every year */
    flow_sim_stats st;
    flow_sim_get_stats(s, &st);
    ck_assert_int_eq(st.type_transfers, 1);
    ck_assert_int_eq(n_transfer, 1);
    ck_assert_int_eq(n_step, 5);
    /* reset: fini, then init again; the run gives the same */
    ck_assert_flow_ok(flow_sim_reset(s));
    ck_assert_int_eq(n_fini, 1);
    ck_assert_int_eq(n_init, 2);
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[air]->air:flue", 2025), 120, TOL);
    flow_sim_free(s);
    ck_assert_int_eq(n_fini, 2);
    flow_model_free(f.m);
}
END_TEST

/* What can carry something (live.c), by hand: the city generates msw and
 * paper, so it and the plant may hold those two and nothing else, and
 * its flows of ash and flue cannot carry; the plant's port rows are live
 * only once its transfer gives them a coefficient: ash on port ash and
 * flue on port air (burner_transfer), and with them ash at the landfill
 * and flue in the air. The other port rows (msw as ash, ...) stay +0 and
 * not live; ck_live_check (cklive.c) fires when one of them holds
 * anything. */
static int live_item(const flow_sim *s, const char *name)
{
    int item;
    ck_assert_flow_ok(flow_model_find_item(flow_sim_model(s), FLOW_ITEM_FLOW, name, &item));
    return s->lv_e[item];
}

START_TEST(test_live_items)
{
    fix f;
    build(&f);
    ck_assert_flow_ok(flow_model_compile(f.m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, f.m));
    const int M = 4;
    ck_assert_int_eq(s->lv_pm[f.src * M + f.msw], 1);
    ck_assert_int_eq(s->lv_pm[f.src * M + f.paper], 1);
    ck_assert_int_eq(s->lv_pm[f.src * M + f.ash], 0);
    ck_assert_int_eq(s->lv_pm[f.burner * M + f.paper], 1);
    ck_assert_int_eq(s->lv_pm[f.burner * M + f.flue], 0);
    ck_assert_int_eq(live_item(s, "city->plant:msw"), 1);
    ck_assert_int_eq(live_item(s, "city->plant:ash"), 0);
    ck_assert_int_eq(live_item(s, "plant[ash]->landfill:ash"), 0); /* no transfer yet */
    ck_assert_int_eq(s->lv_pm[f.landfill * M + f.ash], 0);
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_int_eq(live_item(s, "plant[ash]->landfill:ash"), 1);
    ck_assert_int_eq(live_item(s, "plant[air]->air:flue"), 1);
    ck_assert_int_eq(live_item(s, "plant[ash]->landfill:msw"), 0);
    ck_assert_int_eq(live_item(s, "plant[air]->air:ash"), 0);
    ck_assert_int_eq(s->lv_pm[f.landfill * M + f.ash], 1);
    ck_assert_int_eq(s->lv_pm[f.landfill * M + f.msw], 0);
    ck_assert_int_eq(s->lv_pm[f.air * M + f.flue], 1);
    /* the burner sends all it receives (0.2 + 0.8 of each tonne): its
     * stock of msw stays +0 and is not live, though it receives msw */
    int st_item;
    ck_assert_flow_ok(flow_model_find_item(f.m, FLOW_ITEM_STOCK, "plant:msw", &st_item));
    ck_assert_int_eq(flow_live__stock(s, st_item), 0);
    /* the process's live materials, ascending: the landfill's is ash */
    ck_assert_int_eq(s->lv_m0[f.landfill + 1] - s->lv_m0[f.landfill], 1);
    ck_assert_int_eq(s->lv_mat[s->lv_m0[f.landfill]], f.ash);
    char why[300];
    ck_assert_msg(ck_live_check(s, why, sizeof why) == 0, "%s", why);
    /* an item that is not live but holds something (even -0): the check
     * names it */
    int item;
    ck_assert_flow_ok(flow_model_find_item(f.m, FLOW_ITEM_FLOW, "plant[ash]->landfill:msw", &item));
    s->data[FLOW_ITEM_FLOW][(size_t)2 * (size_t)flow_model_n_items(f.m, FLOW_ITEM_FLOW) + (size_t)item] = -0.0;
    ck_assert_int_eq(ck_live_check(s, why, sizeof why), 1);
    ck_assert_ptr_nonnull(strstr(why, "plant[ash]->landfill:msw"));
    ck_assert_ptr_nonnull(strstr(why, "year index 2"));
    flow_sim_free(s);
    flow_model_free(f.m);
}
END_TEST


START_TEST(test_param_series_and_override)
{
    fix f;
    build(&f);
    int ap;
    ck_assert_flow_ok(flow_model_add_param(f.m, "ash", "1", FLOW_INTERP_STEP, 2, (const int[]){ 2021, 2023 },
                                           (const double[]){ 0.2, 0.3 }, &ap));
    ck_assert_flow_ok(flow_model_set_type_param(f.m, f.burner, "ash_share", 1, ap));
    ck_assert_flow_ok(flow_model_compile(f.m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, f.m));
    ck_assert_flow_ok(flow_sim_set_param(s, ap, 2025, 0.5));
    ck_assert_flow_ok(flow_sim_run(s));
    /* ash = share x 150: 30, 30, 45, 45, then the override 75 */
    const double want[] = { 30, 30, 45, 45, 75 };
    for (int y = 2021; y <= 2025; y++)
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->landfill:ash", y), want[y - 2021], TOL);
    /* asked again only when the value changed: 2021, 2023, 2025 */
    ck_assert_int_eq(n_transfer, 3);
    /* an override outside the declared bounds stops the year, named */
    ck_assert_flow_ok(flow_sim_reset(s));
    ck_assert_flow_ok(flow_sim_set_param(s, ap, 2024, 1.5));
    ck_assert_flow_error(flow_sim_run(s), FLOW_EVALUE, "process 'plant' (type 'burner'), year 2024",
                         "parameter 'ash_share' is 1.5, outside its bounds [0, 1]", "parameter 'ash'");
    flow_sim_free(s);
    flow_model_free(f.m);
}
END_TEST

START_TEST(test_model_errors)
{
    fix f;
    build(&f);
    /* unknown type: the known ones listed */
    ck_assert_flow_error(flow_model_add_typed_process(f.m, "p2", "burnr", NULL), FLOW_ENOTFOUND, "process 'p2'",
                         "burnr", "burner");
    /* parameters: unknown name, constant out of bounds */
    ck_assert_flow_error(flow_model_set_type_param(f.m, f.burner, "ash_shar", 0.1, FLOW_NONE), FLOW_ENOTFOUND,
                         "process 'plant'", "ash_share");
    ck_assert_flow_error(flow_model_set_type_param(f.m, f.burner, "ash_share", 1.2, FLOW_NONE), FLOW_EVALUE,
                         "process 'plant'", "'ash_share'", "1.2", "[0, 1]");
    ck_assert_flow_error(flow_model_set_type_param(f.m, f.src, "ash_share", 0.1, FLOW_NONE), FLOW_EINVAL,
                         "'city' is a source");
    /* ports: unknown, twice; no plain flows out of a typed process */
    ck_assert_flow_error(flow_model_add_port_flow(f.m, f.burner, "ahs", f.landfill, NULL), FLOW_ENOTFOUND,
                         "no port 'ahs'", "did you mean 'ash'", "'ash', 'air'");
    ck_assert_flow_error(flow_model_add_flow(f.m, f.burner, f.air, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL),
                         FLOW_EINVAL, "sends only through its ports");
    ck_assert_flow_error(flow_model_add_process(f.m, "p3", FLOW_TYPED, NULL), FLOW_EINVAL, "needs its type");
    /* a series out of bounds in one year: named at compile */
    int ap;
    ck_assert_flow_ok(flow_model_add_param(f.m, "ash", "1", FLOW_INTERP_STEP, 2, (const int[]){ 2021, 2024 },
                                           (const double[]){ 0.2, 1.1 }, &ap));
    ck_assert_flow_ok(flow_model_set_type_param(f.m, f.burner, "ash_share", 1, ap));
    ck_assert_flow_error(flow_model_compile(f.m), FLOW_EVALUE, "process 'plant' (type 'burner')",
                         "parameter 'ash_share', year 2024", "1.1", "[0, 1]");
    flow_model_free(f.m);
    /* a port connected twice: refused when the model compiles */
    build(&f);
    ck_assert_flow_ok(flow_model_add_port_flow(f.m, f.burner, "ash", f.air, NULL));
    ck_assert_flow_error(flow_model_compile(f.m), FLOW_EEXIST, "process 'plant': port 'ash' goes to 'landfill' "
                         "already");
    flow_model_free(f.m);

    /* a port left unconnected; a material the type makes missing */
    flow_model *m;
    int src, b, sink, msw;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2022, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "ash", FLOW_CAT_INDUSTRIAL, "t", NULL));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant", "burner", &b));
    ck_assert_flow_ok(flow_model_add_process(m, "sink", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 10, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, b, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, b, "ash", sink, NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EINVAL, "process 'plant' (type 'burner') makes material "
                         "'flue', which the model does not define");
    ck_assert_flow_ok(flow_model_add_material(m, "flue", FLOW_CAT_EMISSION, "t", NULL));
    ck_assert_flow_error(flow_model_compile(m), FLOW_EINVAL, "port 'air' goes nowhere");
    flow_model_free(m);
}
END_TEST

/* A cycle through a type that turns materials into others: a sorter
 * sends 60 % of everything to the burner, the rest to a landfill; the
 * burner's ash goes back to the sorter.
 *   burner input: 60 msw + 0.6 A ash, where A is the ash it makes;
 *   A = 0.2 (60 + 0.6 A)  =>  A = 12 / 0.88 = 13.636363...
 *   landfill: 40 msw and 0.4 A ash; air: 0.8 (60 + 0.6 A). */
START_TEST(test_cycle_with_conversion)
{
    flow_model *m;
    int msw, ash, src, sorter, b, landfill, air;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2022, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "ash", FLOW_CAT_INDUSTRIAL, "t", &ash));
    ck_assert_flow_ok(flow_model_add_material(m, "flue", FLOW_CAT_EMISSION, "t", NULL));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "sorter", FLOW_SPLIT, &sorter));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant", "burner", &b));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &landfill));
    ck_assert_flow_ok(flow_model_add_process(m, "air", FLOW_SINK, &air));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sorter, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, sorter, b, FLOW_ALL, FLOW_SHARE, 0.6, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, sorter, landfill, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, b, "ash", sorter, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, b, "air", air, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    double A = 12 / 0.88;
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->sorter:ash", 2022), A, TOL);
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "sorter->plant:ash", 2022), 0.6 * A, TOL);
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "sorter->landfill:msw", 2022), 40, TOL);
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "sorter->landfill:ash", 2022), 0.4 * A, TOL);
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[air]->air:flue", 2022), 0.8 * (60 + 0.6 * A), TOL);
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_METRIC, "plant:tonnes_burnt", 2022), 60 + 0.6 * A, TOL);
    flow_sim_stats st;
    flow_sim_get_stats(s, &st);
    ck_assert_int_eq(st.dense_solves, 1); /* one system for all materials */
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* A yard keeps what it receives and releases half of last year's stock:
 * initial stock 80, input 20 a year.
 *   2021: release 40, stock 80 - 40 + 20 = 60
 *   2022: release 30, stock 60 - 30 + 20 = 50
 *   2023: release 25, stock 45 */
START_TEST(test_stock_and_release)
{
    flow_model *m;
    int msw, src, y, sink;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2023, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "yard", "yard", &y));
    ck_assert_flow_ok(flow_model_add_process(m, "out", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 20, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_initial_stock(m, y, msw, 80));
    ck_assert_flow_ok(flow_model_add_flow(m, src, y, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, y, "out", sink, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    const double rel[] = { 40, 30, 25 }, stock[] = { 60, 50, 45 };
    for (int t = 0; t < 3; t++) {
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "yard[out]->out:msw", 2021 + t), rel[t], TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_STOCK, "yard:msw", 2021 + t), stock[t], TOL);
    }
    /* it reads its stock: asked every year */
    ck_assert_int_eq(n_transfer, 3);
    /* the yard keeps: its stock items are live (live.c), and every item
     * that holds something is */
    int st_item;
    ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_STOCK, "yard:msw", &st_item));
    ck_assert_int_eq(flow_live__stock(s, st_item), 1);
    char why[300];
    ck_assert_msg(ck_live_check(s, why, sizeof why) == 0, "%s", why);
    flow_sim_free(s);
    flow_model_free(m);

    /* releasing more than the stock: drawdown 2 of 80 is 160 > 80 + 0 */
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2021, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "yard", "yard", &y));
    ck_assert_flow_ok(flow_model_add_process(m, "out", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_initial_stock(m, y, msw, 80));
    ck_assert_flow_ok(flow_model_set_type_param(m, y, "drawdown", 2, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_port_flow(m, y, "out", sink, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_error(flow_sim_run(s), FLOW_EPLUGIN, "process 'yard' (type 'yard'), year 2021",
                         "releases more material 'msw' than it holds", "80 t short");
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* A type with state that declares transfer_stateless is asked for its
 * transfer once, and not again after a reset (its parameters the same);
 * the same type without the declaration is asked every year. Both give
 * the hand values: 100 t/a in, 25 out, 75 kept a year. */
START_TEST(test_transfer_stateless)
{
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_cell()));
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_cell_asked()));
    const char *types[] = { "cell", "cell_asked" };
    const int asked[2][2] = { { 1, 0 }, { 3, 3 } }; /* per run: first, after a reset */
    for (int k = 0; k < 2; k++) {
        flow_model *m;
        int msw, src, c, sink;
        ck_assert_flow_ok(flow_model_new(&m, 2021, 2023, NULL));
        ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
        ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
        ck_assert_flow_ok(flow_model_add_typed_process(m, "cell", types[k], &c));
        ck_assert_flow_ok(flow_model_add_process(m, "out", FLOW_SINK, &sink));
        ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 100, FLOW_NONE));
        ck_assert_flow_ok(flow_model_add_flow(m, src, c, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
        ck_assert_flow_ok(flow_model_add_port_flow(m, c, "out", sink, NULL));
        ck_assert_flow_ok(flow_model_compile(m));
        flow_sim *s;
        ck_assert_flow_ok(flow_sim_new(&s, m));
        for (int run = 0; run < 2; run++) {
            if (run)
                ck_assert_flow_ok(flow_sim_reset(s));
            n_transfer = 0;
            ck_assert_flow_ok(flow_sim_run(s));
            ck_assert_int_eq(n_transfer, asked[k][run]);
            for (int t = 0; t < 3; t++) {
                ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "cell[out]->out:msw", 2021 + t), 25, TOL);
                ck_assert_double_eq_tol(get(s, FLOW_ITEM_METRIC, "cell:kept", 2021 + t), 75.0 * (t + 1), TOL);
            }
        }
        flow_sim_free(s);
        flow_model_free(m);
    }
}
END_TEST

/* A type that sends 1.5 of each tonne is stopped, not believed. */
START_TEST(test_bad_type_refused)
{
    flow_model *m;
    int msw, src, g, sink;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2021, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "g", "greedy", &g));
    ck_assert_flow_ok(flow_model_add_process(m, "out", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 10, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, g, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, g, "out", sink, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_error(flow_sim_run(s), FLOW_EPLUGIN, "process 'g' (type 'greedy'), year 2021",
                         "sends 1.5 of each tonne of material 'msw'");
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* A capacity on a typed process: 150 t arrive, 100 t accepted, 50 t to
 * the overflow; ash 0.2 x 100 = 20; the metric counts what was burnt. */
START_TEST(test_capacity)
{
    fix f;
    build(&f);
    int cap, bypass;
    ck_assert_flow_ok(flow_model_add_process(f.m, "bypass", FLOW_SINK, &bypass));
    ck_assert_flow_ok(flow_model_add_param_const(f.m, "cap", "t/a", 100, &cap));
    ck_assert_flow_ok(flow_model_set_capacity(f.m, f.burner, cap, bypass));
    ck_assert_flow_ok(flow_model_compile(f.m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, f.m));
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_METRIC, "plant:tonnes_burnt", 2023), 100, TOL);
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->landfill:ash", 2023), 20, TOL);
    /* the overflow keeps the materials: 150 - 100 = 50, in proportion 2:1 */
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[overflow]->bypass:msw", 2023), 100.0 / 3, TOL);
    ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[overflow]->bypass:paper", 2023), 50.0 / 3, TOL);
    flow_sim_free(s);
    flow_model_free(f.m);
}
END_TEST

/* A backlog on a typed process is a queue (first in, first out), as on a
 * core process. The city sends 100 msw in 2021 and 100 paper in 2022; the
 * burner takes 40 t a year. By hand, the queue, oldest first:
 *   2021: 40 msw burnt; waiting: 60 msw (of 2021)
 *   2022: 40 msw of 2021; the 100 paper wait: 20 msw, 100 paper
 *   2023: 20 msw of 2021, then 20 paper of 2022: 0 msw, 80 paper
 *   2024: 40 paper: 0 msw, 40 paper
 * (In proportion to backlog and input, 2022 would leave 45 msw, 75 paper.)
 * 40 t burnt every year, ash 0.2 x 40 = 8. */
START_TEST(test_backlog_fifo)
{
    flow_model *m;
    int msw, paper, src, b, landfill, air, gm, gp, cap;
    int y[] = { 2021, 2022, 2023 };
    double vm[] = { 100, 0, 0 }, vp[] = { 0, 100, 0 };
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2024, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "paper", FLOW_CAT_DOMESTIC, "t", &paper));
    ck_assert_flow_ok(flow_model_add_material(m, "ash", FLOW_CAT_INDUSTRIAL, "t", NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "flue", FLOW_CAT_EMISSION, "t", NULL));
    ck_assert_flow_ok(flow_model_add_param(m, "gen_msw", "t/a", FLOW_INTERP_STEP, 3, y, vm, &gm));
    ck_assert_flow_ok(flow_model_add_param(m, "gen_paper", "t/a", FLOW_INTERP_STEP, 3, y, vp, &gp));
    ck_assert_flow_ok(flow_model_add_param_const(m, "cap", "t/a", 40, &cap));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant", "burner", &b));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &landfill));
    ck_assert_flow_ok(flow_model_add_process(m, "air", FLOW_SINK, &air));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 1, gm));
    ck_assert_flow_ok(flow_model_set_generation(m, src, paper, 1, gp));
    ck_assert_flow_ok(flow_model_add_flow(m, src, b, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, b, "ash", landfill, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, b, "air", air, NULL));
    ck_assert_flow_ok(flow_model_set_capacity(m, b, cap, FLOW_NONE));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    const double wait_msw[] = { 60, 20, 0, 0 }, wait_paper[] = { 0, 100, 80, 40 };
    for (int t = 0; t < 4; t++) {
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_STOCK, "plant/backlog:msw", 2021 + t), wait_msw[t], TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_STOCK, "plant/backlog:paper", 2021 + t), wait_paper[t], TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_METRIC, "plant:tonnes_burnt", 2021 + t), 40, TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->landfill:ash", 2021 + t), 8, TOL);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* The queue inside a cycle through a type (one joint system): the city
 * sends 100 msw in 2022 only, through a sorter, to the burner (capacity 50,
 * backlog), whose ash (0.2 of what it burns) goes back to the sorter and
 * so to the burner again, as new input. By hand:
 *   2022: 50 burnt, ash 10 back: input 100 msw + 10 ash, rho = 50/110;
 *         burnt 500/11 msw + 50/11 ash; waiting (2022) 600/11 msw, 60/11 ash
 *   2023: the queue (60) > 50: 5/6 of 2022's part, 500/11 msw + 50/11 ash;
 *         nothing left for the input, the 10 ash back, which waits:
 *         waiting 100/11 msw, 60/11 - 50/11 + 10 = 120/11 ash
 *   2024: the queue (20) <= 50, taken whole; the ash back, 0.2 (20 + x) = x,
 *         x = 5, is taken too: 25 burnt, nothing waits
 * (In proportion to backlog and input, 2023 would leave 600/11 x 2/7 =
 * 15.6 msw waiting.) */
START_TEST(test_backlog_fifo_cycle)
{
    flow_model *m;
    int msw, src, sorter, b, air, gm, cap;
    int y[] = { 2022, 2023 };
    double vm[] = { 100, 0 };
    ck_assert_flow_ok(flow_model_new(&m, 2022, 2024, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "ash", FLOW_CAT_INDUSTRIAL, "t", NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "flue", FLOW_CAT_EMISSION, "t", NULL));
    ck_assert_flow_ok(flow_model_add_param(m, "gen_msw", "t/a", FLOW_INTERP_STEP, 2, y, vm, &gm));
    ck_assert_flow_ok(flow_model_add_param_const(m, "cap", "t/a", 50, &cap));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_process(m, "sorter", FLOW_SPLIT, &sorter));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant", "burner", &b));
    ck_assert_flow_ok(flow_model_add_process(m, "air", FLOW_SINK, &air));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 1, gm));
    ck_assert_flow_ok(flow_model_add_flow(m, src, sorter, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, sorter, b, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, b, "ash", sorter, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, b, "air", air, NULL));
    ck_assert_flow_ok(flow_model_set_capacity(m, b, cap, FLOW_NONE));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    const double wait_msw[] = { 600.0 / 11, 100.0 / 11, 0 }, wait_ash[] = { 60.0 / 11, 120.0 / 11, 0 };
    const double burnt[] = { 50, 50, 25 };
    for (int t = 0; t < 3; t++) {
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_STOCK, "plant/backlog:msw", 2022 + t), wait_msw[t], TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_STOCK, "plant/backlog:ash", 2022 + t), wait_ash[t], TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_METRIC, "plant:tonnes_burnt", 2022 + t), burnt[t], TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->sorter:ash", 2022 + t), 0.2 * burnt[t], TOL);
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[air]->air:flue", 2022 + t), 0.8 * burnt[t], TOL);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* "patchy": even materials give ash at ash_share, odd ones at half of it;
 * the rest leaves as flue gas. Non-zero rows that change over the years
 * (ash 0, 0, 0.3, 0, then an override of 0.4), run twice (reset between):
 *   plant  (msw, material 0, even):  ash 100 a,     flue 100 (1 - a)
 *   plant2 (paper, material 1, odd): ash 50 a / 2,  flue 50 (1 - a / 2) */
static int patchy_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    int M = flow_type_ctx_n_materials(ctx);
    int ash = flow_type_ctx_type_material(ctx, 0), flue = flow_type_ctx_type_material(ctx, 1);
    double a = flow_type_ctx_param(ctx, 0);
    for (int m = 0; m < M; m++) {
        double share = m % 2 == 0 ? a : a / 2;
        T->coef[(0 * M + ash) * M + m] = share;
        T->coef[(1 * M + flue) * M + m] = 1 - share;
    }
    return 0;
}

FLOW_PLUGIN_DEFINE(patchy, "patchy", .params = burner_params, .n_params = 1, .ports = burner_ports, .n_ports = 2,
    .materials = burner_mats, .n_materials = 2, .transfer = patchy_transfer);

/* A material that reaches a typed process only in a later year (live.c):
 * the city's 100 t of msw go to plantA (patchy), whose ash share is 0 in
 * 2021 and 0.3 from 2022, so its ash row first carries in 2022: 0.3 x 100
 * = 30 t of ash (msw is material 0, even), and 70 t of flue gas. That ash
 * goes to plantB (patchy, ash share 0.5), whose rows weigh each material
 * apart (even a, odd a / 2) and so are summed term by term over the
 * materials it can receive: none in 2021, ash from 2022. By hand, from
 * 2022: plantB sends 0.5 x 30 = 15 t of ash to the landfill and 15 t of
 * flue gas to the air; in 2021 nothing. Were its transfer not asked again
 * when ash became one of its inputs, its rows would leave the ash out
 * (and its balance check would stop the run). */
START_TEST(test_live_input_arrives_later)
{
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_patchy()));
    flow_model *m;
    int msw, src, pa, pb, lf, air, ap, bp;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2024, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "paper", FLOW_CAT_DOMESTIC, "t", NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "ash", FLOW_CAT_INDUSTRIAL, "t", NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "flue", FLOW_CAT_EMISSION, "t", NULL));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plantA", "patchy", &pa));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plantB", "patchy", &pb));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &lf));
    ck_assert_flow_ok(flow_model_add_process(m, "air", FLOW_SINK, &air));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, pa, msw, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pa, "ash", pb, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pa, "air", air, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pb, "ash", lf, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pb, "air", air, NULL));
    ck_assert_flow_ok(flow_model_add_param(m, "a", "1", FLOW_INTERP_STEP, 2, (const int[]){ 2021, 2022 },
                                           (const double[]){ 0, 0.3 }, &ap));
    ck_assert_flow_ok(flow_model_add_param_const(m, "b", "1", 0.5, &bp));
    ck_assert_flow_ok(flow_model_set_type_param(m, pa, "ash_share", 1, ap));
    ck_assert_flow_ok(flow_model_set_type_param(m, pb, "ash_share", 1, bp));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    for (int run = 0; run < 2; run++) { /* again after a reset: the same */
        if (run)
            ck_assert_flow_ok(flow_sim_reset(s));
        ck_assert_flow_ok(flow_sim_run(s));
        for (int y = 2021; y <= 2024; y++) {
            double ash = y >= 2022 ? 30 : 0;
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plantA[ash]->plantB:ash", y), ash, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plantA[air]->air:flue", y), 100 - ash, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plantB[ash]->landfill:ash", y), 0.5 * ash, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plantB[air]->air:flue", y), 0.5 * ash, TOL);
        }
        char why[300];
        ck_assert_msg(ck_live_check(s, why, sizeof why) == 0, "%s", why);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

START_TEST(test_rows_change_over_years)
{
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_patchy()));
    flow_model *m;
    int msw, paper, src, pl, pl2, lf, air, ap;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2025, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "paper", FLOW_CAT_DOMESTIC, "t", &paper));
    ck_assert_flow_ok(flow_model_add_material(m, "ash", FLOW_CAT_INDUSTRIAL, "t", NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "flue", FLOW_CAT_EMISSION, "t", NULL));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant", "patchy", &pl));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant2", "patchy", &pl2));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &lf));
    ck_assert_flow_ok(flow_model_add_process(m, "air", FLOW_SINK, &air));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, src, paper, 50, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, pl, msw, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, src, pl2, paper, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pl, "ash", lf, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pl, "air", air, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pl2, "ash", lf, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pl2, "air", air, NULL));
    ck_assert_flow_ok(flow_model_add_param(m, "ash", "1", FLOW_INTERP_STEP, 3, (const int[]){ 2021, 2023, 2024 },
                                           (const double[]){ 0.0, 0.3, 0.0 }, &ap));
    ck_assert_flow_ok(flow_model_set_type_param(m, pl, "ash_share", 1, ap));
    ck_assert_flow_ok(flow_model_set_type_param(m, pl2, "ash_share", 1, ap));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    const double a[] = { 0, 0, 0.3, 0, 0.4 };
    for (int run = 0; run < 2; run++) {
        if (run)
            ck_assert_flow_ok(flow_sim_reset(s));
        ck_assert_flow_ok(flow_sim_set_param(s, ap, 2025, 0.4));
        ck_assert_flow_ok(flow_sim_run(s));
        for (int y = 2021; y <= 2025; y++) {
            double ay = a[y - 2021];
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->landfill:ash", y), ay * 100, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[air]->air:flue", y), (1 - ay) * 100, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant2[ash]->landfill:ash", y), ay / 2 * 50, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant2[air]->air:flue", y), (1 - ay / 2) * 50, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->landfill:msw", y), 0, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[air]->air:ash", y), 0, TOL);
        }
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* ---- every facility module through the core ------------------------------------ */

static const char *const facilities[] = {
    "incinerator", "sanitary_landfill", "rigid_landfill", "waste_salt_line",
    "sorting_centre", "composting", "anaerobic_digestion", "sludge_cofiring",
    "sludge_brick_kiln", "cd_recycling", "fly_ash_treatment", "carbon_regeneration",
    "dismantling", "medical_waste", "storage_yard", "inuse_stock",
};

static unsigned long long seed = 0x9e3779b97f4a7c15ULL;
static double uniform(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (double)(seed >> 11) / 9007199254740992.0;
}

/* For every facility type (the modules of plugins/, found through
 * FLOW_PLUGIN_PATH), many random models through the core: a source of
 * five input materials (paper, plastic, sludge, concrete, other), a
 * capacity with an overflow, random parameters within the declared bounds,
 * each port to its own sink, 4 years. The core checks every year's
 * balance over all materials, the transfer (finite, >= 0, columns <= 1)
 * and the releases; the test checks by hand, for the last year:
 *   received = overflow + accepted, accepted <= capacity,
 *   accepted = sent on the ports + (stock now - stock before) ... summed
 *   over materials: mass conserved through the core;
 * and that zero input gives zero port flows. */
START_TEST(test_facilities_through_models)
{
    static const struct {
        const char *name;
        flow_category cat;
    } in[] = { { "paper", FLOW_CAT_DOMESTIC }, { "plastic", FLOW_CAT_DOMESTIC }, { "sludge", FLOW_CAT_SLUDGE },
               { "concrete", FLOW_CAT_CONSTRUCTION }, { "other", FLOW_CAT_INDUSTRIAL } };
    const flow_process_type *t;
    if (flow_plugin_find(facilities[_i], &t) != 0)
        ck_abort_msg("type %s: %s (FLOW_PLUGIN_PATH=%s)", facilities[_i], flow_error_last(),
                     getenv("FLOW_PLUGIN_PATH") ? getenv("FLOW_PLUGIN_PATH") : "");
    for (int draw = 0; draw < 25; draw++) {
        flow_model *m;
        int mats[16], nm = 0, src, p, bypass, cap;
        ck_assert_flow_ok(flow_model_new(&m, 2021, 2024, NULL));
        for (size_t i = 0; i < sizeof in / sizeof *in; i++)
            ck_assert_flow_ok(flow_model_add_material(m, in[i].name, in[i].cat, "t", &mats[nm++]));
        for (size_t i = 0; i < t->n_materials; i++) {
            int idx;
            if (flow_model_find_material(m, t->materials[i], &idx) != 0)
                ck_assert_flow_ok(flow_model_add_material(m, t->materials[i], FLOW_CAT_PRODUCT, "t", NULL));
        }
        ck_assert_flow_ok(flow_model_add_process(m, "src", FLOW_SOURCE, &src));
        ck_assert_flow_ok(flow_model_add_typed_process(m, "plant", t->name, &p));
        ck_assert_flow_ok(flow_model_add_process(m, "bypass", FLOW_SINK, &bypass));
        int zero = draw == 0; /* the first draw: no input at all */
        double total = 0;
        for (int i = 0; i < nm; i++) {
            double g = zero ? 0 : 1000 * uniform();
            total += g;
            ck_assert_flow_ok(flow_model_set_generation(m, src, mats[i], g, FLOW_NONE));
        }
        double capacity = total * (0.3 + uniform()); /* binds in about half the draws */
        ck_assert_flow_ok(flow_model_add_param_const(m, "cap", "t/a", capacity, &cap));
        ck_assert_flow_ok(flow_model_set_capacity(m, p, cap, bypass));
        ck_assert_flow_ok(flow_model_add_flow(m, src, p, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
        for (size_t k = 0; k < t->n_ports; k++) {
            char name[80];
            int sink;
            snprintf(name, sizeof name, "to_%s", t->ports[k]);
            ck_assert_flow_ok(flow_model_add_process(m, name, FLOW_SINK, &sink));
            ck_assert_flow_ok(flow_model_add_port_flow(m, p, t->ports[k], sink, NULL));
        }
        for (size_t i = 0; i < t->n_params; i++) {
            const flow_param_decl *d = &t->params[i];
            if (!isfinite(d->lo) || !isfinite(d->hi))
                continue; /* the default */
            double v = d->lo + (d->hi - d->lo) * uniform();
            if (strstr(d->name, "year") || strstr(d->name, "lifetime") || strstr(d->name, "shape"))
                v = d->def; /* discrete or shape-like: the default keeps the case readable */
            ck_assert_flow_ok(flow_model_set_type_param(m, p, d->name, v, FLOW_NONE));
        }
        ck_assert_flow_ok(flow_model_compile(m));
        flow_sim *s;
        ck_assert_flow_ok(flow_sim_new(&s, m));
        int rc = flow_sim_run(s);
        ck_assert_msg(rc == 0, "type %s, draw %d: %s", t->name, draw, flow_error_last());
        /* the last year by hand */
        int E = flow_model_n_items(m, FLOW_ITEM_FLOW);
        int S = flow_model_n_items(m, FLOW_ITEM_STOCK);
        const double *fl = flow_sim_row(s, FLOW_ITEM_FLOW, 2024);
        const double *st = flow_sim_row(s, FLOW_ITEM_STOCK, 2024), *st0 = flow_sim_row(s, FLOW_ITEM_STOCK, 2023);
        double received = 0, overflow = 0, sent = 0, dstock = 0;
        for (int e = 0; e < E; e++) {
            flow_item_info info;
            flow_model_item_info(m, FLOW_ITEM_FLOW, e, &info);
            ck_assert_msg(isfinite(fl[e]) && fl[e] >= 0, "type %s: flow %s = %g", t->name, info.name, fl[e]);
            if (info.to == p)
                received += fl[e];
            else if (info.from == p && info.mode == FLOW_OVERFLOW)
                overflow += fl[e];
            else if (info.from == p)
                sent += fl[e];
        }
        for (int i = 0; i < S; i++) {
            flow_item_info info;
            flow_model_item_info(m, FLOW_ITEM_STOCK, i, &info);
            if (info.from == p)
                dstock += st[i] - st0[i];
        }
        double accepted = received - overflow, tol = 1e-9 * (total + 1);
        ck_assert_msg(fabs(received - total) <= tol, "type %s: received %g of %g", t->name, received, total);
        ck_assert_msg(accepted <= capacity * (1 + 1e-12) + tol, "type %s, draw %d: accepted %g > capacity %g",
                      t->name, draw, accepted, capacity);
        ck_assert_msg(fabs(accepted - (sent + dstock)) <= tol,
                      "type %s, draw %d: accepted %.12g, sent %.12g + stock change %.12g", t->name, draw, accepted,
                      sent, dstock);
        if (zero)
            ck_assert_msg(sent == 0, "type %s: zero input sent %g", t->name, sent);
        /* every item that holds something is live (live.c) */
        char why[300];
        ck_assert_msg(ck_live_check(s, why, sizeof why) == 0, "type %s, draw %d: %s", t->name, draw, why);
        flow_sim_free(s);
        flow_model_free(m);
    }
}
END_TEST

/* A transfer that depends on the parameters alone (no state, neither
 * the year nor the stock read) is kept across flow_sim_reset and asked
 * again only when the parameters it was made for change (an ensemble
 * resets before every sample). msw 100 t to "plant" (burner, with an
 * init(): ash_share a), paper 50 t to "plant2" (patchy, no init(): paper
 * is an odd material, ash share b / 2). By hand:
 *   run 1, a = b = 0:  plant ash 0, flue 100; plant2 ash 0, flue 50;
 *                      one transfer each (constant parameters)
 *   run 2, the same:   no transfer at all, the same flows
 *   run 3, a = 0.3 from 2021, b = 0.4 from 2022, set between two resets:
 *                      plant ash 30, flue 70 (its init() sees 0.3, not
 *                      the 0 of its kept transfer: asked in 2021); plant2 2021 as
 *                      before (b = 0 still: not asked), 2022-2025 ash
 *                      0.2 x 50 = 10, flue 40 (a share going from 0 to
 *                      > 0: the row is new, asked in 2022)
 *   run 4, the same:   plant kept (0.3 both times); plant2's last transfer
 *                      was for 0.4, 2021 has 0: asked in 2021 and 2022 */
START_TEST(test_transfer_kept_across_reset)
{
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_patchy()));
    flow_model *m;
    int msw, paper, src, pl, pl2, lf, air, ap, bp;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2025, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_material(m, "paper", FLOW_CAT_DOMESTIC, "t", &paper));
    ck_assert_flow_ok(flow_model_add_material(m, "ash", FLOW_CAT_INDUSTRIAL, "t", NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "flue", FLOW_CAT_EMISSION, "t", NULL));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant", "burner", &pl));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant2", "patchy", &pl2));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_SINK, &lf));
    ck_assert_flow_ok(flow_model_add_process(m, "air", FLOW_SINK, &air));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, src, paper, 50, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, pl, msw, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, src, pl2, paper, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pl, "ash", lf, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pl, "air", air, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pl2, "ash", lf, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, pl2, "air", air, NULL));
    ck_assert_flow_ok(flow_model_add_param(m, "a", "1", FLOW_INTERP_STEP, 1, (const int[]){ 2021 },
                                           (const double[]){ 0 }, &ap));
    ck_assert_flow_ok(flow_model_add_param(m, "b", "1", FLOW_INTERP_STEP, 1, (const int[]){ 2021 },
                                           (const double[]){ 0 }, &bp));
    ck_assert_flow_ok(flow_model_set_type_param(m, pl, "ash_share", 1, ap));
    ck_assert_flow_ok(flow_model_set_type_param(m, pl2, "ash_share", 1, bp));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    const long transfers[] = { 2, 0, 2, 2 }, burner_calls[] = { 1, 1, 2, 2 };
    for (int run = 0; run < 4; run++) {
        if (run)
            ck_assert_flow_ok(flow_sim_reset(s));
        if (run == 2) {
            ck_assert_flow_ok(flow_sim_set_param_from(s, ap, 2021, 0.3));
            ck_assert_flow_ok(flow_sim_set_param_from(s, bp, 2022, 0.4));
            /* reset again: plant's init() now sees a = 0.3, for which its
             * kept transfer (a = 0) was not made */
            ck_assert_flow_ok(flow_sim_reset(s));
        }
        ck_assert_flow_ok(flow_sim_run(s));
        for (int y = 2021; y <= 2025; y++) {
            double a = run >= 2 ? 0.3 : 0, b = run >= 2 && y >= 2022 ? 0.4 : 0;
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[ash]->landfill:ash", y), a * 100, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant[air]->air:flue", y), (1 - a) * 100, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant2[ash]->landfill:ash", y), b / 2 * 50, TOL);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "plant2[air]->air:flue", y), (1 - b / 2) * 50, TOL);
        }
        flow_sim_stats st;
        flow_sim_get_stats(s, &st);
        ck_assert_int_eq(st.type_transfers, transfers[run]);
        ck_assert_int_eq(n_transfer, burner_calls[run]);
        ck_assert_int_eq(n_init, run < 2 ? run + 1 : run + 2);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* "mirror": each material m leaves on port "out" as itself (T diagonal:
 * row m has its one value in column m), or, with parameter "bad" = b
 * >= 1, also -1 of material b - 1 sent as material 0 (a wrong type).
 * With "release" 1 it releases 2 t of m3 and 3 t of m18 from its stock on
 * port "spare" (rows with a release and no coefficient, after those with
 * coefficients); with 2, -1 t of m12 (wrong). typed_coefs reads the
 * rows eight values at a time: with 19 materials the values lie in the
 * first block (0-7), the second (8-15) and the short tail (16-18). */
static int mirror_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    int M = flow_type_ctx_n_materials(ctx), bad = (int)flow_type_ctx_param(ctx, 0);
    int release = (int)flow_type_ctx_param(ctx, 1);
    for (int m = 0; m < M; m++)
        T->coef[m * M + m] = 1;
    if (bad >= 1)
        T->coef[0 * M + bad - 1] = -1;
    if (release == 1) {
        T->release[1 * M + 3] = 2;
        T->release[1 * M + 18] = 3;
    } else if (release == 2) {
        T->release[1 * M + 12] = -1;
    }
    return 0;
}

static const flow_param_decl mirror_params[] = {
    { "bad", "1", 0, 0, 100, "1 + the column of a -1 in row 0 (0: none)" },
    { "release", "1", 0, 0, 2, "0: no releases, 1: 2 t of m3 and 3 t of m18, 2: -1 t of m12" },
};
static const char *const mirror_ports[] = { "out", "spare" };

FLOW_PLUGIN_DEFINE(mirror, "mirror", .params = mirror_params, .n_params = 2, .ports = mirror_ports,
    .n_ports = 2, .transfer = mirror_transfer);

/* 19 materials m0..m18, city makes k + 1 t of m<k>, all to the mirror,
 * which holds 10 t of m3 and of m18 at the start: by hand,
 * mirror[out]->sink:m<k> = k + 1; with release 1, mirror[spare]->sink2:m3
 * = 2 and :m18 = 3, stocks m3 10 - 2 = 8, m18 10 - 3 = 7; else nothing
 * released, stocks 10. */
static flow_model *mirror_model(double bad, double release)
{
    flow_model *m;
    int src, mi, sink, sink2;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2021, NULL));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "mirror", "mirror", &mi));
    ck_assert_flow_ok(flow_model_add_process(m, "sink", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_add_process(m, "sink2", FLOW_SINK, &sink2));
    for (int k = 0; k < 19; k++) {
        char name[16];
        int mat;
        snprintf(name, sizeof name, "m%d", k);
        ck_assert_flow_ok(flow_model_add_material(m, name, FLOW_CAT_DOMESTIC, "t", &mat));
        ck_assert_flow_ok(flow_model_set_generation(m, src, mat, k + 1, FLOW_NONE));
        if (k == 3 || k == 18)
            ck_assert_flow_ok(flow_model_set_initial_stock(m, mi, mat, 10));
    }
    ck_assert_flow_ok(flow_model_add_flow(m, src, mi, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, mi, "out", sink, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, mi, "spare", sink2, NULL));
    ck_assert_flow_ok(flow_model_set_type_param(m, mi, "bad", bad, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_type_param(m, mi, "release", release, FLOW_NONE));
    ck_assert_flow_ok(flow_model_compile(m));
    return m;
}

/* A type that writes a row for every material (mirror: the diagonal, as
 * the in-use stocks do) makes only the rows of what its process may
 * receive live (live.c, typed_coefs): the city makes 7 t of m2 alone, so
 * mirror[out]->sink carries m2 (7 t, by hand: the diagonal passes all
 * on) and its rows of m0, m1, m3.. stay +0 and not live, nor are those
 * materials live at the sink. */
START_TEST(test_live_rows_of_inputs_only)
{
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_mirror()));
    flow_model *m;
    int src, mi, sink, sink2, mats[5];
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2022, NULL));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "mirror", "mirror", &mi));
    ck_assert_flow_ok(flow_model_add_process(m, "sink", FLOW_SINK, &sink));
    ck_assert_flow_ok(flow_model_add_process(m, "sink2", FLOW_SINK, &sink2));
    for (int k = 0; k < 5; k++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", k);
        ck_assert_flow_ok(flow_model_add_material(m, name, FLOW_CAT_DOMESTIC, "t", &mats[k]));
    }
    ck_assert_flow_ok(flow_model_set_generation(m, src, mats[2], 7, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, mi, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, mi, "out", sink, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, mi, "spare", sink2, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    for (int y = 2021; y <= 2022; y++)
        ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, "mirror[out]->sink:m2", y), 7, TOL);
    int item;
    for (int k = 0; k < 5; k++) {
        char name[40];
        snprintf(name, sizeof name, "mirror[out]->sink:m%d", k);
        ck_assert_flow_ok(flow_model_find_item(m, FLOW_ITEM_FLOW, name, &item));
        ck_assert_msg(s->lv_e[item] == (k == 2), "%s: live %d", name, s->lv_e[item]);
        ck_assert_int_eq(s->lv_pm[(size_t)sink * 5 + (size_t)mats[k]], k == 2);
    }
    char why[300];
    ck_assert_msg(ck_live_check(s, why, sizeof why) == 0, "%s", why);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

START_TEST(test_rows_read_by_blocks)
{
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_mirror()));
    for (int release = 0; release < 2; release++) {
        flow_model *m = mirror_model(0, release);
        flow_sim *s;
        ck_assert_flow_ok(flow_sim_new(&s, m));
        ck_assert_flow_ok(flow_sim_run(s));
        for (int k = 0; k < 19; k++) {
            char name[64];
            snprintf(name, sizeof name, "mirror[out]->sink:m%d", k);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, name, 2021), k + 1, TOL);
            double rel = release && k == 3 ? 2 : release && k == 18 ? 3 : 0;
            snprintf(name, sizeof name, "mirror[spare]->sink2:m%d", k);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_FLOW, name, 2021), rel, TOL);
            snprintf(name, sizeof name, "mirror:m%d", k);
            ck_assert_double_eq_tol(get(s, FLOW_ITEM_STOCK, name, 2021), (k == 3 || k == 18 ? 10 : 0) - rel, TOL);
        }
        flow_sim_free(s);
        flow_model_free(m);
    }
    /* a -1 in the second block (column 12) and in the tail (column 17) of
     * row 0, and a release of -1, are found and named */
    const int cols[] = { 12, 17, -1 };
    for (int i = 0; i < 3; i++) {
        char what[64];
        if (cols[i] >= 0)
            snprintf(what, sizeof what, "sends -1 of material 'm%d' to material 'm0'", cols[i]);
        else
            snprintf(what, sizeof what, "releases -1 of material 'm12' on port 'spare'");
        flow_model *m = mirror_model(cols[i] + 1, cols[i] >= 0 ? 0 : 2);
        flow_sim *s;
        ck_assert_flow_ok(flow_sim_new(&s, m));
        ck_assert_flow_error(flow_sim_run(s), FLOW_EPLUGIN, "process 'mirror' (type 'mirror'), year 2021", what);
        flow_sim_free(s);
        flow_model_free(m);
    }
}
END_TEST

Suite *flow_typed_suite(void)
{
    Suite *s = suite_create("typed");
    TCase *tc = tcase_create("models");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_burner_flows_metrics_calls);
    tcase_add_test(tc, test_param_series_and_override);
    tcase_add_test(tc, test_model_errors);
    tcase_add_test(tc, test_cycle_with_conversion);
    tcase_add_test(tc, test_stock_and_release);
    tcase_add_test(tc, test_bad_type_refused);
    tcase_add_test(tc, test_capacity);
    tcase_add_test(tc, test_backlog_fifo);
    tcase_add_test(tc, test_backlog_fifo_cycle);
    tcase_add_test(tc, test_rows_change_over_years);
    tcase_add_test(tc, test_transfer_kept_across_reset);
    tcase_add_test(tc, test_transfer_stateless);
    tcase_add_test(tc, test_rows_read_by_blocks);
    tcase_add_test(tc, test_live_items);
    tcase_add_test(tc, test_live_input_arrives_later);
    tcase_add_test(tc, test_live_rows_of_inputs_only);
    suite_add_tcase(s, tc);
    TCase *tf = tcase_create("facilities");
    tcase_set_timeout(tf, 120);
    tcase_add_loop_test(tf, test_facilities_through_models, 0, (int)(sizeof facilities / sizeof *facilities));
    suite_add_tcase(s, tf);
    return s;
}
