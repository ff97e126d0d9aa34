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
 *
 * This file holds what writing (h5write.c) and reading (h5read.c) share:
 * HDF5's error stack, the types of the records, the handle's closing.
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

const char *const flow_h5__kind_group[FLOW_ITEM_KIND_COUNT_] = { "flows", "stocks", "params", "indicators",
                                                                 "metrics" };

/* ---- HDF5's error stack -------------------------------------------------------- */

void flow_h5__quiet_on(flow_h5__quiet *q)
{
    H5Eget_auto2(H5E_DEFAULT, &q->f, &q->d);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void flow_h5__quiet_off(flow_h5__quiet *q)
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
const char *flow_h5__h5_reason(char buf[200])
{
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, last_desc, buf);
    return buf;
}

/* FLOW_EIO naming the file, what failed and HDF5's reason. */
int flow_h5__io_error(const flow_results *r, const char *what)
{
    char why[200];
    flow_h5__h5_reason(why);
    return flow_error__set(FLOW_EIO, "%s: %s%s%s", r->path, what, why[0] ? ": " : "", why);
}

/* ---- small HDF5 helpers ------------------------------------------------------------ */

hid_t flow_h5__str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

/* The unit of a plugin type's metric, from the end of its name
 * (docs/results-format.md, Units): "electricity_kwh" -> "kWh",
 * "throughput_t" -> "t", "utilisation_pct" -> "%"; "" when the end of
 * the name is no known unit. */
const char *flow_h5__metric_unit(const char *name)
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

hid_t flow_h5__compound(size_t size, int n, const char *const *names, const size_t *offs, const hid_t *types)
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
hid_t flow_h5__target_type(hid_t str)
{
    const char *nt[7] = { "indicator", "year", "cmp", "value", "achieved", "met", "source" };
    size_t ot[7] = { offsetof(rec_target, indicator), offsetof(rec_target, year), offsetof(rec_target, cmp),
                     offsetof(rec_target, value), offsetof(rec_target, achieved), offsetof(rec_target, met),
                     offsetof(rec_target, source) };
    hid_t tt[7] = { str, H5T_NATIVE_INT32, str, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE, H5T_NATIVE_INT8, str };
    return flow_h5__compound(sizeof(rec_target), 7, nt, ot, tt);
}

int flow_h5__valid_scenario_name(const char *name)
{
    return name && name[0] && !strchr(name, '/') && strcmp(name, ".") != 0;
}

/* ---- reading ---------------------------------------------------------------------- */

void flow_h5__free_kind(kind_cache *k)
{
    for (int i = 0; k->names && i < k->n; i++) {
        flow_alloc__free(FLOW_H5_A, k->names[i]);
        flow_alloc__free(FLOW_H5_A, k->units[i]);
        if (k->titles)
            flow_alloc__free(FLOW_H5_A, k->titles[i]);
    }
    flow_alloc__free(FLOW_H5_A, k->titles);
    flow_alloc__free(FLOW_H5_A, k->names);
    flow_alloc__free(FLOW_H5_A, k->units);
    flow_alloc__free(FLOW_H5_A, k->values);
    flow_nameidx__free(&k->ix, FLOW_H5_A);
    flow_alloc__free(FLOW_H5_A, k->why);
    memset(k, 0, sizeof *k);
}

void flow_results_close(flow_results *r)
{
    if (!r)
        return;
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    if (r->samples >= 0)
        H5Dclose(r->samples);
    if (r->file >= 0)
        H5Fclose(r->file);
    flow_h5__quiet_off(&q);
    if (r->writing && r->tmp && r->tmp[0])
        unlink(r->tmp); /* abandoned: nothing appears at the path */
    for (int i = 0; i < r->n_scen; i++) {
        flow_alloc__free(FLOW_H5_A, r->scen[i]);
        if (!r->sc)
            continue;
        for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++)
            flow_h5__free_kind(&r->sc[i].k[k]);
        for (int t = 0; r->sc[i].tstr && t < 2 * r->sc[i].n_targets; t++)
            flow_alloc__free(FLOW_H5_A, r->sc[i].tstr[t]);
        flow_alloc__free(FLOW_H5_A, r->sc[i].tstr);
        flow_alloc__free(FLOW_H5_A, r->sc[i].targets);
        free(r->sc[i].ens_targets); /* h5ens.c's tables: plain malloc */
        free(r->sc[i].sens);
    }
    flow_alloc__free(FLOW_H5_A, r->scen);
    flow_alloc__free(FLOW_H5_A, r->sc);
    flow_alloc__free(FLOW_H5_A, r->attr);
    flow_alloc__free(FLOW_H5_A, r->path);
    flow_alloc__free(FLOW_H5_A, r->tmp);
    flow_alloc__free(FLOW_H5_A, r);
}
