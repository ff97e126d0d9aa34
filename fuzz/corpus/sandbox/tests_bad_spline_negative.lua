-- tests/bad/spline_negative.lua — a spline overshooting below zero used as a fixed flow.
-- expect: tests/bad/spline_negative.lua:13: parameter 'haul', year 2023: fixed flow yard->road:msw -1.5 is negative
-- a natural cubic spline through (2020, 10), (2022, 0), (2024, 0), (2026, 10):
-- moments M1 = M2 = 3 (8 M1 + 2 M2 = 30 by symmetry), so midway between
-- 2022 and 2024 it is 0 - (2^2 / 16) (3 + 3) = -1.5 in 2023
local m = flow.model { name = "bad", years = { 2020, 2026 } }
m:material("msw", "domestic")
m:param("haul", flow.spline { [2020] = 10, [2022] = 0, [2024] = 0, [2026] = 10 })
m:process("house", "source", { generation = { msw = 100 } })
m:process("yard", "stock", { mode = "storage" })
m:process("road", "sink")
m:flow("house", "yard", "rest")
m:flow("yard", "road", { fixed = "haul" })   -- at fault
return m
