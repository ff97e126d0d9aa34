/*
 * main.c — flowsim, the command line of libflow: runs Lua models and
 * scenarios and prints whether their targets are met.
 *
 *   flowsim                                        the main job: the Hengshui table
 *   flowsim [run] FILE.lua... [--scenario NAME]    run, print the target table
 *   flowsim check FILE.lua                         load and compile, print counts
 *   flowsim report FILE.lua [--strict]             the target table (exit 3 if missed)
 *   flowsim exec SCRIPT.lua [ARGS...]              any Lua script with flow loaded
 *   flowsim plugins                                the process types known
 *
 * Exit codes: 0 success, 1 error in a model or script, 2 usage, 3 a target
 * missed under --strict. docs/flowsim.1 is the manual.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#ifdef HAVE_CONFIG_H
#include "config.h" /* FLOW_FAULT_INJECTION */
#endif

#include <hdf5.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "flowsim.h"

static const char *default_job(void);

static void usage(FILE *f)
{
    fputs("usage: flowsim [COMMAND] [OPTIONS] [FILE...]\n"
          "\n"
          "commands:\n"
          "  run FILE.lua... [--scenario NAME] [-o FILE.h5]\n"
          "                                      run models or scenarios, print the target table,\n"
          "                                      write the results (HDF5) with -o\n"
          "  check FILE.lua...                   load and compile, print what the model holds\n"
          "  report FILE.lua|FILE.h5... [--strict] [--html PAGE.html]\n"
          "                                      the target table (of a run, or of a results file);\n"
          "                                      --strict exits 3 when a target is missed; --html\n"
          "                                      writes results files as one page (Sankey, indicators)\n"
          "  diff A.h5[:S] B.h5[:S] [--tol X]    compare results; exit 4 on differences\n"
          "  export FILE.h5 --csv DIR            results as tidy CSV\n"
          "  mc FILE.lua -n N [-j T] [--seed S] [--lhs] [--keep flows|stocks] [-o FILE.h5]\n"
          "                                      Monte Carlo: the probability that each target is met\n"
          "  seek FILE.lua --target IND --lever P --range LO:HI [--prob P -n N]\n"
          "                                      the lever value at which a target is just met\n"
          "  sensitivity FILE.lua [-n N] [-j T]  Sobol' first-order indices of every target's margin\n"
          "  exec SCRIPT.lua [ARGS...]           run a Lua script with the flow module loaded\n"
          "  plugins                             the process types known, and the folders searched\n"
          "\n"
          "options for every command that runs Lua:\n"
          "  --sandbox        run untrusted files: no os/io, require only inside their folder,\n"
          "                   text chunks only, a memory limit and an instruction budget\n"
          "  --memory BYTES   the sandbox's memory limit (default 268435456)\n"
          "  --budget N       the sandbox's instruction budget (default 2000000000)\n"
          "\n"
          "flowsim with no command runs the main job: the Hengshui model under bau and plan;\n"
          "it prints the table of the plan's indicators (the landfill reductions first), the\n"
          "rigid landfill's fill year and the electricity from incineration, and writes\n"
          "hengshui.h5 in the current folder, as\n",
          f);
    fprintf(f, "  flowsim exec %s\n", default_job());
    fputs("flowsim COMMAND --help describes a command; flowsim --version prints the version.\n", f);
}

/* 1 when this is the uninstalled program of its build tree:
 * /proc/self/exe is FLOW_BUILDDIR/flowsim/flowsim (both through
 * realpath). An installed flowsim is elsewhere, even while the build tree
 * it came from still exists. */
static int uninstalled(void)
{
#if defined(FLOW_BUILDDIR) && defined(__linux__)
    char self[PATH_MAX], built[PATH_MAX];
    return realpath("/proc/self/exe", self) && realpath(FLOW_BUILDDIR "/flowsim/flowsim", built) &&
           strcmp(self, built) == 0;
#else
    return 0;
#endif
}

/* The script flowsim runs with no command (the main job): the source
 * tree's scripts/ for the uninstalled program (whatever the current
 * folder), else the installed scripts folder. The script finds the model
 * and its data relative to itself, so both layouts work alike. */
static const char *default_job(void)
{
#ifdef FLOW_SRCDIR
    if (uninstalled())
        return FLOW_SRCDIR "/scripts/" FS_DEFAULT_JOB;
#endif
    return FLOW_SCRIPTDIR "/" FS_DEFAULT_JOB;
}

int main(int argc, char **argv)
{
    /* libflow closes every HDF5 object it opens; what libhdf5 1.10 leaks on
     * its own error paths (a corrupt file) makes its exit handler loop and
     * print "infinite loop closing library" after flowsim's one line, so
     * the handler is not installed (docs/reliability.md) */
    H5dont_atexit();

    /* past a file size limit (ulimit -f) a write fails with EFBIG, which
     * the results writer reports in one line, keeping the previous file;
     * the default SIGXFSZ would kill flowsim mid-write instead */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) { /* the main job, run as `flowsim exec SCRIPT` would */
        char *args[] = { "exec", (char *)default_job(), NULL };
        return fs_cmd_exec(2, args);
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return FS_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("flowsim (libflow) %s\n", flow_version());
#ifdef FLOW_FAULT_INJECTION
        puts("built with --enable-fault-injection: test hooks are on (FLOW_RESULTS_FAULT): a test build, not for a release");
#endif
        return FS_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return fs_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return fs_cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return fs_cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "exec") == 0)
        return fs_cmd_exec(argc - 1, argv + 1);
    if (strcmp(cmd, "plugins") == 0)
        return fs_cmd_plugins(argc - 1, argv + 1);
    if (strcmp(cmd, "diff") == 0)
        return fs_cmd_diff(argc - 1, argv + 1);
    if (strcmp(cmd, "export") == 0)
        return fs_cmd_export(argc - 1, argv + 1);
    if (strcmp(cmd, "mc") == 0)
        return fs_cmd_mc(argc - 1, argv + 1);
    if (strcmp(cmd, "seek") == 0)
        return fs_cmd_seek(argc - 1, argv + 1);
    if (strcmp(cmd, "sensitivity") == 0)
        return fs_cmd_sensitivity(argc - 1, argv + 1);
    if (cmd[0] != '-' && strlen(cmd) > 4 && strcmp(cmd + strlen(cmd) - 4, ".lua") == 0)
        return fs_cmd_run(argc, argv); /* flowsim FILE.lua: run */
    fs_error("unknown command '%s' (flowsim --help lists them)", cmd);
    return FS_USAGE;
}
