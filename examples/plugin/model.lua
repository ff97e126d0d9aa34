-- examples/plugin/model.lua — sludge through the out-of-tree type "press":
-- 1,000 t/a of sludge, 30 % squeezed out as water (the default).
-- By hand: pressed 700 t/a of sludge, water 300 t/a.
local flow = require "flow"
local m = flow.model { name = "press example", years = { 2021, 2022 } }
m:material("sludge", "sludge")
m:material("water", "emission")
m:process("plant", "source", { generation = { sludge = 1000 } })
m:process("press", "press", { ports = { pressed = "kiln", water = "sewer" } })
m:process("kiln", "sink")
m:process("sewer", "sink")
m:flow("plant", "press", "rest")
local r = flow.run(m)
local pressed, water = r:flow("press[pressed]->kiln:sludge", 2022), r:flow("press[water]->sewer:water", 2022)
print(string.format("pressed %.1f t/a, water %.1f t/a (metric water_t %.1f)", pressed, water,
                    r:metric("press:water_t", 2022)))
if math.abs(pressed - 700) > 1e-9 or math.abs(water - 300) > 1e-9 then
  error("press example: expected 700 and 300 t/a")
end
