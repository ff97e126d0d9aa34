/*
 * plugin.c — process types: the registry, the module loader and the
 * accessors a type's callbacks use (flow_plugin.h).
 *
 * The registry is libflow's only global mutable state: an array of entries,
 * each a copy of a validated descriptor (the prefix this ABI knows, in a
 * zeroed struct: nbdkit's server/plugins.c), the file it came from and its
 * libltdl handle. One mutex guards the registry and every libltdl call
 * (libltdl keeps global state of its own). Modules stay open until
 * flow_plugin_shutdown().
 *
 * The search path is walked here, not by libltdl: lt_dlopenext() gets
 * "dir/type", so libltdl's own path (LTDL_LIBRARY_PATH, LD_LIBRARY_PATH)
 * never changes which module is found, and a refusal names the file.
 */
#include <assert.h>
#include <dirent.h>
#if defined(__unix__) || defined(__APPLE__)
#include <dlfcn.h>
#define HAVE_DLOPEN_ 1
#endif
#include <ltdl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flow_int.h"
#include "flow_plugin.h"

#ifndef FLOW_PLUGINDIR
#define FLOW_PLUGINDIR ""
#endif

/* The bytes of the descriptor that ABI 1.0 defines: a module must provide
 * at least these. */
#define SIZE_1_0 (offsetof(flow_process_type, fini) + sizeof(void (*)(void *)))

/* Type names double as file names: keep them short and plain. */
#define NAME_MAX_LEN 64

#define ENTRY_SYMBOL "flow_plugin_entry"

typedef struct entry {
    flow_process_type t;  /* first: flow_plugin_origin() casts back */
    char *file;           /* NULL: registered by flow_plugin_register() */
    lt_dlhandle h;        /* NULL for a registered type */
} entry;

/* A PTHREAD_MUTEX_INITIALIZER needs no pthread_once; libltdl is set up on
 * first use under the lock (lt_ready), so that flow_plugin_shutdown() can
 * tear everything down and a later call start again. */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static entry **reg;
static size_t n_reg, cap_reg;
static int lt_ready;

static const flow_allocator *const A = &flow_alloc__default;

/* ---- the context of a callback -------------------------------------------- */

/* A type's callback called an accessor wrongly: noted in the context (the
 * first mistake only), and the core fails the call naming the process and
 * its type (sim.c, flow_type__misuse); never an assertion, which would
 * take the whole program down for a module's bug. */
static void misuse(const flow_type_ctx *ctx, const char *fn, const char *what, int i, size_t n)
{
    if (ctx && ctx->misuse && !ctx->misuse[0])
        snprintf(ctx->misuse, FLOW_MISUSE_LEN, "%s: %s %d is not in [0, %zu)", fn, what, i, n);
}

int flow_type_ctx_year(const flow_type_ctx *ctx)
{
    assert(ctx);
    if (ctx->touched) /* a transfer that depends on the year is asked every year */
        *ctx->touched = 1;
    return ctx->year;
}

const char *flow_type_ctx_process(const flow_type_ctx *ctx)
{
    assert(ctx);
    return ctx->process;
}

int flow_type_ctx_n_materials(const flow_type_ctx *ctx)
{
    assert(ctx && ctx->model);
    return (int)ctx->model->n_mats;
}

const char *flow_type_ctx_material_name(const flow_type_ctx *ctx, int m)
{
    assert(ctx && ctx->model);
    if (m < 0 || (size_t)m >= ctx->model->n_mats) {
        misuse(ctx, "flow_type_ctx_material_name", "material", m, ctx->model->n_mats);
        return NULL;
    }
    return ctx->model->mats[m].name;
}

flow_category flow_type_ctx_material_category(const flow_type_ctx *ctx, int m)
{
    assert(ctx && ctx->model);
    if (m < 0 || (size_t)m >= ctx->model->n_mats) {
        misuse(ctx, "flow_type_ctx_material_category", "material", m, ctx->model->n_mats);
        return FLOW_CAT_COUNT_;
    }
    return ctx->model->mats[m].cat;
}

