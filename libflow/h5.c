/*
 * h5.c — the results store: one HDF5 file per run, several scenarios in
 * it, written atomically and read back (docs/results-format.md is the
 * contract; this file implements format version 1).
 *
 * Writing goes into a temporary file next to the target, which commit
 * closes, syncs and renames into place; any error, and abandoning the
 * writer, remove it. Values are written straight from a simulation's
 * [year][item] arrays, chunked (about 1 MiB per chunk, every year of a
 * block of items) and deflate-compressed with the shuffle filter.
 *
 * Reading checks the file's identity (format "libflow-results") and
 * version first, then loads what is asked lazily, one (scenario, kind) at
 * a time. HDF5 prints its error stack by default: every entry point here
 * silences it for its own calls and restores the caller's handler, and
 * the innermost HDF5 message becomes part of libflow's one-line error.
 *
 * Test hook, only in a build configured with --enable-fault-injection
 * (flow_int.h, FLOW_TESTHOOK): FLOW_RESULTS_FAULT=n in the environment
 * makes the n-th dataset or attribute write of a writer fail as a full
 * disk would (tests/cksuite_results.c). A default build ignores it.
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

#include "flow_int.h"
#include "flow_plugin.h"
#include "results_int.h"

#define FORMAT_NAME "libflow-results"
#define CHUNK_BYTES ((size_t)1 << 20)

static const char *const kind_group[FLOW_ITEM_KIND_COUNT_] = { "flows", "stocks", "params", "indicators",
                                                               "metrics" };

/* ---- the reader's cache -------------------------------------------------------- */

typedef struct kind_cache {
    int loaded;
    int n;
    char **names, **units;  /* [n] */
    char **titles;          /* [n]: indicators' titles; NULL when the file has no title column */
    double *values;         /* [T][n] */
    flow_nameidx ix;        /* the names, built at the first look-up by name */
    int indexed;
} kind_cache;

typedef struct scen_cache {
    int loaded;
    int first, last, T;
    kind_cache k[FLOW_ITEM_KIND_COUNT_];
    int tloaded, n_targets;
    flow_results_target_info *targets;
    char **tstr;            /* the targets' strings, 2 per target */
} scen_cache;

struct flow_results {
    int writing;
    int failed;             /* writer: after an error only close is left */
    hid_t file;
    char *path, *tmp;
    int level;
    int checksums;          /* Fletcher-32 on every value chunk */
    long writes, fault_at;
    /* samples being streamed */
    hid_t samples;
    int s_n, s_T, s_items;
    /* reader */
    int n_scen;
    char **scen;
    scen_cache *sc;
    char *attr;             /* the last attribute read */
};

static const flow_allocator *const A = &flow_alloc__default;

/* ---- HDF5's error stack -------------------------------------------------------- */

typedef struct quiet {
    H5E_auto2_t f;
    void *d;
} quiet;

static void quiet_on(quiet *q)
{
    H5Eget_auto2(H5E_DEFAULT, &q->f, &q->d);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void quiet_off(quiet *q)
{
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, q->f, q->d);
}

static herr_t last_desc(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    if (e->desc && e->desc[0])
        snprintf(data, 200, "%s", e->desc);
    return 0;
}

/* The innermost message of HDF5's error stack ("" when none). */
static const char *h5_reason(char buf[200])
{
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, last_desc, buf);
    return buf;
}

/* FLOW_EIO naming the file, what failed and HDF5's reason. */
static int io_error(const flow_results *r, const char *what)
{
    char why[200];
    h5_reason(why);
    return flow_error__set(FLOW_EIO, "%s: %s%s%s", r->path, what, why[0] ? ": " : "", why);
}

/* ---- small HDF5 helpers ------------------------------------------------------------ */

static hid_t str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

/* Counts a write against the test hook: FLOW_EIO (message set) when this
 * write must fail, else 0. Always 0 in a default build. */
