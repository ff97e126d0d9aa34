/*
 * model.c — building a model: materials, parameters, processes, flows,
 * and the look-ups by name (with "did you mean" for unknown names).
 *
 * Everything added is copied into arrays owned by the model. Nothing is
 * checked here that needs the whole model; compile.c does that. What is
 * checked here is what one call can get wrong on its own: names, indices,
 * enum values, the points of a series.
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "flow_int.h"
#include "flow_plugin.h"

#define MAX_YEARS 1000

/* ---- enums ------------------------------------------------------------ */

static const char *const cat_names[] = {
    "industrial", "hazardous", "agricultural", "construction", "domestic",
    "medical", "sludge", "product", "emission"
};
static const char *const kind_names[] = { "source", "split", "sink", "stock", "typed" };
static const char *const mode_names[] = { "share", "fixed", "rest", "overflow", "port" };

#define NELEM(a) (sizeof(a) / sizeof *(a))

int flow_model__parse_name(const char *what, const char *name, const char *const *names, size_t n,
                           int *out)
{
    for (size_t i = 0; i < n; i++)
        if (name && strcmp(name, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    char known[300];
    size_t len = 0;
    known[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof known - 40; i++) {
        int w = snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "", names[i]);
        if (w > 0)
            len += (size_t)w;
    }
    const char *near = name ? flow_model__nearest(name, names, n, sizeof *names) : NULL;
    if (near)
        return flow_error__set(FLOW_ENOTFOUND, "no %s '%s' (did you mean '%s'?) (known: %s)", what, name, near, known);
    return flow_error__set(FLOW_ENOTFOUND, "no %s '%s' (known: %s)", what, name ? name : "(null)", known);
}

const char *flow_category_name(flow_category c)
{
    return (unsigned)c < NELEM(cat_names) ? cat_names[c] : NULL;
}

int flow_category_parse(const char *name, flow_category *out)
{
    int v, rc = flow_model__parse_name("category", name, cat_names, NELEM(cat_names), &v);
    if (rc == 0)
        *out = (flow_category)v;
    return rc;
}

const char *flow_kind_name(flow_kind k)
{
    return (unsigned)k < NELEM(kind_names) ? kind_names[k] : NULL;
}

int flow_kind_parse(const char *name, flow_kind *out)
{
    /* the core kinds; "typed" is what a process of a plugin type is, not a
     * kind one asks for by name */
    int v, rc = flow_model__parse_name("process kind", name, kind_names, FLOW_TYPED, &v);
    if (rc == 0)
        *out = (flow_kind)v;
    return rc;
}

const char *flow_mode_name(flow_mode m)
{
    return (unsigned)m < NELEM(mode_names) ? mode_names[m] : NULL;
}

/* ---- errors and names ---------------------------------------------------- */

int flow_model__err(const flow_origin *o, int code, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (o && o->file)
        return flow_error__set(code, "%s:%d: %s", o->file, o->line, msg);
    return flow_error__set(code, "%s", msg);
}

const char *flow_model__nearest(const char *name, const char *const *names,
                                size_t n, size_t stride)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const char *cand = *(const char *const *)((const char *)names + i * stride);
        size_t d = flow_util__levenshtein(name, cand);
        if (d < bestd) {
            bestd = d;
            best = cand;
        }
    }
    /* Suggest only what is plausibly a typo: up to a third of the name
     * (at least 2 edits) away. */
    size_t len = strlen(name);
    size_t lim = len / 3 > 2 ? len / 3 : 2;
    return bestd <= lim ? best : NULL;
}

/* ---- model ------------------------------------------------------------------ */

