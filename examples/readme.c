/* examples/readme.c — the C example of README.md, which shows this file
 * verbatim (tests/docs.sh fails when the two differ): waste from
 * households is sorted, 35 % goes to recycling, the rest to a landfill.
 * Prints the landfill's stock at the end of 2025. */
#include <stdio.h>

#include <flow.h>

int main(void)
{
    flow_model *m = NULL;
    flow_sim *s = NULL;
    int msw, gen, src, sort, rec, lf, item;
    double landfilled = 0;
    int failed = flow_model_new(&m, 2020, 2025, NULL) ||
        flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw) ||
        flow_model_add_param_const(m, "generation", "t/a", 1.0e5, &gen) ||
        flow_model_add_process(m, "households", FLOW_SOURCE, &src) ||
        flow_model_add_process(m, "sorting", FLOW_SPLIT, &sort) ||
        flow_model_add_process(m, "recycling", FLOW_SINK, &rec) ||
        flow_model_add_process(m, "landfill", FLOW_STOCK, &lf) ||
        flow_model_set_generation(m, src, msw, 1.0, gen) ||
        flow_model_add_flow(m, src, sort, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL) ||
        flow_model_add_flow(m, sort, rec, msw, FLOW_SHARE, 0.35, FLOW_NONE, NULL) ||
        flow_model_add_flow(m, sort, lf, msw, FLOW_REST, 0, FLOW_NONE, NULL) ||
        flow_model_compile(m) || flow_sim_new(&s, m) || flow_sim_run(s) ||
        flow_model_find_item(m, FLOW_ITEM_STOCK, "landfill:msw", &item) ||
        flow_sim_get(s, FLOW_ITEM_STOCK, item, 2025, &landfilled);
    if (failed)
        fprintf(stderr, "%s\n", flow_error_last());
    else /* six years of 65 % of 100,000 t: 390,000 t */
        printf("landfill:msw at the end of 2025: %.0f t\n", landfilled);
    flow_sim_free(s);
    flow_model_free(m);
    return failed;
}
