/*
 * error.c — the thread-local last error of libflow.
 *
 * Every failing function sets one line through flow_error__set() and
 * returns its negative code; flow_error_last() reads it back. Messages are
 * truncated to a fixed buffer so that setting an error never allocates
 * (an out-of-memory error must be reportable).
 */
#include <stdio.h>
#include <string.h>

#include "flow_int.h"

#define FLOW_ERRBUF 1024

static _Thread_local char errbuf[FLOW_ERRBUF];
static _Thread_local int errcode;

const char *flow_version(void)
{
    return FLOW_VERSION_STRING;
}

int flow_error__vset(int code, const char *fmt, va_list ap)
{
    errcode = code;
    vsnprintf(errbuf, sizeof errbuf, fmt, ap);
    return code;
}

int flow_error__set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    flow_error__vset(code, fmt, ap);
    va_end(ap);
    return code;
}

int flow_error__nomem(const char *what)
{
    return flow_error__set(FLOW_ENOMEM, "out of memory while allocating %s",
                           what ? what : "memory");
}

const char *flow_error_last(void)
{
    return errbuf;
}

int flow_error_last_code(void)
{
    return errcode;
}

void flow_error_clear(void)
{
    errcode = 0;
    errbuf[0] = '\0';
}

const char *flow_strerror(int code)
{
    switch (code) {
    case FLOW_OK: return "success";
    case FLOW_ENOMEM: return "out of memory";
    case FLOW_EINVAL: return "invalid argument";
    case FLOW_ENOTFOUND: return "not found";
    case FLOW_EEXIST: return "name already exists";
    case FLOW_ESTATE: return "wrong state for this call";
    case FLOW_EVALUE: return "invalid value in a series";
    case FLOW_ESHARES: return "shares do not add up";
    case FLOW_EROUTE: return "material has no way out of a process";
    case FLOW_ESINGULAR: return "cycle with no exit";
    case FLOW_EBALANCE: return "mass balance violated";
    case FLOW_ECONVERGE: return "iteration did not converge";
    case FLOW_ERANGE: return "year out of range";
    case FLOW_EIO: return "input/output error";
    case FLOW_ELUA: return "Lua error";
    case FLOW_EHDF5: return "HDF5 error";
    case FLOW_EPLUGIN: return "plugin error";
    default: return "unknown error";
    }
}
