/*
 * flow_int.h — internals shared between the modules of libflow. Never
 * installed: nothing here is API.
 *
 * Module map (one noun per file):
 *   error.c    thread-local last error, flow_strerror
 *   alloc.c    the injectable allocator and small helpers (strdup, arrays)
 *   series.c   parameters: interpolation of series over the time axis
 *   stock.c    lifetimes and the dynamic stock model
 *   model.c    building a model: materials, params, processes, flows, look-ups
 *   compile.c  compiling a model: its phases; edges, groups, step tables
 *   compile_check.c  the checks of compiling (structure, amounts, routes)
 *   compile_order.c  Tarjan SCC order of the processes, edges in that order
 *   compile_typed.c  the tables of typed processes, the size of cycles
 *   items.c    the result items: their names (unique per kind), look-ups
 *   solve.c    the linear systems of cycles (dense LU / sparse GMRES)
 *   sim.c      simulations: the year step, results
 *   balance.c  the mass-balance check of every process and material
 *   plugin.c   process types: the registry, the module loader, the
 *              accessors of flow_type_ctx
 *   buildtree.c  whether this libflow runs uninstalled, from its build tree
 *   testhook.c   test-only fault injection (--enable-fault-injection)
 */
#ifndef FLOW_INT_H
#define FLOW_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_roots.h>

#ifdef HAVE_CONFIG_H
#include "config.h" /* FLOW_FAULT_INJECTION */
#endif

#include "flow.h"
#include "flow_plugin.h" /* flow_transfer, in flow_transfer_box */

#if defined(__GNUC__)
#define FLOW_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FLOW_PRINTF(a, b)
#endif

/* fmax(a, b) as glibc's computes it, bit for bit (the first argument when
 * the two compare equal, so fmax(-0, +0) is -0; the other when one is a
 * NaN), but inline: GCC calls libm's for fmax, a call per use in the year
 * step. */
static inline double flow__fmax(double a, double b)
{
    return b > a ? b : a == a ? a : b;
}

/* The bits of one double (a copy of its 8 bytes: one load). */
static inline uint64_t flow__bits(const double *v)
{
    uint64_t w;
    memcpy(&w, v, sizeof w);
    return w;
}

/* The bits of v[0..n) ORed together: 0 exactly when every value is +0 (a
 * -0 or a NaN is not; callers then look at the values). Four independent
 * ORs, no branch per value: the year step skips runs of materials a
 * process neither holds nor receives with it. */
static inline uint64_t flow__bits_or(const double *v, int n)
{
    uint64_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, w0, w1, w2, w3;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        memcpy(&w0, v + i, 8);
        memcpy(&w1, v + i + 1, 8);
        memcpy(&w2, v + i + 2, 8);
        memcpy(&w3, v + i + 3, 8);
        b0 |= w0;
        b1 |= w1;
        b2 |= w2;
        b3 |= w3;
    }
    for (; i < n; i++) {
        memcpy(&w0, v + i, 8);
        b0 |= w0;
    }
    return (b0 | b1) | (b2 | b3);
}

/* error.c ------------------------------------------------------------ */

/* Sets the thread's last error and returns code (so callers can write
 * `return flow_error__set(FLOW_EINVAL, "...")`). The one place to put a
 * breakpoint on every error. */
int flow_error__set(int code, const char *fmt, ...) FLOW_PRINTF(2, 3);
int flow_error__vset(int code, const char *fmt, va_list ap);
/* Sets FLOW_ENOMEM with a standard message naming what was being built. */
int flow_error__nomem(const char *what);

/* alloc.c ------------------------------------------------------------ */

/* The default allocator (malloc/realloc/free). */
extern const flow_allocator flow_alloc__default;

void *flow_alloc__malloc(const flow_allocator *a, size_t size);
/* Zeroed memory for n elements of size sz; NULL on overflow or failure. */
void *flow_alloc__calloc(const flow_allocator *a, size_t n, size_t sz);
void *flow_alloc__realloc(const flow_allocator *a, void *p, size_t size);
void flow_alloc__free(const flow_allocator *a, void *p);
char *flow_alloc__strdup(const flow_allocator *a, const char *s);
/* Grows *arr (of elements of size sz, capacity *cap) to hold at least need
 * elements, doubling; 0 or FLOW_ENOMEM (message names what). */
int flow_alloc__grow(const flow_allocator *a, void **arr, size_t *cap,
                     size_t need, size_t sz, const char *what);

/* An index of names for O(1) look-ups: open addressing over the indices
 * of an array of objects whose first... any field at a fixed offset is a
 * `char *` name. Slots hold index + 1 (0 = empty). */
typedef struct flow_nameidx {
    int *slot;
    size_t cap;
} flow_nameidx;

/* The index of name in arr (objects of size stride whose name pointer
 * sits at offset 0), or -1. */
