/*
 * h5read.c — the results store's reader: the file's identity and
 * version checked first, then each (scenario, kind) loaded lazily at its
 * first use. See h5.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "h5_int.h"

/* The scenarios' names, in the order listed; a link that is not a hard
 * link, or a name that cannot name a scenario, ends the listing with rc. */
typedef struct scen_list {
    flow_results *r;
    int rc;
} scen_list;

static herr_t add_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    scen_list *l = data;
    flow_results *r = l->r;
    if (info->type != H5L_TYPE_HARD || !flow_h5__valid_scenario_name(name) || strlen(name) > 1000) {
        l->rc = flow_h5__corrupt(r, "/scenarios/%s is %s (refused)", name,
                                 info->type == H5L_TYPE_EXTERNAL ? "an external link"
                                 : info->type != H5L_TYPE_HARD  ? "a soft or user-defined link"
                                                                : "not a name of a scenario");
        return -1;
    }
    char **nv = flow_alloc__realloc(FLOW_H5_A, r->scen, (size_t)(r->n_scen + 1) * sizeof *nv);
    if (nv)
        r->scen = nv;
    if (!nv || !(r->scen[r->n_scen] = flow_alloc__strdup(FLOW_H5_A, name))) {
        l->rc = flow_error__nomem("a results file");
        return -1;
    }
    r->n_scen++;
    return 0;
}

/* The file is libflow results of a version this libflow reads: the
 * 'format' attribute, then 'format_version' (read first when 'format' is
 * variable-length, as in version 1, so that nothing is read from the
 * global heap of a file that is not version 1). */
static int check_identity(flow_results *r)
{
    char *format = NULL;
    long long version = 0;
    int rc = flow_h5__attr_str(r, r->file, "format", FLOW_H5_FORMAT_MAX, &format), vlen = rc == 1;
    if (rc < 0)
        return rc;
    if (!vlen && (!format || strcmp(format, FORMAT_NAME) != 0)) {
        rc = flow_error__set(FLOW_EINVAL, "%s: an HDF5 file, but not libflow results (its 'format' attribute is %s%s%s)",
                             r->path, format ? "'" : "missing", format ? format : "", format ? "'" : "");
        flow_alloc__free(FLOW_H5_A, format);
        return rc;
    }
    flow_alloc__free(FLOW_H5_A, format);
    if ((rc = flow_h5__attr_int(r, r->file, "format_version", &version)))
        return rc == FLOW_ENOTFOUND ? flow_error__set(FLOW_EINVAL, "%s: libflow results without a format_version", r->path)
                                    : rc;
    if (version == 1)
        return flow_error__set(FLOW_EINVAL, "%s: results format version 1 (an older libflow) keeps its strings in "
                               "HDF5's global heap, which libflow no longer reads; run the model again to write version %d",
                               r->path, FLOW_H5_READ_VERSION);
    if (version < 1 || version > FLOW_H5_READ_VERSION)
        return flow_error__set(FLOW_EINVAL, "%s: results format version %lld; this libflow (%s) reads version %d",
                               r->path, version, flow_version(), FLOW_H5_READ_VERSION);
    r->version = (int)version;
    if (vlen) { /* now read as the version says (refused in version 2) */
        if ((rc = flow_h5__attr_str(r, r->file, "format", FLOW_H5_FORMAT_MAX, &format)))
            return rc;
        rc = !format || strcmp(format, FORMAT_NAME) != 0
                 ? flow_error__set(FLOW_EINVAL, "%s: an HDF5 file, but not libflow results (its 'format' attribute is '%s')",
                                   r->path, format ? format : "")
                 : 0;
        flow_alloc__free(FLOW_H5_A, format);
    }
    return rc;
}

/* Lists the scenarios of /scenarios, in the order written where the file
 * tracks it. */
