#!/usr/bin/env python3
"""run's RTL predictions (the argmax of the logits the RTL wrote) against
infer's integer golden-model predictions on the same real images, with the
same calibration; labels and the RTL accuracy must agree with them.
The same run in shards of 7 images, 2 co-simulators at a time (--jobs),
must merge into the same predictions.
Usage: predictions_check.py NEUROBLEND MODEL N"""
import json
import subprocess
import sys

nb, model, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
common = [model, "--dataset", "fashion-mnist", "--calib", "8", "--json"]
run = json.loads(subprocess.run([nb, "run", *common, "--images", str(n), "--no-dump"], check=True,
                                capture_output=True, text=True).stdout)
inf = json.loads(subprocess.run([nb, "infer", *common, "--limit", str(n)], check=True,
                                capture_output=True, text=True).stdout)
assert run["verified"], "run not verified"
rp, ip = run["predictions"], inf["predictions"]
assert len(rp) == n and len(ip) == n, (len(rp), len(ip))
bad = [k for k in range(n) if rp[k]["rtl"] != ip[k]["int"] or rp[k]["label"] != ip[k]["label"]]
assert not bad, f"images {bad[:10]} differ: {[rp[k] for k in bad[:3]]} vs {[ip[k] for k in bad[:3]]}"
correct = sum(r["rtl"] == r["label"] for r in rp)
assert run["labelled"] == n and abs(run["rtl_accuracy"] - correct / n) < 1e-12
sh = json.loads(subprocess.run([nb, "run", *common, "--images", str(n), "--no-dump", "--jobs", "2",
                                "--shard-images", "7"], check=True, capture_output=True, text=True).stdout)
assert sh["verified"] and sh["predictions"] == rp, "sharded run differs"
assert sh["images"] == n if "images" in sh else True
print(f"{n} images: RTL predictions equal the golden model's; RTL accuracy {correct}/{n}")
