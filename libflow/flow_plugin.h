/*
 * flow_plugin.h — the API for authors of process types (plugins).
 *
 * A process type (an incinerator, a landfill, a sorting centre) is a const
 * descriptor, flow_process_type: its name, declared parameters, named
 * output ports and metrics, and the callbacks that give the year's linear
 * transfer out = T·in. A plugin module exports one symbol,
 * flow_plugin_entry(), that returns its descriptor; FLOW_PLUGIN_DEFINE()
 * writes it. The same macro, compiled without FLOW_PLUGIN_MODULE, gives a
 * function flow_plugin_<id>() instead, so that a program or a test can link
 * the type in and register it with flow_plugin_register().
 *
 *     static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
 *     { ...fill rows of T through flow_transfer_row()... }
 *     static const flow_param_decl params[] = {
 *         { "efficiency", "1", 0.9, 0, 1, "share of the input burnt" },
 *     };
 *     static const char *const ports[] = { "bottom_ash", "fly_ash", "air" };
 *     FLOW_PLUGIN_DEFINE(incinerator, "incinerator",
 *         .description = "grate incinerator", .version = "1.0",
 *         .params = params, .n_params = 1, .ports = ports, .n_ports = 3,
 *         .transfer = transfer, .transfer_by_rows = 1);
 *
 * ABI rules (docs/plugins.md): the descriptor starts with the ABI version
 * and its own size, stamped by the macro. libflow refuses another major
 * version; a minor version only appends fields, and libflow copies the
 * prefix it knows into a zeroed descriptor of its own, so a module built
 * for 1.0 loads into any 1.x and a 1.x module into 1.0 (its new fields
 * unread) unless it calls a function added later (flow_transfer_row() is
 * 1.2's: an older libflow refuses the module, its symbol undefined).
 * Every implementation file of a plugin is static throughout
 * except the one symbol the macro defines.
 */
#ifndef FLOW_PLUGIN_H
#define FLOW_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A module built against another major version is refused; minor versions
 * only append fields to the descriptor. */
#define FLOW_PLUGIN_ABI_MAJOR 1
#define FLOW_PLUGIN_ABI_MINOR 2

/* The largest state_size a type may declare (1 GiB): a larger one is
 * refused when the type is registered or loaded. */
#define FLOW_STATE_MAX ((size_t)1 << 30)

/* ------------------------------------------------------------------ */
/* What a type declares                                                */
/* ------------------------------------------------------------------ */

/* A parameter of a type: name (required, unique within the type), unit
 * (may be NULL), default and bounds; lo <= def <= hi, all not NaN (lo and
 * hi may be infinite). The core checks every value a model gives against
 * the bounds and names the parameter when it does not fit. */
typedef struct flow_param_decl {
    const char *name;
    const char *unit;
    double def, lo, hi;
    const char *doc;
} flow_param_decl;

/* ------------------------------------------------------------------ */
/* What a type sees: the context of one process in one year            */
/* ------------------------------------------------------------------ */

/* Opaque; filled by the core for each call of a callback and valid only
 * during that call. Strings returned are borrowed from the model. */
typedef struct flow_type_ctx flow_type_ctx;

/* The calendar year being simulated. */
int flow_type_ctx_year(const flow_type_ctx *ctx);
/* The name of the process (the instance of the type) in the model. */
const char *flow_type_ctx_process(const flow_type_ctx *ctx);
/* The materials of the model, M of them, indexed 0..M-1 as in T. */
int flow_type_ctx_n_materials(const flow_type_ctx *ctx);
/* Name and category of material m; m must lie in [0, M): otherwise NULL
 * and FLOW_CAT_COUNT_, and the callback fails (the core reports the wrong
 * call, naming the process and its type, whatever the callback returns).
 * The same holds for every accessor's index argument below. */
const char *flow_type_ctx_material_name(const flow_type_ctx *ctx, int m);
flow_category flow_type_ctx_material_category(const flow_type_ctx *ctx, int m);
/* The index of the material called name, or -1 (no error is set). */
int flow_type_ctx_find_material(const flow_type_ctx *ctx, const char *name);
/* The value this year of declared parameter i (the index in the type's
 * params[]): the model's value, else the declared default. i must lie in
 * [0, n_params) (otherwise NaN, and the callback fails). */
double flow_type_ctx_param(const flow_type_ctx *ctx, int i);
/* The values this year of all declared parameters, in the order of the
 * type's params[] (ABI 1.1): one call instead of one per parameter.
 * Borrowed; valid during the callback. */
const double *flow_type_ctx_params(const flow_type_ctx *ctx);
/* The years the model spans, first and last (ABI 1.1): for a type that
 * sizes its state by them in init() (cohorts of an in-use stock). */