int flow_model_new(flow_model **out, int first_year, int last_year,
                   const flow_allocator *alloc)
{
    assert(out);
    if (!out)
        return flow_error__set(FLOW_EINVAL, "flow_model_new: out is NULL");
    *out = NULL;
    if (alloc && (!alloc->malloc || !alloc->realloc || !alloc->free))
        return flow_error__set(FLOW_EINVAL, "flow_model_new: the allocator needs malloc, realloc and free");
    if (first_year < FLOW_YEAR_MIN || first_year > FLOW_YEAR_MAX || last_year < FLOW_YEAR_MIN ||
        last_year > FLOW_YEAR_MAX)
        return flow_error__set(FLOW_EINVAL, "model years %d-%d: years must lie in %d-%d", first_year, last_year,
                               FLOW_YEAR_MIN, FLOW_YEAR_MAX);
    if (last_year < first_year)
        return flow_error__set(FLOW_EINVAL, "model years: last year %d is before first year %d",
                               last_year, first_year);
    if ((long)last_year - first_year + 1 > MAX_YEARS)
        return flow_error__set(FLOW_EINVAL, "model years %d-%d: at most %d years", first_year,
                               last_year, MAX_YEARS);
    const flow_allocator *a = alloc ? alloc : &flow_alloc__default;
    flow_model *m = flow_alloc__calloc(a, 1, sizeof *m);
    if (!m)
        return flow_error__nomem("a model");
    m->alloc = *a;
    m->first = first_year;
    m->last = last_year;
    *out = m;
    return 0;
}

static void free_param(flow_model *m, flow_param *p)
{
    flow_alloc__free(&m->alloc, p->name);
    flow_alloc__free(&m->alloc, p->unit);
    flow_alloc__free(&m->alloc, p->years);
    flow_alloc__free(&m->alloc, p->values);
}

void flow_model_free(flow_model *m)
{
    if (!m)
        return;
    const flow_allocator *a = &m->alloc;
    flow_compile__free(m);
    flow_indicator__free_defs(m);
    for (size_t i = 0; i < m->n_mats; i++) {
        flow_alloc__free(a, m->mats[i].name);
        flow_alloc__free(a, m->mats[i].unit);
    }
    for (size_t i = 0; i < m->n_params; i++)
        free_param(m, &m->params[i]);
    for (size_t i = 0; i < m->n_procs; i++) {
        flow_alloc__free(a, m->procs[i].name);
        flow_alloc__free(a, m->procs[i].tcoef);
        flow_alloc__free(a, m->procs[i].tparam);
        flow_alloc__free(a, m->procs[i].tset);
    }
    for (size_t i = 0; i < m->n_files; i++)
        flow_alloc__free(a, m->files[i]);
    flow_nameidx__free(&m->mat_ix, a);
    flow_nameidx__free(&m->param_ix, a);
    flow_nameidx__free(&m->proc_ix, a);
    flow_alloc__free(a, m->mats);
    flow_alloc__free(a, m->params);
    flow_alloc__free(a, m->procs);
    flow_alloc__free(a, m->flows);
    flow_alloc__free(a, m->gens);
    flow_alloc__free(a, m->inits);
    flow_alloc__free(a, m->paths);
    flow_alloc__free(a, m->files);
    flow_allocator copy = *a;
    flow_alloc__free(&copy, m);
}

int flow_model_first_year(const flow_model *m) { return m->first; }
int flow_model_last_year(const flow_model *m) { return m->last; }
int flow_model_n_years(const flow_model *m) { return m->last - m->first + 1; }
int flow_model_is_compiled(const flow_model *m) { return m->compiled; }

int flow_model_set_origin(flow_model *m, const char *file, int line)
{
    if (!file) {
        m->cur.file = NULL;
        m->cur.line = 0;
        return 0;
    }
    /* Files are few (a model and its includes): a linear search is fine,
     * and keeping every name lets objects point at theirs for life. */
    for (size_t i = 0; i < m->n_files; i++)
        if (strcmp(m->files[i], file) == 0) {
            m->cur.file = m->files[i];
            m->cur.line = line;
            return 0;
        }
    int rc = flow_alloc__grow(&m->alloc, (void **)&m->files, &m->cap_files, m->n_files + 1,
                              sizeof *m->files, "the origin list");
    if (rc)
        return rc;
    char *d = flow_alloc__strdup(&m->alloc, file);
    if (!d)
        return flow_error__nomem("an origin file name");
    m->files[m->n_files++] = d;
    m->cur.file = d;
    m->cur.line = line;
    return 0;
}

