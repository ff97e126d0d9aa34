/*
 * flow.h — the public API of libflow, for programs that embed it.
 *
 * libflow simulates the material flows of a city's solid-waste system year
 * by year: materials leave sources, are split, transformed, stored and
 * landfilled by processes, and every process conserves mass every year.
 *
 * The life of a model:
 *
 *     flow_model *m;   flow_model_new(&m, 2020, 2025, NULL);
 *     ...add materials, parameters, processes, flows...
 *     flow_model_compile(m);          -- names resolved, shares checked,
 *                                        graph ordered; m is now read-only
 *     flow_sim *s;     flow_sim_new(&s, m);
 *     flow_sim_run(s);                -- or flow_sim_step() year by year
 *     ...read flows and stocks with flow_sim_get()/flow_sim_row()...
 *     flow_sim_free(s); flow_model_free(m);
 *
 * Conventions (docs/architecture.md has the full text):
 *  - Every function that can fail returns int: 0 on success or a negative
 *    FLOW_E* code; flow_error_last() then holds one line naming the thing
 *    at fault. Functions that add an object report its index through an
 *    optional out parameter (NULL when not wanted).
 *  - Objects are opaque; *_free(NULL) is a no-op; a failing constructor
 *    leaves *out = NULL and frees what it built.
 *  - Strings passed in are copied; strings returned are borrowed from their
 *    owner and live as long as it does.
 *  - Passing NULL where this header does not allow it is a broken calling
 *    contract: an assertion in debug builds, FLOW_EINVAL otherwise.
 *  - Flows are tonnes per year (t/a); stocks are tonnes at year end.
 *
 * Nothing in libflow prints, calls exit(), or changes a process-wide handler.
 */
#ifndef FLOW_H
#define FLOW_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FLOW_VERSION_MAJOR 0
#define FLOW_VERSION_MINOR 1
#define FLOW_VERSION_PATCH 0
#define FLOW_VERSION_STRING "0.1.0"

/* The library's version as "major.minor.patch" (may differ from the
 * header's FLOW_VERSION_STRING when linked against another build). */
const char *flow_version(void);

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

enum {
    FLOW_OK = 0,
    FLOW_ENOMEM = -1,     /* an allocation failed */
    FLOW_EINVAL = -2,     /* an argument is out of its documented range */
    FLOW_ENOTFOUND = -3,  /* a name or index that does not exist */
    FLOW_EEXIST = -4,     /* a name that is already taken */
    FLOW_ESTATE = -5,     /* wrong state: model compiled / not compiled, run finished */
    FLOW_EVALUE = -6,     /* NaN, infinity, negative or out-of-bounds value in a series */
    FLOW_ESHARES = -7,    /* shares of a material leaving a process do not add up */
    FLOW_EROUTE = -8,     /* a material reaches a process that has no way out for it */
    FLOW_ESINGULAR = -9,  /* a cycle with no exit: its linear system is singular */
    FLOW_EBALANCE = -10,  /* mass balance violated (a bug or an inconsistent plugin) */
    FLOW_ECONVERGE = -11, /* an iteration (capacity in a cycle, GMRES) did not converge */
    FLOW_ERANGE = -12,    /* a year outside the model's time axis */
    FLOW_EIO = -13,       /* a file could not be read or written */
    FLOW_ELUA = -14,      /* an error in a Lua model or script */
    FLOW_EHDF5 = -15,     /* an error from HDF5 */
    FLOW_EPLUGIN = -16    /* a plugin could not be loaded or misbehaved */
};

/* The message of the last error raised on this thread: one line that names
 * the thing at fault, e.g. "process 'sorting', material 'msw', year 2023:
 * shares add to 1.15, not 1". Never NULL ("" when there was none). The
 * string stays valid until the next libflow call on this thread. */
const char *flow_error_last(void);

/* The code of the last error raised on this thread (0 when none). */
int flow_error_last_code(void);

/* Forget the last error of this thread. */
void flow_error_clear(void);

/* A short, constant description of an error code ("out of memory"). */
const char *flow_strerror(int code);

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

/* An allocator, injected per model. Every allocation the model, its
 * simulations and the dynamic stock model make goes through it (GSL's own
 * workspaces for the sparse solver and spline set-up excepted; they are
 * documented in docs/architecture.md). All three functions are required.
 * realloc(NULL, n) must behave as malloc(n). A failing allocation returns
 * NULL; libflow then returns FLOW_ENOMEM and frees what it had built.
 * Without one (NULL to flow_model_new), libflow uses the C library's, and
 * takes zeroed blocks from calloc, those of 4 MiB or more marked on Linux
 * for transparent huge pages; memory from a caller's allocator is never
 * advised. */
typedef struct flow_allocator {
    void *(*malloc)(size_t size, void *ud);
    void *(*realloc)(void *ptr, size_t size, void *ud);
    void (*free)(void *ptr, void *ud);
    void *ud;
} flow_allocator;

/* ------------------------------------------------------------------ */
/* Lifetimes and the dynamic stock model                               */
/* ------------------------------------------------------------------ */

typedef enum flow_lifetime_kind {
    FLOW_LT_FIXED = 0,    /* a = lifetime L (>= 0): the cohort leaves in year c + ceil(L);
                             L = 0: in its year of inflow */
    FLOW_LT_NORMAL,       /* a = mean, b = sd (> 0); not truncated at 0 */
    FLOW_LT_FOLDEDNORMAL, /* a = mean, b = sd of the underlying normal (> 0) */
    FLOW_LT_LOGNORMAL,    /* a = mean, b = sd of the lifetime itself (both > 0) */
    FLOW_LT_WEIBULL,      /* a = shape k (> 0), b = scale lambda (> 0) */
    FLOW_LT_EXPONENTIAL   /* a = mean (> 0) */
} flow_lifetime_kind;

typedef struct flow_lifetime {
    flow_lifetime_kind kind;
    double a;
    double b;
} flow_lifetime;

/* Checks that a lifetime's kind and parameters are valid.
 * Returns 0, or FLOW_EINVAL naming the parameter at fault. */
int flow_lifetime_check(const flow_lifetime *lt);

/* Survival S(age) = 1 - CDF(age) at an integer age >= 0 (no half-year
 * shift, as in ODYM). Returns NaN for an invalid lifetime or age < 0. */
double flow_lifetime_survival(const flow_lifetime *lt, int age);

