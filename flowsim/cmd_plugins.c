/*
 * cmd_plugins.c — flowsim plugins: the process types known. The core
 * kinds, then every facility type found ($FLOW_PLUGIN_PATH, then the
 * installed plugin directory) with its parameters, ports and metrics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_plugin.h"
#include "flowsim.h"

static void describe(const flow_process_type *t)
{
    const char *from = flow_plugin_origin(t);
    printf("  %s %s — %s\n", t->name, t->version ? t->version : "", t->description ? t->description : "");
    if (from)
        printf("      from %s\n", from);
    for (size_t i = 0; i < t->n_params; i++) {
        const flow_param_decl *p = &t->params[i];
        printf("      %-24s %-8s default %g, in [%g, %g]  %s\n", p->name, p->unit ? p->unit : "", p->def, p->lo,
               p->hi, p->doc ? p->doc : "");
    }
    printf("      ports:");
    for (size_t i = 0; i < t->n_ports; i++)
        printf(" %s", t->ports[i]);
    printf("\n");
    if (t->n_metrics) {
        printf("      metrics:");
        for (size_t i = 0; i < t->n_metrics; i++)
            printf(" %s", t->metrics[i]);
        printf("\n");
    }
    if (t->n_materials) {
        printf("      makes (the model must define):");
        for (size_t i = 0; i < t->n_materials; i++)
            printf(" %s", t->materials[i]);
        printf("\n");
    }
}

int fs_cmd_plugins(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: flowsim plugins\n"
                 "Lists the process types known: the core kinds, and the facility types found on\n"
                 "$FLOW_PLUGIN_PATH and in the installed plugin directory, with their parameters.");
            return FS_OK;
        }
        fs_error("plugins: unexpected argument '%s'", argv[i]);
        return FS_USAGE;
    }
    puts("core process kinds (built in):\n"
         "  source   generation = {material = amount}: mass enters the system; its flows route it\n"
         "  split    routes each material it receives by share, fixed and rest flows\n"
         "  sink     mass leaves the system (air, export, market)\n"
         "  stock    keeps what its flows do not take; mode =\n"
         "             accumulate    landfill-like (default); initial = {material = t}\n"
         "             storage       a yard: flows act on last year's stock + input (drawdown)\n"
         "             inuse         lifetime = {...}: flows route the end-of-life outflow\n"
         "             inuse_driven  lifetime = {...}, path = {material = stock}: stock-driven\n"
         "every kind:  capacity = t/a (number, series or parameter), overflow = process\n");
    char **names = NULL;
    size_t n = 0;
    int rc = FS_OK;
    if (flow_plugin_list(&names, &n) != 0) {
        fs_error("plugins: %s", flow_error_last());
        return FS_ERROR;
    }
    printf("facility types (search path: $FLOW_PLUGIN_PATH, then %s): %zu\n", flow_plugin_dir(), n);
    for (size_t i = 0; i < n; i++) {
        const flow_process_type *t;
        if (flow_plugin_find(names[i], &t) != 0) {
            printf("  %s — cannot be loaded: %s\n", names[i], flow_error_last());
            rc = FS_ERROR;
            continue;
        }
        describe(t);
    }
    printf("(facility types are not yet usable in models: that comes with the rest of the plugin work)\n");
    flow_plugin_list_free(names);
    flow_plugin_shutdown();
    return rc;
}
