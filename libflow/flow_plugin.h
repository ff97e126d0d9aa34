/*
 * flow_plugin.h — the API for authors of process types (plugins).
 *
 * A process type is a const descriptor that a plugin module exports; the
 * core loads it with libltdl and validates it. This header carries the ABI
 * version that descriptors are stamped with. The descriptor itself, the
 * registration macro and the loader are the work of the plugin issue
 * (docs/architecture.md, "Process types"); until then libflow knows the
 * four core kinds of flow.h only.
 */
#ifndef FLOW_PLUGIN_H
#define FLOW_PLUGIN_H

#include "flow.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A module built against another major version is refused; minor versions
 * only append fields to the descriptor. */
#define FLOW_PLUGIN_ABI_MAJOR 0
#define FLOW_PLUGIN_ABI_MINOR 1

#ifdef __cplusplus
}
#endif

#endif /* FLOW_PLUGIN_H */
