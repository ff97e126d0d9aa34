/*
 * ensemble_int.h — internals of the ensembles, shared by sample.c (the
 * streams and distributions), ensemble.c (declaring, drawing, running on
 * a pool of threads, summaries), h5ens.c (writing them to a results
 * file) and, in an MPI build, ensmpi.c (the samples split across ranks).
 * Not installed.
 */
#ifndef FLOW_ENSEMBLE_INT_H
#define FLOW_ENSEMBLE_INT_H

#include <stdint.h>
#include <stdio.h>

#include "flow_int.h"

/* One uncertain parameter as the ensemble holds it. */
typedef struct ens_param {
    int param;                 /* the model's index */
    char *name;
    flow_dist dist;            /* values, probs point into vals */
    double *vals;              /* [2 n]: the discrete values, then the probabilities */
    flow_apply apply;
    uint64_t key, driver;      /* stream keys; driver valid when has_driver */
    int has_driver;
    double rho;
    int perm, dperm;           /* LHS: the permutation of key / driver in e->perms */
    int has_bounds;
    double lo, hi;
} ens_param;

struct flow_ensemble {
    const flow_model *m;
    ens_param *u;
    int n_u, cap_u;
    int T;
    double *base;              /* [n_u][T]: the series without uncertainty */
    flow_ensemble_opts o;
    int ran;
    /* LHS: one permutation of [0, N) per distinct stream key */
    uint64_t *perm_keys;
    int n_perms;
    long *perms;               /* [n_perms][N] */
    /* results */
    long N;
    long lo, hi;               /* the samples this process runs: [lo, hi) of [0, N) */
    int n_items[FLOW_ITEM_KIND_COUNT_];
    double *keep[FLOW_ITEM_KIND_COUNT_]; /* [N][T][n] */
    int n_targets;
    int8_t *met;               /* [N][n_targets] */
    double *draws;             /* [N][n_u] */
};

/* The uniform of sample i for parameter k (LHS included, driver applied). */
double flow_ensemble__uniform(const flow_ensemble *e, long i, int k);

/* MPI (./configure --enable-mpi, ensmpi.c). _split sets [lo, hi), this
 * process's share of the samples: all of them unless MPI is initialized
 * with more than one rank in MPI_COMM_WORLD; FLOW_EINVAL for more ranks
 * than samples. _join, called by every rank with its status rc: when a
 * rank failed, every rank returns the error of the lowest failing rank;
 * otherwise every rank receives the others' samples (kept values,
 * verdicts, draws), so that all hold the whole ensemble. Without MPI they
 * are the identity. */
#ifdef FLOW_MPI
int flow_ensemble__mpi_split(flow_ensemble *e);
int flow_ensemble__mpi_join(flow_ensemble *e, int rc);
#else
static inline int flow_ensemble__mpi_split(flow_ensemble *e)
{
    e->lo = 0;
    e->hi = e->N;
    return 0;
}
static inline int flow_ensemble__mpi_join(flow_ensemble *e, int rc)
{
    (void)e;
    return rc;
}
#endif

#endif /* FLOW_ENSEMBLE_INT_H */
