-- tests/bad/syntax_error.lua — a Lua syntax error in a model file.
-- expect: tests/bad/syntax_error.lua:7:
-- expect: near 'process'
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m process("house", "source")   -- at fault
return m
