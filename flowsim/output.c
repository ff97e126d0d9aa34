/*
 * output.c — where flowsim may write a results file (-o FILE.h5): never
 * over one of the command's own input files (the same file by device and
 * inode, whatever name it is given by), never over anything but a
 * regular file that is a libflow results file, and over an existing
 * results file only when --force says so (docs/flowsim.1, FILES).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "flow.h"
#include "flowsim.h"

int fs_check_output(const char *cmd, const char *out, char *const *inputs, int n_inputs, int force)
{
    struct stat so, si;
    if (stat(out, &so) != 0) {
        if (errno == ENOENT)
            return FS_OK; /* a new file; a folder that is missing is the writer's error */
        fs_error("%s -o: %s: %s", cmd, out, strerror(errno));
        return FS_ERROR;
    }
    for (int i = 0; i < n_inputs; i++)
        if (stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
            fs_error("%s -o: refusing to overwrite %s: it is the input file %s", cmd, out, inputs[i]);
            return FS_ERROR;
        }
    if (!S_ISREG(so.st_mode)) {
        fs_error("%s -o: refusing to replace %s: not a regular file", cmd, out);
        return FS_ERROR;
    }
    flow_results *r = NULL;
    if (flow_results_open(&r, out) != 0) {
        fs_error("%s -o: refusing to overwrite a file that is not libflow results: %s", cmd, flow_error_last());
        return FS_ERROR;
    }
    flow_results_close(r);
    if (!force) {
        fs_error("%s -o: %s exists (a results file): --force replaces it", cmd, out);
        return FS_ERROR;
    }
    return FS_OK;
}
