/*
 * cmd_mc.c — flowsim mc: Monte Carlo over the uncertainty a scenario
 * declares; prints the probability that each target is met, writes the
 * samples and the summaries with -o. And flowsim sensitivity, which takes
 * the same options: Sobol' first-order indices of each target's margin.
 * Under mpirun (an MPI build) every rank runs this driver, libflow splits
 * each ensemble's samples across the ranks and gives every rank all of
 * them; rank 0 alone prints and writes (docs/architecture.md, "MPI").
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "flowsim.h"

/* The driver: flow, files, opts, out, scenario, write, res -> scenarios run */
static const char driver[] =
    "local flow, files, opts, out, want, write, res = ...\n"
    "local w = out and res.create(out)\n"
    "local ran, seen = 0, {}\n"
    "for _, file in ipairs(files) do\n"
    "  for _, sc in ipairs(flow.load_scenarios(file)) do\n"
    "    seen[#seen + 1] = sc.name\n"
    "    if want == nil or sc.name == want then\n"
    "      local e = flow.mc(sc, opts)\n"
    "      if ran > 0 then write('\\n') end\n"
    "      write(e:report(), '\\n')\n"
    "      if w then e:save(w) end\n"
    "      ran = ran + 1\n"
    "    end\n"
    "  end\n"
    "end\n"
    "if want ~= nil and ran == 0 then\n"
    "  error(string.format(\"no scenario named '%s' in %s (it holds: %s)\", want, table.concat(files, ', '),\n"
    "                      table.concat(seen, ', ')), 0)\n"
    "end\n"
    "if w then w:commit(); write('results: ', out, '\\n') end\n"
    "return ran\n";

/* The sensitivity driver: flow, files, opts, out, scenario, write, res */
static const char sens_driver[] =
    "local flow, files, opts, out, want, write, res = ...\n"
    "local w = out and res.create(out)\n"
    "local ran, seen = 0, {}\n"
    "for _, file in ipairs(files) do\n"
    "  for _, sc in ipairs(flow.load_scenarios(file)) do\n"
    "    seen[#seen + 1] = sc.name\n"
    "    if want == nil or sc.name == want then\n"
    "      if ran > 0 then write('\\n') end\n"
    "      local r = flow.sensitivity(sc, opts)\n"
    "      write(flow.format_sensitivity(sc.name, r), '\\n')\n"
    "      if w then flow.save_sensitivity(w, r, sc.name) end\n"
    "      ran = ran + 1\n"
    "    end\n"
    "  end\n"
    "end\n"
    "if want ~= nil and ran == 0 then\n"
    "  error(string.format(\"no scenario named '%s' in %s (it holds: %s)\", want, table.concat(files, ', '),\n"
    "                      table.concat(seen, ', ')), 0)\n"
    "end\n"
    "if w then w:commit(); write('results: ', out, '\\n') end\n"
    "return ran\n";

/* "mc" or "sensitivity", for the messages (one command runs per process) */
static const char *cmd_name = "mc";

typedef struct mc_args {
    long n;
    long long seed;
    int threads, lhs, force;
    const char *keep[8];
    int n_keep;
    const char *out, *scenario;
    char **files;
    int n_files;
    int sens;                 /* flowsim sensitivity */
    int rank, ranks;          /* MPI: this process's rank, their number (1 without mpirun) */
} mc_args;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* progress(done, total): one line on stderr, rewritten (a terminal only) */
static int progress(lua_State *L)
{
    double start = lua_tonumber(L, lua_upvalueindex(1)), t = now() - start;
    lua_Integer done = luaL_checkinteger(L, 1), total = luaL_checkinteger(L, 2);
    double rate = t > 0 ? (double)done / t : 0;
    fprintf(stderr, "\r%lld/%lld samples, %.0f/s, %.0f s left  ", (long long)done, (long long)total, rate,
            rate > 0 ? (double)(total - done) / rate : 0.0);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
    return 0;
}