int flow_type_ctx_find_material(const flow_type_ctx *ctx, const char *name)
{
    assert(ctx && ctx->model);
    if (!name)
        return -1;
    const flow_model *m = ctx->model;
    return flow_nameidx__find(&m->mat_ix, name, m->mats, sizeof *m->mats);
}

const double *flow_type_ctx_params(const flow_type_ctx *ctx)
{
    assert(ctx);
    return ctx->param;
}

void flow_type_ctx_years(const flow_type_ctx *ctx, int *first, int *last)
{
    assert(ctx && ctx->model);
    if (first)
        *first = ctx->model->first;
    if (last)
        *last = ctx->model->last;
}

const double *flow_type_ctx_stocks(const flow_type_ctx *ctx)
{
    assert(ctx && ctx->model);
    if (ctx->touched)
        *ctx->touched = 1;
    return ctx->stock;
}

double flow_type_ctx_stock(const flow_type_ctx *ctx, int m)
{
    assert(ctx && ctx->model);
    if (ctx->touched)
        *ctx->touched = 1;
    if (m < 0 || (size_t)m >= ctx->model->n_mats) {
        misuse(ctx, "flow_type_ctx_stock", "material", m, ctx->model->n_mats);
        return 0;
    }
    if (!ctx->stock)
        return 0;
    return ctx->stock[m];
}

void *flow_type_ctx_type_data(const flow_type_ctx *ctx)
{
    assert(ctx);
    return ctx->type ? ctx->type->type_data : NULL;
}

int flow_type_ctx_type_material(const flow_type_ctx *ctx, int i)
{
    assert(ctx);
    if (!ctx->type || i < 0 || (size_t)i >= ctx->type->n_materials) {
        misuse(ctx, "flow_type_ctx_type_material", "index", i, ctx->type ? ctx->type->n_materials : 0);
        return -1;
    }
    return flow_type_ctx_find_material(ctx, ctx->type->materials[i]);
}

double flow_type_ctx_param(const flow_type_ctx *ctx, int i)
{
    assert(ctx);
    if (i < 0 || i >= ctx->n_params) {
        misuse(ctx, "flow_type_ctx_param", "parameter", i, (size_t)(ctx->n_params > 0 ? ctx->n_params : 0));
        return NAN;
    }
    return ctx->param[i];
}

/* ---- the transfer being filled -------------------------------------------- */

/* T is the first member of the box the core made (typed.c): the box
 * holds the row marks and the callback's misuse buffer. */
double *flow_transfer_row(flow_transfer *T, int port, int m_out)
{
    assert(T);
    flow_transfer_box *b = (flow_transfer_box *)T;
    const int bad_port = port < 0 || port >= T->n_ports;
    if (bad_port || m_out < 0 || m_out >= T->n_materials) {
        if (b->misuse && !b->misuse[0])
            snprintf(b->misuse, FLOW_MISUSE_LEN, "flow_transfer_row: %s %d is not in [0, %d)",
                     bad_port ? "port" : "material", bad_port ? port : m_out,
                     bad_port ? T->n_ports : T->n_materials);
        return NULL;
    }
    size_t r = (size_t)port * (size_t)T->n_materials + (size_t)m_out;
    if (!b->mark[r] && b->rows)
        b->rows[b->nrows++] = (int)r;
    b->mark[r] = 1;
    return T->coef + r * (size_t)T->n_materials;
}

/* ---- validation ---------------------------------------------------------- */

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int valid_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return n > 0 && n <= NAME_MAX_LEN;
}

/* Refuses a descriptor: "<where>: type '<name>': <reason>". where is the
 * module's file, or NULL for a type registered by a program. */
static int refuse(const char *where, const char *name, const char *fmt, ...) FLOW_PRINTF(3, 4);

static int refuse(const char *where, const char *name, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (name)
        return flow_error__set(FLOW_EPLUGIN, "%s%stype '%s': %s", where ? where : "",
                               where ? ": " : "", name, reason);
    return flow_error__set(FLOW_EPLUGIN, "%s%s%s", where ? where : "", where ? ": " : "", reason);
}