/* Common checks for an add: not compiled, a usable name. */
static int check_add(const flow_model *m, const char *what, const char *name)
{
    if (m->compiled)
        return flow_model__err(&m->cur, FLOW_ESTATE, "cannot add %s '%s': the model is compiled",
                               what, name ? name : "");
    if (!name || !*name)
        return flow_model__err(&m->cur, FLOW_EINVAL, "%s without a name", what);
    return 0;
}

static int not_found(const char *what, const char *name, const void *arr, size_t n, size_t stride)
{
    const char *near = flow_model__nearest(name, arr, n, stride);
    if (near)
        return flow_error__set(FLOW_ENOTFOUND, "no %s '%s' (did you mean '%s'?)", what, name, near);
    return flow_error__set(FLOW_ENOTFOUND, "no %s '%s'", what, name);
}

int flow_model_add_material(flow_model *m, const char *name, flow_category cat,
                            const char *unit, int *idx)
{
    int rc = check_add(m, "material", name);
    if (rc)
        return rc;
    if ((unsigned)cat >= FLOW_CAT_COUNT_)
        return flow_model__err(&m->cur, FLOW_EINVAL, "material '%s': invalid category %d", name, (int)cat);
    if (flow_nameidx__find(&m->mat_ix, name, m->mats, sizeof *m->mats) >= 0)
        return flow_model__err(&m->cur, FLOW_EEXIST, "material '%s' is defined twice", name);
    rc = flow_alloc__grow(&m->alloc, (void **)&m->mats, &m->cap_mats, m->n_mats + 1,
                          sizeof *m->mats, "the material table");
    if (rc)
        return rc;
    flow_material *mt = &m->mats[m->n_mats];
    memset(mt, 0, sizeof *mt);
    mt->name = flow_alloc__strdup(&m->alloc, name);
    mt->unit = flow_alloc__strdup(&m->alloc, unit ? unit : "t");
    if (!mt->name || !mt->unit) {
        flow_alloc__free(&m->alloc, mt->name);
        flow_alloc__free(&m->alloc, mt->unit);
        return flow_error__nomem("a material");
    }
    mt->cat = cat;
    mt->origin = m->cur;
    if ((rc = flow_nameidx__add(&m->mat_ix, &m->alloc, (int)m->n_mats, m->n_mats + 1, m->mats, sizeof *m->mats))) {
        flow_alloc__free(&m->alloc, mt->name);
        flow_alloc__free(&m->alloc, mt->unit);
        return rc;
    }
    if (idx)
        *idx = (int)m->n_mats;
    m->n_mats++;
    return 0;
}

static int add_param_common(flow_model *m, const char *name, const char *unit, flow_param **out)
{
    int rc = check_add(m, "parameter", name);
    if (rc)
        return rc;
    if (flow_nameidx__find(&m->param_ix, name, m->params, sizeof *m->params) >= 0)
        return flow_model__err(&m->cur, FLOW_EEXIST, "parameter '%s' is defined twice", name);
    rc = flow_alloc__grow(&m->alloc, (void **)&m->params, &m->cap_params, m->n_params + 1,
                          sizeof *m->params, "the parameter table");
    if (rc)
        return rc;
    flow_param *p = &m->params[m->n_params];
    memset(p, 0, sizeof *p);
    p->name = flow_alloc__strdup(&m->alloc, name);
    p->unit = unit ? flow_alloc__strdup(&m->alloc, unit) : NULL;
    if (!p->name || (unit && !p->unit)) {
        free_param(m, p);
        return flow_error__nomem("a parameter");
    }
    p->origin = m->cur;
    p->a = p->b = FLOW_NONE;
    *out = p;
    return 0;
}

/* The last step of adding a parameter: index its name, count it. */
static int commit_param(flow_model *m, flow_param *p, int *idx)
{
    int rc = flow_nameidx__add(&m->param_ix, &m->alloc, (int)m->n_params, m->n_params + 1, m->params,
                               sizeof *m->params);
    if (rc) {
        free_param(m, p);
        return rc;
    }
    if (idx)
        *idx = (int)m->n_params;
    m->n_params++;
    return 0;
}

