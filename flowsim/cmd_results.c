/*
 * cmd_results.c — flowsim diff and flowsim export: results files (HDF5)
 * compared and turned into tidy CSV. Both read files only; they run no
 * model, so they use the trusted state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "flowsim.h"

/* diff: (a, b) = {file =, scen =}, tol, all -> number of differences.
 * Values a and b agree when both are NaN or |a - b| <= tol * max(1, |a|, |b|). */
static const char diff_driver[] =
    "local flow, a, b, tol, all, write, res = ...\n"
    "local fa = res.open(a.file)\n"
    "local fb = b.file == a.file and fa or res.open(b.file)\n"
    "local n = 0\n"
    "local function num(v) return v == nil and '' or type(v) == 'number' and flow.format_number(v) or tostring(v) end\n"
    "local function line(scen, what, item, year, va, vb)\n"
    "  if n == 0 then write(string.format('%-24s %-10s %-40s %5s %14s %14s %14s\\n', 'scenario', 'kind', 'item',\n"
    "                                     'year', 'A', 'B', 'B - A')) end\n"
    "  n = n + 1\n"
    "  local d = (type(va) == 'number' and type(vb) == 'number') and num(vb - va) or ''\n"
    "  write((string.format('%-24s %-10s %-40s %5s %14s %14s %14s', scen, what, item, year or '',\n"
    "                       num(va), num(vb), d):gsub('%s+$', '')), '\\n')\n"
    "end\n"
    "local function close(va, vb)\n"
    "  if va ~= va or vb ~= vb then return va ~= va and vb ~= vb end\n"
    "  return math.abs(va - vb) <= tol * math.max(1, math.abs(va), math.abs(vb))\n"
    "end\n"
    "local pairs_ = {}\n"
    "if a.scen or b.scen then\n"
    "  pairs_[1] = { a.scen or b.scen, b.scen or a.scen }\n"
    "else\n"
    "  local inb = {}\n"
    "  for _, s in ipairs(fb:scenarios()) do inb[s] = true end\n"
    "  for _, s in ipairs(fa:scenarios()) do\n"
    "    if inb[s] then pairs_[#pairs_ + 1] = { s, s }; inb[s] = nil else line(s, 'scenario', '(only in A)') end\n"
    "  end\n"
    "  for _, s in ipairs(fb:scenarios()) do if inb[s] then line(s, 'scenario', '(only in B)') end end\n"
    "end\n"
    "local kinds = all and { 'indicator', 'flow', 'stock', 'param', 'metric' } or { 'indicator' }\n"
    "for _, p in ipairs(pairs_) do\n"
    "  local sa, sb = p[1], p[2]\n"
    "  local label = sa == sb and sa or (sa .. ' / ' .. sb)\n"
    "  local a1, a2 = fa:years(sa)\n"
    "  local b1, b2 = fb:years(sb)\n"
    "  if a1 ~= b1 or a2 ~= b2 then line(label, 'years', a1 .. '-' .. a2 .. ' / ' .. b1 .. '-' .. b2) end\n"
    "  local y1, y2 = math.max(a1, b1), math.min(a2, b2)\n"
    "  for _, k in ipairs(kinds) do\n"
    "    local na, nb = fa:names(sa, k), fb:names(sb, k)\n"
    "    local inb = {}\n"
    "    for _, x in ipairs(nb) do inb[x] = true end\n"
    "    for _, x in ipairs(na) do\n"
    "      if not inb[x] then line(label, k, x .. ' (only in A)')\n"
    "      else\n"
    "        inb[x] = nil\n"
    "        local va, vb = fa:series(sa, k, x), fb:series(sb, k, x)\n"
    "        for y = y1, y2 do if not close(va[y], vb[y]) then line(label, k, x, y, va[y], vb[y]) end end\n"
    "      end\n"
    "    end\n"
    "    for _, x in ipairs(nb) do if inb[x] then line(label, k, x .. ' (only in B)') end end\n"
    "  end\n"
    "  local ta, tb = {}, {}\n"
    "  for _, t in ipairs(fa:targets(sa)) do ta[t.indicator .. '@' .. t.year .. t.cmp] = t end\n"
    "  for _, t in ipairs(fb:targets(sb)) do\n"
    "    local u = ta[t.indicator .. '@' .. t.year .. t.cmp]\n"
    "    local v = function(x) return x == nil and 'n/a' or (x and 'met' or 'missed') end\n"
    "    if u and u.met ~= t.met then line(label, 'target', t.indicator .. ' ' .. t.cmp, t.year, v(u.met), v(t.met)) end\n"
    "  end\n"
    "end\n"
    "if n == 0 then write(string.format('no differences (tolerance %g)\\n', tol))\n"
    "else write(string.format('%d difference%s (tolerance %g)\\n', n, n == 1 and '' or 's', tol)) end\n"
    "return n\n";

