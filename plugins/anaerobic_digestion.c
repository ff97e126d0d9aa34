/*
 * anaerobic_digestion.c — wet anaerobic digestion of kitchen waste or
 * sewage sludge (衡水凯天 sludge digestion, 附件4 row 25; kitchen-waste
 * plants, 附件3): biogas (CH4 + CO2) and digestate (the wet remainder,
 * to dewatering, composting or building materials).
 *
 * Per tonne received (wet): biogas_nm3_per_t normal cubic metres of
 * biogas, i.e. biogas_nm3_per_t × biogas_density_kg_nm3 / 1000 tonnes on
 * port biogas; residue (pre-treatment rejects: plastics, sand) on port
 * residue; the balance, water included, on port digestate. Nothing is
 * kept. Inputs are treated alike (set the yield per process: ≈ 110 Nm³/t
 * for kitchen waste, 15–25 Nm³/t for dewatered sludge).
 */
#include "facility.h"

enum { P_BIOGAS, P_DIGESTATE, P_RESIDUE, N_PORTS };
enum { K_YIELD, K_DENSITY, K_RESIDUE, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* ESTIMATE: kitchen waste of 75–80 % moisture gives 80–150 Nm³ of
     * biogas per wet tonne in Chinese plants */
    { "biogas_nm3_per_t", "Nm3/t", 110, 0, 300, "biogas per tonne received" },
    /* ESTIMATE: 60 % CH4 (0.717 kg/Nm³) + 40 % CO2 (1.977 kg/Nm³) = 1.22 kg/Nm³ */
    { "biogas_density_kg_nm3", "kg/Nm3", 1.22, 0.7, 1.5, "density of the biogas at 0 °C, 1 atm" },
    /* ESTIMATE: 5–15 % rejects in the pre-treatment of kitchen waste */
    { "residue_share", "t/t", 0.10, 0, 0.3, "pre-treatment rejects per tonne received" },
};
static const char *const ports[N_PORTS] = { "biogas", "digestate", "residue" };
static const char *const materials[N_PORTS] = { "biogas", "digestate", "residue" };
static const char *const metrics[] = { "throughput_t", "biogas_nm3", "digestate_t" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    /* bounds: gas <= 300 × 1.5 / 1000 = 0.45 t/t, residue <= 0.3: digestate >= 0.25 */
    double gas = p[K_YIELD] * p[K_DENSITY] / 1000;
    double share[N_PORTS] = { gas, 1 - gas - p[K_RESIDUE], p[K_RESIDUE] };
    return fac_split_all(T, N_PORTS, made, share);
}

/* throughput, biogas (Nm³), digestate */
static void metrics_of(const flow_type_ctx *ctx, const double *p, double t, const double *out,
                       double *met)
{
    /* Nm³ from the tonnes on port biogas: the same as in × yield */
    met[0] = t;
    met[1] = fac_port_sum(ctx, out, P_BIOGAS) * 1000 / p[K_DENSITY];
    met[2] = fac_port_sum(ctx, out, P_DIGESTATE);
}
FAC_DEFINE_STEP(metrics_of)

FLOW_PLUGIN_DEFINE(anaerobic_digestion, "anaerobic_digestion",
    .description = "anaerobic digestion: biogas, digestate, pre-treatment residue",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
