/*
 * series.c — parameters as series over the time axis.
 *
 * A parameter is a list of (year, value) points and a rule. This module
 * evaluates it at every whole year of the model once, at compile time:
 * step and linear by hand, cspline / akima / steffen through GSL's
 * gsl_interp. Outside its points a series holds the nearest end value
 * (no extrapolation: a plan's last figure stays in force).
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_interp.h>

#include "flow_int.h"

static const char *const interp_names[] = { "step", "linear", "cspline", "akima", "steffen" };

const char *flow_interp_name(flow_interp i)
{
    if ((unsigned)i >= sizeof interp_names / sizeof *interp_names)
        return NULL;
    return interp_names[i];
}

int flow_interp_parse(const char *name, flow_interp *out)
{
    int v, rc = flow_model__parse_name("interpolation rule", name, interp_names,
                                       sizeof interp_names / sizeof *interp_names, &v);
    if (rc == 0)
        *out = (flow_interp)v;
    return rc;
}

/* The minimum number of points GSL needs for a rule. */
static size_t min_points(flow_interp r)
{
    switch (r) {
    case FLOW_INTERP_CSPLINE: return gsl_interp_type_min_size(gsl_interp_cspline);
    case FLOW_INTERP_AKIMA: return gsl_interp_type_min_size(gsl_interp_akima);
    case FLOW_INTERP_STEFFEN: return gsl_interp_type_min_size(gsl_interp_steffen);
    default: return 1;
    }
}

int flow_series__eval(const flow_param *p, int first_year, int n_years,
                      double *out, const char *errprefix)
{
    size_t n = p->n;
    const int *yr = p->years;
    const double *v = p->values;

    if (p->interp == FLOW_INTERP_STEP || p->interp == FLOW_INTERP_LINEAR || n == 1) {
        size_t k = 0; /* first point with year > y, advanced monotonically */
        for (int i = 0; i < n_years; i++) {
            int y = first_year + i;
            while (k < n && yr[k] <= y)
                k++;
            if (k == 0)
                out[i] = v[0];
            else if (k == n || p->interp == FLOW_INTERP_STEP)
                out[i] = v[k - 1];
            else {
                double w = (double)(y - yr[k - 1]) / (double)(yr[k] - yr[k - 1]);
                out[i] = v[k - 1] + w * (v[k] - v[k - 1]);
            }
        }
        return 0;
    }

    size_t need = min_points(p->interp);
    if (n < need)
        return flow_error__set(FLOW_EINVAL, "%sparameter '%s': the %s rule needs at least %zu points, it has %zu",
                               errprefix, p->name, flow_interp_name(p->interp), need, n);

    const gsl_interp_type *type = p->interp == FLOW_INTERP_CSPLINE ? gsl_interp_cspline
                                  : p->interp == FLOW_INTERP_AKIMA ? gsl_interp_akima
                                                                   : gsl_interp_steffen;
    /* GSL wants doubles for x; a series has at most a few dozen points, so
     * a small stack buffer covers the common case. */
    double xs_small[64];
    double *xs = xs_small;
    /* Points were validated on entry (strictly increasing years, finite
     * values), which is what gsl_interp_init checks: it cannot fail here
     * but for memory. */
    if (n > 64)
        return flow_error__set(FLOW_EINVAL, "%sparameter '%s': a spline series may have at most 64 points, it has %zu",
                               errprefix, p->name, n);
    for (size_t i = 0; i < n; i++)
        xs[i] = yr[i];
    gsl_interp *g = gsl_interp_alloc(type, n);
    if (!g)
        return flow_error__nomem("a spline");
    gsl_interp_init(g, xs, v, n);
    for (int i = 0; i < n_years; i++) {
        double y = first_year + i;
        if (y <= xs[0])
            out[i] = v[0];
        else if (y >= xs[n - 1])
            out[i] = v[n - 1];
        else
            out[i] = gsl_interp_eval(g, xs, v, y, NULL);
    }
    gsl_interp_free(g);
    return 0;
}