static int fault(flow_results *r)
{
#ifdef FLOW_FAULT_INJECTION
    if (r->fault_at > 0 && ++r->writes == r->fault_at)
        return flow_error__set(FLOW_EIO, "%s: simulated write failure (FLOW_RESULTS_FAULT)", r->path);
#else
    (void)r;
#endif
    return 0;
}
static int put_attr_str(flow_results *r, hid_t loc, const char *name, const char *value)
{
    int frc = fault(r);
    if (frc)
        return frc;
    hid_t t = str_type(), sp = H5Screate(H5S_SCALAR), a = -1;
    int ok = t >= 0 && sp >= 0 && (a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Awrite(a, t, &value) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    return ok ? 0 : io_error(r, "cannot write an attribute");
}

static int put_attr_num(flow_results *r, hid_t loc, const char *name, hid_t type, const void *value)
{
    int frc = fault(r);
    if (frc)
        return frc;
    hid_t sp = H5Screate(H5S_SCALAR), a = -1;
    int ok = sp >= 0 && (a = H5Acreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Awrite(a, type, value) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    return ok ? 0 : io_error(r, "cannot write an attribute");
}

static void now_iso(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- writing ---------------------------------------------------------------------- */

int flow_results_create(flow_results **out, const char *path)
{
    *out = NULL;
    if (!path || !path[0])
        return flow_error__set(FLOW_EINVAL, "flow_results_create: no path");
    flow_results *r = flow_alloc__calloc(A, 1, sizeof *r);
    if (!r)
        return flow_error__nomem("a results file");
    r->writing = 1;
    r->file = r->samples = -1;
    r->level = 4;
    r->checksums = 1;
    r->fault_at = FLOW_TESTHOOK("FLOW_RESULTS_FAULT");
    r->path = flow_alloc__strdup(A, path);
    /* the temporary file: same folder, hidden, unique */
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t tlen = dlen + strlen(base) + 16;
    r->tmp = flow_alloc__malloc(A, tlen);
    if (!r->path || !r->tmp) {
        flow_results_close(r);
        return flow_error__nomem("a results file");
    }
    snprintf(r->tmp, tlen, "%.*s.%s.tmp-XXXXXX", (int)dlen, path, base);
    int fd = mkstemp(r->tmp);
    if (fd < 0) {
        int e = errno;
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%.*s", dlen ? (int)dlen : 1, dlen ? path : ".");
        r->tmp[0] = '\0';
        flow_results_close(r);
        return flow_error__set(FLOW_EIO, "%s: cannot write in the folder %s: %s", path, dir, strerror(e));
    }
    close(fd);
    quiet q;
    quiet_on(&q);
    int rc = 0;
    hid_t gcpl = -1, g = -1;
    /* the file format of HDF5 1.8 and later: its metadata carry checksums
     * (h5py, R, HDFView and every HDF5 since 2008 read it) */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0)
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST);
    r->file = H5Fcreate(r->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl >= 0 ? fapl : H5P_DEFAULT);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (r->file < 0) {
        rc = io_error(r, "cannot create the results file");
        goto done;
    }
    char created[32];
    now_iso(created);
    int version = FLOW_RESULTS_FORMAT_VERSION;
    if ((rc = put_attr_str(r, r->file, "format", FORMAT_NAME)) ||
        (rc = put_attr_num(r, r->file, "format_version", H5T_NATIVE_INT, &version)) ||
        (rc = put_attr_str(r, r->file, "libflow_version", flow_version())) ||
        (rc = put_attr_str(r, r->file, "created", created)))
        goto done;
    /* scenarios keep the order they were written in */
    gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0 || H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        (g = H5Gcreate2(r->file, "scenarios", H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0)
        rc = io_error(r, "cannot create the scenarios group");
done:
    if (g >= 0)
        H5Gclose(g);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    quiet_off(&q);
    if (rc) {
        flow_results_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int flow_results_set_compression(flow_results *r, int level)
{
    if (!r->writing)
        return flow_error__set(FLOW_EINVAL, "%s: opened for reading", r->path);
    if (level < 0 || level > 9)
        return flow_error__set(FLOW_EINVAL, "compression level %d is not in 0..9", level);
    r->level = level;
    return 0;
}

int flow_results_set_checksums(flow_results *r, int on)
{
    if (!r->writing)
        return flow_error__set(FLOW_EINVAL, "%s: opened for reading", r->path);
    r->checksums = on != 0;
    return 0;
}

/* A float64[rows][n] dataset, chunked by whole rows' worth of columns,
 * compressed at the writer's level; NULL data writes nothing. */
static int put_values(flow_results *r, hid_t loc, const char *name, int rank, const hsize_t *dims,
                      const double *data, const char *units, hid_t years)
{
    int frc = fault(r);
    if (frc)
        return frc;
    hid_t sp = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), d = -1;
    int ok = sp >= 0 && dcpl >= 0;
    hsize_t total = 1;
    for (int i = 0; i < rank; i++)
        total *= dims[i];
    if (ok && total > 0) {
        /* every year (and one sample) of a block of items per chunk */
        hsize_t chunk[3];
        size_t row = 8;
        for (int i = rank == 3 ? 1 : 0; i < rank - 1; i++)
            row *= (size_t)dims[i];
        hsize_t nc = (hsize_t)(CHUNK_BYTES / row), n = dims[rank - 1];
        if (nc < 1)
            nc = 1;
        if (nc > n)
            nc = n;
        /* blocks of equal size: an edge chunk is stored whole, so 10,000
         * items in chunks of 4,369 would store 13,107 */
        hsize_t blocks = (n + nc - 1) / nc;
        nc = (n + blocks - 1) / blocks;
        for (int i = 0; i < rank; i++)
            chunk[i] = dims[i];
        if (rank == 3)
            chunk[0] = 1;
        chunk[rank - 1] = nc;
        ok = H5Pset_chunk(dcpl, rank, chunk) >= 0;
        if (ok && r->level > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0)
            ok = H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, (unsigned)r->level) >= 0;
        /* a checksum per chunk: a corrupted chunk is an error when read,
         * never a silently wrong number */
        if (ok && r->checksums)
            ok = H5Pset_fletcher32(dcpl) >= 0;
    }
    if (ok)
        ok = (d = H5Dcreate2(loc, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT)) >= 0;
    if (ok && data && total > 0)
        ok = H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (ok && years >= 0 && rank == 2)
        ok = H5DSattach_scale(d, years, 0) >= 0;
    int rc = ok ? 0 : io_error(r, "cannot write a dataset");
    if (!rc && units)
        rc = put_attr_str(r, d, "units", units);
    if (d >= 0) {
        if (rank == 3 && !rc && !data) {
            r->samples = d; /* kept open for samples_write */
            d = -1;
        } else {
            H5Dclose(d);
        }
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (sp >= 0)
        H5Sclose(sp);
    return rc;
}

/* The transfer property list of a table's write: the conversion buffers
 * (n records of the larger of mt and the file's record) are the
 * caller's, in *bufs. Else HDF5 takes 1 MiB twice per write, zeroed,
 * from the heap or fresh pages: 60 % of the writing of the Hengshui plan
 * (docs/performance.md). ft is mt packed; in the file a string takes 16
 * bytes (length, heap address, index) where memory has an 8-byte
 * pointer, so twice ft bounds the file's record. */
static hid_t table_dxpl(hid_t mt, hid_t ft, size_t n, void **bufs)
{
    size_t rec = H5Tget_size(mt) > 2 * H5Tget_size(ft) ? H5Tget_size(mt) : 2 * H5Tget_size(ft);
    hid_t x = H5Pcreate(H5P_DATASET_XFER);
    bufs[0] = rec ? flow_alloc__calloc(A, n, rec) : NULL;
    bufs[1] = rec ? flow_alloc__calloc(A, n, rec) : NULL;
    if (x >= 0 && bufs[0] && bufs[1] && H5Pset_buffer(x, n * rec, bufs[0], bufs[1]) >= 0)
        return x;
    if (x >= 0)
        H5Pclose(x);
    return H5P_DEFAULT; /* HDF5's own buffers: slower, not wrong */
}

/* A compound table: n records of size rec built by the caller in buf,
 * described by the memory type mt; written with mt packed (no padding in
 * the file). The default fill value (zeros) stays: writing strings, HDF5
 * reads the dataset's old records first to free their strings, and
 * zeros are the records that hold none (an undefined fill value would
 * leave whatever bytes the file space held). */
static int put_table(flow_results *r, hid_t loc, const char *name, hid_t mt, size_t n, const void *buf)
{
    int frc = fault(r);
    if (frc)
        return frc;
    hsize_t dim = n;
    void *bufs[2] = { NULL, NULL };
    hid_t ft = H5Tcopy(mt), sp = H5Screate_simple(1, &dim, NULL), d = -1;
    int ok = ft >= 0 && sp >= 0 && H5Tpack(ft) >= 0 &&
             (d = H5Dcreate2(loc, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0;
    if (ok && n > 0) {
        hid_t x = table_dxpl(mt, ft, n, bufs);
        ok = H5Dwrite(d, mt, H5S_ALL, H5S_ALL, x, buf) >= 0;
        if (x != H5P_DEFAULT)
            H5Pclose(x);
    }
    if (d >= 0)
        H5Dclose(d);
    flow_alloc__free(A, bufs[0]);
    flow_alloc__free(A, bufs[1]);
    if (sp >= 0)
        H5Sclose(sp);
    if (ft >= 0)
        H5Tclose(ft);
    return ok ? 0 : io_error(r, "cannot write a table");
}

/* The unit of a plugin type's metric, from the end of its name
 * (docs/results-format.md, Units): "electricity_kwh" -> "kWh",
 * "throughput_t" -> "t", "utilisation_pct" -> "%"; "" when the end of
 * the name is no known unit. */
static const char *metric_unit(const char *name)
{
    static const char *const ends[][2] = { { "_t", "t" },     { "_kwh", "kWh" }, { "_nm3", "Nm3" },
                                           { "_m3", "m3" },   { "_pct", "%" },   { "_year", "year" },
                                           { "_kg", "kg" },   { "_mwh", "MWh" }, { "_gj", "GJ" } };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        size_t e = strlen(ends[i][0]);
        if (n > e && strcmp(name + n - e, ends[i][0]) == 0)
            return ends[i][1];
    }
    return "";
}

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

static hid_t compound(size_t size, int n, const char *const *names, const size_t *offs, const hid_t *types)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, size);
    for (int i = 0; t >= 0 && i < n; i++)
        if (H5Tinsert(t, names[i], offs[i], types[i]) < 0) {
            H5Tclose(t);
            return -1;
        }
    return t;
}

/* The memory type of a target record (written and read alike). */
static hid_t target_type(hid_t str)
{
    const char *nt[7] = { "indicator", "year", "cmp", "value", "achieved", "met", "source" };
    size_t ot[7] = { offsetof(rec_target, indicator), offsetof(rec_target, year), offsetof(rec_target, cmp),
                     offsetof(rec_target, value), offsetof(rec_target, achieved), offsetof(rec_target, met),
                     offsetof(rec_target, source) };
    hid_t tt[7] = { str, H5T_NATIVE_INT32, str, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE, H5T_NATIVE_INT8, str };
    return compound(sizeof(rec_target), 7, nt, ot, tt);
}

static const char *kind_word(flow_kind k)
{
    return flow_kind_name(k) ? flow_kind_name(k) : "?";
}

static int valid_scenario_name(const char *name)
{
    return name && name[0] && !strchr(name, '/') && strcmp(name, ".") != 0;
}

/* The provenance attributes of a scenario group. */
static int put_provenance(flow_results *r, hid_t g, const flow_model *m, const flow_provenance *prov)
{
    char created[32], hex[65];
    now_iso(created);
    int rc = put_attr_str(r, g, "created", created);
    if (!rc)
        rc = put_attr_str(r, g, "libflow_version", flow_version());
    if (!rc && prov && prov->description)
        rc = put_attr_str(r, g, "description", prov->description);
    const char *files[2] = { prov ? prov->model_file : NULL, prov ? prov->scenario_file : NULL };
    const char *names[2][2] = { { "model_file", "model_sha256" }, { "scenario_file", "scenario_sha256" } };
    for (int i = 0; i < 2 && !rc; i++) {
        if (!files[i])
            continue;
        if ((rc = flow_sha256__file(files[i], hex)))
            break;
        if (!(rc = put_attr_str(r, g, names[i][0], files[i])))
            rc = put_attr_str(r, g, names[i][1], hex);
    }
    if (!rc && prov && prov->has_seed)
        rc = put_attr_num(r, g, "seed", H5T_NATIVE_ULLONG, &prov->seed);
    /* the versions of the process types the model uses, each once */
    if (!rc && m) {
        size_t len = 1, cap = 256;
        char *buf = flow_alloc__malloc(A, cap);
        if (!buf)
            return flow_error__nomem("the provenance");
        buf[0] = '\0';
        for (size_t p = 0; p < m->n_procs; p++) {
            const flow_process_type *t = m->procs[p].type;
            if (!t)
                continue;
            int seen = 0;
            for (size_t q = 0; q < p && !seen; q++)
                seen = m->procs[q].type == t;
            if (seen)
                continue;
            const char *origin = flow_plugin_origin(t);
            size_t need = strlen(t->name) + (t->version ? strlen(t->version) : 1) +
                          (origin ? strlen(origin) : 8) + 8;
            if (len + need > cap) {
                cap = (len + need) * 2;
                char *nb = flow_alloc__realloc(A, buf, cap);
                if (!nb) {
                    flow_alloc__free(A, buf);
                    return flow_error__nomem("the provenance");
                }
                buf = nb;
            }
            len += (size_t)snprintf(buf + len - 1, cap - len + 1, "%s%s %s (%s)", len > 1 ? "; " : "", t->name,
                                    t->version ? t->version : "?", origin ? origin : "built in");
        }
        rc = put_attr_str(r, g, "plugin_versions", buf);
        flow_alloc__free(A, buf);
    }
    return rc;
}

/* The tables and values of one kind of item. */
static int put_kind(flow_results *r, hid_t g, const flow_sim *s, flow_item_kind kind, hid_t years, hid_t rt)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    int n = flow_model_n_items(m, kind), rc = 0;
    hid_t kg = H5Gcreate2(g, kind_group[kind], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (kg < 0)
        return io_error(r, "cannot create a group");
    rec_item *rec = flow_alloc__calloc(A, n ? (size_t)n : 1, sizeof *rec);
    if (!rec) {
        H5Gclose(kg);
        return flow_error__nomem("a results table");
    }
    for (int i = 0; i < n; i++) {
        flow_item_info info;
        flow_model_item_info(m, kind, i, &info);
        rec[i].name = info.name;
        rec[i].from = info.from;
        rec[i].to = info.to;
        rec[i].material = info.material;
        rec[i].unit = "";
        rec[i].detail = "";
        switch (kind) {
        case FLOW_ITEM_FLOW:
            rec[i].unit = "t/a";
            rec[i].detail = flow_mode_name(info.mode) ? flow_mode_name(info.mode) : "";
            if (info.mode == FLOW_PORT && info.flow >= 0)
                rec[i].detail = m->procs[info.from].type->ports[m->flows[info.flow].port];
            break;
        case FLOW_ITEM_STOCK:
            rec[i].unit = "t";
            rec[i].detail = c->p_backlog[info.from] >= 0 && i >= c->p_backlog[info.from] ? "backlog" : "stock";
            break;
        case FLOW_ITEM_PARAM:
            rec[i].unit = m->params[i].unit ? m->params[i].unit : "";
            break;
        case FLOW_ITEM_INDICATOR:
            rec[i].unit = m->inds[i].unit ? m->inds[i].unit : "";
            rec[i].detail = m->inds[i].source ? m->inds[i].source : "";
            rec[i].title = m->inds[i].title ? m->inds[i].title : "";
            break;
        default: /* metrics: the name after "process:" carries its unit */
            rec[i].detail = info.name + strlen(m->procs[info.from].name) + 1;
            rec[i].unit = metric_unit(rec[i].detail);
            break;
        }
    }
    rc = put_table(r, kg, "index", rt, (size_t)n, rec);
    hsize_t dims[2] = { (hsize_t)c->T, (hsize_t)n };
    if (!rc)
        rc = put_values(r, kg, "values", 2, dims, flow_sim_data(s, kind),
                        kind == FLOW_ITEM_FLOW ? "t/a" : kind == FLOW_ITEM_STOCK ? "t" : NULL, years);
    flow_alloc__free(A, rec);
    H5Gclose(kg);
    return rc;
}

int flow_results_write(flow_results *r, const char *name, const flow_sim *s, const flow_provenance *prov)
{
    if (!r->writing || r->failed)
        return flow_error__set(FLOW_EINVAL, "%s: %s", r->path,
                               r->writing ? "an earlier write failed: the file can only be abandoned"
                                          : "opened for reading");
    if (!valid_scenario_name(name))
        return flow_error__set(FLOW_EINVAL, "%s: scenario name '%s' is empty or holds '/'", r->path,
                               name ? name : "(null)");
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    if (s->t < c->T)
        return flow_error__set(FLOW_ESTATE, "%s: scenario '%s': the simulation has run %d of its %d years",
                               r->path, name, s->t, c->T);
    quiet q;
    quiet_on(&q);
    int rc = 0;
    hid_t sg = -1, g = -1, years = -1, str = str_type(), t_mat = -1, t_proc = -1, t_item = -1, t_ind = -1,
          t_tgt = -1;
    rec_material *rm = NULL;
    rec_process *rp = NULL;
    rec_target *rt = NULL;
    sg = H5Gopen2(r->file, "scenarios", H5P_DEFAULT);
    if (sg < 0 || str < 0) {
        rc = io_error(r, "cannot open the scenarios group");
        goto done;
    }
    htri_t there = H5Lexists(sg, name, H5P_DEFAULT);
    if (there > 0) {
        rc = flow_error__set(FLOW_EEXIST, "%s: the file holds a scenario '%s' already", r->path, name);
        goto done;
    }
    if ((g = H5Gcreate2(sg, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
        rc = io_error(r, "cannot create the scenario's group");
        goto done;
    }
    if ((rc = put_provenance(r, g, m, prov)))
        goto done;
    /* years: the dimension scale of every values dataset */
    {
        hsize_t T = (hsize_t)c->T;
        int32_t *y = flow_alloc__malloc(A, (size_t)T * sizeof *y);
        if (!y) {
            rc = flow_error__nomem("the years");
            goto done;
        }
        for (int i = 0; i < c->T; i++)
            y[i] = m->first + i;
        if ((rc = fault(r))) {
            flow_alloc__free(A, y);
            goto done;
        }
        hid_t sp = H5Screate_simple(1, &T, NULL);
        int ok = sp >= 0 &&
                 (years = H5Dcreate2(g, "years", H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
                 H5Dwrite(years, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, y) >= 0 &&
                 H5DSset_scale(years, "year") >= 0;
        if (sp >= 0)
            H5Sclose(sp);
        flow_alloc__free(A, y);
        if (!ok) {
            rc = io_error(r, "cannot write the years");
            goto done;
        }
    }
    /* materials and processes */
    {
        const char *nm[3] = { "name", "category", "unit" };
        size_t om[3] = { offsetof(rec_material, name), offsetof(rec_material, category), offsetof(rec_material, unit) };
        hid_t tm[3] = { str, str, str };
        t_mat = compound(sizeof(rec_material), 3, nm, om, tm);
        const char *np[4] = { "name", "kind", "type", "type_version" };
        size_t op[4] = { offsetof(rec_process, name), offsetof(rec_process, kind), offsetof(rec_process, type),
                         offsetof(rec_process, type_version) };
        hid_t tp[4] = { str, str, str, str };
        t_proc = compound(sizeof(rec_process), 4, np, op, tp);
        /* indicators/index has a 7th column, title (docs/results-format.md) */
        const char *ni[7] = { "name", "from", "to", "material", "unit", "detail", "title" };
        size_t oi[7] = { offsetof(rec_item, name), offsetof(rec_item, from), offsetof(rec_item, to),
                         offsetof(rec_item, material), offsetof(rec_item, unit), offsetof(rec_item, detail),
                         offsetof(rec_item, title) };
        hid_t ti[7] = { str, H5T_NATIVE_INT32, H5T_NATIVE_INT32, H5T_NATIVE_INT32, str, str, str };
        t_item = compound(sizeof(rec_item), 6, ni, oi, ti);
        t_ind = compound(sizeof(rec_item), 7, ni, oi, ti);
        t_tgt = target_type(str);
        if (t_mat < 0 || t_proc < 0 || t_item < 0 || t_ind < 0 || t_tgt < 0) {
            rc = io_error(r, "cannot make the table types");
            goto done;
        }
        rm = flow_alloc__calloc(A, m->n_mats ? m->n_mats : 1, sizeof *rm);
        rp = flow_alloc__calloc(A, m->n_procs ? m->n_procs : 1, sizeof *rp);
        rt = flow_alloc__calloc(A, m->n_targets ? m->n_targets : 1, sizeof *rt);
        if (!rm || !rp || !rt) {
            rc = flow_error__nomem("the results tables");
            goto done;
        }
        for (size_t i = 0; i < m->n_mats; i++)
            rm[i] = (rec_material){ m->mats[i].name, flow_category_name(m->mats[i].cat),
                                    m->mats[i].unit ? m->mats[i].unit : "" };
        for (size_t i = 0; i < m->n_procs; i++) {
            const flow_process_type *t = m->procs[i].type;
            rp[i] = (rec_process){ m->procs[i].name, kind_word(m->procs[i].kind), t ? t->name : "",
                                   t && t->version ? t->version : "" };
        }
        if ((rc = put_table(r, g, "materials", t_mat, m->n_mats, rm)) ||
            (rc = put_table(r, g, "processes", t_proc, m->n_procs, rp)))
            goto done;
    }
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_ && !rc; k++)
        rc = put_kind(r, g, s, (flow_item_kind)k, years, k == FLOW_ITEM_INDICATOR ? t_ind : t_item);
    if (rc)
        goto done;
    /* targets with their verdicts */
    for (size_t i = 0; i < m->n_targets; i++) {
        flow_target_info ti;
        flow_model_target_info(m, (int)i, &ti);
        double achieved;
        int met;
        flow_sim_target(s, (int)i, &achieved, &met);
        rt[i] = (rec_target){ m->inds[ti.indicator].name, ti.year, flow_cmp_name(ti.cmp), ti.value, achieved,
                              (int8_t)met, ti.source ? ti.source : "" };
    }
    rc = put_table(r, g, "targets", t_tgt, m->n_targets, rt);
done:
    flow_alloc__free(A, rm);
    flow_alloc__free(A, rp);
    flow_alloc__free(A, rt);
    hid_t types[6] = { t_mat, t_proc, t_item, t_ind, t_tgt, str };
    for (int i = 0; i < 6; i++)
        if (types[i] >= 0)
            H5Tclose(types[i]);
    if (years >= 0)
        H5Dclose(years);
    int started = g >= 0; /* a refusal before anything was written leaves the file usable */
    if (g >= 0)
        H5Gclose(g);
    if (sg >= 0)
        H5Gclose(sg);
    quiet_off(&q);
    if (rc && started)
        r->failed = 1;
    return rc;
}

int flow_results_samples_begin(flow_results *r, const char *name, const char *what, int n_samples, int n_years,
                               int n_items)
{
    if (!r->writing || r->failed)
        return flow_error__set(FLOW_EINVAL, "%s: not a writer that can go on", r->path);
    if (!valid_scenario_name(name) || !valid_scenario_name(what) || n_samples < 1 || n_years < 1 || n_items < 0)
        return flow_error__set(FLOW_EINVAL, "%s: samples: bad scenario or dataset name, or sizes %d x %d x %d",
                               r->path, n_samples, n_years, n_items);
    quiet q;
    quiet_on(&q);
    int rc = 0;
    if (r->samples >= 0) {
        H5Dclose(r->samples);
        r->samples = -1;
    }
    hid_t sg = H5Gopen2(r->file, "scenarios", H5P_DEFAULT), g = -1, smp = -1;
    if (sg >= 0)
        g = H5Lexists(sg, name, H5P_DEFAULT) > 0 ? H5Gopen2(sg, name, H5P_DEFAULT)
                                                  : H5Gcreate2(sg, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g >= 0)
        smp = H5Lexists(g, "samples", H5P_DEFAULT) > 0 ? H5Gopen2(g, "samples", H5P_DEFAULT)
                                                        : H5Gcreate2(g, "samples", H5P_DEFAULT, H5P_DEFAULT,
                                                                     H5P_DEFAULT);
    if (smp < 0) {
        rc = io_error(r, "cannot create the samples group");
    } else {
        hsize_t dims[3] = { (hsize_t)n_samples, (hsize_t)n_years, (hsize_t)n_items };
        rc = put_values(r, smp, what, 3, dims, NULL, NULL, -1);
        r->s_n = n_samples;
        r->s_T = n_years;
        r->s_items = n_items;
    }
    if (smp >= 0)
        H5Gclose(smp);
    if (g >= 0)
        H5Gclose(g);
    if (sg >= 0)
        H5Gclose(sg);
    quiet_off(&q);
    if (rc)
        r->failed = 1;
    return rc;
}

int flow_results_samples_write(flow_results *r, int sample, const double *values)
{
    if (!r->writing || r->failed || r->samples < 0)
        return flow_error__set(FLOW_EINVAL, "%s: no samples dataset is open (flow_results_samples_begin)", r->path);
    if (sample < 0 || sample >= r->s_n)
        return flow_error__set(FLOW_EINVAL, "%s: sample %d is not in [0, %d)", r->path, sample, r->s_n);
    if (r->s_items == 0)
        return 0;
    int frc = fault(r);
    if (frc) {
        r->failed = 1;
        return frc;
    }
    quiet q;
    quiet_on(&q);
    hsize_t start[3] = { (hsize_t)sample, 0, 0 }, count[3] = { 1, (hsize_t)r->s_T, (hsize_t)r->s_items };
    hid_t fs = H5Dget_space(r->samples), ms = H5Screate_simple(3, count, NULL);
    int ok = fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dwrite(r->samples, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, values) >= 0;
    int rc = ok ? 0 : io_error(r, "cannot write a sample");
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    quiet_off(&q);
    if (rc)
        r->failed = 1;
    return rc;
}

/* fsync of a file or folder by path; 0 or errno. */
static int sync_path(const char *path, int dir)
{
    int fd = open(path, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return rc == EINVAL ? 0 : rc; /* some file systems cannot sync a folder */
}

int flow_results_commit(flow_results *r)
{
    if (!r)
        return flow_error__set(FLOW_EINVAL, "flow_results_commit: NULL");
    if (!r->writing || r->failed) {
        int rc = flow_error__set(FLOW_EINVAL, "%s: %s", r->path,
                                 r->writing ? "an earlier write failed: nothing was committed" : "opened for reading");
        flow_results_close(r);
        return rc;
    }
    quiet q;
    quiet_on(&q);
    int rc = 0;
    if (r->samples >= 0 && H5Dclose(r->samples) < 0)
        rc = io_error(r, "cannot finish the samples");
    r->samples = -1;
    if (H5Fclose(r->file) < 0 && !rc)
        rc = io_error(r, "cannot finish the file (a full disk?)");
    r->file = -1;
    quiet_off(&q);
    int e;
    if (!rc && (e = sync_path(r->tmp, 0)) != 0)
        rc = flow_error__set(FLOW_EIO, "%s: cannot sync it to disk: %s", r->path, strerror(e));
    if (!rc && rename(r->tmp, r->path) != 0)
        rc = flow_error__set(FLOW_EIO, "%s: cannot move the finished file into place: %s", r->path, strerror(errno));
    if (!rc) {
        r->tmp[0] = '\0'; /* nothing to remove any more */
        const char *slash = strrchr(r->path, '/');
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - r->path) + (slash == r->path) : 1,
                 slash ? r->path : ".");
        sync_path(dir, 1); /* the rename itself; best effort */
    }
    flow_results_close(r);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------- */

static void free_kind(kind_cache *k)
{
    for (int i = 0; k->names && i < k->n; i++) {
        flow_alloc__free(A, k->names[i]);
        flow_alloc__free(A, k->units[i]);
        if (k->titles)
            flow_alloc__free(A, k->titles[i]);
    }
    flow_alloc__free(A, k->titles);
    flow_alloc__free(A, k->names);
    flow_alloc__free(A, k->units);
    flow_alloc__free(A, k->values);
    flow_nameidx__free(&k->ix, A);
    memset(k, 0, sizeof *k);
}

void flow_results_close(flow_results *r)
{
    if (!r)
        return;
    quiet q;
    quiet_on(&q);
    if (r->samples >= 0)
        H5Dclose(r->samples);
    if (r->file >= 0)
        H5Fclose(r->file);
    quiet_off(&q);
    if (r->writing && r->tmp && r->tmp[0])
        unlink(r->tmp); /* abandoned: nothing appears at the path */
    for (int i = 0; i < r->n_scen; i++) {
        flow_alloc__free(A, r->scen[i]);
        if (!r->sc)
            continue;
        for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++)
            free_kind(&r->sc[i].k[k]);
        for (int t = 0; r->sc[i].tstr && t < 2 * r->sc[i].n_targets; t++)
            flow_alloc__free(A, r->sc[i].tstr[t]);
        flow_alloc__free(A, r->sc[i].tstr);
        flow_alloc__free(A, r->sc[i].targets);
    }
    flow_alloc__free(A, r->scen);
    flow_alloc__free(A, r->sc);
    flow_alloc__free(A, r->attr);
    flow_alloc__free(A, r->path);
    flow_alloc__free(A, r->tmp);
    flow_alloc__free(A, r);
}

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
            hid_t mt = str_type();
            char *v = NULL;
            if (mt >= 0 && H5Aread(a, mt, &v) >= 0 && v) {
                out = flow_alloc__strdup(A, v);
                H5free_memory(v);
            }
            if (mt >= 0)
                H5Tclose(mt);
        } else {
            size_t n = H5Tget_size(t);
            out = flow_alloc__calloc(A, n + 1, 1);
            if (out && H5Aread(a, t, out) < 0) {
                flow_alloc__free(A, out);
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
    char **nv = flow_alloc__realloc(A, r->scen, (size_t)(r->n_scen + 1) * sizeof *nv);
    if (!nv)
        return -1;
    r->scen = nv;
    if (!(r->scen[r->n_scen] = flow_alloc__strdup(A, name)))
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
    flow_results *r = flow_alloc__calloc(A, 1, sizeof *r);
    if (!r || !(r->path = flow_alloc__strdup(A, path))) {
        flow_alloc__free(A, r);
        return flow_error__nomem("a results file");
    }
    r->file = r->samples = -1;
    quiet q;
    quiet_on(&q);
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
        rc = io_error(r, "cannot be read: truncated or corrupt");
        goto done;
    }
    if (H5Aexists(r->file, "format") < 0) {
        rc = io_error(r, "cannot be read: its metadata are corrupt");
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
        rc = io_error(r, "has no scenarios group: truncated or corrupt");
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
        rc = io_error(r, "cannot list its scenarios: truncated or corrupt");
        goto done;
    }
    r->sc = flow_alloc__calloc(A, r->n_scen ? (size_t)r->n_scen : 1, sizeof *r->sc);
    if (!r->sc)
        rc = flow_error__nomem("a results file");
done:
    if (sg >= 0)
        H5Gclose(sg);
    flow_alloc__free(A, format);
    quiet_off(&q);
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
        int32_t *y = flow_alloc__malloc(A, (size_t)T * sizeof *y);
        if (!y)
            rc = flow_error__nomem("the years");
        else if (H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, y) < 0)
            rc = io_error(r, "cannot read the years");
        else {
            c->first = y[0];
            c->last = y[T - 1];
            c->T = (int)T;
            if (c->last - c->first + 1 != c->T)
                rc = flow_error__set(FLOW_EIO, "%s: scenario '%s': years are not consecutive", r->path, r->scen[s]);
        }
        flow_alloc__free(A, y);
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
        rc = io_error(r, msg);
    else if (!(*rec = flow_alloc__calloc(A, *n ? (size_t)*n : 1, size)))
        rc = flow_error__nomem(what);
    else if (*n > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, *rec) < 0) {
        flow_alloc__free(A, *rec); /* nothing read: no strings to free */
        *rec = NULL;
        rc = io_error(r, msg);
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
    flow_alloc__free(A, rec);
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
    snprintf(sub, sizeof sub, "%s/index", kind_group[kind]);
    hid_t g = open_in(r, s, kind_group[kind], 0);
    if (g < 0) { /* a kind the file does not have: no items (an older writer) */
        k->loaded = 1;
        return 0;
    }
    H5Gclose(g);
    hid_t v = -1, str = str_type(), mt = -1;
    rec_item *rec = NULL;
    hsize_t n = 0;
    /* indicators' titles when the file has them (files written before the
     * column was added have none: the titles read as absent) */
    int titled = kind == FLOW_ITEM_INDICATOR && has_field(r, s, sub, "title");
    const char *ni[3] = { "name", "unit", "title" };
    size_t oi[3] = { offsetof(rec_item, name), offsetof(rec_item, unit), offsetof(rec_item, title) };
    hid_t ti[3] = { str, str, str };
    mt = str >= 0 ? compound(sizeof(rec_item), titled ? 3 : 2, ni, oi, ti) : -1;
    if (mt < 0) {
        rc = io_error(r, "cannot make the item table's type");
        goto done;
    }
    if ((rc = read_table(r, s, sub, mt, sizeof *rec, (void **)&rec, &n, "an item table")))
        goto done;
    k->names = flow_alloc__calloc(A, n ? (size_t)n : 1, sizeof *k->names);
    k->units = flow_alloc__calloc(A, n ? (size_t)n : 1, sizeof *k->units);
    k->values = flow_alloc__calloc(A, (size_t)c->T * (n ? (size_t)n : 1), sizeof *k->values);
    if (titled)
        k->titles = flow_alloc__calloc(A, n ? (size_t)n : 1, sizeof *k->titles);
    if (!k->names || !k->units || !k->values || (titled && !k->titles)) {
        rc = flow_error__nomem("an item table");
        goto done;
    }
    k->n = (int)n;
    for (hsize_t i = 0; i < n; i++) {
        k->names[i] = flow_alloc__strdup(A, rec[i].name ? rec[i].name : "");
        const char *unit = rec[i].unit ? rec[i].unit : "";
        if (kind == FLOW_ITEM_METRIC && !*unit && rec[i].name) /* written before metrics had units */
            unit = metric_unit(rec[i].name);
        k->units[i] = flow_alloc__strdup(A, unit);
        if (titled)
            k->titles[i] = flow_alloc__strdup(A, rec[i].title ? rec[i].title : "");
        if (!k->names[i] || !k->units[i] || (titled && !k->titles[i]))
            rc = flow_error__nomem("an item table");
    }
    if (rc)
        goto done;
    snprintf(sub, sizeof sub, "%s/values", kind_group[kind]);
    v = open_in(r, s, sub, 1);
    hsize_t dims[2] = { 0, 0 };
    hid_t vs = v >= 0 ? H5Dget_space(v) : -1;
    int okdims = vs >= 0 && H5Sget_simple_extent_ndims(vs) == 2 && H5Sget_simple_extent_dims(vs, dims, NULL) >= 0 &&
                 dims[0] == (hsize_t)c->T && dims[1] == n;
    if (vs >= 0)
        H5Sclose(vs);
    if (!okdims)
        rc = flow_error__set(FLOW_EIO, "%s: scenario '%s': %s/values is missing or does not match its table", r->path,
                             r->scen[s], kind_group[kind]);
    else if (n > 0 && H5Dread(v, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, k->values) < 0)
        rc = io_error(r, "cannot read values: truncated or corrupt");
done:
    free_table(mt, n, rec);
    if (mt >= 0)
        H5Tclose(mt);
    if (str >= 0)
        H5Tclose(str);
    if (v >= 0)
        H5Dclose(v);
    if (rc)
        free_kind(k);
    else
        k->loaded = 1;
    return rc;
}

#define READ_ENTRY(r, s)           \
    quiet q_;                      \
    quiet_on(&q_);                 \
    int rc_ = check_scen((r), (s))

int flow_results_years(flow_results *r, int scenario, int *first, int *last)
{
    READ_ENTRY(r, scenario);
    if (!rc_)
        rc_ = load_years(r, scenario);
    quiet_off(&q_);
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
    quiet q;
    quiet_on(&q);
    *rc = check_scen(r, s);
    if (!*rc)
        *rc = load_kind(r, s, kind);
    quiet_off(&q);
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
            (rc = flow_nameidx__add(&k->ix, A, i, (size_t)k->n, k->names, sizeof *k->names))) {
            flow_nameidx__free(&k->ix, A);
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
                           kind_group[kind], name ? name : "(null)", near ? " (did you mean '" : "",
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
        return flow_error__set(FLOW_ENOTFOUND, "%s: no %s item %d (there are %d)", r->path, kind_group[kind], item, k->n);
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
        return flow_error__set(FLOW_ENOTFOUND, "%s: no %s item %d (there are %d)", r->path, kind_group[kind], item, k->n);
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
    if (!valid_scenario_name(what))
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
    quiet q;
    quiet_on(&q);
    hid_t d;
    hsize_t dims[3] = { 0, 0, 0 };
    int rc = open_samples(r, scenario, what, &d, dims);
    if (d >= 0)
        H5Dclose(d);
    quiet_off(&q);
    if (!rc) {
        *n_samples = (int)dims[0];
        *n_years = (int)dims[1];
        *n_items = (int)dims[2];
    }
    return rc;
}

int flow_results_samples_read(flow_results *r, int scenario, const char *what, int sample, double *out)
{
    quiet q;
    quiet_on(&q);
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
            rc = io_error(r, "cannot read a sample: truncated or corrupt");
    }
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    if (d >= 0)
        H5Dclose(d);
    quiet_off(&q);
    return rc;
}

static int load_targets(flow_results *r, int s)
{
    scen_cache *c = &r->sc[s];
    if (c->tloaded)
        return 0;
    int rc = 0;
    hid_t str = str_type(), mt = str >= 0 ? target_type(str) : -1;
    rec_target *rec = NULL;
    hsize_t n = 0;
    if (mt < 0) {
        rc = io_error(r, "cannot make the targets' type");
        goto done;
    }
    if ((rc = read_table(r, s, "targets", mt, sizeof *rec, (void **)&rec, &n, "the targets")))
        goto done;
    c->targets = flow_alloc__calloc(A, n ? (size_t)n : 1, sizeof *c->targets);
    c->tstr = flow_alloc__calloc(A, 2 * (n ? (size_t)n : 1), sizeof *c->tstr);
    if (!c->targets || !c->tstr) {
        rc = flow_error__nomem("the targets");
        goto done;
    }
    c->n_targets = (int)n;
    for (hsize_t i = 0; i < n && !rc; i++) {
        flow_results_target_info *t = &c->targets[i];
        c->tstr[2 * i] = flow_alloc__strdup(A, rec[i].indicator ? rec[i].indicator : "");
        c->tstr[2 * i + 1] = flow_alloc__strdup(A, rec[i].source ? rec[i].source : "");
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
    quiet_off(&q_);
    return rc_ ? 0 : r->sc[scenario].n_targets;
}

int flow_results_target(flow_results *r, int scenario, int target, flow_results_target_info *out)
{
    READ_ENTRY(r, scenario);
    if (!rc_)
        rc_ = load_targets(r, scenario);
    quiet_off(&q_);
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
    quiet q;
    quiet_on(&q);
    hid_t loc = scenario < 0 ? r->file : open_in(r, scenario, ".", 0);
    flow_alloc__free(A, r->attr);
    r->attr = loc >= 0 ? get_attr_str(loc, name) : NULL;
    if (scenario >= 0 && loc >= 0)
        H5Gclose(loc);
    quiet_off(&q);
    return r->attr;
}
