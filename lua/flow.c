/*
 * flow.c — the Lua C module `flow` (flow.so on Lua's cpath): the binding
 * that is part of libflow, opened for `require "flow"` in a plain lua5.4.
 */
#include "flow_lua.h"

int luaopen_flow(lua_State *L);

int luaopen_flow(lua_State *L)
{
    return flow_lua_open(L);
}
