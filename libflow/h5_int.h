/*
 * h5_int.h — internals shared by the results store's files: h5.c (what
 * writing and reading share: HDF5's error stack, the record types, the
 * handle and its closing), h5write.c (the writer) and h5read.c (the
 * reader). docs/results-format.md is the contract; not installed.
 */
#ifndef FLOW_H5_INT_H
#define FLOW_H5_INT_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "flow_int.h"
#include "flow_plugin.h"
#include "results_int.h"

#define FORMAT_NAME "libflow-results"
#define CHUNK_BYTES ((size_t)1 << 20)
/* The most bytes of samples (whole ones) in one chunk of samples/<what>:
 * a quarter of HDF5's default chunk cache, so that the chunk being
 * written stays cached until it is full. */
#define SAMPLE_CHUNK_BYTES ((hsize_t)256 << 10)

/* The group of each kind of item in a scenario: "flows", "stocks", ... */
extern const char *const flow_h5__kind_group[FLOW_ITEM_KIND_COUNT_];

/* ---- the reader's cache -------------------------------------------------------- */

typedef struct kind_cache {
    int loaded;
    int n;
    char **names, **units;  /* [n] */
    char **titles;          /* [n]: indicators' titles; NULL when the file has no title column */
    double *values;         /* [T][n] */
    flow_nameidx ix;        /* the names, built at the first look-up by name */
    int indexed;
    int fail;               /* a load that failed on the file (not for memory): its code */
    char *why;              /* and its message, given again instead of reading again */
} kind_cache;

typedef struct scen_cache {
    int loaded;
    int first, last, T;
    kind_cache k[FLOW_ITEM_KIND_COUNT_];
    int tloaded, n_targets;
    flow_results_target_info *targets;
    char **tstr;            /* the targets' strings, 2 per target */
    /* ensemble/ (h5ens.c), each table read once, at its first look-up
     * (malloc'ed records; a failed read is not kept) */
    void *ens_targets;      /* rec_pmet [ens_nt] */
    int ens_tloaded, ens_nt;
    void *sens;             /* rec_sens [sens_n] */
    int sens_loaded, sens_n;
    long long sens_ns;      /* the attribute sensitivity_n_samples */
} scen_cache;

struct flow_results {
    int writing;
    int failed;             /* writer: after an error only close is left */
    hid_t file;
    char *path, *tmp;
    int level;
    int checksums;          /* Fletcher-32 on every value chunk */
    long writes, fault_at;
    int io_err;             /* writer: errno of the first failed write (h5vfd.c), or 0 */
    /* samples being streamed */
    hid_t samples;
    int s_n, s_T, s_items;
    /* reader */
    int n_scen;
    char **scen;
    scen_cache *sc;
    char *attr;             /* the last attribute read */
    int version;            /* reader: the file's format version (0 until known) */
    unsigned long long fsize; /* reader: the file's size in bytes, a bound of its tables */
};

#define FLOW_H5_A (&flow_alloc__default)

/* ---- the writer's parts (h5pack.c, h5vfd.c, h5temp.c) -------------------------- */

/* A column of a packed table (h5pack.c): its name, the offset of its
 * value in the caller's record, and its kind: 's' a string (a const char
 * pointer, NULL read as ""), 'i' int32, 'b' int8, 'd' double. */
typedef struct flow_h5__pack_col {
    const char *name;
    size_t off;
    char kind;
} flow_h5__pack_col;
#define FLOW_H5_MAX_COLS 8
/* A fixed-length, null-terminated UTF-8 string type of size bytes, or -1. */
hid_t flow_h5__fixed_str(size_t size);
/* Writes n records (recsize bytes apart at recs) as the dataset name of
 * loc: a packed compound of the columns, each string column as wide as
 * its longest value + 1. 0, or FLOW_EIO / FLOW_ENOMEM naming r's file. */
int flow_h5__put_packed(flow_results *r, hid_t loc, const char *name, const flow_h5__pack_col *cols, int ncols,
                        const void *recs, size_t recsize, size_t n);

/* Sets the writer's file driver (h5vfd.c) on the file access list fapl:
 * POSIX I/O that records the first failure's errno in *err (which must
 * outlive the file) and never reports an I/O error to HDF5. 0 or -1. */
int flow_h5__vfd_use(hid_t fapl, int *err);

/* Creates the temporary file of a writer of path (h5temp.c), after
 * removing this user's stale ones (older than a day) from its folder:
 * the path of the new, empty file (free with flow_alloc__free), or NULL
 * and the errno in *err. */
char *flow_h5__temp_create(const char *path, int *err);
/* Gives tmp the permission bits of the file at path, if there is one:
 * 0 or an errno. */
int flow_h5__temp_keep_mode(const char *tmp, const char *path);


/* Records of the tables: strings are borrowed char pointers. */
typedef struct rec_material {
    const char *name, *category, *unit;
} rec_material;
typedef struct rec_process {
    const char *name, *kind, *type, *type_version;
} rec_process;
typedef struct rec_item {
    const char *name;
    int32_t from, to, material;
    const char *unit, *detail; /* flows: mode (or port); metrics: the metric; indicators: source */
    const char *title;         /* indicators only: the indicator's title, "" when none */
} rec_item;
typedef struct rec_target {
    const char *indicator;
    int32_t year;
    const char *cmp;
    double value, achieved;
    int8_t met;
    const char *source;
} rec_target;