/* The dynamic stock model on its own. Cohort c is the year of inflow;
 * the stock is counted at year end; outflow in the inflow year counts
 * (inflow_c * (1 - S(0))). A fixed lifetime of 0 (goods used up within
 * their year of inflow) has S(0) = 0: the stock stays 0 and the outflow
 * is the inflow.
 *
 * Inflow-driven: given inflow[0..n-1], computes the stock and outflow.
 * Stock-driven: given stock[0..n-1] (with no stock before year 0), computes
 * the inflow needed: inflow_t = (stock_t - sum_{c<t} inflow_c S(t-c)) / S(0).
 * A stock path that falls faster than its cohorts leave would need a
 * negative inflow: that is FLOW_EVALUE naming the year, unless
 * FLOW_DSM_ALLOW_NEGATIVE_INFLOW is given.
 *
 * A result owns its arrays; all are indexed from year 0 of the series:
 *   stock[t], outflow[t], inflow[t], stock_change[t] (= inflow - outflow),
 *   stock_by_cohort[t * n + c] = inflow_c S(t - c),
 *   outflow_by_cohort[t * n + c] = inflow_c (S(t - c - 1) - S(t - c))
 *   (zero for c > t; S(-1) = 1).
 * Computing a result costs O(n^2) time and O(n) memory: the by-cohort
 * values are read one at a time (flow_dsm_*_by_cohort_at), or as whole
 * n x n arrays that are made on the first call of flow_dsm_*_by_cohort. */
typedef struct flow_dsm flow_dsm;

enum { FLOW_DSM_ALLOW_NEGATIVE_INFLOW = 1 };

/* alloc may be NULL (malloc). Errors: FLOW_EINVAL (n == 0, bad lifetime;
 * for the stock-driven model a lifetime with S(0) = 0, such as a fixed
 * lifetime of 0, or S(0) < 1e-6), FLOW_EVALUE (NaN/inf/negative input,
 * naming the index; negative inflow in the stock-driven case),
 * FLOW_ENOMEM. On error *out is NULL. */
int flow_dsm_inflow_driven(flow_dsm **out, const double *inflow, size_t n,
                           const flow_lifetime *lt, const flow_allocator *alloc);
int flow_dsm_stock_driven(flow_dsm **out, const double *stock, size_t n,
                          const flow_lifetime *lt, unsigned flags,
                          const flow_allocator *alloc);
void flow_dsm_free(flow_dsm *d);

/* The series of a result, n values each, borrowed from it. */
size_t flow_dsm_length(const flow_dsm *d);
const double *flow_dsm_stock(const flow_dsm *d);
const double *flow_dsm_outflow(const flow_dsm *d);
const double *flow_dsm_inflow(const flow_dsm *d);
const double *flow_dsm_stock_change(const flow_dsm *d);

/* One by-cohort value: year t, cohort c (both from 0); 0 for c > t, NaN
 * for t or c >= n. O(1), allocates nothing. */
double flow_dsm_stock_by_cohort_at(const flow_dsm *d, size_t t, size_t c);
double flow_dsm_outflow_by_cohort_at(const flow_dsm *d, size_t t, size_t c);

/* The whole n x n array, [t * n + c], borrowed from the result: made on
 * the first call (n^2 doubles from the result's allocator) and kept until
 * flow_dsm_free. Returns NULL if it cannot be allocated (FLOW_ENOMEM in
 * flow_error_last()); the result stays valid. The first call writes into
 * the result: do not make it from two threads at once on one result. */
const double *flow_dsm_stock_by_cohort(const flow_dsm *d);
const double *flow_dsm_outflow_by_cohort(const flow_dsm *d);

/* ------------------------------------------------------------------ */
/* Models                                                              */
/* ------------------------------------------------------------------ */

typedef struct flow_model flow_model;

typedef enum flow_category {
    FLOW_CAT_INDUSTRIAL = 0,
    FLOW_CAT_HAZARDOUS,
    FLOW_CAT_AGRICULTURAL,
    FLOW_CAT_CONSTRUCTION,
    FLOW_CAT_DOMESTIC,
    FLOW_CAT_MEDICAL,
    FLOW_CAT_SLUDGE,
    FLOW_CAT_PRODUCT,
    FLOW_CAT_EMISSION,
    FLOW_CAT_COUNT_
} flow_category;

/* "industrial", "hazardous", ...; NULL for an invalid value. */
const char *flow_category_name(flow_category c);
/* Parses a category name; FLOW_ENOTFOUND (with the nearest name) if unknown. */
int flow_category_parse(const char *name, flow_category *out);

typedef enum flow_kind {
    FLOW_SOURCE = 0, /* mass enters the system: its generation, routed by its flows */
    FLOW_SPLIT,      /* routes each material to its outgoing flows */
    FLOW_SINK,       /* mass leaves the system (air, export, market) */
    FLOW_STOCK,      /* accumulates what it does not send on (see stock modes) */
    FLOW_TYPED       /* a facility of a plugin type (flow_plugin.h): flow_model_add_typed_process */
} flow_kind;

const char *flow_kind_name(flow_kind k);
int flow_kind_parse(const char *name, flow_kind *out);

typedef enum flow_stock_mode {
    FLOW_STOCK_ACCUMULATE = 0, /* landfill-like: keeps what its flows do not take from this year's input */
    FLOW_STOCK_STORAGE,        /* storage yard: its flows act on last year's stock + this year's input,
                                  so it can be drawn down */
    FLOW_STOCK_INUSE,          /* in-use stock with a lifetime, inflow-driven: its flows route the
                                  end-of-life outflow of the dynamic stock model */
    FLOW_STOCK_INUSE_DRIVEN    /* in-use stock with a lifetime, stock-driven: takes no inflows;
                                  the inflow needed by its stock path enters the system here
                                  and its end-of-life outflow is routed by its flows */
} flow_stock_mode;

typedef enum flow_interp {
    FLOW_INTERP_STEP = 0, /* a value holds from its year until the next point */
    FLOW_INTERP_LINEAR,   /* straight lines between points */
    FLOW_INTERP_CSPLINE,  /* GSL natural cubic spline (>= 3 points) */
    FLOW_INTERP_AKIMA,    /* GSL Akima spline (>= 5 points) */
    FLOW_INTERP_STEFFEN   /* GSL Steffen monotone spline (>= 3 points) */
} flow_interp;
/* Outside the range of its points every rule holds the nearest end value. */

const char *flow_interp_name(flow_interp i);
int flow_interp_parse(const char *name, flow_interp *out);

typedef enum flow_mode {
    FLOW_SHARE = 0, /* value = share x what the process sends on (transfer coefficient) */
    FLOW_FIXED,     /* value = a fixed amount in t/a */
    FLOW_REST,      /* value = what the process sends on minus its fixed and share flows */
    FLOW_OVERFLOW,  /* made by the core for a capacity's overflow destination; not for add_flow */
    FLOW_PORT       /* an output port of a typed process: flow_model_add_port_flow */
} flow_mode;

const char *flow_mode_name(flow_mode m);

/* All materials: for a flow, one flow of each material. */
#define FLOW_ALL (-1)
/* No parameter: the amount is the constant coefficient alone. */
#define FLOW_NONE (-1)

/* The calendar years a model may span: four-digit years. */
#define FLOW_YEAR_MIN 1000
#define FLOW_YEAR_MAX 9999

/* Creates an empty model over the years [first_year, last_year].
 * alloc may be NULL for malloc/realloc/free; it is copied.
 * Errors: FLOW_EINVAL (a year outside [FLOW_YEAR_MIN, FLOW_YEAR_MAX],
 * last_year < first_year, more than 1000 years), FLOW_ENOMEM. */
