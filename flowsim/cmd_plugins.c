/*
 * cmd_plugins.c — flowsim plugins: the process types known. The core
 * kinds, the directories searched for facility types ($FLOW_PLUGIN_PATH,
 * then the installed plugin directory, or the build tree's for the
 * uninstalled program) and whether each exists, then every facility type
 * found with its parameters, ports and metrics.
 */
#include <sys/stat.h>
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

/* Where the facility types are looked for, in order: each directory of
 * the search path, where it comes from, and whether it exists. */
static int print_path(void)
{
    char **dirs;
    size_t n;
    if (flow_plugin_path(&dirs, &n) != 0) {
        fs_error("plugins: %s", flow_error_last());
        return -1;
    }
    /* the last one is flow_plugin_dir(): the installed directory, or the
     * build tree's for a libflow run uninstalled */
    const char *last = flow_plugin_dir();
    int tree = last[0] && strcmp(last, FLOW_PLUGINDIR) != 0;
    puts("facility types are looked for in, in order (the first that has a type wins):");
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        int found = stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode);
        const char *from = i + 1 < n || !last[0] ? "from $FLOW_PLUGIN_PATH"
                           : tree               ? "the build tree's: libflow runs uninstalled"
                                                : "the installed plugin directory";
        printf("  %zu. %s  (%s; %s)\n", i + 1, dirs[i], from, found ? "found" : "not found");
    }
    if (n == 0)
        puts("  (nothing: $FLOW_PLUGIN_PATH is empty and there is no plugin directory)");
    flow_plugin_list_free(dirs);
    return 0;
}

int fs_cmd_plugins(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: flowsim plugins\n"
                 "Lists the process types known: the core kinds, the directories searched for\n"
                 "facility types, in order ($FLOW_PLUGIN_PATH, then the installed plugin directory,\n"
                 "or the build tree's plugins/ for a flowsim run from its build tree), and the\n"
                 "facility types found, with their parameters, ports and metrics.");
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
         "  typed    a facility of a type below: kind = the type's name; params = {name = value},\n"
         "           ports = {port = process}; what it keeps is its stock\n"
         "every kind:  capacity = t/a (number, series or parameter), overflow = process\n");
    char **names = NULL;
    size_t n = 0;
    int rc = FS_OK;
    if (flow_plugin_list(&names, &n) != 0) {
        fs_error("plugins: %s", flow_error_last());
        return FS_ERROR;
    }
    if (print_path() != 0) {
        flow_plugin_list_free(names);
        return FS_ERROR;
    }
    printf("facility types found: %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const flow_process_type *t;
        if (flow_plugin_find(names[i], &t) != 0) {
            printf("  %s — cannot be loaded: %s\n", names[i], flow_error_last());
            rc = FS_ERROR;
            continue;
        }
        describe(t);
    }
    flow_plugin_list_free(names);
    flow_plugin_shutdown();
    return rc;
}