int flow_nameidx__find(const flow_nameidx *ix, const char *name, const void *arr, size_t stride);
/* Adds arr[index] (n objects in arr so far, index included); grows and
 * rehashes as needed. 0 or FLOW_ENOMEM. */
int flow_nameidx__add(flow_nameidx *ix, const flow_allocator *a, int index, size_t n,
                      const void *arr, size_t stride);
void flow_nameidx__free(flow_nameidx *ix, const flow_allocator *a);

/* Edit distance between two strings (for "did you mean"). */
size_t flow_util__levenshtein(const char *a, const char *b);


/* series.c ----------------------------------------------------------- */

/* Fills out[0..n_years-1] with the parameter's series evaluated at
 * first_year + i by its rule. Returns 0 or an error naming the parameter
 * (FLOW_EINVAL: too few points for a spline). */
struct flow_param;
int flow_series__eval(const struct flow_param *p, int first_year, int n_years,
                      double *out, const char *errprefix);

/* model.c ------------------------------------------------------------ */

/* Where an object was defined: file (owned by the model) and line. */
typedef struct flow_origin {
    const char *file;
    int line;
} flow_origin;

typedef struct flow_material {
    char *name;
    char *unit;
    flow_category cat;
    flow_origin origin;
} flow_material;

typedef struct flow_param {
    char *name;
    char *unit;
    flow_interp interp;
    size_t n;
    int *years;
    double *values;
    int product;          /* 1: value = a x b */
    int a, b;
    int has_bounds;
    double lo, hi;
    flow_origin origin;
} flow_param;

typedef struct flow_process {
    char *name;
    flow_kind kind;
    flow_stock_mode smode;
    int cap_param;        /* FLOW_NONE or a parameter */
    int overflow;         /* FLOW_NONE (backlog) or a process; meaningful with cap_param */
    int has_lifetime;
    flow_lifetime lt;
    flow_origin lt_origin; /* where the lifetime was set */
    flow_origin origin;
    /* FLOW_TYPED: the registry's descriptor and the values set for its
     * parameters, [type->n_params] each (tset 0: the declared default) */
    const struct flow_process_type *type;
    double *tcoef;
    int *tparam;
    unsigned char *tset;
} flow_process;

/* An amount attached to a process and material: generation, initial
 * stock, stock path. */
typedef struct flow_pm_amount {
    int process, material;
    double coef;
    int param;            /* FLOW_NONE: coef alone */
    flow_origin origin;
} flow_pm_amount;

typedef struct flow_flowdef {
    int from, to, material;
    int port;             /* FLOW_PORT: the port of the type, else -1 */
    flow_mode mode;
    double coef;
    int param;
    flow_origin origin;
} flow_flowdef;

/* indicator.c: expression nodes, indicators, targets */
enum {
    FLOW_NODE_FLOWS = 0, FLOW_NODE_STOCKS, FLOW_NODE_PARAM, FLOW_NODE_CONST,
    FLOW_NODE_OP, FLOW_NODE_AT, FLOW_NODE_CHANGE, FLOW_NODE_METRICS
};

typedef struct flow_node {
    int kind;
    int op;                   /* FLOW_NODE_OP */
    int a, b;                 /* operand nodes */
    int year;                 /* AT, CHANGE */
    int depth;                /* 1 + the depth of the deepest operand (FLOW_EXPR_MAX_DEPTH) */
    int param;                /* PARAM */
    double value;             /* CONST */
    char *metric;             /* METRICS: the metric's name; from/n_from the processes */
    /* FLOWS / STOCKS: the selector, copied */
    int *from, *to, *mats;
    flow_kind *fk, *tk;
    flow_category *cats;
    size_t n_from, n_to, n_mats, n_fk, n_tk, n_cats;
    /* compiled: the items summed */
    int *items;
    int n_items;
    flow_origin origin;
} flow_node;

typedef struct flow_indicator {
    char *name, *unit, *source;
    char *title;            /* NULL until set (flow_model_set_indicator_title) */
    int node;
    flow_origin origin;
} flow_indicator;

typedef struct flow_target {
    int indicator, year;
    flow_cmp cmp;
    double value;
    char *source;
    flow_origin origin;
} flow_target;

/* The compiled tables (compile.c). Edges are the flow items: one per flow
 * and material, plus overflow edges; sorted by source process, then
 * material, then mode (fixed, share, rest), overflow edges last. */
/* What the year step reads of an edge, packed so that routing streams one
 * array: where the value goes (index into the inputs x[process * M +
 * material]), the parameter (or FLOW_NONE) and the coefficient. */
typedef struct flow_edge_hot {
    int xi;
    int param;
    double coef;
} flow_edge_hot;

/* A uniform process routes at most this many flows per material. */
#define FLOW_UNIFORM_MAX 64

/* A routing group as the year step reads it, packed into 12 bytes (a
 * large model has 100,000 groups; the step streams them every year): its
 * edges start at `start`, nfix fixed ones, then nshare shares, then the
 * rest if n > nfix + nshare. */