int flow_model_add_param(flow_model *m, const char *name, const char *unit,
                         flow_interp interp, size_t n, const int *years,
                         const double *values, int *idx)
{
    if ((unsigned)interp > FLOW_INTERP_STEFFEN)
        return flow_model__err(&m->cur, FLOW_EINVAL, "parameter '%s': invalid interpolation rule %d",
                               name ? name : "", (int)interp);
    if (n == 0 || !years || !values)
        return flow_model__err(&m->cur, FLOW_EINVAL, "parameter '%s' has no points", name ? name : "");
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            return flow_model__err(&m->cur, FLOW_EVALUE, "parameter '%s', year %d: value %g is not finite",
                                   name ? name : "", years[i], values[i]);
        if (i > 0 && years[i] <= years[i - 1])
            return flow_model__err(&m->cur, FLOW_EINVAL,
                                   "parameter '%s': years must increase (%d follows %d)",
                                   name ? name : "", years[i], years[i - 1]);
    }
    flow_param *p;
    int rc = add_param_common(m, name, unit, &p);
    if (rc)
        return rc;
    p->years = flow_alloc__malloc(&m->alloc, n * sizeof *p->years);
    p->values = flow_alloc__malloc(&m->alloc, n * sizeof *p->values);
    if (!p->years || !p->values) {
        free_param(m, p);
        return flow_error__nomem("a parameter's series");
    }
    memcpy(p->years, years, n * sizeof *years);
    memcpy(p->values, values, n * sizeof *values);
    p->n = n;
    p->interp = interp;
    return commit_param(m, p, idx);
}

int flow_model_add_param_const(flow_model *m, const char *name, const char *unit,
                               double value, int *idx)
{
    int year = m->first;
    return flow_model_add_param(m, name, unit, FLOW_INTERP_STEP, 1, &year, &value, idx);
}

static int check_param(const flow_model *m, int param, const char *what)
{
    if (param < 0 || (size_t)param >= m->n_params)
        return flow_model__err(&m->cur, FLOW_ENOTFOUND, "%s: no parameter with index %d", what, param);
    return 0;
}

int flow_model_add_param_product(flow_model *m, const char *name, const char *unit,
                                 int a, int b, int *idx)
{
    int rc;
    if ((rc = check_param(m, a, name ? name : "product")) || (rc = check_param(m, b, name ? name : "product")))
        return rc;
    flow_param *p;
    if ((rc = add_param_common(m, name, unit, &p)))
        return rc;
    p->product = 1;
    p->a = a;
    p->b = b;
    return commit_param(m, p, idx);
}

int flow_model_set_param_bounds(flow_model *m, int param, double lo, double hi)
{
    int rc = check_param(m, param, "bounds");
    if (rc)
        return rc;
    if (m->compiled)
        return flow_model__err(&m->cur, FLOW_ESTATE, "parameter '%s': cannot set bounds, the model is compiled",
                               m->params[param].name);
    if (isnan(lo) || isnan(hi) || lo > hi)
        return flow_model__err(&m->cur, FLOW_EINVAL, "parameter '%s': bounds [%g, %g] are not a range",
                               m->params[param].name, lo, hi);
    m->params[param].has_bounds = 1;
    m->params[param].lo = lo;
    m->params[param].hi = hi;
    return 0;
}

static int check_mutable(const flow_model *m, const char *what);
static int check_process(const flow_model *m, int p, const char *what);

