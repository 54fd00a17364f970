#!/usr/bin/python3
"""Calibrate the analytical resource model against real synthesis.

The RTL synthesizes hierarchically (Yosys keeps the module boundaries), so
the model has two parts (docs/exploration.md):

  modules  every submodule the configuration instantiates (buffers, window
           front ends, XNOR units, popcounts, MAC lanes, merge units), each
           synthesized on its own with the parameters it gets:
           `calibrate_resources.py modules` runs Yosys 0.55 synth_xilinx
           -family xcup on each and stores its LUT/LUTRAM/FF/DSP/BRAM in
           data/synth/modules.json. Exact: a module synthesizes the same alone
           as inside nb_top (checked: see docs/exploration.md).
  top      nb_top's own logic (controller, FIFOs, the merge's output
           stage, port muxes, token mixing's transpose buffer and
           per-position parameters, and the per-lane parameter registers of
           nb_lane_params, whose size follows the lane count): a linear function of the
           configuration, fitted by non-negative least squares to full
           synthesis runs (data/synth/<run>.json, written by
           `neuroblend synth --json`) after subtracting their modules.

`calibrate_resources.py fit` (the default) writes data/resource_model.json:
the module table, the top coefficients, and every full run next to the
model with the in-sample and the leave-one-out error (each run predicted by
a fit without it). Needs python3-numpy (Debian) and, for `modules`,
Node.js with tools/yosys installed (scripts/install-deps.sh).
"""
import glob
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RES = ["lut", "lutram", "ff", "dsp", "bram36"]
ACT_BYTES = 65536  # the buffer size the model is calibrated at (rtl/configs.cmake default)

# The model's structure comes from the C++ side, the one copy:
# `neuroblend synth --instances` prints, for a configuration, the submodules
# nb_top instantiates (module table keys with their parameters and counts)
# and nb_top's own fitted terms (L lanes, L rounded up to a power of two,
# merge units, words per binary lane, ...: perfmodel/resources.cpp,
# resource_instances and resource_top_terms). Set NEUROBLEND to the binary
# (default: build/neuroblend).
NEUROBLEND = os.environ.get("NEUROBLEND", os.path.join(ROOT, "build", "neuroblend"))
_structure = {}


def structure(c):
    """The resource model's structure of configuration c (cached)."""
    args = ["--lanes", str(c["lanes"]), "--words-per-lane", str(c["words_per_lane"]), "--macs", str(c["macs"]),
            "--xnor", c["xnor"], "--merge-lanes", str(merge_of(c))]
    key = tuple(args)
    if key not in _structure:
        try:
            p = subprocess.run([NEUROBLEND, "synth", "--instances"] + args, capture_output=True, text=True)
        except OSError as e:
            sys.exit(f"calibrate_resources: cannot run {NEUROBLEND} ({e}): build the project first or set NEUROBLEND")
        if p.returncode != 0:
            sys.exit(f"calibrate_resources: {NEUROBLEND} synth --instances {' '.join(args)}: {p.stderr.strip()}")
        j = json.loads(p.stdout)
        if j["config"]["act_bytes"] != c.get("act_bytes", ACT_BYTES):
            sys.exit(f"calibrate_resources: configuration {c}: act_bytes differs from the binary's {j['config']['act_bytes']}")
        _structure[key] = j
    return _structure[key]


def merge_of(c):
    """The configuration's merge units: every synthesis run names them
    (`neuroblend synth --json` resolves the default)."""
    return c["merge_lanes"]


def top_terms(c):
    return [float(v) for v in structure(c)["top_terms"]["values"]]


def top_term_names():
    return structure({"lanes": 1, "words_per_lane": 1, "macs": 1, "xnor": "dsp", "merge_lanes": 1})["top_terms"]["names"]


def module_instances(c):
    """(key, module, parameters, count) of every submodule nb_top instantiates
    for configuration c."""
    return [(i["key"], i["module"], i["parameters"], i["count"]) for i in structure(c)["instances"]]


def all_module_params():
    """Every submodule parameterization a configuration of the sweep space
    (lanes 1..64, words 1/2/4, MACs 1/2/4/8, XNOR dsp/lut) can use, asked of
    the binary for each (about 1,500 configurations, under a minute). Merge
    units: one, and the powers of two above 8 that divide the lanes (a write
    run of a memory beat, 8 units, up to 8 merge units, the merge group
    above it); the model interpolates between those widths."""
    seen = {}
    for l in range(1, 65):
        for w in (1, 2, 4):
            for m in (1, 2, 4, 8):
                for x in ("dsp", "lut"):
                    for r in (1, 16, 32, 64):
                        if l % r:
                            continue
                        c = {"lanes": l, "words_per_lane": w, "macs": m, "xnor": x, "merge_lanes": r}
                        for key, mod, par, _ in module_instances(c):
                            seen[key] = (mod, par)
    return seen