static void usage(int sens)
{
    if (sens) {
        puts("usage: flowsim sensitivity FILE.lua [-n N] [-j THREADS] [--seed S] [--lhs] [--scenario NAME]\n"
             "                           [-o FILE.h5 [--force]]\n"
             "Which uncertain parameters (or drivers, each with its parameters) move each target's\n"
             "margin most: Sobol' first-order indices (Saltelli et al. 2010), from k + 2 ensembles of\n"
             "N samples (default 1000) for k factors, ranked, with their standard errors; -o writes the\n"
             "run without uncertainty and the table (ensemble/sensitivity, docs/results-format.md).");
        return;
    }
    puts("usage: flowsim mc FILE.lua -n N [-j THREADS] [--seed S] [--lhs] [--keep flows|stocks|indicators]\n"
         "                 [--scenario NAME] [-o FILE.h5 [--force]] [--sandbox]\n"
         "Monte Carlo over the uncertainty the scenarios of FILE declare (uncertainty = {...}):\n"
         "N samples on THREADS threads (the numbers do not depend on THREADS), from streams keyed\n"
         "by the seed S (default 0), the sample and the parameter's name; --lhs stratifies them\n"
         "(Latin hypercube). Prints, for every target, the probability that it is met with its\n"
         "95 % Wilson interval. -o writes the run without uncertainty, the samples kept (the\n"
         "indicators always; flows and stocks with --keep) and the summaries (docs/results-format.md);\n"
         "an existing results file is replaced only with --force, an input never.");
}

/* A whole number in [lo, hi] from text, or -1 after a usage message. */
static int whole(const char *opt, const char *text, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || *text == '\0' || *end != '\0' || errno) {
        fs_error("%s: %s needs a whole number, not '%s'", cmd_name, opt, text ? text : "");
        return -1;
    }
    if (v < lo || v > hi) {
        fs_error("%s: %s %lld: %s", cmd_name, opt, v,
                 strcmp(opt, "-n") == 0   ? "the number of samples must be at least 1"
                 : strcmp(opt, "-j") == 0 ? "the number of threads must be from 1 to 1024"
                                          : "out of range");
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_one(mc_args *a, int argc, char **argv, int *i)
{
    const char *o = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    long long x;
    if (strcmp(o, "--lhs") == 0 || strcmp(o, "--force") == 0) {
        *(strcmp(o, "--lhs") == 0 ? &a->lhs : &a->force) = 1;
        return 0;
    }
    if (strcmp(o, "-n") && strcmp(o, "-j") && strcmp(o, "--seed") && strcmp(o, "--keep") && strcmp(o, "-o") &&
        strcmp(o, "--scenario")) {
        fs_error("%s: unknown option '%s' (flowsim %s --help)", cmd_name, o, cmd_name);
        return -1;
    }
    if (!v) {
        fs_error("%s: %s needs a value", cmd_name, o);
        return -1;
    }
    (*i)++;
    if (strcmp(o, "-n") == 0) {
        if (whole(o, v, 1, 0x7fffffffLL, &x))
            return -1;
        a->n = (long)x;
    } else if (strcmp(o, "-j") == 0) {
        if (whole(o, v, 1, 1024, &x))
            return -1;
        a->threads = (int)x;
    } else if (strcmp(o, "--seed") == 0) {
        if (whole(o, v, 0, 0x7fffffffffffffffLL, &x))
            return -1;
        a->seed = x;
    } else if (strcmp(o, "--keep") == 0) {
        if (a->n_keep == 8) {
            fs_error("%s: --keep given too often", cmd_name);
            return -1;
        }
        a->keep[a->n_keep++] = v;
    } else if (strcmp(o, "-o") == 0) {
        a->out = v;
    } else {
        a->scenario = v;
    }
    return 0;
}

static int parse(mc_args *a, fs_opts *fo, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int used = fs_parse_common(fo, argc, argv, i);
        if (used < 0)
            return FS_USAGE;
        if (used > 0) {
            i += used - 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(a->sens);
            return -1;
        } else if (argv[i][0] == '-') {
            if (parse_one(a, argc, argv, &i))
                return FS_USAGE;
        } else {
            a->files[a->n_files++] = argv[i];
        }
    }
    if (a->n_files == 0) {
        fs_error("%s: no scenario file given (flowsim %s FILE.lua)", cmd_name, cmd_name);
        return FS_USAGE;
    }
    if (a->sens && a->n_keep) {
        fs_error("sensitivity: --keep is for flowsim mc");
        return FS_USAGE;
    }
    if (a->force && !a->out) {
        fs_error("%s: --force without -o FILE.h5 (flowsim %s --help)", cmd_name, cmd_name);
        return FS_USAGE;
    }
    if (a->out && fs_check_output(cmd_name, a->out, a->files, a->n_files, a->force) != FS_OK)
        return FS_ERROR;
    if (a->sens && a->n == 0)
        a->n = 1000;
    if (a->n == 0) {
        fs_error("%s: the number of samples is missing (-n N)", cmd_name);
        return FS_USAGE;
    }
    if (a->ranks > a->n) {
        fs_error("%s: mpirun -np %d with -n %ld: more ranks than samples", cmd_name, a->ranks, a->n);
        return FS_USAGE;
    }
    if (a->threads > a->n) {
        fs_error("%s: -j %d with -n %ld: more threads than samples", cmd_name, a->threads, a->n);
        return FS_USAGE;
    }
    return 0;
}

