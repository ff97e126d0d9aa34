/*
 * h5vfd.c — the file driver of the results writer: POSIX pread/pwrite,
 * as HDF5's own sec2 driver, except that an I/O error never reaches
 * HDF5. The first failure (a full disk, a file size limit, an I/O error)
 * is recorded as an errno in the writer's status word, and from then on
 * every write and truncation is discarded and reported done.
 *
 * Why: when HDF5 1.10 cannot flush a file while closing it, it frees the
 * file's structures but keeps its identifier, and its exit handler closes
 * that identifier again: a full disk made flowsim segfault at exit
 * (issue 13, item 12). With this driver the close always succeeds; the
 * writer (h5write.c) checks the status after each step and abandons the
 * temporary file, whose bytes no longer matter. Files written through
 * it are ordinary HDF5 files: the driver adds nothing to the superblock.
 */
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5_int.h"

typedef struct vfd_file {
    H5FD_t pub; /* HDF5's part, first */
    int fd;
    haddr_t eoa, eof;
    int *err; /* the writer's status: 0, or the errno of the first failure */
} vfd_file;

typedef struct vfd_info {
    int *err;
} vfd_info;

static void failed(vfd_file *f, int e)
{
    if (!*f->err)
        *f->err = e ? e : EIO;
}

static H5FD_t *vfd_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr)
{
    (void)maxaddr;
    const vfd_info *info = H5Pget_driver_info(fapl);
    if (!info || !info->err)
        return NULL;
    int o = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
    if (flags & H5F_ACC_TRUNC)
        o |= O_TRUNC;
    if (flags & H5F_ACC_CREAT)
        o |= O_CREAT;
    if (flags & H5F_ACC_EXCL)
        o |= O_EXCL;
    int fd = open(name, o | O_CLOEXEC, 0666);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        *info->err = errno;
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    vfd_file *f = calloc(1, sizeof *f);
    if (!f) {
        close(fd);
        return NULL;
    }
    f->fd = fd;
    f->eof = (haddr_t)st.st_size;
    f->err = info->err;
    return &f->pub;
}

static herr_t vfd_close(H5FD_t *file)
{
    vfd_file *f = (vfd_file *)file;
    if (close(f->fd) != 0)
        failed(f, errno); /* NFS reports a full disk here */
    free(f);
    return 0;
}

static herr_t vfd_query(const H5FD_t *file, unsigned long *flags)
{
    (void)file;
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA;
    return 0;
}

static haddr_t vfd_get_eoa(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const vfd_file *)file)->eoa;
}

static herr_t vfd_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr)
{
    (void)type;
    ((vfd_file *)file)->eoa = addr;
    return 0;
}

static haddr_t vfd_get_eof(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const vfd_file *)file)->eof;
}

/* A read past the end of the file, or of what a failure kept from the
 * disk, gives zeros (as sec2 does past the end). */
static herr_t vfd_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, void *buf)
{
    (void)type;
    (void)dxpl;
    vfd_file *f = (vfd_file *)file;
    char *p = buf;
    while (size > 0) {
        ssize_t n = pread(f->fd, p, size, (off_t)addr);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                failed(f, errno);
            memset(p, 0, size);
            break;
        }
        p += n;
        addr += (haddr_t)n;
        size -= (size_t)n;
    }
    return 0;
}

static herr_t vfd_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, const void *buf)
{
    (void)type;
    (void)dxpl;
    vfd_file *f = (vfd_file *)file;
    const char *p = buf;
    if (addr + size > f->eof)
        f->eof = addr + size;
    while (size > 0 && !*f->err) {
        ssize_t n = pwrite(f->fd, p, size, (off_t)addr);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            failed(f, n < 0 ? errno : ENOSPC);
            break;
        }
        p += n;
        addr += (haddr_t)n;
        size -= (size_t)n;
    }
    return 0;
}

static herr_t vfd_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing)
{
    (void)dxpl;
    (void)closing;
    vfd_file *f = (vfd_file *)file;
    if (f->eoa != f->eof && !*f->err && ftruncate(f->fd, (off_t)f->eoa) != 0)
        failed(f, errno);
    f->eof = f->eoa;
    return 0;
}

static const H5FD_class_t vfd_class = {
#ifdef H5FD_CLASS_VERSION
    .version = H5FD_CLASS_VERSION,
#endif
#if H5_VERSION_GE(1, 13, 0)
    .value = 345, /* a user driver's value (256-511); never written to a file */
#endif
    .name = "libflow-writer",
    .maxaddr = (haddr_t)INT64_MAX,
    .fc_degree = H5F_CLOSE_WEAK,
    .fapl_size = sizeof(vfd_info), /* copied as it is into the file access list */
    .open = vfd_open,
    .close = vfd_close,
    .query = vfd_query,
    .get_eoa = vfd_get_eoa,
    .set_eoa = vfd_set_eoa,
    .get_eof = vfd_get_eof,
    .read = vfd_read,
    .write = vfd_write,
    .truncate = vfd_truncate,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

int flow_h5__vfd_use(hid_t fapl, int *err)
{
    static hid_t id = -1;
    if (id < 0 || H5Iis_valid(id) <= 0) /* registered again after an H5close() */
        id = H5FDregister(&vfd_class);
    vfd_info info = { err };
    return id >= 0 && H5Pset_driver(fapl, id, &info) >= 0 ? 0 : -1;
}