/* "file.h5" or "file.h5:scenario" (split at the last ':' when the whole is no file) */
static void push_spec(lua_State *L, const char *arg)
{
    struct stat st;
    const char *colon = strrchr(arg, ':');
    lua_createtable(L, 0, 2);
    if (colon && stat(arg, &st) != 0) {
        lua_pushlstring(L, arg, (size_t)(colon - arg));
        lua_setfield(L, -2, "file");
        lua_pushstring(L, colon + 1);
        lua_setfield(L, -2, "scen");
    } else {
        lua_pushstring(L, arg);
        lua_setfield(L, -2, "file");
    }
}

int fs_cmd_diff(int argc, char **argv)
{
    const char *files[2] = { NULL, NULL };
    int nfiles = 0, all = 0;
    double tol = 1e-9;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: flowsim diff A.h5[:SCENARIO] B.h5[:SCENARIO] [--tol X] [--all]\n"
                   "Compares results files: the indicators (--all: also flows, stocks, parameters,\n"
                   "metrics) of the scenarios of the same name in both, or of the two scenarios named\n"
                   "(file.h5:plan file.h5:baseline compares two scenarios of one file), year by year,\n"
                   "and the targets' verdicts. Values agree when |B - A| <= X * max(1, |A|, |B|)\n"
                   "(default X = 1e-9). Exit 0: no differences; 4: differences (listed); 1: an error.\n");
            return FS_OK;
        } else if (strcmp(argv[i], "--tol") == 0) {
            char *end;
            if (i + 1 >= argc) {
                fs_error("diff: --tol needs a number >= 0");
                return FS_USAGE;
            }
            tol = strtod(argv[i + 1], &end);
            if (end == argv[i + 1] || *end != '\0' || !(tol >= 0)) {
                fs_error("diff: --tol '%s' is not a number >= 0", argv[i + 1]);
                return FS_USAGE;
            }
            i++;
        } else if (strcmp(argv[i], "--all") == 0) {
            all = 1;
        } else if (argv[i][0] == '-') {
            fs_error("diff: unknown option '%s' (flowsim diff --help)", argv[i]);
            return FS_USAGE;
        } else if (nfiles < 2) {
            files[nfiles++] = argv[i];
        } else {
            fs_error("diff: '%s': two results files (or file:scenario) are compared, not more", argv[i]);
            return FS_USAGE;
        }
    }
    if (nfiles != 2) {
        fs_error("diff: give two results files, or file:scenario twice (flowsim diff --help)");
        return FS_USAGE;
    }
    fs_opts o = { 0 };
    lua_State *L = fs_state_new(&o);
    if (!L)
        return FS_ERROR;
    int rc = fs_load_driver(L, diff_driver, sizeof diff_driver - 1, "=[flowsim diff]");
    if (rc == FS_OK) {
        lua_getglobal(L, "flow");
        push_spec(L, files[0]);
        push_spec(L, files[1]);
        lua_pushnumber(L, tol);
        lua_pushboolean(L, all);
        fs_push_writer(L);
        fs_push_results(L);
        rc = fs_pcall_driver(L, 7, 1);
        if (rc == FS_OK)
            rc = lua_tointeger(L, -1) > 0 ? FS_DIFFER : FS_OK;
    }
    fflush(stdout);
    fs_state_free(L);
    return rc;
}

/* export: one tidy CSV per kind (scenario,year,item,unit,value) and
 * targets.csv; with ensembles (flowsim mc) also ensemble_summary.csv and
 * ensemble_targets.csv, with a sensitivity analysis (flowsim sensitivity)
 * sensitivity.csv; each written to a temporary name and renamed. */