/* Names in a table of n objects of size stride (name pointer first):
 * index of the first one that repeats an earlier one, or -1. */
static long first_duplicate(const void *arr, size_t n, size_t stride)
{
    for (size_t i = 1; i < n; i++) {
        const char *a = *(const char *const *)((const char *)arr + i * stride);
        for (size_t j = 0; j < i; j++)
            if (strcmp(a, *(const char *const *)((const char *)arr + j * stride)) == 0)
                return (long)i;
    }
    return -1;
}

static int check_names(const char *where, const char *type, const char *what,
                       const char *const *names, size_t n)
{
    if (n > 0 && !names)
        return refuse(where, type, "n_%ss is %zu but %ss is NULL", what, n, what);
    for (size_t i = 0; i < n; i++)
        if (!names[i] || !names[i][0])
            return refuse(where, type, "%s %zu has no name", what, i);
    long d = first_duplicate(names, n, sizeof *names);
    if (d >= 0)
        return refuse(where, type, "%s '%s' is declared twice", what, names[d]);
    return 0;
}

/* Checks t and copies into *c the prefix this ABI knows, the rest zeroed
 * (what a module built for an older minor version lacks reads as NULL /
 * 0). Reads no field of t beyond struct_size. */
static int validate(const flow_process_type *t, const char *where, flow_process_type *c)
{
    if (t->abi_major != FLOW_PLUGIN_ABI_MAJOR)
        return refuse(where, NULL, "built for plugin ABI %lu.%lu; this libflow takes %d.x",
                      (unsigned long)t->abi_major, (unsigned long)t->abi_minor,
                      FLOW_PLUGIN_ABI_MAJOR);
    if (t->struct_size < SIZE_1_0)
        return refuse(where, NULL,
                      "descriptor of %zu bytes, shorter than the %zu of plugin ABI %d.0 "
                      "(struct_size not stamped by FLOW_PLUGIN_DEFINE?)",
                      t->struct_size, (size_t)SIZE_1_0, FLOW_PLUGIN_ABI_MAJOR);
    size_t size = t->struct_size < sizeof *c ? t->struct_size : sizeof *c;
    memset(c, 0, sizeof *c);
    memcpy(c, t, size);

    if (!c->name || !c->name[0])
        return refuse(where, NULL, "the type has no name");
    if (!valid_name(c->name))
        return refuse(where, NULL,
                      "type name '%.80s' is not 1 to %d letters, digits, '_' or '-'",
                      c->name, NAME_MAX_LEN);
    const char *n = c->name;
    if (!c->transfer)
        return refuse(where, n, "no transfer callback (it is required)");
    if (c->n_ports == 0)
        return refuse(where, n, "no output port (n_ports is 0; at least one is required)");
    int rc = check_names(where, n, "port", c->ports, c->n_ports);
    if (rc == 0)
        rc = check_names(where, n, "metric", c->metrics, c->n_metrics);
    if (rc == 0)
        rc = check_names(where, n, "material", c->materials, c->n_materials);
    if (rc)
        return rc;
    if (c->n_params > 0 && !c->params)
        return refuse(where, n, "n_params is %zu but params is NULL", c->n_params);
    if (c->state_size > FLOW_STATE_MAX)
        return refuse(where, n, "state_size %zu is more than the %zu bytes a process's state may take",
                      c->state_size, (size_t)FLOW_STATE_MAX);
    for (size_t i = 0; i < c->n_params; i++) {
        const flow_param_decl *p = &c->params[i];
        if (!p->name || !p->name[0])
            return refuse(where, n, "parameter %zu has no name", i);
        if (isnan(p->def) || isnan(p->lo) || isnan(p->hi))
            return refuse(where, n, "parameter '%s': NaN in its default or bounds", p->name);
        if (p->lo > p->hi)
            return refuse(where, n, "parameter '%s': lower bound %g is above upper bound %g",
                          p->name, p->lo, p->hi);
        if (!(p->def >= p->lo && p->def <= p->hi) || isinf(p->def))
            return refuse(where, n, "parameter '%s': default %g outside its bounds [%g, %g]",
                          p->name, p->def, p->lo, p->hi);
    }
    long d = first_duplicate(c->params, c->n_params, sizeof *c->params);
    if (d >= 0)
        return refuse(where, n, "parameter '%s' is declared twice", c->params[d].name);
    return 0;
}