static int add_process(flow_model *m, const char *name, flow_kind kind, const flow_process_type *type, int *idx)
{
    int rc = check_add(m, "process", name);
    if (rc)
        return rc;
    if (flow_nameidx__find(&m->proc_ix, name, m->procs, sizeof *m->procs) >= 0)
        return flow_model__err(&m->cur, FLOW_EEXIST, "process '%s' is defined twice", name);
    rc = flow_alloc__grow(&m->alloc, (void **)&m->procs, &m->cap_procs, m->n_procs + 1,
                          sizeof *m->procs, "the process table");
    if (rc)
        return rc;
    flow_process *p = &m->procs[m->n_procs];
    memset(p, 0, sizeof *p);
    p->name = flow_alloc__strdup(&m->alloc, name);
    if (!p->name)
        return flow_error__nomem("a process");
    p->kind = kind;
    p->smode = FLOW_STOCK_ACCUMULATE;
    p->cap_param = FLOW_NONE;
    p->overflow = FLOW_NONE;
    p->origin = m->cur;
    p->type = type;
    if (type && type->n_params > 0) {
        p->tcoef = flow_alloc__calloc(&m->alloc, type->n_params, sizeof *p->tcoef);
        p->tparam = flow_alloc__calloc(&m->alloc, type->n_params, sizeof *p->tparam);
        p->tset = flow_alloc__calloc(&m->alloc, type->n_params, sizeof *p->tset);
        if (!p->tcoef || !p->tparam || !p->tset) {
            flow_alloc__free(&m->alloc, p->tcoef);
            flow_alloc__free(&m->alloc, p->tparam);
            flow_alloc__free(&m->alloc, p->tset);
            flow_alloc__free(&m->alloc, p->name);
            return flow_error__nomem("a typed process");
        }
    }
    if ((rc = flow_nameidx__add(&m->proc_ix, &m->alloc, (int)m->n_procs, m->n_procs + 1, m->procs,
                                sizeof *m->procs))) {
        flow_alloc__free(&m->alloc, p->tcoef);
        flow_alloc__free(&m->alloc, p->tparam);
        flow_alloc__free(&m->alloc, p->tset);
        flow_alloc__free(&m->alloc, p->name);
        return rc;
    }
    if (idx)
        *idx = (int)m->n_procs;
    m->n_procs++;
    return 0;
}

int flow_model_add_process(flow_model *m, const char *name, flow_kind kind, int *idx)
{
    if ((unsigned)kind > FLOW_STOCK) {
        int rc = check_add(m, "process", name);
        if (rc)
            return rc;
        if (kind == FLOW_TYPED)
            return flow_model__err(&m->cur, FLOW_EINVAL,
                                   "process '%s': a typed process needs its type (flow_model_add_typed_process)", name);
        return flow_model__err(&m->cur, FLOW_EINVAL, "process '%s': invalid kind %d", name, (int)kind);
    }
    return add_process(m, name, kind, NULL, idx);
}

int flow_model_add_typed_process(flow_model *m, const char *name, const char *type, int *idx)
{
    int rc = check_add(m, "process", name);
    if (rc)
        return rc;
    if (!type || !type[0])
        return flow_model__err(&m->cur, FLOW_EINVAL, "process '%s': no type given", name);
    const flow_process_type *t;
    if ((rc = flow_plugin_find(type, &t))) {
        /* the loader's message, with the site and the process */
        char msg[700];
        snprintf(msg, sizeof msg, "%s", flow_error_last());
        return flow_model__err(&m->cur, rc, "process '%s': %s", name, msg);
    }
    return add_process(m, name, FLOW_TYPED, t, idx);
}

const char *flow_model_process_type(const flow_model *m, int i)
{
    if (i < 0 || (size_t)i >= m->n_procs || !m->procs[i].type)
        return NULL;
    return m->procs[i].type->name;
}

static int check_typed(const flow_model *m, int process, const char *what)
{
    int rc = check_process(m, process, what);
    if (rc)
        return rc;
    if (!m->procs[process].type)
        return flow_model__err(&m->cur, FLOW_EINVAL, "%s: process '%s' is a %s, not a process of a plugin type",
                               what, m->procs[process].name, kind_names[m->procs[process].kind]);
    return 0;
}

