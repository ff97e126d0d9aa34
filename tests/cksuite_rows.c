/*
 * cksuite_rows.c — transfers written by rows (plugin ABI 1.2):
 * flow_transfer_row() and a type's transfer_by_rows, with which the core
 * reads only the rows a transfer asked for (typed.c).
 *   - flow_transfer_row() with a bad port or material: NULL, and the year
 *     fails naming the process, the type and the wrong call;
 *   - a type that declares transfer_by_rows but writes a row directly: the
 *     core's check at the process's first transfer names the row;
 *   - one transfer registered twice, by rows and not: the same results,
 *     to the bit, on a model with a capacity in a cycle and a stateful
 *     process with a capacity (and the values by hand);
 *   - a descriptor of ABI 1.1 (no transfer_by_rows) registers with the
 *     field 0 and its transfer, written directly, is read in full.
 * Fake types compiled into the test; expected values are hand
 * calculations written next to their checks.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cktest.h"
#include "flow_plugin.h"

#define REL 1e-12

/* ---- the same transfers, by rows or written directly ---------------------- */

/* The row (port, m_out) of T: through flow_transfer_row() when the type's
 * type_data says so, else computed as ABI 1.1 types do. */
static double *row(const flow_type_ctx *ctx, flow_transfer *T, int port, int m_out)
{
    if (*(const int *)flow_type_ctx_type_data(ctx))
        return flow_transfer_row(T, port, m_out);
    size_t M = (size_t)T->n_materials;
    return T->coef + ((size_t)port * M + (size_t)m_out) * M;
}

static int by_rows = 1, direct = 0;

/* "halver": half of each material on port "back", half on "out". */
static int halver_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    for (int m = 0; m < T->n_materials; m++) {
        row(ctx, T, 0, m)[m] = 0.5;
        row(ctx, T, 1, m)[m] = 0.5;
    }
    return 0;
}

static const char *const halver_ports[] = { "back", "out" };

FLOW_PLUGIN_DEFINE(halver_rows, "halver_rows", .ports = halver_ports, .n_ports = 2,
    .transfer = halver_transfer, .type_data = &by_rows, .transfer_by_rows = 1);
FLOW_PLUGIN_DEFINE(halver_direct, "halver_direct", .ports = halver_ports, .n_ports = 2,
    .transfer = halver_transfer, .type_data = &direct);

/* "store": sends share "pass" of the material "a" it receives on port
 * "out" and keeps the rest, and all of the other materials (their rows
 * not asked for: a release on a row not asked for must be read too);
 * releases share "drawdown" of last year's stock of each material on
 * "out". Reads its stock: asked every year. */
static int store_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    const double *p = flow_type_ctx_params(ctx);
    int M = T->n_materials, a = flow_type_ctx_find_material(ctx, "a");
    for (int m = 0; m < M; m++) {
        if (m == a)
            row(ctx, T, 0, m)[m] = p[0];
        T->release[m] = p[1] * flow_type_ctx_stock(ctx, m);
    }
    return 0;
}

static const flow_param_decl store_params[] = {
    { "pass", "t/t", 0.5, 0, 1, "share of the input sent on the same year" },
    { "drawdown", "1/a", 0.5, 0, 1, "share of last year's stock released" },
};
static const char *const store_ports[] = { "out" };

FLOW_PLUGIN_DEFINE(store_rows, "store_rows", .params = store_params, .n_params = 2,
    .ports = store_ports, .n_ports = 1, .transfer = store_transfer, .type_data = &by_rows,
    .transfer_by_rows = 1);
FLOW_PLUGIN_DEFINE(store_direct, "store_direct", .params = store_params, .n_params = 2,
    .ports = store_ports, .n_ports = 1, .transfer = store_transfer, .type_data = &direct);

/* ---- broken types ------------------------------------------------------------ */

/* "badrow": asks for port bad_port, material bad_mat (parameters) and
 * notes what it got; sends everything on "out" otherwise. */