/* ---- the registry (callers hold reg_lock) -------------------------------- */

static entry *lookup(const char *name)
{
    for (size_t i = 0; i < n_reg; i++)
        if (strcmp(reg[i]->t.name, name) == 0)
            return reg[i];
    return NULL;
}

/* Adds the validated copy c; file is copied (may be NULL). */
static int insert(const flow_process_type *c, const char *file, lt_dlhandle h, entry **out)
{
    entry *old = lookup(c->name);
    if (old)
        return flow_error__set(FLOW_EEXIST, "%s%stype '%s' is already registered (%s%s)",
                               file ? file : "", file ? ": " : "", c->name,
                               old->file ? "from " : "built in", old->file ? old->file : "");
    if (flow_alloc__grow(A, (void **)&reg, &cap_reg, n_reg + 1, sizeof *reg,
                         "the plugin registry"))
        return FLOW_ENOMEM;
    entry *e = flow_alloc__calloc(A, 1, sizeof *e);
    if (!e)
        return flow_error__nomem("the plugin registry");
    if (file && !(e->file = flow_alloc__strdup(A, file))) {
        flow_alloc__free(A, e);
        return flow_error__nomem("the plugin registry");
    }
    e->t = *c;
    e->h = h;
    reg[n_reg++] = e;
    *out = e;
    return 0;
}

static int ensure_ltdl(void)
{
    if (lt_ready)
        return 0;
    if (lt_dlinit() != 0)
        return flow_error__set(FLOW_EPLUGIN, "cannot initialise libltdl: %s", lt_dlerror());
    lt_ready = 1;
    return 0;
}

/* Why file, an existing module that libltdl could not open, does not
 * load. libltdl tries its loaders in turn and the last one's "file not
 * found" hides the dynamic loader's reason (a missing library, an
 * undefined symbol, no ELF at all); ask the dynamic loader again. For a
 * .la, the shared object it names (dlname), in .libs/ (uninstalled) or
 * beside it (installed). Writes into buf. */
static const char *load_reason(const char *file, char *buf, size_t n)
{
    snprintf(buf, n, "%s", "the dynamic loader refused it");
#ifdef HAVE_DLOPEN_
    char so[1024];
    size_t len = strlen(file);
    snprintf(so, sizeof so, "%s", file);
    if (len > 3 && strcmp(file + len - 3, ".la") == 0) {
        FILE *fp = fopen(file, "r");
        char line[512], dlname[256] = "";
        while (fp && fgets(line, sizeof line, fp))
            if (sscanf(line, "dlname='%255[^']'", dlname) == 1)
                break;
        if (fp)
            fclose(fp);
        if (!dlname[0]) {
            snprintf(buf, n, "%s", "a libtool archive that names no shared object (dlname)");
            return buf;
        }
        const char *slash = strrchr(file, '/');
        int dirlen = slash ? (int)(slash - file + 1) : 0;
        snprintf(so, sizeof so, "%.*s.libs/%s", dirlen, file, dlname);
        if (!is_file(so))
            snprintf(so, sizeof so, "%.*s%s", dirlen, file, dlname);
    }
    void *h = dlopen(so, RTLD_LAZY | RTLD_LOCAL);
    if (h) {
        dlclose(h); /* loads now: it was a passing condition */
        return buf;
    }
    const char *e = dlerror();
    if (e)
        snprintf(buf, n, "%s", e);
#endif
    return buf;
}

/* Opens a module (open_name as lt_dlopenext() takes it; file names it in
 * messages), validates its type and registers it. expect: the type name
 * the module must declare, or NULL. */
