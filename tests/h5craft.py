#!/usr/bin/python3
"""tests/h5craft.py — libflow results files made without libflow (h5py),
for tests/h5read.sh and tests/h5flip.sh: a small valid file of format
version 2 written from docs/results-format.md alone (an independent check
of the format and of the reader), and crafted files that break one rule
each.

usage: h5craft.py DIR [CASE...]   writes DIR/CASE.h5 for each case (all
                                  cases when none is named)
       h5craft.py --list          the cases
       h5craft.py --flip SRC DIR N SEED
                                  N copies of SRC, each with 1 to 4 bytes
                                  flipped at deterministic positions
                                  (DIR/flip-0000.h5, ...)

The valid file ("valid") holds one scenario "plan", years 2020-2022, and
values chosen here: indicator recycling_rate is 10, 20, 30 (%); the target
recycling_rate >= 25 in 2022 is achieved (30) and met.
"""
import os
import random
import sys

import h5py
import numpy as np
from h5py import h5a, h5d, h5s, h5t

YEARS = [2020, 2021, 2022]
# the version written into "valid"-style files (H5CRAFT_VERSION=1 labels
# them version 1, to try a reader that refuses version 2)
VERSION = int(os.environ.get("H5CRAFT_VERSION", "2"))


def fstr(n, vlen=False):
    """A fixed-length (NULLTERM, UTF-8) string type of n bytes, or a
    variable-length one (format version 1)."""
    if vlen:
        t = h5t.C_S1.copy()
        t.set_size(h5t.VARIABLE)
    else:
        t = h5t.C_S1.copy()
        t.set_size(n)
        t.set_strpad(h5t.STR_NULLTERM)
    t.set_cset(h5t.CSET_UTF8)
    return t


def attr_str(obj, name, value, vlen=False, shape=None, size=None):
    """A string attribute: scalar and fixed-length unless told otherwise."""
    b = value.encode()
    n = size or len(b) + 1
    sp = h5s.create(h5s.SCALAR) if shape is None else h5s.create_simple(shape)
    if vlen:
        obj.attrs.create(name, value, dtype=h5py.string_dtype())
        return
    t = fstr(n)
    a = h5a.create(obj.id, name.encode(), t, sp)
    arr = np.array(b if shape is None else [b] * shape[0], dtype="S%d" % n)
    a.write(arr, mtype=t)


def table(group, name, cols, rows, vlen=(), strsize=None, nrows=None):
    """A packed compound table: cols are (name, kind), kind 's' (string),
    'i4', 'i1' or 'f8'; the columns named in vlen are variable-length
    strings; strsize forces the size of every fixed string; nrows makes an
    empty, chunked dataset of that many rows instead (nothing written)."""
    fields, types = [], []
    for i, (cname, kind) in enumerate(cols):
        if kind == "s" and cname in vlen:
            fields.append((cname, h5py.string_dtype()))
            types.append(fstr(0, True))
        elif kind == "s":
            n = strsize or max([len(r[i].encode()) for r in rows], default=0) + 1
            fields.append((cname, "S%d" % n))
            types.append(fstr(n))
        else:
            fields.append((cname, "<" + kind))
            types.append({"i4": h5t.STD_I32LE, "i1": h5t.STD_I8LE, "f8": h5t.IEEE_F64LE}[kind])
    dt = np.dtype(fields)
    ft = h5t.create(h5t.COMPOUND, dt.itemsize)
    for (cname, _), t in zip(cols, types):
        ft.insert(cname.encode(), dt.fields[cname][1], t)
    if nrows is not None:
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((1024,))
        h5d.create(group.id, name.encode(), ft, h5s.create_simple((nrows,)), dcpl=dcpl)
        return
    conv = [tuple(v if cname in vlen or not isinstance(v, str) else v.encode()
                  for (cname, _), v in zip(cols, r)) for r in rows]
    arr = np.array(conv, dtype=dt)
    if any(c in vlen for c, _ in cols):  # h5py converts Python strings to variable-length ones
        group.create_dataset(name, data=arr, dtype=dt)
        return
    d = h5d.create(group.id, name.encode(), ft, h5s.create_simple((len(rows),)))
    if rows:
        d.write(h5s.ALL, h5s.ALL, arr, mtype=ft)