int flow_model_set_type_param(flow_model *m, int process, const char *name, double coef, int param)
{
    int rc;
    if ((rc = check_mutable(m, "a type parameter")) || (rc = check_typed(m, process, "type parameter")))
        return rc;
    flow_process *p = &m->procs[process];
    const flow_process_type *t = p->type;
    if (param != FLOW_NONE && (rc = check_param(m, param, "type parameter")))
        return rc;
    size_t i = 0;
    while (name && i < t->n_params && strcmp(t->params[i].name, name) != 0)
        i++;
    if (!name || i == t->n_params || !isfinite(coef) ||
        (param == FLOW_NONE && !(coef >= t->params[i].lo && coef <= t->params[i].hi))) {
        /* the registry's message: the parameters declared, or the bounds */
        rc = flow_plugin_check_param(t, name ? name : "", isfinite(coef) ? coef : NAN, NULL);
        if (!rc)
            rc = flow_error__set(FLOW_EVALUE, "type '%s', parameter '%s': %g is not finite", t->name, name, coef);
        char msg[600];
        snprintf(msg, sizeof msg, "%s", flow_error_last());
        return flow_model__err(&m->cur, rc, "process '%s': %s", p->name, msg);
    }
    p->tcoef[i] = coef;
    p->tparam[i] = param;
    p->tset[i] = 1;
    return 0;
}

int flow_model_add_port_flow(flow_model *m, int from, const char *port, int to, int *idx)
{
    int rc;
    if ((rc = check_mutable(m, "a port flow")) || (rc = check_typed(m, from, "port flow")) ||
        (rc = check_process(m, to, "port flow")))
        return rc;
    const flow_process *p = &m->procs[from];
    const flow_process_type *t = p->type;
    size_t k = 0;
    while (port && k < t->n_ports && strcmp(t->ports[k], port) != 0)
        k++;
    if (!port || k == t->n_ports) {
        char list[400];
        size_t len = 0;
        list[0] = '\0';
        for (size_t j = 0; j < t->n_ports && len < sizeof list - 80; j++) {
            int w = snprintf(list + len, sizeof list - len, "%s'%s'", j ? ", " : "", t->ports[j]);
            if (w > 0)
                len += (size_t)w;
        }
        const char *near = port ? flow_model__nearest(port, (const char *const *)t->ports, t->n_ports,
                                                      sizeof *t->ports) : NULL;
        return flow_model__err(&m->cur, FLOW_ENOTFOUND, "process '%s': type '%s' has no port '%s'%s%s%s (its ports: %s)",
                               p->name, t->name, port ? port : "(null)", near ? " (did you mean '" : "",
                               near ? near : "", near ? "'?)" : "", list);
    }
    if ((rc = flow_alloc__grow(&m->alloc, (void **)&m->flows, &m->cap_flows, m->n_flows + 1,
                               sizeof *m->flows, "the flow table")))
        return rc;
    flow_flowdef *f = &m->flows[m->n_flows];
    f->from = from;
    f->to = to;
    f->material = FLOW_ALL;
    f->port = (int)k;
    f->mode = FLOW_PORT;
    f->coef = 1;
    f->param = FLOW_NONE;
    f->origin = m->cur;
    if (idx)
        *idx = (int)m->n_flows;
    m->n_flows++;
    return 0;
}

static int check_mutable(const flow_model *m, const char *what)
{
    if (m->compiled)
        return flow_model__err(&m->cur, FLOW_ESTATE, "cannot set %s: the model is compiled", what);
    return 0;
}

static int check_process(const flow_model *m, int p, const char *what)
{
    if (p < 0 || (size_t)p >= m->n_procs)
        return flow_model__err(&m->cur, FLOW_ENOTFOUND, "%s: no process with index %d", what, p);
    return 0;
}

static int check_material(const flow_model *m, int mat, const char *what)
{
    if (mat < 0 || (size_t)mat >= m->n_mats)
        return flow_model__err(&m->cur, FLOW_ENOTFOUND, "%s: no material with index %d", what, mat);
    return 0;
}

int flow_model_set_capacity(flow_model *m, int process, int capacity_param, int overflow)
{
    int rc;
    if ((rc = check_mutable(m, "a capacity")) || (rc = check_process(m, process, "capacity")) ||
        (rc = check_param(m, capacity_param, "capacity")))
        return rc;
    if (overflow != FLOW_NONE) {
        if ((rc = check_process(m, overflow, "capacity overflow")))
            return rc;
        if (overflow == process)
            return flow_model__err(&m->cur, FLOW_EINVAL, "process '%s': overflow cannot go to itself",
                                   m->procs[process].name);
    }
    m->procs[process].cap_param = capacity_param;
    m->procs[process].overflow = overflow;
    return 0;
}