void flow_type_ctx_years(const flow_type_ctx *ctx, int *first, int *last);
/* The process's stock of material m at the end of the year before (ABI
 * 1.1): what it kept of earlier inputs, less what it released. 0 in
 * init() and in the first year unless the model sets an initial stock. */
double flow_type_ctx_stock(const flow_type_ctx *ctx, int m);
/* The same for every material at once (ABI 1.2): stocks[m] is
 * flow_type_ctx_stock(ctx, m), for m in [0, M); NULL in init(). Borrowed;
 * valid during the callback. */
const double *flow_type_ctx_stocks(const flow_type_ctx *ctx);
/* The type's own pointer, flow_process_type.type_data (ABI 1.1; NULL for
 * a module built for 1.0). */
void *flow_type_ctx_type_data(const flow_type_ctx *ctx);
/* The index of the i-th material of the type's materials[] in the model
 * (ABI 1.1): the core checks when it compiles a model that the model
 * defines every one, so this is never -1 for i in [0, n_materials). */
int flow_type_ctx_type_material(const flow_type_ctx *ctx, int i);

/* ------------------------------------------------------------------ */
/* The descriptor                                                      */
/* ------------------------------------------------------------------ */

/* The transfer of one year, n_ports x M x M coefficients and (ABI 1.1)
 * n_ports x M releases from the process's stock:
 *
 *     out[port][m_out] = sum over m_in of coef[(port * M + m_out) * M + m_in] * in[m_in]
 *                        + release[port * M + m_out]
 *
 * Column m_in says where a tonne of input material m_in goes; what a column
 * does not send to any port stays in the process (its stock), so a column
 * adds up to at most 1 — a loss (to air, say) is a port named for it.
 * Materials may change (waste in, ash out). release draws on the stock
 * kept from earlier years (a storage yard drawn down, the end-of-life
 * outflow of older cohorts of an in-use stock): the core takes it from the
 * stock of material m_out and refuses a release larger than the stock.
 * The core owns both arrays and hands them to transfer() zeroed.
 *
 * A type that declares transfer_by_rows (ABI 1.2) writes coef only through
 * flow_transfer_row(), and the core then reads only the rows it asked for
 * instead of all n_ports x M x M values. release may be written directly
 * either way. */
typedef struct flow_transfer {
    int n_ports, n_materials;
    double *coef;
    double *release;    /* ABI 1.1 */
} flow_transfer;

/* The row of T->coef for output material m_out on port (ABI 1.2): M
 * doubles indexed by the input material m_in, zero on entry, to fill,
 *
 *     flow_transfer_row(T, port, m_out)[m_in] = tonnes of m_out per tonne of m_in,
 *
 * and notes that the row is written. Asking for a row twice in one call
 * returns the same row. T must be the transfer the core passed to
 * transfer(), during that call (not a copy). port must lie in [0,
 * n_ports) and m_out in [0, M): otherwise NULL, and the callback fails
 * (the core reports the wrong call, naming the process and its type,
 * whatever the callback returns), as for the accessors of flow_type_ctx.
 * A module that calls it needs libflow 1.2 or later: a libflow 1.1 refuses
 * to load it (the symbol is undefined). */
double *flow_transfer_row(flow_transfer *T, int port, int m_out);

/* A process type. Write it with FLOW_PLUGIN_DEFINE(), which stamps the
 * first three fields; never set them by hand. New fields are only ever
 * appended (with a minor version).
 *
 * Required: name (letters, digits, '_' and '-'; the module file is named
 * after it), transfer, at least one port. Optional callbacks may be NULL.
 * Every string and array the descriptor points to must live as long as
 * the module is loaded (static storage). Callbacks return 0, or a negative
 * FLOW_E code (the core reports it as a plugin error naming the process,
 * the type and the year). */
