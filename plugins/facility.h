/*
 * facility.h — helpers shared by the facility types of plugins/: indexing
 * the transfer, finding the materials a type makes, re-checking parameter
 * values, matching material names, and the step() of the facilities whose
 * metrics follow from their parameters and throughput (FAC_DEFINE_STEP).
 * Everything is static inline or a macro that defines a static function,
 * so each module stays static throughout except the entry point its
 * FLOW_PLUGIN_DEFINE writes.
 *
 * Units: every flow is in tonnes per year (t/a) of wet mass as received;
 * every coefficient is tonnes out per tonne in (t/t).
 */
#ifndef FLOW_FACILITY_H
#define FLOW_FACILITY_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "flow_plugin.h"

/* Every type here declares .transfer_by_rows = 1 (ABI 1.2): it writes
 * T->coef only through flow_transfer_row(), by fac_row(), fac_coef() or
 * fac_split(). */

/* Row (port, m_out) of the transfer: row[m_in] is the tonnes of m_out on
 * port per tonne of m_in. NULL for a bad port or material (the core then
 * reports the wrong call, naming the process and the type). */
static inline double *fac_row(flow_transfer *T, int port, int m_out)
{
    return flow_transfer_row(T, port, m_out);
}

/* coef of the transfer := v tonnes of m_out on port per tonne of m_in.
 * 0, or FLOW_EPLUGIN for an index out of range (a bug of the type). */
static inline int fac_coef(flow_transfer *T, int port, int m_out, int m_in, double v)
{
    double *row = flow_transfer_row(T, port, m_out);
    if (!row || m_in < 0 || m_in >= T->n_materials)
        return FLOW_EPLUGIN;
    row[m_in] = v;
    return 0;
}

/* release of the transfer: tonnes of m drawn from the process's stock. */
static inline double *fac_release(flow_transfer *T, int port, int m)
{
    return &T->release[(size_t)port * (size_t)T->n_materials + (size_t)m];
}

/* The model's indices of the first n materials the type makes, in idx[].
 * The core checks that a model defines each before it compiles, so -1 is
 * a broken contract; it is reported as FLOW_ENOTFOUND, never a crash. */
static inline int fac_made(const flow_type_ctx *ctx, int n, int *idx)
{
    int M = flow_type_ctx_n_materials(ctx);
    for (int i = 0; i < n; i++) {
        idx[i] = flow_type_ctx_type_material(ctx, i);
        if (idx[i] < 0 || idx[i] >= M)
            return FLOW_ENOTFOUND;
    }
    return 0;
}

/* This year's values of the n declared parameters, in p[]. The core checks
 * a model's values against the bounds; they are checked again here (NaN,
 * or outside [lo, hi]: FLOW_EVALUE) so that a type never computes with a
 * value it was not designed for. The bounds of each type are chosen so
 * that every combination inside them gives a valid transfer. */
static inline int fac_params(const flow_type_ctx *ctx, const flow_param_decl *decl, int n,
                             double *p)
{
    const double *v = flow_type_ctx_params(ctx); /* all at once (ABI 1.1) */
    for (int i = 0; i < n; i++) {
        p[i] = v[i];
        if (isnan(p[i]) || p[i] < decl[i].lo || p[i] > decl[i].hi)
            return FLOW_EVALUE;
    }
    return 0;
}

/* Column m_in of T: share[k] of each tonne to material made[k] on port k,
 * for k in [0, n). 0, or FLOW_EPLUGIN as fac_coef(). */
static inline int fac_split(flow_transfer *T, int m_in, int n, const int *made,
                            const double *share)
{
    for (int k = 0; k < n; k++) {
        int rc = fac_coef(T, k, made[k], m_in, share[k]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Every column of T: share[k] of each tonne of every material to material
 * made[k] on port k, for k in [0, n) — one row per port, asked for once.
 * 0, or FLOW_EPLUGIN as fac_coef(). */
static inline int fac_split_all(flow_transfer *T, int n, const int *made, const double *share)
{
    for (int k = 0; k < n; k++) {
        double *row = flow_transfer_row(T, k, made[k]);
        if (!row)
            return FLOW_EPLUGIN;
        for (int m = 0; m < T->n_materials; m++)
            row[m] = share[k];
    }
    return 0;
}

/* The sum of x[0..n), added in order. A facility sees a few of the
 * model's materials, so most entries are +0; a run of eight +0 leaves the
 * sum as it is (it starts at +0, and x + +0 is x), so such a run is
 * passed over after one test of its bits: the same sum, to the bit. */
static inline double fac_sum(const double *x, size_t n)
{
    double s = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w[8];
        memcpy(w, x + i, sizeof w);
        if (((w[0] | w[1]) | (w[2] | w[3])) | ((w[4] | w[5]) | (w[6] | w[7])))
            for (size_t j = 0; j < 8; j++)
                s += x[i + j];
    }
    for (; i < n; i++)
        s += x[i];
    return s;
}

/* Tonnes leaving on port: the sum of out[port][*]. */
static inline double fac_port_sum(const flow_type_ctx *ctx, const double *out, int port)
{
    size_t M = (size_t)flow_type_ctx_n_materials(ctx);
    return fac_sum(out + (size_t)port * M, M);
}

/* The most parameters a type of fac_step may declare. */
#define FAC_MAX_PARAMS 16

/* Fills met[] from this year's parameter values p[], the tonnes received
 * t (the sum of in[]) and the tonnes sent out[port][material]. */
typedef void fac_metrics_fn(const flow_type_ctx *ctx, const double *p, double t, const double *out,
                            double *met);

/* The step() of a facility whose metrics depend on this year's parameters
 * and on what it received: the n declared parameters' values (checked as
 * fac_params does: a bad one fails the step with its code), then
 * metrics(ctx, p, t, out, met). */
static inline int fac_step(const flow_type_ctx *ctx, const flow_param_decl *decl, int n,
                           const double *in, const double *out, double *met,
                           fac_metrics_fn *metrics)
{
    double p[FAC_MAX_PARAMS];
    int rc = fac_params(ctx, decl, n, p);
    if (rc < 0)
        return rc;
    metrics(ctx, p, fac_sum(in, (size_t)flow_type_ctx_n_materials(ctx)), out, met);
    return 0;
}

/* Defines the module's static step() (its .step) as fac_step over the
 * module's params[N_PARAMS] with the module's metrics function. */
#define FAC_DEFINE_STEP(metrics)                                                        \
    _Static_assert(N_PARAMS <= FAC_MAX_PARAMS, "too many parameters for fac_step");   \
    static int step(const flow_type_ctx *ctx, void *state, const double *in,           \
                    const double *out, double *met)                                     \
    {                                                                                   \
        (void)state;                                                                    \
        return fac_step(ctx, params, N_PARAMS, in, out, met, metrics);                 \
    }

/* Does name contain word, ASCII case-insensitively? (No locale: material
 * names are identifiers.) */
static inline int fac_name_has(const char *name, const char *word)
{
    if (!name || !word)
        return 0;
    for (const char *s = name; *s; s++) {
        size_t i = 0;
        while (word[i]) {
            char a = s[i], b = word[i];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z')
                b = (char)(b - 'A' + 'a');
            if (a != b)
                break;
            i++;
        }
        if (!word[i])
            return 1;
    }
    return 0;
}

/* a / b as a percentage, 0 when b is 0 ("not applicable" is reported as
 * 0, never NaN). */
static inline double fac_pct(double a, double b)
{
    return b > 0 ? 100.0 * a / b : 0.0;
}

#endif /* FLOW_FACILITY_H */