static int load_module(const char *open_name, const char *file, const char *expect,
                       entry **out)
{
    int rc = ensure_ltdl();
    if (rc)
        return rc;
    lt_dlhandle h = lt_dlopenext(open_name);
    if (!h) {
        const char *why = lt_dlerror();
        char buf[512];
        if (is_file(file))
            why = load_reason(file, buf, sizeof buf);
        return flow_error__set(FLOW_EPLUGIN, "%s: not a loadable module: %s", file,
                               why ? why : "unknown error");
    }
    /* libltdl hands back the same handle for a file already open (one
     * more reference): the type is registered already. */
    for (size_t i = 0; i < n_reg; i++)
        if (reg[i]->h == h) {
            lt_dlclose(h);
            if (expect && strcmp(reg[i]->t.name, expect) != 0)
                return refuse(file, reg[i]->t.name,
                              "the module is named '%s' but declares another type", expect);
            *out = reg[i];
            return 0;
        }

    void *sym = lt_dlsym(h, ENTRY_SYMBOL);
    if (!sym) {
        lt_dlclose(h);
        return flow_error__set(FLOW_EPLUGIN, "%s: no %s symbol: not a libflow plugin", file,
                               ENTRY_SYMBOL);
    }
    /* POSIX lets a data pointer from dlsym hold a function; ISO C does not
     * convert between them, hence the copy. */
    const flow_process_type *(*fn)(void);
    memcpy(&fn, &sym, sizeof fn);
    const flow_process_type *t = fn();
    flow_process_type c;
    if (!t)
        rc = flow_error__set(FLOW_EPLUGIN, "%s: %s() returned NULL", file, ENTRY_SYMBOL);
    else
        rc = validate(t, file, &c);
    if (rc == 0 && expect && strcmp(c.name, expect) != 0)
        rc = refuse(file, c.name, "the module is named '%s' but declares another type "
                    "(a module must be named after its type)", expect);
    if (rc == 0)
        rc = insert(&c, file, h, out);
    if (rc)
        lt_dlclose(h);
    return rc;
}

/* ---- the search path ------------------------------------------------------ */

/* The folder searched after $FLOW_PLUGIN_PATH: the build tree's plugins/
 * when this is the uninstalled libflow of that tree (buildtree.c), else
 * the installed plugin directory; "" for none. Never both: a build tree
 * must not pick up the older modules of an installed libflow, nor an
 * installed libflow those of a build tree. */
static const char *plugin_dir(void)
{
#ifdef FLOW_BUILDDIR
    if (flow_buildtree__root())
        return FLOW_BUILDDIR "/plugins";
#endif
    return FLOW_PLUGINDIR;
}

/* Calls fn on each directory of $FLOW_PLUGIN_PATH, then plugin_dir(),
 * until fn returns non-zero; returns that, or 0. FLOW_ENOMEM is possible. */
static int each_dir(int (*fn)(const char *dir, void *ud), void *ud)
{
    const char *env = getenv("FLOW_PLUGIN_PATH");
    if (env && env[0]) {
        char *copy = flow_alloc__strdup(A, env);
        if (!copy)
            return flow_error__nomem("the plugin search path");
        int rc = 0;
        for (char *d = copy, *next; d && rc == 0; d = next) {
            next = strchr(d, ':');
            if (next)
                *next++ = '\0';
            if (d[0])
                rc = fn(d, ud);
        }
        flow_alloc__free(A, copy);
        if (rc)
            return rc;
    }
    return plugin_dir()[0] ? fn(plugin_dir(), ud) : 0;
}

static char *concat(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = flow_alloc__malloc(A, n);
    if (s)
        snprintf(s, n, "%s%s", a, b);
    return s;
}

static char *join(const char *dir, const char *name, const char *ext)
{
    size_t n = strlen(dir) + 1 + strlen(name) + strlen(ext) + 1;
    char *s = flow_alloc__malloc(A, n);
    if (s)
        snprintf(s, n, "%s/%s%s", dir, name, ext);
    return s;
}

typedef struct find_state {
    const char *type;
    entry *found;
    int rc;
} find_state;

/* 1 when the directory holds the module (fs->rc then says how loading it
 * went), 0 to look further, or FLOW_ENOMEM. */
