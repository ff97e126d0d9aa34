/*
 * bench_cmd.c — times whole commands, side by side (make bench).
 *
 *   bench_cmd [-n RUNS] [-w WARMUP] [-f FILE] -- LABEL CMD ARG... [-- LABEL CMD ARG...]...
 *
 * Runs each command RUNS times after WARMUP uncounted runs, the commands
 * in turn (A B C A B C ...) so that a slow spell of a shared machine
 * falls on all of them alike, and prints, per command, the minimum,
 * median and maximum of the wall time (fork to reaped, CLOCK_MONOTONIC)
 * and of the CPU time (user + system, from wait4). The commands' output
 * goes to /dev/null; a command that exits non-zero stops the benchmark.
 *
 * -f FILE adds a floor measured in this process: writing as many bytes
 * as FILE holds (after the commands ran) into a new temporary file next
 * to it, fsync, rename over a second name and fsync of the folder — what
 * committing a results file of that size costs at the least.
 *
 * docs/performance.md ("The plan scenario, end to end") has the figures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8
#define MAX_RUNS 1000

typedef struct cmd {
    const char *label;
    char **argv;
    double wall[MAX_RUNS], cpu[MAX_RUNS];
} cmd;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One run of c: wall and CPU seconds; -1 when it could not run or failed. */
static int run_once(const cmd *c, double *wall, double *cpu)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(c->argv[0], c->argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid)
        return -1;
    *wall = now() - t0;
    *cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
           1e-6 * (double)ru.ru_stime.tv_usec;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_cmd: %s (%s) failed: status %d\n", c->label, c->argv[0], status);
        return -1;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Prints the min, median and max of v[n] in ms (sorts v). */
static void print_stats(const char *label, const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    printf("%-22s %-5s %9.1f %9.1f %9.1f\n", label, what, 1e3 * v[0], 1e3 * med, 1e3 * v[n - 1]);
}

/* The floor of committing a file of FILE's size; seconds, or -1. */
static double write_floor(const char *file)
{
    struct stat st;
    if (stat(file, &st) != 0)
        return -1;
    size_t n = (size_t)st.st_size;
    char *buf = malloc(n ? n : 1), tmp[4096], dst[4096], dir[4096];
    if (!buf)
        return -1;
    memset(buf, 0x5a, n);
    snprintf(tmp, sizeof tmp, "%s.floor-XXXXXX", file);
    snprintf(dst, sizeof dst, "%s.floor", file);
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        strcpy(dir, ".");
    double t0 = now();
    int fd = mkstemp(tmp), ok = fd >= 0;
    if (ok)
        ok = write(fd, buf, n) == (ssize_t)n && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    ok = ok && rename(tmp, dst) == 0;
    int dfd = ok ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    double t = now() - t0;
    unlink(ok ? dst : tmp);
    free(buf);
    return ok ? t : -1;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_cmd [-n RUNS] [-w WARMUP] [-f FILE] -- LABEL CMD ARG... [-- LABEL CMD ARG...]...\n");
    return 2;
}

int main(int argc, char **argv)
{
    int runs = 20, warmup = 2, nc = 0, i = 1;
    const char *floor_file = NULL;
    static cmd cmds[MAX_CMDS];
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
            warmup = atoi(argv[++i]);
        else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
            floor_file = argv[++i];
        else
            return usage();
    }
    if (runs < 1 || runs > MAX_RUNS || warmup < 0)
        return usage();
    while (i < argc && strcmp(argv[i], "--") == 0) {
        int j = i + 1;
        while (j < argc && strcmp(argv[j], "--") != 0)
            j++;
        if (j - i < 3 || nc == MAX_CMDS)
            return usage();
        cmds[nc].label = argv[i + 1];
        cmds[nc].argv = calloc((size_t)(j - i - 1), sizeof *cmds[nc].argv); /* NULL-terminated */
        if (!cmds[nc].argv)
            return 1;
        memcpy(cmds[nc].argv, argv + i + 2, (size_t)(j - i - 2) * sizeof *argv);
        nc++;
        i = j;
    }
    if (nc == 0)
        return usage();
    for (int r = -warmup; r < runs; r++)
        for (int k = 0; k < nc; k++) {
            double w, c;
            if (run_once(&cmds[k], &w, &c))
                return 1;
            if (r >= 0) {
                cmds[k].wall[r] = w;
                cmds[k].cpu[r] = c;
            }
        }
    printf("%d runs of each command, in turn, after %d not counted; ms\n", runs, warmup);
    printf("%-22s %-5s %9s %9s %9s\n", "command", "", "min", "median", "max");
    for (int k = 0; k < nc; k++) {
        print_stats(cmds[k].label, "wall", cmds[k].wall, runs);
        print_stats("", "cpu", cmds[k].cpu, runs);
    }
    if (floor_file) {
        double v[MAX_RUNS];
        for (int r = 0; r < runs; r++)
            if ((v[r] = write_floor(floor_file)) < 0) {
                fprintf(stderr, "bench_cmd: %s: cannot write its floor: %s\n", floor_file, strerror(errno));
                return 1;
            }
        print_stats("write+fsync+rename", "wall", v, runs);
    }
    return 0;
}
