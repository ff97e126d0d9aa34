-- tests/bad/unknown_option.lua — an option a process does not know (a typo
-- of capacity): refused, not ignored.
-- expect: tests/bad/unknown_option.lua:6: process 'inc': unknown option 'capacty'
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:process("inc", "sink", { capacty = 100 })   -- at fault
return m
