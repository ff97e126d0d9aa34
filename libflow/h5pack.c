/*
 * h5pack.c — the writer's tables in format version 2: records of
 * borrowed strings and numbers (the rec_* structs of h5_int.h) packed
 * into one buffer of fixed-size fields and written with one H5Dwrite.
 *
 * Each string column is a fixed-length, null-terminated UTF-8 string as
 * wide as the column's longest value plus its terminating zero (1 for a
 * column of empty strings or a table without records): nothing goes to
 * HDF5's global heap, and memory and file records are alike, so HDF5
 * converts nothing (docs/results-format.md, Conventions).
 */
#include <hdf5.h>
#include <stdint.h>
#include <string.h>

#include "h5_int.h"

/* The file type (little-endian) or the memory type (native) of a numeric column. */
static hid_t num_type(char kind, int file)
{
    switch (kind) {
    case 'i':
        return file ? H5T_STD_I32LE : H5T_NATIVE_INT32;
    case 'b':
        return file ? H5T_STD_I8LE : H5T_NATIVE_INT8;
    default:
        return file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
    }
}

static size_t num_size(char kind)
{
    return kind == 'i' ? 4 : kind == 'b' ? 1 : 8;
}

/* A fixed-length UTF-8 string type of size bytes, the last a zero, or -1. */
hid_t flow_h5__fixed_str(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, size) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
                   H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

/* The packed compound type of the columns at their offsets off[], or -1. */
static hid_t packed_type(const flow_h5__pack_col *cols, int ncols, const size_t *width, const size_t *off, size_t rec,
                         int file)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, rec);
    for (int c = 0; t >= 0 && c < ncols; c++) {
        hid_t m = cols[c].kind == 's' ? flow_h5__fixed_str(width[c]) : num_type(cols[c].kind, file);
        herr_t e = m >= 0 ? H5Tinsert(t, cols[c].name, off[c], m) : -1;
        if (m >= 0 && cols[c].kind == 's')
            H5Tclose(m);
        if (e < 0) {
            H5Tclose(t);
            t = -1;
        }
    }
    return t;
}

/* Copies n records of size recsize at recs into buf, packed at off[]. */
static void pack(char *buf, size_t rec, const flow_h5__pack_col *cols, int ncols, const size_t *off, const void *recs,
                 size_t recsize, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *src = (const char *)recs + i * recsize;
        char *dst = buf + i * rec;
        for (int c = 0; c < ncols; c++) {
            if (cols[c].kind == 's') {
                const char *s;
                memcpy(&s, src + cols[c].off, sizeof s);
                if (s)
                    memcpy(dst + off[c], s, strlen(s)); /* the rest of the field is zero already */
            } else {
                memcpy(dst + off[c], src + cols[c].off, num_size(cols[c].kind));
            }
        }
    }
}

int flow_h5__put_packed(flow_results *r, hid_t loc, const char *name, const flow_h5__pack_col *cols, int ncols, const void *recs,
                        size_t recsize, size_t n)
{
    size_t width[FLOW_H5_MAX_COLS], off[FLOW_H5_MAX_COLS], rec = 0;
    if (ncols > FLOW_H5_MAX_COLS)
        return flow_error__set(FLOW_EINVAL, "%s: table %s: %d columns", r->path, name, ncols);
    for (int c = 0; c < ncols; c++) {
        width[c] = 1;
        for (size_t i = 0; cols[c].kind == 's' && i < n; i++) {
            const char *s;
            memcpy(&s, (const char *)recs + i * recsize + cols[c].off, sizeof s);
            size_t w = s ? strlen(s) + 1 : 1;
            if (w > width[c])
                width[c] = w;
        }
        off[c] = rec;
        rec += cols[c].kind == 's' ? width[c] : num_size(cols[c].kind);
    }
    char *buf = n ? flow_alloc__calloc(FLOW_H5_A, n, rec) : NULL;
    if (n && !buf)
        return flow_error__nomem("a results table");
    hsize_t dim = n;
    hid_t ft = packed_type(cols, ncols, width, off, rec, 1), mt = packed_type(cols, ncols, width, off, rec, 0);
    hid_t sp = H5Screate_simple(1, &dim, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), d = -1;
    /* written whole at once: no fill value to write first */
    int ok = ft >= 0 && mt >= 0 && sp >= 0 && dcpl >= 0 && H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) >= 0 &&
             (d = H5Dcreate2(loc, name, ft, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT)) >= 0;
    if (ok && n) {
        pack(buf, rec, cols, ncols, off, recs, recsize, n);
        ok = H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    }
    flow_alloc__free(FLOW_H5_A, buf);
    hid_t ids[3] = { d, ft, mt };
    if (ids[0] >= 0)
        H5Dclose(ids[0]);
    for (int i = 1; i < 3; i++)
        if (ids[i] >= 0)
            H5Tclose(ids[i]);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (sp >= 0)
        H5Sclose(sp);
    return ok ? 0 : flow_h5__io_error(r, "cannot write a table");
}
