-- flow.lua — the Lua layer of libflow's binding (embedded in the C module).
--
-- A model is described declaratively in Lua — materials, parameters,
-- processes, flows, indicators, targets — and every entry remembers the
-- file and line that defined it. Nothing reaches the C core until the
-- model is compiled, so a scenario can still add, remove or shift things
-- in the description. Compiling hands each object to C with its site, so
-- that errors found by the core ("shares add to 1.15, not 1") name the
-- Lua line at fault. docs/lua-api.md is the reference.
local core = ...
local getinfo, traceback = core.getinfo, core.traceback
local M = { version = core.version, dsm = core.dsm }

--- Results files (HDF5, docs/results-format.md): a writer (w:commit(),
--- w:close() to abandon; r:save(w) adds a scenario) and a reader
--- (scenarios, years, names, get, series, targets, attr).
M.results_create = core.results_create
M.results_open = core.results_open

--- A process type written in Lua (docs/plugins.md §4): registers it under
--- spec.name, for processes of the model as any plugin type; returns the name.
local lua_types = {} -- the names of the types written in Lua: flow.mc refuses them (one Lua state)
function M.process_type(spec)
  if type(spec) ~= "table" then error("flow.process_type: expected a table {name = ..., transfer = ...}", 2) end
  local name = core.process_type(spec)
  lua_types[name] = true
  return name
end

local fmt = string.format
local mtype = math.type

-- ---------------------------------------------------------------------
-- definition sites

-- The file and line of the caller `level` frames up (1 = the function
-- calling where()).
local function where(level)
  local info = getinfo(level + 1, "Sl")
  if not info then return "?", 0 end
  local src = info.source or "?"
  if src:sub(1, 1) == "@" or src:sub(1, 1) == "=" then src = src:sub(2) end
  return src, info.currentline or 0
end

-- The file being loaded by flow.load / load_scenarios, and its text:
-- the fallback site when the user's frame is gone (a tail call such as
-- `return flow.model {...}` replaces the caller's frame).
local loading = nil -- { path = , lines = {...} }

local function is_user(info)
  if info.what == "C" then return false end
  local src = info.source
  return src ~= "=[flow.lua]" and src:sub(1, 9) ~= "=[flowsim"
end

local function strip(src)
  local c1 = src:byte(1)
  if c1 == 64 or c1 == 61 then return src:sub(2) end -- '@' or '='
  return src
end