typedef struct flow_group_hot {
    int start;
    unsigned short nfix, nshare, n, mat;
} flow_group_hot;

/* A process of a plugin type as the year step sees it (compile.c). */
typedef struct flow_typed {
    const struct flow_process_type *t;
    int p;                    /* the process */
    int n_ports, n_params, n_metrics;
    int edge0;                /* its n_ports x M edges in ty_edge, port-major */
    int port0;                /* its n_ports destinations in ty_port_to */
    int metric0;              /* its first metric item */
    size_t coef0;             /* its n_ports x M x M coefficients in the simulation's block */
    size_t rel0;              /* its n_ports x M releases (and outputs) */
    int par0;                 /* its n_params parameter values */
    size_t state0;            /* its state, bytes into the state block (16-aligned) */
    int in_cycle;             /* solved inside a cycle (with the other processes of its cycle) */
    int lean;                 /* no capacity, not in a cycle: typed_lean routes it and checks its
                                 balance; balance.c checks every other typed process */
    int par_const;            /* every parameter a constant (the declared default or a plain
                                 coefficient): its values never change, nor need comparing */
} flow_typed;

/* A non-zero output row of a typed process's transfer, as the lean year
 * step reads it (sim.c, rebuilt with each transfer): out[r] = rel +
 * (u >= 0 ? u x the sum of the input : the non-zeros [z0, z1) of the row). */
typedef struct flow_trow {
    int r;                    /* port x M + material */
    int e;                    /* its flow item */
    int xi;                   /* the input it feeds: x[to x M + material] */
    int m;                    /* its material, r % M */
    int z0, z1;               /* its non-zeros in tnz_col/tnz_v, from coef0 */
    double u;                 /* the one value of a row that takes every material alike, else -1 */
    double rel;               /* its release */
} flow_trow;

typedef struct flow_compiled {
    int T, M, P, E, NP;       /* years, materials, processes, edges, params */
    /* typed processes (plugin types) */
    int NT;
    int *p_typed;             /* [P]: index into ty or -1 */
    flow_typed *ty;           /* [NT] */
    int *ty_edge;             /* the edge of each (typed process, port, material) */
    int *ty_port_to;          /* the process each port of each typed process feeds */
    size_t ty_ncoef, ty_nrel, ty_state; /* sizes of the simulation's blocks */
    size_t ty_marks;          /* where in tstate the types' states end (ty_state counts what
                                 follows: the row marks, [ty_maxrel], then a flag per typed
                                 process, [NT]: see flow_sim.tstate) */
    int ty_npar, ty_maxrel;   /* parameter values in all; the largest n_ports x M */
    int NMET;                 /* metric items */
    char **met_name;          /* [NMET] "process:metric", into met_buf */
    char *met_buf;
    int *met_proc;            /* [NMET] */
    /* edges */
    int *e_from, *e_to, *e_mat, *e_param, *e_flow;
    flow_mode *e_mode;
    double *e_coef;
    char **e_name;            /* into name_buf */
    char *name_buf;           /* the names of all result items */
    int *p_estart, *p_eend;   /* [P]: edges of process p are [p_estart, p_eend);
                                 blocks lie in topological order of p */
    unsigned char *p_fast;    /* [P]: 1 a split, 2 a source, without capacity; else 0 */
    int *p_gstart, *p_gend;   /* [P]: its groups in gh, in topological order */
    int *p_ustart;            /* [P]: a uniform process's flows in eu */
    flow_edge_hot *eu;        /* material 0's edges of every uniform process, in
                                 topological order: streamed by run_uniform */
    unsigned char *p_uniform; /* [P]: a fast process whose flows are the same for every
                                 material (FLOW_ALL flows only): routed with one set of
                                 share values for all materials */
    flow_group_hot *gh;       /* [G] */
    int NF;                   /* fixed edges */
    int *fixed_e;             /* [NF] */
    int *p_ovf;               /* [P]: first overflow edge (M consecutive) or -1 */
    /* routing groups: (process, material) with their non-overflow edges */
    int G;
    int *g_proc, *g_mat, *g_start, *g_end, *g_rest; /* g_rest: edge or -1 */
    int *g_nfixed;            /* fixed edges come first in [g_start, g_end) */
    int *g_nshare;            /* share edges follow the fixed ones */
    flow_edge_hot *eh;        /* [E] */
    int *pm_group;            /* [P*M]: group or -1 */
    /* per (process, material) amounts, as parameter-bound values: index
     * into the amounts arrays or -1 */
    int *pm_gen;              /* [P*M] generation (source) */
    int *pm_path;             /* [P*M] stock path (inuse_driven) */
    double *pm_init;          /* [P*M] initial stock */
    /* stock items: stock processes and backlogs, M consecutive each */
    int S;
    int *p_stock;             /* [P]: first stock item or -1 */
    int *p_backlog;           /* [P]: first backlog item or -1 */
    char **s_name;            /* into name_buf */
    /* the names of stocks and metrics indexed (items.c), and of flows when
     * a name holds a separator (else the flows' are checked by structure) */
    flow_nameidx e_ix, s_ix, met_ix;
    int *s_proc, *s_mat;
    /* dynamic stocks */
    int NI;                   /* number of in-use processes */
    int *p_inuse;             /* [P]: index among in-use processes or -1 */
    double *surv;             /* [NI * (T + 1)]: S(0..T) */
    /* order: components in topological order */
    int C;
    int *c_start;             /* [C+1] into order */
    int *order;               /* [P] processes */
    int *c_cycle;             /* [C]: 1 if solved as a linear system */
    unsigned char *c_joint;   /* [C]: a cycle with a typed process: one system over
                                 processes x materials (a type may turn one material
                                 into another), not one per material */
    int *c_n;                 /* [C]: unknowns of the cycle's system (n or n x M) */
    int *c_nz;                /* [C]: a bound on the entries of its matrix */
    int max_cycle;            /* unknowns of the largest cycle system */
    int max_cycle_procs;      /* processes in the largest cycle */
    /* base parameter values [T][NP] (products computed) */
    double *pv;
    /* parameter use, for checking overrides */
    unsigned char *param_use; /* bit 1: amount (>= 0), bit 2: share (<= 1 times coef) */
} flow_compiled;