static double *badrow_got = (double *)1;

static int badrow_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    const double *p = flow_type_ctx_params(ctx);
    for (int m = 0; m < T->n_materials; m++)
        flow_transfer_row(T, 0, m)[m] = 1;
    badrow_got = flow_transfer_row(T, (int)p[0], (int)p[1]);
    return 0; /* the wrong call fails the year all the same */
}

static const flow_param_decl badrow_params[] = {
    { "bad_port", NULL, 0, -10, 10, "port asked for" },
    { "bad_mat", NULL, 0, -10, 10, "material asked for" },
};
static const char *const badrow_ports[] = { "out", "air" };

FLOW_PLUGIN_DEFINE(badrow, "badrow", .params = badrow_params, .n_params = 2,
    .ports = badrow_ports, .n_ports = 2, .transfer = badrow_transfer, .transfer_by_rows = 1);

/* "cheat": declares transfer_by_rows, asks for row (out, m) of every
 * material m, but writes row (air, b) directly: 0.25 of each tonne of b
 * to the air as b, the rest on "out". */
static int cheat_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    int M = T->n_materials, b = flow_type_ctx_find_material(ctx, "b");
    for (int m = 0; m < M; m++)
        flow_transfer_row(T, 0, m)[m] = m == b ? 0.75 : 1;
    T->coef[((size_t)1 * M + (size_t)b) * M + (size_t)b] = 0.25;
    return 0;
}

FLOW_PLUGIN_DEFINE(cheat, "cheat", .ports = badrow_ports, .n_ports = 2, .transfer = cheat_transfer,
    .transfer_by_rows = 1);

/* ---- models ---------------------------------------------------------------------- */

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

static int typed(flow_model *m, const char *name, const char *type)
{
    int i = -1;
    ck_assert_flow_ok(flow_model_add_typed_process(m, name, type, &i));
    return i;
}

static void flow(flow_model *m, int from, int to, flow_mode mode, double coef)
{
    ck_assert_flow_ok(flow_model_add_flow(m, from, to, FLOW_ALL, mode, coef, FLOW_NONE, NULL));
}

static void cap(flow_model *m, int p, double C, int overflow)
{
    char name[64];
    int i = -1;
    snprintf(name, sizeof name, "cap_%s", flow_model_process_name(m, p));
    ck_assert_flow_ok(flow_model_add_param_const(m, name, NULL, C, &i));
    ck_assert_flow_ok(flow_model_set_capacity(m, p, i, overflow));
}

static double value(const flow_sim *s, flow_item_kind kind, const char *name, int year)
{
    int it = -1;
    double v = NAN;
    ck_assert_flow_ok(flow_model_find_item(flow_sim_model(s), kind, name, &it));
    ck_assert_flow_ok(flow_sim_get(s, kind, it, year, &v));
    return v;
}

static void want(const flow_sim *s, flow_item_kind kind, const char *name, int year, double w)
{
    double v = value(s, kind, name, year);
    ck_assert_msg(fabs(v - w) <= REL * fmax(1, fabs(w)), "%s, %d: %.17g, not %.17g", name, year, v, w);
}

/* src (a 100, b 40 a year) -> A; A -> T (halver, capacity 40, overflow to
 * B); T[back] -> A, T[out] -> X; B: half to Y, the rest back to A. X is a
 * store with a capacity of 10 (overflow to Z2), its out to Z. 2020-2022. */
