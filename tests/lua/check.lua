-- tests/lua/check.lua — the assertion helper of the Lua test scripts
-- (not a test itself: tests/lua.sh skips it). A script loads it with
--   local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")
-- and ends with T.done("name"), which prints the closing line, or raises
-- an error naming every failed check (flowsim exec then exits 1).
local T = { passed = 0, failed = 0, failures = {} }

local function where()
  local info = debug and debug.getinfo(3, "Sl")
  if not info then return "?" end
  return (info.short_src or "?") .. ":" .. (info.currentline or 0)
end

local function fail(msg)
  T.failed = T.failed + 1
  local line = where() .. ": " .. msg
  T.failures[#T.failures + 1] = line
  io.stderr:write("FAIL ", line, "\n")
end

local function pass() T.passed = T.passed + 1 end

-- |got - want| <= tol * max(1, |want|); tol defaults to 1e-9.
function T.near(got, want, what, tol)
  tol = tol or 1e-9
  if type(got) ~= "number" then
    return fail(string.format("%s: got %s (a %s), want %.17g", what, tostring(got), type(got), want))
  end
  if want ~= want then
    if got ~= got then return pass() end
    return fail(string.format("%s: got %.17g, want NaN", what, got))
  end
  if got ~= got or math.abs(got - want) > tol * math.max(1, math.abs(want)) then
    return fail(string.format("%s: got %.17g, want %.17g", what, got, want))
  end
  pass()
end

-- Exact equality (strings, booleans, nil, integers).
function T.eq(got, want, what)
  if got ~= want then
    return fail(string.format("%s: got %s, want %s", what, tostring(got), tostring(want)))
  end
  pass()
end

-- Element-wise near() of two arrays of the same length.
function T.near_list(got, want, what, tol)
  if type(got) ~= "table" then return fail(what .. ": got a " .. type(got) .. ", not a list") end
  if #got ~= #want then
    return fail(string.format("%s: %d entries, want %d", what, #got, #want))
  end
  for i = 1, #want do T.near(got[i], want[i], string.format("%s[%d]", what, i), tol) end
end

-- fn must raise an error whose message contains every plain substring given.
function T.raises(fn, what, ...)
  local ok, err = pcall(fn)
  if ok then return fail(what .. ": no error was raised") end
  err = tostring(err)
  for i = 1, select("#", ...) do
    local s = select(i, ...)
    if not err:find(s, 1, true) then
      return fail(string.format("%s: the error %q does not contain %q", what, err, s))
    end
  end
  pass()
  return err
end

-- Runs fn; any error in it counts as a failure of `what` (and the script goes on).
function T.ok(fn, what)
  local ok, err = pcall(fn)
  if not ok then return fail(what .. ": " .. tostring(err)) end
  pass()
end

function T.truthy(v, what)
  if not v then return fail(what .. ": false") end
  pass()
end

function T.done(name)
  if T.failed > 0 then
    error(string.format("%s: %d of %d checks failed:\n  %s", name, T.failed, T.failed + T.passed,
                        table.concat(T.failures, "\n  ")), 0)
  end
  if T.passed == 0 then error(name .. ": no check ran", 0) end
  print(string.format("%s: all %d checks passed", name, T.passed))
end

return T
