#!/usr/bin/python3
"""Fit the analytical resource model to real synthesis runs.

Reads data/synth/*.json (written by `neuroblend synth --json`, one per
configuration: Yosys 0.55 synth_xilinx -family xcup), fits each resource as a
linear function of the configuration terms by least squares (DSP48E2 with
integer coefficients, which must then match every run exactly), and writes
data/resource_model.json with the coefficients, every run next to the model,
and the errors: in-sample and leave-one-out (each run predicted by a fit
without it). Needs python3-numpy (Debian).
"""
import glob
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TERMS = ["1", "lanes", "lanes*words*dsp_xnor", "lanes*words*lut_xnor", "lanes*macs", "bit_rotation", "byte_rotation"]
RES = ["lut", "lutram", "ff", "dsp", "bram36"]


def terms(c):
    l, w, m, x = c["lanes"], c["words_per_lane"], c["macs"], 1 if c["xnor"] == "dsp" else 0
    bb = 64 * w  # bit-buffer banks (rtl/nb_top.sv BitBanks); its rotation network grows as n log n
    b = 8 if l <= 8 else 16 if l <= 16 else 32 if l <= 32 else 64  # int8 buffer banks (Banks), 8-bit units
    return [1, l, l * w * x, l * w * (1 - x), l * m, bb * np.log2(bb) / 64, b * np.log2(b) * 8 / 64]


# DSP48E2 slices per lane, structurally: 3 in the merge unit (18x16 and
# 18x32 products), one per int8 MAC, one per 48-bit XNOR word in logic mode.
DSP_SLOPES = [3, 1, 0, 1, 0, 0]


def fit(rows, res):
    a = np.array([terms(r["config"]) for r in rows], float)
    y = np.array([r["synthesis"][res] for r in rows], float)
    if res == "dsp":  # structural slopes; the control-path slices (address arithmetic) are the intercept
        rest = y - a[:, 1:] @ np.array(DSP_SLOPES, float)
        return np.array([round(float(np.median(rest)))] + DSP_SLOPES, float)
    if res == "bram36":  # the two int8 activation buffers (act_bytes each); nothing else maps to BRAM
        return np.array([float(np.median(y))] + [0.0] * (len(TERMS) - 1))
    return np.linalg.lstsq(a, y, rcond=None)[0]


def main():
    runs = []
    for f in sorted(glob.glob(os.path.join(ROOT, "data", "synth", "*.json"))):
        with open(f) as fh:
            j = json.load(fh)
        j["file"] = os.path.relpath(f, ROOT)
        runs.append(j)
    if len(runs) < 3:
        sys.exit("calibrate_resources: need at least 3 synthesis runs in data/synth/")
    cal = runs[0]["config"]
    for r in runs:
        for k in ("act_bytes",):
            if r["config"][k] != cal[k]:
                sys.exit(f"calibrate_resources: {r['file']}: {k} differs; calibrate one buffer size at a time")
    model = {"format": "neuroblend-resource-model-1",
             "note": "resource = sum(coefficient x term) per resource; fitted by tools/calibrate_resources.py to the "
                     "Yosys 0.55 synth_xilinx -family xcup runs in data/synth/ (LUT = logic LUTs, LUTRAM = LUTs used as "
                     "memory, BRAM36 = RAMB36E2 + RAMB18E2/2). Valid for the calibrated buffer sizes.",
             "terms": TERMS,
             "calibrated_at": {"act_bytes": cal["act_bytes"], "max_kw": 96, "max_fix_entries": 128, "max_classes": 128},
             "coefficients": {}, "calibration": [], "max_abs_error_percent": {}, "max_abs_loo_error_percent": {}}
    coefs = {r: fit(runs, r) for r in RES}
    for r in RES:
        model["coefficients"][r] = [float(v) for v in coefs[r]]
    worst, worst_loo = {r: 0.0 for r in RES + ["lut_total"]}, {r: 0.0 for r in RES + ["lut_total"]}
    for i, run in enumerate(runs):
        t = np.array(terms(run["config"]), float)
        others = runs[:i] + runs[i + 1:]
        row = {"config": run["config"]["name"], "lanes": run["config"]["lanes"],
               "words_per_lane": run["config"]["words_per_lane"], "macs": run["config"]["macs"],
               "xnor": run["config"]["xnor"], "file": run["file"], "synthesis": run["synthesis"],
               "model": {}, "error_percent": {}, "loo_error_percent": {}}
        pred, loo = {}, {}
        for r in RES:
            pred[r] = float(t @ coefs[r])
            loo[r] = float(t @ fit(others, r)) if len(others) >= 3 else float("nan")
        pred["lut_total"] = pred["lut"] + pred["lutram"]
        loo["lut_total"] = loo["lut"] + loo["lutram"]
        syn = dict(run["synthesis"])
        syn["lut_total"] = syn["lut"] + syn["lutram"]
        for r in RES + ["lut_total"]:
            s = syn[r]
            e = 100.0 * (pred[r] - s) / s if s else 0.0
            el = 100.0 * (loo[r] - s) / s if s else 0.0
            row["model"][r] = round(pred[r], 1)
            row["error_percent"][r] = round(e, 2)
            row["loo_error_percent"][r] = round(el, 2) if el == el else None
            worst[r] = max(worst[r], abs(e))
            if el == el:
                worst_loo[r] = max(worst_loo[r], abs(el))
        model["calibration"].append(row)
    model["max_abs_error_percent"] = {k: round(v, 2) for k, v in worst.items()}
    model["max_abs_loo_error_percent"] = {k: round(v, 2) for k, v in worst_loo.items()}
    out = os.path.join(ROOT, "data", "resource_model.json")
    with open(out, "w") as fh:
        json.dump(model, fh, indent=1)
        fh.write("\n")
    print(f"{len(runs)} synthesis runs -> {out}")
    print("max |error| % (in-sample):", model["max_abs_error_percent"])
    print("max |error| % (leave-one-out):", model["max_abs_loo_error_percent"])
    for row in model["calibration"]:
        loo = row['loo_error_percent']['lut_total']
        print(f"  {row['config']:<10} LUT {row['synthesis']['lut'] + row['synthesis']['lutram']:>8.0f} "
              f"model {row['model']['lut_total']:>8.0f} ({row['error_percent']['lut_total']:+.1f} %, loo "
              f"{'n/a' if loo is None else format(loo, '+.1f')} %)  FF {row['synthesis']['ff']:>7.0f} "
              f"({row['error_percent']['ff']:+.1f} %)  DSP {row['synthesis']['dsp']:>4.0f} model {row['model']['dsp']:.0f}")


if __name__ == "__main__":
    main()
