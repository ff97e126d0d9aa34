/*
 * waste_salt_line.c — industrial waste-salt refining (渤海宏铄, 附件4 row
 * 10): pyrolysis of the organics, dissolution, filtration, evaporative
 * crystallisation into refined NaCl and Na2SO4, a mixed-salt line, the
 * insoluble residue (filter cake, HW) and the water and organics lost to the
 * off-gas.
 *
 * Per tonne of waste salt received (wet): salt_residue and flue_gas take
 * their shares, the product is the balance, and the product is split
 * between the lines in the proportions of the plan's line capacities:
 * mixed_fraction to mixed_salt, the rest to the single-salt lines, of which
 * sulfate_fraction is Na2SO4 and the rest NaCl. Nothing is kept. Inputs
 * are treated alike.
 *
 * Phases: 附件4 row 10 builds 10万 t/a (phase 1) then 20万 t/a more
 * (phase 2). The phases are the core's capacity of the process: a capacity
 * series stepping from 100,000 t/a in the phase-1 year to 300,000 t/a in
 * the phase-2 year (start years not found; ESTIMATE 2023 and 2025,
 * hengshui-facts §2). design_capacity_t takes the same series so that the
 * type can report its utilisation; the line mix (mixed_fraction,
 * sulfate_fraction) may be a series too if the phases' mixes differ
 * (phase 1 alone: mixed 0.2, sulfate 1/8).
 */
#include "facility.h"

enum { P_NACL, P_SULFATE, P_MIXED, P_RESIDUE, P_GAS, N_PORTS };
enum { K_RESIDUE, K_LOSS, K_MIXED, K_SULFATE, K_CAPACITY, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* hengshui-facts §2 "waste-salt line transfer coefficients": residue 0.07
     * (ESTIMATE there, range 0.04–0.15) */
    { "residue_share", "t/t", 0.07, 0, 0.5, "insoluble residue (filter cake, HW) per tonne received" },
    /* hengshui-facts §2, same row: water + organics to off-gas 0.08 (range 0.04–0.15) */
    { "loss_share", "t/t", 0.08, 0, 0.5, "water and organics lost to the off-gas per tonne received" },
    /* 附件4 row 10, both phases: mixed-salt lines 2 + 5 and liquid salt 3 of
     * 30万 t/a = 1/3 */
    { "mixed_fraction", "1", 1.0 / 3, 0, 1, "share of the salt product made as mixed salt" },
    /* 附件4 row 10, both phases: single-salt lines 5 + 10 (NaCl 4 + 6,
     * Na2SO4 1 + 4) and general solid salt 3 + 2 (taken as NaCl):
     * Na2SO4 5 of 20 = 0.25 */
    { "sulfate_fraction", "1", 0.25, 0, 1, "share of the single-salt product that is Na2SO4 (the rest NaCl)" },
    /* 附件4 row 10: phase 1 10万 t/a (phase 2 brings 30万 t/a) */
    { "design_capacity_t", "t/a", 100000, 0, 1e7, "design throughput of the lines built, for utilisation" },
};
static const char *const ports[N_PORTS] = { "refined_nacl", "sodium_sulfate", "mixed_salt",
                                            "salt_residue", "flue_gas" };
static const char *const materials[N_PORTS] = { "refined_nacl", "sodium_sulfate", "mixed_salt",
                                                "salt_residue", "flue_gas" };
static const char *const metrics[] = { "throughput_t", "product_t", "utilisation_pct" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    /* residue + loss <= 1 by the bounds, so the product is >= 0 */
    double product = 1 - p[K_RESIDUE] - p[K_LOSS];
    double single = product * (1 - p[K_MIXED]);
    double share[N_PORTS] = { single * (1 - p[K_SULFATE]), single * p[K_SULFATE],
                              product * p[K_MIXED], p[K_RESIDUE], p[K_LOSS] };
    return fac_split_all(T, N_PORTS, made, share);
}

/* throughput, salts recovered, load of the capacity (%) */
static void metrics_of(const flow_type_ctx *ctx, const double *p, double t, const double *out,
                       double *met)
{
    met[0] = t;
    met[1] = fac_port_sum(ctx, out, P_NACL) + fac_port_sum(ctx, out, P_SULFATE) +
             fac_port_sum(ctx, out, P_MIXED);
    met[2] = fac_pct(t, p[K_CAPACITY]);
}
FAC_DEFINE_STEP(metrics_of)

FLOW_PLUGIN_DEFINE(waste_salt_line, "waste_salt_line",
    .description = "industrial waste-salt refining: refined NaCl, Na2SO4, mixed salt, residue, off-gas",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
