/*
 * h5check.c — the results reader's checked access to a file that may come
 * from anywhere (docs/results-format.md, "What the reader refuses").
 *
 * Every object is reached from the root through hard links only (a soft
 * or external link is refused before anything is opened through it, so an
 * external link to a FIFO cannot hang the reader); every attribute and
 * dataset has its type class, rank and size checked before it is read;
 * what is read is capped (one string, a table by the file's size, values
 * by FLOW_H5_READ_MAX). Strings are read as fixed-length strings of the
 * file's size, never as variable-length data, whose bytes live in HDF5's
 * global heap (H5HG_read is where crafted files overflow libhdf5's heap).
 * A file that fails a check is "corrupt" with one line naming the object.
 */
#include <hdf5.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "h5_int.h"

static const char *class_name(H5T_class_t c)
{
    switch (c) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "float";
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_VLEN: return "variable-length";
    case H5T_ARRAY: return "array";
    case H5T_REFERENCE: return "reference";
    case H5T_ENUM: return "enum";
    default: return "unknown-type";
    }
}

int flow_h5__corrupt(const flow_results *r, const char *fmt, ...)
{
    char what[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return flow_error__set(FLOW_EIO, "%s: corrupt results file: %s", r->path, what);
}

/* ---- reaching objects ---------------------------------------------------------- */

/* Opens dataset name of loc so that no other file can be opened for its
 * data, whatever its layout says (external raw-data files and a virtual
 * dataset's sources are looked for in a folder that does not exist; such
 * a dataset is refused before it is read: local_data). */
static hid_t open_dataset(hid_t loc, const char *name)
{
    static const char nowhere[] = "/nonexistent/libflow-reads-no-other-file";
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (dapl < 0)
        return -1;
    hid_t d = -1;
    if (H5Pset_efile_prefix(dapl, nowhere) >= 0 && H5Pset_virtual_prefix(dapl, nowhere) >= 0 &&
        H5Pset_virtual_view(dapl, H5D_VDS_FIRST_MISSING) >= 0)
        d = H5Dopen2(loc, name, dapl);
    H5Pclose(dapl);
    return d;
}

/* One step from loc to its member name: a hard link, else refused. */
static hid_t step(const flow_results *r, hid_t loc, const char *name, const char *path, int *rc)
{
    htri_t e = H5Lexists(loc, name, H5P_DEFAULT);
    if (e == 0)
        return -1;
    H5L_info_t li;
    if (e < 0 || H5Lget_info(loc, name, &li, H5P_DEFAULT) < 0) {
        *rc = flow_h5__corrupt(r, "cannot read the link %s", path);
        return -1;
    }
    if (li.type != H5L_TYPE_HARD) {
        *rc = flow_h5__corrupt(r, "%s is %s link; a results file holds only groups and datasets (refused)", path,
                               li.type == H5L_TYPE_SOFT ? "a soft" : li.type == H5L_TYPE_EXTERNAL ? "an external" : "a user-defined");
        return -1;
    }
    H5O_info_t oi;
    if (H5Oget_info_by_name2(loc, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
        *rc = flow_h5__corrupt(r, "cannot open %s", path);
        return -1;
    }
    if (oi.type != H5O_TYPE_GROUP && oi.type != H5O_TYPE_DATASET) {
        *rc = flow_h5__corrupt(r, "%s is neither a group nor a dataset", path);
        return -1;
    }
    hid_t o = oi.type == H5O_TYPE_GROUP ? H5Gopen2(loc, name, H5P_DEFAULT) : open_dataset(loc, name);
    if (o < 0)
        *rc = flow_h5__corrupt(r, "cannot open %s", path);
    return o;
}

hid_t flow_h5__open(const flow_results *r, const char *scen, const char *sub, H5I_type_t want, int *rc)
{
    char path[1200], buf[1200];
    *rc = 0;
    snprintf(buf, sizeof buf, "%s%s%s", scen ? "scenarios/" : "", scen ? scen : "", sub && sub[0] ? "/" : "");
    size_t len = strlen(buf);
    snprintf(buf + len, sizeof buf - len, "%s", sub ? sub : "");
    hid_t loc = H5Oopen(r->file, "/", H5P_DEFAULT);
    if (loc < 0) {
        *rc = flow_h5__corrupt(r, "cannot open its root group");
        return -1;
    }
    path[0] = '\0';
    char *save = NULL;
    for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (H5Iget_type(loc) != H5I_GROUP) {
            *rc = flow_h5__corrupt(r, "%s is not a group", path);
            H5Oclose(loc);
            return -1;
        }
        len = strlen(path);
        snprintf(path + len, sizeof path - len, "/%s", c);
        hid_t o = step(r, loc, c, path, rc);
        H5Oclose(loc);
        if (o < 0)
            return -1;
        loc = o;
    }
    if (H5Iget_type(loc) != want) {
        *rc = flow_h5__corrupt(r, "%s is not a %s", path[0] ? path : "/", want == H5I_GROUP ? "group" : "dataset");
        H5Oclose(loc);
        return -1;
    }
    return loc;
}

/* ---- attributes ------------------------------------------------------------------ */

/* Opens attribute name of loc when it is a scalar; *a -1 when absent. */
static int scalar_attr(const flow_results *r, hid_t loc, const char *name, hid_t *a, hid_t *t)
{
    *a = *t = -1;
    htri_t e = H5Aexists(loc, name);
    if (e == 0)
        return 0;
    hid_t sp = -1;
    int rc = 0;
    if (e < 0 || (*a = H5Aopen(loc, name, H5P_DEFAULT)) < 0 || (*t = H5Aget_type(*a)) < 0 ||
        (sp = H5Aget_space(*a)) < 0)
        rc = flow_h5__corrupt(r, "cannot read the attribute %s", name);
    else if (H5Sget_simple_extent_type(sp) != H5S_SCALAR)
        rc = flow_h5__corrupt(r, "the attribute %s is an array of %lld values, not one", name,
                              (long long)H5Sget_simple_extent_npoints(sp));
    if (sp >= 0)
        H5Sclose(sp);
    return rc;
}

static void close_attr(hid_t a, hid_t t)
{
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
}

int flow_h5__attr_int(const flow_results *r, hid_t loc, const char *name, long long *out)
{
    hid_t a, t;
    int rc = scalar_attr(r, loc, name, &a, &t);
    if (!rc && a < 0)
        rc = flow_error__set(FLOW_ENOTFOUND, "%s: no attribute %s", r->path, name);
    else if (!rc && H5Tget_class(t) != H5T_INTEGER)
        rc = flow_h5__corrupt(r, "the attribute %s is %s, not an integer", name, class_name(H5Tget_class(t)));
    else if (!rc && H5Aread(a, H5T_NATIVE_LLONG, out) < 0)
        rc = flow_h5__corrupt(r, "cannot read the attribute %s", name);
    close_attr(a, t);
    return rc;
}


int flow_h5__attr_str(const flow_results *r, hid_t loc, const char *name, size_t max, char **out)
{
    hid_t a, t;
    *out = NULL;
    int rc = scalar_attr(r, loc, name, &a, &t);
    if (rc || a < 0 || H5Tget_class(t) != H5T_STRING) {
        close_attr(a, t);
        return rc;
    }
    size_t n = H5Tget_size(t);
    if (H5Tis_variable_str(t) != 0) {
        rc = r->version ? flow_h5__corrupt(r, "the attribute %s is a variable-length string (version %d has none)",
                                           name, r->version)
                        : 1;
    } else if (n == 0 || n > max) {
        rc = flow_h5__corrupt(r, "the attribute %s is a string of %zu bytes (at most %zu)", name, n, max);
    } else if (!(*out = flow_alloc__calloc(FLOW_H5_A, n + 1, 1))) {
        rc = flow_error__nomem("an attribute");
    } else if (H5Aread(a, t, *out) < 0) {
        rc = flow_h5__corrupt(r, "cannot read the attribute %s", name);
    }
    if (rc) {
        flow_alloc__free(FLOW_H5_A, *out);
        *out = NULL;
    }
    close_attr(a, t);
    return rc;
}

/* ---- datasets ------------------------------------------------------------------ */

/* Refuses a dataset whose data lie in other files: external raw-data
 * files (which could be a FIFO, or any file the reader may read, copied
 * into an export) or a virtual dataset's sources. */
static int local_data(const flow_results *r, hid_t d, const char *path)
{
    hid_t dcpl = H5Dget_create_plist(d);
    if (dcpl < 0)
        return flow_h5__corrupt(r, "cannot read the layout of %s", path);
    int ext = H5Pget_external_count(dcpl);
    H5D_layout_t lay = H5Pget_layout(dcpl);
    H5Pclose(dcpl);
    if (ext != 0 || lay == H5D_VIRTUAL || lay < 0)
        return flow_h5__corrupt(r, "%s keeps its data %s (refused)", path,
                                ext != 0 ? "in external files" : lay == H5D_VIRTUAL ? "in a virtual dataset's sources"
                                                                                     : "in an unknown layout");
    return 0;
}

int flow_h5__shape(const flow_results *r, hid_t d, const char *path, H5T_class_t cls, int rank, hsize_t *dims)
{
    int lrc = local_data(r, d, path);
    if (lrc)
        return lrc;
    hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
    int rc = 0;
    H5T_class_t c = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    if (t < 0 || sp < 0)
        rc = flow_h5__corrupt(r, "cannot read the type of %s", path);
    else if (c != cls)
        rc = flow_h5__corrupt(r, "%s holds %s values, not %s", path, class_name(c), class_name(cls));
    else if (cls == H5T_FLOAT && H5Tget_size(t) != 8)
        rc = flow_h5__corrupt(r, "%s holds floats of %zu bytes, not float64", path, H5Tget_size(t));
    else if (cls == H5T_INTEGER && H5Tget_size(t) > 8)
        rc = flow_h5__corrupt(r, "%s holds integers of %zu bytes", path, H5Tget_size(t));
    else if (H5Sget_simple_extent_type(sp) != H5S_SIMPLE || H5Sget_simple_extent_ndims(sp) != rank)
        rc = flow_h5__corrupt(r, "%s is not of rank %d", path, rank);
    else if (H5Sget_simple_extent_dims(sp, dims, NULL) < 0)
        rc = flow_h5__corrupt(r, "cannot read the shape of %s", path);
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    return rc;
}

/* ---- compound tables ------------------------------------------------------------- */

/* The memory type to read column c whose file type is ft (of class
 * checked), or -1 with *rc set. */
static hid_t column_type(const flow_results *r, const char *path, const flow_h5__col *c, hid_t ft, int *rc)
{
    static const H5T_class_t want[] = { H5T_STRING, H5T_INTEGER, H5T_INTEGER, H5T_FLOAT };
    H5T_class_t cls = H5Tget_class(ft);
    if (cls != want[c->type]) {
        *rc = flow_h5__corrupt(r, "%s: column %s holds %s values, not %s", path, c->name, class_name(cls),
                               class_name(want[c->type]));
        return -1;
    }
    if (c->type == FLOW_H5_COL_I32)
        return H5Tcopy(H5T_NATIVE_INT32);
    if (c->type == FLOW_H5_COL_I8)
        return H5Tcopy(H5T_NATIVE_INT8);
    if (c->type == FLOW_H5_COL_F64)
        return H5Tcopy(H5T_NATIVE_DOUBLE);
    if (H5Tis_variable_str(ft) != 0) {
        *rc = flow_h5__corrupt(r, "%s: column %s holds variable-length strings (version %d has none)", path, c->name,
                               r->version);
        return -1;
    }
    size_t n = H5Tget_size(ft);
    if (n == 0 || n > FLOW_H5_STR_MAX) {
        *rc = flow_h5__corrupt(r, "%s: column %s holds strings of %zu bytes (at most %d)", path, c->name, n,
                               FLOW_H5_STR_MAX);
        return -1;
    }
    return H5Tcopy(ft); /* same size, padding and character set: no conversion */
}

/* Copies n strings of size bytes each (maybe unterminated) into c->data. */
static int copy_strings(flow_h5__col *c, const char *buf, size_t size, size_t n)
{
    char **s = flow_alloc__calloc(FLOW_H5_A, n ? n : 1, sizeof *s);
    c->data = s;
    for (size_t i = 0; s && i < n; i++) {
        const char *v = buf + i * size;
        size_t len = strnlen(v, size);
        if (!(s[i] = flow_alloc__malloc(FLOW_H5_A, len + 1)))
            return flow_error__nomem("a table's strings");
        memcpy(s[i], v, len);
        s[i][len] = '\0';
    }
    return s ? 0 : flow_error__nomem("a table's strings");
}

/* Reads column c of the n records of dataset d (a compound of one member
 * in memory: HDF5 picks it out of the file's records by name). */
static int read_column(const flow_results *r, hid_t d, const char *path, flow_h5__col *c, hid_t ft, size_t n)
{
    int rc = 0;
    hid_t mt = column_type(r, path, c, ft, &rc), ct = -1;
    if (mt < 0)
        return rc ? rc : flow_h5__corrupt(r, "%s: cannot make the type of column %s", path, c->name);
    size_t size = H5Tget_size(mt);
    if ((unsigned long long)n * size > FLOW_H5_READ_MAX) {
        H5Tclose(mt);
        return flow_h5__corrupt(r, "%s: column %s holds more than %llu bytes", path, c->name, FLOW_H5_READ_MAX);
    }
    char *buf = flow_alloc__calloc(FLOW_H5_A, n ? n : 1, size);
    if (!buf)
        rc = flow_error__nomem("a table");
    else if ((ct = H5Tcreate(H5T_COMPOUND, size)) < 0 || H5Tinsert(ct, c->name, 0, mt) < 0 ||
             (n > 0 && H5Dread(d, ct, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0))
        rc = flow_h5__corrupt(r, "cannot read column %s of %s", c->name, path);
    else if (c->type == FLOW_H5_COL_STR)
        rc = copy_strings(c, buf, size, n);
    else {
        c->data = buf;
        buf = NULL;
    }
    flow_alloc__free(FLOW_H5_A, buf);
    if (ct >= 0)
        H5Tclose(ct);
    H5Tclose(mt);
    return rc;
}

/* Whether type t holds variable-length data or references anywhere (whose
 * bytes HDF5 keeps in the global heap). */
static int heap_type(hid_t t)
{
    H5T_class_t c = H5Tget_class(t);
    if (c == H5T_STRING)
        return H5Tis_variable_str(t) != 0;
    if (c == H5T_VLEN || c == H5T_REFERENCE || c == H5T_NO_CLASS)
        return 1;
    if (c != H5T_COMPOUND && c != H5T_ARRAY)
        return 0;
    int n = c == H5T_ARRAY ? 1 : H5Tget_nmembers(t), yes = n < 0;
    for (int i = 0; !yes && i < n; i++) {
        hid_t m = c == H5T_ARRAY ? H5Tget_super(t) : H5Tget_member_type(t, (unsigned)i);
        yes = m < 0 || heap_type(m);
        if (m >= 0)
            H5Tclose(m);
    }
    return yes;
}

/* Checks the table: compound, rank 1, no bigger than the file. */
static int table_shape(const flow_results *r, hid_t d, hid_t t, const char *path, size_t *n)
{
    hsize_t dims[1] = { 0 };
    int rc = flow_h5__shape(r, d, path, H5T_COMPOUND, 1, dims);
    if (rc)
        return rc;
    if (heap_type(t))
        return flow_h5__corrupt(r, "%s holds variable-length data or references (version %d has none)", path,
                                r->version);
    /* a table is stored whole (unfiltered): it cannot hold more bytes than the file */
    size_t rec = H5Tget_size(t);
    if (rec == 0 || dims[0] > (hsize_t)INT_MAX || dims[0] > r->fsize / rec)
        return flow_h5__corrupt(r, "%s has %llu records of %zu bytes, more than the file's %llu bytes", path,
                                (unsigned long long)dims[0], rec, (unsigned long long)r->fsize);
    *n = (size_t)dims[0];
    return 0;
}

int flow_h5__table(const flow_results *r, const char *scen, const char *sub, flow_h5__col *cols, int ncols,
                   size_t *n)
{
    char path[1200];
    snprintf(path, sizeof path, "/scenarios/%s/%s", scen, sub);
    *n = 0;
    int rc;
    hid_t d = flow_h5__open(r, scen, sub, H5I_DATASET, &rc), t = d >= 0 ? H5Dget_type(d) : -1;
    if (d < 0)
        return rc ? rc : flow_h5__corrupt(r, "%s is missing", path);
    rc = t < 0 ? flow_h5__corrupt(r, "cannot read the type of %s", path) : table_shape(r, d, t, path, n);
    for (int i = 0; !rc && i < ncols; i++) {
        int m = H5Tget_member_index(t, cols[i].name);
        if (m < 0 && !cols[i].optional)
            rc = flow_h5__corrupt(r, "%s has no column %s", path, cols[i].name);
        if (m < 0)
            continue;
        hid_t ft = H5Tget_member_type(t, (unsigned)m);
        if (ft < 0 || H5Tget_member_offset(t, (unsigned)m) + H5Tget_size(ft) > H5Tget_size(t))
            rc = flow_h5__corrupt(r, "%s: column %s does not fit its record", path, cols[i].name);
        else
            rc = read_column(r, d, path, &cols[i], ft, *n);
        if (ft >= 0)
            H5Tclose(ft);
    }
    if (t >= 0)
        H5Tclose(t);
    H5Dclose(d);
    if (rc)
        flow_h5__table_free(cols, ncols, *n);
    return rc;
}

void flow_h5__table_free(flow_h5__col *cols, int ncols, size_t n)
{
    for (int i = 0; i < ncols; i++) {
        if (cols[i].type == FLOW_H5_COL_STR)
            for (size_t j = 0; cols[i].data && j < n; j++)
                flow_alloc__free(FLOW_H5_A, ((char **)cols[i].data)[j]);
        flow_alloc__free(FLOW_H5_A, cols[i].data);
        cols[i].data = NULL;
    }
}