static const char export_driver[] =
    "local flow, file, dir, write, res = ...\n"
    "local f = res.open(file)\n"
    "local function q(x)\n"
    "  x = tostring(x)\n"
    "  if x:find('[,\"\\n\\r]') then x = '\"' .. x:gsub('\"', '\"\"') .. '\"' end\n"
    "  return x\n"
    "end\n"
    "local function num(v) return v ~= v and 'NaN' or string.format('%.17g', v) end\n"
    "local function out(name, header, rows)\n"
    "  local path, tmp = dir .. '/' .. name, dir .. '/.' .. name .. '.tmp'\n"
    "  local h, e = io.open(tmp, 'w')\n"
    "  if not h then error('export: ' .. e, 0) end\n"
    "  local function put(ok, e) if not ok then error({ write = e }) end end\n"
    "  local ok, err = pcall(function()\n"
    "    put(h:write(header, '\\n'))\n"
    "    rows(function(...)\n"
    "      local t = table.pack(...)\n"
    "      for i = 1, t.n do t[i] = q(t[i]) end\n"
    "      put(h:write(table.concat(t, ',', 1, t.n), '\\n'))\n"
    "    end)\n"
    "    put(h:close())\n"
    "  end)\n"
    "  if not ok then\n"
    "    pcall(h.close, h); os.remove(tmp)\n"
    "    error(type(err) == 'table' and 'export: cannot write ' .. path .. ': ' .. tostring(err.write) or err, 0)\n"
    "  end\n"
    "  local moved, e = os.rename(tmp, path)\n"
    "  if not moved then os.remove(tmp); error('export: cannot write ' .. path .. ': ' .. e, 0) end\n"
    "  return path\n"
    "end\n"
    /* a file of a name it writes is replaced only when it is an export's
     * (first line 'scenario,...'): a model's own indicators.csv stays, and
     * nothing is written when one is refused */
    "for _, name in ipairs { 'indicators.csv', 'flows.csv', 'stocks.csv', 'params.csv', 'metrics.csv',\n"
    "    'targets.csv', 'ensemble_summary.csv', 'ensemble_targets.csv', 'sensitivity.csv' } do\n"
    "  local h = io.open(dir .. '/' .. name, 'r')\n"
    "  if h then\n"
    "    local ok, first = pcall(h.read, h, 'l')\n"
    "    h:close()\n"
    "    if not (ok and type(first) == 'string' and first:sub(1, 9) == 'scenario,') then\n"
    "      error('export: refusing to replace ' .. dir .. '/' .. name .. ': it is not a CSV of flowsim export '\n"
    "            .. '(remove it or give another folder)', 0)\n"
    "    end\n"
    "  end\n"
    "end\n"
    "local files = {}\n"
    "for _, k in ipairs { 'indicator', 'flow', 'stock', 'param', 'metric' } do\n"
    "  files[#files + 1] = out(k .. 's.csv', 'scenario,year,item,unit,value', function(row)\n"
    "    for _, s in ipairs(f:scenarios()) do\n"
    "      local names, units = f:names(s, k)\n"
    "      local y1, y2 = f:years(s)\n"
    "      for i, x in ipairs(names) do\n"
    "        local v = f:series(s, k, x)\n"
    "        for y = y1, y2 do row(s, y, x, units[i], num(v[y])) end\n"
    "      end\n"
    "    end\n"
    "  end)\n"
    "end\n"
    "files[#files + 1] = out('targets.csv', 'scenario,indicator,year,cmp,value,achieved,met,source,unit,measure',\n"
    "                       function(row)\n"
    "  for _, s in ipairs(f:scenarios()) do\n"
    "    local names, units = f:names(s, 'indicator')\n"
    "    local unit = {}\n"
    "    for i, x in ipairs(names) do unit[x] = units[i] end\n"
    "    for _, t in ipairs(f:targets(s)) do\n"
    "      local rises = t.cmp == 'rises'\n"
    "      row(s, t.indicator, t.year, t.cmp, rises and '' or num(t.value), num(t.achieved),\n"
    "          t.met == nil and '' or (t.met and 'yes' or 'no'), t.source, unit[t.indicator] or '',\n"
    "          rises and 'smallest_rise' or 'value')\n"
    "    end\n"
    "  end\n"
    "end)\n"
    "local ens = {}\n"
    "for _, s in ipairs(f:scenarios()) do\n"
    "  local _, e = flow.file_ensemble(f, s)\n"
    "  if e then ens[#ens + 1] = { s = s, e = e } end\n"
    "end\n"
    "local function opt(v) return v == nil and '' or num(v) end\n"
    "if #ens > 0 then\n"
    "  files[#files + 1] = out('ensemble_summary.csv',\n"
    "                         'scenario,year,indicator,unit,n_samples,mean,sd,p5,p25,p50,p75,p95', function(row)\n"
    "    for _, x in ipairs(ens) do\n"
    "      local names, units = f:names(x.s, 'indicator')\n"
    "      local y1, y2 = f:years(x.s)\n"
    "      for i, name in ipairs(names) do\n"
    "        local v = flow.file_ensemble_summary(f, x.s, name)\n"
    "        for y = y1, y2 do\n"
    "          row(x.s, y, name, units[i], x.e.n, num(v.mean[y]), num(v.sd[y]), num(v.p5[y]), num(v.p25[y]),\n"
    "              num(v.p50[y]), num(v.p75[y]), num(v.p95[y]))\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "  end)\n"
    "  files[#files + 1] = out('ensemble_targets.csv',\n"
    "                         'scenario,indicator,year,cmp,value,achieved,n_samples,n_met,n_judged,p_met,p_lo,p_hi',\n"
    "                         function(row)\n"
    "    for _, x in ipairs(ens) do\n"
    "      for _, t in ipairs(x.e.targets) do\n"
    "        row(x.s, t.indicator, t.year, t.cmp, opt(t.value), opt(t.achieved), x.e.n, t.n_met, t.n_judged,\n"
    "            num(t.p), num(t.lo), num(t.hi))\n"
    "      end\n"
    "    end\n"
    "  end)\n"
    "end\n"
    "local sens = {}\n"
    "for _, s in ipairs(f:scenarios()) do\n"
    "  local _, t = flow.file_sensitivity(f, s)\n"
    "  if t then sens[#sens + 1] = { s = s, t = t } end\n"
    "end\n"
    "if #sens > 0 then\n"
    "  files[#files + 1] = out('sensitivity.csv', 'scenario,indicator,year,rank,factor,s1,se,n_samples', function(row)\n"
    "    for _, x in ipairs(sens) do\n"
    "      for _, t in ipairs(x.t.targets) do\n"
    "        for _, r in ipairs(t.rows) do row(x.s, t.indicator, t.year, r.rank, r.factor, num(r.s), num(r.se), x.t.n) end\n"
    "      end\n"
    "    end\n"
    "  end)\n"
    "end\n"
    "for _, p in ipairs(files) do write(p, '\\n') end\n"
    "return #files\n";