def parse_stat(log):
    """Totals of the last Yosys `stat` (the design hierarchy's, or the only module's)."""
    at = log.rfind("=== design hierarchy ===")
    if at < 0:
        at = log.rfind("Number of cells")
    if at < 0:
        raise ValueError("no Yosys statistics in the log")
    cells = {}
    for line in log[at:].splitlines():
        mt = re.match(r"^\s+([A-Z][A-Z0-9_]+)\s+(\d+)\s*$", line)
        if mt:
            cells[mt.group(1)] = cells.get(mt.group(1), 0) + int(mt.group(2))
    r = dict.fromkeys(RES, 0.0)
    lutram = {"RAM64M8": 8, "RAM32M16": 8, "RAM256X1D": 8, "RAM512X1S": 8, "RAM64M": 4, "RAM32M": 4, "RAM128X1D": 4,
              "RAM256X1S": 4, "RAM64X1D": 2, "RAM32X1D": 2, "RAM128X1S": 2, "RAM64X1S": 1, "RAM32X1S": 1,
              "SRL16E": 1, "SRLC32E": 1}
    for n, v in cells.items():
        if re.fullmatch(r"LUT[1-6]", n):
            r["lut"] += v
        elif n in ("FDRE", "FDCE", "FDSE", "FDPE"):
            r["ff"] += v
        elif n == "DSP48E2":
            r["dsp"] += v
        elif n == "RAMB36E2":
            r["bram36"] += v
        elif n == "RAMB18E2":
            r["bram36"] += v / 2
        elif n in lutram:
            r["lutram"] += lutram[n] * v
    return r


def write_modules(path, table):
    with open(path, "w") as fh:
        json.dump({"format": "neuroblend-module-synthesis-1",
                   "note": "Each submodule of nb_top synthesized alone by Yosys 0.55 synth_xilinx -family xcup "
                           "(tools/calibrate_resources.py modules); lut = LUT1..LUT6, lutram = LUTs used as memory, "
                           "bram36 = RAMB36E2 + RAMB18E2/2. An entry with 'failed' could not be synthesized here.",
                   "modules": dict(sorted(table.items()))}, fh, indent=1)
        fh.write("\n")


def synth_modules(only=None):
    """Synthesize every submodule parameterization; write data/synth/modules.json
    after each (a long run can be resumed: entries present are kept unless named)."""
    path = os.path.join(ROOT, "data", "synth", "modules.json")
    table = {}
    if os.path.exists(path):
        with open(path) as fh:
            table = json.load(fh)["modules"]
    for key, (mod, par) in sorted(all_module_params().items()):
        if only and not any(o in key for o in only):
            continue
        if not only and key in table and "failed" not in table[key]:
            continue
        chp = " ".join(f"-set {k} {v}" for k, v in par.items())
        script = (f"{'chparam ' + chp + ' ' + mod + '; ' if chp else ''}"
                  f"synth_xilinx -family xcup -top {mod}; stat")
        t0 = time.time()
        p = subprocess.run(["node", os.path.join(ROOT, "tools", "yosys", "yosys.mjs"), os.path.join(ROOT, "rtl"), script],
                           capture_output=True, text=True, errors="replace")
        if p.returncode != 0:
            why = (p.stderr.strip().splitlines() or ["exit status %d" % p.returncode])[-1]
            table[key] = {"module": mod, "parameters": par, "failed": why, "seconds": round(time.time() - t0, 1)}
            print(f"  {key:<42} FAILED: {why}", flush=True)
        else:
            table[key] = {"module": mod, "parameters": par, **parse_stat(p.stdout), "seconds": round(time.time() - t0, 1)}
            print(f"  {key:<42} {table[key]}", flush=True)
        write_modules(path, table)
    print(f"{len(table)} module parameterizations -> {path}")


def modules_sum(table, c):
    tot = dict.fromkeys(RES, 0.0)
    for key, _, _, n in module_instances(c):
        if key not in table:
            sys.exit(f"calibrate_resources: data/synth/modules.json has no '{key}': run `calibrate_resources.py modules`")
        for r in RES:
            tot[r] += n * table[key][r]
    return tot


