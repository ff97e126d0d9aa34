/*
 * fuzz_plugin.c — fuzz target: plugin descriptors. The input is a small
 * text (one directive a line, fuzz/plugin.dict lists them) that builds a
 * flow_process_type the way a module's FLOW_PLUGIN_DEFINE would: ABI
 * version, struct_size, names, ports, params, metrics, materials,
 * state_size, callbacks. It goes through flow_plugin_register(), which
 * runs the same validation as a module loaded with dlopen (plugin.c:
 * validate(); no hook needed). A type that is accepted is then used: its
 * parameters checked, a model with one process of the type compiled and
 * run for a few years, its callbacks doing what the input's "op" lines
 * say (the ctx accessors with any index, any coefficient, a failure), as
 * a careless or hostile plugin would. Any crash or abort is a finding.
 *
 *     abi 1 1            struct_size: "size N", "size short", "size full"
 *     name incinerator   description TEXT, version TEXT
 *     param NAME UNIT DEF LO HI         (NAME or UNIT "-": NULL)
 *     port NAME, metric NAME, material NAME   ("-": NULL, nothing: "")
 *     params_null N, ports_null N, metrics_null N, materials_null N
 *     state N, transfer, init, step, fini, type_data
 *     years FIRST LAST, setparam NAME COEF, check NAME VALUE
 *     op PHASE WHAT [A [B]]   PHASE init|transfer|step; WHAT: coef I V,
 *        release I V, metric I V, stock M, param I, material M,
 *        category M, type_material I, find NAME, params, years, year,
 *        process, type_data, fail
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "flow_plugin.h"
#include "fuzz.h"

#define MAX_LIST 16
#define MAX_OPS 64
#define MAX_RUN_YEARS 30
#define MAX_RUN_STATE ((size_t)1 << 20) /* a larger state is validated, not run */

enum { PH_INIT, PH_TRANSFER, PH_STEP };

typedef struct op {
    int phase;
    const char *what, *name;
    long long i;
    double v;
} op;

typedef struct spec {
    flow_process_type *t;            /* the descriptor, struct_size bytes or more */
    flow_param_decl params[MAX_LIST];
    const char *ports[MAX_LIST], *metrics[MAX_LIST], *materials[MAX_LIST];
    size_t np, nports, nmetrics, nmaterials;
    op ops[MAX_OPS];
    int nops;
    int first, last;
    const char *setparam[MAX_LIST];
    double setcoef[MAX_LIST];
    int nset;
    const char *check[MAX_LIST];
    double checkv[MAX_LIST];
    int ncheck;
} spec;

static const spec *cur; /* the input being run, for the callbacks */
static const flow_process_type *cur_type; /* its type as registered (libflow's copy) */
static int type_data_mark;

/* ---- the callbacks: what the input's ops say --------------------------- */

static int run_ops(int phase, const flow_type_ctx *ctx, flow_transfer *T, double *metrics)
{
    int rc = 0;
    for (int k = 0; k < cur->nops; k++) {
        const op *o = &cur->ops[k];
        if (o->phase != phase)
            continue;
        int i = (int)o->i;
        if (strcmp(o->what, "coef") == 0 && T && o->i >= 0 &&
            o->i < (long long)T->n_ports * T->n_materials * T->n_materials)
            T->coef[o->i] = o->v;
        else if (strcmp(o->what, "release") == 0 && T && T->release && o->i >= 0 &&
                 o->i < (long long)T->n_ports * T->n_materials)
            T->release[o->i] = o->v;
        else if (strcmp(o->what, "metric") == 0 && metrics && o->i >= 0 && (size_t)o->i < cur_type->n_metrics)
            metrics[o->i] = o->v;
        else if (strcmp(o->what, "stock") == 0)
            (void)flow_type_ctx_stock(ctx, i);
        else if (strcmp(o->what, "param") == 0)
            (void)flow_type_ctx_param(ctx, i);
        else if (strcmp(o->what, "material") == 0)
            (void)flow_type_ctx_material_name(ctx, i);
        else if (strcmp(o->what, "category") == 0)
            (void)flow_type_ctx_material_category(ctx, i);
        else if (strcmp(o->what, "type_material") == 0)
            (void)flow_type_ctx_type_material(ctx, i);
        else if (strcmp(o->what, "find") == 0)
            (void)flow_type_ctx_find_material(ctx, o->name ? o->name : "");
        else if (strcmp(o->what, "params") == 0)
            (void)flow_type_ctx_params(ctx);
        else if (strcmp(o->what, "years") == 0) {
            int f, l;
            flow_type_ctx_years(ctx, &f, &l);
        } else if (strcmp(o->what, "year") == 0)
            (void)flow_type_ctx_year(ctx);
        else if (strcmp(o->what, "process") == 0)
            (void)flow_type_ctx_process(ctx);
        else if (strcmp(o->what, "type_data") == 0 &&
                 flow_type_ctx_type_data(ctx) != cur_type->type_data)
            abort(); /* the core lost the type's pointer */
        else if (strcmp(o->what, "fail") == 0)
            rc = -1;
    }
    return rc;
}

