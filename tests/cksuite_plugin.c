/*
 * cksuite_plugin.c — process types: the registry, the module loader and
 * the accessors of flow_type_ctx. A fake type is compiled in (the static
 * form of FLOW_PLUGIN_DEFINE); real modules are loaded from the build tree
 * (tests/plugins, $FLOW_TEST_PLUGINDIR), one for each refusal.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cktest.h"
#include "flow_int.h"
#include "flow_plugin.h"

/* ---- a fake type, compiled in --------------------------------------------- */

static struct {
    int init, transfer, step, fini;
    int year;
    char process[32];
} calls;

static int fake_init(const flow_type_ctx *ctx, void *state)
{
    calls.init++;
    *(int *)state = 7;
    calls.year = flow_type_ctx_year(ctx);
    snprintf(calls.process, sizeof calls.process, "%s", flow_type_ctx_process(ctx));
    return 0;
}

/* Glass goes whole to port "slag"; every other material leaves ash_share
 * of itself as bottom_ash on port "ash" and keeps the rest. */
static int fake_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    calls.transfer++;
    if (*(int *)state != 7)
        return FLOW_ESTATE;
    int M = flow_type_ctx_n_materials(ctx);
    int glass = flow_type_ctx_find_material(ctx, "glass");
    int ash = flow_type_ctx_find_material(ctx, "bottom_ash");
    if (ash < 0 || flow_type_ctx_find_material(ctx, "no such") != -1)
        return FLOW_ENOTFOUND;
    for (int m = 0; m < M; m++) {
        if (m == glass)
            T->coef[(1 * M + m) * M + m] = 1;
        else
            T->coef[(0 * M + ash) * M + m] = flow_type_ctx_param(ctx, 1);
    }
    return 0;
}

static int fake_step(const flow_type_ctx *ctx, void *state, const double *in,
                     const double *out, double *metrics)
{
    (void)ctx;
    (void)state;
    calls.step++;
    metrics[0] = in[0] + out[0];
    return 0;
}

static void fake_fini(void *state)
{
    (void)state;
    calls.fini++;
}

static const flow_param_decl fake_params[] = {
    { "efficiency", "1", 0.9, 0, 1, "share burnt" },
    { "ash_share", "1", 0.2, 0, 1, "bottom ash per tonne" },
    { "capacity", "t/a", 1e5, 0, INFINITY, NULL },
};
static const char *const fake_ports[] = { "ash", "slag" };
static const char *const fake_metrics[] = { "electricity_kwh" };

FLOW_PLUGIN_DEFINE(fake, "fake",
    .description = "a fake incinerator compiled into the test",
    .version = "0.1",
    .params = fake_params, .n_params = 3,
    .ports = fake_ports, .n_ports = 2,
    .metrics = fake_metrics, .n_metrics = 1,
    .state_size = sizeof(int),
    .init = fake_init,
    .transfer = fake_transfer,
    .step = fake_step,
    .fini = fake_fini);

/* ---- fixtures ---------------------------------------------------------------- */

static char *saved_path;

static void setup(void)
{
    memset(&calls, 0, sizeof calls);
    const char *p = getenv("FLOW_PLUGIN_PATH");
    saved_path = p ? strdup(p) : NULL;
}

static void teardown(void)
{
    flow_plugin_shutdown();
    if (saved_path)
        setenv("FLOW_PLUGIN_PATH", saved_path, 1);
    else
        unsetenv("FLOW_PLUGIN_PATH");
    free(saved_path);
    saved_path = NULL;
}

/* The test modules: make check says where; by hand, run from the build
 * directory. */
static const char *plugdir(void)
{
    const char *d = getenv("FLOW_TEST_PLUGINDIR");
    return d && d[0] ? d : "tests/plugins";
}

static void set_path(const char *a, const char *b)
{
    char buf[8192];
    int w = snprintf(buf, sizeof buf, "%s%s%s", a, b ? ":" : "", b ? b : "");
    ck_assert_msg(w >= 0 && (size_t)w < sizeof buf, "plugin path too long");
    setenv("FLOW_PLUGIN_PATH", buf, 1);
}

