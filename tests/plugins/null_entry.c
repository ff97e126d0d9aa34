/*
 * null_entry.c — flow_plugin_entry() exists but returns NULL: refused.
 */
#include <stddef.h>

#include "flow_plugin.h"

const flow_process_type *flow_plugin_entry(void);
const flow_process_type *flow_plugin_entry(void)
{
    return NULL;
}
