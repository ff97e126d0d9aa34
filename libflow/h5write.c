/*
 * h5write.c — the results store's writer, format version 2: a temporary
 * file next to the target (h5temp.c) written through libflow's own file
 * driver (h5vfd.c), scenarios (tables packed with fixed-length strings,
 * h5pack.c) and streamed samples written into it, and commit (close, the
 * driver's error checked, the replaced file's mode, fsync, rename, fsync
 * of the folder). See h5.c.
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

/* The error of an earlier failed write that the file driver kept from
 * HDF5 (h5vfd.c): FLOW_EIO with its reason, or 0. */
static int io_check(flow_results *r)
{
    if (!r->io_err)
        return 0;
    return flow_error__set(FLOW_EIO, "%s: cannot write the results file: %s", r->path, strerror(r->io_err));
}

/* Before each dataset or attribute write: an earlier failure of the
 * disk, or the test hook's simulated one (FLOW_RESULTS_FAULT, counted
 * here; always off in a default build). FLOW_EIO (message set) or 0. */
static int fault(flow_results *r)
{
    int rc = io_check(r);
    if (rc)
        return rc;
#ifdef FLOW_FAULT_INJECTION
    if (r->fault_at > 0 && ++r->writes == r->fault_at)
        return flow_error__set(FLOW_EIO, "%s: simulated write failure (FLOW_RESULTS_FAULT)", r->path);
#endif
    return 0;
}

/* A string attribute: fixed-length UTF-8, null-terminated, as long as
 * the value + 1 (format version 2). */
static int put_attr_str(flow_results *r, hid_t loc, const char *name, const char *value)
{
    int frc = fault(r);
    if (frc)
        return frc;
    hid_t t = flow_h5__fixed_str(strlen(value) + 1), sp = H5Screate(H5S_SCALAR), a = -1;
    int ok = t >= 0 && sp >= 0 && (a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Awrite(a, t, value) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    return ok ? 0 : flow_h5__io_error(r, "cannot write an attribute");
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
    return ok ? 0 : flow_h5__io_error(r, "cannot write an attribute");
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
    flow_results *r = flow_alloc__calloc(FLOW_H5_A, 1, sizeof *r);
    if (!r)
        return flow_error__nomem("a results file");
    r->writing = 1;
    r->file = r->samples = -1;
    r->level = 4;
    r->checksums = 1;
    r->fault_at = FLOW_TESTHOOK("FLOW_RESULTS_FAULT");
    r->path = flow_alloc__strdup(FLOW_H5_A, path);
    if (!r->path) {
        flow_results_close(r);
        return flow_error__nomem("a results file");
    }
    /* the temporary file: same folder, hidden, unique (h5temp.c) */
    int e = 0;
    if (!(r->tmp = flow_h5__temp_create(path, &e))) {
        const char *slash = strrchr(path, '/');
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
        flow_results_close(r);
        if (e == ENOMEM)
            return flow_error__nomem("a results file");
        return flow_error__set(FLOW_EIO, "%s: cannot write in the folder %s: %s", path, dir, strerror(e));
    }
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    int rc = 0;
    hid_t gcpl = -1, g = -1;
    /* the file format of HDF5 1.8 and later: its metadata carry checksums
     * (h5py, R, HDFView and every HDF5 since 2008 read it) */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) >= 0 &&
        flow_h5__vfd_use(fapl, &r->io_err) == 0)
        r->file = H5Fcreate(r->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (r->file < 0) {
        rc = flow_h5__io_error(r, "cannot create the results file");
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
        rc = flow_h5__io_error(r, "cannot create the scenarios group");
done:
    if (g >= 0)
        H5Gclose(g);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    flow_h5__quiet_off(&q);
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
        chunk[rank - 1] = nc;
        if (rank == 3) {
            /* samples: as many whole samples (every year of the block of
             * items) as fill SAMPLE_CHUNK_BYTES: written one after the
             * other, a chunk stays in HDF5's chunk cache (1 MiB) until it
             * is full, then is compressed once (a chunk per sample of
             * the plan's indicators, 3 kB, spent most of the time of
             * writing in zlib's set-up) */
            hsize_t per = (hsize_t)row * nc, k = per < SAMPLE_CHUNK_BYTES ? SAMPLE_CHUNK_BYTES / per : 1;
            chunk[0] = k < dims[0] ? k : dims[0];
        }
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
    int rc = ok ? 0 : flow_h5__io_error(r, "cannot write a dataset");
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

/* The columns of the tables (docs/results-format.md, The tables). */
#define COL(rec, f, kind) { #f, offsetof(rec, f), kind }
static const flow_h5__pack_col mat_cols[] = { COL(rec_material, name, 's'), COL(rec_material, category, 's'),
                                         COL(rec_material, unit, 's') };
static const flow_h5__pack_col proc_cols[] = { COL(rec_process, name, 's'), COL(rec_process, kind, 's'),
                                          COL(rec_process, type, 's'), COL(rec_process, type_version, 's') };
/* indicators/index has a 7th column, title */
static const flow_h5__pack_col item_cols[] = { COL(rec_item, name, 's'),     COL(rec_item, from, 'i'),
                                          COL(rec_item, to, 'i'),       COL(rec_item, material, 'i'),
                                          COL(rec_item, unit, 's'),     COL(rec_item, detail, 's'),
                                          COL(rec_item, title, 's') };
static const flow_h5__pack_col target_cols[] = { COL(rec_target, indicator, 's'), COL(rec_target, year, 'i'),
                                            COL(rec_target, cmp, 's'),       COL(rec_target, value, 'd'),
                                            COL(rec_target, achieved, 'd'),  COL(rec_target, met, 'b'),
                                            COL(rec_target, source, 's') };
#define NCOLS(c) ((int)(sizeof c / sizeof c[0]))

/* A table of n records: the test hook's count, then the packed write. */
static int put_table(flow_results *r, hid_t loc, const char *name, const flow_h5__pack_col *cols, int ncols,
                     const void *recs, size_t recsize, size_t n)
{
    int rc = fault(r);
    return rc ? rc : flow_h5__put_packed(r, loc, name, cols, ncols, recs, recsize, n);
}

static const char *kind_word(flow_kind k)
{
    return flow_kind_name(k) ? flow_kind_name(k) : "?";
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
        char *buf = flow_alloc__malloc(FLOW_H5_A, cap);
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
                char *nb = flow_alloc__realloc(FLOW_H5_A, buf, cap);
                if (!nb) {
                    flow_alloc__free(FLOW_H5_A, buf);
                    return flow_error__nomem("the provenance");
                }
                buf = nb;
            }
            len += (size_t)snprintf(buf + len - 1, cap - len + 1, "%s%s %s (%s)", len > 1 ? "; " : "", t->name,
                                    t->version ? t->version : "?", origin ? origin : "built in");
        }
        rc = put_attr_str(r, g, "plugin_versions", buf);
        flow_alloc__free(FLOW_H5_A, buf);
    }
    return rc;
}