static int cb_init(const flow_type_ctx *ctx, void *state)
{
    (void)state;
    return run_ops(PH_INIT, ctx, NULL, NULL);
}

static int cb_transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    return run_ops(PH_TRANSFER, ctx, T, NULL);
}

static int cb_step(const flow_type_ctx *ctx, void *state, const double *in, const double *out, double *metrics)
{
    (void)state;
    (void)in;
    (void)out;
    return run_ops(PH_STEP, ctx, NULL, metrics);
}

static void cb_fini(void *state)
{
    (void)state;
}

/* ---- the input --------------------------------------------------------- */

/* "-" is NULL, nothing is "" */
static const char *str_arg(const char *s)
{
    if (!s)
        return "";
    return strcmp(s, "-") == 0 ? NULL : s;
}

static double num(const char *s)
{
    return s ? strtod(s, NULL) : 0;
}

static void add_name(const char **list, size_t *n, const char *s)
{
    if (*n < MAX_LIST)
        list[(*n)++] = str_arg(s);
}

static void parse_op(spec *sp, char **save)
{
    if (sp->nops == MAX_OPS)
        return;
    const char *ph = strtok_r(NULL, " \t", save), *what = strtok_r(NULL, " \t", save);
    const char *a = strtok_r(NULL, " \t", save), *b = strtok_r(NULL, " \t", save);
    if (!ph || !what)
        return;
    op *o = &sp->ops[sp->nops++];
    o->phase = strcmp(ph, "init") == 0 ? PH_INIT : strcmp(ph, "step") == 0 ? PH_STEP : PH_TRANSFER;
    o->what = what;
    o->name = a;
    o->i = a ? strtoll(a, NULL, 0) : 0;
    o->v = num(b);
}

/* The rest of the line after the directive, for names with spaces. */
static const char *rest(char **save)
{
    char *r = *save;
    if (!r || !*r)
        return "";
    *save = r + strlen(r);
    return r;
}

/* the next word of the line, NULL at its end */
#define ARG() (a = strtok_r(NULL, " \t", save))

/* A list directive: "port NAME" adds to the list, "ports_null N" makes it
 * NULL with count N. 1 when d was one. */
static int parse_list(spec *sp, const char *d, char **save)
{
    flow_process_type *t = sp->t;
    const char *a = NULL;
    static const char *const nulls[] = { "params_null", "ports_null", "metrics_null", "materials_null" };
    size_t *counts[] = { &t->n_params, &t->n_ports, &t->n_metrics, &t->n_materials };
    size_t *lens[] = { &sp->np, &sp->nports, &sp->nmetrics, &sp->nmaterials };
    for (int k = 0; k < 4; k++)
        if (strcmp(d, nulls[k]) == 0) {
            *counts[k] = (size_t)strtoull(ARG() ? a : "1", NULL, 0);
            *lens[k] = (size_t)-1; /* finish() leaves the pointer NULL */
            return 1;
        }
    if (strcmp(d, "param") == 0) {
        if (sp->np < MAX_LIST) {
            flow_param_decl *p = &sp->params[sp->np++];
            p->name = str_arg(ARG());
            p->unit = str_arg(ARG());
            p->def = num(ARG());
            p->lo = num(ARG());
            p->hi = num(ARG());
            p->doc = NULL;
        }
    } else if (strcmp(d, "port") == 0) {
        add_name(sp->ports, &sp->nports, ARG());
    } else if (strcmp(d, "metric") == 0) {
        add_name(sp->metrics, &sp->nmetrics, ARG());
    } else if (strcmp(d, "material") == 0) {
        add_name(sp->materials, &sp->nmaterials, ARG());
    } else {
        return 0;
    }
    return 1;
}