static void push_opts(lua_State *L, const mc_args *a)
{
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, a->n);
    lua_setfield(L, -2, "n");
    lua_pushinteger(L, a->seed);
    lua_setfield(L, -2, "seed");
    lua_pushinteger(L, a->threads);
    lua_setfield(L, -2, "threads");
    lua_pushboolean(L, a->lhs);
    lua_setfield(L, -2, "lhs");
    lua_createtable(L, a->n_keep, 0);
    for (int k = 0; k < a->n_keep; k++) {
        lua_pushstring(L, a->keep[k]);
        lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, -2, "keep");
    if (isatty(2)) {
        lua_pushnumber(L, now());
        lua_pushcclosure(L, progress, 1);
        lua_setfield(L, -2, "progress");
    }
}

static int run(const mc_args *a, fs_opts *fo)
{
    char root[4096];
    fo->root = fs_dir_of(a->files[0], root, sizeof root);
    lua_State *L = fs_state_new(fo);
    if (!L)
        return FS_ERROR;
    int rc = a->sens ? fs_load_driver(L, sens_driver, sizeof sens_driver - 1, "=[flowsim sensitivity]")
                     : fs_load_driver(L, driver, sizeof driver - 1, "=[flowsim mc]");
    if (rc == FS_OK) {
        lua_getglobal(L, "flow");
        lua_createtable(L, a->n_files, 0);
        for (int i = 0; i < a->n_files; i++) {
            lua_pushstring(L, a->files[i]);
            lua_rawseti(L, -2, i + 1);
        }
        push_opts(L, a);
        if (a->out && a->rank == 0) /* one file, written by rank 0 */
            lua_pushstring(L, a->out);
        else
            lua_pushnil(L);
        if (a->scenario)
            lua_pushstring(L, a->scenario);
        else
            lua_pushnil(L);
        fs_push_writer(L);
        fs_push_results(L);
        rc = fs_pcall_driver(L, 7, 1);
    }
    fflush(stdout);
    fs_state_free(L);
    return rc;
}

static int mc_or_sensitivity(int argc, char **argv, int sens)
{
    fs_opts fo = { 0 };
    mc_args a = { .threads = 1, .sens = sens };
    cmd_name = sens ? "sensitivity" : "mc";
    a.rank = fs_mpi_begin(&a.ranks);
    a.files = calloc((size_t)argc + 1, sizeof *a.files);
    if (!a.files) {
        fs_error("out of memory");
        fs_mpi_end();
        return FS_ERROR;
    }
    int rc = parse(&a, &fo, argc, argv);
    if (rc == 0)
        rc = run(&a, &fo);
    else if (rc < 0)
        rc = FS_OK;
    free(a.files);
    fs_mpi_end();
    return rc;
}

int fs_cmd_mc(int argc, char **argv)
{
    return mc_or_sensitivity(argc, argv, 0);
}

int fs_cmd_sensitivity(int argc, char **argv)
{
    return mc_or_sensitivity(argc, argv, 1);
}