-- msg and the traceback of the user's frames only, from `level` up (1 =
-- the caller): the frames of flow.lua, of C and of flowsim's drivers name
-- nothing the user wrote.
local function user_traceback(msg, level)
  local out = { msg, "stack traceback:" }
  for l = level + 1, 200 do
    local info = getinfo(l, "Slnt")
    if not info then break end
    if is_user(info) then
      local what = info.what == "main" and "main chunk"
        or info.name and fmt("function '%s'", info.name)
        or fmt("function <%s:%d>", info.short_src, info.linedefined)
      out[#out + 1] = fmt("\t%s:%d: in %s", info.short_src, info.currentline or 0, what)
    end
  end
  return table.concat(out, "\n")
end

-- The site of a tail-called constructor (flow.model, flow.scenario): the
-- first line of the loading file that calls it.
local function tail_site(hint)
  if loading and hint then
    for i, line in ipairs(loading.lines) do
      local code = line:gsub("%-%-.*$", "") -- not in a comment
      if code:find("%." .. hint .. "%s*[{(]") then return loading.path, i end
    end
    return loading.path, 0
  end
  return "?", 0
end

-- The first frame outside this file: where the user's code is.
local function user_site(hint)
  -- the common case first: called by a method called from user code
  local info = getinfo(3, "Slt")
  if info and is_user(info) then return strip(info.source), info.currentline or 0 end
  for level = 2, 40 do
    info = getinfo(level, "Slt")
    if not info then break end
    if is_user(info) then return strip(info.source), info.currentline or 0 end
    if info.istailcall and info.source == "=[flow.lua]" then return tail_site(hint) end
  end
  return tail_site(hint)
end

-- An error in a model or scenario: "file:line: message", marked so that
-- a host prints it as it is, without a traceback.
local function model_error(msg)
  core.mark(msg)
  error(msg, 0)
end
M.model_error = model_error

local function site_error(site, msg, ...)
  model_error(fmt("%s:%d: " .. msg, site[1], site[2], ...))
end

-- ---------------------------------------------------------------------
-- series

local Series = { __name = "flow.Series" }
Series.__index = Series

local rules = { step = "step", linear = "linear", spline = "cspline", cspline = "cspline",
                akima = "akima", steffen = "steffen" }

-- Checks a table of points; returns the series, or nil and a message.
local function make_series(rule, t)
  if type(t) ~= "table" then
    return nil, fmt("flow.%s: expected a table {[year] = value, ...}, got %s", rule, type(t))
  end
  local pts = {}
  for y, v in pairs(t) do
    if mtype(y) ~= "integer" then
      return nil, fmt("flow.%s: keys must be whole years, got %s", rule, tostring(y))
    end
    if type(v) ~= "number" then
      return nil, fmt("flow.%s: the value for %d is a %s, not a number", rule, y, type(v))
    end
    if v ~= v or v == math.huge or v == -math.huge then
      return nil, fmt("flow.%s: the value for %d is %s, not a finite number", rule, y,
                      v ~= v and "NaN" or tostring(v))
    end
    pts[#pts + 1] = { y, v }
  end
  if #pts == 0 then return nil, fmt("flow.%s: a series needs at least one point", rule) end
  table.sort(pts, function(a, b) return a[1] < b[1] end)
  return setmetatable({ rule = rules[rule] or rule, points = pts }, Series)
end

for name in pairs(rules) do
  M[name] = function(t)
    local s, err = make_series(name, t)
    if not s then site_error({ user_site() }, "%s", err) end
    return s
  end
end

function Series:shifted(years)
  local pts = {}
  for i, p in ipairs(self.points) do pts[i] = { p[1] + years, p[2] } end
  return setmetatable({ rule = self.rule, points = pts }, Series)
end

-- A number, a series, or a plain table keyed by years (linear).
local function as_series(v, what, site)
  if getmetatable(v) == Series then return v end
  if type(v) == "number" then return setmetatable({ rule = "step", points = { { 0, v } }, const = true }, Series) end
  if type(v) == "table" and next(v) ~= nil then
    local s, err = make_series("linear", v)
    if s then return s end
    site_error(site, "%s: %s", what, err)
  end
  site_error(site, "%s: expected a number, a series or a table {[year] = value}, got %s", what, type(v))
end
M.as_series = function(v) return as_series(v, "series", { user_site() }) end

-- ---------------------------------------------------------------------
-- data files (CSV): the numbers of a model, edited in a spreadsheet

local io_open = io and io.open

-- One line of a CSV file: fields separated by commas, a field in double
-- quotes may hold commas and "" for a quote. Returns the fields, or nil
-- and a message.
local function csv_fields(line)
  local out, i, n = {}, 1, #line
  while true do
    local field
    if line:sub(i, i) == '"' then
      local buf, j = {}, i + 1
      while true do
        local q = line:find('"', j, true)
        if not q then return nil, "a quoted field is not closed" end
        buf[#buf + 1] = line:sub(j, q - 1)
        if line:sub(q + 1, q + 1) == '"' then buf[#buf + 1] = '"'; j = q + 2
        else i = q + 1; break end
      end
      field = table.concat(buf)
      local rest = line:match("^%s*", i)
      i = i + #rest
      if i <= n and line:sub(i, i) ~= "," then return nil, "text after a closing quote" end
    else
      local c = line:find(",", i, true) or n + 1
      -- trimmed; not "^%s*(.-)%s*$", which tries the end at every byte
      field = line:sub(i, c - 1):match("^%s*(.*%S)") or ""
      i = c
    end
    out[#out + 1] = field
    if i > n then return out end
    i = i + 1 -- the comma
    if i > n then out[#out + 1] = ""; return out end
  end
end

-- The folder of a path.
local function dir_of(path) return path:match("^(.*)/[^/]*$") or "." end

-- The folder of the calling file (the current folder when it is unknown).
local function here_dir(site)
  if site[1] == "?" then return "." end
  return dir_of(site[1])
end

-- The header line: the columns once each, the required ones there;
-- returns the set {column = index}.
local function csv_header(path, lineno, cols, required)
  local set = {}
  for i, c in ipairs(cols) do
    if set[c] then return nil, fmt("%s:%d: the column '%s' appears twice", path, lineno, c) end
    set[c] = i
  end
  for _, c in ipairs(required or {}) do
    if not set[c] then
      return nil, fmt("%s:%d: the header lacks the column '%s' (it has: %s)", path, lineno, c,
                      table.concat(cols, ", "))
    end
  end
  return set
end

-- The rows of an open file; returns rows, cols, or nil and a message.
local function csv_rows(f, path, required)
  local rows, cols, lineno = {}, nil, 0
  for line in f:lines() do
    lineno = lineno + 1
    line = line:gsub("\r$", "")
    if lineno == 1 then line = line:gsub("^\239\187\191", "") end -- a spreadsheet's BOM
    if not (line:match("^%s*$") or line:match("^%s*#")) then
      local fields, err = csv_fields(line)
      if not fields then return nil, fmt("%s:%d: %s", path, lineno, err) end
      if not cols then
        local ok, herr = csv_header(path, lineno, fields, required)
        if not ok then return nil, herr end
        cols = fields
      elseif #fields ~= #cols then
        return nil, fmt("%s:%d: %d fields, but the header has %d columns", path, lineno, #fields, #cols)
      else
        local row = { line = lineno }
        for i, c in ipairs(cols) do row[c] = fields[i] end
        rows[#rows + 1] = row
      end
    end
  end
  if not cols then return nil, fmt("%s: the file is empty (a header line is required)", path) end
  return rows, cols
end

--- Reads a CSV file with a header line: a list of rows {column = text},
--- each with `line` (its line number), the list of columns, and the path
--- read. Blank lines and lines starting with '#' are skipped. A relative
--- path is taken from the folder of the calling file; `required` lists
--- columns that must be there.
function M.read_csv(path, required)
  local site = { user_site() }
  if type(path) ~= "string" then site_error(site, "flow.read_csv: the path must be a string") end
  if path:sub(1, 1) ~= "/" then path = here_dir(site) .. "/" .. path end
  if not io_open then site_error(site, "%s: data files cannot be read here (flowsim --sandbox)", path) end
  local f, err = io_open(path, "r")
  if not f then site_error(site, "%s", err) end
  local rows, cols = csv_rows(f, path, required)
  f:close()
  if not rows then model_error(cols) end
  return rows, cols, path
end

local Data = { __name = "flow.Data" }
Data.__index = Data

--- Reads a data file of series (columns name, year, value, unit, source;
--- more columns are allowed and kept in the rows): docs/lua-api.md.
function M.data(path)
  local rows, _, full = M.read_csv(path, { "name", "year", "value", "unit", "source" })
  local d = setmetatable({ path = full, items = {}, order = {} }, Data)
  for _, r in ipairs(rows) do
    local function bad(msg, ...) model_error(fmt("%s:%d: " .. msg, full, r.line, ...)) end
    if r.name == "" then bad("the name is empty") end
    local y = tonumber(r.year)
    if not y or mtype(y) ~= "integer" then bad("'%s': the year '%s' is not a whole number", r.name, r.year) end
    local v = tonumber(r.value)
    if not v or v ~= v or v == math.huge or v == -math.huge then
      bad("'%s' %d: the value '%s' is not a finite number", r.name, y, r.value)
    end
    if r.unit == "" then bad("'%s' %d: the unit is empty (write 1 for a pure number)", r.name, y) end
    if r.source == "" then bad("'%s' %d: the source is empty (a plan row, a fact, or ESTIMATE: basis)", r.name, y) end
    local s = d.items[r.name]
    if not s then
      s = { name = r.name, unit = r.unit, values = {}, sources = {}, lines = {} }
      d.items[r.name] = s
      d.order[#d.order + 1] = r.name
    elseif s.unit ~= r.unit then
      bad("'%s': the unit '%s' differs from '%s' at line %d", r.name, r.unit, s.unit, s.lines[next(s.lines)])
    end
    if s.values[y] then bad("'%s' %d is given twice (first at line %d)", r.name, y, s.lines[y]) end
    s.values[y], s.sources[y], s.lines[y] = v, r.source, r.line
  end
  return d
end

-- An error of a lookup: at the caller's line when it is known.
local function data_error(msg, ...)
  local site = { user_site() }
  if site[1] == "?" then model_error(fmt(msg, ...)) end
  site_error(site, msg, ...)
end

local function data_get(d, name)
  local s = d.items[name]
  if not s then data_error("%s: no series '%s'", d.path, tostring(name)) end
  return s
end

--- The value of `name` in `year`; without a year, the series must have one value.
function Data:value(name, year)
  local s = data_get(self, name)
  if year == nil then
    local y, v = next(s.values)
    if next(s.values, y) ~= nil then
      data_error("%s: '%s' has several years: give the year", self.path, name)
    end
    return v
  end
  local v = s.values[year]
  if v == nil then data_error("%s: '%s' has no value for %d", self.path, name, year) end
  return v
end

--- The series of `name` as a flow series (rule: "linear" by default, or
--- "step", "spline", "akima", "steffen").
function Data:series(name, rule)
  local s = data_get(self, name)
  local out, err = make_series(rule or "linear", s.values)
  if not out then model_error(fmt("%s: '%s': %s", self.path, name, err)) end
  return out
end

--- The unit of `name`; its source in `year` (the first year without one).
function Data:unit(name) return data_get(self, name).unit end
function Data:source(name, year)
  local s = data_get(self, name)
  if year == nil then year = next(s.values) end
  return s.sources[year]
end
--- The years of `name`, sorted; the names in the file's order.
function Data:years(name)
  local ys = {}
  for y in pairs(data_get(self, name).values) do ys[#ys + 1] = y end
  table.sort(ys)
  return ys
end
function Data:names() return { table.unpack(self.order) } end

-- ---------------------------------------------------------------------
-- expressions (for indicators)

local Expr = { __name = "flow.Expr" }
Expr.__index = Expr
local function E(t) return setmetatable(t, Expr) end
local function lift(x)
  if getmetatable(x) == Expr then return x end
  if type(x) == "number" then return E { op = "const", value = x } end
  error(fmt("an indicator expression was expected, got %s", type(x)), 3)
end
for mm, sym in pairs { __add = "+", __sub = "-", __mul = "*", __div = "/" } do
  Expr[mm] = function(a, b) return E { op = "op", fn = sym, a = lift(a), b = lift(b) } end
end
Expr.__unm = function(a) return E { op = "op", fn = "-", a = lift(0), b = lift(a) } end

--- The sum of the flows a selector picks: {from=, to=, from_kind=, to_kind=,
--- material=, category=}; each a name or a list of names.
function M.sum(sel) return E { op = "flows", sel = sel or {} } end
--- The sum of stocks: {process=, material=, category=}.
function M.stock(sel) return E { op = "stocks", sel = sel or {} } end
function M.param(name) return E { op = "param", name = name } end
--- The sum of a plugin type's metric over processes: {process=, type=}
--- (each a name or a list; none: every process that reports it).
function M.metric(name, sel)
  if type(name) ~= "string" then error("flow.metric: the metric's name must be a string", 2) end
  return E { op = "metrics", metric = name, sel = sel or {} }
end
function M.const(v) return lift(v) end
function M.at(x, year) return E { op = "at", a = lift(x), year = year } end
function M.change(x, base_year) return E { op = "change", a = lift(x), year = base_year } end
function M.min(a, b) return E { op = "op", fn = "min", a = lift(a), b = lift(b) } end
function M.max(a, b) return E { op = "op", fn = "max", a = lift(a), b = lift(b) } end
function M.ratio(a, b) return lift(a) / lift(b) end
--- Another indicator, by name.
function M.ref(name) return E { op = "ref", name = name } end

-- ---------------------------------------------------------------------
-- model descriptions

local Model = { __name = "flow.ModelDescription" }
Model.__index = Model
M.Model = Model

local function opts_of(x) return type(x) == "table" and x or {} end

-- An option table must not hold keys the function does not know: a typo
-- ("capacty") or a wrong place ("interp" on a parameter) would otherwise
-- be ignored, and the number silently wrong.
local function check_opts(opts, known, site, what)
  for k in pairs(opts) do
    if type(k) == "string" and not known[k] then
      local names = {}
      for n in pairs(known) do names[#names + 1] = n end
      table.sort(names)
      site_error(site, "%s: unknown option '%s' (known: %s)", what, k, table.concat(names, ", "))
    end
  end
end

function Model:material(name, category, opts)
  local site = { user_site() }
  opts = opts_of(opts)
  if type(name) ~= "string" then site_error(site, "material: the name must be a string") end
  self.materials[#self.materials + 1] = { name = name, category = category or opts.category,
                                          unit = opts.unit or "t", site = site }
  return self
end

function Model:param(name, value, opts)
  local site = { user_site() }
  opts = opts_of(opts)
  if type(name) ~= "string" then site_error(site, "parameter: the name must be a string") end
  check_opts(opts, { unit = 1, bounds = 1, source = 1, uncertainty = 1, name = 1, value = 1 }, site,
             "parameter '" .. name .. "'")
  local p = { name = name, unit = opts.unit, bounds = opts.bounds, site = site, source = opts.source,
              uncertainty = opts.uncertainty }
  if type(value) == "table" and value.product then
    p.product = value.product
  else
    p.series = as_series(value, "parameter '" .. name .. "'", site)
  end
  if self.param_index[name] then
    site_error(site, "parameter '%s' is defined twice (first at %s:%d)", name,
               self.params[self.param_index[name]].site[1], self.params[self.param_index[name]].site[2])
  end
  self.params[#self.params + 1] = p
  self.param_index[name] = #self.params
  return self
end

--- A derived parameter: the product of two named parameters.
function M.product(a, b) return { product = { a, b } } end

function Model:process(name, kind, opts)
  local site = { user_site() }
  if type(kind) == "table" and opts == nil then kind, opts = kind.kind or kind[1], kind end
  opts = opts_of(opts)
  if type(name) ~= "string" then site_error(site, "process: the name must be a string") end
  check_opts(opts, { capacity = 1, overflow = 1, generation = 1, mode = 1, lifetime = 1, initial = 1, path = 1,
                     description = 1, params = 1, ports = 1, kind = 1, name = 1, source = 1 }, site,
             "process '" .. name .. "'")
  self.processes[#self.processes + 1] = {
    name = name, kind = kind, site = site, capacity = opts.capacity, overflow = opts.overflow,
    generation = opts.generation, mode = opts.mode, lifetime = opts.lifetime, initial = opts.initial,
    path = opts.path, description = opts.description, params = opts.params, ports = opts.ports,
  }
  return self
end

--- flow(from, to, "rest" | {share = a} | {fixed = a} | {rest = true}, material = name | {names})
function Model:flow(from, to, how, opts, site)
  site = site or { user_site() }
  -- how: "rest" or a table with share/fixed/rest; opts: material (and,
  -- in the three-argument form, how itself)
  local spec = {}
  if type(how) == "table" then for k, v in pairs(how) do spec[k] = v end end
  if type(opts) == "table" and opts ~= how then
    for k, v in pairs(opts) do if spec[k] == nil then spec[k] = v end end
  end
  local f = { from = from, to = to, site = site, material = spec.material }
  if how == "rest" or spec.rest then
    f.mode = "rest"
  elseif spec.share ~= nil then
    f.mode, f.amount = "share", spec.share
  elseif spec.fixed ~= nil then
    f.mode, f.amount = "fixed", spec.fixed
  else
    site_error(site, "flow %s->%s: say how much: \"rest\", {share = ...} or {fixed = ...}",
               tostring(from), tostring(to))
  end
  self.flows[#self.flows + 1] = f
  return self
end

function Model:indicator(name, expr, opts)
  local site = { user_site() }
  opts = opts_of(opts)
  if getmetatable(expr) ~= Expr then
    if type(expr) == "number" then expr = lift(expr)
    else site_error(site, "indicator '%s': expected an expression (flow.sum, flow.stock, ...)", tostring(name)) end
  end
  if opts.title ~= nil and type(opts.title) ~= "string" then
    site_error(site, "indicator '%s': title must be a string, not a %s", tostring(name), type(opts.title))
  end
  self.indicators[#self.indicators + 1] = { name = name, expr = expr, unit = opts.unit,
                                            source = opts.source, site = site,
                                            base = opts.base, title = opts.title }
  return self
end

--- target(indicator, year, cmp, value, {source = ...}); cmp one of >= > <= < rises
function Model:target(indicator, year, cmp, value, opts)
  local site = { user_site() }
  if type(value) == "table" and opts == nil then value, opts = nil, value end
  opts = opts_of(opts)
  self.targets[#self.targets + 1] = { indicator = indicator, year = year, cmp = cmp, value = value,
                                      source = opts.source, site = site }
  return self
end

--- Removes a process and every flow to or from it.
function Model:remove(name, site)
  site = site or { user_site() }
  local found = false
  for i = #self.processes, 1, -1 do
    if self.processes[i].name == name then table.remove(self.processes, i); found = true end
  end
  if not found then site_error(site, "remove: no process '%s'", tostring(name)) end
  for i = #self.flows, 1, -1 do
    local f = self.flows[i]
    if f.from == name or f.to == name then table.remove(self.flows, i) end
  end
  for _, p in ipairs(self.processes) do
    if p.overflow == name then p.overflow = nil end
  end
  return self
end

--- Replaces a parameter's series (a lever in a scenario).
function Model:set(name, value, site)
  site = site or { user_site() }
  local i = self.param_index[name]
  if not i then site_error(site, "set: no parameter '%s'", tostring(name)) end
  local p = self.params[i]
  p.series = as_series(value, "parameter '" .. name .. "'", site)
  p.product = nil
  p.set_at = site
  return self
end

--- Moves a parameter's series in time by `years` (a facility a year late: shift its capacity).
function Model:shift(name, years, site)
  site = site or { user_site() }
  local i = self.param_index[name]
  if not i then site_error(site, "shift: no parameter '%s'", tostring(name)) end
  local p = self.params[i]
  if not p.series then site_error(site, "shift: parameter '%s' is a product, shift its factors", name) end
  p.series = p.series:shifted(years)
  return self
end

function Model:copy()
  local function deep(x, seen)
    if type(x) ~= "table" then return x end
    if getmetatable(x) == Expr or getmetatable(x) == Series then return x end -- immutable
    if seen[x] then return seen[x] end
    local t = {}
    seen[x] = t
    for k, v in pairs(x) do t[deep(k, seen)] = deep(v, seen) end
    return setmetatable(t, getmetatable(x))
  end
  return deep(self, {})
end

local sections = { "materials", "parameters", "processes", "flows", "indicators", "targets" }

--- flow.model{ name =, years = {first, last}, materials = {...}, parameters = {...},
---   processes = {...}, flows = {...}, indicators = {...}, targets = {...} }
function M.model(spec)
  local site = { user_site("model") }
  if type(spec) ~= "table" then site_error(site, "flow.model: expected a table") end
  local years = spec.years
  if type(years) ~= "table" or mtype(years[1]) ~= "integer" or mtype(years[2]) ~= "integer" then
    site_error(site, "flow.model: years = {first, last} with whole years is required")
  end
  local n_years = 0
  for _ in pairs(years) do n_years = n_years + 1 end
  if n_years ~= 2 then
    site_error(site, fmt("flow.model: years = {first, last}: give the first and the last year only, got %d values",
                         n_years))
  end
  if years[1] < 1000 or years[1] > 9999 or years[2] < 1000 or years[2] > 9999 then
    site_error(site, fmt("flow.model: years %d-%d: years must lie in 1000-9999", years[1], years[2]))
  end
  local m = setmetatable({ name = spec.name or "model", first = years[1], last = years[2],
                           materials = {}, params = {}, param_index = {}, processes = {}, flows = {},
                           indicators = {}, targets = {}, site = site,
                           description = spec.description }, Model)
  for k in pairs(spec) do
    if type(k) ~= "string" or not (k == "name" or k == "years" or k == "description" or
      ({ materials = 1, parameters = 1, processes = 1, flows = 1, indicators = 1, targets = 1 })[k]) then
      site_error(site, "flow.model: unknown field '%s'", tostring(k))
    end
  end
  for _, e in ipairs(spec.materials or {}) do m:material(e[1] or e.name, e[2] or e.category, e) end
  -- parameters: a map name -> value, or a list of {name, value, unit=...}
  local ps = spec.parameters or {}
  if #ps > 0 then
    for _, e in ipairs(ps) do m:param(e[1] or e.name, e[2] or e.value, e) end
  else
    local names = {}
    for k in pairs(ps) do names[#names + 1] = k end
    table.sort(names)
    for _, k in ipairs(names) do
      local v = ps[k]
      if type(v) == "table" and getmetatable(v) == nil and v.value ~= nil then m:param(k, v.value, v)
      else m:param(k, v) end
    end
  end
  for _, e in ipairs(spec.processes or {}) do m:process(e[1] or e.name, e[2] or e.kind, e) end
  for _, e in ipairs(spec.flows or {}) do m:flow(e[1], e[2], e[3] or e, e[3] and e or nil) end
  for _, e in ipairs(spec.indicators or {}) do m:indicator(e[1] or e.name, e[2] or e.expr, e) end
  for _, e in ipairs(spec.targets or {}) do m:target(e[1], e[2], e[3], e[4], e) end
  -- the table form defines everything at the flow.model line: point there
  for _, sec in ipairs({ m.materials, m.params, m.processes, m.flows, m.indicators, m.targets }) do
    for _, e in ipairs(sec) do if e.site[1] == "?" then e.site = site end end
  end
  return m
end

-- ---------------------------------------------------------------------
-- compiling a description into the C core

-- Which processes each option of m:process applies to (docs/lua-api.md,
-- "Processes"): elsewhere it would be ignored, so it is an error. A
-- process is described by its kind, a stock by its mode, a process of a
-- plugin type as "typed".
local core_kinds = { source = 1, split = 1, sink = 1, stock = 1 }
local stock_modes = { accumulate = 1, storage = 1, inuse = 1, inuse_driven = 1 }
local option_scope = {
  { "generation", "a source", { source = 1 } },
  { "capacity", "every process but a stock of mode inuse_driven",
    { source = 1, split = 1, sink = 1, accumulate = 1, storage = 1, inuse = 1, typed = 1 } },
  { "overflow", "every process but a stock of mode inuse_driven",
    { source = 1, split = 1, sink = 1, accumulate = 1, storage = 1, inuse = 1, typed = 1 } },
  { "mode", "a stock", stock_modes },
  { "lifetime", "a stock of mode inuse or inuse_driven", { inuse = 1, inuse_driven = 1 } },
  { "initial", "a stock of mode accumulate or storage, or a process of a plugin type",
    { accumulate = 1, storage = 1, typed = 1 } },
  { "path", "a stock of mode inuse_driven", { inuse_driven = 1 } },
  { "params", "a process of a plugin type", { typed = 1 } },
  { "ports", "a process of a plugin type", { typed = 1 } },
}

local function check_scope(p)
  local class, what
  if p.kind == "stock" then
    class = p.mode or "accumulate"
    if not stock_modes[class] then return end -- reported by _stock_mode, with a suggestion
    what = "a stock of mode " .. class
  elseif core_kinds[p.kind] then
    class, what = p.kind, "a " .. p.kind
  else
    class, what = "typed", fmt("a process of type '%s'", p.kind)
  end
  for _, o in ipairs(option_scope) do
    local name, scope, classes = o[1], o[2], o[3]
    if p[name] ~= nil and not classes[class] then
      site_error(p.site, "process '%s': option '%s' does not apply to %s (it is for %s)", p.name, name, what,
                 scope)
    end
  end
end

local Compiled = { __name = "flow.Compiled" }
Compiled.__index = Compiled

local function list_of(x)
  if x == nil then return nil end
  if type(x) == "table" then return x end
  return { x }
end

function Model:compile()
  local m = self
  local md = core.model_new(m.first, m.last)
  local c = setmetatable({ md = md, desc = m, mat = {}, proc = {}, param = {}, ind = {}, targets = {},
                           anon = 0 }, Compiled)
  local function at(site) md:_origin(site[1], site[2]) end
  local function look(map, what, name, site)
    local i = map[name]
    if i then return i end
    local names = {}
    for k in pairs(map) do names[#names + 1] = k end
    table.sort(names)
    local best = core.nearest(tostring(name), names)
    if best then site_error(site, "no %s '%s' (did you mean '%s'?)", what, tostring(name), best) end
    site_error(site, "no %s '%s'", what, tostring(name))
  end
  c.look = look
  for _, e in ipairs(m.materials) do
    at(e.site)
    c.mat[e.name] = md:_material(e.name, e.category or "domestic", e.unit)
  end
  local function add_series(name, unit, s, site)
    at(site)
    local ys, vs = {}, {}
    for i, p in ipairs(s.points) do ys[i], vs[i] = p[1], p[2] end
    if s.const then ys[1] = m.first end
    return md:_param(name, unit, s.rule, ys, vs)
  end
  for _, p in ipairs(m.params) do
    if p.product then
      at(p.site)
      c.param[p.name] = md:_param_product(p.name, p.unit, look(c.param, "parameter", p.product[1], p.site),
                                          look(c.param, "parameter", p.product[2], p.site))
    else
      c.param[p.name] = add_series(p.name, p.unit, p.series, p.site)
    end
    if p.bounds then
      at(p.site)
      md:_bounds(c.param[p.name], p.bounds[1], p.bounds[2])
    end
  end
  -- an amount: number (coef), parameter name (param), series / year table (anonymous parameter)
  local function amount(v, what, site)
    if type(v) == "number" then return v, nil end
    if type(v) == "string" then return 1, look(c.param, "parameter", v, site) end
    if type(v) == "table" and v.param then return v.coef or 1, look(c.param, "parameter", v.param, site) end
    local s = as_series(v, what, site)
    c.anon = c.anon + 1
    return 1, add_series(fmt("%s #%d", what, c.anon), nil, s, site)
  end
  for _, p in ipairs(m.processes) do
    at(p.site)
    if type(p.kind) ~= "string" then site_error(p.site, "process '%s': the kind is missing", tostring(p.name)) end
    c.proc[p.name] = md:_process(p.name, p.kind)
  end
  local function per_material(tbl, p, what, fn)
    if tbl == nil then return end
    if type(tbl) ~= "table" or getmetatable(tbl) then
      site_error(p.site, "process '%s': %s = {material = amount, ...}", p.name, what)
    end
    local names = {}
    for k in pairs(tbl) do names[#names + 1] = k end
    table.sort(names)
    for _, k in ipairs(names) do fn(look(c.mat, "material", k, p.site), tbl[k], k) end
  end
  local function per_name(tbl, p, what, fn)
    if tbl == nil then return end
    if type(tbl) ~= "table" or getmetatable(tbl) then
      site_error(p.site, "process '%s': %s = {name = value, ...}", p.name, what)
    end
    local names = {}
    for k in pairs(tbl) do
      if type(k) ~= "string" then site_error(p.site, "process '%s': %s: the keys are names", p.name, what) end
      names[#names + 1] = k
    end
    table.sort(names)
    for _, k in ipairs(names) do fn(k, tbl[k]) end
  end
  for _, p in ipairs(m.processes) do
    local pi = c.proc[p.name]
    check_scope(p)
    if p.mode then at(p.site); md:_stock_mode(pi, p.mode) end
    if p.lifetime then at(p.site); md:_lifetime(pi, p.lifetime) end
    per_material(p.generation, p, "generation", function(mi, v, k)
      local coef, par = amount(v, fmt("generation of %s in %s", k, p.name), p.site)
      at(p.site); md:_generation(pi, mi, coef, par)
    end)
    per_material(p.initial, p, "initial", function(mi, v)
      at(p.site); md:_initial(pi, mi, v)
    end)
    per_material(p.path, p, "path", function(mi, v, k)
      local coef, par = amount(v, fmt("stock path of %s in %s", k, p.name), p.site)
      at(p.site); md:_stock_path(pi, mi, coef, par)
    end)
    -- a process of a plugin type: its parameters and where its ports go
    per_name(p.params, p, "params", function(k, v)
      local coef, par = amount(v, fmt("parameter %s of %s", k, p.name), p.site)
      at(p.site); md:_type_param(pi, k, coef, par)
    end)
    per_name(p.ports, p, "ports", function(k, v)
      local to = look(c.proc, "process", v, p.site)
      at(p.site); md:_port(pi, k, to)
    end)
    if p.capacity ~= nil then
      local coef, par = amount(p.capacity, "capacity of " .. p.name, p.site)
      if par == nil or coef ~= 1 then
        -- a capacity is a parameter: a constant or scaled one becomes its own
        local s = par and nil or as_series(coef, "capacity of " .. p.name, p.site)
        if s then par = add_series("capacity of " .. p.name, "t/a", s, p.site)
        else site_error(p.site, "process '%s': a capacity is a number, a series or a parameter name", p.name) end
      end
      at(p.site)
      md:_capacity(pi, par, p.overflow and look(c.proc, "process", p.overflow, p.site) or nil)
    elseif p.overflow then
      site_error(p.site, "process '%s': an overflow needs a capacity", p.name)
    end
  end
  for _, f in ipairs(m.flows) do
    local from = look(c.proc, "process", f.from, f.site)
    local to = look(c.proc, "process", f.to, f.site)
    local mats = list_of(f.material)
    local what = fmt("%s %s->%s", f.mode, f.from, f.to)
    local coef, par = 1, nil
    if f.mode ~= "rest" then coef, par = amount(f.amount, what, f.site) end
    if mats then
      for _, mn in ipairs(mats) do
        local mi = look(c.mat, "material", mn, f.site)
        at(f.site); md:_flow(from, to, mi, f.mode, coef, par)
      end
    else
      at(f.site); md:_flow(from, to, nil, f.mode, coef, par)
    end
  end
  -- indicators
  local kinds = { source = 0, split = 1, sink = 2, stock = 3, typed = 4 }
  local cats = { industrial = 0, hazardous = 1, agricultural = 2, construction = 3, domestic = 4,
                 medical = 5, sludge = 6, product = 7, emission = 8 }
  local ind_nodes = {}
  local function resolve(list, map, what, site)
    if list == nil then return nil end
    local out = {}
    for i, n in ipairs(list_of(list)) do out[i] = look(map, what, n, site) end
    return out
  end
  local function build(x, site)
    if x.op == "const" then return md:_expr_const(x.value) end
    if x.op == "param" then return md:_expr_param(look(c.param, "parameter", x.name, site)) end
    if x.op == "ref" then return ind_nodes[x.name] or look({}, "indicator (defined before this one)", x.name, site) end
    if x.op == "op" then return md:_expr_op(x.fn, build(x.a, site), build(x.b, site)) end
    if x.op == "at" or x.op == "change" then
      if mtype(x.year) ~= "integer" then site_error(site, "flow.%s: the year must be a whole number", x.op) end
      return md:_expr_year(x.op, build(x.a, site), x.year)
    end
    local s = x.sel
    local known = { from = 1, to = 1, from_kind = 1, to_kind = 1, material = 1, category = 1, process = 1,
                    from_type = 1, to_type = 1, type = 1 }
    if x.op == "metrics" then known = { process = 1, type = 1 } end
    for k in pairs(s) do
      if not known[k] then site_error(site, "selector: unknown field '%s'", tostring(k)) end
    end
    -- processes by plugin type: the processes of the model whose kind is
    -- one of the types; a name that is no type at all is an error
    local function of_type(list)
      if list == nil then return nil end
      local out = {}
      for _, tn in ipairs(list_of(list)) do
        local found = false
        for _, p in ipairs(m.processes) do
          if p.kind == tn then out[#out + 1] = c.proc[p.name]; found = true end
        end
        if not found and (kinds[tn] or not core.type_known(tn)) then
          site_error(site, "selector: '%s' is not a plugin type%s", tostring(tn),
                     kinds[tn] and " (a core kind: use from_kind / to_kind)" or "")
        end
      end
      return out
    end
    -- both given: the processes in both lists
    local function both(a, b)
      if a == nil then return b end
      if b == nil then return a end
      local inb, out = {}, {}
      for _, v in ipairs(b) do inb[v] = true end
      for _, v in ipairs(a) do if inb[v] then out[#out + 1] = v end end
      return out
    end
    local from = both(resolve(s.from or s.process, c.proc, "process", site), of_type(s.from_type or s.type))
    local to = both(resolve(s.to, c.proc, "process", site), of_type(s.to_type))
    -- a type with no process (a scenario removed them all) selects
    -- nothing, not everything
    if (s.from_type or s.type) and #from == 0 or s.to_type and #to == 0 then return md:_expr_const(0) end
    if x.op == "metrics" then return md:_expr_metrics(x.metric, { from = from }) end
    local sel = {
      from = from,
      to = to,
      from_kind = resolve(s.from_kind, kinds, "process kind", site),
      to_kind = resolve(s.to_kind, kinds, "process kind", site),
      material = resolve(s.material, c.mat, "material", site),
      category = resolve(s.category, cats, "category", site),
    }
    return md:_expr_sum(x.op, sel)
  end
  for _, d in ipairs(m.indicators) do
    at(d.site)
    local node = build(d.expr, d.site)
    ind_nodes[d.name] = node
    at(d.site)
    c.ind[d.name] = md:_indicator(d.name, d.unit, node, d.source, d.title)
  end
  for _, t in ipairs(m.targets) do
    local ii = look(c.ind, "indicator", t.indicator, t.site)
    at(t.site)
    c.targets[#c.targets + 1] = { index = md:_target(ii, t.year, t.cmp, t.value, t.source), spec = t }
  end
  md:_origin(nil)
  md:_compile()
  return c
end

function Compiled:counts() return self.md:counts() end

-- ---------------------------------------------------------------------
-- running

local Result = { __name = "flow.Result" }
Result.__index = Result

local kinds_of = { flow = "flow", stock = "stock", param = "param", indicator = "indicator", metric = "metric" }

-- the handle a hook gets: set levers, read what is simulated so far
local Hook = {}
Hook.__index = Hook
function Hook:set(name, value, year)
  local c = self.c
  local pi = c.param[name] or c.look(c.param, "parameter", name, { user_site() })
  self.sim:_set(pi, year or self.year, value, year == nil)
end
function Hook:get(kind, name, year)
  local c = self.c
  local item = c.md:_find(kinds_of[kind] or kind, name)
  return self.sim:_get(kinds_of[kind] or kind, item, year or self.year - 1)
end

--- Runs a model description (or a compiled model) with optional
--- scenario settings: {levers = {...}, on_year = function(h, year) end, name =}.
function M.run(model, sc)
  sc = sc or {}
  local c = getmetatable(model) == Compiled and model or model:compile()
  local sim = core.sim_new(c.md)
  local first, last = c.desc.first, c.desc.last
  local hook = sc.on_year and setmetatable({ c = c, sim = sim }, Hook)
  for y = first, last do
    if hook then
      hook.year = y
      local ok, err = xpcall(sc.on_year, function(e) return (user_traceback(tostring(e), 2)) end, hook, y)
      if not ok then model_error(fmt("on_year hook of scenario '%s', year %d: %s", sc.name or "?", y, err)) end
    end
    sim:_step()
  end
  return setmetatable({ c = c, sim = sim, name = sc.name or c.desc.name, scenario = sc }, Result)
end

function Result:get(kind, name, year)
  local k = kinds_of[kind] or kind
  return self.sim:_get(k, self.c.md:_find(k, name), year)
end
function Result:flow(name, year) return self:get("flow", name, year) end
function Result:stock(name, year) return self:get("stock", name, year) end
function Result:indicator(name, year) return self:get("indicator", name, year) end
function Result:param(name, year) return self:get("param", name, year) end
function Result:metric(name, year) return self:get("metric", name, year) end

-- where a result came from, for the results file
local function provenance(res)
  local d = res.c.desc
  local p = { model_file = d.file, description = d.description or d.name }
  local sc = d.scenario
  if sc and not sc.is_model and sc.site and sc.site[1] and sc.site[1]:sub(1, 1) ~= "[" then
    p.scenario_file = sc.site[1]
  end
  if res.seed then p.seed = res.seed end
  return p
end

--- Writes the result as a scenario of a results file: target is a writer
--- (flow.results_create) or a path (a file with this one scenario,
--- committed at once). name defaults to the scenario's name.
function Result:save(target, name)
  if type(target) == "string" then
    if not M.results_create then error("results files cannot be written here (flowsim --sandbox)", 2) end
    local w = M.results_create(target)
    w:_write(name or self.name, self.sim, provenance(self))
    w:commit()
  else
    target:_write(name or self.name, self.sim, provenance(self))
  end
  return self
end
--- All items of a kind in a year: {name = value}.
function Result:row(kind, year) return self.sim:_row(kinds_of[kind] or kind, year) end
--- One item over the years: {[year] = value}.
function Result:series(kind, name)
  local k = kinds_of[kind] or kind
  local item, out = self.c.md:_find(k, name), {}
  for y = self.c.desc.first, self.c.desc.last do out[y] = self.sim:_get(k, item, y) end
  return out
end
function Result:names(kind) return self.c.md:_names(kinds_of[kind] or kind) end
function Result:years() return self.c.desc.first, self.c.desc.last end

-- the margin of a target: how far the achieved value is on the right side
-- (negative: missed by that much); for rises, the smallest rise itself
local function margin_of(cmp, value, achieved)
  if achieved ~= achieved then return nil end
  if cmp == "rises" then return achieved end
  if not value then return nil end
  if cmp == ">=" or cmp == ">" then return achieved - value end
  return value - achieved
end

--- The verdict on every target: a list of {indicator, unit, year, cmp,
--- value, base, base_year, achieved, met (true/false/nil), margin, source}.
--- achieved is the indicator in the target's year, or for "rises" its
--- smallest year-on-year rise from the base year up to the target's year.
function Result:targets()
  local out = {}
  local c = self.c
  local units = {}
  for _, d in ipairs(c.desc.indicators) do units[d.name] = d.unit or "" end
  for i, t in ipairs(c.targets) do
    local achieved, met = self.sim:_target(t.index)
    local s = t.spec
    local base = self.sim:_get("indicator", c.ind[s.indicator], c.desc.first)
    out[i] = { indicator = s.indicator, unit = units[s.indicator] or "", year = s.year, cmp = s.cmp,
               value = s.value, base = base, base_year = c.desc.first, achieved = achieved, met = met,
               margin = margin_of(s.cmp, s.value, achieved), source = s.source or "" }
  end
  return out
end

--- The indicators in the last year: a list of {name, unit, value}.
function Result:last_indicators()
  local out, last = {}, self.c.desc.last
  for i, d in ipairs(self.c.desc.indicators) do
    out[i] = { name = d.name, unit = d.unit or "", value = self:indicator(d.name, last) }
  end
  return out, last
end

-- "1234567" -> "1,234,567"
local function group(digits)
  local head = #digits % 3
  local parts = { head > 0 and digits:sub(1, head) or nil }
  for i = head + 1, #digits, 3 do parts[#parts + 1] = digits:sub(i, i + 2) end
  return table.concat(parts, ",")
end

--- A number as the tables print it, one rule for every column: from
--- 1,000 up a whole number with its thousands separated by commas; below
--- that 4 significant digits (trailing zeros dropped); below 0.001 and
--- from 10^15 up, 4 significant digits with an exponent (1.234e-04). nil
--- is "-", NaN "n/a".
local function num(v)
  if v == nil then return "-" end
  if v ~= v then return "n/a" end
  if v == 0 then return "0" end
  local a = math.abs(v)
  if a == math.huge then return v > 0 and "inf" or "-inf" end
  if a < 1e-3 or a >= 1e15 then return fmt("%.3e", v) end
  local s = fmt("%.4g", v)
  if math.abs(tonumber(s)) < 1000 then return s end
  return (v < 0 and "-" or "") .. group(fmt("%.0f", a))
end
M.format_number = num

local function pad(text, w, left)
  local n = utf8.len(text) or #text
  if n >= w then return text end
  return left and text .. (" "):rep(w - n) or (" "):rep(w - n) .. text
end

-- the table: rows of cells, aligned by columns (right-aligned but where
-- left[j]; a last column aligned left is not padded), two spaces apart
local function columns(rows, left)
  local w = {}
  for _, r in ipairs(rows) do
    for j, cell in ipairs(r) do w[j] = math.max(w[j] or 0, utf8.len(cell) or #cell) end
  end
  local out = {}
  for i, r in ipairs(rows) do
    local cells = {}
    for j, cell in ipairs(r) do cells[j] = pad(cell, (j == #r and left[j]) and 0 or w[j], left[j]) end
    out[i] = table.concat(cells, "  ")
  end
  return out
end

-- a unit as the tables show it: "-" for none, so that every row has
-- as many words as the header
local function unit_cell(u) return (u == nil or u == "") and "-" or u end

-- a model without targets: its indicators in the last year
local function indicator_table(name, inds, last)
  local lines = { fmt("scenario %s: no targets; its %d indicator%s in %s, the last year", name, #inds,
                      #inds == 1 and "" or "s", tostring(last)) }
  if #inds == 0 then return lines[1] end
  local rows = { { "indicator", "unit", "value" } }
  for _, d in ipairs(inds) do rows[#rows + 1] = { d.name, unit_cell(d.unit), num(d.value) } end
  for _, l in ipairs(columns(rows, { true, true })) do lines[#lines + 1] = l end
  return table.concat(lines, "\n")
end

--- The target table of rows (as Result:targets gives them) as text, and
--- the number of targets missed. With no rows, the table of info.indicators
--- ({name, unit, value}, as Result:last_indicators gives them) in
--- info.last_year. info.base_year names the base year when the rows lack it.
function M.format_report(name, rows, info)
  info = info or {}
  if #rows == 0 and info.indicators then return indicator_table(name, info.indicators, info.last_year), 0 end
  local base_year = info.base_year or (rows[1] and rows[1].base_year)
  local by = base_year and tostring(base_year) or "?"
  local lines = { fmt("scenario %s: %d target%s, base year %s", name, #rows, #rows == 1 and "" or "s", by) }
  local t = { { "indicator", "unit", "year", "base " .. by, "cmp", "target", "projected", "met", "margin",
                "source" } }
  local met, missed, unknown, rises = 0, 0, 0, false
  for _, r in ipairs(rows) do
    local verdict = r.met == true and "yes" or r.met == false and "NO" or "n/a"
    if r.met == true then met = met + 1 elseif r.met == false then missed = missed + 1
    else unknown = unknown + 1 end
    rises = rises or r.cmp == "rises"
    t[#t + 1] = { r.indicator, unit_cell(r.unit), tostring(r.year), num(r.base), r.cmp,
                  r.cmp == "rises" and "min rise > 0" or num(r.value), num(r.achieved), verdict, num(r.margin),
                  r.source or "" }
  end
  for _, l in ipairs(columns(t, { true, true, false, false, true, false, false, true, false, true })) do
    lines[#lines + 1] = l:gsub("%s+$", "")
  end
  lines[#lines + 1] = fmt("%d met, %d missed, %d not judged", met, missed, unknown)
  if rises then
    lines[#lines + 1] = fmt("rises: projected is the smallest rise from one year to the next, %s to the target year",
                            by)
  end
  return table.concat(lines, "\n"), missed
end

--- The target table as text (the indicators in the last year when the
--- model has no targets), and the number of targets missed.
function Result:report()
  local inds, last = self:last_indicators()
  return M.format_report(self.name, self:targets(), { base_year = self.c.desc.first, indicators = inds,
                                                      last_year = last })
end

--- The rows of the target table of scenario scen of a results file (a
--- reader, flow.results_open): as Result:targets gives them; and the
--- info for flow.format_report (base_year, the indicators in last_year).
function M.file_targets(f, scen)
  local first, last = f:years(scen)
  local names, units = f:names(scen, "indicator")
  local unit, inds = {}, {}
  for i, n in ipairs(names) do
    unit[n] = units[i]
    inds[i] = { name = n, unit = units[i], value = f:get(scen, "indicator", n, last) }
  end
  local rows = {}
  for i, t in ipairs(f:targets(scen)) do
    local ok, base = pcall(f.get, f, scen, "indicator", t.indicator, first)
    local value = t.cmp ~= "rises" and t.value or nil
    rows[i] = { indicator = t.indicator, unit = unit[t.indicator] or "", year = t.year, cmp = t.cmp, value = value,
                base = ok and base or nil, base_year = first, achieved = t.achieved, met = t.met,
                margin = margin_of(t.cmp, value, t.achieved), source = t.source }
  end
  return rows, { base_year = first, indicators = inds, last_year = last }
end

-- ---------------------------------------------------------------------
-- scenarios and files

local Scenario = { __name = "flow.Scenario" }
Scenario.__index = Scenario
M.Scenario = Scenario

--- flow.scenario{ name =, model = "path.lua" | description, levers = {param = value},
---   edit = function(m) ... end, on_year = function(h, year) ... end,
---   uncertainty = {...}, description = }
function M.scenario(spec)
  local site = { user_site("scenario") }
  if type(spec) ~= "table" then site_error(site, "flow.scenario: expected a table") end
  if type(spec.name) ~= "string" then site_error(site, "flow.scenario: name = \"...\" is required") end
  local known = { name = 1, model = 1, levers = 1, series = 1, edit = 1, on_year = 1, uncertainty = 1,
                  description = 1, add = 1, remove = 1, shift = 1 }
  for k in pairs(spec) do
    if not known[k] then site_error(site, "scenario '%s': unknown field '%s'", spec.name, tostring(k)) end
  end
  local s = setmetatable({}, Scenario)
  for k, v in pairs(spec) do s[k] = v end
  s.site = site
  s.dir = dir_of(site[1])
  return s
end

local loadfile_ = loadfile

-- Runs a Lua file and returns what it returns. (In a sandbox, flowsim
-- replaces M.loadfile by a version that refuses binary chunks and files
-- outside the model's folder.)
function M.dofile(path, site)
  local chunk, err = M.loadfile(path)
  if not chunk then
    if site then site_error(site, "%s", err) end
    model_error(err)
  end
  -- the text, for sites lost to tail calls (only read if ever needed)
  local prev = loading
  loading = setmetatable({ path = path }, { __index = function(t, k)
    if k ~= "lines" then return nil end
    local lines = {}
    local f = io and io.open(path, "r")
    if f then
      for line in f:lines() do lines[#lines + 1] = line end
      f:close()
    end
    t.lines = lines
    return lines
  end })
  local ok, v = pcall(chunk)
  loading = prev
  if not ok then error(v, 0) end
  return v
end
M.loadfile = function(path) return loadfile_(path, "t") end

--- Loads a model file: it returns a model description.
function M.load(path, site)
  local m = M.dofile(path, site)
  if getmetatable(m) ~= Model then
    local msg = fmt("%s: a model file must return flow.model{...}, it returned %s", path,
                    getmetatable(m) == Scenario and "a scenario" or type(m))
    if site then site_error(site, "%s", msg) end
    model_error(msg)
  end
  m.file = path
  return m
end

--- Applies a scenario to a fresh copy of its model; returns the description.
function Scenario:apply(base)
  local m
  if base then
    m = base:copy()
  elseif getmetatable(self.model) == Model then
    m = self.model:copy()
  elseif type(self.model) == "string" then
    local path = self.model
    if path:sub(1, 1) ~= "/" then path = self.dir .. "/" .. path end
    m = M.load(path, self.site)
  else
    site_error(self.site, "scenario '%s': model = \"file.lua\" or a model description is required", self.name)
  end
  if self.remove then for _, n in ipairs(list_of(self.remove)) do m:remove(n, self.site) end end
  for name, v in pairs(self.levers or {}) do m:set(name, v, self.site) end
  for name, v in pairs(self.series or {}) do m:set(name, v, self.site) end
  for name, years in pairs(self.shift or {}) do m:shift(name, years, self.site) end
  if self.add then self.add(m) end
  if self.edit then self.edit(m) end
  m.scenario = self
  return m
end

function Scenario:run(base)
  local m = self:apply(base)
  return M.run(m, { name = self.name, on_year = self.on_year })
end

--- What a file holds: a list of scenarios (a model file counts as its own
--- scenario, named after the model).
function M.load_scenarios(path)
  local v = M.dofile(path)
  local out = {}
  local function add(x)
    if getmetatable(x) == Scenario then out[#out + 1] = x
    elseif getmetatable(x) == Model then
      x.file = x.file or path
      out[#out + 1] = setmetatable({ name = x.name, model = x, site = x.site, dir = dir_of(path),
                                     is_model = true }, Scenario)
    else
      model_error(fmt("%s: expected a model, a scenario or a list of them, got %s", path, type(x)))
    end
  end
  if getmetatable(v) == nil and type(v) == "table" and #v > 0 then
    for _, x in ipairs(v) do add(x) end
  else
    add(v)
  end
  return out
end

-- ---------------------------------------------------------------------
-- ensembles (Monte Carlo): flow.mc; the sampling and the threads are C
-- (sample.c, ensemble.c, ensrun.c), the declarations are parsed by luaens.c

local Ensemble = { __name = "flow.Ensemble" }
Ensemble.__index = Ensemble
M.Ensemble = Ensemble

-- The uncertain parameters of a model description: those its parameters
-- declare, then its scenario's (which replace a model's of the same name),
-- as a list of {name, spec, site}.
local function uncertainties(m)
  local list, at = {}, {}
  local function add(name, spec, site)
    if at[name] then list[at[name]] = { name = name, spec = spec, site = site }
    else list[#list + 1] = { name = name, spec = spec, site = site }; at[name] = #list end
  end
  for _, p in ipairs(m.params) do if p.uncertainty ~= nil then add(p.name, p.uncertainty, p.site) end end
  local sc = m.scenario
  if sc and sc.uncertainty ~= nil then
    if type(sc.uncertainty) ~= "table" then
      site_error(sc.site, "scenario '%s': uncertainty = { param = { \"normal\", sd = 0.05 }, ... }", sc.name)
    end
    local names = {}
    for k in pairs(sc.uncertainty) do
      if type(k) ~= "string" then site_error(sc.site, "scenario '%s': uncertainty: the keys are parameter names", sc.name) end
      names[#names + 1] = k
    end
    table.sort(names)
    for _, n in ipairs(names) do add(n, sc.uncertainty[n], sc.site) end
  end
  return list
end

-- The model description of a scenario or model for flow.mc / flow.seek,
-- its name, the site to name in errors about the whole run, and its
-- uncertain parameters. Refuses what the workers cannot run.
local function mc_model(x, site, what)
  local m
  if getmetatable(x) == Scenario then
    if x.on_year then
      site_error(x.site, "scenario '%s' has an on_year hook: Monte Carlo runs no Lua hooks yet (use levers or series)",
                 x.name)
    end
    m = x:apply()
  elseif getmetatable(x) == Model then
    m = x
  else
    site_error(site, "%s: expected a scenario or a model description, got %s", what, type(x))
  end
  local name = getmetatable(x) == Scenario and x.name or m.name
  -- where to name in an error about the whole run: the scenario (or model)
  if getmetatable(x) == Scenario and x.site and x.site[1] then site = x.site
  elseif m.site and m.site[1] then site = m.site end
  for _, p in ipairs(m.processes) do
    if lua_types[p.kind] then
      site_error(p.site, "process '%s' is of type '%s', written in Lua: Monte Carlo runs no Lua (its workers "
                 .. "are threads); write the type in C (docs/plugins.md)", p.name, p.kind)
    end
  end
  return m, name, site, uncertainties(m)
end

-- An ensemble of compiled model c over the declarations of list, run.
local function mc_run(c, list, opts, name, site)
  local ens = core.ensemble_new(c.md)
  for _, u in ipairs(list) do
    local ok, err = pcall(ens._add, ens, u.name, u.spec)
    if not ok then site_error(u.site, "%s", err) end
  end
  local ok, err = pcall(ens._run, ens, opts)
  if not ok then site_error(site, "Monte Carlo of '%s': %s", tostring(name), err) end
  return ens
end

--- Monte Carlo over the uncertainty a scenario (or a model description)
--- declares: opts = {n = 1000, seed = 0, threads = 1, lhs = false,
--- keep = {"flows", "stocks"}, progress = function(done, total)}.
--- Returns an Ensemble: :targets(), :report(), :summary(ind, year),
--- :draw(i, param), :save(writer [, name]); .result is the run without
--- uncertainty. A scenario with an on_year hook is refused (its hooks
--- would need a Lua state per worker).
function M.mc(x, opts)
  local site = { user_site() }
  opts = opts or {}
  if type(opts) ~= "table" then site_error(site, "flow.mc: opts = {n = ..., seed = ...}") end
  local m, name, list
  m, name, site, list = mc_model(x, site, "flow.mc")
  if #list == 0 then
    site_error(site, "flow.mc: '%s' declares no uncertainty (uncertainty = { param = {...} })", tostring(name))
  end
  local res = M.run(m, { name = name })
  local ens = mc_run(res.c, list, opts, name, site)
  res.seed = opts.seed or 0
  local index = {}
  for i, u in ipairs(list) do index[u.name] = i - 1 end
  return setmetatable({ ens = ens, result = res, name = name, uncertain = list, index = index,
                        n = ens:n(), seed = res.seed, lhs = opts.lhs and true or false }, Ensemble)
end

--- Goal seek: the value of a lever (a parameter, set in every year) at
--- which a target is just met. opts = {target = indicator name [, year =],
--- lever = name, range = {lo, hi}, prob = P (Monte Carlo: the lever at
--- which P(met) = P, with common random numbers: the same draws at every
--- lever value), n, seed, threads, lhs, xtol}. GSL's Brent solver on the
--- target's margin (deterministic) or on P(met) - P. Returns {value =,
--- evaluations =} or {met = "always" | "never", at_lo =, at_hi =} when the
--- range does not bracket the answer.
function M.seek(x, opts)
  local site = { user_site() }
  if type(opts) ~= "table" then site_error(site, "flow.seek: opts = {target =, lever =, range = {lo, hi}}") end
  local m, name, list
  m, name, site, list = mc_model(x, site, "flow.seek")
  local c = m:compile()
  local lever = opts.lever
  if type(lever) ~= "string" then site_error(site, "flow.seek: lever = \"parameter name\" is required") end
  local pi = c.param[lever] or c.look(c.param, "parameter", lever, site)
  local t
  for _, tt in ipairs(c.targets) do
    if tt.spec.indicator == opts.target and (opts.year == nil or tt.spec.year == opts.year) then t = t or tt end
  end
  if not t then
    local names = {}
    for _, tt in ipairs(c.targets) do names[#names + 1] = tt.spec.indicator end
    local best = core.nearest(tostring(opts.target), names)
    site_error(site, "flow.seek: no target on indicator '%s'%s", tostring(opts.target),
               best and fmt(" (did you mean '%s'?)", best) or "")
  end
  local r = opts.range
  if type(r) ~= "table" or type(r[1]) ~= "number" or type(r[2]) ~= "number" or not (r[1] < r[2]) then
    site_error(site, "flow.seek: range = {lo, hi} with lo < hi is required")
  end
  local f
  if opts.prob == nil then
    f = function(v)
      local sim = core.sim_new(c.md)
      sim:_set(pi, c.desc.first, v, true)
      for _ = c.desc.first, c.desc.last do sim:_step() end
      local achieved = sim:_target(t.index)
      return margin_of(t.spec.cmp, t.spec.value, achieved) or 0 / 0
    end
  else
    local p = opts.prob
    if type(p) ~= "number" or not (p > 0 and p < 1) then site_error(site, "flow.seek: prob must be in (0, 1)") end
    for _, u in ipairs(list) do
      if u.name == lever then site_error(u.site, "flow.seek: the lever '%s' is uncertain; a lever is fixed", lever) end
    end
    if #list == 0 then site_error(site, "flow.seek: '%s' declares no uncertainty for prob =", tostring(name)) end
    local ti = 0
    for i, tt in ipairs(c.targets) do if tt == t then ti = i - 1 end end
    f = function(v)
      local l2 = { table.unpack(list) }
      l2[#l2 + 1] = { name = lever, spec = { "uniform", min = v, max = v }, site = site }
      local ens = mc_run(c, l2, { n = opts.n or 1000, seed = opts.seed or 0, threads = opts.threads or 1,
                                  lhs = opts.lhs }, name, site)
      local _, judged, pm = ens:_p_met(ti)
      return judged > 0 and pm - p or 0 / 0
    end
  end
  local root, a, b = core.brent(f, r[1], r[2], opts.xtol or 1e-6 * math.max(1, math.abs(r[1]), math.abs(r[2])))
  if root then return { value = root, evaluations = a, target = t.spec, lever = lever, name = name } end
  return { met = a >= 0 and "always" or "never", at_lo = a, at_hi = b, target = t.spec, lever = lever, name = name }
end

--- The probability that each target is met: the rows of Result:targets
--- with p, lo, hi (95 % Wilson interval), n_met, n_judged added.
function Ensemble:targets()
  local rows = self.result:targets()
  for i, r in ipairs(rows) do
    r.n_met, r.n_judged, r.p, r.lo, r.hi = self.ens:_p_met(i - 1)
  end
  return rows
end

--- {mean, sd, p5, p25, p50, p75, p95} of an indicator in a year.
function Ensemble:summary(indicator, year)
  local c = self.result.c
  local item = c.md:_find("indicator", indicator)
  local v = { self.ens:_summary(item, year) }
  return { mean = v[1], sd = v[2], p5 = v[3], p25 = v[4], p50 = v[5], p75 = v[6], p95 = v[7] }
end

--- The value drawn for an uncertain parameter in sample i (from 1).
function Ensemble:draw(i, param)
  local k = self.index[param]
  if not k then error(fmt("no uncertain parameter '%s'", tostring(param)), 2) end
  return self.ens:_draw(i - 1, k)
end

local function pct(p) return p ~= p and "n/a" or fmt("%.1f %%", 100 * p) end

--- The probability table as text: rows as Ensemble:targets gives them
--- (achieved: the value projected without uncertainty; nil when unknown).
function M.format_pmet(name, n, lhs, seed, rows)
  local lines = { fmt("scenario %s: %d samples%s, seed %s; the probability that each target is met", name, n,
                      lhs and " (Latin hypercube)" or "", tostring(seed)) }
  if #rows == 0 then lines[#lines + 1] = "no targets"; return table.concat(lines, "\n") end
  local t = { { "indicator", "year", "cmp", "target", "projected", "P(met)", "95 % interval", "met/judged" } }
  for _, r in ipairs(rows) do
    t[#t + 1] = { r.indicator, tostring(r.year), r.cmp, r.cmp == "rises" and "min rise > 0" or num(r.value),
                  num(r.achieved), pct(r.p), fmt("%s - %s", pct(r.lo), pct(r.hi)), fmt("%d/%d", r.n_met, r.n_judged) }
  end
  for _, l in ipairs(columns(t, { true, false, true, false, false, false, false, false })) do
    lines[#lines + 1] = l:gsub("%s+$", "")
  end
  lines[#lines + 1] = "projected: the run without uncertainty; interval: Wilson score, 95 %"
  return table.concat(lines, "\n")
end

--- The probability table as text.
function Ensemble:report()
  return M.format_pmet(self.name, self.n, self.lhs, self.seed, self:targets())
end

--- The ensemble of scenario scen of a results file (a reader), as text,
--- or nil when the scenario has none.
function M.file_ensemble(f, scen)
  local e = core.ensemble_file(f, scen)
  if not e then return nil end
  local rows, _ = M.file_targets(f, scen)
  for i, r in ipairs(e.targets) do
    local d = rows[i]
    if d and d.indicator == r.indicator and d.year == r.year then r.value, r.achieved = d.value, d.achieved end
  end
  return M.format_pmet(scen, e.n, e.lhs, e.seed, e.targets), e
end

--- The summary of indicator ind over the ensemble of scenario scen of a
--- results file (a reader): {mean = {[year] = v}, sd =, p5 =, p25 =,
--- p50 =, p75 =, p95 =}. An error when the scenario has no ensemble.
function M.file_ensemble_summary(f, scen, ind)
  return core.ensemble_summary(f, scen, ind)
end

--- Writes the run without uncertainty (with the seed) and the ensemble
--- (samples/, ensemble/) as scenario name of a results writer.
function Ensemble:save(w, name)
  name = name or self.name
  self.result:save(w, name)
  self.ens:_save(w, name)
  return self
end

--- Sorts the rows of one target's sensitivity by falling index (NaN last,
--- ties by the factor's name) and numbers them: row.rank = 1, 2, ...
local function rank_rows(rows)
  table.sort(rows, function(a, b)
    local sa, sb = a.s == a.s and a.s or -math.huge, b.s == b.s and b.s or -math.huge
    if sa ~= sb then return sa > sb end
    return a.factor < b.factor
  end)
  for i, row in ipairs(rows) do row.rank = i end
  return rows
end

--- Sensitivity: Sobol' first-order indices of every target's margin (its
--- distance on the right side of the target; "rises" targets are left
--- out) with respect to each uncertain factor: an independent parameter,
--- or all the parameters of one driver together (a group). The estimator
--- of Saltelli et al. (2010, Comput. Phys. Commun. 181, 259, table 2 (b)):
--- V_i = mean_j f(B)_j (f(A_B^i)_j - f(A)_j), S_i = V_i / Var(f), on f
--- centred; A and B are two ensembles of n samples (streams "name" and
--- "name#B"), A_B^i takes factor i from B and the rest from A; k + 2
--- ensembles in all. se is the standard error of S_i from the n terms.
--- opts = {n = 1000, seed, threads, lhs}. Returns {factors = {...},
--- targets = {{indicator, year, cmp, value, var, rows = {{factor, s, se}}
--- sorted by s}}}.
function M.sensitivity(x, opts)
  local site = { user_site() }
  opts = opts or {}
  local m, name, list
  m, name, site, list = mc_model(x, site, "flow.sensitivity")
  if #list == 0 then site_error(site, "flow.sensitivity: '%s' declares no uncertainty", tostring(name)) end
  local res = M.run(m, { name = name })
  res.seed = opts.seed or 0
  local c = res.c
  -- the factors: independent parameters, and one group per driver
  local factors, of = {}, {}
  for k, u in ipairs(list) do
    local d = type(u.spec) == "table" and u.spec.driver or nil
    local f = d and ("driver " .. tostring(d)) or u.name
    if not of[f] then factors[#factors + 1] = f; of[f] = #factors end
    of[k] = of[f]
  end
  local function ens(bfac) -- bfac: nil (A), true (B), or the factor taken from B
    local l2 = {}
    for k, u in ipairs(list) do
      local spec = {}
      for kk, vv in pairs(u.spec) do spec[kk] = vv end
      if bfac == true or bfac == of[k] then
        spec.key = (spec.key or u.name) .. "#B"
        if spec.driver then spec.driver = tostring(spec.driver) .. "#B" end
      end
      l2[k] = { name = u.name, spec = spec, site = u.site }
    end
    return mc_run(c, l2, { n = opts.n or 1000, seed = opts.seed or 0, threads = opts.threads or 1, lhs = opts.lhs },
                  name, site)
  end
  local A, B = ens(nil), ens(true)
  local AB = {}
  for i = 1, #factors do AB[i] = ens(i) end
  local out = { factors = factors, targets = {}, n = opts.n or 1000, result = res, name = name }
  for _, t in ipairs(c.targets) do
    local sp = t.spec
    if sp.cmp ~= "rises" then
      local item = c.ind[sp.indicator]
      local function margins(e)
        local v = e:_values(item, sp.year)
        for j = 1, #v do v[j] = margin_of(sp.cmp, sp.value, v[j]) or 0 / 0 end
        return v
      end
      local fa, fb = margins(A), margins(B)
      local n, mean = #fa, 0
      for j = 1, n do mean = mean + fa[j] + fb[j] end
      mean = mean / (2 * n)
      local var = 0
      for j = 1, n do var = var + (fa[j] - mean) ^ 2 + (fb[j] - mean) ^ 2 end
      var = var / (2 * n - 1)
      local rows = {}
      for i = 1, #factors do
        local fab = margins(AB[i])
        local sum, sum2 = 0, 0
        for j = 1, n do
          local term = (fb[j] - mean) * (fab[j] - fa[j])
          sum, sum2 = sum + term, sum2 + term * term
        end
        local vi = sum / n
        local sd = math.sqrt(math.max(0, sum2 / n - vi * vi))
        rows[i] = { factor = factors[i], s = var > 0 and vi / var or 0 / 0,
                    se = var > 0 and sd / math.sqrt(n) / var or 0 / 0 }
      end
      rank_rows(rows)
      out.targets[#out.targets + 1] = { indicator = sp.indicator, year = sp.year, cmp = sp.cmp, value = sp.value,
                                        var = var, rows = rows }
    end
  end
  return out
end

--- Writes flow.sensitivity's result into a results writer: the run
--- without uncertainty (with the seed) as scenario name (default the
--- scenario's), and ensemble/sensitivity (docs/results-format.md).
function M.save_sensitivity(w, r, name)
  name = name or r.name
  r.result:save(w, name)
  local rows = {}
  for _, t in ipairs(r.targets) do
    for _, row in ipairs(t.rows) do
      rows[#rows + 1] = { indicator = t.indicator, year = t.year, factor = row.factor, s = row.s, se = row.se }
    end
  end
  core.sensitivity_save(w, name, rows, r.n)
end

--- One target's ranked rows as lines of text (into lines).
local function sens_rows(lines, rows)
  local t = { { "", "factor", "S1", "se" } }
  for i, row in ipairs(rows) do t[#t + 1] = { tostring(i), row.factor, fmt("%.3f", row.s), fmt("%.3f", row.se) } end
  for _, l in ipairs(columns(t, { false, true, false, false })) do lines[#lines + 1] = "  " .. l:gsub("%s+$", "") end
end

--- The ranked table of flow.sensitivity's result as text.
function M.format_sensitivity(name, r)
  local lines = { fmt("scenario %s: Sobol' first-order indices of each target's margin (%d samples x %d ensembles)",
                      name, r.n, #r.factors + 2) }
  for _, t in ipairs(r.targets) do
    lines[#lines + 1] = fmt("%s %s %s in %d (variance of the margin %s)", t.indicator, t.cmp, num(t.value), t.year,
                            num(t.var))
    if t.var > 0 then
      sens_rows(lines, t.rows)
    else
      lines[#lines + 1] = "  no spread: no factor moves it"
    end
  end
  return table.concat(lines, "\n")
end

--- The targets of the rows of ensemble/sensitivity (file order: each
--- target's factors together): a new target where the indicator or year
--- changes, or a factor comes again (two targets on one indicator and
--- year); its cmp and value are those of the file's target table.
local function sens_targets(rows, trows)
  local targets, cur, seen, nth = {}, nil, nil, {}
  for _, r in ipairs(rows) do
    if not cur or cur.indicator ~= r.indicator or cur.year ~= r.year or seen[r.factor] then
      local key = r.indicator .. "\0" .. r.year
      nth[key] = (nth[key] or 0) + 1
      cur, seen = { indicator = r.indicator, year = r.year, rows = {} }, {}
      local m = 0
      for _, d in ipairs(trows) do
        if d.indicator == r.indicator and d.year == r.year and d.cmp ~= "rises" then
          m = m + 1
          if m == nth[key] then cur.cmp, cur.value = d.cmp, d.value end
        end
      end
      targets[#targets + 1] = cur
    end
    seen[r.factor] = true
    cur.rows[#cur.rows + 1] = { factor = r.factor, s = r.s, se = r.se }
  end
  for _, t in ipairs(targets) do rank_rows(t.rows) end
  return targets
end

--- The sensitivity analysis of scenario scen of a results file (a reader;
--- flowsim sensitivity -o) as its ranked table in text, and {n = samples
--- per ensemble, targets = {{indicator, year, cmp, value, rows = {{factor,
--- s, se, rank}} ranked}}}; nil when the scenario has none.
function M.file_sensitivity(f, scen)
  local s = core.sensitivity_file(f, scen)
  if not s then return nil end
  local targets, factors, nf = sens_targets(s.rows, (M.file_targets(f, scen))), {}, 0
  for _, r in ipairs(s.rows) do
    if not factors[r.factor] then factors[r.factor], nf = true, nf + 1 end
  end
  local lines = { fmt("scenario %s: Sobol' first-order indices of each target's margin (%d samples x %d ensembles)",
                      scen, s.n, nf + 2) }
  for _, t in ipairs(targets) do
    lines[#lines + 1] = fmt("%s %s in %d", t.indicator, t.cmp and (t.cmp .. " " .. num(t.value)) or "(target?)", t.year)
    if t.rows[1].s == t.rows[1].s then
      sens_rows(lines, t.rows)
    else
      lines[#lines + 1] = "  no spread: no factor moves it"
    end
  end
  return table.concat(lines, "\n"), { n = s.n, targets = targets }
end

M.traceback = traceback
return M