static flow_model *build(const char *halver, const char *store)
{
    flow_model *m = NULL;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2022, NULL));
    int a = mat(m, "a"), b = mat(m, "b");
    int src = proc(m, "src", FLOW_SOURCE), A = proc(m, "A", FLOW_SPLIT), B = proc(m, "B", FLOW_SPLIT);
    int Y = proc(m, "Y", FLOW_SINK), Z = proc(m, "Z", FLOW_SINK), Z2 = proc(m, "Z2", FLOW_SINK);
    int T = typed(m, "T", halver), X = typed(m, "X", store);
    ck_assert_flow_ok(flow_model_set_generation(m, src, a, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, src, b, 40, FLOW_NONE));
    cap(m, T, 40, B);
    cap(m, X, 10, Z2);
    flow(m, src, A, FLOW_REST, 0);
    flow(m, A, T, FLOW_REST, 0);
    ck_assert_flow_ok(flow_model_add_port_flow(m, T, "back", A, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, T, "out", X, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, X, "out", Z, NULL));
    flow(m, B, Y, FLOW_SHARE, 0.5);
    flow(m, B, A, FLOW_REST, 0);
    ck_assert_flow_ok(flow_model_compile(m));
    return m;
}

static void setup(void)
{
    flow_plugin_shutdown();
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_halver_rows()));
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_halver_direct()));
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_store_rows()));
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_store_direct()));
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_badrow()));
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_cheat()));
}

static void teardown(void)
{
    flow_plugin_shutdown();
}

/* The values by hand, per material with its source g (a 100, b 40):
 * A receives g, T's back half of what T accepts and half of T's overflow
 * from B; T accepts the share rho of its input: x = g + 0.5 rho x +
 * 0.5 (1 - rho) x = g + 0.5 x, so x = 2 g (a 200, b 80, 280 in all) and
 * rho = 40 / 280 = 1/7. T sends g/7 on out (a 100/7, b 40/7), 20 t in
 * all, to X; X's capacity 10 takes half of it (a 50/7, b 20/7), the other
 * half to Z2. X sends on half of the a it takes plus half of last year's
 * stock: 2020: 25/7 out, stock 25/7; 2021: 25/7 + 12.5/7 = 37.5/7 out,
 * stock 25/7 + 25/7 - 12.5/7 = 37.5/7; 2022: 25/7 + 18.75/7 = 6.25 out,
 * stock 37.5/7 + 25/7 - 18.75/7 = 6.25. Of b it keeps all it takes
 * (20/7 a year) and releases half of last year's stock: 2020: 0 out,
 * stock 20/7; 2021: 10/7 out, stock 20/7 + 20/7 - 10/7 = 30/7; 2022:
 * 15/7 out, stock 30/7 + 20/7 - 15/7 = 5. */
static void check_by_hand(const flow_sim *s)
{
    const char *mats[2] = { "a", "b" };
    const double g[2] = { 100, 40 };
    const double out[2][3] = { { 25.0 / 7, 37.5 / 7, 6.25 }, { 0, 10.0 / 7, 15.0 / 7 } };
    const double stock[2][3] = { { 25.0 / 7, 37.5 / 7, 6.25 }, { 20.0 / 7, 30.0 / 7, 5 } };
    char name[64];
    for (int i = 0; i < 2; i++) {
        for (int y = 2020; y <= 2022; y++) {
            snprintf(name, sizeof name, "A->T:%s", mats[i]);
            want(s, FLOW_ITEM_FLOW, name, y, 2 * g[i]);
            snprintf(name, sizeof name, "T[back]->A:%s", mats[i]);
            want(s, FLOW_ITEM_FLOW, name, y, g[i] / 7);
            snprintf(name, sizeof name, "T[overflow]->B:%s", mats[i]);
            want(s, FLOW_ITEM_FLOW, name, y, 2 * g[i] * 6 / 7);
            snprintf(name, sizeof name, "B->Y:%s", mats[i]);
            want(s, FLOW_ITEM_FLOW, name, y, g[i] * 6 / 7);
            snprintf(name, sizeof name, "T[out]->X:%s", mats[i]);
            want(s, FLOW_ITEM_FLOW, name, y, g[i] / 7);
            snprintf(name, sizeof name, "X[overflow]->Z2:%s", mats[i]);
            want(s, FLOW_ITEM_FLOW, name, y, g[i] / 14);
            snprintf(name, sizeof name, "X[out]->Z:%s", mats[i]);
            want(s, FLOW_ITEM_FLOW, name, y, out[i][y - 2020]);
            snprintf(name, sizeof name, "X:%s", mats[i]);
            want(s, FLOW_ITEM_STOCK, name, y, stock[i][y - 2020]);
        }
    }
}