int flow_model_new(flow_model **out, int first_year, int last_year,
                   const flow_allocator *alloc);
void flow_model_free(flow_model *m);

int flow_model_first_year(const flow_model *m);
int flow_model_last_year(const flow_model *m);
/* last_year - first_year + 1 */
int flow_model_n_years(const flow_model *m);

/* The definition site given to the objects added next (for error messages:
 * "models/hengshui.lua:212: ..."). file is copied; NULL clears it. The Lua
 * binding sets it before every object it adds. */
int flow_model_set_origin(flow_model *m, const char *file, int line);

/* Adding objects. Names are non-empty, unique per kind of object, and are
 * copied. Each returns 0 and stores the new index in *idx (if idx is not
 * NULL), or: FLOW_EINVAL (empty name, bad enum), FLOW_EEXIST, FLOW_ESTATE
 * (model already compiled), FLOW_ENOMEM. Indices count from 0 in the order
 * of adding. */

int flow_model_add_material(flow_model *m, const char *name, flow_category cat,
                            const char *unit, int *idx);

/* A parameter: a series of (year, value) points with an interpolation rule.
 * years must be strictly increasing; n >= 1 (and the minimum of the rule).
 * Values must be finite (FLOW_EVALUE naming the parameter and year).
 * unit may be NULL. Parameters are what flows, generation, capacities and
 * stock paths refer to; scenarios override them per year (levers). */
int flow_model_add_param(flow_model *m, const char *name, const char *unit,
                         flow_interp interp, size_t n, const int *years,
                         const double *values, int *idx);
/* A parameter with the same value in every year. */
int flow_model_add_param_const(flow_model *m, const char *name, const char *unit,
                               double value, int *idx);
/* A derived parameter: the product a x b of two parameters, evaluated every
 * year after overrides (e.g. a driver x an intensity). */
int flow_model_add_param_product(flow_model *m, const char *name, const char *unit,
                                 int a, int b, int *idx);
/* Bounds a parameter's values must keep in every year (inclusive); a value
 * outside them is FLOW_EVALUE naming the parameter and the year. */
int flow_model_set_param_bounds(flow_model *m, int param, double lo, double hi);

/* A process of a core kind (FLOW_SOURCE .. FLOW_STOCK; FLOW_TYPED is
 * FLOW_EINVAL: use flow_model_add_typed_process). */
int flow_model_add_process(flow_model *m, const char *name, flow_kind kind, int *idx);

/* A process of a plugin type (kind FLOW_TYPED): an incinerator, a
 * landfill... Its behaviour each year is the type's transfer out = T·in
 * (+ releases from its stock); what it keeps is its stock (stock items
 * "process:material"), what it reports its metrics (FLOW_ITEM_METRIC).
 * The type is found with flow_plugin_find() (the registry, then the
 * modules of $FLOW_PLUGIN_PATH and the installed plugin directory) and
 * stays loaded while the registry holds it. Errors: those of
 * flow_model_add_process, and FLOW_ENOTFOUND (no such type: the message
 * lists the known ones and the nearest), FLOW_EPLUGIN (its module was
 * refused: the message names the file and why). */
int flow_model_add_typed_process(flow_model *m, const char *name, const char *type, int *idx);
/* The type name of a typed process (borrowed), NULL for a process of a
 * core kind or an index out of range. */
const char *flow_model_process_type(const flow_model *m, int idx);
/* Sets parameter name of the type of a typed process to coef x param
 * in every year (param FLOW_NONE: coef alone); a parameter not set takes
 * the type's default. The value of each year must lie within the bounds
 * the type declares: a constant is checked here, a series when the model
 * compiles, an override when the year is simulated. Errors: FLOW_EINVAL
 * (not a typed process), FLOW_ENOTFOUND (the type declares no such
 * parameter: the message lists those it does), FLOW_EVALUE (out of
 * bounds: the message names the type, parameter, value and bounds),
 * FLOW_ESTATE (compiled). Setting it again replaces the value. */
int flow_model_set_type_param(flow_model *m, int process, const char *name, double coef, int param);
/* Where output port port of a typed process goes: every material of the
 * port to process to (FLOW_PORT flow items "from[port]->to:material",
 * one per material). Every port of the type must be connected exactly once, and a
 * typed process has no other flows. Errors: FLOW_EINVAL (from is not
 * typed), FLOW_ENOTFOUND (no such port: the message lists the type's
 * ports), FLOW_ESTATE; a port connected twice, or not at all, and a
 * destination that takes no inflow, are errors of flow_model_compile()
 * (FLOW_EEXIST, FLOW_EINVAL). *idx, if not NULL, is the flow index. */
int flow_model_add_port_flow(flow_model *m, int from, const char *port, int to, int *idx);

/* A capacity in t/a of all materials together (parameter index), and where
 * the excess goes: overflow = a process index, or FLOW_NONE to hold the
 * excess in the process's own backlog. The excess of a year's input is
 * taken from every material in proportion. A backlog is a queue, first in,
 * first out: each year the capacity takes what waits longest first (each
 * year's part in the proportions of its materials), then this year's
 * input. */
int flow_model_set_capacity(flow_model *m, int process, int capacity_param,
                            int overflow);
/* Generation of a source: coef x param (param may be FLOW_NONE) t/a of a
 * material. A source's flows route its generation; a source with no
 * generation declared for a material generates what its fixed flows take. */
int flow_model_set_generation(flow_model *m, int process, int material,
                              double coef, int param);
/* Stock processes: the mode (default FLOW_STOCK_ACCUMULATE); for the two
 * in-use modes a lifetime is required (flow_model_set_lifetime). */
int flow_model_set_stock_mode(flow_model *m, int process, flow_stock_mode mode);
int flow_model_set_lifetime(flow_model *m, int process, const flow_lifetime *lt);
/* Stock at the end of the year before the first year (t), for
 * FLOW_STOCK_ACCUMULATE and FLOW_STOCK_STORAGE. */
int flow_model_set_initial_stock(flow_model *m, int process, int material,
                                 double tonnes);
/* The stock path of a FLOW_STOCK_INUSE_DRIVEN process: coef x param. */
int flow_model_set_stock_path(flow_model *m, int process, int material,
                              double coef, int param);

/* A flow from one process to another of one material (or FLOW_ALL).
 * mode FLOW_SHARE: value = coef x param x (what the process sends on);
 * FLOW_FIXED: value = coef x param t/a; FLOW_REST: coef and param unused.
 * param may be FLOW_NONE (then coef alone). Several flows may join the
 * same pair of processes, one per material: a second flow of a material
 * the pair carries already (a FLOW_ALL flow counts for every material) is
 * refused by flow_model_compile() (FLOW_EEXIST), as the results could not
 * tell the two apart. */
int flow_model_add_flow(flow_model *m, int from, int to, int material,
                        flow_mode mode, double coef, int param, int *idx);

/* Look-ups by name: 0 and the index, or FLOW_ENOTFOUND with a message that
 * names the nearest known name ("no process 'sortng' (did you mean
 * 'sorting'?)"). */
