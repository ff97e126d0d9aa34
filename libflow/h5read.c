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

/* A string attribute of loc into a fresh allocation, or NULL (absent or
 * not a string). */
static char *get_attr_str(hid_t loc, const char *name)
{
    if (H5Aexists(loc, name) <= 0)
        return NULL;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = a >= 0 ? H5Aget_type(a) : -1;
    char *out = NULL;
    if (t >= 0 && H5Tget_class(t) == H5T_STRING) {
        if (H5Tis_variable_str(t) > 0) {
            hid_t mt = flow_h5__str_type();
            char *v = NULL;
            if (mt >= 0 && H5Aread(a, mt, &v) >= 0 && v) {
                out = flow_alloc__strdup(FLOW_H5_A, v);
                H5free_memory(v);
            }
            if (mt >= 0)
                H5Tclose(mt);
        } else {
            size_t n = H5Tget_size(t);
            out = flow_alloc__calloc(FLOW_H5_A, n + 1, 1);
            if (out && H5Aread(a, t, out) < 0) {
                flow_alloc__free(FLOW_H5_A, out);
                out = NULL;
            }
        }
    }
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return out;
}

static herr_t add_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    flow_results *r = data;
    char **nv = flow_alloc__realloc(FLOW_H5_A, r->scen, (size_t)(r->n_scen + 1) * sizeof *nv);
    if (!nv)
        return -1;
    r->scen = nv;
    if (!(r->scen[r->n_scen] = flow_alloc__strdup(FLOW_H5_A, name)))
        return -1;
    r->n_scen++;
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
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    int rc = 0;
    char *format = NULL;
    hid_t sg = -1;
    htri_t is = H5Fis_hdf5(path);
    if (is == 0) {
        rc = flow_error__set(FLOW_EIO, "%s: not an HDF5 file (so not a libflow results file)", path);
        goto done;
    }
    /* closing the file closes whatever is still open in it, also after a
     * failed read of corrupted metadata */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0)
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    r->file = is > 0 ? H5Fopen(path, H5F_ACC_RDONLY, fapl >= 0 ? fapl : H5P_DEFAULT) : -1;
    if (fapl >= 0)
        H5Pclose(fapl);
    if (r->file < 0) {
        rc = flow_h5__io_error(r, "cannot be read: truncated or corrupt");
        goto done;
    }
    if (H5Aexists(r->file, "format") < 0) {
        rc = flow_h5__io_error(r, "cannot be read: its metadata are corrupt");
        goto done;
    }
    format = get_attr_str(r->file, "format");
    if (!format || strcmp(format, FORMAT_NAME) != 0) {
        rc = flow_error__set(FLOW_EINVAL, "%s: an HDF5 file, but not libflow results (its 'format' attribute is %s%s%s)",
                             path, format ? "'" : "missing", format ? format : "", format ? "'" : "");
        goto done;
    }
    int version = 0;
    hid_t a = H5Aexists(r->file, "format_version") > 0 ? H5Aopen(r->file, "format_version", H5P_DEFAULT) : -1;
    if (a < 0 || H5Aread(a, H5T_NATIVE_INT, &version) < 0) {
        if (a >= 0)
            H5Aclose(a);
        rc = flow_error__set(FLOW_EINVAL, "%s: libflow results without a readable format_version", path);
        goto done;
    }
    H5Aclose(a);
    if (version > FLOW_RESULTS_FORMAT_VERSION || version < 1) {
        rc = flow_error__set(FLOW_EINVAL, "%s: results format version %d; this libflow (%s) reads versions 1 to %d",
                             path, version, flow_version(), FLOW_RESULTS_FORMAT_VERSION);
        goto done;
    }
    sg = H5Gopen2(r->file, "scenarios", H5P_DEFAULT);
    if (sg < 0) {
        rc = flow_h5__io_error(r, "has no scenarios group: truncated or corrupt");
        goto done;
    }
    /* in the order written, where the file tracks it */
    hid_t gcpl = H5Gget_create_plist(sg);
    unsigned crt = 0;
    if (gcpl >= 0) {
        H5Pget_link_creation_order(gcpl, &crt);
        H5Pclose(gcpl);
    }
    hsize_t idx = 0;
    if (H5Literate(sg, (crt & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, &idx,
                    add_name, r) < 0) {
        rc = flow_h5__io_error(r, "cannot list its scenarios: truncated or corrupt");
        goto done;
    }
    r->sc = flow_alloc__calloc(FLOW_H5_A, r->n_scen ? (size_t)r->n_scen : 1, sizeof *r->sc);
    if (!r->sc)
        rc = flow_error__nomem("a results file");
done:
    if (sg >= 0)
        H5Gclose(sg);
    flow_alloc__free(FLOW_H5_A, format);
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

/* Opens /scenarios/<name>/<sub> (a group or dataset path). */
static hid_t open_in(const flow_results *r, int s, const char *sub, int dataset)
{
    char p[1200];
    snprintf(p, sizeof p, "/scenarios/%s/%s", r->scen[s], sub);
    if (H5Lexists(r->file, "/scenarios", H5P_DEFAULT) <= 0)
        return -1;
    return dataset ? H5Dopen2(r->file, p, H5P_DEFAULT) : H5Gopen2(r->file, p, H5P_DEFAULT);
}

static int load_years(flow_results *r, int s)
{
    scen_cache *c = &r->sc[s];
    if (c->loaded)
        return 0;
    hid_t d = open_in(r, s, "years", 1);
    int rc = 0;
    hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t T = 0;
    if (sp < 0 || H5Sget_simple_extent_ndims(sp) != 1 || H5Sget_simple_extent_dims(sp, &T, NULL) < 0 || T < 1) {
        rc = flow_error__set(FLOW_EIO, "%s: scenario '%s' has no readable years: truncated or corrupt", r->path,
                             r->scen[s]);
    } else {
        int32_t *y = flow_alloc__malloc(FLOW_H5_A, (size_t)T * sizeof *y);
        if (!y)
            rc = flow_error__nomem("the years");
        else if (H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, y) < 0)
            rc = flow_h5__io_error(r, "cannot read the years");
        else {
            c->first = y[0];
            c->last = y[T - 1];
            c->T = (int)T;
            if (c->last - c->first + 1 != c->T)
                rc = flow_error__set(FLOW_EIO, "%s: scenario '%s': years are not consecutive", r->path, r->scen[s]);
        }
        flow_alloc__free(FLOW_H5_A, y);
    }
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    if (!rc)
        c->loaded = 1;
    return rc;
}

