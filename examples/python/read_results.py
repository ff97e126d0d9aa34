#!/usr/bin/python3
"""read_results.py — a libflow results file read with h5py and pandas, no
libflow needed (docs/results-format.md is the layout).

    /usr/bin/python3 examples/python/read_results.py RESULTS.h5 [SCENARIO [INDICATOR [PLOT.png]]]

Prints the scenarios of the file, the indicators of one scenario (the
first by default) as a pandas DataFrame (rows: years; columns:
indicators), its target table, and plots one indicator (the first with a
target by default) against its target into a PNG (read_results.png by
default).

items(scenario, kind) reads any kind (flows, stocks, ...) keyed by the
item names, unique within a kind: import it from a script of your own.
"""
import sys

import h5py
import pandas as pd


def text(x):
    """h5py gives the strings of compound tables as bytes (version 2:
    fixed-length, numpy drops their null padding; version 1:
    variable-length)."""
    return x.decode("utf-8") if isinstance(x, bytes) else str(x)


def open_results(path):
    f = h5py.File(path, "r")
    fmt = text(f.attrs.get("format", b""))
    if fmt != "libflow-results":
        sys.exit(f"{path}: not a libflow results file (format {fmt!r})")
    # versions 1 and 2 differ only in how strings are stored, which h5py
    # reads alike (docs/results-format.md, Versions)
    if int(f.attrs["format_version"]) > 2:
        sys.exit(f"{path}: results format version {int(f.attrs['format_version'])}; this script reads 1 and 2")
    return f


def items(scenario, kind):
    """The items of one kind ("flows", "stocks", "params", "indicators",
    "metrics") of a scenario group: a DataFrame indexed by year, one column
    per item, keyed by the item's name, which is unique within its kind
    (docs/results-format.md, "Item names"; a file written before names were
    unique is refused rather than read wrong)."""
    names = [text(n) for n in scenario[f"{kind}/index"]["name"]]
    seen = set()
    for n in names:
        if n in seen:
            sys.exit(f"{scenario.file.filename}: {kind} item {n!r} is named twice (a file from before "
                     "names were unique: write it again)")
        seen.add(n)
    return pd.DataFrame(scenario[f"{kind}/values"][:],
                        index=pd.Index(scenario["years"][:], name="year"), columns=names)


def indicators(scenario):
    """The indicators of a scenario group: a DataFrame indexed by year."""
    index = scenario["indicators/index"]
    names = [text(n) for n in index["name"]]
    return pd.DataFrame(scenario["indicators/values"][:],
                        index=pd.Index(scenario["years"][:], name="year"), columns=names)


def targets(scenario):
    """The targets with their verdicts: a DataFrame, one row per target,
    with the indicator's unit (and title, when the file has titles). `achieved` is what flowsim's table shows as
    projected: the indicator in the target's year, or for a `rises` target
    its smallest year-on-year rise from the first year (`measure` says
    which; a rises target has no value)."""
    t = scenario["targets"][:]
    df = pd.DataFrame({name: t[name] for name in t.dtype.names})
    for col in ("indicator", "cmp", "source"):
        df[col] = df[col].map(text)
    index = scenario["indicators/index"]
    units = {text(n): text(u) for n, u in zip(index["name"], index["unit"])}
    df.insert(1, "unit", df["indicator"].map(lambda n: units.get(n, "")))
    if "title" in index.dtype.names:  # the indicator's title, e.g. the plan's Chinese name (older files: none)
        titles = {text(n): text(t) for n, t in zip(index["name"], index["title"])}
        if any(titles.values()):
            df.insert(2, "title", df["indicator"].map(lambda n: titles.get(n, "")))
    rises = df["cmp"] == "rises"
    df["value"] = df["value"].where(~rises)
    df["measure"] = rises.map({True: "smallest rise since %d" % int(scenario["years"][0]), False: "value"})
    df["met"] = df["met"].map({1: "yes", 0: "no", -1: "n/a"})
    return df


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    f = open_results(argv[1])
    scenarios = list(f["scenarios"])
    print("scenarios:", ", ".join(scenarios))
    name = argv[2] if len(argv) > 2 else scenarios[0]
    if name not in f["scenarios"]:
        sys.exit(f"{argv[1]}: no scenario {name!r} (the file holds {', '.join(scenarios)})")
    g = f["scenarios"][name]
    ind = indicators(g)
    tg = targets(g)
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(f"\nindicators of scenario {name}:")
        print(ind)
        print(f"\ntargets of scenario {name}:")
        print(tg.to_string(index=False))
        for _, t in tg.iterrows():  # one line per target, full precision
            print(f"target {t['indicator']} {t['cmp']} {t['year']}: achieved {t['achieved']:.10g} ({t['measure']})")
    which = argv[3] if len(argv) > 3 else (tg["indicator"].iloc[0] if len(tg) else ind.columns[0])
    out = argv[4] if len(argv) > 4 else "read_results.png"
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(ind.index, ind[which], marker="o", label=f"{which} ({name})")
    for _, t in tg[tg["indicator"] == which].iterrows():
        if t["cmp"] != "rises":
            ax.axhline(t["value"], linestyle="--", color="grey")
            ax.annotate(f"target {t['cmp']} {t['value']:g} in {t['year']} ({t['met']})",
                        (ind.index[0], t["value"]), textcoords="offset points", xytext=(4, 4))
    ax.set_xlabel("year")
    ax.set_ylabel(which)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out)
    print(f"\n{which} in {int(ind.index[-1])}: {ind[which].iloc[-1]:.10g}")
    print(f"plot: {out}")


if __name__ == "__main__":
    main(sys.argv)