struct flow_model {
    flow_allocator alloc;
    int first, last;
    flow_nameidx mat_ix, param_ix, proc_ix;
    flow_material *mats;  size_t n_mats, cap_mats;
    flow_param *params;   size_t n_params, cap_params;
    flow_process *procs;  size_t n_procs, cap_procs;
    flow_flowdef *flows;  size_t n_flows, cap_flows;
    flow_pm_amount *gens;  size_t n_gens, cap_gens;
    flow_pm_amount *inits; size_t n_inits, cap_inits;
    flow_pm_amount *paths; size_t n_paths, cap_paths;
    flow_node *nodes;     size_t n_nodes, cap_nodes;
    flow_indicator *inds; size_t n_inds, cap_inds;
    flow_target *targets; size_t n_targets, cap_targets;
    char **files;         size_t n_files, cap_files;  /* origin file names */
    flow_origin cur;      /* origin of objects added next */
    int compiled;
    flow_compiled c;
};

/* Sets an error prefixed with "file:line: " when the origin is known. */
int flow_model__err(const flow_origin *o, int code, const char *fmt, ...) FLOW_PRINTF(3, 4);
/* Finds name among names[0..n-1] (an enum's spellings): 0 and its index,
 * or FLOW_ENOTFOUND naming the nearest and the known ones. */
int flow_model__parse_name(const char *what, const char *name, const char *const *names, size_t n,
                           int *out);
/* The nearest of names[0..n-1] to name, or NULL when none is close. */
const char *flow_model__nearest(const char *name, const char *const *names,
                                size_t n, size_t stride);

/* indicator.c -------------------------------------------------------- */

/* Frees the definitions (model_free) and the compiled item lists. */
void flow_indicator__free_defs(flow_model *m);
void flow_indicator__free_compiled(flow_model *m);
/* Resolves selectors into item lists; checks years. */
int flow_indicator__compile(flow_model *m);
/* Evaluates every indicator for year index t into row. */
void flow_indicator__eval_year(struct flow_sim *s, int t, double *row);

/* compile.c, compile_check.c, compile_order.c, compile_typed.c --------- */

/* Frees the compiled tables (all of m->c) and marks m not compiled. */
void flow_compile__free(flow_model *m);
/* The same rule for one group whose shares add to sum. */
int flow_compile__group_shares(const flow_model *m, int g, double sum, int t);
/* 1 when a process must send on all it routes (source, split, in-use
 * stocks); 0 when it keeps the remainder (sink, accumulate, storage). */
int flow_compile__routes_all(const flow_process *p);
/* The phases of flow_model_compile kept in files of their own; each
 * returns 0 or a negative FLOW_E... with the error set, and leaves what it
 * allocated in m->c for flow_compile__free. check_structure: what may flow
 * where, lifetimes, capacities, the owners of amounts, the ports of typed
 * processes (and keeps the last of each (process, material) amount). */
int flow_compile__check_structure(flow_model *m);
/* Flows, generation, stock paths, capacities and typed parameters in
 * every year; the shares of every routing group. Marks param_use. */
int flow_compile__check_amounts(flow_model *m);
/* Every material a process that routes all it receives can receive has a
 * flow out (FLOW_EROUTE). */
int flow_compile__check_routes(flow_model *m);
/* order, c_start, c_cycle (Tarjan); the edges moved into that order. */
int flow_compile__order(flow_model *m);
/* The tables of the typed processes, their metric items, the size of
 * each cycle's system. */
int flow_compile__typed(flow_model *m);

