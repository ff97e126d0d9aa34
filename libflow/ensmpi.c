/*
 * ensmpi.c — an ensemble across the ranks of MPI_COMM_WORLD, compiled in
 * an MPI build only (./configure --enable-mpi, FLOW_MPI). Rank r of R
 * runs the samples [N r / R, N (r + 1) / R) on its own threads (ensrun.c);
 * since sample i is a pure function of (seed, i), the split changes no
 * number. Then every rank receives the others' samples (MPI_Allgatherv in
 * place), so that every rank holds the whole ensemble and computes the
 * same summaries, probabilities and, in seek and sensitivity, the same
 * next step. Writing the file is the caller's, on one rank
 * (docs/architecture.md, "MPI"). MPI is used only when the caller has
 * initialized it; libflow never calls MPI_Init.
 */
#include <limits.h>
#include <stdio.h>

#include <mpi.h>

#include "ensemble_int.h"

/* The ranks of MPI_COMM_WORLD, or 1 when MPI is not (or no longer) up. */
static int world(int *rank)
{
    int up = 0, down = 0, size = 1;
    *rank = 0;
    MPI_Initialized(&up);
    if (up)
        MPI_Finalized(&down);
    if (!up || down)
        return 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    return size;
}

static long share_start(long N, int r, int R)
{
    return (long)((long long)N * r / R);
}

int flow_ensemble__mpi_split(flow_ensemble *e)
{
    int rank, size = world(&rank);
    if (size > e->N)
        return flow_error__set(FLOW_EINVAL, "ensemble: %d MPI ranks for %ld samples: more ranks than samples (mpirun -np %ld at most)",
                               size, e->N, e->N);
    if (size > 1 && e->N > INT_MAX)
        return flow_error__set(FLOW_EINVAL, "ensemble: %ld samples are too many to split across MPI ranks (at most %d)",
                               e->N, INT_MAX);
    e->lo = share_start(e->N, rank, size);
    e->hi = share_start(e->N, rank + 1, size);
    return 0;
}

/* The error of the lowest failing rank, on every rank (rc: this rank's). */
static int agree_on_failure(int rc, int rank)
{
    int mine = rc ? rank : INT_MAX, first = INT_MAX;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == INT_MAX)
        return 0;
    struct {
        int rc;
        char msg[512];
    } why = { rc, "" };
    if (rank == first)
        snprintf(why.msg, sizeof why.msg, "%s", flow_error_last());
    MPI_Bcast(&why, (int)sizeof why, MPI_BYTE, first, MPI_COMM_WORLD);
    return flow_error__set(why.rc, "%s (MPI rank %d)", why.msg, first);
}

/* Gathers rows of `width` elements of `type` (one row per sample) in place. */
static int gather(void *buf, int width, MPI_Datatype type, const int *counts, const int *displs)
{
    if (!buf || width == 0)
        return 0;
    MPI_Datatype row;
    if (MPI_Type_contiguous(width, type, &row) != MPI_SUCCESS || MPI_Type_commit(&row) != MPI_SUCCESS)
        return -1;
    int ok = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, counts, displs, row, MPI_COMM_WORLD) == MPI_SUCCESS;
    MPI_Type_free(&row);
    return ok ? 0 : -1;
}

static int gather_all(flow_ensemble *e, const int *counts, const int *displs)
{
    int bad = 0;
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++)
        bad |= gather(e->keep[k], e->T * e->n_items[k], MPI_DOUBLE, counts, displs);
    bad |= gather(e->met, e->n_targets, MPI_INT8_T, counts, displs);
    bad |= gather(e->draws, e->n_u, MPI_DOUBLE, counts, displs);
    return bad ? flow_error__set(FLOW_EIO, "ensemble: MPI cannot gather the samples of the ranks") : 0;
}

int flow_ensemble__mpi_join(flow_ensemble *e, int rc)
{
    int rank, size = world(&rank);
    if (size == 1)
        return rc;
    if ((rc = agree_on_failure(rc, rank)) != 0)
        return rc;
    int *counts = flow_alloc__malloc(&e->m->alloc, 2 * (size_t)size * sizeof *counts);
    int nomem = counts == NULL, any = 0;
    MPI_Allreduce(&nomem, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any) {
        flow_alloc__free(&e->m->alloc, counts);
        return flow_error__nomem("ensemble: MPI counts");
    }
    int *displs = counts + size;
    for (int r = 0; r < size; r++) {
        displs[r] = (int)share_start(e->N, r, size);
        counts[r] = (int)(share_start(e->N, r + 1, size) - displs[r]);
    }
    rc = gather_all(e, counts, displs);
    flow_alloc__free(&e->m->alloc, counts);
    return rc;
}