int flow_model_find_material(const flow_model *m, const char *name, int *idx);
int flow_model_find_param(const flow_model *m, const char *name, int *idx);
int flow_model_find_process(const flow_model *m, const char *name, int *idx);

int flow_model_n_materials(const flow_model *m);
int flow_model_n_params(const flow_model *m);
int flow_model_n_processes(const flow_model *m);
int flow_model_n_flows(const flow_model *m);

/* Names by index (borrowed), NULL for an index out of range. */
const char *flow_model_material_name(const flow_model *m, int idx);
flow_category flow_model_material_category(const flow_model *m, int idx);
const char *flow_model_material_unit(const flow_model *m, int idx);
const char *flow_model_param_name(const flow_model *m, int idx);
const char *flow_model_process_name(const flow_model *m, int idx);
flow_kind flow_model_process_kind(const flow_model *m, int idx);

/* ---- indicators and targets ---- */

/* Indicators are expressions over the results, built as nodes of a small
 * expression graph owned by the model and evaluated in C after every
 * simulated year. A node is an int handle returned by the flow_expr_*
 * functions; nodes may be shared by several indicators.
 *
 * A selector picks result items; each list is NULL/0 for "any", and an
 * item must match every list that is given. */
typedef struct flow_selector {
    const int *from;               size_t n_from;        /* processes flows leave */
    const int *to;                 size_t n_to;          /* processes flows enter */
    const flow_kind *from_kind;    size_t n_from_kind;
    const flow_kind *to_kind;      size_t n_to_kind;
    const int *materials;          size_t n_materials;
    const flow_category *categories; size_t n_categories; /* of the material */
} flow_selector;
#define FLOW_SELECTOR_INIT { NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0 }

typedef enum flow_op {
    FLOW_OP_ADD = 0, FLOW_OP_SUB, FLOW_OP_MUL, FLOW_OP_DIV,
    FLOW_OP_MIN, FLOW_OP_MAX
} flow_op;

/* Every builder returns 0 and the new node in *node, or FLOW_EINVAL /
 * FLOW_ENOTFOUND (a bad index or node), FLOW_ESTATE (compiled), FLOW_ENOMEM. */
/* The sum of the flow items the selector picks (t/a). */
int flow_expr_flows(flow_model *m, const flow_selector *sel, int *node);
/* The sum of the stock items the selector picks (t at year end): `from`
 * lists the stock processes; to/to_kind must be empty. Backlogs are not
 * stocks for this purpose. */
int flow_expr_stocks(flow_model *m, const flow_selector *sel, int *node);
/* The sum of metric `metric` (a plugin type's, e.g. "electricity_kwh")
 * over the typed processes procs[0..n_procs-1], or over every process that
 * reports it when n_procs is 0. A name that no selected process reports is
 * FLOW_ENOTFOUND when the model compiles. */
int flow_expr_metrics(flow_model *m, const int *procs, size_t n_procs, const char *metric, int *node);
/* A parameter's value (exogenous indicators: counts, shares a scenario sets). */
int flow_expr_param(flow_model *m, int param, int *node);
int flow_expr_const(flow_model *m, double value, int *node);
/* The deepest expression: a node with more levels of operands below it
 * (op, at, change) is refused (FLOW_EINVAL). */
#define FLOW_EXPR_MAX_DEPTH 1000
/* a op b. A division by zero gives NaN: the indicator is undefined that year.
 * Errors: FLOW_ENOTFOUND (no node a or b), FLOW_EINVAL (an invalid op, or
 * nested deeper than FLOW_EXPR_MAX_DEPTH). */
int flow_expr_op(flow_model *m, flow_op op, int a, int b, int *node);
/* The value of a in a fixed year (NaN before that year is simulated). */
int flow_expr_at(flow_model *m, int a, int year, int *node);
/* The change of a relative to a base year: (a_t - a_base) / a_base. */
int flow_expr_change(flow_model *m, int a, int base_year, int *node);

/* An indicator: a named expression with a unit and where it comes from
 * (e.g. "附件1 row 13"; may be NULL). Its values are the result items of
 * kind FLOW_ITEM_INDICATOR. */
int flow_model_add_indicator(flow_model *m, const char *name, const char *unit,
                             int node, const char *source, int *idx);
int flow_model_find_indicator(const flow_model *m, const char *name, int *idx);
int flow_model_n_indicators(const flow_model *m);
const char *flow_model_indicator_name(const flow_model *m, int idx);
const char *flow_model_indicator_unit(const flow_model *m, int idx);
const char *flow_model_indicator_source(const flow_model *m, int idx);
/* An indicator's title, its name for people (the plan's own words, e.g.
 * "工业危险废物填埋处置量下降幅度★"; UTF-8), written to results files in the
 * `title` column of indicators/index. title is copied; NULL or "" removes
 * it. Errors: FLOW_ENOTFOUND (no indicator idx), FLOW_ESTATE (the model is
 * compiled), FLOW_ENOMEM. */
int flow_model_set_indicator_title(flow_model *m, int idx, const char *title);
/* The title (borrowed), "" when it has none; NULL for an index out of
 * range. */
const char *flow_model_indicator_title(const flow_model *m, int idx);

typedef enum flow_cmp {
    FLOW_CMP_GE = 0, /* indicator >= value */
    FLOW_CMP_GT,
    FLOW_CMP_LE,
    FLOW_CMP_LT,
    FLOW_CMP_RISES   /* rises every year up to the target year; value unused */
} flow_cmp;

/* ">=", ">", "<=", "<", "rises"; NULL for an invalid value. */
const char *flow_cmp_name(flow_cmp c);
int flow_cmp_parse(const char *name, flow_cmp *out);

/* A target: indicator cmp value in year (a year of the axis); source as for
 * indicators. */
int flow_model_add_target(flow_model *m, int indicator, int year, flow_cmp cmp,
                          double value, const char *source, int *idx);
int flow_model_n_targets(const flow_model *m);

typedef struct flow_target_info {
    int indicator;
    int year;
    flow_cmp cmp;
    double value;
    const char *source;  /* borrowed; "" when none */
} flow_target_info;
int flow_model_target_info(const flow_model *m, int target, flow_target_info *out);

/* Compiles the model: checks every reference, series value and share over
 * all years, orders the process graph by strongly connected components
 * (Tarjan) in topological order, lays out the result items. The model is
 * read-only afterwards and may be shared by many simulations (also across
 * threads). Errors: FLOW_EVALUE, FLOW_ESHARES, FLOW_EROUTE, FLOW_EINVAL
 * (e.g. a flow into a source, a flow out of a sink, an in-use stock without
 * a lifetime), FLOW_EEXIST (two result items of a kind would get the same
 * name: two flows of one material between the same processes, or names
 * that separators make equal; the message names both definitions),
 * FLOW_ESTATE (compiled already), FLOW_ENOMEM. */
int flow_model_compile(flow_model *m);
int flow_model_is_compiled(const flow_model *m);

/* ------------------------------------------------------------------ */
/* Result items                                                        */
/* ------------------------------------------------------------------ */

