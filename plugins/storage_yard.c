/*
 * storage_yard.c — a storage yard for general industrial solid waste
 * (贮存场, GB 18599; plan target: 一般工业固体废物贮存处置量 down, 综合利用
 * 往年贮存量 up, 附件2): waste put into store and drawn down over the
 * years for utilisation.
 *
 * Materials keep their identity. Of the year's input, passthrough_share
 * leaves the same year on port outflow and the rest is stored (the
 * process's stock, kept by the core per material). Of the stock at the end
 * of the year before (flow_type_ctx_stock()), drawdown_share is released
 * on port outflow each year: release = drawdown_share × stock <= stock.
 * The stock thus falls geometrically when nothing comes in (a half-life of
 * ln 2 / -ln(1 - drawdown_share) years). The type makes no material.
 */
#include "facility.h"

enum { P_OUT, N_PORTS };
enum { K_DRAWDOWN, K_PASS, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* ESTIMATE: 0.1 a year; the plan asks that stored general ISW be used
     * up over time (附件2 "综合利用往年贮存量") without giving a rate */
    { "drawdown_share", "1/a", 0.10, 0, 1, "share of last year's stock released each year" },
    /* ESTIMATE: 0, a yard stores what it receives */
    { "passthrough_share", "t/t", 0, 0, 1, "share of the year's input leaving the same year" },
};
static const char *const ports[N_PORTS] = { "outflow" };
static const char *const metrics[] = { "received_t", "released_t", "stock_t" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int rc = fac_params(ctx, params, N_PARAMS, p);
    if (rc < 0)
        return rc;
    const double *stock = flow_type_ctx_stocks(ctx); /* all at once (ABI 1.2) */
    if (!stock)
        return FLOW_EPLUGIN;
    for (int m = 0; m < T->n_materials; m++) {
        double s = stock[m];
        if (isnan(s) || isinf(s))
            return FLOW_EVALUE;
        /* the diagonal, one row a material; T arrives zeroed, so a yard
         * that passes nothing on (the plan's) asks for no row at all */
        if (p[K_PASS] != 0) {
            double *row = fac_row(T, P_OUT, m);
            if (!row)
                return FLOW_EPLUGIN;
            row[m] = p[K_PASS];
        }
        /* a stock that is 0 or rounded below 0 releases nothing */
        *fac_release(T, P_OUT, m) = s > 0 ? p[K_DRAWDOWN] * s : 0;
    }
    return 0;
}

/* received, released from the stock, the stock at the end of the year */
static void metrics_of(const flow_type_ctx *ctx, const double *p, double received, const double *out,
                       double *met)
{
    int M = flow_type_ctx_n_materials(ctx);
    const double *st = flow_type_ctx_stocks(ctx);
    double stock = 0, released = 0;
    for (int m = 0; st && m < M; m++) {
        double s = st[m];
        if (s > 0) {
            stock += s;
            released += p[K_DRAWDOWN] * s;
        }
    }
    double sent = fac_sum(out, (size_t)M);
    double end = stock + received - sent;
    met[0] = received;
    met[1] = released;
    met[2] = end > 0 ? end : 0;
}
FAC_DEFINE_STEP(metrics_of)

FLOW_PLUGIN_DEFINE(storage_yard, "storage_yard",
    .description = "storage yard: stores its input, releases a share of the stock each year",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step);