static void path_in(char *buf, size_t n, const char *dir, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

/* A fresh scratch directory under $FLOW_TEST_TMPDIR. */
static void tmpdir(char *buf, size_t n)
{
    const char *t = getenv("FLOW_TEST_TMPDIR");
    snprintf(buf, n, "%s/plugin-tmp-%ld", t && t[0] ? t : "tests", (long)getpid());
    mkdir(buf, 0700);
}

/* A model with three materials, and a context for one process in 2024. */
typedef struct ctxfix {
    flow_model *m;
    double param[3];
    flow_type_ctx ctx;
} ctxfix;

static void ctx_make(ctxfix *f, const double *param, int n_params)
{
    ck_assert_flow_ok(flow_model_new(&f->m, 2020, 2030, NULL));
    ck_assert_flow_ok(flow_model_add_material(f->m, "paper", FLOW_CAT_DOMESTIC, "t", NULL));
    ck_assert_flow_ok(flow_model_add_material(f->m, "glass", FLOW_CAT_DOMESTIC, "t", NULL));
    ck_assert_flow_ok(flow_model_add_material(f->m, "bottom_ash", FLOW_CAT_INDUSTRIAL, "t", NULL));
    memcpy(f->param, param, (size_t)n_params * sizeof *param);
    memset(&f->ctx, 0, sizeof f->ctx);
    f->ctx.model = f->m;
    f->ctx.process = "incinerator_north";
    f->ctx.year = 2024;
    f->ctx.n_params = n_params;
    f->ctx.param = f->param;
}

/* ---- the fake type through the registry ------------------------------------- */

START_TEST(test_static_register_and_call)
{
    const flow_process_type *orig = flow_plugin_fake(), *t = NULL;
    ck_assert_flow_ok(flow_plugin_register(orig));
    ck_assert_flow_ok(flow_plugin_find("fake", &t));
    /* a copy owned by the registry, faithful field by field */
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_ne(t, orig);
    ck_assert_int_eq(t->abi_major, FLOW_PLUGIN_ABI_MAJOR);
    ck_assert_int_eq(t->abi_minor, FLOW_PLUGIN_ABI_MINOR);
    ck_assert_uint_eq(t->struct_size, sizeof(flow_process_type));
    ck_assert_str_eq(t->name, "fake");
    ck_assert_str_eq(t->version, "0.1");
    ck_assert_ptr_eq(t->params, fake_params);
    ck_assert_uint_eq(t->n_params, 3);
    ck_assert_uint_eq(t->n_ports, 2);
    ck_assert_str_eq(t->ports[1], "slag");
    ck_assert_str_eq(t->metrics[0], "electricity_kwh");
    ck_assert_uint_eq(t->state_size, sizeof(int));
    ck_assert_ptr_null(flow_plugin_origin(t));

    /* the callbacks, called through the registered copy */
    ctxfix f;
    ctx_make(&f, (const double[]){ 0.9, 0.25, 1000 }, 3);
    int state = 0;
    ck_assert_int_eq(t->init(&f.ctx, &state), 0);
    ck_assert_int_eq(state, 7);
    ck_assert_int_eq(calls.year, 2024);
    ck_assert_str_eq(calls.process, "incinerator_north");

    /* M = 3 (paper 0, glass 1, bottom_ash 2), 2 ports: 18 coefficients.
     * By hand: paper and bottom_ash each leave 0.25 as bottom_ash on port
     * ash: coef[(0*3+2)*3+0] = coef[6] and coef[(0*3+2)*3+2] = coef[8];
     * glass to slag: coef[(1*3+1)*3+1] = coef[13] = 1; all others 0. */
    double coef[18] = { 0 };
    double release[6] = { 0 };
    flow_transfer T = { 2, 3, coef, release };
    ck_assert_int_eq(t->transfer(&f.ctx, &state, &T), 0);
    for (int i = 0; i < 18; i++) {
        double want = i == 6 || i == 8 ? 0.25 : i == 13 ? 1 : 0;
        ck_assert_double_eq_tol(coef[i], want, 1e-15);
    }
    double in[3] = { 10, 2, 0 }, out[6] = { 3, 0, 0, 0, 0, 0 }, met[1] = { 0 };
    ck_assert_int_eq(t->step(&f.ctx, &state, in, out, met), 0);
    ck_assert_double_eq_tol(met[0], 13, 1e-12);
    t->fini(&state);
    ck_assert_int_eq(calls.init, 1);
    ck_assert_int_eq(calls.transfer, 1);
    ck_assert_int_eq(calls.step, 1);
    ck_assert_int_eq(calls.fini, 1);
    flow_model_free(f.m);
}
END_TEST

START_TEST(test_ctx_accessors)
{
    ctxfix f;
    ctx_make(&f, (const double[]){ 0.5 }, 1);
    ck_assert_int_eq(flow_type_ctx_year(&f.ctx), 2024);
    ck_assert_str_eq(flow_type_ctx_process(&f.ctx), "incinerator_north");
    ck_assert_int_eq(flow_type_ctx_n_materials(&f.ctx), 3);
    ck_assert_str_eq(flow_type_ctx_material_name(&f.ctx, 2), "bottom_ash");
    ck_assert_int_eq(flow_type_ctx_material_category(&f.ctx, 2), FLOW_CAT_INDUSTRIAL);
    ck_assert_int_eq(flow_type_ctx_material_category(&f.ctx, 0), FLOW_CAT_DOMESTIC);
    ck_assert_int_eq(flow_type_ctx_find_material(&f.ctx, "glass"), 1);
    ck_assert_int_eq(flow_type_ctx_find_material(&f.ctx, "glas"), -1);
    ck_assert_double_eq(flow_type_ctx_param(&f.ctx, 0), 0.5);
    flow_model_free(f.m);
}
END_TEST

START_TEST(test_register_twice)
{
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_fake()));
    ck_assert_flow_error(flow_plugin_register(flow_plugin_fake()), FLOW_EEXIST,
                         "type 'fake'", "already registered", "built in");
}
END_TEST