/* After compiling, a model has result items of each kind; a simulation
 * holds their values as contiguous arrays [year][item].
 *  FLOW_ITEM_FLOW:  one per flow and material (a FLOW_ALL flow gives one per
 *                   material), named "from->to:material"; plus the
 *                   overflow flows of capacities, "from[overflow]->to:material",
 *                   and the ports of typed processes, one per material,
 *                   "from[port]->to:material".
 *  FLOW_ITEM_STOCK: one per stock or typed process and material, named
 *                   "process:material", then one per capacity backlog and
 *                   material, named "process/backlog:material".
 *  FLOW_ITEM_PARAM: the value of each parameter in each year, overrides
 *                   included; named as the parameter.
 *  FLOW_ITEM_INDICATOR: each indicator; named as the indicator. NaN where
 *                   it is undefined (a division by zero, a base year not
 *                   yet simulated).
 *  FLOW_ITEM_METRIC: each metric of each typed process, named
 *                   "process:metric" (from = process, material = -1).
 * Every name is unique within its kind (flow_model_compile checks it), so
 * a name read back from a results file means one item. */
typedef enum flow_item_kind {
    FLOW_ITEM_FLOW = 0,
    FLOW_ITEM_STOCK,
    FLOW_ITEM_PARAM,
    FLOW_ITEM_INDICATOR,
    FLOW_ITEM_METRIC,
    FLOW_ITEM_KIND_COUNT_
} flow_item_kind;

typedef struct flow_item_info {
    const char *name;   /* "from->to:material", "from[port]->to:material", "process:material", "param" */
    int from, to;       /* FLOW_ITEM_FLOW: processes; otherwise from = process, to = -1 */
    int material;       /* -1 for parameters */
    int flow;           /* FLOW_ITEM_FLOW: the index given by flow_model_add_flow, -1 for overflow */
    flow_mode mode;     /* FLOW_ITEM_FLOW only */
} flow_item_info;

/* The number of items of a kind (0 before compiling). */
int flow_model_n_items(const flow_model *m, flow_item_kind kind);
/* Errors: FLOW_ESTATE (not compiled), FLOW_ENOTFOUND (index out of range). */
int flow_model_item_info(const flow_model *m, flow_item_kind kind, int item,
                         flow_item_info *out);
/* By name ("sorting->landfill:msw", "sorting[overflow]->landfill:msw");
 * FLOW_ENOTFOUND names the nearest. */
int flow_model_find_item(const flow_model *m, flow_item_kind kind,
                         const char *name, int *item);
/* The flow item carrying a material from one process to another: the
 * flow the model defined, or, when there is none, the overflow or the
 * first port of a typed process between them (find those by name to
 * choose; the sum is not formed). FLOW_ENOTFOUND if none. */
int flow_model_find_flow_item(const flow_model *m, int from, int to, int material,
                              int *item);

/* ------------------------------------------------------------------ */
/* Simulations                                                         */
/* ------------------------------------------------------------------ */

typedef struct flow_sim flow_sim;

/* Creates a simulation of a compiled model, positioned before its first
 * year. All memory the year step needs is allocated here: stepping never
 * allocates. The model must outlive the simulation.
 * Errors: FLOW_ESTATE (model not compiled), FLOW_ENOMEM. */
int flow_sim_new(flow_sim **out, const flow_model *m);
void flow_sim_free(flow_sim *s);
const flow_model *flow_sim_model(const flow_sim *s);

/* Overrides a parameter's value in one year (a lever). Allowed for years
 * not yet simulated; a derived parameter cannot be overridden.
 * Errors: FLOW_ENOTFOUND, FLOW_ERANGE (year outside the axis or already
 * simulated), FLOW_EVALUE (not finite, outside the bounds), FLOW_EINVAL. */
int flow_sim_set_param(flow_sim *s, int param, int year, double value);
/* The same for every year from `year` to the last. */
int flow_sim_set_param_from(flow_sim *s, int param, int year, double value);

/* Simulates the next year. Errors: FLOW_ESTATE (all years simulated), and
 * whatever the year raises: FLOW_EVALUE, FLOW_ESHARES, FLOW_EROUTE,
 * FLOW_ESINGULAR, FLOW_ECONVERGE, FLOW_EBALANCE. After an error the
 * simulation stays at the failed year; its results are not to be trusted
 * until flow_sim_reset(). */
int flow_sim_step(flow_sim *s);
/* Steps until the last year. */
int flow_sim_run(flow_sim *s);
/* Back to before the first year; overrides are kept. */
int flow_sim_reset(flow_sim *s);
/* The next year to simulate (last_year + 1 when finished). */
int flow_sim_year(const flow_sim *s);

/* The relative tolerance of the mass-balance check (default 1e-9). */
int flow_sim_set_balance_tolerance(flow_sim *s, double rel_tol);

/* One value: item of a kind in a simulated year.
 * Errors: FLOW_ERANGE (year not simulated), FLOW_ENOTFOUND. */
int flow_sim_get(const flow_sim *s, flow_item_kind kind, int item, int year,
                 double *out);
/* The row of all items of a kind in a simulated year (n_items values,
 * borrowed), or NULL if the year has not been simulated. */
const double *flow_sim_row(const flow_sim *s, flow_item_kind kind, int year);
/* The whole array of a kind, [year][item], n_years x n_items, borrowed;
 * rows of years not yet simulated hold zeros. */
const double *flow_sim_data(const flow_sim *s, flow_item_kind kind);

/* Statistics of the last step, for diagnostics and benchmarks. */
typedef struct flow_sim_stats {
    int dense_solves;     /* cycle systems solved by dense LU */
    int sparse_solves;    /* cycle systems solved by GMRES */
    int capacity_iters;   /* extra solves because a capacity bound in a cycle */
    double max_balance_error; /* largest relative balance residual seen */
    long type_transfers;  /* transfer() calls of plugin types since the simulation was created
                             or reset: a type's transfer is asked again only when its
                             parameters change, or when it has state or reads the year or
                             its stock (flow_plugin.h) */
} flow_sim_stats;
void flow_sim_get_stats(const flow_sim *s, flow_sim_stats *out);

/* The verdict on a target: *achieved is the indicator's value in the
 * target's year (for FLOW_CMP_RISES: its smallest year-on-year rise up to
 * that year), *met is 1 when the target is met, 0 when not, -1 when it
 * cannot be judged (the year is not simulated, or the value is NaN).
 * Errors: FLOW_ENOTFOUND. */
int flow_sim_target(const flow_sim *s, int target, double *achieved, int *met);

/* ------------------------------------------------------------------ */
/* Results files (HDF5; the format: docs/results-format.md)            */
/* ------------------------------------------------------------------ */

/* One results file: several scenarios of one run, each with its years,
 * tables of materials, processes and items, the values of flows, stocks,
 * parameters, metrics and indicators as float64[year][item], the targets
 * with their verdicts, and its provenance. A file is written atomically:
 * into a temporary file next to the target, renamed into place by
 * flow_results_commit() only when complete. h5py, pandas, R and HDFView
 * read it without libflow. */
