/* header_flow.c — flow.h compiles alone under -std=c11 -pedantic -Werror. */
#include "flow.h"

int main(void)
{
    flow_lifetime lt = { FLOW_LT_FIXED, 5.0, 0.0 };
    return lt.kind == FLOW_LT_FIXED && FLOW_ALL == -1 ? 0 : 1;
}