/* Allocates n zeroed elements into ptr from m's allocator; on failure
 * sets rc to FLOW_ENOMEM ("the compiled model") and jumps to `fail`. For
 * the phases of compiling: needs `m`, `rc` and a label `fail` in scope. */
#define FLOW_COMPILE_ALLOC(ptr, n)                                            \
    do {                                                                      \
        (ptr) = flow_alloc__calloc(&m->alloc, (size_t)(n), sizeof *(ptr));   \
        if (!(ptr)) {                                                         \
            rc = flow_error__nomem("the compiled model");                     \
            goto fail;                                                        \
        }                                                                     \
    } while (0)

/* items.c ------------------------------------------------------------ */

/* Names the flow and stock items (into one block, c->name_buf) and checks
 * that no name of a kind is given twice (flows, stocks and the metrics
 * compile_typed named): FLOW_EEXIST naming both definitions. Indexes the
 * names it hashes for flow_model_find_item. */
int flow_items__names(flow_model *m);

/* solve.c ------------------------------------------------------------ */

/* Above this many processes a cycle is solved by sparse GMRES. */
#define FLOW_DENSE_MAX 64

typedef struct flow_solver flow_solver;
/* Workspaces sized for the model's largest cycle (allocated once). */
int flow_solver__new(flow_solver **out, const flow_model *m);
void flow_solver__free(flow_solver *s, const flow_allocator *a);
/* Solves (I - A) x = b of the n unknowns of component comp. A is given
 * as nz triplets (row, col, value) of A (not I - A); repeated positions
 * add up. Returns 0, FLOW_ESINGULAR (zero pivot) or FLOW_ECONVERGE (GMRES);
 * sets no error message (the caller names the cycle). *sparse is set to 1
 * when GMRES was used; then x on entry is the first guess (any finite
 * values; the last solution of the cycle is a good one). */
int flow_solver__solve(flow_solver *s, int comp, int n, int nz, const int *ri, const int *ci,
                       const double *v, const double *b, double *x, int *sparse);

/* Solves again with the LU factors of the last successful dense solve of
 * component comp (the same matrix, another right-hand side: the next
 * material of a cycle whose coefficients do not depend on the material).
 * FLOW_EINVAL when no such factors are held. */
int flow_solver__resolve(flow_solver *s, int comp, int n, const double *b, double *x);

/* Small dense systems (n <= FLOW_SMALL_MAX), on the caller's memory: LU
 * with partial pivoting of the n x n row-major a (I - A formed) in place,
 * pivots in piv; FLOW_ESINGULAR on a pivot below 1e-12 of the largest
 * entry (as the dense solve). Then solve in place for b. No allocation,
 * no error message. */
#define FLOW_SMALL_MAX 16
int flow_solver__lu_small(int n, double *a, int *piv);
void flow_solver__lu_small_solve(int n, const double *a, const int *piv, double *b);

/* balance.c ---------------------------------------------------------- */

struct flow_sim;
/* Checks in - out - dstock = 0 for every process and material of year
 * index t. Returns 0 or FLOW_EBALANCE naming the worst offender. */
int flow_balance__check(struct flow_sim *s, int t);

/* reuse.c ------------------------------------------------------------ */

/* Prepares s to compute once the processes that none of the parameters
 * marked in vary[NP] reaches (nor a product of one), so that an ensemble
 * that changes only those parameters between runs passes over them;
 * allocates (call it on the thread that made s). The next full,
 * successful run is the one kept: flow_sim__reuse_capture() after it. */
int flow_sim__reuse_prepare(struct flow_sim *s, const unsigned char *vary);
/* Keeps the rows of the run that has just completed for the fixed
 * processes; from the next flow_sim_reset() on, they are not computed
 * again. Does nothing unless prepared and the run completed. Never
 * allocates. */
void flow_sim__reuse_capture(struct flow_sim *s);
/* What flow_sim_reset clears while reusing: the flows, stocks and metrics
 * of the processes that vary, in every year; the others keep the values
 * of the run captured. */
void flow_sim__reuse_clear(struct flow_sim *s);
/* Ends the reuse (a parameter outside vary, or the balance tolerance, was
 * set): from the next reset on, every process is computed. */
void flow_sim__reuse_off(struct flow_sim *s);
/* Frees what prepare allocated (flow_sim_free calls it). */
void flow_sim__reuse_free(struct flow_sim *s);

/* live.c ------------------------------------------------------------- */

/* Allocates and computes the liveness of a new simulation (flow_sim_new):
 * what generation, initial stocks, stock paths, fixed amounts and cycles
 * make live, and what that reaches. */
int flow_live__new(struct flow_sim *s);
/* Port item e of a typed process has a coefficient or a release in its
 * type's transfer: it is live, and so is its material at both ends;
 * what that reaches, and the lists, follow at flow_live__grow. Neither
 * allocates (the year step calls them). */
