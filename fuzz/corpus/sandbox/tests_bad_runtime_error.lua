-- tests/bad/runtime_error.lua — a Lua runtime error in a model file (a bug in the script, not a model error)
-- in one frame of the user's: one line naming it, no traceback (flowsim's own frames are never shown).
-- expect: tests/bad/runtime_error.lua:7: attempt to call a nil value (method 'proces')
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:proces("house", "source")   -- at fault
return m
