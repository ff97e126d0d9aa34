/*
 * lua_int.h — internals shared by the files of the Lua binding: lua.c (the
 * C layer: models, simulations, the module), luatype.c (process types
 * written in Lua), luaresults.c (results files), luadsm.c (flow.dsm) and
 * luaens.c (ensembles, flow.mc).
 * Never installed: nothing here is API (flow_lua.h is).
 */
#ifndef FLOW_LUA_INT_H
#define FLOW_LUA_INT_H

#include <lauxlib.h>
#include <lua.h>

#include "flow.h"

/* lua.c ---------------------------------------------------------------- */

/* Sets __metatable in the metatable at the top of the stack: getmetatable()
 * then hands a script a string, never the table with __gc. */
void flow_lua__lock_metatable(lua_State *L);
/* Registers the locked metatable mt of a userdata class whose __gc and
 * __close are gc and whose __index is the table of methods. */
void flow_lua__new_class(lua_State *L, const char *mt, const luaL_Reg *methods, lua_CFunction gc);
/* A lifetime outside a model from the Lua table at index i (raises on
 * error; the message names no site). */
int flow_lua__lifetime(lua_State *L, int i, flow_lifetime *lt);

/* luatype.c: process types written in Lua ------------------------------- */

/* Registers the metatables of the types and of their context objects. */
void flow_luatype__open(lua_State *L);
/* core.process_type(table): registers the type, returns its name. */
int flow_luatype__new(lua_State *L);

/* luaresults.c: results files ------------------------------------------- */

/* Registers the metatable of a results file. */
void flow_luaresults__open(lua_State *L);
/* core.results_create(path) / core.results_open(path): a writer / a reader. */
int flow_luaresults__create(lua_State *L);
int flow_luaresults__open_file(lua_State *L);

/* luadsm.c: flow.dsm ---------------------------------------------------- */

/* Registers the metatables of a model and of its by-cohort matrices. */
void flow_luadsm__open(lua_State *L);
/* flow.dsm{...}: runs a dynamic stock model. */
int flow_luadsm__dsm(lua_State *L);

/* luaens.c: ensembles (flow.mc) --------------------------------------- */

/* Registers the metatables of an ensemble and of its results. */
void flow_luaens__open(lua_State *L);
/* core.ensemble_new(model): an ensemble of the compiled model. */
int flow_luaens__new(lua_State *L);
/* core.brent(f, lo, hi): a root of f in [lo, hi] (GSL's Brent). */
int flow_luaens__brent(lua_State *L);
/* core.ensemble_file(reader, scenario): a results file's ensemble summary. */
int flow_luaens__file(lua_State *L);
/* core.ensemble_summary(reader, scenario, indicator): its summary per year. */
int flow_luaens__file_summary(lua_State *L);
/* core.sensitivity_save(writer, name, rows, n): writes Sobol' indices. */
int flow_luaens__sens_save(lua_State *L);
/* core.sensitivity_file(reader, scenario): its sensitivity rows, or nil. */
int flow_luaens__sens_file(lua_State *L);

#endif /* FLOW_LUA_INT_H */