typedef struct flow_results flow_results;

/* The format this libflow writes, and the newest it reads. */
#define FLOW_RESULTS_FORMAT_VERSION 2

/* Where a scenario came from; every field may be NULL / 0. Files given are
 * read for their SHA-256 (a file that cannot be read is FLOW_EIO). */
typedef struct flow_provenance {
    const char *model_file;     /* the model's Lua file */
    const char *scenario_file;  /* the scenario's file (NULL when the model ran as it is) */
    const char *description;    /* one line */
    unsigned long long seed;    /* of a random run */
    int has_seed;
} flow_provenance;

/* Starts a results file at path: creates the temporary file next to it
 * (same folder, ".NAME.tmp-XXXXXX"); nothing is at path until commit.
 * Errors: FLOW_EIO (the folder cannot be written: the message names it
 * and the system's reason), FLOW_ENOMEM. */
int flow_results_create(flow_results **out, const char *path);
/* Deflate level of the value datasets written next, 0 (none) to 9;
 * default 4 (with the shuffle filter). */
int flow_results_set_compression(flow_results *r, int level);
/* A Fletcher-32 checksum on every chunk of the value datasets written
 * next (on by default), so that a corrupted chunk is an error when read,
 * never a wrong number. Off (0) only for the fastest writing of a very
 * large ensemble (docs/performance.md: it costs about 1 s per GB). */
int flow_results_set_checksums(flow_results *r, int on);
/* Writes the scenario called name from a simulation that has run all its
 * years, straight from the simulation's arrays (nothing is copied whole).
 * Errors: FLOW_EINVAL (a bad name: empty, or with '/'; not a writer),
 * FLOW_EEXIST (a scenario of that name is in the file), FLOW_ESTATE (the
 * simulation has not run all its years), FLOW_EIO. After an error the file
 * can only be aborted. */
int flow_results_write(flow_results *r, const char *name, const flow_sim *s, const flow_provenance *prov);
/* Samples of a random run, streamed one at a time: dataset
 * /scenarios/<name>/samples/<what>, float64[n_samples][n_years][n_items],
 * chunked one sample per chunk row. flow_results_samples_begin creates it
 * (and the scenario's group if it is not there; what is a name without
 * '/'), and closes the samples dataset begun before, if any. Errors:
 * FLOW_EINVAL (not a writer, a bad name, n_samples or n_years < 1,
 * n_items < 0), FLOW_EIO (a scenario's samples of that name exist, or
 * HDF5 failed); after an error the file can only be abandoned. */
int flow_results_samples_begin(flow_results *r, const char *name, const char *what, int n_samples,
                               int n_years, int n_items);
/* Stores sample i, 0 <= i < n_samples, of the dataset begun last: values
 * [n_years][n_items] (read, not kept). Errors: FLOW_EINVAL (no dataset
 * begun, i out of range), FLOW_EIO. */
int flow_results_samples_write(flow_results *r, int sample, const double *values);
/* Finishes the file and renames it into place (replacing a file there).
 * Frees r whatever the outcome; on error (FLOW_EIO: a full disk, no
 * permission) the temporary file is removed and what was at path before
 * is untouched. */
int flow_results_commit(flow_results *r);

/* Opens a results file for reading. Errors, each one line naming the
 * file: FLOW_EIO (missing, unreadable, not an HDF5 file, truncated or
 * corrupt: every object is checked before it is read, and a link to
 * another file, an object of the wrong type, rank or size is "corrupt
 * results file"; docs/results-format.md), FLOW_EINVAL (an HDF5 file but
 * not libflow results, format version 1, or a newer format version). */
int flow_results_open(flow_results **out, const char *path);
/* Closes a file opened for reading, or abandons one being written (its
 * temporary file is removed; nothing appears at its path). NULL is a
 * no-op. */
void flow_results_close(flow_results *r);

int flow_results_n_scenarios(const flow_results *r);
/* The name of scenario i (borrowed), NULL when out of range. */
const char *flow_results_scenario(const flow_results *r, int i);
/* FLOW_ENOTFOUND names the scenarios the file holds and the nearest. */
int flow_results_find_scenario(const flow_results *r, const char *name, int *scenario);
int flow_results_years(flow_results *r, int scenario, int *first, int *last);
/* Items of a kind in a scenario (0 when it has none), their names
 * (borrowed, as flow_model_item_info names them) and units. */
int flow_results_n_items(flow_results *r, int scenario, flow_item_kind kind);
const char *flow_results_item_name(flow_results *r, int scenario, flow_item_kind kind, int item);
const char *flow_results_item_unit(flow_results *r, int scenario, flow_item_kind kind, int item);
int flow_results_find_item(flow_results *r, int scenario, flow_item_kind kind, const char *name, int *item);
/* The title of indicator item (borrowed; its name for people, as
 * flow_model_set_indicator_title gave it): "" when it has none, also in
 * a file written before indicators had titles; NULL when scenario or item
 * is out of range or the table cannot be read (then flow_error_last()
 * says why). */
const char *flow_results_indicator_title(flow_results *r, int scenario, int item);
/* One value; or the whole series of an item, n_years values into out. */
int flow_results_get(flow_results *r, int scenario, flow_item_kind kind, int item, int year, double *out);
int flow_results_series(flow_results *r, int scenario, flow_item_kind kind, int item, double *out);

/* A target as the file holds it: the indicator's name, year, comparator,
 * value, the achieved value and the verdict (1 met, 0 missed, -1 not
 * judged), the source. Strings borrowed from r. */
typedef struct flow_results_target_info {
    const char *indicator;
    int year;
    flow_cmp cmp;
    double value, achieved;
    int met;
    const char *source;
} flow_results_target_info;
/* The samples a writer stored with flow_results_samples_begin/write, read
 * one sample at a time (a large ensemble is never loaded whole). _size
 * gives the dataset's shape; _read copies sample i, 0 <= i < n_samples,
 * into out ([n_years][n_items] values, the caller's). A sample never
 * written reads as 0. Errors: FLOW_ENOTFOUND (no such scenario, no
 * samples of that name: the message names both; i out of range),
 * FLOW_EINVAL (a name with '/'; a writer), FLOW_EIO (the dataset is not
 * float64[samples][years][items] with the scenario's years, or cannot be
 * read: truncated or corrupt). */
int flow_results_samples_size(flow_results *r, int scenario, const char *what, int *n_samples,
                              int *n_years, int *n_items);
int flow_results_samples_read(flow_results *r, int scenario, const char *what, int sample,
                              double *out);

int flow_results_n_targets(flow_results *r, int scenario);
int flow_results_target(flow_results *r, int scenario, int target, flow_results_target_info *out);
/* A string attribute of the file (scenario -1: "format", "libflow_version",
 * "created") or of a scenario ("model_file", "model_sha256",
 * "scenario_file", "scenario_sha256", "plugin_versions", "created",
 * "description"); NULL when absent or not a string, and also when it
 * cannot be read (not one fixed-length string of at most 64 KiB: then
 * flow_error_last_code() is FLOW_EIO, else 0). Borrowed until the next
 * call. */
