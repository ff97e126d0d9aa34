/*
 * testhook.c — the test hooks of a build configured with
 * --enable-fault-injection (flow_int.h, FLOW_TESTHOOK). A default build
 * compiles nothing here: release libraries read no hook variable.
 */
#include <stdlib.h>

#include "flow_int.h"

#ifdef FLOW_FAULT_INJECTION
long flow_testhook__get(const char *var)
{
    const char *v = getenv(var);
    if (!v || !v[0])
        return 0;
    char *end;
    long n = strtol(v, &end, 10);
    return *end == '\0' && n > 0 ? n : 0;
}
#else
/* ISO C wants a translation unit to declare something. */
typedef int flow_testhook__none;
#endif