/* A field of the descriptor other than a list. 1 when d was one. */
static int parse_field(spec *sp, const char *d, char **save)
{
    flow_process_type *t = sp->t;
    const char *a = NULL;
    if (strcmp(d, "abi") == 0) {
        t->abi_major = (uint32_t)strtoul(ARG() ? a : "0", NULL, 0);
        t->abi_minor = (uint32_t)strtoul(ARG() ? a : "0", NULL, 0);
    } else if (strcmp(d, "size") == 0) {
        ARG();
        t->struct_size = !a || strcmp(a, "full") == 0 ? sizeof *t
                         : strcmp(a, "short") == 0    ? offsetof(flow_process_type, materials)
                                                      : (size_t)strtoull(a, NULL, 0);
    } else if (strcmp(d, "name") == 0) {
        t->name = str_arg(rest(save));
    } else if (strcmp(d, "description") == 0) {
        t->description = str_arg(rest(save));
    } else if (strcmp(d, "version") == 0) {
        t->version = str_arg(rest(save));
    } else if (strcmp(d, "state") == 0) {
        t->state_size = (size_t)strtoull(ARG() ? a : "0", NULL, 0);
    } else if (strcmp(d, "transfer") == 0) {
        t->transfer = cb_transfer;
    } else if (strcmp(d, "init") == 0) {
        t->init = cb_init;
    } else if (strcmp(d, "step") == 0) {
        t->step = cb_step;
    } else if (strcmp(d, "fini") == 0) {
        t->fini = cb_fini;
    } else if (strcmp(d, "type_data") == 0) {
        t->type_data = &type_data_mark;
    } else {
        return 0;
    }
    return 1;
}

/* What is done with an accepted type: years, setparam, check, op. */
static void parse_use(spec *sp, const char *d, char **save)
{
    const char *a = NULL;
    if (strcmp(d, "years") == 0) {
        sp->first = (int)strtol(ARG() ? a : "2020", NULL, 0);
        sp->last = (int)strtol(ARG() ? a : "2021", NULL, 0);
    } else if (strcmp(d, "setparam") == 0 && sp->nset < MAX_LIST) {
        sp->setparam[sp->nset] = str_arg(ARG());
        sp->setcoef[sp->nset++] = num(ARG());
    } else if (strcmp(d, "check") == 0 && sp->ncheck < MAX_LIST) {
        sp->check[sp->ncheck] = str_arg(ARG());
        sp->checkv[sp->ncheck++] = num(ARG());
    } else if (strcmp(d, "op") == 0) {
        parse_op(sp, save);
    }
}
#undef ARG

/* One line: a directive and its arguments; an unknown one is ignored. */
static void parse_line(spec *sp, char *line)
{
    char *save;
    const char *d = strtok_r(line, " \t", &save);
    if (d && !parse_list(sp, d, &save) && !parse_field(sp, d, &save))
        parse_use(sp, d, &save);
}

/* The lists go into the descriptor as a module's arrays would: n entries
 * (or NULL with the count a *_null line gave). */
