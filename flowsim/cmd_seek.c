/*
 * cmd_seek.c — flowsim seek: the value of a lever at which a target is
 * just met, deterministically or with a given probability under Monte
 * Carlo (common random numbers), by GSL's Brent solver (flow.seek).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "flow.h" /* FLOW_YEAR_MIN, FLOW_YEAR_MAX */
#include "flowsim.h"

/* The driver: flow, files, opts, scenario, write -> scenarios sought */
static const char driver[] =
    "local flow, files, opts, want, write = ...\n"
    "local ran, seen = 0, {}\n"
    "local function g(v) return string.format('%.6g', v) end\n"
    "for _, file in ipairs(files) do\n"
    "  for _, sc in ipairs(flow.load_scenarios(file)) do\n"
    "    seen[#seen + 1] = sc.name\n"
    "    if want == nil or sc.name == want then\n"
    "      local r = flow.seek(sc, opts)\n"
    "      local t = r.target\n"
    "      local what = string.format('%s %s %s in %d', t.indicator, t.cmp, t.value and g(t.value) or '', t.year)\n"
    "      local range = string.format('%s = %s:%s', r.lever, g(opts.range[1]), g(opts.range[2]))\n"
    "      if ran > 0 then write('\\n') end\n"
    "      if r.value and opts.prob then\n"
    "        write(string.format('scenario %s: %s is met with probability %s at %s = %s\\n(Brent: %d ensembles of %d samples, seed %d, common random numbers)\\n',\n"
    "              sc.name, what, g(opts.prob), r.lever, g(r.value), r.evaluations, opts.n, opts.seed))\n"
    "      elseif r.value then\n"
    "        write(string.format('scenario %s: %s is just met at %s = %s (Brent: %d runs)\\n', sc.name, what, r.lever,\n"
    "              g(r.value), r.evaluations))\n"
    "      elseif opts.prob then\n"
    "        write(string.format('scenario %s: %s: P(met) is %s %s over the whole range %s (P(met) - %s: %s at the low end, %s at the high end)\\n',\n"
    "              sc.name, what, r.met == 'always' and 'at least' or 'below', g(opts.prob), range, g(opts.prob), g(r.at_lo), g(r.at_hi)))\n"
    "      else\n"
    "        write(string.format('scenario %s: %s is %s over the whole range %s (margin %s at the low end, %s at the high end)\\n',\n"
    "              sc.name, what, r.met == 'always' and 'met' or 'missed', range, g(r.at_lo), g(r.at_hi)))\n"
    "      end\n"
    "      ran = ran + 1\n"
    "    end\n"
    "  end\n"
    "end\n"
    "if want ~= nil and ran == 0 then\n"
    "  error(string.format(\"no scenario named '%s' in %s (it holds: %s)\", want, table.concat(files, ', '),\n"
    "                      table.concat(seen, ', ')), 0)\n"
    "end\n"
    "return ran\n";

typedef struct seek_args {
    const char *target, *lever, *scenario;
    long long year, n, seed, threads;
    double lo, hi, prob;
    int has_range, has_prob, has_year, lhs;
    char **files;
    int n_files;
} seek_args;

static void usage(void)
{
    puts("usage: flowsim seek FILE.lua --target INDICATOR [--year Y] --lever PARAM --range LO:HI\n"
         "                   [--prob P [-n N] [-j THREADS] [--seed S] [--lhs]] [--scenario NAME] [--sandbox]\n"
         "The value of the lever PARAM (set in every year) in [LO, HI] at which the target on\n"
         "INDICATOR (in year Y, when it has several) is just met, by GSL's Brent solver; with\n"
         "--prob, the value at which it is met with probability P over N Monte Carlo samples\n"
         "(default 1000) of the uncertainty the scenario declares, the same draws at every value\n"
         "of the lever. Says so when the target is met, or missed, over the whole range.");
}

static int number(const char *opt, const char *v, double *out)
{
    char *end;
    errno = 0;
    double x = v ? strtod(v, &end) : 0;
    if (!v || !*v || *end || errno || !isfinite(x)) {
        fs_error("seek: %s needs a number, not '%s'", opt, v ? v : "");
        return -1;
    }
    *out = x;
    return 0;
}

static int whole(const char *opt, const char *v, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long x = v ? strtoll(v, &end, 10) : 0;
    if (!v || !*v || *end || errno || x < lo || x > hi) {
        fs_error("seek: %s needs a whole number from %lld to %lld, not '%s'", opt, lo, hi, v ? v : "");
        return -1;
    }
    *out = x;
    return 0;
}

static int range(const char *v, seek_args *a)
{
    const char *colon = v ? strchr(v, ':') : NULL;
    char lo[64];
    if (!colon || (size_t)(colon - v) >= sizeof lo) {
        fs_error("seek: --range LO:HI, not '%s'", v ? v : "");
        return -1;
    }
    memcpy(lo, v, (size_t)(colon - v));
    lo[colon - v] = '\0';
    if (number("--range", lo, &a->lo) || number("--range", colon + 1, &a->hi))
        return -1;
    if (!(a->lo < a->hi)) {
        fs_error("seek: --range %s: LO must be below HI", v);
        return -1;
    }
    a->has_range = 1;
    return 0;
}