/* Every value of kind in both simulations, to the bit. */
static void same_bits(const flow_sim *s1, const flow_sim *s2, flow_item_kind kind)
{
    const flow_model *m = flow_sim_model(s1);
    size_t n = (size_t)flow_model_n_items(m, kind) * 3;
    ck_assert_int_eq(flow_model_n_items(m, kind), flow_model_n_items(flow_sim_model(s2), kind));
    ck_assert_msg(memcmp(flow_sim_data(s1, kind), flow_sim_data(s2, kind), n * sizeof(double)) == 0,
                  "kind %d differs between the types by rows and written directly", (int)kind);
}

START_TEST(test_rows_same_results)
{
    flow_model *m1 = build("halver_rows", "store_rows"), *m2 = build("halver_direct", "store_direct");
    flow_sim *s1 = NULL, *s2 = NULL;
    ck_assert_flow_ok(flow_sim_new(&s1, m1));
    ck_assert_flow_ok(flow_sim_new(&s2, m2));
    /* twice: the second run (after a reset) trusts the rows it was shown */
    for (int run = 0; run < 2; run++) {
        if (run) {
            ck_assert_flow_ok(flow_sim_reset(s1));
            ck_assert_flow_ok(flow_sim_reset(s2));
        }
        ck_assert_flow_ok(flow_sim_run(s1));
        ck_assert_flow_ok(flow_sim_run(s2));
        check_by_hand(s1);
        check_by_hand(s2);
        same_bits(s1, s2, FLOW_ITEM_FLOW);
        same_bits(s1, s2, FLOW_ITEM_STOCK);
    }
    flow_sim_free(s1);
    flow_sim_free(s2);
    flow_model_free(m1);
    flow_model_free(m2);
}
END_TEST

/* src (a 10, b 20) -> P (type) -> out: Z, air: W; 2021-2022. */
static flow_model *build_one(const char *type, int *P)
{
    flow_model *m = NULL;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2022, NULL));
    int a = mat(m, "a"), b = mat(m, "b");
    int src = proc(m, "src", FLOW_SOURCE), Z = proc(m, "Z", FLOW_SINK), W = proc(m, "W", FLOW_SINK);
    *P = typed(m, "plant", type);
    ck_assert_flow_ok(flow_model_set_generation(m, src, a, 10, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_generation(m, src, b, 20, FLOW_NONE));
    flow(m, src, *P, FLOW_REST, 0);
    ck_assert_flow_ok(flow_model_add_port_flow(m, *P, "out", Z, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, *P, "air", W, NULL));
    return m;
}

/* port 2 of 2, port -1, material 2 of 2 (a, b), material -3 */
static const struct {
    double port, mat;
    const char *what;
} bad_rows[] = {
    { 2, 0, "flow_transfer_row: port 2 is not in [0, 2)" },
    { -1, 0, "flow_transfer_row: port -1 is not in [0, 2)" },
    { 1, 2, "flow_transfer_row: material 2 is not in [0, 2)" },
    { 0, -3, "flow_transfer_row: material -3 is not in [0, 2)" },
};