/* Reads the one-dimensional compound table sub of scenario s with the
 * memory type mt (records of size bytes) into *rec, a fresh array of *n
 * records (at least one allocated); what names the table in errors. Free
 * it with free_table(), which also frees the strings HDF5 allocated. */
static int read_table(flow_results *r, int s, const char *sub, hid_t mt, size_t size, void **rec, hsize_t *n,
                      const char *what)
{
    char msg[120];
    int rc = 0;
    *rec = NULL;
    *n = 0;
    hid_t d = open_in(r, s, sub, 1), sp = d >= 0 ? H5Dget_space(d) : -1;
    snprintf(msg, sizeof msg, "cannot read %s: truncated or corrupt", what);
    if (sp < 0 || H5Sget_simple_extent_ndims(sp) != 1 || H5Sget_simple_extent_dims(sp, n, NULL) < 0)
        rc = flow_h5__io_error(r, msg);
    else if (!(*rec = flow_alloc__calloc(FLOW_H5_A, *n ? (size_t)*n : 1, size)))
        rc = flow_error__nomem(what);
    else if (*n > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, *rec) < 0) {
        flow_alloc__free(FLOW_H5_A, *rec); /* nothing read: no strings to free */
        *rec = NULL;
        rc = flow_h5__io_error(r, msg);
    }
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    return rc;
}

static void free_table(hid_t mt, hsize_t n, void *rec)
{
    if (rec && n > 0) {
        hid_t sp = H5Screate_simple(1, &n, NULL);
        if (sp >= 0) {
            H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, rec);
            H5Sclose(sp);
        }
    }
    flow_alloc__free(FLOW_H5_A, rec);
}

/* 1 when the compound table sub of scenario s has a field called field
 * (a column added within format version 1, such as indicators' title). */
static int has_field(const flow_results *r, int s, const char *sub, const char *field)
{
    hid_t d = open_in(r, s, sub, 1), t = d >= 0 ? H5Dget_type(d) : -1;
    int yes = t >= 0 && H5Tget_class(t) == H5T_COMPOUND && H5Tget_member_index(t, field) >= 0;
    if (t >= 0)
        H5Tclose(t);
    if (d >= 0)
        H5Dclose(d);
    return yes;
}

