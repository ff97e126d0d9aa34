-- models/hengshui.lua — Hengshui's solid-waste system, 2020–2025, as its
-- "十四五" zero-waste plan (衡政办字〔2022〕57号) describes it: every stream
-- from generation to its final sink, the facilities of 附件4 with their
-- capacities and years, the 58 indicators of 附件1 (59 entries) with their
-- 2025 targets. The numbers are in models/hengshui/*.csv, each with its
-- source (a plan row, a fact of hengshui-facts.md, or ESTIMATE: basis);
-- this file holds the structure only. As written it is the plan (the
-- levers follow their plan paths); scripts/bau.lua holds every lever and
-- facility at 2020, scripts/*.lua are the what-ifs; docs/hengshui.md
-- explains the model, its estimates and what it cannot tell.
--
-- The years run 2020–2025; a scenario may extend them to 2035 (edit =
-- function(m) m.last = 2035 end): the drivers are given to 2035, every
-- other series holds its last value.
local flow = require "flow"

local FIRST, LAST, HORIZON = 2020, 2025, 2035

local D = flow.data("hengshui/drivers.csv")
local G = flow.data("hengshui/generation.csv")
local L = flow.data("hengshui/levers.csv")
local F = flow.data("hengshui/facilities.csv")
local X = flow.data("hengshui/exogenous.csv")
local IND = flow.read_csv("hengshui/indicators.csv", { "row", "id", "name_zh", "unit", "cmp", "target_2025", "kind" })

local m = flow.model {
  name = "hengshui", years = { FIRST, LAST },
  description = "Hengshui zero-waste plan 2021-2025 (衡政办字〔2022〕57号): streams, facilities, 附件1 indicators",
}

-- ---------------------------------------------------------------------
-- parameters from the data files

local function from(data, name)
  return { unit = data:unit(name), source = data:source(name) }
end
-- a lever or facility: its series through the file's years (linear)
local function lever(name) m:param(name, L:series(name), from(L, name)) end
local function facility(name) m:param(name, F:series(name), from(F, name)) end
-- a coefficient of generation.csv (one year)
local function coef(name) m:param(name, G:value(name), from(G, name)) end
-- a driver: base x (1 + growth)^(year - 2020), to 2035
local function driver(name)
  local base, rate = D:value(name, FIRST), D:value(name .. "_growth", FIRST)
  local pts = {}
  for y = FIRST, HORIZON do pts[y] = base * (1 + rate) ^ (y - FIRST) end
  m:param(name, flow.linear(pts), { unit = D:unit(name), source = D:source(name) .. "; growth: " .. D:source(name .. "_growth") })
  return pts
end

local pop = {}
for _, n in ipairs { "urban_population", "rural_population", "gdp", "industrial_value_added", "livestock", "crop_sown_area" } do
  pop[n] = driver(n)
end
do -- urban + rural
  local t = {}
  for y = FIRST, HORIZON do t[y] = pop.urban_population[y] + pop.rural_population[y] end
  m:param("population_total", flow.linear(t), { unit = "persons", source = "DERIVED: urban + rural" })
end
for _, n in ipairs(L:names()) do lever(n) end
for _, n in ipairs(F:names()) do facility(n) end
for _, n in ipairs(X:names()) do m:param(n, X:series(n), from(X, n)) end
for _, n in ipairs { "urban_msw_per_capita", "rural_msw_per_capita", "medical_waste_per_capita",
                     "medical_recyclables_per_capita", "sludge_per_urban_capita", "straw_t_per_mu", "film_t_per_mu",
                     "packaging_t_per_kg_pesticide", "manure_t_per_head", "dead_livestock_t_per_head",
                     "cd_spoil", "cd_mud", "cd_engineering", "cd_demolition", "cd_decoration", "waste_tyres" } do
  coef(n)
end

-- products: generation = driver x rate (x share)
local function product(name, a, b) m:param(name, flow.product(a, b), { unit = "t/a" }) end
product("isw_generation", "industrial_value_added", "isw_intensity")
product("hw_generation", "industrial_value_added", "hw_intensity")
product("urban_msw_generation", "urban_population", "urban_msw_per_capita")
product("rural_msw_generation", "rural_population", "rural_msw_per_capita")
product("medical_waste_generation", "population_total", "medical_waste_per_capita")
product("medical_recyclables_generation", "population_total", "medical_recyclables_per_capita")
product("sludge_generation", "urban_population", "sludge_per_urban_capita")
product("straw_generation", "crop_sown_area", "straw_t_per_mu")
product("film_use", "crop_sown_area", "film_t_per_mu")
m:param("pesticide_use_kg", flow.product("crop_sown_area", "pesticide_kg_per_mu"), { unit = "kg/a" })
product("pesticide_packaging_generation", "pesticide_use_kg", "packaging_t_per_kg_pesticide")
product("manure_generation", "livestock", "manure_t_per_head")
product("dead_livestock_generation", "livestock", "dead_livestock_t_per_head")
-- sorting: what the sorted communities add = coverage x capture
product("urban_sorted_recyclable", "sorting_coverage", "urban_recyclable_capture")
product("urban_kitchen_separated", "sorting_coverage", "urban_kitchen_capture")
product("urban_hazardous_separated", "sorting_coverage", "urban_hazardous_capture")

-- ---------------------------------------------------------------------
-- materials

local MSW = { kitchen = "msw_kitchen", recyclable = "msw_recyclable", hazardous = "msw_hazardous", other = "msw_other" }
local ISW = { "isw_coal_ash", "isw_furfural_residue", "isw_composites", "isw_waste_salt", "isw_other" }
local HW = { "hw_waste_salt", "hw_spent_carbon", "hw_waste_acid", "hw_mineral_oil", "hw_battery", "hw_mercury_lamp", "hw_other" }
local CD = { "cd_spoil", "cd_mud", "cd_engineering", "cd_demolition", "cd_decoration" }
-- industrial HW as landfilled: the kinds and the residue of salt refining
local HW_LANDFILLED = { "hw_waste_salt", "hw_spent_carbon", "hw_waste_acid", "hw_mineral_oil", "hw_battery",
                        "hw_mercury_lamp", "hw_other", "salt_residue" }

for _, k in ipairs { "kitchen", "recyclable", "hazardous", "other" } do m:material(MSW[k], "domestic") end
for _, n in ipairs(ISW) do m:material(n, "industrial") end
for _, n in ipairs(HW) do m:material(n, "hazardous") end
for _, n in ipairs(CD) do m:material(n, "construction") end
m:material("medical_waste", "medical")
m:material("medical_recyclables", "medical")
for _, n in ipairs { "straw", "manure", "ag_film", "pesticide_packaging", "dead_livestock" } do m:material(n, "agricultural") end
m:material("sewage_sludge", "sludge")
for _, n in ipairs { "vehicle", "power_battery", "waste_tyres" } do m:material(n, "product") end
-- made by the facility types (docs/plugins.md §3)
for _, n in ipairs { "bottom_ash", "ferrous_scrap", "refined_nacl", "sodium_sulfate", "mixed_salt", "residue",
                     "biogas", "digestate", "sludge_ash", "bricks", "recycled_aggregate", "washed_fly_ash",
                     "regenerated_carbon", "nonferrous_scrap", "recovered_plastic", "disinfected_waste" } do
  m:material(n, "product")
end
for _, n in ipairs { "fly_ash", "salt_residue", "hazardous_residue", "hazardous_parts" } do m:material(n, "hazardous") end
for _, n in ipairs { "flue_gas", "leachate", "landfill_gas" } do m:material(n, "emission") end

-- ---------------------------------------------------------------------
-- sinks and stocks at the end of the streams

for _, n in ipairs { "air", "recycling_market", "isw_utilisation", "isw_products", "hw_utilisation", "hw_treatment",
                     "hw_products", "salt_products", "carbon_market", "building_materials", "ash_market",
                     "bottom_ash_use", "scrap_from_ash", "biogas_use", "digestate_use", "leachate_treatment",
                     "spoil_backfill", "use_fertiliser", "use_feed", "use_fuel", "use_base", "use_raw",
                     "straw_unused", "manure_use", "manure_unused", "film_recycling", "rendering_plant",
                     "dead_livestock_buried", "elv_outside", "battery_outside", "sludge_simple_disposal" } do
  m:process(n, "sink")
end
for _, n in ipairs { "isw_landfill", "hw_landfill_outside", "cd_landfill", "film_left_in_soil", "packaging_left" } do
  m:process(n, "stock")
end

-- ---------------------------------------------------------------------
-- domestic waste, urban and rural (附件1 rows 10, 11, 25, 34)

local function gen_of(fracs, total, prefix)
  local g = {}
  for _, k in ipairs { "kitchen", "recyclable", "hazardous", "other" } do
    local share = prefix .. "_frac_" .. k
    coef(share)
    product(prefix .. "_" .. k .. "_generation", total, share)
    g[fracs[k]] = prefix .. "_" .. k .. "_generation"
  end
  return g
end
m:process("urban_households", "source", { generation = gen_of(MSW, "urban_msw_generation", "urban") })
m:process("rural_households", "source", { generation = gen_of(MSW, "rural_msw_generation", "rural") })
m:process("sorted_recyclables", "split")
m:process("household_hw", "split")
m:process("urban_collection", "split")
m:process("rural_collection", "split")
m:process("msw_transfer", "split")

m:flow("urban_households", "recycling_market", { share = "urban_recyclable_informal", material = MSW.recyclable })
m:flow("urban_households", "sorted_recyclables", { share = "urban_sorted_recyclable", material = MSW.recyclable })
m:flow("urban_households", "kitchen_digestion", { share = "urban_kitchen_separated", material = MSW.kitchen })
m:flow("urban_households", "household_hw", { share = "urban_hazardous_separated", material = MSW.hazardous })
m:flow("urban_households", "urban_collection", "rest")
m:flow("sorted_recyclables", "recycling_market", "rest")
m:flow("household_hw", "hw_treatment", "rest")
m:flow("rural_households", "recycling_market", { share = "rural_recyclable_recovery", material = MSW.recyclable })
m:flow("rural_households", "rural_collection", "rest")
m:flow("urban_collection", "msw_transfer", "rest")
m:flow("rural_collection", "msw_transfer", "rest")

-- kitchen waste (附件3 task 12): digestion; what exceeds it is burnt
m:process("kitchen_digestion", "anaerobic_digestion", {
  capacity = "cap_kitchen", overflow = "msw_transfer",
  ports = { biogas = "biogas_use", digestate = "digestate_use", residue = "msw_transfer" },
})

-- the five incineration plants (附件4 rows 5–9), filled in turn; what
-- none can take goes to the sanitary landfills
local plants = { "incin_hengshui", "incin_jizhou", "incin_shenzhou", "incin_anping", "incin_gucheng" }
m:flow("msw_transfer", plants[1], "rest")
for i, p in ipairs(plants) do
  m:process(p, "incinerator", {
    capacity = "cap_" .. p, overflow = plants[i + 1] or "sanitary_landfills",
    ports = { bottom_ash = "bottom_ash_use", fly_ash = "fly_ash_route", ferrous_scrap = "scrap_from_ash",
              flue_gas = "air" },
  })
end
m:process("sanitary_landfills", "sanitary_landfill", {
  params = { volume_m3 = "sanitary_landfill_volume" },
  ports = { leachate = "leachate_treatment", landfill_gas = "air" },
})

-- fly ash (HW18): stabilised into the sanitary landfill until the
-- washing line of 附件4 row 14
m:process("fly_ash_route", "split")
m:flow("fly_ash_route", "fly_ash_treatment", { share = "fly_ash_to_treatment" })
m:flow("fly_ash_route", "sanitary_landfills", "rest")
m:process("fly_ash_treatment", "fly_ash_treatment", {
  ports = { washed_fly_ash = "building_materials", mixed_salt = "salt_products", hazardous_residue = "rigid_landfill" },
})

-- ---------------------------------------------------------------------
-- general industrial solid waste (附件1 rows 1, 13, 32), with storage

local isw_gen = {}
for _, n in ipairs(ISW) do
  local share = n:gsub("^isw_", "isw_share_")
  coef(share)
  product(n .. "_generation", "isw_generation", share)
  isw_gen[n] = n .. "_generation"
end
m:process("industry_isw", "source", { generation = isw_gen })
local function isw_route(mat, kind)
  if L.items["isw_util_" .. kind] then
    m:flow("industry_isw", "isw_utilisation", { share = "isw_util_" .. kind, material = mat })
  end
  m:flow("industry_isw", "isw_yard", { share = "isw_store_" .. kind, material = mat })
  m:flow("industry_isw", "isw_landfill", { rest = true, material = mat })
end
isw_route("isw_coal_ash", "coal_ash")
isw_route("isw_furfural_residue", "furfural_residue")
m:flow("industry_isw", "composite_pyrolysis", { share = "isw_pyrolysis_composites", material = "isw_composites" })
isw_route("isw_composites", "composites")
m:flow("industry_isw", "waste_salt_line", { share = "isw_salt_to_line", material = "isw_waste_salt" })
isw_route("isw_waste_salt", "salt")
isw_route("isw_other", "other")
-- 附件4 row 4: pyrolysis of glass-fibre and rubber wastes
m:process("composite_pyrolysis", "split")
m:flow("composite_pyrolysis", "isw_products", "rest")
-- the yard: what was stored in earlier years is drawn down to use (附件2 row 13)
m:process("isw_yard", "storage_yard", {
  params = { drawdown_share = "isw_drawdown", passthrough_share = 0 },
  ports = { outflow = "isw_utilisation" },
  initial = { isw_coal_ash = G:value("isw_yard_coal_ash_2019"), isw_other = G:value("isw_yard_other_2019") },
})

-- ---------------------------------------------------------------------
-- industrial hazardous waste (附件1 rows 2, 14, 29), with storage

local hw_gen = {}
for _, n in ipairs(HW) do
  local share = n:gsub("^hw_", "hw_share_")
  coef(share)
  product(n .. "_generation", "hw_generation", share)
  hw_gen[n] = n .. "_generation"
end
m:process("industry_hw", "source", { generation = hw_gen })
local function hw(to, lever_name, mat)
  m:flow("industry_hw", to, { share = lever_name, material = mat })
end
hw("waste_salt_line", "hw_salt_to_line", "hw_waste_salt")
hw("hw_utilisation", "hw_salt_util", "hw_waste_salt")
hw("hw_storage", "hw_salt_store", "hw_waste_salt")
m:flow("industry_hw", "hw_landfill_route", { rest = true, material = "hw_waste_salt" })
hw("carbon_regeneration", "hw_carbon_to_regen", "hw_spent_carbon")
hw("hw_utilisation", "hw_carbon_util", "hw_spent_carbon")
m:flow("industry_hw", "hw_treatment", { rest = true, material = "hw_spent_carbon" })
hw("acid_regeneration", "hw_acid_to_regen", "hw_waste_acid")
hw("hw_utilisation", "hw_acid_util", "hw_waste_acid")
m:flow("industry_hw", "hw_treatment", { rest = true, material = "hw_waste_acid" })
hw("hw_utilisation", "hw_oil_util", "hw_mineral_oil")
m:flow("industry_hw", "hw_treatment", { rest = true, material = "hw_mineral_oil" })
hw("battery_recovery", "hw_battery_to_recovery", "hw_battery")
hw("hw_utilisation", "hw_battery_util", "hw_battery")
m:flow("industry_hw", "hw_storage", { rest = true, material = "hw_battery" })
hw("mercury_recovery", "hw_lamp_to_recovery", "hw_mercury_lamp")
m:flow("industry_hw", "hw_landfill_route", { rest = true, material = "hw_mercury_lamp" })
hw("hw_utilisation", "hw_other_util", "hw_other")
hw("hw_treatment", "hw_other_treat", "hw_other")
hw("hw_storage", "hw_other_store", "hw_other")
m:flow("industry_hw", "hw_landfill_route", { rest = true, material = "hw_other" })

-- producers' storage, drawn down once the salt line runs
m:process("hw_storage", "storage_yard", {
  params = { drawdown_share = "hw_drawdown", passthrough_share = 0 },
  ports = { outflow = "hw_storage_release" },
  initial = { hw_waste_salt = G:value("hw_storage_salt_2019"), hw_other = G:value("hw_storage_other_2019") },
})
m:process("hw_storage_release", "split")
m:flow("hw_storage_release", "waste_salt_line", { share = 1, material = "hw_waste_salt" })
m:flow("hw_storage_release", "hw_utilisation", "rest")

-- the waste-salt line (附件4 row 10), phase 1 and phase 2; what exceeds
-- its capacity is landfilled (HW salt) or disposed (general salt)
m:process("waste_salt_line", "waste_salt_line", {
  capacity = "cap_salt_line", overflow = "salt_overflow",
  params = { design_capacity_t = "cap_salt_line" },
  ports = { refined_nacl = "salt_products", sodium_sulfate = "salt_products", mixed_salt = "salt_products",
            salt_residue = "hw_landfill_route", flue_gas = "air" },
})
m:process("salt_overflow", "split")
m:flow("salt_overflow", "hw_landfill_route", { share = 1, material = "hw_waste_salt" })
m:flow("salt_overflow", "isw_landfill", "rest")

-- spent activated carbon (附件4 row 12), waste acid (row 17), batteries
-- (rows 18, 20), mercury lamps (row 19)
m:process("carbon_regeneration", "carbon_regeneration", {
  capacity = "cap_carbon_regen", overflow = "hw_treatment",
  params = { design_capacity_t = "cap_carbon_regen" },
  ports = { regenerated_carbon = "carbon_market", hazardous_residue = "hw_treatment", flue_gas = "air" },
})
m:process("acid_regeneration", "split")
m:flow("acid_regeneration", "hw_products", "rest")
m:process("mercury_recovery", "split")
m:flow("mercury_recovery", "hw_products", "rest")
m:process("battery_recovery", "dismantling", {
  ports = { ferrous_scrap = "recycling_market", nonferrous_scrap = "recycling_market",
            recovered_plastic = "recycling_market", hazardous_parts = "hw_treatment", residue = "hw_treatment" },
})

-- HW landfill: outside Hengshui until the rigid landfill (附件4 row 13)
m:process("hw_landfill_route", "split")
m:flow("hw_landfill_route", "rigid_landfill", { share = "rigid_landfill_share" })
m:flow("hw_landfill_route", "hw_landfill_outside", "rest")
m:process("rigid_landfill", "rigid_landfill", {
  params = { volume_m3 = "rigid_landfill_volume" },
  ports = { leachate = "leachate_treatment" },
})

-- ---------------------------------------------------------------------
-- medical waste (附件1 rows 27, 30, 31)

m:process("hospitals", "source", {
  generation = { medical_waste = "medical_waste_generation", medical_recyclables = "medical_recyclables_generation" } })
m:flow("hospitals", "medical_plant", { rest = true, material = "medical_waste" })
m:flow("hospitals", "plastics_recycling", { share = "medical_recyclable_recovery", material = "medical_recyclables" })
m:flow("hospitals", "msw_transfer", { rest = true, material = "medical_recyclables" })
m:process("medical_plant", "medical_waste", {
  capacity = "cap_medical",
  ports = { bottom_ash = "sanitary_landfills", fly_ash = "fly_ash_route", flue_gas = "air",
            disinfected_waste = "msw_transfer" },
})
-- 附件4 rows 1–2: infusion bottles and bags to plastics recycling
m:process("plastics_recycling", "split")
m:flow("plastics_recycling", "recycling_market", "rest")

-- ---------------------------------------------------------------------
-- agricultural waste (附件1 rows 17–22, 33)

m:process("farms", "source", { generation = {
  straw = "straw_generation", ag_film = "film_use", pesticide_packaging = "pesticide_packaging_generation" } })
m:process("livestock_farms", "source", { generation = {
  manure = "manure_generation", dead_livestock = "dead_livestock_generation" } })
for _, use in ipairs { "fertiliser", "feed", "fuel", "base", "raw" } do
  m:flow("farms", "use_" .. use, { share = "straw_" .. use, material = "straw" })
end
m:flow("farms", "straw_unused", { rest = true, material = "straw" })
m:flow("farms", "film_recycling", { share = "film_recovery", material = "ag_film" })
m:flow("farms", "film_left_in_soil", { rest = true, material = "ag_film" })
m:flow("farms", "packaging_collection", { share = "pesticide_pack_recovery", material = "pesticide_packaging" })
m:flow("farms", "packaging_left", { rest = true, material = "pesticide_packaging" })
m:process("packaging_collection", "split")
m:flow("packaging_collection", "hw_treatment", "rest")
m:flow("livestock_farms", "manure_use", { share = "manure_utilisation", material = "manure" })
m:flow("livestock_farms", "manure_unused", { rest = true, material = "manure" })
m:flow("livestock_farms", "rendering_plant", { share = "dead_livestock_treated", material = "dead_livestock" })
m:flow("livestock_farms", "dead_livestock_buried", { rest = true, material = "dead_livestock" })

-- ---------------------------------------------------------------------
-- construction waste of the main city, the five classes of task 30 (附件1 row 24)

local cd_gen = {}
for _, n in ipairs(CD) do cd_gen[n] = n end
m:process("construction_sites", "source", { generation = cd_gen })
m:flow("construction_sites", "spoil_backfill", { share = "spoil_backfill", material = "cd_spoil" })
for _, k in ipairs { "engineering", "demolition", "decoration" } do
  m:flow("construction_sites", "cd_plant", { share = "cd_recycle_" .. k, material = "cd_" .. k })
end
m:flow("construction_sites", "cd_landfill", "rest")
-- 附件4 rows 23–24
m:process("cd_plant", "cd_recycling", {
  ports = { recycled_aggregate = "building_materials", ferrous_scrap = "recycling_market", residue = "cd_landfill" },
})

-- ---------------------------------------------------------------------
-- sewage sludge (附件1 row 35; 附件4 rows 25–27)

m:process("wwtp", "source", { generation = { sewage_sludge = "sludge_generation" } })
m:flow("wwtp", "sludge_digestion", { share = "sludge_to_digestion" })
m:flow("wwtp", "sludge_cofiring", { share = "sludge_to_cofiring" })
m:flow("wwtp", "sludge_brick_kiln", { share = "sludge_to_brick" })
m:flow("wwtp", "sludge_simple_disposal", { share = "sludge_simple" })
m:flow("wwtp", "sanitary_landfills", "rest")
m:process("sludge_digestion", "anaerobic_digestion", {
  capacity = "cap_sludge_digestion", overflow = "sanitary_landfills",
  params = { biogas_nm3_per_t = 20 },   -- plugins.md: 15–25 Nm3/t for dewatered sludge
  ports = { biogas = "biogas_use", digestate = "building_materials", residue = "sanitary_landfills" },
})
m:process("sludge_cofiring", "sludge_cofiring", {
  capacity = "cap_sludge_cofiring", overflow = "sanitary_landfills",
  params = { design_capacity_t = "cap_sludge_cofiring" },
  ports = { sludge_ash = "ash_market", flue_gas = "air" },
})
m:process("sludge_brick_kiln", "sludge_brick_kiln", {
  capacity = "cap_sludge_brick", overflow = "sanitary_landfills",
  ports = { bricks = "building_materials", flue_gas = "air" },
})

-- ---------------------------------------------------------------------
-- renewable resources (附件1 rows 26, 28): tyres, end-of-life vehicles and
-- power batteries as in-use stocks with lifetimes

m:process("tyre_sources", "source", { generation = { waste_tyres = "waste_tyres" } })
m:flow("tyre_sources", "recycling_market", "rest")

-- the fleet of 2019 and before: its retirements from a dynamic stock model
-- of past registrations (growing at the rate given before 2020)
local function retirements(prefix, mat)
  local inflow, g_before = G:value(prefix .. "_inflow"), G:value(prefix .. "_inflow_growth_before_2020")
  local first = 1990
  local hist = {}
  for y = first, HORIZON do
    hist[#hist + 1] = y < FIRST and inflow / (1 + g_before) ^ (FIRST - y) or 0
  end
  local d = flow.dsm { inflow = hist, lifetime = { "normal", mean = G:value(prefix .. "_lifetime_mean"),
                                                   sd = G:value(prefix .. "_lifetime_sd") } }
  local pts = {}
  for y = FIRST, HORIZON do pts[y] = d.outflow[y - first + 1] end
  m:param(prefix .. "_retirements_before_2020", flow.linear(pts),
          { unit = "t/a", source = "DERIVED: flow.dsm of past " .. mat .. " inflows (generation.csv)" })
  local g, pts2 = G:value(prefix .. "_inflow_growth"), {}
  for y = FIRST, HORIZON do pts2[y] = inflow * (1 + g) ^ (y - FIRST) end
  m:param(prefix .. "_inflow", flow.linear(pts2), { unit = "t/a", source = G:source(prefix .. "_inflow") })
end
retirements("vehicle", "vehicle")
retirements("power_battery", "power_battery")
m:process("fleet_before_2020", "source", {
  generation = { vehicle = "vehicle_retirements_before_2020", power_battery = "power_battery_retirements_before_2020" } })
m:process("vehicle_sales", "source", { generation = { vehicle = "vehicle_inflow", power_battery = "power_battery_inflow" } })
m:flow("vehicle_sales", "vehicle_fleet", { rest = true, material = "vehicle" })
m:flow("vehicle_sales", "battery_fleet", { rest = true, material = "power_battery" })
m:process("vehicle_fleet", "inuse_stock", {
  params = { distribution = 1, lifetime_mean_years = G:value("vehicle_lifetime_mean"),
             lifetime_sd_years = G:value("vehicle_lifetime_sd") },
  ports = { end_of_life = "elv_collection" },
})
m:process("battery_fleet", "inuse_stock", {
  params = { distribution = 1, lifetime_mean_years = G:value("power_battery_lifetime_mean"),
             lifetime_sd_years = G:value("power_battery_lifetime_sd") },
  ports = { end_of_life = "battery_collection" },
})
m:flow("fleet_before_2020", "elv_collection", { rest = true, material = "vehicle" })
m:flow("fleet_before_2020", "battery_collection", { rest = true, material = "power_battery" })
m:process("elv_collection", "split")
m:flow("elv_collection", "elv_dismantling", { share = "elv_local_share" })
m:flow("elv_collection", "elv_outside", "rest")
m:process("battery_collection", "split")
m:flow("battery_collection", "battery_recovery", { share = "power_battery_local_share" })
m:flow("battery_collection", "battery_outside", "rest")
-- 附件4 rows 21–22
m:process("elv_dismantling", "dismantling", {
  ports = { ferrous_scrap = "recycling_market", nonferrous_scrap = "recycling_market",
            recovered_plastic = "recycling_market", hazardous_parts = "hw_treatment", residue = "msw_transfer" },
})

-- ---------------------------------------------------------------------
-- the indicators of 附件1 (models/hengshui/indicators.csv)

local S = flow.sum
local function pct(a, b) return a / b * 100 end
local function decline(x) return flow.change(x, FIRST) * -100 end
local HW_USE = { "hw_utilisation", "waste_salt_line", "carbon_regeneration", "acid_regeneration", "battery_recovery",
                 "mercury_recovery" }
local hw_overflow = S { from = "waste_salt_line", to = "salt_overflow", material = HW } +
                    S { from = "carbon_regeneration", to = "hw_treatment", material = HW }
-- used: direct use and what the yard releases (it goes to isw_utilisation)
local isw_used = S { to = { "isw_utilisation", "composite_pyrolysis" } } +
                 S { to = "waste_salt_line", material = "isw_waste_salt" } -
                 S { from = "waste_salt_line", to = "salt_overflow", material = "isw_waste_salt" }
local isw_drawn = S { from = "isw_yard" }
local incin_capacity = flow.param "cap_incin_hengshui" + flow.param "cap_incin_jizhou" +
                       flow.param "cap_incin_shenzhou" + flow.param "cap_incin_anping" + flow.param "cap_incin_gucheng"
local RENEWABLE_FROM = { "urban_households", "sorted_recyclables", "rural_households", "plastics_recycling",
                         "tyre_sources", "cd_plant" }

local flow_based = {
  r01_isw_intensity = S { from = "industry_isw" } / flow.param "industrial_value_added",
  r02_hw_intensity = S { from = "industry_hw" } / flow.param "industrial_value_added",
  r10a_urban_msw_collected = S { to = "urban_collection" } / 1e4,
  r10b_rural_msw_collected = S { to = "rural_collection" } / 1e4,
  r11_sorting_coverage = flow.param "sorting_coverage" * 100,
  r13_isw_utilisation = pct(isw_used, S { from = "industry_isw" } + isw_drawn),
  r14_hw_utilisation = pct(S { to = HW_USE, material = HW } - hw_overflow,
                           S { from = "industry_hw" } + S { from = "hw_storage" }),
  r17_straw_utilisation = pct(S { to = { "use_fertiliser", "use_feed", "use_fuel", "use_base", "use_raw" } },
                              S { from = "farms", material = "straw" }),
  r18_manure_utilisation = pct(S { to = "manure_use" }, S { from = "livestock_farms", material = "manure" }),
  r19_film_recovery = pct(S { to = "film_recycling" }, S { from = "farms", material = "ag_film" }),
  r20_pesticide_pack_recovery = pct(S { to = "packaging_collection" },
                                    S { from = "farms", material = "pesticide_packaging" }),
  r21_pesticide_decline = decline(flow.param "pesticide_kg_per_mu"),
  r22_fertiliser_decline = decline(flow.param "fertiliser_kg_per_mu"),
  r24_cd_recycling = pct(S { to = "cd_plant" },
                         S { from = "construction_sites", material = { "cd_engineering", "cd_demolition", "cd_decoration" } }),
  r25_msw_recycling = pct(S { from = "urban_households", to = { "recycling_market", "sorted_recyclables" } } +
                          S { to = "kitchen_digestion", material = MSW.kitchen } -
                          S { from = "kitchen_digestion", to = "msw_transfer", material = MSW.kitchen },
                          S { from = "urban_households" }),
  r26_renewables_growth = flow.change(S { from = RENEWABLE_FROM, to = "recycling_market" } +
                                      S { to = { "elv_collection", "battery_collection" } }, FIRST) * 100,
  r27_medical_recyclables = pct(S { to = "plastics_recycling" }, S { from = "hospitals", material = "medical_recyclables" }),
  r29_hw_landfill_decline = decline(S { to = { "rigid_landfill", "hw_landfill_outside" }, material = HW_LANDFILLED }),
  r31_medical_harmless = pct(S { to = "medical_plant" }, S { from = "hospitals", material = "medical_waste" }),
  r32_isw_stored_disposed_decline = decline(S { from = "industry_isw", to = { "isw_yard", "isw_landfill" } }),
  r33_dead_livestock_treated = pct(S { to = "rendering_plant" }, S { from = "livestock_farms", material = "dead_livestock" }),
  r34_incineration_capacity_share = pct(incin_capacity, incin_capacity + flow.param "landfill_rated_capacity" +
                                                        flow.param "cap_kitchen"),
  r35_sludge_harmless = pct(S { from = "wwtp" } - S { to = "sludge_simple_disposal" }, S { from = "wwtp" }),
}

for _, row in ipairs(IND) do
  local where = "附件1 row " .. row.row
  local expr = flow_based[row.id]
  if row.kind == "series" and not expr then expr = flow.param(row.id) end
  if row.kind ~= "qualitative" then
    if not expr then flow.model_error("models/hengshui.lua: indicators.csv:" .. row.line .. ": no expression for " .. row.id) end
    m:indicator(row.id, expr, { unit = row.unit, source = where, title = row.name_zh })
    if row.cmp == "rises" then
      m:target(row.id, LAST, "rises", { source = where })
    elseif row.cmp ~= "not quantified" then
      m:target(row.id, LAST, row.cmp, tonumber(row.target_2025), { source = where })
    end
  end
end

-- more results: what the landfills receive, storage, the rigid landfill's
-- fill year, electricity
m:indicator("msw_landfilled_t", S { to = "sanitary_landfills", material = { MSW.kitchen, MSW.recyclable, MSW.hazardous, MSW.other,
                                                                             "medical_recyclables", "disinfected_waste" } },
            { unit = "t/a" })
m:indicator("msw_incinerated_t", flow.metric("throughput_t", { type = "incinerator" }), { unit = "t/a" })
m:indicator("hw_landfilled_t", S { to = { "rigid_landfill", "hw_landfill_outside" }, material = HW_LANDFILLED }, { unit = "t/a" })
m:indicator("fly_ash_landfilled_t", S { to = "sanitary_landfills", material = "fly_ash" }, { unit = "t/a" })
m:indicator("isw_stored_disposed_t", S { from = "industry_isw", to = { "isw_yard", "isw_landfill" } }, { unit = "t/a" })
m:indicator("isw_storage_t", flow.stock { process = "isw_yard" }, { unit = "t" })
m:indicator("hw_storage_t", flow.stock { process = "hw_storage" }, { unit = "t" })
m:indicator("salt_line_overflow_t", S { from = "waste_salt_line", to = "salt_overflow" }, { unit = "t/a" })
m:indicator("rigid_landfill_fill_year", flow.metric("fill_year", { process = "rigid_landfill" }), { unit = "year" })
m:indicator("rigid_landfill_remaining_m3", flow.metric("remaining_m3", { process = "rigid_landfill" }), { unit = "m3" })
m:indicator("sanitary_landfill_fill_year", flow.metric("fill_year", { process = "sanitary_landfills" }), { unit = "year" })
m:indicator("electricity_gwh", flow.metric("electricity_kwh", { type = "incinerator" }) / 1e6, { unit = "GWh/a" })
m:indicator("electricity_net_gwh", flow.metric("electricity_net_kwh", { type = "incinerator" }) / 1e6, { unit = "GWh/a" })

return m
