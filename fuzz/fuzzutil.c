/*
 * fuzzutil.c — the scratch folder and input files of the fuzz targets
 * (fuzz.h). A target that needs its input as a file (a model for
 * `flowsim run`, a results file for flow_results_open) gets it here, in a
 * folder of its own that nothing else reads: under $FUZZ_TMPDIR, else
 * /dev/shm (a file per run: memory is much faster than a disk), else
 * $TMPDIR or /tmp.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[4096];
static char file[4096 + 64];

static void remove_scratch(void)
{
    if (file[0])
        unlink(file);
    if (dir[0])
        rmdir(dir);
}

const char *fuzz_scratch_dir(void)
{
    if (dir[0])
        return dir;
    /* memory, not a disk, where there is one: an input is written per run */
    const char *tmp = getenv("FUZZ_TMPDIR");
    struct stat st;
    if (!tmp || !tmp[0])
        tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                                                                                                 : getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/flow-fuzz.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz: cannot make a scratch folder");
        abort();
    }
    atexit(remove_scratch);
    return dir;
}

const char *fuzz_write_input(const char *name, const uint8_t *data, size_t size)
{
    snprintf(file, sizeof file, "%s/%s", fuzz_scratch_dir(), name);
    FILE *fp = fopen(file, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0) {
        perror(file);
        abort();
    }
    return file;
}

void fuzz_quiet_stdout(void)
{
    if (!freopen("/dev/null", "w", stdout)) {
        perror("fuzz: /dev/null");
        abort();
    }
}

int fuzz_scratch_entries(void)
{
    DIR *d = opendir(fuzz_scratch_dir());
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}
