#!/usr/bin/env python3
"""`estimate --json` has the fields of `run --json` but `verified` (and the
co-simulation's own mismatch/error, and the RTL's predictions and accuracy),
and the same cycles: usage
estimate_fields.py NEUROBLEND [extra args]."""
import json
import subprocess
import sys

nb, extra = sys.argv[1], sys.argv[2:]
args = ["neuroblend-20", "--json", "--calib", "2"] + extra
est = json.loads(subprocess.run([nb, "estimate"] + args, check=True, capture_output=True, text=True).stdout)
run = json.loads(subprocess.run([nb, "run"] + args, check=True, capture_output=True, text=True).stdout)
assert run["verified"] is True, run
want = set(run) - {"verified", "mismatch", "error", "predictions", "labelled", "rtl_accuracy"}
assert set(est) == want, f"estimate fields {sorted(set(est) ^ want)} differ from run's"
assert set(est["layers"][0]) == set(run["layers"][0]), "per-layer fields differ"
assert est["total_cycles"] == run["total_cycles"], (est["total_cycles"], run["total_cycles"])
for e, r in zip(est["layers"], run["layers"]):
    assert e == r, (e, r)
for k in ("resources", "power", "resources_percent", "config"):
    assert est[k] == run[k], k
print(f"estimate == run: {est['total_cycles']} cycles, {len(est['layers'])} layers, fields {len(want)}")