static void finish(spec *sp)
{
    flow_process_type *t = sp->t;
    if (sp->np != (size_t)-1) {
        t->params = sp->np ? sp->params : NULL;
        t->n_params = sp->np;
    }
    if (sp->nports != (size_t)-1) {
        t->ports = sp->nports ? sp->ports : NULL;
        t->n_ports = sp->nports;
    }
    if (sp->nmetrics != (size_t)-1) {
        t->metrics = sp->nmetrics ? sp->metrics : NULL;
        t->n_metrics = sp->nmetrics;
    }
    if (sp->nmaterials != (size_t)-1) {
        t->materials = sp->nmaterials ? sp->materials : NULL;
        t->n_materials = sp->nmaterials;
    }
}

/* ---- the use of an accepted type --------------------------------------- */

/* A model: city --msw--> plant (the type) --every port--> dump, the
 * type's materials defined; run when it compiles. Errors end it quietly:
 * they are answers, not findings. */
static void run_model(const spec *sp, const flow_process_type *t)
{
    if (t->state_size > MAX_RUN_STATE || sp->last < sp->first
        || (long long)sp->last - sp->first > MAX_RUN_YEARS)
        return;
    flow_model *m;
    if (flow_model_new(&m, sp->first, sp->last, NULL) != 0)
        return;
    int msw, src, plant, dump, rc;
    rc = flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw);
    for (size_t i = 0; rc == 0 && i < t->n_materials; i++)
        (void)flow_model_add_material(m, t->materials[i], FLOW_CAT_PRODUCT, "t", NULL);
    if (rc == 0)
        rc = flow_model_add_process(m, "city", FLOW_SOURCE, &src);
    if (rc == 0)
        rc = flow_model_add_typed_process(m, "plant", t->name, &plant);
    if (rc == 0)
        rc = flow_model_add_process(m, "dump", FLOW_SINK, &dump);
    if (rc == 0)
        rc = flow_model_set_generation(m, src, msw, 10, FLOW_NONE);
    if (rc == 0)
        rc = flow_model_add_flow(m, src, plant, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL);
    for (size_t i = 0; rc == 0 && i < t->n_ports; i++)
        (void)flow_model_add_port_flow(m, plant, t->ports[i], dump, NULL);
    for (int i = 0; rc == 0 && i < sp->nset; i++) {
        int p;
        char pname[32];
        snprintf(pname, sizeof pname, "p%d", i);
        if (flow_model_add_param_const(m, pname, "1", sp->setcoef[i], &p) == 0)
            (void)flow_model_set_type_param(m, plant, sp->setparam[i] ? sp->setparam[i] : "", 1, p);
    }
    flow_sim *s;
    if (rc == 0 && flow_model_compile(m) == 0 && flow_sim_new(&s, m) == 0) {
        (void)flow_sim_run(s);
        flow_sim_free(s);
    }
    flow_model_free(m);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = malloc(size + 1);
    spec *sp = calloc(1, sizeof *sp);
    /* the descriptor as the module's memory: at least struct_size bytes
     * must be readable, whatever struct_size claims (up to 4096) */
    flow_process_type *t = calloc(1, 4096 > sizeof *t ? 4096 : sizeof *t);
    if (!text || !sp || !t)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    sp->t = t;
    t->abi_major = FLOW_PLUGIN_ABI_MAJOR;
    t->abi_minor = FLOW_PLUGIN_ABI_MINOR;
    t->struct_size = sizeof *t;
    sp->first = 2020;
    sp->last = 2021;
    char *save, *line = strtok_r(text, "\n", &save);
    for (; line; line = strtok_r(NULL, "\n", &save))
        parse_line(sp, line);
    finish(sp);
    if (t->struct_size > 4096)
        t->struct_size = 4096;
    cur = sp;
    if (flow_plugin_register(t) == 0) {
        const flow_process_type *found;
        if (flow_plugin_find(t->name, &found) != 0)
            abort(); /* registered but not found */
        cur_type = found;
        for (int i = 0; i < sp->ncheck; i++) {
            int idx;
            (void)flow_plugin_check_param(found, sp->check[i] ? sp->check[i] : "", sp->checkv[i], &idx);
        }
        run_model(sp, found);
        if (flow_plugin_unregister(t->name) != 0)
            abort();
    }
    cur = NULL;
    cur_type = NULL;
    free(t);
    free(sp);
    free(text);
    return 0;
}