void flow_live__port(struct flow_sim *s, int e);
void flow_live__grow(struct flow_sim *s);
/* Typed process k kept something in stock (its transfer's tkeeps): its
 * stock items are live from now on. Allocates nothing. */
void flow_live__keeps(struct flow_sim *s, int k);
void flow_live__free(struct flow_sim *s);

/* sim.c -------------------------------------------------------------- */

typedef struct flow_bqcur flow_bqcur;

struct flow_sim {
    const flow_model *m;
    const flow_allocator *alloc;
    int t;                    /* next year index */
    int failed;               /* the last step failed */
    double tol;
    double floor;             /* rounding-noise floor of the current year (t/a) */
    double *data[FLOW_ITEM_KIND_COUNT_]; /* [T][n] */
    unsigned char *ovr;       /* [T][NP]: overridden */
    double *nodeval;          /* [T][n_nodes] each expression node's value (indicator.c) */
    /* year-step scratch, all sized once */
    double *x;                /* [P*M] input */
    double *gen;              /* [P*M] generation / computed inflow this year */
    double *rho;              /* [P] accepted fraction */
    double *alpha, *beta;     /* [E] */
    double *bin, *bout;       /* [P*M] balance */
    double *cohort;           /* [NI * M * T] inflow of each cohort */
    int bl0;                  /* the first backlog stock item (c->S when none) */
    double *bqueue;           /* [(S - bl0) * T] what of each year's input went into each
                                 backlog item: the queue, oldest first */
    double *btake;            /* [S - bl0] what each backlog item gives up this year */
    struct flow_bqcur {       /* [S - bl0] at a backlog's first item (route.c, backlog_take): */
        double all;           /* the sum of its queue's parts of the years before upto */
        double start;         /* the sum of the parts before v, */
        int upto, v;          /* v: the first part not taken in full */
    } *bqcur;
    int *loc;                 /* [P] position within the current cycle or -1 */
    int *tri_r, *tri_c;       /* triplets of a cycle system */
    double *tri_v;
    int *tri_r0, *tri_c0;     /* the previous material's triplets, */
    double *tri_v0;           /* to reuse its LU factors when equal */
    double *sb;               /* [max_cycle] right-hand side */
    double *sx;               /* [M][max_cycle] solution per material */
    double *xext;             /* [max_cycle][M] inputs from outside the cycle */
    /* typed processes (sim.c) */
    double *tcoef;            /* [ty_maxrel x M] a transfer as a type fills it (typed_coefs packs it
                                 into tnz_*; all zeros between calls) */
    double *trel;             /* [ty_nrel] releases from stock */
    double *tcol;             /* [NT*M] what each column sends; 1 - tcol is kept */
    double *tpar;             /* [ty_npar] the parameter values of the last transfer */
    unsigned char *tvalid;    /* [NT] 1: tcoef holds for tpar and need not be asked again */
    unsigned char *tinit;     /* [NT] init() ran (fini() is due) */
    int *tnz_row, *tnz_col;   /* [2 x ty_ncoef] the non-zero coefficients: output port x M + material, */
    double *tnz_v;            /* input material, value; tnnz[k] of them from tz0[k] (room for tzcap[k]; */
    size_t *tz0, *tzcap, tztop; /* a pool laid out as trow is) */
    int *tzr, *tzc;           /* [ty_maxrel x M] the non-zeros being found */
    double *tzv;
    int *tnnz;                /* [NT] */
    unsigned char *trel_any;  /* [NT] 1: the last transfer releases something */
    unsigned char *trel_dirty; /* [NT] 0: its releases in trel are all +0 (bits) */
    int *tvar0, *tvar;        /* [NT + 1], [ty_npar]: typed process k's parameters bound to a model
                                 parameter are tvar[tvar0[k] .. tvar0[k + 1]) */
    unsigned char *tstate;    /* [ty_state] the types' per-process states ([ty_marks], cleared by
                                 each reset); then two blocks of typed.c that live as long as the
                                 simulation (no reset clears them): the row marks of the transfer
                                 being filled ([ty_maxrel], all 0 between calls: flow_transfer_row)
                                 and a flag per typed process ([NT], 1: its transfer was verified
                                 to write rows only through flow_transfer_row) */
    double *tacc, *tout, *txin; /* [M], [ty_maxrel], [M] scratch */
    int *tam;                 /* [M] scratch: the materials a typed process accepted (emit_rows) */
    int *trl, *tct;           /* [ty_maxrel], [M] scratch of typed_coefs: the rows to read, the
                                 columns that send something */
    double *sj;               /* [max_cycle] solution of a joint cycle system */
    flow_trow *trow;          /* [2 x ty_nrel] the non-zero rows of each transfer: tnrow[k] from */
    int *tnrow, *tr0, *trcap; /* tr0[k], room for trcap[k]; handed out in the order of the first */
    int trtop;                /* transfers (the step's order) from trtop on: streamed each year */
    flow_trow *trtmp;         /* [ty_maxrel] rows being found */
    unsigned char *tkeeps;    /* [NT] some column keeps a part or something is released */
    unsigned char *tszero;    /* [NT] its stock has been 0 in every year so far (typed_lean) */
    int *bal_p, n_bal;        /* the processes balance.c checks (the others balance as they route) */
    int *init_nz, n_init_nz;  /* the stock items with an initial stock other than +0 */
    int *prod, n_prod;        /* the parameters that are products of two others, in order */
    /* reuse.c: the processes no varying parameter reaches, computed once */
    int reuse;                /* 1: reset clears only rzero, the step replays rfixed */
    int rready;               /* prepared: the next full run is captured */
    unsigned char *rvary;     /* [NP] the parameters that may change between runs */
    unsigned char *rpvar;     /* [P] 1: the process varies (computed every run) */
    unsigned char *rfixed;    /* [C] 1: the step's component k is computed once */
    int *rvisit, nrvisit;     /* [C] the components the step visits while reusing: those that
                                 vary, and the fixed ones with a replay */
    unsigned char *rnode;     /* [n_nodes] 1: the expression node's values are the captured run's */
    int *rnvar, nrnvar;       /* [n_nodes] the others, in order: those evaluated while reusing */
    int *rprod, nrprod;       /* [NP] the products of a varying parameter, in the order of prod */
    int *rrep0;               /* [C + 1] component k's replay: entries [rrep0[k], rrep0[k + 1]) */
    int *rrep_e, *rrep_xi;    /* [E] of flow rrep_e, add its value to input rrep_xi (p x M + mat) */
    int *rzero[4], rnzero[4]; /* the items of flows, stocks and metrics of the processes that
                                 vary, and those processes: rnzero[k] runs (first, length) */
    unsigned char *rlogged;   /* [E] a port flow of a typed process that varies outside cycles:
                                 cleared by the log, not the runs */
    size_t *rlog, rnlog, rlog_room; /* the items (t x E + e) of those the step wrote since the
                                 reset (typed_lean, emit_rows) */
    int rall;                 /* the next reset clears every logged item (the captured run's) */
    int *rclr[3], rnclr[3];   /* the live items of rzero[0], rzero[1] and of the inputs rzero[3]
                                 (as p x M + material), as of lv_epoch rclr_epoch */
    unsigned rclr_epoch;
    /* live.c: what can carry something (only grows) */
    unsigned char *lv_pm;     /* [P*M] the process may hold, receive or (typed) send the material */
    unsigned char *lv_in;     /* [P*M] the process may receive the material (a live item to it) */
    unsigned char *lv_tkeep;  /* [NT] the typed process may keep something in stock: it held
                                 some at the start, or a transfer kept some (tkeeps) */
    unsigned char *lv_e;      /* [E] the flow item may be other than +0 */
    int *lv_m0, *lv_mat;      /* [P + 1], [P*M]: process p's live materials, ascending, are
                                 lv_mat[lv_m0[p] .. lv_m0[p + 1]) */
    int *lv_eo, *lv_neven;    /* [P*M], [P]: the same lists, the lv_neven[p] even materials first,
                                 then the odd ones, each ascending */
    int *lv_st, lv_s0[5];     /* [S]: the live stock items, by the sum of sum_abs (sim.c) they go
                                 to: sum r's are lv_st[lv_s0[r] .. lv_s0[r + 1]) */
    int *lv_queue, lv_nqueue; /* [P*M] the (process, material) pairs made live, to propagate */
    int lv_grown;             /* flow_live__port marked an item since the last growth */
    int *lv_g0, *lv_g;        /* [P + 1], [G]: the routing groups run_split runs of process p are
                                 lv_g[lv_g0[p] .. lv_g0[p + 1]) (the others carry +0) */
    unsigned lv_epoch;        /* advanced by each growth (readers keep lists of their epoch) */
    int *lv_items, *lv_nitems; /* each FLOWS or STOCKS node's live items (indicator.c), from */
    size_t *lv_i0;            /* lv_i0[k], lv_nitems[k] of them, as of lv_epoch lv_nodes_epoch */
    unsigned lv_nodes_epoch;
    /* test hooks (FLOW_TESTHOOK, read once by flow_sim_new; off: -1 and
     * CAP_MAX_ROUNDS): the year index and flow whose delivery
     * FLOW_SIM_CORRUPT falsifies, whether this year's was; the rounds of
     * the capacity search (FLOW_SIM_MAXROUNDS) */
    int corrupt_t, corrupt_e, corrupted;
    int max_rounds;
    struct flow_plan *plan;   /* [C] what the step does for each component, in order */
    flow_edge_hot *genh;      /* [n_gens] the generation as sources() streams it: xi = p x M + material */
    flow_solver *solver;
    gsl_root_fsolver **brent; /* [n_brent] one per capacity of the cycle with most (cycle.c) */
    int n_brent;
    int *capi;                /* [2 max_cycle] positions of a cycle's capacity processes (cycle.c) */
    unsigned char *cbind;     /* [n_brent] and */
    double *cw;               /* [n_brent (2 n_brent + 9)] the Newton iteration's workspace (cycle.c) */
    flow_sim_stats stats;
};

