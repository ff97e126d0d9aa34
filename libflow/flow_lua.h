/*
 * flow_lua.h — the Lua 5.4 binding of libflow, for programs that embed Lua.
 *
 *     luaL_requiref(L, "flow", flow_lua_open, 0);   -- or package.preload
 *
 * makes `require "flow"` work in a lua_State; a plain lua5.4 loads the same
 * module from Lua's cpath (flow.so, installed in $(libdir)/lua/5.4).
 * docs/lua-api.md describes the Lua API.
 */
#ifndef FLOW_LUA_H
#define FLOW_LUA_H

#include <lua.h>

#include "flow.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opens the module: pushes the `flow` table. Raises a Lua error on failure. */
int flow_lua_open(lua_State *L);

/* The compiled model or the simulation held by the userdata at idx (raises
 * a Lua error when it is not one). The object stays owned by Lua. */
flow_model *flow_lua_checkmodel(lua_State *L, int idx);
flow_sim *flow_lua_checksim(lua_State *L, int idx);

/* Sets the allocator of the models this state builds from now on (NULL:
 * the C library's). a is borrowed: it must outlive every model of the
 * state, that is, the state (lua_close). flowsim's sandbox draws them from
 * its memory limit. */
void flow_lua_set_allocator(lua_State *L, const flow_allocator *a);

/* The registry key of a host's record of the files it opened: when
 * registry[FLOW_LUA_OPENED] is a table, a results writer records (and
 * hashes) a model or scenario file as provenance only when the file's
 * resolved path (realpath) is a key of that table, and fails otherwise,
 * so that a script cannot have any readable file hashed. */
#define FLOW_LUA_OPENED "flow.opened"

/* 1 when the error value at idx is the last one the binding raised about
 * a model (it names its own file and line: print it as it is); 0 for any
 * other error (a bug in a script: print a traceback). */
int flow_lua_is_model_error(lua_State *L, int idx);

#ifdef __cplusplus
}
#endif

#endif /* FLOW_LUA_H */
