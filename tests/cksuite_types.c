/*
 * cksuite_types.c — the conformance suite of the facility types
 * (plugins/, docs/plugins.md §3). Every module found in $FLOW_TYPES_DIR
 * (make check: the build tree's plugins/; by hand: ./plugins) is loaded
 * and checked at the descriptor level, with a model made of the type's
 * declared materials and inputs of every category, and a context built by
 * hand (struct flow_type_ctx, flow_int.h):
 *   - the descriptor: ports, documented parameters, metric names that
 *     carry a unit, snake_case materials, every bound refused one past it;
 *   - random draws (fixed seed; parameters uniform within their bounds,
 *     random inputs and stocks) over several years: every coefficient and
 *     release finite and >= 0, every column adding to <= 1 (exactly 1 for
 *     the types that keep nothing), releases within the stock, mass
 *     conserved, metrics finite;
 *   - zero input and zero stock give zero output and zero metrics;
 *   - hand calculations for the named types (the incinerator's 22 % of
 *     bottom ash, the landfills' fill years, the in-use stock's outflow).
 * init() and fini() are called in pairs: make check-memcheck runs this
 * under valgrind.
 */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cktest.h"
#include "flow_int.h"
#include "flow_plugin.h"

/* The 16 types of the Hengshui plan; each must be in the directory. */
static const char *const expected[] = {
    "incinerator", "sanitary_landfill", "rigid_landfill", "waste_salt_line",
    "sorting_centre", "composting", "anaerobic_digestion", "sludge_cofiring",
    "sludge_brick_kiln", "cd_recycling", "fly_ash_treatment", "carbon_regeneration",
    "dismantling", "medical_waste", "storage_yard", "inuse_stock",
};
#define N_EXPECTED (int)(sizeof expected / sizeof expected[0])

/* Types that may keep part of their input (a column adds to < 1); every
 * other type must send all of each input somewhere. */
static const char *const keepers[] = { "sanitary_landfill", "rigid_landfill", "storage_yard",
                                       "inuse_stock" };

/* Inputs of every category, added around the type's own materials so that
 * the model's indices of the type's materials are not 0..n-1. */
static const struct {
    const char *name;
    flow_category cat;
} inputs[] = {
    { "mixed_msw", FLOW_CAT_DOMESTIC },         { "waste_paper", FLOW_CAT_DOMESTIC },
    { "plastic_film", FLOW_CAT_DOMESTIC },      { "scrap_metal", FLOW_CAT_INDUSTRIAL },
    { "glass_cullet", FLOW_CAT_DOMESTIC },      { "textile_waste", FLOW_CAT_DOMESTIC },
    { "sewage_sludge", FLOW_CAT_SLUDGE },       { "concrete_rubble", FLOW_CAT_CONSTRUCTION },
    { "clinical_waste", FLOW_CAT_MEDICAL },     { "spent_battery", FLOW_CAT_HAZARDOUS },
    { "crop_straw", FLOW_CAT_AGRICULTURAL },    { "waste_salt", FLOW_CAT_HAZARDOUS },
    { "shale", FLOW_CAT_INDUSTRIAL },           { "end_of_life_vehicle", FLOW_CAT_PRODUCT },
    { "Metal_Plastic_Composite", FLOW_CAT_DOMESTIC }, { "dust_emission", FLOW_CAT_EMISSION },
};
#define N_INPUTS (int)(sizeof inputs / sizeof inputs[0])

#define FIRST_YEAR 2020
#define LAST_YEAR 2030
#define N_DRAWS 60
#define N_STEPS 6

/* ---- the modules in the directory --------------------------------------- */

#define MAX_TYPES 64
static char found[MAX_TYPES][80];
static int n_found;

static const char *types_dir(void)
{
    const char *d = getenv("FLOW_TYPES_DIR");
    return d && d[0] ? d : "plugins";
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The modules (name.la) of the directory, sorted; at suite creation. */
static void scan_types(void)
{
    n_found = 0;
    DIR *d = opendir(types_dir());
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && n_found < MAX_TYPES) {
        size_t n = strlen(e->d_name);
        if (n > 3 && n - 3 < sizeof found[0] && strcmp(e->d_name + n - 3, ".la") == 0) {
            memcpy(found[n_found], e->d_name, n - 3);
            found[n_found][n - 3] = '\0';
            n_found++;
        }
    }
    closedir(d);
    qsort(found, (size_t)n_found, sizeof found[0], cmp_name);
}

static const flow_process_type *load(const char *name)
{
    char path[4096];
    const flow_process_type *t = NULL;
    snprintf(path, sizeof path, "%s/%s.la", types_dir(), name);
    ck_assert_flow_ok(flow_plugin_load_file(path, &t));
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t->name, name);
    return t;
}