ITEM = [("name", "s"), ("from", "i4"), ("to", "i4"), ("material", "i4"), ("unit", "s"), ("detail", "s")]
TARGET = [("indicator", "s"), ("year", "i4"), ("cmp", "s"), ("value", "f8"), ("achieved", "f8"), ("met", "i1"),
          ("source", "s")]


def fifo(path):
    """The FIFO beside the crafted files (tests/h5read.sh makes it)."""
    return os.path.join(os.path.dirname(os.path.abspath(path)), "fifo")


def values(g, data, dtype="<f8"):
    a = np.array(data, dtype=dtype)
    g.create_dataset("values", data=a, chunks=a.shape if a.size else None, compression="gzip" if a.size else None,
                     shuffle=bool(a.size), fletcher32=bool(a.size))


def write(path, case="valid"):
    v1 = case == "v1"
    vl = ("name", "unit", "detail", "category", "kind", "type", "type_version", "indicator", "cmp", "source",
          "title") if v1 else ()
    if case == "vlen_column":
        vl = ("detail",)
    f = h5py.File(path, "w", libver="v108", track_order=True)
    attr_str(f, "format", "libflow-results" if case != "format_long" else "x" * 1048576, vlen=v1 or case == "vlen_attr",
             shape=(100000,) if case == "format_array" else None)
    if case == "version_array":
        f.attrs.create("format_version", np.full(100000, VERSION, dtype="<i4"))
    elif case == "version_float":
        f.attrs.create("format_version", np.float64(VERSION))
    else:
        f.attrs.create("format_version", np.int32(1 if v1 else VERSION))
    attr_str(f, "libflow_version", "h5craft", vlen=v1)
    attr_str(f, "created", "2026-01-01T00:00:00Z", vlen=v1)
    sg = f.create_group("scenarios", track_order=True)
    if case == "ext_link_scenario":
        sg["evil"] = h5py.ExternalLink(os.path.join(os.path.dirname(os.path.abspath(path)), "fifo"), "/")
    if case == "scenario_dataset":
        sg.create_dataset("evil", data=np.zeros(3))
    g = sg.create_group("plan")
    attr_str(g, "description", "crafted by tests/h5craft.py", vlen=v1)
    attr_str(g, "model_file", "demo.lua", vlen=v1)
    years = {"years_float": np.array(YEARS, dtype="<f8"), "years_2d": np.array([YEARS, YEARS], dtype="<i4"),
             "years_minmax": np.array([-2**31, 2**31 - 1], dtype="<i4"),
             "years_gap": np.array([2020, 2022, 2024], dtype="<i4")}.get(case, np.array(YEARS, dtype="<i4"))
    T = 3
    if case == "years_huge":
        g.create_dataset("years", shape=(2000000000,), dtype="<i4", chunks=(65536,))
    elif case == "years_ext_link":
        g["years"] = h5py.ExternalLink(os.path.join(os.path.dirname(os.path.abspath(path)), "fifo"), "/years")
    elif case == "years_soft_link":
        g.create_dataset("years_real", data=years)
        g["years"] = h5py.SoftLink("/scenarios/plan/years_real")
    elif case == "years_external":  # raw data in another file: the FIFO
        g.create_dataset("years", shape=(3,), dtype="<i4", external=[(fifo(path), 0, 12)])
    elif case == "years_virtual":  # a virtual dataset whose source is the FIFO
        lay = h5py.VirtualLayout(shape=(3,), dtype="<i4")
        lay[:] = h5py.VirtualSource(fifo(path), "years", shape=(3,))
        g.create_virtual_dataset("years", lay)
    elif case == "years_group":
        g.create_group("years")
    else:
        g.create_dataset("years", data=years)
    table(g, "materials", [("name", "s"), ("category", "s"), ("unit", "s")],
          [("msw", "domestic", "t"), ("recyclables", "domestic", "t")], vlen=vl)
    table(g, "processes", [("name", "s"), ("kind", "s"), ("type", "s"), ("type_version", "s")],
          [("households", "source", "", ""), ("sorting", "split", "", ""), ("landfill", "sink", "", ""),
           ("recycling", "sink", "", "")], vlen=vl)
    fg = g.create_group("flows")
    flows = [("households->sorting:msw", 0, 1, 0, "t/a", "fixed"), ("sorting->landfill:msw", 1, 2, 0, "t/a", "rest"),
             ("sorting->recycling:msw", 1, 3, 0, "t/a", "share")]
    fcols = list(ITEM)
    if case == "index_no_name":
        fcols[0] = ("label", "s")
    if case == "index_name_int":
        fcols[0] = ("name", "i4")
        flows = [(i,) + r[1:] for i, r in enumerate(flows)]
    if case == "index_rows_huge":
        table(fg, "index", fcols, flows, nrows=1000000000)
    elif case == "index_not_compound":
        fg.create_dataset("index", data=np.zeros(3))
    else:
        table(fg, "index", fcols, flows, vlen=vl, strsize=100000 if case == "index_str_huge" else None)
    fv = [[1000, 900, 100], [1000, 800, 200], [1000, 700, 300]]
    if case == "values_shape":
        fv = [r + [0] for r in fv]
    values(fg, fv, dtype="<i4" if case == "values_int" else "<f8")
    sk = g.create_group("stocks")
    table(sk, "index", ITEM, [("landfill:msw", 2, -1, 0, "t", "stock")], vlen=vl)
    values(sk, [[900], [1700], [2400]])
    pg = g.create_group("params")
    table(pg, "index", ITEM, [("sorting_to_recycling", -1, -1, -1, "", "")], vlen=vl)
    values(pg, [[0.1], [0.2], [0.3]])
    ig = g.create_group("indicators")
    table(ig, "index", ITEM + [("title", "s")],
          [("recycling_rate", -1, -1, -1, "%", "demo target", "回收利用率"),
           ("landfilled", -1, -1, -1, "t/a", "demo target", "")], vlen=vl)
    values(ig, [[10, 900], [20, 800], [30, 700]])
    mg = g.create_group("metrics")
    table(mg, "index", ITEM, [], vlen=vl)
    values(mg, np.zeros((T, 0)))
    cmp = "=>" if case == "targets_cmp_bad" else ">="
    table(g, "targets", TARGET, [("recycling_rate", 2022, cmp, 25.0, 30.0, 1, "demo target"),
                                 ("landfilled", 2022, "<=", 600.0, 700.0, 0, "demo target")], vlen=vl)
    sm = g.create_group("samples")
    sm.create_dataset("x", data=np.zeros((2, T, 2)) if case != "samples_rank2" else np.zeros((2, T)))
    f.close()