START_TEST(test_row_out_of_range)
{
    int P;
    flow_model *m = build_one("badrow", &P);
    ck_assert_flow_ok(flow_model_set_type_param(m, P, "bad_port", bad_rows[_i].port, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_type_param(m, P, "bad_mat", bad_rows[_i].mat, FLOW_NONE));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s = NULL;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    badrow_got = (double *)1;
    ck_assert_flow_error(flow_sim_run(s), FLOW_EPLUGIN, "process 'plant' (type 'badrow'), year 2021",
                         "its transfer() made a wrong call", bad_rows[_i].what);
    ck_assert_ptr_null(badrow_got);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* The same type asking for rows in range works: port 1 (air), material
 * 1 (b) is a row it may ask for and leave at 0; all goes out. */
START_TEST(test_row_in_range)
{
    int P;
    flow_model *m = build_one("badrow", &P);
    ck_assert_flow_ok(flow_model_set_type_param(m, P, "bad_port", 1, FLOW_NONE));
    ck_assert_flow_ok(flow_model_set_type_param(m, P, "bad_mat", 1, FLOW_NONE));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s = NULL;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    badrow_got = NULL;
    ck_assert_flow_ok(flow_sim_run(s));
    ck_assert_ptr_nonnull(badrow_got);
    want(s, FLOW_ITEM_FLOW, "plant[out]->Z:a", 2022, 10);
    want(s, FLOW_ITEM_FLOW, "plant[out]->Z:b", 2022, 20);
    want(s, FLOW_ITEM_FLOW, "plant[air]->W:b", 2022, 0);
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* A row written without flow_transfer_row() by a type that declares
 * transfer_by_rows: the first transfer of the process fails, naming the
 * row; so does the first one of the next run (a failed check is not a
 * passed one). Were the row trusted, the 5 t of b to the air (0.25 x 20)
 * would be lost without a word. */
START_TEST(test_row_written_directly)
{
    int P;
    flow_model *m = build_one("cheat", &P);
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s = NULL;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    for (int run = 0; run < 2; run++) {
        if (run)
            ck_assert_flow_ok(flow_sim_reset(s));
        ck_assert_flow_error(flow_sim_run(s), FLOW_EPLUGIN, "process 'plant' (type 'cheat'), year 2021",
                             "its transfer writes row (port 'air', material 'b') without flow_transfer_row() "
                             "although the type declares transfer_by_rows");
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* A descriptor of ABI 1.1 still registers and works. */
START_TEST(test_old_descriptor)
{
    /* a module built for 1.1: its descriptor ends before transfer_by_rows;
     * the bytes after it (here a 1) are not the module's and must not be
     * read. Its transfer writes coef directly. */
    static flow_process_type old;
    old = *flow_plugin_cheat();
    old.abi_minor = 1;
    old.struct_size = offsetof(flow_process_type, transfer_by_rows);
    old.name = "old_cheat";
    old.transfer_by_rows = 1;
    ck_assert_flow_ok(flow_plugin_register(&old));
    const flow_process_type *t = NULL;
    ck_assert_flow_ok(flow_plugin_find("old_cheat", &t));
    ck_assert_int_eq(t->transfer_by_rows, 0);
    ck_assert_uint_eq(t->abi_minor, 1);
    int P;
    flow_model *m = build_one("old_cheat", &P);
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s = NULL;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    /* read in full: a 10 out; b 0.75 x 20 = 15 out, 0.25 x 20 = 5 to air */
    for (int y = 2021; y <= 2022; y++) {
        want(s, FLOW_ITEM_FLOW, "plant[out]->Z:a", y, 10);
        want(s, FLOW_ITEM_FLOW, "plant[out]->Z:b", y, 15);
        want(s, FLOW_ITEM_FLOW, "plant[air]->W:b", y, 5);
        want(s, FLOW_ITEM_FLOW, "plant[air]->W:a", y, 0);
    }
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

Suite *flow_rows_suite(void)
{
    Suite *s = suite_create("rows");
    TCase *tc = tcase_create("rows");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_rows_same_results);
    tcase_add_loop_test(tc, test_row_out_of_range, 0, (int)(sizeof bad_rows / sizeof bad_rows[0]));
    tcase_add_test(tc, test_row_in_range);
    tcase_add_test(tc, test_row_written_directly);
    tcase_add_test(tc, test_old_descriptor);
    suite_add_tcase(s, tc);
    return s;
}