START_TEST(test_shutdown_then_reuse)
{
    const flow_process_type *t;
    setenv("FLOW_PLUGIN_PATH", "", 1);
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_fake()));
    ck_assert_flow_ok(flow_plugin_find("fake", &t));
    flow_plugin_shutdown();
    ck_assert_flow_error(flow_plugin_find("fake", &t), FLOW_ENOTFOUND, "'fake'");
    ck_assert_ptr_null(t);
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_fake()));
    ck_assert_flow_ok(flow_plugin_find("fake", &t));
}
END_TEST

/* Static refusals: the fake descriptor with one thing wrong. */
static const flow_param_decl p_noname[] = { { "a", NULL, 0, 0, 1, NULL }, { NULL, NULL, 0, 0, 1, NULL } };
static const flow_param_decl p_lohi[] = { { "rate", NULL, 1, 2, 1, NULL } };
static const flow_param_decl p_def[] = { { "rate", NULL, -0.5, 0, 1, NULL } };
static const flow_param_decl p_nan[] = { { "rate", NULL, NAN, 0, 1, NULL } };
static const flow_param_decl p_dup[] = { { "rate", NULL, 0, 0, 1, NULL }, { "rate", NULL, 0, 0, 1, NULL } };
static const char *const ports_dup[] = { "ash", "ash" };
static const char *const ports_null[] = { "ash", NULL };

enum { R_ABI, R_SIZE, R_NONAME, R_BADNAME, R_NOTRANSFER, R_NOPORTS, R_PORTNULL, R_PORTDUP,
       R_PNONAME, R_LOHI, R_DEF, R_NAN, R_PDUP, R_METRICS, R_COUNT };

static const char *const refusal_msg[R_COUNT][2] = {
    [R_ABI] = { "built for plugin ABI 2.", "takes 1.x" },
    [R_SIZE] = { "descriptor of 8 bytes", "shorter than" },
    [R_NONAME] = { "the type has no name", NULL },
    [R_BADNAME] = { "type name 'fa ke'", "letters, digits" },
    [R_NOTRANSFER] = { "type 'fake'", "no transfer callback" },
    [R_NOPORTS] = { "type 'fake'", "no output port" },
    [R_PORTNULL] = { "type 'fake'", "port 1 has no name" },
    [R_PORTDUP] = { "type 'fake'", "port 'ash' is declared twice" },
    [R_PNONAME] = { "type 'fake'", "parameter 1 has no name" },
    [R_LOHI] = { "parameter 'rate'", "lower bound 2 is above upper bound 1" },
    [R_DEF] = { "parameter 'rate'", "default -0.5 outside its bounds [0, 1]" },
    [R_NAN] = { "parameter 'rate'", "NaN" },
    [R_PDUP] = { "type 'fake'", "parameter 'rate' is declared twice" },
    [R_METRICS] = { "type 'fake'", "n_metrics is 1 but metrics is NULL" },
};

