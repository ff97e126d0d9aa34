#!/usr/bin/python3
"""sankey.py — the Sankey diagram of one scenario and year of a libflow
results file, with plotly from h5py, no libflow needed (the same picture
as `flowsim report FILE.h5 --html`, for those who stay in Python;
docs/results-format.md is the layout).

    /usr/bin/python3 examples/python/sankey.py RESULTS.h5 [SCENARIO [YEAR [OUT.html]]]

SCENARIO: the first of the file by default; YEAR: its last; OUT.html:
sankey.html (one file, plotly.js inside: it opens offline). Nodes are
coloured by the process's kind (processes table), bands by the material's
category (materials table); flows of 0 t/a are left out, and loops are
drawn as loops. Prints the number of flows drawn. Debian: apt-get install
python3-h5py python3-plotly.
"""
import sys

import h5py
import plotly.graph_objects as go

KIND = {"source": "#4e79a7", "split": "#f28e2b", "typed": "#59a14f", "stock": "#b07aa1", "sink": "#e15759"}
CATEGORY = {"industrial": "#9c755f", "hazardous": "#e15759", "agricultural": "#59a14f", "construction": "#bab0ac",
            "domestic": "#4e79a7", "medical": "#ff9da7", "sludge": "#8c564b", "product": "#edc948",
            "emission": "#76b7b2"}


def text(x):
    """h5py gives strings inside compound tables as bytes."""
    return x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x)


def rgba(hexcolour, alpha):
    n = int(hexcolour[1:], 16)
    return f"rgba({n >> 16},{(n >> 8) & 255},{n & 255},{alpha})"


def sankey(path, scenario=None, year=None):
    """The plotly figure of one scenario and year, and the number of flows drawn."""
    f = h5py.File(path, "r")
    if text(f.attrs.get("format", b"")) != "libflow-results":
        sys.exit(f"{path}: not a libflow results file")
    names = list(f["scenarios"])
    scenario = scenario or names[0]
    if scenario not in names:
        sys.exit(f"{path}: no scenario {scenario!r} (it holds: {', '.join(names)})")
    g = f["scenarios"][scenario]
    years = list(g["years"][:])
    year = int(year) if year else int(years[-1])
    if year not in years:
        sys.exit(f"{path}: scenario {scenario} has no year {year} ({years[0]}-{years[-1]})")
    procs, mats = g["processes"][:], g["materials"][:]
    index, values = g["flows/index"][:], g["flows/values"][years.index(year)]
    src, dst, val, colour, label = [], [], [], [], []
    for row, v in zip(index, values):
        if not v > 0:
            continue
        src.append(int(row["from"]))
        dst.append(int(row["to"]))
        val.append(float(v))
        m = int(row["material"])
        colour.append(rgba(CATEGORY.get(text(mats[m]["category"]), "#999999"), 0.45))
        label.append(text(row["name"]))
    fig = go.Figure(go.Sankey(
        valueformat=",.6~g", valuesuffix=" t/a",
        node=dict(label=[text(p["name"]) for p in procs], pad=12, thickness=14,
                  color=[KIND.get(text(p["kind"]), "#999999") for p in procs]),
        link=dict(source=src, target=dst, value=val, color=colour, customdata=label,
                  hovertemplate="%{customdata}<br>%{value:,.6~g} t/a<extra></extra>")))
    fig.update_layout(title_text=f"{scenario}, {year} (t/a)", font_size=11)
    return fig, len(val)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    a = sys.argv[1:] + [None] * 3
    fig, n = sankey(a[0], a[1], a[2])
    out = a[3] or "sankey.html"
    fig.write_html(out, include_plotlyjs=True)
    print(f"{n} flows drawn: {out}")