static int find_in_dir(const char *dir, void *ud)
{
    find_state *fs = ud;
    char *base = join(dir, fs->type, "");
    char *la = join(dir, fs->type, ".la");
    char *so = join(dir, fs->type, ".so");
    int rc = 0;
    if (!base || !la || !so)
        rc = flow_error__nomem("a plugin file name");
    else if (is_file(la) || is_file(so)) {
        /* lt_dlopenext() tries base.la, then base.so: name the same file */
        fs->rc = load_module(base, is_file(la) ? la : so, fs->type, &fs->found);
        rc = 1;
    }
    flow_alloc__free(A, base);
    flow_alloc__free(A, la);
    flow_alloc__free(A, so);
    return rc;
}

typedef struct name_list {
    char **v;
    size_t n, cap;
    int rc;
} name_list;

static int add_name(name_list *l, const char *s, size_t len)
{
    if (flow_alloc__grow(A, (void **)&l->v, &l->cap, l->n + 2, sizeof *l->v, "a list of types"))
        return FLOW_ENOMEM;
    char *d = flow_alloc__malloc(A, len + 1);
    if (!d)
        return flow_error__nomem("a list of types");
    memcpy(d, s, len);
    d[len] = '\0';
    l->v[l->n++] = d;
    l->v[l->n] = NULL;
    return 0;
}

static int scan_dir(const char *dir, void *ud)
{
    name_list *l = ud;
    DIR *dp = opendir(dir);
    if (!dp)
        return 0; /* a directory that does not exist holds no module */
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 4 || (strcmp(de->d_name + len - 3, ".la") != 0 &&
                        strcmp(de->d_name + len - 3, ".so") != 0))
            continue;
        char stem[NAME_MAX_LEN + 1];
        if (len - 3 > NAME_MAX_LEN)
            continue;
        memcpy(stem, de->d_name, len - 3);
        stem[len - 3] = '\0';
        if (valid_name(stem))
            rc = add_name(l, stem, len - 3);
    }
    closedir(dp);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Registered types and modules on the path, sorted, unique (lock held). */
static int collect_names(name_list *l)
{
    memset(l, 0, sizeof *l);
    int rc = 0;
    for (size_t i = 0; i < n_reg && rc == 0; i++)
        rc = add_name(l, reg[i]->t.name, strlen(reg[i]->t.name));
    if (rc == 0)
        rc = each_dir(scan_dir, l);
    if (rc) {
        flow_plugin_list_free(l->v);
        memset(l, 0, sizeof *l);
        return rc;
    }
    if (l->n == 0)
        return 0;
    qsort(l->v, l->n, sizeof *l->v, cmp_str);
    size_t k = 1;
    for (size_t i = 1; i < l->n; i++) {
        if (strcmp(l->v[i], l->v[k - 1]) == 0)
            flow_alloc__free(A, l->v[i]);
        else
            l->v[k++] = l->v[i];
    }
    l->n = k;
    l->v[k] = NULL;
    return 0;
}

/* FLOW_ENOTFOUND for type, listing the types known and the nearest. */
static int unknown_type(const char *type)
{
    name_list l;
    int rc = collect_names(&l);
    if (rc)
        return rc;
    char known[600];
    size_t k = 0;
    known[0] = '\0';
    for (size_t i = 0; i < l.n && k < sizeof known; i++)
        k += (size_t)snprintf(known + k, sizeof known - k, "%s%s", i ? ", " : "", l.v[i]);
    if (k >= sizeof known)
        memcpy(known + sizeof known - 5, "...", 4);
    const char *near = l.n ? flow_model__nearest(type, (const char *const *)l.v, l.n,
                                                 sizeof *l.v) : NULL;
    const char *path = getenv("FLOW_PLUGIN_PATH");
    rc = flow_error__set(FLOW_ENOTFOUND,
                         "no process type '%s'%s%s%s; known types: %s (searched %s%s%s)",
                         type, near ? " (did you mean '" : "", near ? near : "",
                         near ? "'?)" : "", l.n ? known : "none",
                         path && path[0] ? "$FLOW_PLUGIN_PATH, " : "",
                         plugin_dir()[0] ? plugin_dir() : "",
                         plugin_dir()[0] ? "" : "no installed directory");
    flow_plugin_list_free(l.v);
    return rc;
}

