/*
 * medical_waste.c — central medical-waste disposal: incineration, with
 * disinfection (steam autoclave, microwave) as a supplement (附件3, 统筹推进
 * 医疗废物处置体系建设: 以焚烧工艺处置为主、消毒工艺处置为补充).
 *
 * Per tonne received, incineration_share is incinerated: bottom_ash_share
 * bottom ash, fly_ash_share fly ash (HW18), the balance flue gas. The rest
 * is disinfected and shredded: disinfection_loss to flue gas (steam and
 * evaporated water), the balance leaves as disinfected_waste (no longer
 * infectious; to an MSW incinerator or landfill). Nothing is kept. Inputs
 * are treated alike.
 */
#include "facility.h"

enum { P_BOTTOM_ASH, P_FLY_ASH, P_GAS, P_DISINFECTED, N_PORTS };
enum { K_INCIN, K_BOTTOM, K_FLY, K_DLOSS, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* ESTIMATE: the plan (附件3) makes incineration the main route and
     * disinfection the supplement; 0.8 incinerated */
    { "incineration_share", "t/t", 0.8, 0, 1, "share of the medical waste incinerated (the rest disinfected)" },
    /* ESTIMATE: medical waste is rich in plastics and textiles: 8–12 % ash */
    { "bottom_ash_share", "t/t", 0.10, 0, 0.5, "bottom ash per tonne incinerated" },
    /* ESTIMATE: 2–5 % APC residue, as for MSW (hengshui-facts §1.5: 3–5 %) */
    { "fly_ash_share", "t/t", 0.03, 0, 0.2, "fly ash (HW18) per tonne incinerated" },
    /* ESTIMATE: a few % of water evaporates in steam or microwave treatment */
    { "disinfection_loss", "t/t", 0.05, 0, 0.3, "mass lost to air per tonne disinfected" },
};
static const char *const ports[N_PORTS] = { "bottom_ash", "fly_ash", "flue_gas", "disinfected_waste" };
static const char *const materials[N_PORTS] = { "bottom_ash", "fly_ash", "flue_gas",
                                                "disinfected_waste" };
static const char *const metrics[] = { "throughput_t", "incinerated_t", "disinfected_t" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    double inc = p[K_INCIN], dis = 1 - inc;
    /* bounds: ash + fly ash <= 0.7, so the incineration gas is >= 0 */
    double share[N_PORTS] = {
        inc * p[K_BOTTOM],
        inc * p[K_FLY],
        inc * (1 - p[K_BOTTOM] - p[K_FLY]) + dis * p[K_DLOSS],
        dis * (1 - p[K_DLOSS]),
    };
    return fac_split_all(T, N_PORTS, made, share);
}

/* throughput, tonnes incinerated, tonnes disinfected */
static void metrics_of(const flow_type_ctx *ctx, const double *p, double t, const double *out,
                       double *met)
{
    (void)ctx;
    (void)out;
    met[0] = t;
    met[1] = t * p[K_INCIN];
    met[2] = t * (1 - p[K_INCIN]);
}
FAC_DEFINE_STEP(metrics_of)

FLOW_PLUGIN_DEFINE(medical_waste, "medical_waste",
    .description = "medical-waste disposal: incineration (ash, fly ash, flue gas) or disinfection",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
