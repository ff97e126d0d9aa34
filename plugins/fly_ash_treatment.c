/*
 * fly_ash_treatment.c — MSW incineration fly ash washed and used in
 * building materials (附件4 row 14: 水洗、提取、余渣建材化, 飞灰全量资源化).
 *
 * Physics: water washing dissolves the soluble chlorides (NaCl, KCl,
 * CaCl2); the brine is cleaned (heavy metals precipitated as a hazardous
 * sludge) and evaporated to a mixed salt; the washed ash, low in chloride,
 * goes to cement kilns or building materials. Per tonne of fly ash
 * received: salt_share mixed_salt, residue_share hazardous_residue (the
 * heavy-metal sludge), the balance washed_fly_ash. Wash water in and
 * evaporated water out are not modelled (they cancel). Nothing is kept.
 * Inputs are treated alike.
 */
#include "facility.h"

enum { P_WASHED, P_SALT, P_RESIDUE, N_PORTS };
enum { K_SALT, K_RESIDUE, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* ESTIMATE: soluble salts are 15–30 % of the fly ash of Chinese grate
     * incinerators (high Cl of kitchen waste) */
    { "salt_share", "t/t", 0.20, 0, 0.5, "mixed salt recovered per tonne of fly ash" },
    /* ESTIMATE: heavy-metal sludge from the brine, a few % of the ash */
    { "residue_share", "t/t", 0.03, 0, 0.2, "hazardous residue (heavy-metal sludge) per tonne of fly ash" },
};
static const char *const ports[N_PORTS] = { "washed_fly_ash", "mixed_salt", "hazardous_residue" };
static const char *const materials[N_PORTS] = { "washed_fly_ash", "mixed_salt", "hazardous_residue" };
static const char *const metrics[] = { "throughput_t", "washed_ash_t", "salt_t" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    double share[N_PORTS] = { 1 - p[K_SALT] - p[K_RESIDUE], p[K_SALT], p[K_RESIDUE] };
    return fac_split_all(T, N_PORTS, made, share);
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *met)
{
    (void)state;
    met[0] = fac_sum(in, (size_t)flow_type_ctx_n_materials(ctx));
    met[1] = fac_port_sum(ctx, out, P_WASHED);
    met[2] = fac_port_sum(ctx, out, P_SALT);
    return 0;
}

FLOW_PLUGIN_DEFINE(fly_ash_treatment, "fly_ash_treatment",
    .description = "fly ash washing: washed ash to building materials, mixed salt, heavy-metal residue",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