static int in_list(const char *name, const char *const *list, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

static void teardown(void)
{
    flow_plugin_shutdown();
}

/* ---- a process of a type, by hand -------------------------------------- */

typedef struct fix {
    const flow_process_type *t;
    flow_model *m;
    int M, P;
    double param[64];
    double *stock, *coef, *release, *in, *out, *met, *colsum;
    unsigned char *mark;    /* [P x M] the rows flow_transfer_row() handed out */
    void *state;
    char misuse[FLOW_MISUSE_LEN];
    flow_type_ctx ctx;
} fix;

static int add_input(fix *f, int i)
{
    int idx = -1;
    ck_assert_flow_ok(flow_model_add_material(f->m, inputs[i].name, inputs[i].cat, "t", &idx));
    return idx;
}

static void fix_make(fix *f, const flow_process_type *t)
{
    memset(f, 0, sizeof *f);
    f->t = t;
    ck_assert_uint_le(t->n_params, 64);
    ck_assert_flow_ok(flow_model_new(&f->m, FIRST_YEAR, LAST_YEAR, NULL));
    for (int i = 0; i < N_INPUTS / 2; i++)
        add_input(f, i);
    for (size_t i = 0; i < t->n_materials; i++)
        ck_assert_flow_ok(flow_model_add_material(f->m, t->materials[i], FLOW_CAT_INDUSTRIAL, "t",
                                                  NULL));
    for (int i = N_INPUTS / 2; i < N_INPUTS; i++)
        add_input(f, i);
    f->M = N_INPUTS + (int)t->n_materials;
    f->P = (int)t->n_ports;
    size_t M = (size_t)f->M, P = (size_t)f->P;
    f->stock = calloc(M, sizeof(double));
    f->coef = calloc(P * M * M, sizeof(double));
    f->release = calloc(P * M, sizeof(double));
    f->in = calloc(M, sizeof(double));
    f->out = calloc(P * M, sizeof(double));
    f->met = calloc(t->n_metrics + 1, sizeof(double));
    f->colsum = calloc(M, sizeof(double));
    f->mark = calloc(P * M, 1);
    f->state = calloc(1, t->state_size + 1);
    ck_assert(f->stock && f->coef && f->release && f->in && f->out && f->met && f->colsum &&
              f->mark && f->state);
    for (size_t i = 0; i < t->n_params; i++)
        f->param[i] = t->params[i].def;
    f->ctx.type = t;
    f->ctx.model = f->m;
    f->ctx.process = "facility_1";
    f->ctx.year = FIRST_YEAR;
    f->ctx.n_params = (int)t->n_params;
    f->ctx.param = f->param;
    f->ctx.stock = f->stock;
}

static void fix_free(fix *f)
{
    flow_model_free(f->m);
    free(f->stock);
    free(f->coef);
    free(f->release);
    free(f->in);
    free(f->out);
    free(f->met);
    free(f->colsum);
    free(f->mark);
    free(f->state);
}

static int mat(const fix *f, const char *name)
{
    int m = flow_type_ctx_find_material(&f->ctx, name);
    ck_assert_msg(m >= 0, "no material '%s' in the test model", name);
    return m;
}

static void set_param(fix *f, const char *name, double v)
{
    int idx = -1;
    ck_assert_flow_ok(flow_plugin_check_param(f->t, name, v, &idx));
    f->param[idx] = v;
}

static int port_index(const fix *f, const char *name)
{
    for (int p = 0; p < f->P; p++)
        if (strcmp(f->t->ports[p], name) == 0)
            return p;
    ck_abort_msg("type '%s' has no port '%s'", f->t->name, name);
    return -1;
}

static int metric_index(const fix *f, const char *name)
{
    for (size_t i = 0; i < f->t->n_metrics; i++)
        if (strcmp(f->t->metrics[i], name) == 0)
            return (int)i;
    ck_abort_msg("type '%s' has no metric '%s'", f->t->name, name);
    return -1;
}

/* One year: transfer() into fresh arrays, then the test's own
 * out[p][mo] = sum over mi of coef[(p*M + mo)*M + mi] * in[mi] + release[p*M + mo],
 * then step(). Returns transfer's code; step must succeed. */
static int run_year(fix *f, int year)
{
    size_t M = (size_t)f->M, P = (size_t)f->P;
    f->ctx.year = year;
    memset(f->coef, 0, P * M * M * sizeof(double));
    memset(f->release, 0, P * M * sizeof(double));
    memset(f->mark, 0, P * M);
    f->misuse[0] = '\0';
    /* the transfer as the core hands it (typed.c): flow_transfer_row()
     * finds the marks around T */
    flow_transfer_box box = { { f->P, f->M, f->coef, f->release }, f->mark, f->misuse, NULL, 0 };
    int rc = f->t->transfer(&f->ctx, f->state, &box.T);
    ck_assert_msg(!f->misuse[0], "%s year %d: wrong call: %s", f->t->name, year, f->misuse);
    if (rc != 0)
        return rc;
    /* every built-in type writes by rows (ABI 1.2): a value in a row it
     * did not ask for would be lost to the core */
    ck_assert_msg(f->t->transfer_by_rows, "%s does not declare transfer_by_rows", f->t->name);
    for (size_t r = 0; r < P * M; r++)
        for (size_t mi = 0; mi < M; mi++)
            ck_assert_msg(f->mark[r] || f->coef[r * M + mi] == 0,
                          "%s year %d: row %zu written without flow_transfer_row()", f->t->name, year, r);
    for (size_t p = 0; p < P; p++)
        for (size_t mo = 0; mo < M; mo++) {
            double s = f->release[p * M + mo];
            for (size_t mi = 0; mi < M; mi++)
                s += f->coef[(p * M + mo) * M + mi] * f->in[mi];
            f->out[p * M + mo] = s;
        }
    memset(f->met, 0, f->t->n_metrics * sizeof(double));
    if (f->t->step && (rc = f->t->step(&f->ctx, f->state, f->in, f->out, f->met)) != 0)
        ck_abort_msg("%s year %d: step returned %d", f->t->name, year, rc);
    return 0;
}

static void fix_init(fix *f)
{
    memset(f->state, 0, f->t->state_size + 1);
    if (f->t->init)
        ck_assert_flow_ok(f->t->init(&f->ctx, f->state));
}

static void fix_fini(fix *f)
{
    if (f->t->fini)
        f->t->fini(f->state);
}

static double out_of(const fix *f, const char *port, const char *material)
{
    return f->out[(size_t)port_index(f, port) * (size_t)f->M + (size_t)mat(f, material)];
}

static double metric(const fix *f, const char *name)
{
    return f->met[metric_index(f, name)];
}

/* ---- random numbers: xorshift64*, a fixed seed per test -------------------- */

static uint64_t rng_state;

static double uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

/* A value within the declared bounds: uniform between them where both are
 * finite, else around the default (within its bound). */
static double draw_param(const flow_param_decl *d)
{
    if (isfinite(d->lo) && isfinite(d->hi))
        return d->lo + (d->hi - d->lo) * uniform();
    double w = fabs(d->def) > 1 ? fabs(d->def) : 1;
    double v = d->def + w * (2 * uniform() - 1);
    return v < d->lo ? d->lo : v > d->hi ? d->hi : v;
}

/* ---- the directory holds every type ----------------------------------------- */

START_TEST(test_all_present)
{
    for (int i = 0; i < N_EXPECTED; i++) {
        int ok = 0;
        for (int j = 0; j < n_found; j++)
            ok |= strcmp(found[j], expected[i]) == 0;
        ck_assert_msg(ok, "no module %s.la in %s (%d modules found)", expected[i], types_dir(),
                      n_found);
    }
}
END_TEST

/* ---- the descriptor --------------------------------------------------------- */

static int snake_case(const char *s)
{
    if (!s || !*s || !(*s >= 'a' && *s <= 'z'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* A metric's name ends with its unit. */
static int has_unit(const char *name)
{
    static const char *const units[] = { "_t", "_kwh", "_m3", "_year", "_nm3", "_pct" };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t k = strlen(units[i]);
        if (n > k && strcmp(name + n - k, units[i]) == 0)
            return 1;
    }
    return 0;
}

START_TEST(test_descriptor)
{
    ck_assert_int_lt(_i, n_found);
    const flow_process_type *t = load(found[_i]);
    ck_assert_uint_ge(t->n_ports, 1);
    ck_assert_ptr_nonnull(t->description);
    for (size_t i = 0; i < t->n_ports; i++)
        ck_assert_msg(snake_case(t->ports[i]), "%s: port '%s'", t->name, t->ports[i]);
    for (size_t i = 0; i < t->n_materials; i++)
        ck_assert_msg(snake_case(t->materials[i]), "%s: material '%s'", t->name, t->materials[i]);
    for (size_t i = 0; i < t->n_metrics; i++)
        ck_assert_msg(has_unit(t->metrics[i]), "%s: metric '%s' names no unit", t->name,
                      t->metrics[i]);
    for (size_t i = 0; i < t->n_params; i++) {
        const flow_param_decl *d = &t->params[i];
        ck_assert_msg(d->unit && d->doc && d->doc[0], "%s: parameter '%s' undocumented", t->name,
                      d->name);
        ck_assert_msg(!isnan(d->lo) && !isnan(d->hi) && d->lo < d->hi, "%s: '%s' bounds",
                      t->name, d->name);
        /* the default and both bounds are accepted */
        ck_assert_flow_ok(flow_plugin_check_param(t, d->name, d->def, NULL));
        if (isfinite(d->lo)) {
            ck_assert_flow_ok(flow_plugin_check_param(t, d->name, d->lo, NULL));
            char want[128];
            snprintf(want, sizeof want, "'%s'", d->name);
            ck_assert_flow_error(flow_plugin_check_param(t, d->name, d->lo - 1, NULL),
                                 FLOW_EVALUE, want, t->name);
        }
        if (isfinite(d->hi)) {
            ck_assert_flow_ok(flow_plugin_check_param(t, d->name, d->hi, NULL));
            char want[128];
            snprintf(want, sizeof want, "'%s'", d->name);
            /* one past: hi + 1, and for a large hi the next representable step */
            double past = d->hi + 1 > d->hi ? d->hi + 1 : nextafter(d->hi, INFINITY);
            ck_assert_flow_error(flow_plugin_check_param(t, d->name, past, NULL), FLOW_EVALUE,
                                 want, t->name);
        }
        ck_assert_flow_error(flow_plugin_check_param(t, d->name, NAN, NULL), FLOW_EVALUE,
                             d->name);
    }
}
END_TEST

/* ---- random draws ------------------------------------------------------------ */

/* ck_assert_msg marks a point (a write to Check's channel) even when it
 * holds; the loops below check hundreds of thousands of values, so they
 * only call Check when a check fails. */
#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond))                                                            \
            ck_abort_msg(__VA_ARGS__);                                          \
    } while (0)

/* Checks one year's transfer: signs, columns, releases, mass. */
static void check_year(const fix *f, int keeps)
{
    size_t M = (size_t)f->M, P = (size_t)f->P;
    const char *tn = f->t->name;
    for (size_t i = 0; i < P * M * M; i++)
        CHECK(isfinite(f->coef[i]) && f->coef[i] >= 0, "%s year %d: coef[%zu] = %g", tn,
                      f->ctx.year, i, f->coef[i]);
    for (size_t i = 0; i < P * M; i++)
        CHECK(isfinite(f->release[i]) && f->release[i] >= 0,
                      "%s year %d: release[%zu] = %g", tn, f->ctx.year, i, f->release[i]);
    double sum_in = 0, retained = 0, released = 0, sum_out = 0;
    for (size_t mi = 0; mi < M; mi++) {
        double c = 0;
        for (size_t p = 0; p < P; p++)
            for (size_t mo = 0; mo < M; mo++)
                c += f->coef[(p * M + mo) * M + mi];
        CHECK(c <= 1 + 1e-12, "%s year %d: column of '%s' adds to %.17g > 1", tn,
                      f->ctx.year, flow_type_ctx_material_name(&f->ctx, (int)mi), c);
        if (!keeps)
            CHECK(fabs(c - 1) <= 1e-12, "%s year %d: column of '%s' adds to %.17g, not 1",
                          tn, f->ctx.year, flow_type_ctx_material_name(&f->ctx, (int)mi), c);
        sum_in += f->in[mi];
        retained += f->in[mi] * (1 - c);
    }
    /* a release draws on the stock of its own material */
    for (size_t m = 0; m < M; m++) {
        double r = 0;
        for (size_t p = 0; p < P; p++)
            r += f->release[p * M + m];
        CHECK(r <= f->stock[m] * (1 + 1e-12), "%s year %d: release of '%s' %.17g > stock %.17g",
                      tn, f->ctx.year, flow_type_ctx_material_name(&f->ctx, (int)m), r,
                      f->stock[m]);
        if (!keeps)
            CHECK(r == 0, "%s: a type that keeps nothing releases", tn);
        released += r;
    }
    for (size_t i = 0; i < P * M; i++)
        sum_out += f->out[i];
    /* By hand: what leaves is what came in, less what the process kept of
     * it, plus what it released from its stock:
     *     sum(out) = sum(in) - sum_m in[m] (1 - colsum[m]) + sum(release). */
    double scale = sum_in + released + 1;
    CHECK(fabs(sum_out - (sum_in - retained + released)) <= 1e-12 * scale,
                  "%s year %d: out %.17g, in %.17g, kept %.17g, released %.17g", tn, f->ctx.year,
                  sum_out, sum_in, retained, released);
    for (size_t i = 0; i < f->t->n_metrics; i++)
        CHECK(isfinite(f->met[i]), "%s year %d: metric %s = %g", tn, f->ctx.year,
                      f->t->metrics[i], f->met[i]);
}

START_TEST(test_random_draws)
{
    ck_assert_int_lt(_i, n_found);
    const flow_process_type *t = load(found[_i]);
    int keeps = in_list(t->name, keepers, (int)(sizeof keepers / sizeof keepers[0]));
    fix f;
    fix_make(&f, t);
    rng_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(_i + 1) * 0xD1B54A32D192ED03ULL;
    for (int draw = 0; draw < N_DRAWS; draw++) {
        /* draw 0: the defaults */
        for (size_t i = 0; draw > 0 && i < t->n_params; i++) {
            f.param[i] = draw_param(&t->params[i]);
            CHECK(flow_plugin_check_param(t, t->params[i].name, f.param[i], NULL) == 0,
                  "%s: drawn %s = %g refused: %s", t->name, t->params[i].name, f.param[i],
                  flow_error_last());
        }
        fix_init(&f);
        /* the stock: on even draws the test's own bookkeeping from 0 (stock
         * += kept - released), on odd ones any stock in [0, 50] t */
        memset(f.stock, 0, (size_t)f.M * sizeof(double));
        for (int y = 0; y < N_STEPS; y++) {
            for (int m = 0; m < f.M; m++) {
                f.in[m] = uniform() < 0.3 ? 0 : 10 * uniform();
                if (draw % 2)
                    f.stock[m] = uniform() < 0.3 ? 0 : 50 * uniform();
            }
            int rc = run_year(&f, FIRST_YEAR + y);
            CHECK(rc == 0, "%s draw %d year %d: transfer returned %d", t->name, draw,
                          FIRST_YEAR + y, rc);
            check_year(&f, keeps);
            if (draw % 2 == 0) {
                /* stock[m] += in[m] - (what left as material m's own input
                 * and release): the per-material stock of a type that keeps
                 * its materials (keepers keep the material received) */
                size_t M = (size_t)f.M;
                for (size_t m = 0; m < M; m++) {
                    double c = 0, r = 0;
                    for (size_t p = 0; p < (size_t)f.P; p++) {
                        r += f.release[p * M + m];
                        for (size_t mo = 0; mo < M; mo++)
                            c += f.coef[(p * M + mo) * M + m];
                    }
                    f.stock[m] += f.in[m] * (1 - c) - r;
                    if (f.stock[m] < 0)
                        f.stock[m] = 0;
                }
            }
        }
        fix_fini(&f);
    }
    fix_free(&f);
}
END_TEST

/* Zero input and zero stock: zero output and zero metrics (a level that
 * starts full, remaining_*, is the one exception: it must be >= 0). With
 * the defaults and with random parameters, for two years. */
START_TEST(test_zero)
{
    ck_assert_int_lt(_i, n_found);
    const flow_process_type *t = load(found[_i]);
    fix f;
    fix_make(&f, t);
    rng_state = 0x243F6A8885A308D3ULL ^ (uint64_t)(_i + 1);
    for (int draw = 0; draw < 4; draw++) {
        for (size_t i = 0; draw > 0 && i < t->n_params; i++)
            f.param[i] = draw_param(&t->params[i]);
        fix_init(&f);
        for (int y = 0; y < 2; y++) {
            CHECK(run_year(&f, FIRST_YEAR + y) == 0, "%s: transfer failed", t->name);
            for (int i = 0; i < f.P * f.M; i++)
                CHECK(f.out[i] == 0 && f.release[i] == 0, "%s: out[%d] = %g from nothing",
                              t->name, i, f.out[i]);
            for (size_t i = 0; i < t->n_metrics; i++) {
                if (strncmp(t->metrics[i], "remaining_", 10) == 0)
                    CHECK(isfinite(f.met[i]) && f.met[i] >= 0, "%s: %s = %g", t->name,
                                  t->metrics[i], f.met[i]);
                else
                    CHECK(f.met[i] == 0, "%s: metric %s = %g from nothing", t->name,
                                  t->metrics[i], f.met[i]);
            }
        }
        fix_fini(&f);
    }
    fix_free(&f);
}
END_TEST

/* ---- hand calculations ----------------------------------------------------- */

#define TOL 1e-9

/* hengshui-facts §2: 22 % bottom ash, 3.5 % fly ash, 1.5 % ferrous scrap,
 * the rest (1 - 0.22 - 0.035 - 0.015 = 0.73) flue gas; 380 kWh/t gross,
 * 0.8 of it net = 304 kWh/t. */
START_TEST(test_incinerator)
{
    fix f;
    fix_make(&f, load("incinerator"));
    fix_init(&f);
    f.in[mat(&f, "mixed_msw")] = 1;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    ck_assert_double_eq_tol(out_of(&f, "bottom_ash", "bottom_ash"), 0.22, TOL);
    ck_assert_double_eq_tol(out_of(&f, "fly_ash", "fly_ash"), 0.035, TOL);
    ck_assert_double_eq_tol(out_of(&f, "ferrous_scrap", "ferrous_scrap"), 0.015, TOL);
    ck_assert_double_eq_tol(out_of(&f, "flue_gas", "flue_gas"), 0.73, TOL);
    ck_assert_double_eq(out_of(&f, "bottom_ash", "mixed_msw"), 0);
    ck_assert_double_eq_tol(metric(&f, "electricity_kwh"), 380, TOL);
    ck_assert_double_eq_tol(metric(&f, "electricity_net_kwh"), 304, TOL);
    /* 1,000 t/d for 365 d (中节能（衡水）): 365,000 t, 1.387e8 kWh gross */
    f.in[mat(&f, "mixed_msw")] = 365000;
    ck_assert_int_eq(run_year(&f, 2025), 0);
    ck_assert_double_eq_tol(metric(&f, "electricity_kwh"), 1.387e8, 1e-3);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Density 0.8 t/m³, 2,000 m³, leachate 0.1: 500 t a year keeps 450 t =
 * 562.5 m³ a year; used 562.5, 1125, 1687.5, 2250 m³ at the end of
 * 2020..2023: full in 2023; remaining 312.5 m³ at the end of 2022. */
START_TEST(test_sanitary_landfill)
{
    fix f;
    fix_make(&f, load("sanitary_landfill"));
    set_param(&f, "density_t_m3", 0.8);
    set_param(&f, "volume_m3", 2000);
    set_param(&f, "leachate_share", 0.1);
    fix_init(&f);
    f.in[mat(&f, "mixed_msw")] = 500;
    const double used[] = { 562.5, 1125, 1687.5, 2250, 2812.5 };
    const double fill[] = { 0, 0, 0, 2023, 2023 };
    for (int y = 0; y < 5; y++) {
        ck_assert_int_eq(run_year(&f, 2020 + y), 0);
        ck_assert_double_eq_tol(out_of(&f, "leachate", "leachate"), 50, TOL);
        ck_assert_double_eq_tol(out_of(&f, "landfill_gas", "landfill_gas"), 0, TOL);
        ck_assert_double_eq_tol(metric(&f, "landfilled_t"), 450, TOL);
        ck_assert_double_eq_tol(metric(&f, "volume_used_m3"), used[y], TOL);
        ck_assert_double_eq(metric(&f, "fill_year"), fill[y]);
        ck_assert_double_eq_tol(metric(&f, "remaining_m3"), used[y] < 2000 ? 2000 - used[y] : 0,
                                TOL);
    }
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Defaults: 1.2 t/m³, 49,600 m³ (附件4 row 13). 20,000 t a year is
 * 16,666.67 m³: 16,666.67, 33,333.33, 50,000 m³ at the end of 2020..2022:
 * full in 2022; remaining 49,600 - 33,333.33 = 16,266.67 m³ after 2021. */
START_TEST(test_rigid_landfill)
{
    fix f;
    fix_make(&f, load("rigid_landfill"));
    fix_init(&f);
    f.in[mat(&f, "waste_salt")] = 20000;
    ck_assert_int_eq(run_year(&f, 2020), 0);
    ck_assert_double_eq(metric(&f, "fill_year"), 0);
    ck_assert_int_eq(run_year(&f, 2021), 0);
    ck_assert_double_eq_tol(metric(&f, "volume_used_m3"), 100000.0 / 3, 1e-6);
    ck_assert_double_eq_tol(metric(&f, "remaining_m3"), 49600 - 100000.0 / 3, 1e-6);
    ck_assert_double_eq(metric(&f, "fill_year"), 0);
    ck_assert_int_eq(run_year(&f, 2022), 0);
    ck_assert_double_eq(metric(&f, "fill_year"), 2022);
    ck_assert_double_eq(metric(&f, "remaining_m3"), 0);
    ck_assert_double_eq(out_of(&f, "leachate", "leachate"), 0);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Defaults: product 1 - 0.07 - 0.08 = 0.85; mixed 0.85/3 = 0.283333;
 * single 0.566667, of which Na2SO4 0.25 = 0.141667 and NaCl 0.425.
 * 50,000 t at 100,000 t/a is 50 % utilisation. */
START_TEST(test_waste_salt_line)
{
    fix f;
    fix_make(&f, load("waste_salt_line"));
    fix_init(&f);
    f.in[mat(&f, "waste_salt")] = 1;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    ck_assert_double_eq_tol(out_of(&f, "refined_nacl", "refined_nacl"), 0.425, TOL);
    ck_assert_double_eq_tol(out_of(&f, "sodium_sulfate", "sodium_sulfate"), 0.85 * 2 / 3 / 4, TOL);
    ck_assert_double_eq_tol(out_of(&f, "mixed_salt", "mixed_salt"), 0.85 / 3, TOL);
    ck_assert_double_eq_tol(out_of(&f, "salt_residue", "salt_residue"), 0.07, TOL);
    ck_assert_double_eq_tol(out_of(&f, "flue_gas", "flue_gas"), 0.08, TOL);
    f.in[mat(&f, "waste_salt")] = 50000;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    ck_assert_double_eq_tol(metric(&f, "utilisation_pct"), 50, TOL);
    ck_assert_double_eq_tol(metric(&f, "product_t"), 42500, 1e-6);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Defaults by name: paper 0.85, plastic 0.75, metal 0.95, glass 0.90,
 * textile 0.60, other 0; "Metal_Plastic_Composite" is plastic (plastic is
 * tested before metal). */
START_TEST(test_sorting_centre)
{
    fix f;
    fix_make(&f, load("sorting_centre"));
    fix_init(&f);
    static const struct {
        const char *name;
        double r;
    } want[] = {
        { "waste_paper", 0.85 }, { "plastic_film", 0.75 }, { "scrap_metal", 0.95 },
        { "glass_cullet", 0.90 }, { "textile_waste", 0.60 }, { "mixed_msw", 0 },
        { "Metal_Plastic_Composite", 0.75 }, { "sewage_sludge", 0 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        f.in[mat(&f, want[i].name)] = 100;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_double_eq_tol(out_of(&f, "recyclables", want[i].name), 100 * want[i].r, TOL);
        ck_assert_double_eq_tol(out_of(&f, "residue", want[i].name), 100 * (1 - want[i].r), TOL);
    }
    /* 85 + 75 + 95 + 90 + 60 + 0 + 75 + 0 = 480 of 800 t: 60 % */
    ck_assert_double_eq_tol(metric(&f, "recovered_t"), 480, TOL);
    ck_assert_double_eq_tol(metric(&f, "recovery_rate_pct"), 60, TOL);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Defaults: 110 Nm³/t × 1.22 kg/Nm³ = 134.2 kg = 0.1342 t of biogas per t;
 * residue 0.1; digestate 1 - 0.1342 - 0.1 = 0.7658. */
START_TEST(test_anaerobic_digestion)
{
    fix f;
    fix_make(&f, load("anaerobic_digestion"));
    fix_init(&f);
    f.in[mat(&f, "mixed_msw")] = 10;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    ck_assert_double_eq_tol(out_of(&f, "biogas", "biogas"), 1.342, TOL);
    ck_assert_double_eq_tol(out_of(&f, "residue", "residue"), 1.0, TOL);
    ck_assert_double_eq_tol(out_of(&f, "digestate", "digestate"), 7.658, TOL);
    ck_assert_double_eq_tol(metric(&f, "biogas_nm3"), 1100, 1e-6);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Defaults: 0.8 incinerated → bottom ash 0.8 × 0.10 = 0.08, fly ash
 * 0.8 × 0.03 = 0.024, gas 0.8 × 0.87 = 0.696; 0.2 disinfected → 0.2 × 0.05
 * = 0.01 to gas (0.706 in all) and 0.19 disinfected waste. */
START_TEST(test_medical_waste)
{
    fix f;
    fix_make(&f, load("medical_waste"));
    fix_init(&f);
    f.in[mat(&f, "clinical_waste")] = 1;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    ck_assert_double_eq_tol(out_of(&f, "bottom_ash", "bottom_ash"), 0.08, TOL);
    ck_assert_double_eq_tol(out_of(&f, "fly_ash", "fly_ash"), 0.024, TOL);
    ck_assert_double_eq_tol(out_of(&f, "flue_gas", "flue_gas"), 0.706, TOL);
    ck_assert_double_eq_tol(out_of(&f, "disinfected_waste", "disinfected_waste"), 0.19, TOL);
    ck_assert_double_eq_tol(metric(&f, "disinfected_t"), 0.2, TOL);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* By category: 1 t of sewage sludge (80 % water, 45 % ash in the dry
 * solids) bricks 0.2 × 0.45 = 0.09 t; 1 t of shale 1 - 0.12 = 0.88 t. */
START_TEST(test_sludge_brick_kiln)
{
    fix f;
    fix_make(&f, load("sludge_brick_kiln"));
    fix_init(&f);
    f.in[mat(&f, "sewage_sludge")] = 1;
    f.in[mat(&f, "shale")] = 1;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    ck_assert_double_eq_tol(out_of(&f, "bricks", "bricks"), 0.97, TOL);
    ck_assert_double_eq_tol(out_of(&f, "flue_gas", "flue_gas"), 1.03, TOL);
    ck_assert_double_eq_tol(metric(&f, "sludge_t"), 1, TOL);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* By category: concrete rubble (construction) 0.80 aggregate, 0.02 scrap,
 * 0.18 residue; mixed MSW (domestic) all residue. */
START_TEST(test_cd_recycling)
{
    fix f;
    fix_make(&f, load("cd_recycling"));
    fix_init(&f);
    f.in[mat(&f, "concrete_rubble")] = 100;
    f.in[mat(&f, "mixed_msw")] = 10;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    ck_assert_double_eq_tol(out_of(&f, "recycled_aggregate", "recycled_aggregate"), 80, TOL);
    ck_assert_double_eq_tol(out_of(&f, "ferrous_scrap", "ferrous_scrap"), 2, TOL);
    ck_assert_double_eq_tol(out_of(&f, "residue", "residue"), 18 + 10, TOL);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* By name: a battery 0.65 metal, 0.07 plastic, 0.18 electrolyte, residue
 * 0.10; a vehicle 0.65 steel, 0.08 non-ferrous, 0.05 plastic, 0.04
 * hazardous, residue 0.18. */
START_TEST(test_dismantling)
{
    fix f;
    fix_make(&f, load("dismantling"));
    fix_init(&f);
    f.in[mat(&f, "spent_battery")] = 1;
    f.in[mat(&f, "end_of_life_vehicle")] = 10;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    ck_assert_double_eq_tol(out_of(&f, "ferrous_scrap", "ferrous_scrap"), 6.5, TOL);
    ck_assert_double_eq_tol(out_of(&f, "nonferrous_scrap", "nonferrous_scrap"), 0.65 + 0.8, TOL);
    ck_assert_double_eq_tol(out_of(&f, "recovered_plastic", "recovered_plastic"), 0.07 + 0.5, TOL);
    ck_assert_double_eq_tol(out_of(&f, "hazardous_parts", "hazardous_parts"), 0.18 + 0.4, TOL);
    ck_assert_double_eq_tol(out_of(&f, "residue", "residue"), 0.10 + 1.8, TOL);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Drawdown 0.25, pass-through 0.1: 100 t in store, 40 t in: 0.1 × 40 + 0.25
 * × 100 = 29 t out, the stock ends at 100 + 40 - 29 = 111 t. */
START_TEST(test_storage_yard)
{
    fix f;
    fix_make(&f, load("storage_yard"));
    set_param(&f, "drawdown_share", 0.25);
    set_param(&f, "passthrough_share", 0.1);
    fix_init(&f);
    int m = mat(&f, "concrete_rubble");
    f.stock[m] = 100;
    f.in[m] = 40;
    ck_assert_int_eq(run_year(&f, 2024), 0);
    ck_assert_double_eq_tol(out_of(&f, "outflow", "concrete_rubble"), 29, TOL);
    ck_assert_double_eq_tol(f.release[m], 25, TOL);
    ck_assert_double_eq_tol(metric(&f, "released_t"), 25, TOL);
    ck_assert_double_eq_tol(metric(&f, "stock_t"), 111, TOL);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Fixed lifetime L = 3: the outflow of year t is the inflow of t - 3 (0
 * before 2023), nothing leaves the year it comes. The stock the core would
 * keep is the test's own: stock += in - out. */
START_TEST(test_inuse_fixed)
{
    fix f;
    fix_make(&f, load("inuse_stock"));
    set_param(&f, "distribution", 0);
    set_param(&f, "lifetime_mean_years", 3);
    fix_init(&f);
    int m = mat(&f, "end_of_life_vehicle"), o = port_index(&f, "end_of_life");
    const double inflow[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110 };
    for (int y = 0; y <= LAST_YEAR - FIRST_YEAR; y++) {
        f.in[m] = inflow[y];
        ck_assert_int_eq(run_year(&f, FIRST_YEAR + y), 0);
        double want = y >= 3 ? inflow[y - 3] : 0;
        ck_assert_double_eq_tol(f.out[(size_t)o * (size_t)f.M + (size_t)m], want, TOL);
        ck_assert_double_eq(f.coef[((size_t)o * (size_t)f.M + (size_t)m) * (size_t)f.M + (size_t)m], 0);
        f.stock[m] += f.in[m] - want;
        /* the stock is the last three cohorts */
        double s = 0;
        for (int c = y - 2; c <= y; c++)
            s += c >= 0 ? inflow[c] : 0;
        ck_assert_double_eq_tol(metric(&f, "stock_t"), s, TOL);
    }
    /* a year outside the model is refused */
    ck_assert_int_eq(run_year(&f, LAST_YEAR + 1), FLOW_ERANGE);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Fixed lifetime 0 (the rule of stock.c and ODYM: S(0) = [0 < 0] = 0): all
 * of a year's inflow leaves in that year as a coefficient of the input,
 * nothing is released from the stock, and the stock stays 0. */
START_TEST(test_inuse_fixed_zero)
{
    fix f;
    fix_make(&f, load("inuse_stock"));
    set_param(&f, "distribution", 0);
    set_param(&f, "lifetime_mean_years", 0);
    fix_init(&f);
    int m = mat(&f, "end_of_life_vehicle"), o = port_index(&f, "end_of_life");
    size_t M = (size_t)f.M;
    const double inflow[] = { 10, 20, 30 };
    for (int y = 0; y < 3; y++) {
        f.in[m] = inflow[y];
        ck_assert_int_eq(run_year(&f, FIRST_YEAR + y), 0);
        ck_assert_double_eq(f.coef[((size_t)o * M + (size_t)m) * M + (size_t)m], 1);
        ck_assert_double_eq_tol(f.release[(size_t)o * M + (size_t)m], 0, TOL);
        ck_assert_double_eq_tol(metric(&f, "stock_t"), 0, TOL);
    }
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

/* Normal, mean 10, sd 5: the share leaving in the year it comes is
 * 1 - S(0) = Phi(-2) = 0.0227501319 (standard normal table).
 * Weibull, shape 1 (exponential), mean 10: scale 10 / Gamma(2) = 10, S(a) =
 * exp(-a/10); 100 t in 2020 release 100 (1 - e^-0.1) = 9.51625820 t in 2021
 * and 100 (e^-0.1 - e^-0.2) = 8.61066649 t in 2022. */
START_TEST(test_inuse_distributions)
{
    fix f;
    fix_make(&f, load("inuse_stock"));
    int m = mat(&f, "end_of_life_vehicle"), o = port_index(&f, "end_of_life");
    size_t M = (size_t)f.M;
    set_param(&f, "distribution", 1);
    set_param(&f, "lifetime_mean_years", 10);
    set_param(&f, "lifetime_sd_years", 5);
    fix_init(&f);
    f.in[m] = 1;
    ck_assert_int_eq(run_year(&f, 2020), 0);
    ck_assert_double_eq_tol(f.coef[((size_t)o * M + (size_t)m) * M + (size_t)m], 0.0227501319, 1e-9);
    fix_fini(&f);

    set_param(&f, "distribution", 3);
    set_param(&f, "weibull_shape", 1);
    fix_init(&f);
    f.in[m] = 100;
    ck_assert_int_eq(run_year(&f, 2020), 0);
    ck_assert_double_eq_tol(f.out[(size_t)o * M + (size_t)m], 0, 1e-12);
    f.stock[m] = 100;
    f.in[m] = 0;
    ck_assert_int_eq(run_year(&f, 2021), 0);
    ck_assert_double_eq_tol(f.release[(size_t)o * M + (size_t)m], 9.51625820, 1e-7);
    f.stock[m] = 100 - 9.51625820;
    ck_assert_int_eq(run_year(&f, 2022), 0);
    ck_assert_double_eq_tol(f.release[(size_t)o * M + (size_t)m], 8.61066649, 1e-7);
    /* the release never exceeds the stock given */
    f.stock[m] = 1;
    ck_assert_int_eq(run_year(&f, 2023), 0);
    ck_assert_double_le(f.release[(size_t)o * M + (size_t)m], 1);
    fix_fini(&f);
    fix_free(&f);
}
END_TEST

Suite *flow_types_suite(void)
{
    scan_types();
    Suite *s = suite_create("types");
    TCase *tc = tcase_create("conformance");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_all_present);
    if (n_found > 0) {
        tcase_add_loop_test(tc, test_descriptor, 0, n_found);
        tcase_add_loop_test(tc, test_random_draws, 0, n_found);
        tcase_add_loop_test(tc, test_zero, 0, n_found);
    }
    suite_add_tcase(s, tc);

    tc = tcase_create("hand");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_incinerator);
    tcase_add_test(tc, test_sanitary_landfill);
    tcase_add_test(tc, test_rigid_landfill);
    tcase_add_test(tc, test_waste_salt_line);
    tcase_add_test(tc, test_sorting_centre);
    tcase_add_test(tc, test_anaerobic_digestion);
    tcase_add_test(tc, test_medical_waste);
    tcase_add_test(tc, test_sludge_brick_kiln);
    tcase_add_test(tc, test_cd_recycling);
    tcase_add_test(tc, test_dismantling);
    tcase_add_test(tc, test_storage_yard);
    tcase_add_test(tc, test_inuse_fixed);
    tcase_add_test(tc, test_inuse_fixed_zero);
    tcase_add_test(tc, test_inuse_distributions);
    suite_add_tcase(s, tc);
    return s;
}
