/*
 * landfill.h — what the two landfill types share (sanitary_landfill.c,
 * rigid_landfill.c): a landfill keeps what it receives. Each port k (gas,
 * leachate) takes share k of every tonne received as its own material;
 * what the columns do not send out stays in the process as its stock (the
 * core keeps it per material). The type follows the volume the kept mass
 * fills: each year, step() adds (tonnes in - tonnes out) / density to the
 * volume used, and records the first year at whose end the volume used
 * reaches the volume (the fill year; 0 until then).
 *
 * Parameters 0 and 1 of both types are density_t_m3 and volume_m3; then one
 * share per port. Metrics: received_t, landfilled_t, volume_used_m3,
 * remaining_m3, fill_year.
 */
#ifndef FLOW_LANDFILL_H
#define FLOW_LANDFILL_H

#include "facility.h"

#define LANDFILL_MAX_PORTS 4

typedef struct landfill_state {
    double used_m3;     /* cell volume filled since the first year, m³ */
    int fill_year;      /* first year at whose end used_m3 >= volume; 0 until then */
} landfill_state;

static const char *const landfill_metrics[] = {
    "received_t", "landfilled_t", "volume_used_m3", "remaining_m3", "fill_year",
};
#define LANDFILL_N_METRICS 5

static inline int landfill_transfer(const flow_type_ctx *ctx, flow_transfer *T,
                                    const flow_param_decl *decl, int n_ports)
{
    double p[2 + LANDFILL_MAX_PORTS];
    int made[LANDFILL_MAX_PORTS], rc;
    if (n_ports > LANDFILL_MAX_PORTS)
        return FLOW_EINVAL;
    if ((rc = fac_params(ctx, decl, 2 + n_ports, p)) < 0 || (rc = fac_made(ctx, n_ports, made)) < 0)
        return rc;
    /* the shares' upper bounds add to at most 1: a column never exceeds 1;
     * each port's row asked for once, then filled */
    return fac_split_all(T, n_ports, made, p + 2);
}

static inline int landfill_step(const flow_type_ctx *ctx, landfill_state *st, const double *in,
                                const double *out, double *met, const flow_param_decl *decl,
                                int n_ports)
{
    double p[2 + LANDFILL_MAX_PORTS];
    int rc;
    if (n_ports > LANDFILL_MAX_PORTS)
        return FLOW_EINVAL;
    if ((rc = fac_params(ctx, decl, 2 + n_ports, p)) < 0)
        return rc;
    size_t M = (size_t)flow_type_ctx_n_materials(ctx);
    double received = fac_sum(in, M);
    double sent = fac_sum(out, (size_t)n_ports * M);
    double kept = received - sent;
    if (kept < 0)       /* rounding only: the columns add to <= 1 */
        kept = 0;
    /* the year's mass at this year's density (a density series changes the
     * placing of new waste, not of the old) */
    st->used_m3 += kept / p[0];
    /* full within rounding: five years of 200 m3 fill 1000 m3, though the
     * sum of 220 / 1.1 five times is 999.9999999999999 */
    if (st->fill_year == 0 && st->used_m3 > 0 && st->used_m3 >= p[1] * (1 - 1e-12))
        st->fill_year = flow_type_ctx_year(ctx);
    met[0] = received;
    met[1] = kept;
    met[2] = st->used_m3;
    met[3] = st->used_m3 < p[1] ? p[1] - st->used_m3 : 0;
    met[4] = st->fill_year;
    return 0;
}

#endif /* FLOW_LANDFILL_H */