CASES = ["valid", "v1", "vlen_column", "vlen_attr", "format_array", "format_long", "version_array",
         "version_float", "years_float", "years_2d", "years_minmax", "years_gap", "years_huge", "years_ext_link",
         "years_external", "years_virtual", "years_soft_link", "years_group", "scenario_dataset", "ext_link_scenario", "index_no_name",
         "index_name_int", "index_rows_huge", "index_not_compound", "index_str_huge", "values_int", "values_shape",
         "targets_cmp_bad", "samples_rank2"]


def flip(src, out, n, seed):
    data = open(src, "rb").read()
    rnd = random.Random(seed)
    for i in range(n):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 4)):
            # half of the flips in the first 4 KiB (superblock, object headers, b-trees)
            p = rnd.randrange(min(len(b), 4096)) if rnd.random() < 0.5 else rnd.randrange(len(b))
            b[p] ^= 1 << rnd.randrange(8) if rnd.random() < 0.5 else rnd.randrange(1, 256)
        with open(os.path.join(out, "flip-%04d.h5" % i), "wb") as h:
            h.write(b)


def main(argv):
    if argv[1:2] == ["--list"]:
        print("\n".join(CASES))
    elif argv[1:2] == ["--flip"]:
        flip(argv[2], argv[3], int(argv[4]), int(argv[5]))
    else:
        for case in argv[2:] or CASES:
            if case not in CASES:
                sys.exit("h5craft.py: no case '%s'" % case)
            write(os.path.join(argv[1], case + ".h5"), case)


if __name__ == "__main__":
    main(sys.argv)