/* Adds or replaces the amount of (process, material) in one of the lists. */
static int set_pm(flow_model *m, flow_pm_amount **arr, size_t *n, size_t *cap, int process,
                  int material, double coef, int param, const char *what)
{
    int rc;
    if ((rc = check_mutable(m, what)) || (rc = check_process(m, process, what)) ||
        (rc = check_material(m, material, what)))
        return rc;
    if (param != FLOW_NONE && (rc = check_param(m, param, what)))
        return rc;
    if (!isfinite(coef))
        return flow_model__err(&m->cur, FLOW_EVALUE, "process '%s', material '%s': %s %g is not finite",
                               m->procs[process].name, m->mats[material].name, what, coef);
    /* setting a pair again replaces it: the last entry of a pair counts
     * (compile.c drops the earlier ones), so that adding stays O(1) */
    if ((rc = flow_alloc__grow(&m->alloc, (void **)arr, cap, *n + 1, sizeof **arr, what)))
        return rc;
    flow_pm_amount *g = &(*arr)[(*n)++];
    g->process = process;
    g->material = material;
    g->coef = coef;
    g->param = param;
    g->origin = m->cur;
    return 0;
}

int flow_model_set_generation(flow_model *m, int process, int material, double coef, int param)
{
    return set_pm(m, &m->gens, &m->n_gens, &m->cap_gens, process, material, coef, param,
                  "generation");
}

int flow_model_set_initial_stock(flow_model *m, int process, int material, double tonnes)
{
    if (isfinite(tonnes) && tonnes < 0)
        return flow_model__err(&m->cur, FLOW_EVALUE, "initial stock %g is negative", tonnes);
    return set_pm(m, &m->inits, &m->n_inits, &m->cap_inits, process, material, tonnes,
                  FLOW_NONE, "initial stock");
}

int flow_model_set_stock_path(flow_model *m, int process, int material, double coef, int param)
{
    return set_pm(m, &m->paths, &m->n_paths, &m->cap_paths, process, material, coef, param,
                  "stock path");
}

int flow_model_set_stock_mode(flow_model *m, int process, flow_stock_mode mode)
{
    int rc;
    if ((rc = check_mutable(m, "a stock mode")) || (rc = check_process(m, process, "stock mode")))
        return rc;
    if (m->procs[process].kind != FLOW_STOCK)
        return flow_model__err(&m->cur, FLOW_EINVAL, "process '%s' is a %s, not a stock: it has no stock mode",
                               m->procs[process].name, flow_kind_name(m->procs[process].kind));
    if ((unsigned)mode > FLOW_STOCK_INUSE_DRIVEN)
        return flow_model__err(&m->cur, FLOW_EINVAL, "process '%s': invalid stock mode %d",
                               m->procs[process].name, (int)mode);
    m->procs[process].smode = mode;
    return 0;
}

int flow_model_set_lifetime(flow_model *m, int process, const flow_lifetime *lt)
{
    int rc;
    if ((rc = check_mutable(m, "a lifetime")) || (rc = check_process(m, process, "lifetime")))
        return rc;
    if (!lt)
        return flow_model__err(&m->cur, FLOW_EINVAL, "process '%s': lifetime is NULL", m->procs[process].name);
    if ((rc = flow_lifetime_check(lt)))
        return flow_model__err(&m->cur, rc, "process '%s': %s", m->procs[process].name, flow_error_last());
    /* whether the process is an in-use stock is checked at compile: the
     * mode may still be set after the lifetime */
    m->procs[process].has_lifetime = 1;
    m->procs[process].lt = *lt;
    m->procs[process].lt_origin = m->cur;
    return 0;
}