const char *flow_results_attr(flow_results *r, int scenario, const char *name);

/* ------------------------------------------------------------------ */
/* Ensembles: Monte Carlo over uncertain parameters                    */
/* ------------------------------------------------------------------ */

/* A probability distribution. The meaning of a..d by kind:
 *   FLOW_DIST_NORMAL      a = mean, b = sd (>= 0; 0: always the mean)
 *   FLOW_DIST_LOGNORMAL   a = mean (> 0), b = sd (>= 0) of the value itself
 *   FLOW_DIST_UNIFORM     a = min, b = max (min <= max)
 *   FLOW_DIST_TRIANGULAR  a = min, b = mode, c = max
 *   FLOW_DIST_BETA        a = alpha (> 0), b = beta (> 0), scaled to [c, d]
 *                         (give c = 0, d = 1 for the standard beta)
 *   FLOW_DIST_PERT        a = min, b = mode, c = max, d = lambda (>= 0; 0 means 4):
 *                         a beta on [min, max] with alpha = 1 + lambda (mode - min) /
 *                         (max - min), beta = 1 + lambda (max - mode) / (max - min)
 *   FLOW_DIST_DISCRETE    n values, probs[n] (>= 0, adding to 1), or probs NULL:
 *                         equally likely
 * values and probs are borrowed by flow_dist_check/_quantile and copied by
 * flow_ensemble_add. */
typedef enum flow_dist_kind {
    FLOW_DIST_NORMAL = 0,
    FLOW_DIST_LOGNORMAL,
    FLOW_DIST_UNIFORM,
    FLOW_DIST_TRIANGULAR,
    FLOW_DIST_BETA,
    FLOW_DIST_PERT,
    FLOW_DIST_DISCRETE
} flow_dist_kind;

typedef struct flow_dist {
    flow_dist_kind kind;
    double a, b, c, d;
    size_t n;
    const double *values, *probs;
} flow_dist;

/* "normal", "lognormal", "uniform", "triangular", "beta", "pert",
 * "discrete"; NULL for an invalid kind. */
const char *flow_dist_name(flow_dist_kind k);
/* FLOW_ENOTFOUND (listing the known names) when name is none of them. */
int flow_dist_parse(const char *name, flow_dist_kind *out);
/* Checks a distribution's parameters. who names it in the message
 * ("uncertainty of 'growth': sd = -1 < 0"). Returns 0 or FLOW_EINVAL. */
int flow_dist_check(const flow_dist *d, const char *who);
/* The u-quantile (inverse CDF, GSL's gsl_cdf_*_Pinv) of a checked
 * distribution, 0 < u < 1. */
double flow_dist_quantile(const flow_dist *d, double u);

/* The counter-based streams: flow_stream_uniform is a pure function of
 * its arguments, uniform in (0, 1) (never 0 or 1; 53 bits), so draw
 * `draw` of sample `sample` of the stream `key` is the same on every
 * thread, process and machine. flow_stream_key hashes a name (a
 * parameter's or a driver's) into a key. */
unsigned long long flow_stream_key(const char *name);
double flow_stream_uniform(unsigned long long seed, unsigned long long sample, unsigned long long key,
                           unsigned draw);

/* How a draw X changes a parameter's series v(y) (the values the model
 * gives it, after interpolation):
 *   FLOW_APPLY_SET    v'(y) = X in every year
 *   FLOW_APPLY_SCALE  v'(y) = v(y) X  (a relative uncertainty: X around 1)
 *   FLOW_APPLY_ADD    v'(y) = v(y) + X
 *   FLOW_APPLY_SHIFT  v'(y) = v(y - k), k = X rounded to a whole number of
 *                     years (a facility's commissioning year drawn from a
 *                     discrete distribution of delays; the first year's
 *                     value holds before it, the last year's after it)
 * The value is then clamped into the parameter's bounds, if it has any (a
 * share stays in [0, 1]). */
typedef enum flow_apply {
    FLOW_APPLY_SET = 0,
    FLOW_APPLY_SCALE,
    FLOW_APPLY_ADD,
    FLOW_APPLY_SHIFT
} flow_apply;

/* One uncertain parameter. key names its stream: NULL for the parameter's
 * own name (so that two scenarios, or two models, see the same draws of a
 * parameter of the same name: common random numbers). driver, if not
 * NULL, names a shared driver: the draw's normal score is
 * rho z_driver + sqrt(1 - rho^2) z_own (a Gaussian copula; rho = 1: the
 * driver's uniform itself, so all parameters of one driver move
 * together in rank), -1 <= rho <= 1. */
typedef struct flow_uncertain {
    const char *param;
    flow_dist dist;
    flow_apply apply;
    const char *key;
    const char *driver;
    double rho;
} flow_uncertain;

typedef struct flow_ensemble flow_ensemble;

/* An ensemble over a compiled model (borrowed: it must outlive the
 * ensemble; it is shared read-only by the workers). Errors: FLOW_ESTATE
 * (not compiled), FLOW_ENOMEM. */
int flow_ensemble_new(flow_ensemble **out, const flow_model *m);
void flow_ensemble_free(flow_ensemble *e);

/* Declares an uncertain parameter (strings and arrays are copied).
 * Errors: FLOW_ENOTFOUND (no such parameter, naming the nearest),
 * FLOW_EINVAL (a derived parameter; a bad distribution, naming the
 * parameter; rho outside [-1, 1]), FLOW_EEXIST (declared twice),
 * FLOW_ESTATE (the ensemble has run), FLOW_ENOMEM. */
int flow_ensemble_add(flow_ensemble *e, const flow_uncertain *u);

/* Which result items a run keeps, per sample: a bit mask of
 * FLOW_KEEP(kind). Indicators are always kept. */
#define FLOW_KEEP(kind) (1u << (kind))

typedef struct flow_ensemble_opts {
    int version;                 /* FLOW_ENSEMBLE_OPTS_VERSION */
    long n_samples;              /* >= 1 */
    unsigned long long seed;
    int threads;                 /* >= 1 and <= n_samples */
    int lhs;                     /* 1: Latin hypercube, one stratum per sample and stream */
    unsigned keep;               /* FLOW_KEEP(FLOW_ITEM_FLOW) | FLOW_KEEP(FLOW_ITEM_STOCK) ... */
    /* called now and then on the calling thread while the workers run;
     * NULL: none */
    void (*progress)(long done, long total, void *ud);
    void *ud;
} flow_ensemble_opts;
#define FLOW_ENSEMBLE_OPTS_VERSION 1
#define FLOW_ENSEMBLE_OPTS_INIT { FLOW_ENSEMBLE_OPTS_VERSION, 1000, 0, 1, 0, 0, NULL, NULL }