def nnls(a, y):
    """Non-negative least squares (Lawson-Hanson), small problems."""
    n = a.shape[1]
    x = np.zeros(n)
    passive = np.zeros(n, bool)
    for _ in range(3 * n + 10):
        w = a.T @ (y - a @ x)
        if passive.all() or (w[~passive] <= 1e-9 * max(1.0, np.abs(w).max())).all():
            break
        j = int(np.argmax(np.where(passive, -np.inf, w)))
        passive[j] = True
        while True:
            z = np.zeros(n)
            z[passive] = np.linalg.lstsq(a[:, passive], y, rcond=None)[0]
            if (z[passive] > 0).all():
                x = z
                break
            neg = passive & (z <= 0)
            alpha = np.min(x[neg] / (x[neg] - z[neg]))
            x = x + alpha * (z - x)
            passive &= x > 1e-12
            x[~passive] = 0
    return x


def fit_top(runs, table, res):
    a = np.array([top_terms(r["config"]) for r in runs], float)
    y = np.array([r["synthesis"][res] - modules_sum(table, r["config"])[res] for r in runs], float)
    # Every DSP48E2 is in a submodule (nb_top's own: none, by design); nb_top's
    # own block RAM is token mixing's per-position parameters (nb_pos_params,
    # the same five block RAMs in every configuration): constants.
    if res in ("dsp", "bram36"):
        return np.array([round(float(np.median(y)))] + [0.0] * (len(top_term_names()) - 1))
    return nnls(a, y)


def predict(coef, table, c):
    mods = modules_sum(table, c)
    t = np.array(top_terms(c), float)
    out = {r: float(t @ coef[r]) + mods[r] for r in RES}
    out["lut_total"] = out["lut"] + out["lutram"]
    return out


def run_row(run, pred, worst, loo=None, worst_loo=None):
    """One synthesis run next to the model's prediction (and the leave-one-out
    one for fitted runs); updates the worst errors."""
    c = run["config"]
    syn = dict(run["synthesis"])
    syn["lut_total"] = syn["lut"] + syn["lutram"]
    row = {"config": c["name"], "lanes": c["lanes"], "words_per_lane": c["words_per_lane"], "macs": c["macs"],
           "merge_lanes": merge_of(c), "xnor": c["xnor"], "file": run["file"], "synthesis": syn, "model": {}, "error_percent": {}}
    if loo is not None:
        row["loo_error_percent"] = {}
    pct = lambda m, s: 100.0 * (m - s) / s if s else 0.0
    for r in RES + ["lut_total"]:
        e = pct(pred[r], syn[r])
        row["model"][r] = round(pred[r], 1)
        row["error_percent"][r] = round(e, 2)
        worst[r] = max(worst[r], abs(e))
        if loo is not None:
            el = pct(loo[r], syn[r])
            row["loo_error_percent"][r] = round(el, 2)
            worst_loo[r] = max(worst_loo[r], abs(el))
    return row


