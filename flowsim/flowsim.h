/*
 * flowsim.h — shared parts of the flowsim command: the Lua state it runs
 * models in (sandboxed or not), error reporting, exit codes.
 */
#ifndef FLOWSIM_H
#define FLOWSIM_H

#include <lua.h>

#include "config.h" /* FLOW_MPI */

/* Exit codes (docs/flowsim.1). */
enum {
    FS_OK = 0,
    FS_ERROR = 1,    /* a model, scenario or script failed */
    FS_USAGE = 2,    /* bad command line */
    FS_MISSED = 3,   /* report --strict: a target was missed */
    FS_DIFFER = 4,   /* diff: differences beyond the tolerance */
};

typedef struct fs_opts {
    int sandbox;               /* --sandbox */
    long long instr_budget;    /* VM instructions, sandbox only */
    size_t mem_limit;          /* bytes, sandbox only */
    const char *root;          /* the folder scripts may require from (sandbox) */
} fs_opts;

/* A Lua state with the standard libraries (or the sandbox's subset) and
 * `flow` preloaded. NULL and a message on stderr when it cannot be made. */
lua_State *fs_state_new(const fs_opts *o);
void fs_state_free(lua_State *L);

/* The sandbox's budget (state.c), for C functions that run long on one
 * instruction: charges an upper bound of their work, or raises an error
 * before they run when it does not fit in what is left. Nothing outside
 * the sandbox. */
void fs_budget_charge(lua_State *L, double cost, const char *what);
/* Adds cost to what the sandbox has spent (work already done that the
 * instruction hook does not see); raises the budget error when that spends
 * it. Nothing outside the sandbox. */
void fs_budget_spend(lua_State *L, long long cost);
/* Raises the budget error again when the budget is spent (after a
 * protected call that caught it). Nothing outside the sandbox. */
void fs_budget_check(lua_State *L);
/* Wraps the sandbox's pcall, xpcall, coroutine.resume, setmetatable and
 * the long-running string and table functions in the globals of L
 * (guard.c, docs/reliability.md). */
void fs_guard_open(lua_State *L);

/* Calls the function below its nargs arguments in protected mode with a
 * traceback; on error prints "flowsim: <message>" and returns FS_ERROR. */
int fs_pcall(lua_State *L, int nargs, int nresults);

/* Loads one of flowsim's Lua drivers under the chunk name `name`
 * ("=[flowsim report]"); on error prints it and returns FS_ERROR. */
int fs_load_driver(lua_State *L, const char *code, size_t len, const char *name);

/* fs_pcall for a driver: every error is one line "flowsim: <message>"
 * (a driver's own position stripped from errors raised in C); only a bug
 * in the user's Lua files spanning several of their frames is followed by
 * the traceback of those frames, never of the driver. */
int fs_pcall_driver(lua_State *L, int nargs, int nresults);

/* Pushes a Lua function write(...) that writes its string arguments to
 * stdout: the drivers' output, also in the sandbox (which has no io). */
void fs_push_writer(lua_State *L);

/* Pushes {create = flow.results_create, open = flow.results_open}, which
 * the drivers use even in the sandbox, where scripts cannot. */
void fs_push_results(lua_State *L);

/* The folder of a file ("." for a bare name) into buf: the sandbox's root. */
const char *fs_dir_of(const char *path, char *buf, size_t size);

/* Prints "flowsim: ..." to stderr. */
void fs_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int fs_cmd_run(int argc, char **argv);
int fs_cmd_check(int argc, char **argv);
int fs_cmd_report(int argc, char **argv);
int fs_cmd_exec(int argc, char **argv);
int fs_cmd_plugins(int argc, char **argv);
int fs_cmd_diff(int argc, char **argv);
int fs_cmd_export(int argc, char **argv);
int fs_cmd_mc(int argc, char **argv);

/* MPI (mpi.c, an MPI build only): when a launcher (mpirun) started the
 * process, starts MPI, sets *size to the number of ranks and returns this
 * rank, with stdout and stderr sent to /dev/null on every rank but 0;
 * otherwise *size = 1 and 0. fs_mpi_end finalizes what _begin started. */
#ifdef FLOW_MPI
int fs_mpi_begin(int *size);
void fs_mpi_end(void);
#else
static inline int fs_mpi_begin(int *size)
{
    *size = 1;
    return 0;
}
static inline void fs_mpi_end(void) {}
#endif
int fs_cmd_seek(int argc, char **argv);
int fs_cmd_sensitivity(int argc, char **argv);

/* Parses the sandbox options shared by the sub-commands; returns the
 * number of argv entries used (0 if argv[i] is not one), -1 on a usage
 * error. */
int fs_parse_common(fs_opts *o, int argc, char **argv, int i);

/* Whether command cmd ("run") may write its results file to out
 * (output.c): FS_OK when out does not exist, or is an existing libflow
 * results file and force is set; else one line on stderr and FS_ERROR:
 * out is one of the n_inputs input files (compared by device and inode),
 * not a regular file, not a results file, a results file without force,
 * or cannot be examined. */
int fs_check_output(const char *cmd, const char *out, char *const *inputs, int n_inputs, int force);

/* The main job, the script flowsim runs with no command, a file of
 * scripts/: from the source tree for the uninstalled program, else from
 * the installed $(pkgdatadir)/scripts (main.c). It runs bau and plan on
 * the Hengshui model, prints the table of 附件1 and writes hengshui.h5 in
 * the current folder. */
#define FS_DEFAULT_JOB "hengshui_table.lua"

#endif