/* HDF5 prints its error stack by default: an entry point silences it for
 * its own calls (quiet_on) and restores the caller's handler (quiet_off). */
typedef struct flow_h5__quiet {
    H5E_auto2_t f;
    void *d;
} flow_h5__quiet;
void flow_h5__quiet_on(flow_h5__quiet *q);
void flow_h5__quiet_off(flow_h5__quiet *q);

/* The innermost message of HDF5's error stack ("" when none). */
const char *flow_h5__h5_reason(char buf[200]);
/* FLOW_EIO naming the file, what failed and HDF5's reason. */
int flow_h5__io_error(const flow_results *r, const char *what);
/* A variable-length UTF-8 string type, or -1. */
hid_t flow_h5__str_type(void);
/* The unit of a plugin type's metric from the end of its name, or "". */
const char *flow_h5__metric_unit(const char *name);
/* A compound type of n members, or -1. */
hid_t flow_h5__compound(size_t size, int n, const char *const *names, const size_t *offs, const hid_t *types);
/* The memory type of a target record (written and read alike). */
hid_t flow_h5__target_type(hid_t str);
/* Frees a kind's cache and zeroes it. */
void flow_h5__free_kind(kind_cache *k);
/* Whether name can name a scenario group. */
int flow_h5__valid_scenario_name(const char *name);

/* ---- the reader's checks (h5check.c; docs/results-format.md, Limits) ------- */

/* Version 1 kept its strings as variable-length data in HDF5's global
 * heap, which crafted files use to overflow libhdf5's heap: the reader
 * refuses version 1 and reads only the version the writer writes. */
#define FLOW_H5_READ_VERSION 2
/* Bytes of one string (attribute or table cell), its terminator included. */
#define FLOW_H5_STR_MAX 65536
/* Bytes of the format attribute. */
#define FLOW_H5_FORMAT_MAX 64
/* Years of a scenario: four-digit calendar years. */
#define FLOW_H5_YEARS_MAX (FLOW_YEAR_MAX - FLOW_YEAR_MIN + 1)
/* Bytes of values read at once (one kind's values, one sample). */
#define FLOW_H5_READ_MAX ((unsigned long long)1 << 30)

/* FLOW_EIO "FILE: corrupt results file: <what>". */
int flow_h5__corrupt(const flow_results *r, const char *fmt, ...);
/* Opens /scenarios/<scen>/<sub> (scen NULL: /<sub>; sub "" or NULL: the
 * scenario's group), reached through hard links only, and checks that it
 * is want (H5I_GROUP or H5I_DATASET). Returns the object (H5Oclose it), or
 * -1: *rc 0 when a link on the way is absent, else the error (a soft or
 * external link, an object of another kind, unreadable metadata). */
hid_t flow_h5__open(const flow_results *r, const char *scen, const char *sub, H5I_type_t want, int *rc);
/* The scalar integer attribute name of loc into *out. FLOW_ENOTFOUND when
 * absent; FLOW_EIO when not a scalar integer. */
int flow_h5__attr_int(const flow_results *r, hid_t loc, const char *name, long long *out);
/* The scalar string attribute name of loc, a fixed-length string of at
 * most max bytes, into a fresh allocation *out (NULL when absent or not a
 * string). Returns 0, an error (not scalar, too long, variable-length in
 * a file of known version), or 1 when it is variable-length and the file's
 * version is not known yet (r->version 0: nothing read). */
int flow_h5__attr_str(const flow_results *r, hid_t loc, const char *name, size_t max, char **out);
/* Checks dataset d (path names it): its data in this file (no external
 * raw-data files, not virtual), values of class cls (float: 8 bytes;
 * integer: at most 8), a simple dataspace of rank rank; its dims into dims. */
int flow_h5__shape(const flow_results *r, hid_t d, const char *path, H5T_class_t cls, int rank, hsize_t *dims);

/* A column to read from a compound table, by name. */
typedef enum { FLOW_H5_COL_STR, FLOW_H5_COL_I32, FLOW_H5_COL_I8, FLOW_H5_COL_F64 } flow_h5__coltype;
typedef struct flow_h5__col {
    const char *name;
    flow_h5__coltype type;
    int optional;   /* absent: data stays NULL */
    void *data;     /* out: char *[n], int32_t[n], int8_t[n] or double[n] */
} flow_h5__col;
/* Reads the columns of the rank-1 compound dataset /scenarios/<scen>/<sub>
 * (*n records, no more than the file's size holds). String columns must be
 * fixed-length strings of at most FLOW_H5_STR_MAX bytes. On error every
 * column's data is freed; free them with flow_h5__table_free. */
int flow_h5__table(const flow_results *r, const char *scen, const char *sub, flow_h5__col *cols, int ncols,
                   size_t *n);
void flow_h5__table_free(flow_h5__col *cols, int ncols, size_t n);

#endif /* FLOW_H5_INT_H */