START_TEST(test_register_refusals)
{
    flow_process_type d = *flow_plugin_fake();
    switch (_i) {
    case R_ABI: d.abi_major = 2; break;
    case R_SIZE: d.struct_size = 8; break;
    case R_NONAME: d.name = NULL; break;
    case R_BADNAME: d.name = "fa ke"; break;
    case R_NOTRANSFER: d.transfer = NULL; break;
    case R_NOPORTS: d.n_ports = 0; break;
    case R_PORTNULL: d.ports = ports_null; break;
    case R_PORTDUP: d.ports = ports_dup; break;
    case R_PNONAME: d.params = p_noname; d.n_params = 2; break;
    case R_LOHI: d.params = p_lohi; d.n_params = 1; break;
    case R_DEF: d.params = p_def; d.n_params = 1; break;
    case R_NAN: d.params = p_nan; d.n_params = 1; break;
    case R_PDUP: d.params = p_dup; d.n_params = 2; break;
    case R_METRICS: d.metrics = NULL; break;
    }
    if (refusal_msg[_i][1])
        ck_assert_flow_error(flow_plugin_register(&d), FLOW_EPLUGIN, refusal_msg[_i][0],
                             refusal_msg[_i][1]);
    else
        ck_assert_flow_error(flow_plugin_register(&d), FLOW_EPLUGIN, refusal_msg[_i][0]);
    /* nothing was registered: the valid descriptor registers afterwards */
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_fake()));
}
END_TEST

/* A module built for a later minor version: a longer descriptor. Its
 * prefix is taken, its new field ignored. */
START_TEST(test_register_newer_minor)
{
    static struct {
        flow_process_type t;
        double appended;
    } later;
    later.t = *flow_plugin_fake();
    later.t.abi_minor = FLOW_PLUGIN_ABI_MINOR + 3;
    later.t.struct_size = sizeof later;
    later.t.name = "later";
    later.appended = 42;
    const flow_process_type *t;
    ck_assert_flow_ok(flow_plugin_register(&later.t));
    setenv("FLOW_PLUGIN_PATH", "", 1);
    ck_assert_flow_ok(flow_plugin_find("later", &t));
    ck_assert_int_eq(t->abi_minor, FLOW_PLUGIN_ABI_MINOR + 3);
    ck_assert_ptr_eq(t->transfer, fake_transfer);
    ck_assert_ptr_eq(t->fini, fake_fini);
}
END_TEST

/* ---- modules from the build tree ---------------------------------------- */

START_TEST(test_module_good)
{
    const flow_process_type *t = NULL, *t2 = NULL;
    set_path(plugdir(), NULL);
    ck_assert_flow_ok(flow_plugin_find("good", &t));
    ck_assert_str_eq(t->name, "good");
    ck_assert_str_eq(t->description, "a valid test type (tests/plugins)");
    ck_assert_ptr_nonnull(flow_plugin_origin(t));
    ck_assert_ptr_nonnull(strstr(flow_plugin_origin(t), "/good.la"));
    ck_assert_ptr_null(t->init);
    ck_assert_ptr_null(t->fini);
    ck_assert_flow_ok(flow_plugin_find("good", &t2));
    ck_assert_ptr_eq(t, t2);

    /* Its transfer, efficiency 0.6: each material 0.6 to port out, 0.4 to
     * port loss: coef[(0*3+m)*3+m] = 0.6, coef[(1*3+m)*3+m] = 0.4. */
    ctxfix f;
    ctx_make(&f, (const double[]){ 0.6 }, 1);
    double coef[18] = { 0 };
    double release[6] = { 0 };
    flow_transfer T = { 2, 3, coef, release };
    double state = 0;
    ck_assert_int_eq(t->transfer(&f.ctx, &state, &T), 0);
    for (int i = 0; i < 18; i++) {
        int port = i / 9, mo = (i / 3) % 3, mi = i % 3;
        double want = mo != mi ? 0 : port == 0 ? 0.6 : 0.4;
        ck_assert_double_eq_tol(coef[i], want, 1e-15);
    }
    double in[3] = { 1, 2, 4 }, out[6] = { 0 }, met[1];
    ck_assert_int_eq(t->step(&f.ctx, &state, in, out, met), 0);
    ck_assert_int_eq(t->step(&f.ctx, &state, in, out, met), 0);
    ck_assert_double_eq_tol(met[0], 7, 1e-12);
    ck_assert_double_eq_tol(state, 14, 1e-12);
    flow_model_free(f.m);
}
END_TEST