typedef struct flow_process_type {
    uint32_t abi_major, abi_minor;      /* FLOW_PLUGIN_ABI_* of the module's build */
    size_t struct_size;                 /* sizeof(flow_process_type) of the module's build */

    const char *name;                   /* "incinerator" */
    const char *description;            /* one line, may be NULL */
    const char *version;                /* the type's own version, may be NULL */

    const flow_param_decl *params;      /* n_params declarations */
    size_t n_params;
    const char *const *ports;           /* named output ports, n_ports >= 1 */
    size_t n_ports;
    const char *const *metrics;         /* named metrics, e.g. "electricity_kwh" */
    size_t n_metrics;

    size_t state_size;                  /* per-process state, zeroed by the core; may be 0;
                                           at most FLOW_STATE_MAX */

    /* Once per process before the first year (optional). */
    int (*init)(const flow_type_ctx *ctx, void *state);
    /* Every year: fill T (it arrives zeroed) for this year (required). */
    int (*transfer)(const flow_type_ctx *ctx, void *state, flow_transfer *T);
    /* After the year is solved: its input in[M], output out[n_ports * M]
     * (port-major) and metrics[n_metrics] to fill; stateful types (decay,
     * fill level) update state here (optional). */
    int (*step)(const flow_type_ctx *ctx, void *state, const double *in,
                const double *out, double *metrics);
    /* Once per process when the simulation is freed (optional). */
    void (*fini)(void *state);

    /* ---- ABI 1.1 ---- */
    /* Materials the type makes (bottom ash, biogas, refined salt): every
     * model with a process of the type must define each, or the model
     * does not compile (the message names the process, the type and the
     * material). flow_type_ctx_type_material(ctx, i) gives the model's
     * index of materials[i]. May be NULL / 0. */
    const char *const *materials;
    size_t n_materials;
    /* The type's own pointer, handed back by flow_type_ctx_type_data()
     * (a type written in Lua keeps its functions there). May be NULL. */
    void *type_data;

    /* ---- ABI 1.2 ---- */
    /* 1: transfer() writes T->coef only through flow_transfer_row() (its
     * releases it may still write into T->release directly), so the core
     * reads only the rows asked for. The core verifies it at the first
     * transfer() of each process in a simulation's life (a row that holds
     * a value without having been asked for fails that year, naming the
     * row), and trusts it afterwards. 0 (a module built for 1.0 or 1.1):
     * the core reads all of T->coef after every call. */
    int transfer_by_rows;
    /* 1: transfer() never reads the type's state (a landfill's state is
     * the volume it has filled, which only its step() and metrics use), so
     * that a transfer that reads neither the year nor the stock depends on
     * the parameters alone: the core keeps it from one year to the next,
     * and across flow_sim_reset(), while the parameters' values stay the
     * same, as it does for a type without state. The core cannot check
     * it. 0: a type with state is asked every year. */
    int transfer_stateless;
} flow_process_type;

/* ------------------------------------------------------------------ */
/* Defining a type: FLOW_PLUGIN_DEFINE                                 */
/* ------------------------------------------------------------------ */

#if defined(__GNUC__) && __GNUC__ >= 4
#define FLOW_PLUGIN_EXPORT_ __attribute__((visibility("default")))
#else
#define FLOW_PLUGIN_EXPORT_
#endif

#ifdef __cplusplus
#define FLOW_PLUGIN_ASSERT_ static_assert
#else
#define FLOW_PLUGIN_ASSERT_ _Static_assert
#endif

/* FLOW_PLUGIN_DEFINE(id, name, designated initialisers...);
 *
 * Defines the static descriptor flow_plugin_desc_<id> with the ABI version
 * and struct size stamped, and then:
 *   - with FLOW_PLUGIN_MODULE defined (the build of a plugin module passes
 *     -DFLOW_PLUGIN_MODULE): the module's one exported symbol,
 *     const flow_process_type *flow_plugin_entry(void);
 *   - without it: const flow_process_type *flow_plugin_<id>(void), to pass
 *     to flow_plugin_register() (built-in types, tests).
 * id is a C identifier, name a string literal; the initialisers name the
 * other fields (.transfer = ..., at least one). Follow it with ';'. */
#ifdef FLOW_PLUGIN_MODULE
#define FLOW_PLUGIN_FUNC_(id) flow_plugin_entry
#else
#define FLOW_PLUGIN_FUNC_(id) flow_plugin_##id
#endif

#define FLOW_PLUGIN_DEFINE(id, tname, ...)                                      \
    static const flow_process_type flow_plugin_desc_##id = {                    \
        .abi_major = FLOW_PLUGIN_ABI_MAJOR,                                     \
        .abi_minor = FLOW_PLUGIN_ABI_MINOR,                                     \
        .struct_size = sizeof(flow_process_type),                               \
        .name = tname,                                                          \
        __VA_ARGS__                                                             \
    };                                                                          \
    FLOW_PLUGIN_EXPORT_ const flow_process_type *FLOW_PLUGIN_FUNC_(id)(void);   \
    FLOW_PLUGIN_EXPORT_ const flow_process_type *FLOW_PLUGIN_FUNC_(id)(void)    \
    {                                                                           \
        return &flow_plugin_desc_##id;                                          \
    }                                                                           \
    FLOW_PLUGIN_ASSERT_(sizeof(tname) > 1, "FLOW_PLUGIN_DEFINE: empty type name")

/* ------------------------------------------------------------------ */
/* The registry and the loader                                         */
/* ------------------------------------------------------------------ */

/* The registry holds the process types known to the process, by name. It
 * is libflow's only global state; every function below is thread-safe
 * (one mutex). Descriptors it returns are its own copies and stay valid,
 * as do the modules they came from, until flow_plugin_shutdown(). */