/* ---- the public functions ------------------------------------------------- */

int flow_plugin_register(const flow_process_type *t)
{
    assert(t);
    if (!t)
        return flow_error__set(FLOW_EINVAL, "flow_plugin_register: NULL type");
    flow_process_type c;
    int rc = validate(t, NULL, &c);
    if (rc)
        return rc;
    entry *e;
    pthread_mutex_lock(&reg_lock);
    rc = insert(&c, NULL, NULL, &e);
    pthread_mutex_unlock(&reg_lock);
    return rc;
}

int flow_plugin_unregister(const char *name)
{
    assert(name);
    int rc = 0;
    pthread_mutex_lock(&reg_lock);
    size_t i = 0;
    while (i < n_reg && strcmp(reg[i]->t.name, name ? name : "") != 0)
        i++;
    if (i == n_reg) {
        rc = flow_error__set(FLOW_ENOTFOUND, "no process type '%s' is registered", name ? name : "(null)");
    } else if (reg[i]->h) {
        rc = flow_error__set(FLOW_EINVAL, "type '%s' was loaded from %s: modules stay loaded until "
                                          "flow_plugin_shutdown()", name, reg[i]->file);
    } else {
        flow_alloc__free(A, reg[i]->file);
        flow_alloc__free(A, reg[i]);
        memmove(reg + i, reg + i + 1, (n_reg - i - 1) * sizeof *reg);
        n_reg--;
    }
    pthread_mutex_unlock(&reg_lock);
    return rc;
}

int flow_plugin_find(const char *type, const flow_process_type **out)
{
    assert(type && out);
    if (!out)
        return flow_error__set(FLOW_EINVAL, "flow_plugin_find: NULL out");
    *out = NULL;
    if (!type || !valid_name(type))
        return flow_error__set(FLOW_EINVAL,
                               "'%.80s' is not a process type name (1 to %d letters, "
                               "digits, '_' or '-')", type ? type : "(null)", NAME_MAX_LEN);
    pthread_mutex_lock(&reg_lock);
    entry *e = lookup(type);
    int rc = 0;
    if (!e) {
        find_state fs = { type, NULL, 0 };
        rc = each_dir(find_in_dir, &fs);
        if (rc == 1) {
            rc = fs.rc;
            e = fs.found;
        } else if (rc == 0) {
            rc = unknown_type(type);
        }
    }
    pthread_mutex_unlock(&reg_lock);
    if (rc == 0)
        *out = &e->t;
    return rc;
}

int flow_plugin_load_file(const char *path, const flow_process_type **out)
{
    assert(path);
    if (out)
        *out = NULL;
    if (!path || !path[0])
        return flow_error__set(FLOW_EINVAL, "flow_plugin_load_file: no file name");
    /* messages name the file libltdl will open: path, else path.la,
     * else path.so */
    char *la = concat(path, ".la"), *so = concat(path, ".so");
    if (!la || !so) {
        flow_alloc__free(A, la);
        flow_alloc__free(A, so);
        return flow_error__nomem("a plugin file name");
    }
    const char *file = is_file(path) ? path : is_file(la) ? la : is_file(so) ? so : path;
    entry *e = NULL;
    pthread_mutex_lock(&reg_lock);
    int rc = load_module(path, file, NULL, &e);
    pthread_mutex_unlock(&reg_lock);
    flow_alloc__free(A, la);
    flow_alloc__free(A, so);
    if (rc == 0 && out)
        *out = &e->t;
    return rc;
}

int flow_plugin_list(char ***out, size_t *n)
{
    assert(out);
    name_list l;
    pthread_mutex_lock(&reg_lock);
    int rc = collect_names(&l);
    pthread_mutex_unlock(&reg_lock);
    if (rc == 0 && !l.v) {
        /* an empty list is still an array */
        l.v = flow_alloc__calloc(A, 1, sizeof *l.v);
        if (!l.v)
            rc = flow_error__nomem("a list of types");
    }
    *out = rc ? NULL : l.v;
    if (n)
        *n = rc ? 0 : l.n;
    return rc;
}

