-- tests/bad/runtime_error.lua — a Lua runtime error in a model file (a bug in the script, not a model error): a traceback.
-- expect: tests/bad/runtime_error.lua:8: attempt to call a nil value (method 'proces')
-- expect: stack traceback:
-- traceback: yes
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:proces("house", "source")   -- at fault
return m