/* Whether stock item i of s can hold something (live.c): its process may
 * hold its material, and, for the stock (not the backlog) of a typed
 * process, that process may keep something: one whose every transfer has
 * sent all it received keeps last year's +0. */
static inline int flow_live__stock(const struct flow_sim *s, int i)
{
    const flow_compiled *c = &s->m->c;
    const int p = c->s_proc[i], k = c->p_typed[p];
    if (!s->lv_pm[(size_t)p * (size_t)c->M + (size_t)c->s_mat[i]])
        return 0;
    return k < 0 || s->lv_tkeep[k] || i < c->p_stock[p] || i >= c->p_stock[p] + c->M;
}

/* What the year step does for component k, read as one stream (sim.c,
 * made in flow_sim_new): the kind of route and, for a uniform process, all
 * it needs besides its edges, so that the step reads neither the routing
 * groups nor the per-process tables of most processes. */
enum {
    FLOW_PLAN_PROCESS = 0,    /* run_process: anything else */
    FLOW_PLAN_UNIFORM,        /* run_uniform: a uniform split */
    FLOW_PLAN_UNIFORM_SOURCE, /* run_uniform: a uniform source */
    FLOW_PLAN_CYCLE,          /* run_cycle */
    FLOW_PLAN_CYCLE_SMALL,    /* run_cycle_small: at most FLOW_SMALL_MAX uniform splits */
    FLOW_PLAN_KEEP            /* flow_route__keep: a sink or accumulating stock that sends
                                 nothing on, without capacity or backlog */
};
typedef struct flow_plan {
    int p;                    /* the process (of a cycle: the first) */
    int fl;                   /* uniform: its first flow item (material 0's group) */
    int u;                    /* uniform: its edges in eu */
    unsigned short nfix, nshare, n; /* uniform: its flows per material */
    unsigned char kind;
} flow_plan;