void flow_plugin_list_free(char **names)
{
    if (!names)
        return;
    for (char **p = names; *p; p++)
        flow_alloc__free(A, *p);
    flow_alloc__free(A, names);
}

const char *flow_plugin_origin(const flow_process_type *t)
{
    assert(t);
    return ((const entry *)t)->file;
}

const char *flow_plugin_dir(void)
{
    return plugin_dir();
}

/* Adds a directory of the search path to a name_list (each_dir). */
static int add_dir(const char *dir, void *ud)
{
    return add_name(ud, dir, strlen(dir));
}

int flow_plugin_path(char ***out, size_t *n)
{
    assert(out);
    name_list l;
    memset(&l, 0, sizeof l);
    int rc = each_dir(add_dir, &l);
    if (rc == 0 && !l.v) {
        l.v = flow_alloc__calloc(A, 1, sizeof *l.v);
        if (!l.v)
            rc = flow_error__nomem("the plugin search path");
    }
    if (rc) {
        flow_plugin_list_free(l.v);
        l.v = NULL;
        l.n = 0;
    }
    *out = l.v;
    if (n)
        *n = l.n;
    return rc;
}

int flow_plugin_check_param(const flow_process_type *t, const char *name, double value,
                            int *index)
{
    assert(t && name);
    for (size_t i = 0; i < t->n_params; i++) {
        const flow_param_decl *p = &t->params[i];
        if (strcmp(p->name, name) != 0)
            continue;
        if (index)
            *index = (int)i;
        if (!isfinite(value))
            return flow_error__set(FLOW_EVALUE,
                                   "type '%s': parameter '%s' = %g is not a finite number",
                                   t->name, name, value);
        if (value < p->lo || value > p->hi)
            return flow_error__set(FLOW_EVALUE,
                                   "type '%s': parameter '%s' = %g is outside its bounds "
                                   "[%g, %g]%s%s", t->name, name, value, p->lo, p->hi,
                                   p->unit ? " " : "", p->unit ? p->unit : "");
        return 0;
    }
    if (t->n_params == 0)
        return flow_error__set(FLOW_ENOTFOUND,
                               "type '%s' has no parameter '%s'; it declares none", t->name,
                               name);
    /* The declared names, nearest first (insertion sort: a type declares
     * a handful). */
    size_t n = t->n_params < 32 ? t->n_params : 32;
    size_t order[32], dist[32];
    for (size_t i = 0; i < n; i++) {
        size_t d = flow_util__levenshtein(name, t->params[i].name), j = i;
        for (; j > 0 && dist[j - 1] > d; j--) {
            dist[j] = dist[j - 1];
            order[j] = order[j - 1];
        }
        dist[j] = d;
        order[j] = i;
    }
    char list[512];
    size_t k = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && k < sizeof list; i++)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
                              t->params[order[i]].name);
    const char *near = flow_model__nearest(name, &t->params[0].name, t->n_params,
                                           sizeof *t->params);
    return flow_error__set(FLOW_ENOTFOUND,
                           "type '%s' has no parameter '%s'%s%s%s; it declares: %s%s", t->name,
                           name, near ? " (did you mean '" : "", near ? near : "",
                           near ? "'?)" : "", list, t->n_params > n ? ", ..." : "");
}

void flow_plugin_shutdown(void)
{
    pthread_mutex_lock(&reg_lock);
    for (size_t i = n_reg; i-- > 0;) {
        if (reg[i]->h)
            lt_dlclose(reg[i]->h);
        flow_alloc__free(A, reg[i]->file);
        flow_alloc__free(A, reg[i]);
    }
    flow_alloc__free(A, reg);
    reg = NULL;
    n_reg = cap_reg = 0;
    if (lt_ready) {
        lt_dlexit();
        lt_ready = 0;
    }
    pthread_mutex_unlock(&reg_lock);
}