static int parse_one(seek_args *a, int argc, char **argv, int *i)
{
    const char *o = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (strcmp(o, "--lhs") == 0)
        return a->lhs = 1, 0;
    static const char *const known[] = { "--target", "--year", "--lever", "--range", "--prob", "-n",
                                         "-j",       "--seed", "--scenario", NULL };
    int k = 0;
    while (known[k] && strcmp(o, known[k]))
        k++;
    if (!known[k]) {
        fs_error("seek: unknown option '%s' (flowsim seek --help)", o);
        return -1;
    }
    if (!v) {
        fs_error("seek: %s needs a value", o);
        return -1;
    }
    (*i)++;
    switch (k) {
    case 0: a->target = v; return 0;
    case 1: a->has_year = 1; return whole(o, v, FLOW_YEAR_MIN, FLOW_YEAR_MAX, &a->year);
    case 2: a->lever = v; return 0;
    case 3: return range(v, a);
    case 4: a->has_prob = 1; return number(o, v, &a->prob);
    case 5: return whole(o, v, 1, 0x7fffffffLL, &a->n);
    case 6: return whole(o, v, 1, 1024, &a->threads);
    case 7: return whole(o, v, 0, 0x7fffffffffffffffLL, &a->seed);
    default: a->scenario = v; return 0;
    }
}

static int parse(seek_args *a, fs_opts *fo, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int used = fs_parse_common(fo, argc, argv, i);
        if (used < 0)
            return FS_USAGE;
        if (used > 0)
            i += used - 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return usage(), -1;
        else if (argv[i][0] == '-') {
            if (parse_one(a, argc, argv, &i))
                return FS_USAGE;
        } else
            a->files[a->n_files++] = argv[i];
    }
    const char *missing = a->n_files == 0 ? "a scenario file" : !a->target ? "--target INDICATOR"
                          : !a->lever ? "--lever PARAM" : !a->has_range ? "--range LO:HI" : NULL;
    if (missing) {
        fs_error("seek: %s is required (flowsim seek --help)", missing);
        return FS_USAGE;
    }
    if (a->has_prob && !(a->prob > 0 && a->prob < 1)) {
        fs_error("seek: --prob %g: a probability strictly between 0 and 1", a->prob);
        return FS_USAGE;
    }
    if (a->threads > a->n) {
        fs_error("seek: -j %lld with -n %lld: more threads than samples", a->threads, a->n);
        return FS_USAGE;
    }
    return 0;
}

static void set_int(lua_State *L, const char *k, long long v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void push_opts(lua_State *L, const seek_args *a)
{
    lua_createtable(L, 0, 10);
    lua_pushstring(L, a->target);
    lua_setfield(L, -2, "target");
    lua_pushstring(L, a->lever);
    lua_setfield(L, -2, "lever");
    lua_createtable(L, 2, 0);
    lua_pushnumber(L, a->lo);
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, a->hi);
    lua_rawseti(L, -2, 2);
    lua_setfield(L, -2, "range");
    if (a->has_year)
        set_int(L, "year", a->year);
    if (a->has_prob) {
        lua_pushnumber(L, a->prob);
        lua_setfield(L, -2, "prob");
    }
    set_int(L, "n", a->n);
    set_int(L, "seed", a->seed);
    set_int(L, "threads", a->threads);
    lua_pushboolean(L, a->lhs);
    lua_setfield(L, -2, "lhs");
}

int fs_cmd_seek(int argc, char **argv)
{
    fs_opts fo = { 0 };
    seek_args a = { .n = 1000, .threads = 1 };
    a.files = calloc((size_t)argc + 1, sizeof *a.files);
    if (!a.files) {
        fs_error("out of memory");
        return FS_ERROR;
    }
    int rc = parse(&a, &fo, argc, argv);
    if (rc != 0) {
        free(a.files);
        return rc < 0 ? FS_OK : rc;
    }
    char root[4096];
    fo.root = fs_dir_of(a.files[0], root, sizeof root);
    lua_State *L = fs_state_new(&fo);
    if (!L) {
        free(a.files);
        return FS_ERROR;
    }
    rc = fs_load_driver(L, driver, sizeof driver - 1, "=[flowsim seek]");
    if (rc == FS_OK) {
        lua_getglobal(L, "flow");
        lua_createtable(L, a.n_files, 0);
        for (int i = 0; i < a.n_files; i++) {
            lua_pushstring(L, a.files[i]);
            lua_rawseti(L, -2, i + 1);
        }
        push_opts(L, &a);
        if (a.scenario)
            lua_pushstring(L, a.scenario);
        else
            lua_pushnil(L);
        fs_push_writer(L);
        rc = fs_pcall_driver(L, 5, 1);
    }
    fflush(stdout);
    fs_state_free(L);
    free(a.files);
    return rc;
}
