-- tests/lua/report.lua — the target table (flow.format_report, r:report,
-- flow.file_targets): the number format, the units column, the base year
-- in the header, what a "rises" target compares (its smallest
-- year-on-year rise), and a model without targets (its indicators in the
-- last year). Every expected text below is typed by hand from the rule in
-- docs/user-guide.md ("The target table").
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

-- the number format: from 1,000 up whole and grouped by thousands;
-- below that 4 significant digits, trailing zeros dropped; below 0.001
-- and from 1e15 up 4 significant digits with an exponent
local cases = {
  { 0, "0" }, { 25, "25" }, { 100, "100" }, { 0.5, "0.5" }, { -0.5, "-0.5" },
  { 14.893617, "14.89" }, { 6.8181818, "6.818" }, { 999.94, "999.9" },
  { 999.96, "1,000" },          -- 4 digits round it up to 1000: then grouped
  { -999.96, "-1,000" }, { 1000, "1,000" }, { 1234.4, "1,234" }, { -1234.6, "-1,235" },
  { 10106.382978, "10,106" }, { 1234567, "1,234,567" }, { 1e6, "1,000,000" },
  { 123456789012, "123,456,789,012" }, { 0.0012341, "0.001234" }, { 0.001, "0.001" },
  { 0.00012341, "1.234e-04" }, { -0.00012341, "-1.234e-04" }, { 2.5e15, "2.500e+15" },
  { 0 / 0, "n/a" }, { math.huge, "inf" }, { -math.huge, "-inf" },
}
for _, c in ipairs(cases) do T.eq(flow.format_number(c[1]), c[2], string.format("format_number(%.17g)", c[1])) end
T.eq(flow.format_number(nil), "-", "format_number(nil)")

-- a model with three targets. city generates 1000, 1234.5, 1500.25, 2000
-- t/a in 2020-2023 (a linear series through those points), all to dump.
--   generated (t/a): 1000, 1234.5, 1500.25, 2000; its rises from one year
--     to the next: 234.5, 265.75, 499.75, so the smallest is 234.5 (> 0: met)
--   big (kg/a) = generated * 1000: 1,000,000 in 2020, 2,000,000 in 2023;
--     target <= 1,234,567: missed by 765,433
--   share (%) = dump / city * 100 = 100; target >= 99.5 in 2022: met by 0.5
--   plain: 7, no unit
local function model(with_targets)
  local m = flow.model { name = with_targets and "rep" or "plain", years = { 2020, 2023 } }
  m:material("msw", "domestic")
  m:param("gen", flow.linear { [2020] = 1000, [2021] = 1234.5, [2022] = 1500.25, [2023] = 2000 })
  m:process("city", "source", { generation = { msw = "gen" } })
  m:process("dump", "sink")
  m:flow("city", "dump", "rest")
  m:indicator("generated", flow.sum { from = "city" }, { unit = "t/a" })
  if with_targets then
    m:indicator("big", flow.sum { from = "city" } * 1000, { unit = "kg/a" })
    m:indicator("share", flow.sum { to = "dump" } / flow.sum { from = "city" } * 100, { unit = "%" })
    m:target("generated", 2023, "rises", { source = "hand 1" })
    m:target("big", 2023, "<=", 1234567, { source = "hand 2" })
    m:target("share", 2022, ">=", 99.5, { source = "hand 3" })
  else
    m:indicator("plain", 7)
  end
  return m
end

local r = flow.run(model(true))
local tg = r:targets()
T.near(tg[1].achieved, 234.5, "rises: the smallest rise")
T.near(tg[1].margin, 234.5, "rises: the margin is the smallest rise")
T.eq(tg[1].met, true, "rises: met")
T.eq(tg[1].unit, "t/a", "targets: the indicator's unit")
T.eq(tg[2].unit, "kg/a", "targets: the indicator's unit (2)")
T.eq(tg[1].base_year, 2020, "targets: the base year")
T.near(tg[2].margin, -765433, "<=: missed by 765,433")

local want = {
  "scenario rep: 3 targets, base year 2020",
  "indicator  unit  year  base 2020  cmp          target  projected  met    margin  source",
  "generated  t/a   2023      1,000  rises  min rise > 0      234.5  yes     234.5  hand 1",
  "big        kg/a  2023  1,000,000  <=        1,234,567  2,000,000  NO   -765,433  hand 2",
  "share      %     2022        100  >=             99.5        100  yes       0.5  hand 3",
  "2 met, 1 missed, 0 not judged",
  "rises: projected is the smallest rise from one year to the next, 2020 to the target year",
}
local function lines_of(text)
  local out = {}
  for l in (text .. "\n"):gmatch("(.-)\n") do out[#out + 1] = l end
  return out
end
local function same_lines(text, want_lines, what)
  local got = lines_of(text)
  T.eq(#got, #want_lines, what .. ": number of lines")
  for i = 1, math.max(#got, #want_lines) do T.eq(got[i], want_lines[i], what .. ": line " .. i) end
end
local text, missed = r:report()
T.eq(missed, 1, "report: one target missed")
same_lines(text, want, "the target table")

-- the same table from a results file
local dir = os.getenv("FLOW_TEST_TMPDIR") or "/tmp"
local path = string.format("%s/report-lua-%d.h5", dir, math.random(1, 1e9))
r:save(path)
local f = flow.results_open(path)
local ftext, fmissed = flow.format_report("rep", flow.file_targets(f, "rep"))
same_lines(ftext, want, "the target table of the file")
T.eq(fmissed, 1, "file: one target missed")
f:close()

-- no targets: the indicators in the last year, 2023 (generated 2000;
-- plain 7, no unit)
local want_plain = {
  "scenario plain: no targets; its 2 indicators in 2023, the last year",
  "indicator  unit  value",
  "generated  t/a   2,000",
  "plain      -         7",
}
local p = flow.run(model(false))
local ptext, pmissed = p:report()
same_lines(ptext, want_plain, "no targets")
T.eq(pmissed, 0, "no targets: none missed")
p:save(path)
f = flow.results_open(path)
same_lines((flow.format_report("plain", flow.file_targets(f, "plain"))), want_plain, "no targets, from the file")
f:close()
os.remove(path)

T.done("report")