int flow_model_add_flow(flow_model *m, int from, int to, int material, flow_mode mode,
                        double coef, int param, int *idx)
{
    int rc;
    if (m->compiled)
        return flow_model__err(&m->cur, FLOW_ESTATE, "cannot add a flow: the model is compiled");
    if ((rc = check_process(m, from, "flow")) || (rc = check_process(m, to, "flow")))
        return rc;
    if (material != FLOW_ALL && (rc = check_material(m, material, "flow")))
        return rc;
    if (m->procs[from].type)
        return flow_model__err(&m->cur, FLOW_EINVAL,
                               "flow %s->%s: '%s' is of type '%s' and sends only through its ports "
                               "(flow_model_add_port_flow)",
                               m->procs[from].name, m->procs[to].name, m->procs[from].name,
                               m->procs[from].type->name);
    if ((unsigned)mode > FLOW_REST)
        return flow_model__err(&m->cur, FLOW_EINVAL, "flow %s->%s: invalid mode %d",
                               m->procs[from].name, m->procs[to].name, (int)mode);
    if (mode != FLOW_REST) {
        if (param != FLOW_NONE && (rc = check_param(m, param, "flow")))
            return rc;
        if (!isfinite(coef) || coef < 0)
            return flow_model__err(&m->cur, FLOW_EVALUE, "flow %s->%s: coefficient %g must be finite and >= 0",
                                   m->procs[from].name, m->procs[to].name, coef);
    } else {
        coef = 1;
        param = FLOW_NONE;
    }
    if ((rc = flow_alloc__grow(&m->alloc, (void **)&m->flows, &m->cap_flows, m->n_flows + 1,
                               sizeof *m->flows, "the flow table")))
        return rc;
    flow_flowdef *f = &m->flows[m->n_flows];
    f->from = from;
    f->to = to;
    f->material = material;
    f->mode = mode;
    f->coef = coef;
    f->param = param;
    f->origin = m->cur;
    if (idx)
        *idx = (int)m->n_flows;
    m->n_flows++;
    return 0;
}

/* ---- look-ups -------------------------------------------------------------- */

int flow_model_find_material(const flow_model *m, const char *name, int *idx)
{
    int i = name ? flow_nameidx__find(&m->mat_ix, name, m->mats, sizeof *m->mats) : -1;
    if (i < 0)
        return not_found("material", name ? name : "(null)", m->mats, m->n_mats, sizeof *m->mats);
    if (idx)
        *idx = i;
    return 0;
}

int flow_model_find_param(const flow_model *m, const char *name, int *idx)
{
    int i = name ? flow_nameidx__find(&m->param_ix, name, m->params, sizeof *m->params) : -1;
    if (i < 0)
        return not_found("parameter", name ? name : "(null)", m->params, m->n_params, sizeof *m->params);
    if (idx)
        *idx = i;
    return 0;
}

int flow_model_find_process(const flow_model *m, const char *name, int *idx)
{
    int i = name ? flow_nameidx__find(&m->proc_ix, name, m->procs, sizeof *m->procs) : -1;
    if (i < 0)
        return not_found("process", name ? name : "(null)", m->procs, m->n_procs, sizeof *m->procs);
    if (idx)
        *idx = i;
    return 0;
}

int flow_model_n_materials(const flow_model *m) { return (int)m->n_mats; }
int flow_model_n_params(const flow_model *m) { return (int)m->n_params; }
int flow_model_n_processes(const flow_model *m) { return (int)m->n_procs; }
int flow_model_n_flows(const flow_model *m) { return (int)m->n_flows; }

const char *flow_model_material_name(const flow_model *m, int i)
{
    return i >= 0 && (size_t)i < m->n_mats ? m->mats[i].name : NULL;
}

flow_category flow_model_material_category(const flow_model *m, int i)
{
    return i >= 0 && (size_t)i < m->n_mats ? m->mats[i].cat : FLOW_CAT_COUNT_;
}

const char *flow_model_material_unit(const flow_model *m, int i)
{
    return i >= 0 && (size_t)i < m->n_mats ? m->mats[i].unit : NULL;
}

const char *flow_model_param_name(const flow_model *m, int i)
{
    return i >= 0 && (size_t)i < m->n_params ? m->params[i].name : NULL;
}

const char *flow_model_process_name(const flow_model *m, int i)
{
    return i >= 0 && (size_t)i < m->n_procs ? m->procs[i].name : NULL;
}

flow_kind flow_model_process_kind(const flow_model *m, int i)
{
    return i >= 0 && (size_t)i < m->n_procs ? m->procs[i].kind : (flow_kind)-1;
}