/* The tables and values of one kind of item. */
static int put_kind(flow_results *r, hid_t g, const flow_sim *s, flow_item_kind kind, hid_t years)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    int n = flow_model_n_items(m, kind), rc = 0;
    hid_t kg = H5Gcreate2(g, flow_h5__kind_group[kind], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (kg < 0)
        return flow_h5__io_error(r, "cannot create a group");
    rec_item *rec = flow_alloc__calloc(FLOW_H5_A, n ? (size_t)n : 1, sizeof *rec);
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
            rec[i].unit = flow_h5__metric_unit(rec[i].detail);
            break;
        }
    }
    rc = put_table(r, kg, "index", item_cols, NCOLS(item_cols) - (kind != FLOW_ITEM_INDICATOR), rec, sizeof *rec,
                   (size_t)n);
    hsize_t dims[2] = { (hsize_t)c->T, (hsize_t)n };
    if (!rc)
        rc = put_values(r, kg, "values", 2, dims, flow_sim_data(s, kind),
                        kind == FLOW_ITEM_FLOW ? "t/a" : kind == FLOW_ITEM_STOCK ? "t" : NULL, years);
    flow_alloc__free(FLOW_H5_A, rec);
    H5Gclose(kg);
    return rc;
}

int flow_results_write(flow_results *r, const char *name, const flow_sim *s, const flow_provenance *prov)
{
    if (!r->writing || r->failed)
        return flow_error__set(FLOW_EINVAL, "%s: %s", r->path,
                               r->writing ? "an earlier write failed: the file can only be abandoned"
                                          : "opened for reading");
    if (!flow_h5__valid_scenario_name(name))
        return flow_error__set(FLOW_EINVAL, "%s: scenario name '%s' is empty or holds '/'", r->path,
                               name ? name : "(null)");
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    if (s->t < c->T)
        return flow_error__set(FLOW_ESTATE, "%s: scenario '%s': the simulation has run %d of its %d years",
                               r->path, name, s->t, c->T);
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    int rc = 0;
    hid_t sg = -1, g = -1, years = -1;
    rec_material *rm = NULL;
    rec_process *rp = NULL;
    rec_target *rt = NULL;
    sg = H5Gopen2(r->file, "scenarios", H5P_DEFAULT);
    if (sg < 0) {
        rc = flow_h5__io_error(r, "cannot open the scenarios group");
        goto done;
    }
    htri_t there = H5Lexists(sg, name, H5P_DEFAULT);
    if (there > 0) {
        rc = flow_error__set(FLOW_EEXIST, "%s: the file holds a scenario '%s' already", r->path, name);
        goto done;
    }
    if ((g = H5Gcreate2(sg, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
        rc = flow_h5__io_error(r, "cannot create the scenario's group");
        goto done;
    }
    if ((rc = put_provenance(r, g, m, prov)))
        goto done;
    /* years: the dimension scale of every values dataset */
    {
        hsize_t T = (hsize_t)c->T;
        int32_t *y = flow_alloc__malloc(FLOW_H5_A, (size_t)T * sizeof *y);
        if (!y) {
            rc = flow_error__nomem("the years");
            goto done;
        }
        for (int i = 0; i < c->T; i++)
            y[i] = m->first + i;
        if ((rc = fault(r))) {
            flow_alloc__free(FLOW_H5_A, y);
            goto done;
        }
        hid_t sp = H5Screate_simple(1, &T, NULL);
        int ok = sp >= 0 &&
                 (years = H5Dcreate2(g, "years", H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
                 H5Dwrite(years, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, y) >= 0 &&
                 H5DSset_scale(years, "year") >= 0;
        if (sp >= 0)
            H5Sclose(sp);
        flow_alloc__free(FLOW_H5_A, y);
        if (!ok) {
            rc = flow_h5__io_error(r, "cannot write the years");
            goto done;
        }
    }
    /* materials and processes */
    {
        rm = flow_alloc__calloc(FLOW_H5_A, m->n_mats ? m->n_mats : 1, sizeof *rm);
        rp = flow_alloc__calloc(FLOW_H5_A, m->n_procs ? m->n_procs : 1, sizeof *rp);
        rt = flow_alloc__calloc(FLOW_H5_A, m->n_targets ? m->n_targets : 1, sizeof *rt);
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
        if ((rc = put_table(r, g, "materials", mat_cols, NCOLS(mat_cols), rm, sizeof *rm, m->n_mats)) ||
            (rc = put_table(r, g, "processes", proc_cols, NCOLS(proc_cols), rp, sizeof *rp, m->n_procs)))
            goto done;
    }
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_ && !rc; k++)
        rc = put_kind(r, g, s, (flow_item_kind)k, years);
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
    rc = put_table(r, g, "targets", target_cols, NCOLS(target_cols), rt, sizeof *rt, m->n_targets);
    if (!rc)
        rc = io_check(r);
done:
    flow_alloc__free(FLOW_H5_A, rm);
    flow_alloc__free(FLOW_H5_A, rp);
    flow_alloc__free(FLOW_H5_A, rt);
    if (years >= 0)
        H5Dclose(years);
    int started = g >= 0; /* a refusal before anything was written leaves the file usable */
    if (g >= 0)
        H5Gclose(g);
    if (sg >= 0)
        H5Gclose(sg);
    flow_h5__quiet_off(&q);
    if (rc && started)
        r->failed = 1;
    return rc;
}

int flow_results_samples_begin(flow_results *r, const char *name, const char *what, int n_samples, int n_years,
                               int n_items)
{
    if (!r->writing || r->failed)
        return flow_error__set(FLOW_EINVAL, "%s: not a writer that can go on", r->path);
    if (!flow_h5__valid_scenario_name(name) || !flow_h5__valid_scenario_name(what) || n_samples < 1 || n_years < 1 || n_items < 0)
        return flow_error__set(FLOW_EINVAL, "%s: samples: bad scenario or dataset name, or sizes %d x %d x %d",
                               r->path, n_samples, n_years, n_items);
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
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
        rc = flow_h5__io_error(r, "cannot create the samples group");
    } else {
        hsize_t dims[3] = { (hsize_t)n_samples, (hsize_t)n_years, (hsize_t)n_items };
        rc = put_values(r, smp, what, 3, dims, NULL, NULL, -1);
        if (!rc)
            rc = io_check(r);
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
    flow_h5__quiet_off(&q);
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
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    hsize_t start[3] = { (hsize_t)sample, 0, 0 }, count[3] = { 1, (hsize_t)r->s_T, (hsize_t)r->s_items };
    hid_t fs = H5Dget_space(r->samples), ms = H5Screate_simple(3, count, NULL);
    int ok = fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dwrite(r->samples, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, values) >= 0;
    int rc = ok ? io_check(r) : flow_h5__io_error(r, "cannot write a sample");
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    flow_h5__quiet_off(&q);
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
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    int rc = 0;
    if (r->samples >= 0 && H5Dclose(r->samples) < 0)
        rc = flow_h5__io_error(r, "cannot finish the samples");
    r->samples = -1;
    if (H5Fclose(r->file) < 0 && !rc)
        rc = flow_h5__io_error(r, "cannot finish the file (a full disk?)");
    r->file = -1;
    flow_h5__quiet_off(&q);
    if (!rc)
        rc = io_check(r); /* a write that failed while closing */
    int e;
    if (!rc && (e = flow_h5__temp_keep_mode(r->tmp, r->path)) != 0)
        rc = flow_error__set(FLOW_EIO, "%s: cannot give the new file the permissions of the old: %s", r->path,
                             strerror(e));
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