/* plugin.c ----------------------------------------------------------- */

/* What a plugin callback sees (flow_plugin.h: flow_type_ctx_*()); the core
 * fills one per call. */
struct flow_type_ctx {
    const struct flow_process_type *type;
    const flow_model *model;  /* materials: names, categories, the index */
    const char *process;      /* the process's name */
    int year;                 /* calendar year */
    int n_params;             /* the type's n_params */
    const double *param;      /* [n_params] values this year */
    const double *stock;      /* [M] the process's stock at the end of the year before, or NULL */
    int *touched;             /* set when the callback reads the year or the stock, or NULL */
    char *misuse;             /* [FLOW_MISUSE_LEN] the first wrong accessor call, "" if none; or NULL */
};

/* Room for the message of a type's wrong accessor call (plugin.c). */
#define FLOW_MISUSE_LEN 160

/* The transfer the core hands to a type's transfer() (typed.c) inside
 * what flow_transfer_row() needs (plugin.c): T first, so that a pointer
 * to T is a pointer to the box. */
typedef struct flow_transfer_box {
    flow_transfer T;
    unsigned char *mark;      /* [n_ports x M] 1: the row was asked for; all 0 between calls */
    char *misuse;             /* [FLOW_MISUSE_LEN] as in flow_type_ctx */
    int *rows, nrows;         /* [n_ports x M] the rows asked for, in the order first asked
                                 (rows NULL: not listed) */
} flow_transfer_box;

/* buildtree.c -------------------------------------------------------- */

/* The build tree (FLOW_BUILDDIR) when this libflow is the uninstalled
 * library of that tree (FLOW_BUILDDIR/.libs/libflow.so*), else NULL (an
 * installed libflow). Decided once per process. */
const char *flow_buildtree__root(void);

/* testhook.c --------------------------------------------------------- */

/* Test hooks: ways for the tests to make libflow fail on purpose where
 * nothing else can (a full disk). Compiled in only by ./configure
 * --enable-fault-injection (FLOW_FAULT_INJECTION in config.h), as SQLite
 * keeps its test hooks behind compile-time flags: in a default build
 * FLOW_TESTHOOK() is the constant 0, no environment variable is read, and
 * the code a hook guards is dead. A hook is an environment variable whose
 * value is a positive integer (which write, which flow, ...); unset, empty
 * or not a number reads as 0, "off". The hooks: docs/architecture.md,
 * "Test hooks". */
#ifdef FLOW_FAULT_INJECTION
long flow_testhook__get(const char *var);
#define FLOW_TESTHOOK(var) flow_testhook__get(var)
#define FLOW_TESTHOOK_ON 1
#else
#define FLOW_TESTHOOK(var) 0L
#define FLOW_TESTHOOK_ON 0 /* guards a hook's code: dead in a default build */
#endif

#endif /* FLOW_INT_H */