int fs_cmd_export(int argc, char **argv)
{
    const char *file = NULL, *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: flowsim export RESULTS.h5 --csv DIR\n"
                   "Writes the results file as tidy CSV into DIR (made if missing): indicators.csv,\n"
                   "flows.csv, stocks.csv, params.csv, metrics.csv with the columns scenario, year,\n"
                   "item, unit, value (one row per value), and targets.csv with the verdicts\n"
                   "(scenario, indicator, year, cmp, value, achieved, met, source, unit, measure:\n"
                   "achieved is the indicator in the year, or for rises its smallest rise).\n"
                   "When the file holds ensembles (flowsim mc -o), also ensemble_summary.csv (scenario,\n"
                   "year, indicator, unit, n_samples, mean, sd, p5, p25, p50, p75, p95 of each indicator\n"
                   "over the samples) and ensemble_targets.csv (scenario, indicator, year, cmp, value,\n"
                   "achieved without uncertainty, n_samples, n_met, n_judged, p_met and its 95 %% Wilson\n"
                   "interval p_lo, p_hi). When it holds a sensitivity analysis (flowsim sensitivity -o),\n"
                   "also sensitivity.csv (scenario, indicator, year, rank, factor, s1, se, n_samples:\n"
                   "the Sobol' first-order index of each factor for each target's margin, ranked).\n");
            return FS_OK;
        } else if (strcmp(argv[i], "--csv") == 0) {
            if (i + 1 >= argc) {
                fs_error("export: --csv needs a folder");
                return FS_USAGE;
            }
            dir = argv[++i];
        } else if (argv[i][0] == '-') {
            fs_error("export: unknown option '%s' (flowsim export --help)", argv[i]);
            return FS_USAGE;
        } else if (!file) {
            file = argv[i];
        } else {
            fs_error("export: '%s': one results file at a time", argv[i]);
            return FS_USAGE;
        }
    }
    if (!file || !dir) {
        fs_error("export: give a results file and --csv DIR (flowsim export --help)");
        return FS_USAGE;
    }
    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fs_error("export: cannot make the folder %s: %s", dir, strerror(errno));
        return FS_ERROR;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fs_error("export: %s is not a folder", dir);
        return FS_ERROR;
    }
    fs_opts o = { 0 };
    lua_State *L = fs_state_new(&o);
    if (!L)
        return FS_ERROR;
    int rc = fs_load_driver(L, export_driver, sizeof export_driver - 1, "=[flowsim export]");
    if (rc == FS_OK) {
        lua_getglobal(L, "flow");
        lua_pushstring(L, file);
        lua_pushstring(L, dir);
        fs_push_writer(L);
        fs_push_results(L);
        rc = fs_pcall_driver(L, 5, 1);
    }
    fflush(stdout);
    fs_state_free(L);
    return rc;
}