static int list_scenarios(flow_results *r)
{
    int rc;
    hid_t sg = flow_h5__open(r, NULL, "scenarios", H5I_GROUP, &rc);
    if (sg < 0)
        return rc ? rc : flow_h5__io_error(r, "has no scenarios group: truncated or corrupt");
    hid_t gcpl = H5Gget_create_plist(sg);
    unsigned crt = 0;
    if (gcpl >= 0) {
        H5Pget_link_creation_order(gcpl, &crt);
        H5Pclose(gcpl);
    }
    hsize_t idx = 0;
    scen_list l = { r, 0 };
    if (H5Literate(sg, (crt & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, &idx,
                   add_name, &l) < 0)
        rc = l.rc ? l.rc : flow_h5__io_error(r, "cannot list its scenarios: truncated or corrupt");
    H5Oclose(sg);
    if (!rc && !(r->sc = flow_alloc__calloc(FLOW_H5_A, r->n_scen ? (size_t)r->n_scen : 1, sizeof *r->sc)))
        rc = flow_error__nomem("a results file");
    return rc;
}

/* Opens path read-only, every object closed with the file (also after a
 * failed read of corrupted metadata). */
static int open_file(flow_results *r)
{
    htri_t is = H5Fis_hdf5(r->path);
    if (is == 0)
        return flow_error__set(FLOW_EIO, "%s: not an HDF5 file (so not a libflow results file)", r->path);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0)
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    r->file = is > 0 ? H5Fopen(r->path, H5F_ACC_RDONLY, fapl >= 0 ? fapl : H5P_DEFAULT) : -1;
    if (fapl >= 0)
        H5Pclose(fapl);
    if (r->file < 0)
        return flow_h5__io_error(r, "cannot be read: truncated or corrupt");
    if (H5Aexists(r->file, "format") < 0)
        return flow_h5__io_error(r, "cannot be read: its metadata are corrupt");
    return 0;
}