/* A module's transfer() asks for the stock of material 99999 (the model
 * has 1): the simulation fails with one line naming the process, the type
 * and the wrong call; the program goes on (it was an assert: abort). */
START_TEST(test_module_misuse)
{
    flow_model *m;
    flow_sim *s;
    int src, plant, dump, msw;
    set_path(plugdir(), NULL);
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2021, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &src));
    ck_assert_flow_ok(flow_model_add_typed_process(m, "plant", "ctx_misuse", &plant));
    ck_assert_flow_ok(flow_model_add_process(m, "dump", FLOW_SINK, &dump));
    ck_assert_flow_ok(flow_model_set_generation(m, src, msw, 10, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, plant, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_port_flow(m, plant, "out", dump, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_error(flow_sim_step(s), FLOW_EPLUGIN, "process 'plant' (type 'ctx_misuse')",
                         "flow_type_ctx_stock: material 99999 is not in [0, 1)");
    flow_sim_free(s);
    flow_model_free(m);
}
END_TEST

/* make check's environment (AM_TESTS_ENVIRONMENT) finds the test modules. */
START_TEST(test_module_default_path)
{
    const char *p = getenv("FLOW_PLUGIN_PATH");
    if (!getenv("FLOW_TEST_PLUGINDIR") || !p)
        return; /* run by hand, outside make check */
    ck_assert_ptr_nonnull(strstr(p, plugdir()));
    const flow_process_type *t;
    ck_assert_flow_ok(flow_plugin_find("good", &t));
}
END_TEST

START_TEST(test_load_file)
{
    char file[4096];
    const flow_process_type *t = NULL, *t2 = NULL;
    path_in(file, sizeof file, plugdir(), "good.la");
    ck_assert_flow_ok(flow_plugin_load_file(file, &t));
    ck_assert_str_eq(t->name, "good");
    ck_assert_str_eq(flow_plugin_origin(t), file);
    /* the same file again: the same type */
    ck_assert_flow_ok(flow_plugin_load_file(file, &t2));
    ck_assert_ptr_eq(t, t2);
    /* find() now answers from the registry, whatever the path */
    setenv("FLOW_PLUGIN_PATH", "", 1);
    ck_assert_flow_ok(flow_plugin_find("good", &t2));
    ck_assert_ptr_eq(t, t2);
    /* another file declaring the same type */
    path_in(file, sizeof file, plugdir(), "alt/good.la");
    ck_assert_flow_error(flow_plugin_load_file(file, &t2), FLOW_EEXIST, "alt/good.la",
                         "type 'good' is already registered", "from ");
    ck_assert_ptr_null(t2);
}
END_TEST

static const struct {
    const char *type, *why1, *why2;
} bad_modules[] = {
    { "wrong_abi", "built for plugin ABI 99.3", "this libflow takes 1.x" },
    { "short_struct", "shorter than the", "struct_size" },
    { "no_transfer", "type 'no_transfer'", "no transfer callback" },
    { "bad_param", "parameter 'efficiency'", "default 1.5 outside its bounds [0, 1]" },
    { "no_ports", "type 'no_ports'", "no output port" },
    { "not_plugin", "no flow_plugin_entry symbol", "not a libflow plugin" },
    { "null_entry", "flow_plugin_entry() returned NULL", NULL },
    /* SIZE_MAX - 3: rounded up to 16 in compile.c it wrapped to 0 */
    { "state_huge", "type 'state_huge'", "state_size 18446744073709551612 is more than" },
};

/* Each refusal, by find() on the path and by load_file(): the code, the
 * file and the reason; nothing is registered. */
START_TEST(test_module_refusals)
{
    const char *type = bad_modules[_i].type;
    char file[4096], la[256];
    snprintf(la, sizeof la, "%s.la", type);
    path_in(file, sizeof file, plugdir(), la);
    const char *why2 = bad_modules[_i].why2 ? bad_modules[_i].why2 : bad_modules[_i].why1;
    const flow_process_type *t = flow_plugin_fake();

    set_path(plugdir(), NULL);
    ck_assert_flow_error(flow_plugin_find(type, &t), FLOW_EPLUGIN, file, bad_modules[_i].why1,
                         why2);
    ck_assert_ptr_null(t);
    /* again: refused again, not half-registered */
    ck_assert_flow_error(flow_plugin_find(type, &t), FLOW_EPLUGIN, file, bad_modules[_i].why1);
    ck_assert_flow_error(flow_plugin_load_file(file, &t), FLOW_EPLUGIN, file,
                         bad_modules[_i].why1, why2);
    ck_assert_ptr_null(t);
    /* a single line */
    ck_assert_ptr_null(strchr(flow_error_last(), '\n'));
}
END_TEST

/* A text file named like a module: refused, by load_file() and on the
 * path. */
START_TEST(test_text_file_as_module)
{
    char dir[4096], file[4200];
    tmpdir(dir, sizeof dir);
    path_in(file, sizeof file, dir, "junk.so");
    FILE *fp = fopen(file, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("this is not a shared object\n", fp);
    fclose(fp);

    const flow_process_type *t;
    ck_assert_flow_error(flow_plugin_load_file(file, &t), FLOW_EPLUGIN, file,
                         "not a loadable module");
    ck_assert_ptr_null(t);
    /* the dynamic loader's reason, not libltdl's "file not found" */
    ck_assert_ptr_null(strstr(flow_error_last(), "file not found"));
    /* without the extension: the file found is named */
    path_in(file, sizeof file, dir, "junk");
    ck_assert_flow_error(flow_plugin_load_file(file, &t), FLOW_EPLUGIN, "junk.so",
                         "not a loadable module");
    path_in(file, sizeof file, dir, "junk.so");
    set_path(dir, plugdir());
    ck_assert_flow_error(flow_plugin_find("junk", &t), FLOW_EPLUGIN, file,
                         "not a loadable module");
    /* a broken module is not skipped for one further down the path */
    path_in(file, sizeof file, dir, "good.so");
    char junk[4200];
    path_in(junk, sizeof junk, dir, "junk.so");
    ck_assert_int_eq(rename(junk, file), 0);
    ck_assert_flow_error(flow_plugin_find("good", &t), FLOW_EPLUGIN, file,
                         "not a loadable module");
    unlink(file);
    /* a text file named like a libtool archive */
    path_in(file, sizeof file, dir, "junk.la");
    fp = fopen(file, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("# not written by libtool\n", fp);
    fclose(fp);
    ck_assert_flow_error(flow_plugin_find("junk", &t), FLOW_EPLUGIN, file,
                         "not a loadable module", "names no shared object");
    unlink(file);
    rmdir(dir);
}
END_TEST

/* A module file named after another type than the one it declares. */
START_TEST(test_module_misnamed)
{
    char dir[4096], link[4200], target[4096];
    tmpdir(dir, sizeof dir);
    path_in(link, sizeof link, dir, "renamed.so");
    /* libtool keeps the uninstalled shared object in .libs */
    char cwd[2048] = "";
    if (plugdir()[0] != '/')
        ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(target, sizeof target, "%s%s%s/.libs/good.so", cwd, cwd[0] ? "/" : "", plugdir());
    ck_assert_int_eq(access(target, R_OK), 0);
    unlink(link);
    ck_assert_int_eq(symlink(target, link), 0);
    set_path(dir, NULL);
    const flow_process_type *t;
    ck_assert_flow_error(flow_plugin_find("renamed", &t), FLOW_EPLUGIN, link,
                         "type 'good'", "named 'renamed'");
    unlink(link);
    rmdir(dir);
}
END_TEST

START_TEST(test_search_order)
{
    char alt[4096];
    const flow_process_type *t;
    path_in(alt, sizeof alt, plugdir(), "alt");
    set_path(alt, plugdir());
    ck_assert_flow_ok(flow_plugin_find("good", &t));
    ck_assert_str_eq(t->description, "the good of tests/plugins/alt");
    ck_assert_ptr_nonnull(strstr(flow_plugin_origin(t), "/alt/good.la"));
    flow_plugin_shutdown();

    /* the other order; empty entries and missing directories skipped */
    char buf[8400];
    snprintf(buf, sizeof buf, "::/nonexistent/flow:%s::%s:", plugdir(), alt);
    setenv("FLOW_PLUGIN_PATH", buf, 1);
    ck_assert_flow_ok(flow_plugin_find("good", &t));
    ck_assert_str_eq(t->description, "a valid test type (tests/plugins)");
}
END_TEST

START_TEST(test_unknown_type)
{
    const flow_process_type *t = flow_plugin_fake();
    char alt[4096];
    path_in(alt, sizeof alt, plugdir(), "alt");
    set_path(plugdir(), alt);
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_fake()));
    /* the known types, sorted: those of tests/plugins, fake, and the
     * facility types of the build tree's plugins/ (searched last, as this
     * libflow runs uninstalled: test_build_tree_dir) */
    ck_assert_flow_error(flow_plugin_find("godo", &t), FLOW_ENOTFOUND,
                         "no process type 'godo'", "did you mean 'good'?",
                         "known types: anaerobic_digestion, bad_param, ", " fake, ",
                         " good, incinerator, ", " no_ports, no_transfer, not_plugin, null_entry, ",
                         " short_struct, ", " wrong_abi (searched $FLOW_PLUGIN_PATH, ");
    ck_assert_ptr_null(t);
    /* nothing near: no suggestion */
    ck_assert_flow_error(flow_plugin_find("landfill", &t), FLOW_ENOTFOUND, "'landfill'");
    ck_assert_ptr_null(strstr(flow_error_last(), "did you mean"));
    /* not a name: never a path */
    ck_assert_flow_error(flow_plugin_find("../plugins/good", &t), FLOW_EINVAL,
                         "'../plugins/good'", "not a process type name");
    ck_assert_flow_error(flow_plugin_find("", &t), FLOW_EINVAL, "not a process type name");
}
END_TEST

/* check_libflow runs the uninstalled libflow of the build tree (through
 * libtool's wrapper, from .libs/): the folder searched after
 * $FLOW_PLUGIN_PATH is the build tree's plugins/ (where make check's
 * FLOW_TYPES_DIR points), not the installed plugin directory, and
 * flow_plugin_path() lists the folders of $FLOW_PLUGIN_PATH, empty entries
 * skipped, then that one. A facility type is found with no
 * $FLOW_PLUGIN_PATH at all. */
START_TEST(test_build_tree_dir)
{
    const char *types = getenv("FLOW_TYPES_DIR");
    if (!types)
        return; /* run by hand, outside make check */
    ck_assert_str_eq(flow_plugin_dir(), types);
    setenv("FLOW_PLUGIN_PATH", "/a::/b/c:", 1);
    char **dirs;
    size_t n;
    ck_assert_flow_ok(flow_plugin_path(&dirs, &n));
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(dirs[0], "/a");
    ck_assert_str_eq(dirs[1], "/b/c");
    ck_assert_str_eq(dirs[2], types);
    ck_assert_ptr_null(dirs[3]);
    flow_plugin_list_free(dirs);
    unsetenv("FLOW_PLUGIN_PATH");
    ck_assert_flow_ok(flow_plugin_path(&dirs, NULL));
    ck_assert_str_eq(dirs[0], types);
    ck_assert_ptr_null(dirs[1]);
    flow_plugin_list_free(dirs);
    const flow_process_type *t;
    ck_assert_flow_ok(flow_plugin_find("incinerator", &t));
    ck_assert_str_eq(t->name, "incinerator");
    ck_assert_msg(strncmp(flow_plugin_origin(t), types, strlen(types)) == 0, "loaded from %s",
                  flow_plugin_origin(t));
}
END_TEST

START_TEST(test_list)
{
    char alt[4096];
    path_in(alt, sizeof alt, plugdir(), "alt");
    set_path(plugdir(), alt);
    ck_assert_flow_ok(flow_plugin_register(flow_plugin_fake()));
    char **names;
    size_t n;
    ck_assert_flow_ok(flow_plugin_list(&names, &n));
    /* the modules of tests/plugins (good also in alt: once), and fake;
     * the installed directory may add more */
    static const char *const want[] = { "bad_param", "ctx_misuse", "fake", "good", "no_ports", "no_transfer",
                                        "not_plugin", "null_entry", "short_struct", "state_huge", "wrong_abi" };
    ck_assert_uint_ge(n, 11);
    ck_assert_ptr_null(names[n]);
    for (size_t i = 1; i < n; i++)
        ck_assert_int_lt(strcmp(names[i - 1], names[i]), 0); /* sorted, unique */
    for (size_t w = 0; w < sizeof want / sizeof *want; w++) {
        size_t i = 0;
        while (i < n && strcmp(names[i], want[w]) != 0)
            i++;
        ck_assert_msg(i < n, "'%s' not listed", want[w]);
    }
    flow_plugin_list_free(names);

    /* nothing registered, nothing on the path: an empty list */
    flow_plugin_shutdown();
    setenv("FLOW_PLUGIN_PATH", "/nonexistent/flow", 1);
    ck_assert_flow_ok(flow_plugin_list(&names, NULL));
    ck_assert_ptr_nonnull(names);
    if (access(flow_plugin_dir(), F_OK) != 0)
        ck_assert_ptr_null(names[0]);
    flow_plugin_list_free(names);
    flow_plugin_list_free(NULL);
}
END_TEST

START_TEST(test_check_param)
{
    const flow_process_type *t = flow_plugin_fake();
    int idx = -1;
    ck_assert_flow_ok(flow_plugin_check_param(t, "ash_share", 0.3, &idx));
    ck_assert_int_eq(idx, 1);
    ck_assert_flow_ok(flow_plugin_check_param(t, "ash_share", 0, NULL));
    ck_assert_flow_ok(flow_plugin_check_param(t, "ash_share", 1, NULL));
    ck_assert_flow_ok(flow_plugin_check_param(t, "capacity", 1e12, &idx));
    ck_assert_int_eq(idx, 2);
    ck_assert_flow_error(flow_plugin_check_param(t, "efficiency", 1.5, &idx), FLOW_EVALUE,
                         "type 'fake'", "parameter 'efficiency' = 1.5", "bounds [0, 1]");
    ck_assert_flow_error(flow_plugin_check_param(t, "capacity", -1, &idx), FLOW_EVALUE,
                         "'capacity' = -1", "[0, inf] t/a");
    ck_assert_flow_error(flow_plugin_check_param(t, "efficiency", NAN, &idx), FLOW_EVALUE,
                         "'efficiency'", "not a finite number");
    /* unknown: the declared ones, nearest first */
    ck_assert_flow_error(flow_plugin_check_param(t, "ash_shar", 0.5, &idx), FLOW_ENOTFOUND,
                         "type 'fake' has no parameter 'ash_shar'",
                         "did you mean 'ash_share'?",
                         "it declares: ash_share, capacity, efficiency");
    ck_assert_flow_error(flow_plugin_check_param(t, "efficency", 0.5, &idx), FLOW_ENOTFOUND,
                         "did you mean 'efficiency'?", "it declares: efficiency, ");
    /* a type without parameters */
    set_path(plugdir(), NULL);
    char alt[4096];
    path_in(alt, sizeof alt, plugdir(), "alt");
    set_path(alt, NULL);
    ck_assert_flow_ok(flow_plugin_find("good", &t));
    ck_assert_flow_error(flow_plugin_check_param(t, "efficiency", 0.5, &idx), FLOW_ENOTFOUND,
                         "type 'good' has no parameter 'efficiency'", "declares none");
}
END_TEST

/* Threads finding the same type at once get the one registered copy. */
static void *find_good(void *arg)
{
    const flow_process_type **out = arg;
    if (flow_plugin_find("good", out) != 0)
        *out = NULL;
    return NULL;
}

START_TEST(test_threads)
{
    set_path(plugdir(), NULL);
    pthread_t th[4];
    const flow_process_type *got[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, find_good, &got[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    ck_assert_ptr_nonnull(got[0]);
    for (int i = 1; i < 4; i++)
        ck_assert_ptr_eq(got[i], got[0]);
}
END_TEST

Suite *flow_plugin_suite(void)
{
    Suite *s = suite_create("plugin");
    TCase *tc = tcase_create("registry");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_static_register_and_call);
    tcase_add_test(tc, test_ctx_accessors);
    tcase_add_test(tc, test_register_twice);
    tcase_add_test(tc, test_shutdown_then_reuse);
    tcase_add_loop_test(tc, test_register_refusals, 0, R_COUNT);
    tcase_add_test(tc, test_register_newer_minor);
    tcase_add_test(tc, test_check_param);
    suite_add_tcase(s, tc);

    tc = tcase_create("modules");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_module_good);
    tcase_add_test(tc, test_module_default_path);
    tcase_add_test(tc, test_module_misuse);
    tcase_add_test(tc, test_load_file);
    tcase_add_loop_test(tc, test_module_refusals, 0,
                        (int)(sizeof bad_modules / sizeof bad_modules[0]));
    tcase_add_test(tc, test_text_file_as_module);
    tcase_add_test(tc, test_module_misnamed);
    tcase_add_test(tc, test_search_order);
    tcase_add_test(tc, test_unknown_type);
    tcase_add_test(tc, test_build_tree_dir);
    tcase_add_test(tc, test_list);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}