/* Loads the names, units (titles) and values of one kind of a scenario. */
static int load_kind(flow_results *r, int s, flow_item_kind kind)
{
    int rc = load_years(r, s);
    if (rc)
        return rc;
    scen_cache *c = &r->sc[s];
    kind_cache *k = &c->k[kind];
    if (k->loaded)
        return 0;
    char sub[64];
    snprintf(sub, sizeof sub, "%s/index", flow_h5__kind_group[kind]);
    hid_t g = open_in(r, s, flow_h5__kind_group[kind], 0);
    if (g < 0) { /* a kind the file does not have: no items (an older writer) */
        k->loaded = 1;
        return 0;
    }
    H5Gclose(g);
    hid_t v = -1, str = flow_h5__str_type(), mt = -1;
    rec_item *rec = NULL;
    hsize_t n = 0;
    /* indicators' titles when the file has them (files written before the
     * column was added have none: the titles read as absent) */
    int titled = kind == FLOW_ITEM_INDICATOR && has_field(r, s, sub, "title");
    const char *ni[3] = { "name", "unit", "title" };
    size_t oi[3] = { offsetof(rec_item, name), offsetof(rec_item, unit), offsetof(rec_item, title) };
    hid_t ti[3] = { str, str, str };
    mt = str >= 0 ? flow_h5__compound(sizeof(rec_item), titled ? 3 : 2, ni, oi, ti) : -1;
    if (mt < 0) {
        rc = flow_h5__io_error(r, "cannot make the item table's type");
        goto done;
    }
    if ((rc = read_table(r, s, sub, mt, sizeof *rec, (void **)&rec, &n, "an item table")))
        goto done;
    k->names = flow_alloc__calloc(FLOW_H5_A, n ? (size_t)n : 1, sizeof *k->names);
    k->units = flow_alloc__calloc(FLOW_H5_A, n ? (size_t)n : 1, sizeof *k->units);
    k->values = flow_alloc__calloc(FLOW_H5_A, (size_t)c->T * (n ? (size_t)n : 1), sizeof *k->values);
    if (titled)
        k->titles = flow_alloc__calloc(FLOW_H5_A, n ? (size_t)n : 1, sizeof *k->titles);
    if (!k->names || !k->units || !k->values || (titled && !k->titles)) {
        rc = flow_error__nomem("an item table");
        goto done;
    }
    k->n = (int)n;
    for (hsize_t i = 0; i < n; i++) {
        k->names[i] = flow_alloc__strdup(FLOW_H5_A, rec[i].name ? rec[i].name : "");
        const char *unit = rec[i].unit ? rec[i].unit : "";
        if (kind == FLOW_ITEM_METRIC && !*unit && rec[i].name) /* written before metrics had units */
            unit = flow_h5__metric_unit(rec[i].name);
        k->units[i] = flow_alloc__strdup(FLOW_H5_A, unit);
        if (titled)
            k->titles[i] = flow_alloc__strdup(FLOW_H5_A, rec[i].title ? rec[i].title : "");
        if (!k->names[i] || !k->units[i] || (titled && !k->titles[i]))
            rc = flow_error__nomem("an item table");
    }
    if (rc)
        goto done;
    snprintf(sub, sizeof sub, "%s/values", flow_h5__kind_group[kind]);
    v = open_in(r, s, sub, 1);
    hsize_t dims[2] = { 0, 0 };
    hid_t vs = v >= 0 ? H5Dget_space(v) : -1;
    int okdims = vs >= 0 && H5Sget_simple_extent_ndims(vs) == 2 && H5Sget_simple_extent_dims(vs, dims, NULL) >= 0 &&
                 dims[0] == (hsize_t)c->T && dims[1] == n;
    if (vs >= 0)
        H5Sclose(vs);
    if (!okdims)
        rc = flow_error__set(FLOW_EIO, "%s: scenario '%s': %s/values is missing or does not match its table", r->path,
                             r->scen[s], flow_h5__kind_group[kind]);
    else if (n > 0 && H5Dread(v, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, k->values) < 0)
        rc = flow_h5__io_error(r, "cannot read values: truncated or corrupt");
done:
    free_table(mt, n, rec);
    if (mt >= 0)
        H5Tclose(mt);
    if (str >= 0)
        H5Tclose(str);
    if (v >= 0)
        H5Dclose(v);
    if (rc)
        flow_h5__free_kind(k);
    else
        k->loaded = 1;
    return rc;
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
    hid_t g = open_in(r, s, "samples", 0);
    int found = g >= 0 && H5Lexists(g, what, H5P_DEFAULT) > 0;
    if (g >= 0)
        H5Gclose(g);
    if (!found)
        return flow_error__set(FLOW_ENOTFOUND, "%s: scenario '%s' has no samples '%s'", r->path, sc, what);
    char sub[1100];
    snprintf(sub, sizeof sub, "samples/%s", what);
    *d = open_in(r, s, sub, 1);
    hid_t sp = *d >= 0 ? H5Dget_space(*d) : -1, ty = *d >= 0 ? H5Dget_type(*d) : -1;
    int ok = sp >= 0 && ty >= 0 && H5Tget_class(ty) == H5T_FLOAT && H5Sget_simple_extent_ndims(sp) == 3 &&
             H5Sget_simple_extent_dims(sp, dims, NULL) >= 0;
    for (int i = 0; ok && i < 3; i++)
        ok = dims[i] <= (hsize_t)INT_MAX && (i == 2 || dims[i] >= 1);
    if (ok && load_years(r, s) == 0 && dims[1] != (hsize_t)r->sc[s].T)
        ok = 0;
    flow_error_clear(); /* a scenario of samples only has no years: not an error here */
    if (sp >= 0)
        H5Sclose(sp);
    if (ty >= 0)
        H5Tclose(ty);
    if (!ok)
        return flow_error__set(FLOW_EIO, "%s: scenario '%s': samples/%s is not float64[samples][years][items]%s",
                               r->path, sc, what, *d >= 0 ? " of its years" : ": truncated or corrupt");
    return 0;
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

static int load_targets(flow_results *r, int s)
{
    scen_cache *c = &r->sc[s];
    if (c->tloaded)
        return 0;
    int rc = 0;
    hid_t str = flow_h5__str_type(), mt = str >= 0 ? flow_h5__target_type(str) : -1;
    rec_target *rec = NULL;
    hsize_t n = 0;
    if (mt < 0) {
        rc = flow_h5__io_error(r, "cannot make the targets' type");
        goto done;
    }
    if ((rc = read_table(r, s, "targets", mt, sizeof *rec, (void **)&rec, &n, "the targets")))
        goto done;
    c->targets = flow_alloc__calloc(FLOW_H5_A, n ? (size_t)n : 1, sizeof *c->targets);
    c->tstr = flow_alloc__calloc(FLOW_H5_A, 2 * (n ? (size_t)n : 1), sizeof *c->tstr);
    if (!c->targets || !c->tstr) {
        rc = flow_error__nomem("the targets");
        goto done;
    }
    c->n_targets = (int)n;
    for (hsize_t i = 0; i < n && !rc; i++) {
        flow_results_target_info *t = &c->targets[i];
        c->tstr[2 * i] = flow_alloc__strdup(FLOW_H5_A, rec[i].indicator ? rec[i].indicator : "");
        c->tstr[2 * i + 1] = flow_alloc__strdup(FLOW_H5_A, rec[i].source ? rec[i].source : "");
        if (!c->tstr[2 * i] || !c->tstr[2 * i + 1])
            rc = flow_error__nomem("the targets");
        t->indicator = c->tstr[2 * i];
        t->source = c->tstr[2 * i + 1];
        t->year = rec[i].year;
        t->value = rec[i].value;
        t->achieved = rec[i].achieved;
        t->met = rec[i].met;
        if (flow_cmp_parse(rec[i].cmp ? rec[i].cmp : "", &t->cmp))
            rc = flow_error__set(FLOW_EIO, "%s: scenario '%s': target %d has comparator '%s'", r->path, r->scen[s],
                                 (int)i, rec[i].cmp ? rec[i].cmp : "");
    }
done:
    free_table(mt, n, rec);
    if (mt >= 0)
        H5Tclose(mt);
    if (str >= 0)
        H5Tclose(str);
    if (!rc)
        c->tloaded = 1;
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
    if (r->writing || !name || (scenario != -1 && (scenario < 0 || scenario >= r->n_scen)))
        return NULL;
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    hid_t loc = scenario < 0 ? r->file : open_in(r, scenario, ".", 0);
    flow_alloc__free(FLOW_H5_A, r->attr);
    r->attr = loc >= 0 ? get_attr_str(loc, name) : NULL;
    if (scenario >= 0 && loc >= 0)
        H5Gclose(loc);
    flow_h5__quiet_off(&q);
    return r->attr;
}
