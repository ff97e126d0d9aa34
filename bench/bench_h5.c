/*
 * bench_h5.c — the speed of writing results files (make bench;
 * docs/performance.md).
 *
 * Writes n_flows x n_years x n_samples float64 values — by default
 * 10,000 x 30 x 1,000, 2.4 GB — sample by sample, three ways, each into a
 * fresh file that is synced to disk at the end:
 *   - raw: fwrite of the same bytes, then fflush + fsync (the floor);
 *   - results, uncompressed: flow_results_samples_write, deflate level 0
 *     and no checksums, then flow_results_commit (which syncs and
 *     renames); and the same with the default Fletcher-32 checksums;
 *   - results, compressed: the same at the default level (shuffle +
 *     deflate 4), with the compression ratio.
 * The values look like a Monte Carlo ensemble of flows: a log-normal base
 * per flow, a trend over the years, a per-sample factor per flow. 16
 * distinct samples are made beforehand and written in turn, so the
 * timing holds only the writing.
 *
 *   bench_h5 [n_flows n_years n_samples] [--dir DIR]
 * Exits non-zero only when a write fails.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flow.h"

#define GOAL_RATIO 2.0
#define DISTINCT 16

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static unsigned long long rng = 88172645463325252ULL;
static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double normal(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static double write_results(const char *path, int level, int checksums, int F, int T, int N, double **samp)
{
    flow_results *r;
    double t0 = now();
    if (flow_results_create(&r, path) || flow_results_set_compression(r, level) ||
        flow_results_set_checksums(r, checksums) ||
        flow_results_samples_begin(r, "bench", "flows", N, T, F)) {
        fprintf(stderr, "bench_h5: %s\n", flow_error_last());
        exit(1);
    }
    for (int i = 0; i < N; i++)
        if (flow_results_samples_write(r, i, samp[i % DISTINCT])) {
            fprintf(stderr, "bench_h5: %s\n", flow_error_last());
            flow_results_close(r);
            exit(1);
        }
    if (flow_results_commit(r)) {
        fprintf(stderr, "bench_h5: %s\n", flow_error_last());
        exit(1);
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    int F = 10000, T = 30, N = 1000, pos = 0;
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (pos == 0 && atoi(argv[i]) > 0)
            F = atoi(argv[i]), pos++;
        else if (pos == 1 && atoi(argv[i]) > 0)
            T = atoi(argv[i]), pos++;
        else if (pos == 2 && atoi(argv[i]) > 0)
            N = atoi(argv[i]), pos++;
        else {
            fprintf(stderr, "usage: bench_h5 [n_flows n_years n_samples] [--dir DIR]\n");
            return 2;
        }
    }
    size_t per = (size_t)F * T;
    double bytes = (double)per * N * sizeof(double), mb = bytes / 1e6;
    double *base = malloc((size_t)F * sizeof *base);
    double **samp = malloc(DISTINCT * sizeof *samp);
    for (int f = 0; f < F; f++)
        base[f] = exp(6 + 2 * normal()); /* t/a, a few hundred typical, wide spread */
    for (int k = 0; k < DISTINCT; k++) {
        samp[k] = malloc(per * sizeof **samp);
        for (int f = 0; f < F; f++) {
            double factor = exp(0.1 * normal());
            for (int t = 0; t < T; t++)
                samp[k][(size_t)t * F + f] = base[f] * factor * (1 + 0.02 * t);
        }
    }
    char raw[1024], h5a[1024], h5b[1024];
    snprintf(raw, sizeof raw, "%s/bench_h5.raw", dir);
    snprintf(h5a, sizeof h5a, "%s/bench_h5_plain.h5", dir);
    snprintf(h5b, sizeof h5b, "%s/bench_h5_deflate.h5", dir);
    printf("bench_h5: %d flows x %d years x %d samples = %.0f MB of float64, into %s\n", F, T, N, mb, dir);

    /* the floor: fwrite of the same bytes, synced */
    double t0 = now();
    FILE *f = fopen(raw, "wb");
    if (!f) {
        perror(raw);
        return 1;
    }
    for (int i = 0; i < N; i++)
        if (fwrite(samp[i % DISTINCT], sizeof(double), per, f) != per) {
            perror(raw);
            return 1;
        }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        perror(raw);
        return 1;
    }
    fclose(f);
    double t_raw = now() - t0;
    unlink(raw);

    double t_plain = write_results(h5a, 0, 0, F, T, N, samp);
    long s_plain = file_size(h5a);
    unlink(h5a);
    double t_sum = write_results(h5a, 0, 1, F, T, N, samp);
    unlink(h5a);
    double t_def = write_results(h5b, 4, 1, F, T, N, samp);
    long s_def = file_size(h5b);
    unlink(h5b);
    double t_fast = write_results(h5b, 1, 1, F, T, N, samp);
    long s_fast = file_size(h5b);
    unlink(h5b);

    printf("  %-36s %10s %10s %12s\n", "", "seconds", "MB/s", "file MB");
    printf("  %-36s %10.2f %10.0f %12.0f\n", "raw fwrite + fsync", t_raw, mb / t_raw, mb);
    printf("  %-36s %10.2f %10.0f %12.0f\n", "results file, uncompressed", t_plain, mb / t_plain, s_plain / 1e6);
    printf("  %-36s %10.2f %10.0f %12.0f\n", "  the same with Fletcher-32 checksums", t_sum, mb / t_sum, s_plain / 1e6);
    printf("  %-36s %10.2f %10.0f %12.0f\n", "results file, shuffle + deflate 1", t_fast, mb / t_fast, s_fast / 1e6);
    printf("  %-36s %10.2f %10.0f %12.0f\n", "results file, shuffle + deflate 4", t_def, mb / t_def, s_def / 1e6);
    printf("  compression ratio (raw bytes / file): %.2f at level 1, %.2f at level 4 (the default)\n",
           bytes / (double)s_fast, bytes / (double)s_def);
    double ratio = t_plain / t_raw;
    printf("goal: uncompressed writing within %.0fx of raw fwrite: %.2fx  %s\n", GOAL_RATIO, ratio,
           ratio <= GOAL_RATIO ? "OK" : "MISSED");
    printf("      (with the default checksums: %.2fx)\n", t_sum / t_raw);
    printf("BENCH_H5 flows=%d years=%d samples=%d mb=%.1f raw_s=%.3f plain_s=%.3f deflate_s=%.3f plain_mb=%.1f "
           "deflate_mb=%.1f compression=%.3f deflate1_s=%.3f deflate1_mb=%.1f plain_vs_raw=%.3f checksum_s=%.3f\n",
           F, T, N, mb, t_raw, t_plain, t_def, s_plain / 1e6, s_def / 1e6, bytes / (double)s_def, t_fast,
           s_fast / 1e6, ratio, t_sum);
    for (int k = 0; k < DISTINCT; k++)
        free(samp[k]);
    free(samp);
    free(base);
    return 0;
}
