/*
 * cmd_plugins.c — flowsim plugins: the process types known. Until facility
 * plugins are loaded (docs/architecture.md, "Process types"), these are
 * the core kinds and what each takes.
 */
#include <stdio.h>
#include <string.h>

#include "flowsim.h"

int fs_cmd_plugins(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: flowsim plugins\nLists the process types known, with their parameters.");
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
         "every kind:  capacity = t/a (number, series or parameter), overflow = process\n"
         "\n"
         "facility plugins: none loaded (this build knows the core kinds only)");
    return FS_OK;
}
