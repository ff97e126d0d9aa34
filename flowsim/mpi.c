/*
 * mpi.c — flowsim under mpirun, in an MPI build only (./configure
 * --enable-mpi): MPI is started when a launcher started the process (Open
 * MPI's mpirun sets OMPI_COMM_WORLD_SIZE, PMIx and Hydra set PMIX_RANK or
 * PMI_RANK), so that a plain `flowsim mc` of an MPI build stays one
 * process that neither needs nor starts MPI. Rank 0 speaks and writes;
 * the other ranks compute their share and are silent (libflow's
 * ensmpi.c makes every error collective, so rank 0 says it once).
 */
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

#include "flowsim.h"

static int started;

static int launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

int fs_mpi_begin(int *size)
{
    int rank = 0, provided;
    *size = 1;
    if (!launched())
        return 0;
    /* libflow's threads never call MPI: the main thread alone does */
    MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    if (rank != 0 && (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
        MPI_Abort(MPI_COMM_WORLD, FS_ERROR);
    return rank;
}

void fs_mpi_end(void)
{
    if (started)
        MPI_Finalize();
    started = 0;
}