/* Runs the ensemble: sample i draws every uncertain parameter from its
 * stream (seed, i, key), changes the series, simulates all years, keeps
 * the items asked for and judges every target. Workers are threads, each
 * with its own simulation; the results do not depend on their number.
 * Every allocation (through the model's allocator) is made on the calling
 * thread, so the allocator need not be thread-safe; the process types of
 * the model must allow concurrent simulations (C plugins do; types
 * written in Lua do not: flow.mc refuses them).
 * In a libflow built with --enable-mpi whose caller has initialized MPI
 * with more than one rank, the call is collective over MPI_COMM_WORLD:
 * every rank must make it with the same model and options; each runs
 * its share of the samples, and every rank returns holding all of them
 * (the same numbers as one process) or the same error. libflow never
 * calls MPI_Init (docs/architecture.md, "MPI").
 * Errors: FLOW_EINVAL (n_samples < 1, threads < 1 or > n_samples, a bad
 * version, more MPI ranks than samples), FLOW_ESTATE (run already), FLOW_ENOMEM, and the error of the
 * lowest sample that failed, prefixed "sample i: " (e.g. FLOW_ESHARES when
 * drawn shares of a split add to more than 1). */
int flow_ensemble_run(flow_ensemble *e, const flow_ensemble_opts *o);

/* After a run: the number of samples; the values kept of a kind,
 * [sample][year][item] (n_samples x n_years x n_items, borrowed), NULL
 * when not kept. */
long flow_ensemble_n_samples(const flow_ensemble *e);
const double *flow_ensemble_values(const flow_ensemble *e, flow_item_kind kind);
/* The value drawn for uncertain parameter k (in the order of adding) in
 * sample i (the X of flow_apply). FLOW_ENOTFOUND when out of range. */
int flow_ensemble_draw(const flow_ensemble *e, long sample, int k, double *out);

/* The summary of a kept item in a year over the samples that are not NaN:
 * out[0..6] = mean, sd (n - 1), p5, p25, p50, p75, p95 (quantiles by
 * linear interpolation of the sorted values, GSL's rule); all NaN when
 * every sample is NaN. Errors: FLOW_ENOTFOUND, FLOW_ESTATE (not run or
 * not kept), FLOW_ENOMEM. */
#define FLOW_SUMMARY_N 7
int flow_ensemble_summary(const flow_ensemble *e, flow_item_kind kind, int item, int year, double out[7]);

/* The probability that target t is met: *n_met of *n_judged samples (a
 * sample where the target cannot be judged, e.g. NaN, is not counted),
 * p = n_met / n_judged and its 95 % Wilson score interval [lo, hi].
 * p, lo, hi are NaN when no sample is judged. Errors: FLOW_ENOTFOUND,
 * FLOW_ESTATE (not run). */
typedef struct flow_pmet {
    long n_met, n_judged;
    double p, lo, hi;
} flow_pmet;
int flow_ensemble_p_met(const flow_ensemble *e, int target, flow_pmet *out);

/* Writes the ensemble beside scenario `name` of a results file (the
 * scenario itself is written by flow_results_write): the kept values as
 * samples/<flows|stocks|indicators>, ensemble/summary float64[7][T][I]
 * of the indicators (mean, sd, p5, p25, p50, p75, p95), ensemble/targets
 * (indicator, year, n_met, n_judged, p_met, p_lo, p_hi) and the attributes
 * n_samples, seed, lhs. Errors: those of flow_results_samples_begin,
 * FLOW_ESTATE (not run), FLOW_EIO. */
int flow_results_write_ensemble(flow_results *r, const char *name, const flow_ensemble *e);

/* One row of a sensitivity analysis: the first-order Sobol' index of a
 * factor (an uncertain parameter, or "driver NAME" for a driver's group)
 * for the margin of the target on indicator in year, and its standard
 * error. Strings are borrowed by the call that takes them. */
typedef struct flow_sensitivity_row {
    const char *indicator;
    int year;
    const char *factor;
    double s1, se;
} flow_sensitivity_row;
/* Writes rows as ensemble/sensitivity of scenario name (a compound
 * dataset: indicator, year, factor, s1, se; fixed-length UTF-8 strings of
 * up to 255 bytes) with the attribute n_samples (per ensemble). The
 * scenario is written first (flow_results_write). Errors: FLOW_EINVAL
 * (not a writer that can go on, n < 0, a string of 256 bytes or more),
 * FLOW_EIO. */
int flow_results_write_sensitivity(flow_results *r, const char *name, const flow_sensitivity_row *rows, int n,
                                   long n_samples);

/* The ensemble beside scenario `scenario` of a results file opened for
 * reading (its group ensemble/): the number of samples, the seed, 1 for
 * a Latin hypercube, and the number of targets judged; each target's
 * record by index (indicator and comparator copied into the caller's
 * struct). Errors: FLOW_ENOTFOUND (no such scenario, or it has no
 * ensemble; a target index out of range), FLOW_EINVAL (a writer),
 * FLOW_EIO (unreadable, or not the layout of docs/results-format.md). */
typedef struct flow_results_pmet {
    char indicator[256];
    int year;
    char cmp[8];
    flow_pmet pm;
} flow_results_pmet;
int flow_results_ensemble_info(flow_results *r, int scenario, long *n_samples, unsigned long long *seed, int *lhs,
                               int *n_targets);
int flow_results_ensemble_target(flow_results *r, int scenario, int target, flow_results_pmet *out);

/* The summary of indicator `item` (as flow_results_item_name numbers the
 * indicators) over the ensemble beside scenario `scenario` of a results
 * file opened for reading: out (7 x T doubles, T the scenario's years,
 * first to last, flow_results_years) receives out[k * T + (year - first)]
 * with k = 0..6: mean, sd, p5, p25, p50, p75, p95 (FLOW_SUMMARY_N
 * values; ensemble/summary of docs/results-format.md). Errors:
 * FLOW_ENOTFOUND (no such scenario or indicator, no ensemble),
 * FLOW_EINVAL (a writer), FLOW_ENOMEM, FLOW_EIO (unreadable, or not
 * float64[7][years][indicators]). */
int flow_results_ensemble_summary(flow_results *r, int scenario, int item, double *out);

/* The sensitivity analysis beside scenario `scenario` of a results file
 * opened for reading (ensemble/sensitivity, as
 * flow_results_write_sensitivity wrote it: flowsim sensitivity -o).
 * _info gives the number of rows and the samples per ensemble; _row
 * copies row k, 0 <= k < n_rows, in the file's order (each target's
 * factors by falling index as flowsim writes them; the caller ranks), its
 * strings into the caller's struct. Errors: FLOW_ENOTFOUND (no such
 * scenario, or it has no sensitivity analysis; a row out of range),
 * FLOW_EINVAL (a writer), FLOW_ENOMEM, FLOW_EIO (unreadable, or not the
 * layout of docs/results-format.md). */
typedef struct flow_results_sens {
    char indicator[256];
    int year;
    char factor[256];
    double s1, se;
} flow_results_sens;
int flow_results_sensitivity_info(flow_results *r, int scenario, int *n_rows, long *n_samples);
int flow_results_sensitivity_row(flow_results *r, int scenario, int row, flow_results_sens *out);

#ifdef __cplusplus
}
#endif

#endif /* FLOW_H */
