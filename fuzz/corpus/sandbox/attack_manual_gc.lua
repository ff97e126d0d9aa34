local flow = require "flow"
local m = flow.model { name = "m", years = { 2020, 2021 } }
local mt = getmetatable(m)
if mt and mt.__gc then mt.__gc(m) end
m:material("msw", "domestic")
return m
