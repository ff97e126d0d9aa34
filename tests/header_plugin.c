/* header_plugin.c — flow_plugin.h compiles alone under -std=c11 -pedantic -Werror. */
#include "flow_plugin.h"

int main(void)
{
    return FLOW_PLUGIN_ABI_MAJOR >= 0 ? 0 : 1;
}