def fit():
    with open(os.path.join(ROOT, "data", "synth", "modules.json")) as fh:
        all_modules = json.load(fh)["modules"]
    table = {k: v for k, v in all_modules.items() if "failed" not in v}
    failed = {k: v["failed"] for k, v in all_modules.items() if "failed" in v}
    def read_runs(pattern):
        out = []
        for f in sorted(glob.glob(os.path.join(ROOT, "data", "synth", pattern))):
            if os.path.basename(f) == "modules.json":
                continue
            with open(f) as fh:
                j = json.load(fh)
            j["file"] = os.path.relpath(f, ROOT)
            if j["config"].get("act_bytes", ACT_BYTES) != ACT_BYTES:
                sys.exit(f"calibrate_resources: {j['file']}: act_bytes differs from {ACT_BYTES}")
            out.append(j)
        return out

    runs = read_runs("*.json")                  # fitted
    held_out = read_runs("validation/*.json")   # never fitted: the model's error on new configurations
    if len(runs) < len(top_term_names()) + 1:
        sys.exit(f"calibrate_resources: need at least {len(top_term_names()) + 1} full synthesis runs in data/synth/")
    coef = {r: fit_top(runs, table, r) for r in RES}
    model = {"format": "neuroblend-resource-model-2",
             "note": "resource = nb_top's own logic (sum of coefficient x term, fitted) + the sum over the submodules "
                     "nb_top instantiates of their synthesized resources (module table) x their instance counts. "
                     "Fitted by tools/calibrate_resources.py to the Yosys 0.55 synth_xilinx -family xcup runs in "
                     "data/synth/ (LUT = LUT1..LUT6, LUTRAM = LUTs used as memory, BRAM36 = RAMB36E2 + RAMB18E2/2). "
                     "Valid for the calibrated buffer sizes.",
             "top_terms": top_term_names(),
             "calibrated_at": {"act_bytes": ACT_BYTES, "max_kw": 96, "max_fix_entries": 128, "max_classes": 128},
             "top_coefficients": {r: [round(float(v), 4) for v in coef[r]] for r in RES},
             "modules": {k: {r: v[r] for r in RES} for k, v in sorted(table.items())},
             "modules_not_synthesized": failed,
             "calibration": []}
    keys = RES + ["lut_total"]
    worst, worst_loo, worst_val = dict.fromkeys(keys, 0.0), dict.fromkeys(keys, 0.0), dict.fromkeys(keys, 0.0)
    for i, run in enumerate(runs):
        loo = predict({r: fit_top(runs[:i] + runs[i + 1:], table, r) for r in RES}, table, run["config"])
        model["calibration"].append(run_row(run, predict(coef, table, run["config"]), worst, loo, worst_loo))
    model["validation"] = [run_row(run, predict(coef, table, run["config"]), worst_val) for run in held_out]
    model["max_abs_validation_error_percent"] = {k: round(v, 2) for k, v in worst_val.items()}
    model["max_abs_error_percent"] = {k: round(v, 2) for k, v in worst.items()}
    model["max_abs_loo_error_percent"] = {k: round(v, 2) for k, v in worst_loo.items()}
    out = os.path.join(ROOT, "data", "resource_model.json")
    with open(out, "w") as fh:
        json.dump(model, fh, indent=1)
        fh.write("\n")
    print(f"{len(runs)} full synthesis runs, {len(table)} module syntheses -> {out}")
    print("top coefficients:", {r: model["top_coefficients"][r] for r in RES})
    print("max |error| % (in-sample):     ", model["max_abs_error_percent"])
    print("max |error| % (leave-one-out): ", model["max_abs_loo_error_percent"])
    print("max |error| % (held out):      ", model["max_abs_validation_error_percent"])
    for row in model["validation"]:
        s, m, e = row["synthesis"], row["model"], row["error_percent"]
        print(f"  held out {row['config']:<19} LUT {s['lut_total']:>7.0f} model {m['lut_total']:>7.0f} "
              f"({e['lut_total']:+5.1f} %)  FF {s['ff']:>6.0f} model {m['ff']:>6.0f} ({e['ff']:+5.1f} %)  DSP {s['dsp']:>4.0f} "
              f"model {m['dsp']:.0f}")
    for row in model["calibration"]:
        s, m, e, el = row["synthesis"], row["model"], row["error_percent"], row["loo_error_percent"]
        print(f"  {row['config']:<28} LUT {s['lut_total']:>7.0f} model {m['lut_total']:>7.0f} ({e['lut_total']:+5.1f} %, "
              f"loo {el['lut_total']:+5.1f} %)  FF {s['ff']:>6.0f} model {m['ff']:>6.0f} ({e['ff']:+5.1f} %, loo "
              f"{el['ff']:+5.1f} %)  DSP {s['dsp']:>4.0f} model {m['dsp']:.0f}  BRAM36 {s['bram36']:.1f} model "
              f"{m['bram36']:.1f}")


def markdown(model):
    """The accuracy table of docs/exploration.md."""
    lines = ["| run | L | W | M | G | XNOR | LUT synth | LUT model | error | leave-one-out | FF synth | FF model | error | "
             "leave-one-out | DSP synth = model |", "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | "
             "---: | ---: | ---: | ---: |"]
    for row in model["calibration"] + model["validation"]:
        s, m, e = row["synthesis"], row["model"], row["error_percent"]
        el = row.get("loo_error_percent")
        name = os.path.basename(row["file"])[:-5] + ("" if el else " (held out)")
        lines.append(f"| {name} | {row['lanes']} | {row['words_per_lane']} | {row['macs']} | {row['merge_lanes']} | {row['xnor']} | "
                     f"{s['lut_total']:.0f} | {m['lut_total']:.0f} | {e['lut_total']:+.1f} % | "
                     f"{format(el['lut_total'], '+.1f') + ' %' if el else 'n/a'} | {s['ff']:.0f} | {m['ff']:.0f} | "
                     f"{e['ff']:+.1f} % | {format(el['ff'], '+.1f') + ' %' if el else 'n/a'} | "
                     f"{s['dsp']:.0f} = {m['dsp']:.0f} |")
    return "\n".join(lines)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "fit"
    if cmd == "modules":
        synth_modules(sys.argv[2:])
    elif cmd == "fit":
        fit()
    elif cmd == "markdown":
        with open(os.path.join(ROOT, "data", "resource_model.json")) as fh:
            print(markdown(json.load(fh)))
    else:
        sys.exit("usage: calibrate_resources.py [fit | markdown | modules [KEY-SUBSTRING...]]")


if __name__ == "__main__":
    main()