int flow_results_open(flow_results **out, const char *path)
{
    *out = NULL;
    if (!path || !path[0])
        return flow_error__set(FLOW_EINVAL, "flow_results_open: no path");
    struct stat st;
    if (stat(path, &st) != 0)
        return flow_error__set(FLOW_EIO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return flow_error__set(FLOW_EIO, "%s: not a file", path);
    /* HDF5 reports a file it may not read as unreadable, not why */
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return flow_error__set(FLOW_EIO, "%s: %s", path, strerror(errno));
    close(fd);
    flow_results *r = flow_alloc__calloc(FLOW_H5_A, 1, sizeof *r);
    if (!r || !(r->path = flow_alloc__strdup(FLOW_H5_A, path))) {
        flow_alloc__free(FLOW_H5_A, r);
        return flow_error__nomem("a results file");
    }
    r->file = r->samples = -1;
    r->fsize = (unsigned long long)st.st_size;
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    int rc = open_file(r);
    if (!rc)
        rc = check_identity(r);
    if (!rc)
        rc = list_scenarios(r);
    flow_h5__quiet_off(&q);
    if (rc) {
        flow_results_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int flow_results_n_scenarios(const flow_results *r)
{
    return r->writing ? 0 : r->n_scen;
}

const char *flow_results_scenario(const flow_results *r, int i)
{
    return !r->writing && i >= 0 && i < r->n_scen ? r->scen[i] : NULL;
}

int flow_results_find_scenario(const flow_results *r, const char *name, int *scenario)
{
    for (int i = 0; !r->writing && name && i < r->n_scen; i++)
        if (strcmp(r->scen[i], name) == 0) {
            if (scenario)
                *scenario = i;
            return 0;
        }
    char list[500];
    size_t len = 0;
    list[0] = '\0';
    for (int i = 0; i < r->n_scen && len < sizeof list - 80; i++) {
        int w = snprintf(list + len, sizeof list - len, "%s'%s'", i ? ", " : "", r->scen[i]);
        if (w > 0)
            len += (size_t)w;
    }
    const char *near = name && r->n_scen ? flow_model__nearest(name, (const char *const *)r->scen,
                                                               (size_t)r->n_scen, sizeof *r->scen)
                                         : NULL;
    return flow_error__set(FLOW_ENOTFOUND, "%s: no scenario '%s'%s%s%s (the file holds %s)", r->path,
                           name ? name : "(null)", near ? " (did you mean '" : "", near ? near : "",
                           near ? "'?)" : "", r->n_scen ? list : "none");
}

static int check_scen(const flow_results *r, int s)
{
    if (r->writing)
        return flow_error__set(FLOW_EINVAL, "%s: being written, not opened for reading", r->path);
    if (s < 0 || s >= r->n_scen)
        return flow_error__set(FLOW_ENOTFOUND, "%s: no scenario %d (the file holds %d)", r->path, s, r->n_scen);
    return 0;
}

/* Checks the years: consecutive four-digit calendar years, 1 to
 * FLOW_H5_YEARS_MAX of them (checked before they are read). */
static int check_years(flow_results *r, int s, hid_t d, int32_t **y, hsize_t *T)
{
    char path[1100];
    snprintf(path, sizeof path, "/scenarios/%s/years", r->scen[s]);
    int rc = flow_h5__shape(r, d, path, H5T_INTEGER, 1, T);
    if (!rc && (*T < 1 || *T > FLOW_H5_YEARS_MAX))
        rc = flow_h5__corrupt(r, "%s holds %llu years (1 to %d)", path, (unsigned long long)*T, FLOW_H5_YEARS_MAX);
    if (rc)
        return rc;
    if (!(*y = flow_alloc__malloc(FLOW_H5_A, (size_t)*T * sizeof **y)))
        return flow_error__nomem("the years");
    if (H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, *y) < 0)
        return flow_h5__corrupt(r, "cannot read %s", path);
    for (hsize_t i = 0; i < *T; i++)
        if ((*y)[i] < FLOW_YEAR_MIN || (*y)[i] > FLOW_YEAR_MAX || (*y)[i] != (*y)[0] + (int32_t)i)
            return flow_h5__corrupt(r, "%s: year %lld at %llu is not %s", path, (long long)(*y)[i],
                                    (unsigned long long)i,
                                    (*y)[i] < FLOW_YEAR_MIN || (*y)[i] > FLOW_YEAR_MAX ? "a four-digit year"
                                                                                        : "the year after the one before");
    return 0;
}

static int load_years(flow_results *r, int s)
{
    scen_cache *c = &r->sc[s];
    if (c->loaded)
        return 0;
    int rc;
    hid_t d = flow_h5__open(r, r->scen[s], "years", H5I_DATASET, &rc);
    if (d < 0)
        return rc ? rc : flow_error__set(FLOW_EIO, "%s: scenario '%s' has no years: truncated or corrupt", r->path,
                                         r->scen[s]);
    int32_t *y = NULL;
    hsize_t T = 0;
    rc = check_years(r, s, d, &y, &T);
    if (!rc) {
        c->first = y[0];
        c->last = y[T - 1];
        c->T = (int)T;
        c->loaded = 1;
    }
    flow_alloc__free(FLOW_H5_A, y);
    H5Dclose(d);
    return rc;
}

/* Takes the strings of a table column (the column keeps none). */
static char **take_strings(flow_h5__col *c)
{
    char **s = c->data;
    c->data = NULL;
    return s;
}

/* Reads <kind>/values of scenario s: float64[T][n], into k->values. */
static int load_values(flow_results *r, int s, flow_item_kind kind, size_t n)
{
    char sub[64], path[1100];
    const scen_cache *c = &r->sc[s];
    kind_cache *k = &r->sc[s].k[kind];
    snprintf(sub, sizeof sub, "%s/values", flow_h5__kind_group[kind]);
    snprintf(path, sizeof path, "/scenarios/%s/%s", r->scen[s], sub);
    int rc;
    hid_t v = flow_h5__open(r, r->scen[s], sub, H5I_DATASET, &rc);
    hsize_t dims[2] = { 0, 0 };
    if (v < 0)
        return rc ? rc : flow_h5__corrupt(r, "%s is missing", path);
    rc = flow_h5__shape(r, v, path, H5T_FLOAT, 2, dims);
    if (!rc && (dims[0] != (hsize_t)c->T || dims[1] != n))
        rc = flow_h5__corrupt(r, "%s is [%llu][%llu], not [%d years][%zu items of its index]", path,
                              (unsigned long long)dims[0], (unsigned long long)dims[1], c->T, n);
    else if (!rc && (unsigned long long)c->T * n > FLOW_H5_READ_MAX / sizeof(double))
        rc = flow_h5__corrupt(r, "%s holds more than %llu bytes", path, FLOW_H5_READ_MAX);
    else if (!rc && !(k->values = flow_alloc__calloc(FLOW_H5_A, (size_t)c->T * (n ? n : 1), sizeof *k->values)))
        rc = flow_error__nomem("the values");
    else if (!rc && n > 0 && H5Dread(v, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, k->values) < 0)
        rc = flow_h5__corrupt(r, "cannot read %s", path);
    H5Dclose(v);
    return rc;
}

/* Remembers why kind k failed to load (a damaged file stays damaged:
 * reading it again at every call can cost seconds each, fuzz/regress). */
static int remember_failure(kind_cache *k, int rc)
{
    flow_h5__free_kind(k);
    if (rc != FLOW_ENOMEM && (k->why = flow_alloc__strdup(FLOW_H5_A, flow_error_last())))
        k->fail = rc;
    return rc;
}

/* Loads the names, units (titles) and values of one kind of a scenario. */
static int load_kind(flow_results *r, int s, flow_item_kind kind)
{
    int rc = load_years(r, s);
    if (rc)
        return rc;
    kind_cache *k = &r->sc[s].k[kind];
    if (k->loaded)
        return 0;
    if (k->fail)
        return flow_error__set(k->fail, "%s", k->why);
    hid_t g = flow_h5__open(r, r->scen[s], flow_h5__kind_group[kind], H5I_GROUP, &rc);
    if (g < 0) { /* a kind the file does not have: no items (an older writer) */
        k->loaded = !rc;
        return rc;
    }
    H5Oclose(g);
    char sub[64];
    snprintf(sub, sizeof sub, "%s/index", flow_h5__kind_group[kind]);
    /* indicators' titles when the file has them (files written before the
     * column was added have none: the titles read as absent) */
    flow_h5__col col[3] = { { "name", FLOW_H5_COL_STR, 0, NULL },
                            { "unit", FLOW_H5_COL_STR, 0, NULL },
                            { "title", FLOW_H5_COL_STR, 1, NULL } };
    int ncol = kind == FLOW_ITEM_INDICATOR ? 3 : 2;
    size_t n = 0;
    if ((rc = flow_h5__table(r, r->scen[s], sub, col, ncol, &n)))
        return remember_failure(k, rc);
    k->n = (int)n;
    k->names = take_strings(&col[0]);
    k->units = take_strings(&col[1]);
    k->titles = take_strings(&col[2]);
    for (size_t i = 0; kind == FLOW_ITEM_METRIC && i < n; i++)
        if (!k->units[i][0]) { /* written before metrics had units */
            const char *unit = flow_h5__metric_unit(k->names[i]);
            char *u = unit[0] ? flow_alloc__strdup(FLOW_H5_A, unit) : NULL;
            if (u) {
                flow_alloc__free(FLOW_H5_A, k->units[i]);
                k->units[i] = u;
            } else if (unit[0])
                rc = flow_error__nomem("an item table");
        }
    if (!rc)
        rc = load_values(r, s, kind, n);
    if (rc)
        return remember_failure(k, rc);
    k->loaded = 1;
    return 0;
}

#define READ_ENTRY(r, s)           \
    flow_h5__quiet q_;             \
    flow_h5__quiet_on(&q_);        \
    int rc_ = check_scen((r), (s))

int flow_results_years(flow_results *r, int scenario, int *first, int *last)
{
    READ_ENTRY(r, scenario);
    if (!rc_)
        rc_ = load_years(r, scenario);
    flow_h5__quiet_off(&q_);
    if (!rc_) {
        if (first)
            *first = r->sc[scenario].first;
        if (last)
            *last = r->sc[scenario].last;
    }
    return rc_;
}

static kind_cache *kind_of(flow_results *r, int s, flow_item_kind kind, int *rc)
{
    if ((unsigned)kind >= FLOW_ITEM_KIND_COUNT_) {
        *rc = flow_error__set(FLOW_EINVAL, "invalid item kind %d", (int)kind);
        return NULL;
    }
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    *rc = check_scen(r, s);
    if (!*rc)
        *rc = load_kind(r, s, kind);
    flow_h5__quiet_off(&q);
    return *rc ? NULL : &r->sc[s].k[kind];
}

int flow_results_n_items(flow_results *r, int scenario, flow_item_kind kind)
{
    int rc;
    kind_cache *k = kind_of(r, scenario, kind, &rc);
    return k ? k->n : 0;
}

const char *flow_results_item_name(flow_results *r, int scenario, flow_item_kind kind, int item)
{
    int rc;
    kind_cache *k = kind_of(r, scenario, kind, &rc);
    return k && item >= 0 && item < k->n ? k->names[item] : NULL;
}

const char *flow_results_item_unit(flow_results *r, int scenario, flow_item_kind kind, int item)
{
    int rc;
    kind_cache *k = kind_of(r, scenario, kind, &rc);
    return k && item >= 0 && item < k->n ? k->units[item] : NULL;
}

const char *flow_results_indicator_title(flow_results *r, int scenario, int item)
{
    int rc;
    kind_cache *k = kind_of(r, scenario, FLOW_ITEM_INDICATOR, &rc);
    if (!k || item < 0 || item >= k->n)
        return NULL;
    return k->titles ? k->titles[item] : "";
}

int flow_results_find_item(flow_results *r, int scenario, flow_item_kind kind, const char *name, int *item)
{
    int rc;
    kind_cache *k = kind_of(r, scenario, kind, &rc);
    if (!k)
        return rc;
    /* indexed once, so that reading every item by name (export, diff) is
     * linear; the first of a name counts (files from before names were
     * unique may repeat one) */
    for (int i = 0; !k->indexed && i < k->n; i++)
        if (flow_nameidx__find(&k->ix, k->names[i], k->names, sizeof *k->names) < 0 &&
            (rc = flow_nameidx__add(&k->ix, FLOW_H5_A, i, (size_t)k->n, k->names, sizeof *k->names))) {
            flow_nameidx__free(&k->ix, FLOW_H5_A);
            return rc;
        }
    k->indexed = 1;
    int i = name ? flow_nameidx__find(&k->ix, name, k->names, sizeof *k->names) : -1;
    if (i >= 0) {
        if (item)
            *item = i;
        return 0;
    }
    const char *near = name && k->n ? flow_model__nearest(name, (const char *const *)k->names, (size_t)k->n,
                                                          sizeof *k->names)
                                    : NULL;
    return flow_error__set(FLOW_ENOTFOUND, "%s: scenario '%s' has no %s item '%s'%s%s%s", r->path, r->scen[scenario],
                           flow_h5__kind_group[kind], name ? name : "(null)", near ? " (did you mean '" : "",
                           near ? near : "", near ? "'?)" : "");
}

int flow_results_get(flow_results *r, int scenario, flow_item_kind kind, int item, int year, double *out)
{
    int rc;
    kind_cache *k = kind_of(r, scenario, kind, &rc);
    if (!k)
        return rc;
    const scen_cache *c = &r->sc[scenario];
    if (item < 0 || item >= k->n)
        return flow_error__set(FLOW_ENOTFOUND, "%s: no %s item %d (there are %d)", r->path, flow_h5__kind_group[kind], item, k->n);
    if (year < c->first || year > c->last)
        return flow_error__set(FLOW_ERANGE, "%s: scenario '%s' spans %d-%d, not %d", r->path, r->scen[scenario],
                               c->first, c->last, year);
    *out = k->values[(size_t)(year - c->first) * (size_t)k->n + (size_t)item];
    return 0;
}

int flow_results_series(flow_results *r, int scenario, flow_item_kind kind, int item, double *out)
{
    int rc;
    kind_cache *k = kind_of(r, scenario, kind, &rc);
    if (!k)
        return rc;
    if (item < 0 || item >= k->n)
        return flow_error__set(FLOW_ENOTFOUND, "%s: no %s item %d (there are %d)", r->path, flow_h5__kind_group[kind], item, k->n);
    for (int t = 0; t < r->sc[scenario].T; t++)
        out[t] = k->values[(size_t)t * (size_t)k->n + (size_t)item];
    return 0;
}

/* Opens the samples dataset "what" of scenario s and checks its shape:
 * float64[n_samples][n_years][n_items], each within an int, n_years the
 * scenario's years when it has them. *d is the dataset (close it). */
static int open_samples(flow_results *r, int s, const char *what, hid_t *d, hsize_t dims[3])
{
    *d = -1;
    int rc = check_scen(r, s);
    if (rc)
        return rc;
    const char *sc = r->scen[s];
    if (!flow_h5__valid_scenario_name(what))
        return flow_error__set(FLOW_EINVAL, "%s: '%s' is not a name of samples", r->path, what ? what : "(null)");
    char sub[1100], path[1200];
    snprintf(sub, sizeof sub, "samples/%s", what);
    snprintf(path, sizeof path, "/scenarios/%s/%s", sc, sub);
    *d = flow_h5__open(r, sc, sub, H5I_DATASET, &rc);
    if (*d < 0)
        return rc ? rc : flow_error__set(FLOW_ENOTFOUND, "%s: scenario '%s' has no samples '%s'", r->path, sc, what);
    rc = flow_h5__shape(r, *d, path, H5T_FLOAT, 3, dims);
    /* a scenario of samples only has no years: then they are not compared
     * (years that are there must read) */
    int years = 0;
    if (!rc) {
        hid_t y = flow_h5__open(r, sc, "years", H5I_DATASET, &rc);
        if (y >= 0) {
            H5Oclose(y);
            rc = load_years(r, s);
            years = !rc;
        }
    }
    if (!rc && (dims[0] < 1 || dims[1] < 1 || dims[0] > INT_MAX || dims[1] > INT_MAX || dims[2] > INT_MAX ||
                (years && dims[1] != (hsize_t)r->sc[s].T)))
        rc = flow_error__set(FLOW_EIO, "%s: scenario '%s': samples/%s is not float64[samples][years][items] of its years",
                             r->path, sc, what);
    else if (!rc && dims[1] * dims[2] > FLOW_H5_READ_MAX / sizeof(double))
        rc = flow_h5__corrupt(r, "%s: one sample holds more than %llu bytes", path, FLOW_H5_READ_MAX);
    return rc;
}

int flow_results_samples_size(flow_results *r, int scenario, const char *what, int *n_samples, int *n_years,
                              int *n_items)
{
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    hid_t d;
    hsize_t dims[3] = { 0, 0, 0 };
    int rc = open_samples(r, scenario, what, &d, dims);
    if (d >= 0)
        H5Dclose(d);
    flow_h5__quiet_off(&q);
    if (!rc) {
        *n_samples = (int)dims[0];
        *n_years = (int)dims[1];
        *n_items = (int)dims[2];
    }
    return rc;
}

int flow_results_samples_read(flow_results *r, int scenario, const char *what, int sample, double *out)
{
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    hid_t d, fs = -1, ms = -1;
    hsize_t dims[3] = { 0, 0, 0 };
    int rc = open_samples(r, scenario, what, &d, dims);
    if (!rc && (sample < 0 || (hsize_t)sample >= dims[0]))
        rc = flow_error__set(FLOW_ENOTFOUND, "%s: scenario '%s': samples/%s has %d samples, not a sample %d",
                             r->path, r->scen[scenario], what, (int)dims[0], sample);
    if (!rc && dims[2] > 0) {
        hsize_t start[3] = { (hsize_t)sample, 0, 0 }, count[3] = { 1, dims[1], dims[2] };
        fs = H5Dget_space(d);
        ms = H5Screate_simple(3, count, NULL);
        if (!(fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
              H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, out) >= 0))
            rc = flow_h5__io_error(r, "cannot read a sample: truncated or corrupt");
    }
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    if (d >= 0)
        H5Dclose(d);
    flow_h5__quiet_off(&q);
    return rc;
}

/* Fills the targets of c from the table's columns (n rows). */
static int take_targets(flow_results *r, int s, flow_h5__col *col, size_t n)
{
    scen_cache *c = &r->sc[s];
    c->targets = flow_alloc__calloc(FLOW_H5_A, n ? n : 1, sizeof *c->targets);
    c->tstr = flow_alloc__calloc(FLOW_H5_A, 2 * (n ? n : 1), sizeof *c->tstr);
    if (!c->targets || !c->tstr)
        return flow_error__nomem("the targets");
    c->n_targets = (int)n;
    char **ind = col[0].data, **cmp = col[2].data, **src = col[6].data;
    for (size_t i = 0; i < n; i++) {
        flow_results_target_info *t = &c->targets[i];
        t->indicator = c->tstr[2 * i] = ind[i];
        t->source = c->tstr[2 * i + 1] = src[i];
        ind[i] = src[i] = NULL; /* owned by the cache now */
        t->year = ((int32_t *)col[1].data)[i];
        t->value = ((double *)col[3].data)[i];
        t->achieved = ((double *)col[4].data)[i];
        t->met = ((int8_t *)col[5].data)[i];
        if (flow_cmp_parse(cmp[i], &t->cmp))
            return flow_error__set(FLOW_EIO, "%s: scenario '%s': target %zu has comparator '%s'", r->path,
                                   r->scen[s], i, cmp[i]);
    }
    return 0;
}

static int load_targets(flow_results *r, int s)
{
    scen_cache *c = &r->sc[s];
    if (c->tloaded)
        return 0;
    flow_h5__col col[7] = { { "indicator", FLOW_H5_COL_STR, 0, NULL }, { "year", FLOW_H5_COL_I32, 0, NULL },
                            { "cmp", FLOW_H5_COL_STR, 0, NULL },       { "value", FLOW_H5_COL_F64, 0, NULL },
                            { "achieved", FLOW_H5_COL_F64, 0, NULL },  { "met", FLOW_H5_COL_I8, 0, NULL },
                            { "source", FLOW_H5_COL_STR, 0, NULL } };
    size_t n = 0;
    int rc = flow_h5__table(r, r->scen[s], "targets", col, 7, &n);
    if (!rc)
        rc = take_targets(r, s, col, n);
    flow_h5__table_free(col, 7, n);
    if (!rc) {
        c->tloaded = 1;
        return 0;
    }
    for (int t = 0; c->tstr && t < 2 * c->n_targets; t++)
        flow_alloc__free(FLOW_H5_A, c->tstr[t]);
    flow_alloc__free(FLOW_H5_A, c->tstr);
    flow_alloc__free(FLOW_H5_A, c->targets);
    c->tstr = NULL;
    c->targets = NULL;
    c->n_targets = 0;
    return rc;
}

int flow_results_n_targets(flow_results *r, int scenario)
{
    READ_ENTRY(r, scenario);
    if (!rc_)
        rc_ = load_targets(r, scenario);
    flow_h5__quiet_off(&q_);
    return rc_ ? 0 : r->sc[scenario].n_targets;
}

int flow_results_target(flow_results *r, int scenario, int target, flow_results_target_info *out)
{
    READ_ENTRY(r, scenario);
    if (!rc_)
        rc_ = load_targets(r, scenario);
    flow_h5__quiet_off(&q_);
    if (rc_)
        return rc_;
    if (target < 0 || target >= r->sc[scenario].n_targets)
        return flow_error__set(FLOW_ENOTFOUND, "%s: no target %d (there are %d)", r->path, target,
                               r->sc[scenario].n_targets);
    *out = r->sc[scenario].targets[target];
    return 0;
}

const char *flow_results_attr(flow_results *r, int scenario, const char *name)
{
    flow_error_clear();
    if (r->writing || !name || (scenario != -1 && (scenario < 0 || scenario >= r->n_scen)))
        return NULL;
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    int rc = 0;
    hid_t loc = scenario < 0 ? r->file : flow_h5__open(r, r->scen[scenario], "", H5I_GROUP, &rc);
    flow_alloc__free(FLOW_H5_A, r->attr);
    r->attr = NULL;
    if (loc >= 0)
        flow_h5__attr_str(r, loc, name, FLOW_H5_STR_MAX, &r->attr);
    if (scenario >= 0 && loc >= 0)
        H5Oclose(loc);
    flow_h5__quiet_off(&q);
    return r->attr;
}