/* Validates type t and registers a copy of it (the prefix of t that this
 * libflow knows, struct_size bytes at most, in a zeroed descriptor); t
 * itself and what it points to must outlive the registration. Errors:
 * FLOW_EPLUGIN (another ABI major version, struct_size too small, no name
 * or a bad one, no transfer, no port, a parameter without a name, with
 * NaN, lo > hi or its default outside [lo, hi], duplicate names: the
 * message names the type and what is wrong), FLOW_EEXIST (a type of that
 * name is registered), FLOW_ENOMEM. t must not be NULL. */
int flow_plugin_register(const flow_process_type *t);

/* Removes the type called name that flow_plugin_register() registered
 * (its descriptor from the registry becomes invalid: no model may still
 * use it). Errors: FLOW_ENOTFOUND (no such type registered), FLOW_EINVAL
 * (the type came from a module: modules stay until
 * flow_plugin_shutdown()). Types written in Lua are removed this way when
 * their Lua state closes. */
int flow_plugin_unregister(const char *name);

/* Finds the process type called type: from the registry, else by loading
 * the module type.la or type.so (libltdl: an uninstalled .la of a build
 * tree, an installed .so) from the directories of $FLOW_PLUGIN_PATH
 * (colon-separated, in order; empty entries skipped), then the plugin
 * directory of flow_plugin_dir(). The first directory that holds the
 * module decides; a module that is there but cannot be used is an error,
 * not a reason to look further. A module loaded is validated as by
 * flow_plugin_register() and must declare the type it is named after.
 * On success *out is the registered descriptor. Errors: FLOW_ENOTFOUND (no
 * such type: the message lists the types known and the nearest name),
 * FLOW_EPLUGIN (a module refused: the message names its file and the
 * reason), FLOW_EINVAL (type is not a valid type name), FLOW_ENOMEM. On
 * error *out is NULL. type and out must not be NULL. */
int flow_plugin_find(const char *type, const flow_process_type **out);

/* Loads the module at path (a .la or .so file, or a name without
 * extension that libltdl completes) and registers its type, as
 * flow_plugin_find() does for a module found on the path, but the type may
 * have any name. Loading the same file again returns the type registered
 * from it. Errors: FLOW_EPLUGIN (the file is not a loadable module, has no
 * flow_plugin_entry symbol, the entry returns NULL, or the type is refused:
 * the message names path and the reason), FLOW_EEXIST (a type of that name
 * came from elsewhere), FLOW_ENOMEM. out may be NULL. */
int flow_plugin_load_file(const char *path, const flow_process_type **out);

/* The names of the process types known: registered ones and the modules
 * (.la, .so files) found in the search path of flow_plugin_find(), sorted
 * and without duplicates; listing loads nothing. *out is a NULL-terminated
 * array owned by the caller (free it with flow_plugin_list_free()); *n, if
 * n is not NULL, its length. Errors: FLOW_ENOMEM (*out is then NULL). */
int flow_plugin_list(char ***out, size_t *n);
/* Frees a list of flow_plugin_list() or flow_plugin_path(); NULL is a
 * no-op. */
void flow_plugin_list_free(char **names);

/* The file the registered type t was loaded from (borrowed), or NULL for a
 * type registered by flow_plugin_register(). t must come from the
 * registry (flow_plugin_find(), flow_plugin_load_file()). */
const char *flow_plugin_origin(const flow_process_type *t);

/* The plugin directory searched after $FLOW_PLUGIN_PATH (a static
 * string, the same for the whole process): the installed plugin directory,
 * or, when this libflow is the uninstalled library of a build tree (a
 * program run from that tree: docs/architecture.md, "Running from the
 * build tree"), that tree's plugins/ folder instead. "" when there is
 * none. */
const char *flow_plugin_dir(void);

/* The directories flow_plugin_find() searches, in order: those of
 * $FLOW_PLUGIN_PATH, then flow_plugin_dir(). Whether each exists is not
 * checked. *out is a NULL-terminated array owned by the caller (free it
 * with flow_plugin_list_free()); *n, if n is not NULL, its length.
 * Errors: FLOW_ENOMEM (*out is then NULL). out must not be NULL. */
int flow_plugin_path(char ***out, size_t *n);

/* Checks a value a model gives to parameter name of type t: 0 and its
 * index in t->params in *index (if index is not NULL), or FLOW_ENOTFOUND
 * (t declares no such parameter: the message lists those it declares,
 * nearest first) or FLOW_EVALUE (NaN, or outside the declared bounds: the
 * message names type, parameter, value and bounds). */
int flow_plugin_check_param(const flow_process_type *t, const char *name, double value,
                            int *index);

/* Empties the registry and closes every module (descriptors returned
 * before become invalid). For a clean exit under valgrind and for tests;
 * the registry can be used again afterwards. Not to be called while
 * another thread uses a plugin type. */
void flow_plugin_shutdown(void);

#ifdef __cplusplus
}
#endif

#endif /* FLOW_PLUGIN_H */
