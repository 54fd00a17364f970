#!/usr/bin/env python3
"""Resident weights: co-simulated images after a job's first find the
weights in the lanes' weight memories.

Usage: resident_check.py MIN_RESIDENT NB_RTL_BINARY ARGS...

Runs the co-simulator with ARGS (which give two or more images per job and
--check-estimate) and --json, and requires: every job verified bit-exact and
every layer record equal to the cycle model's (first image: weights loaded;
later images: kept); at least MIN_RESIDENT jobs ran with resident weights;
in each of them every later image read fewer memory beats than the first
(its weights were not loaded again) and took no more cycles, and in a
streaming job every image read the same beats.
"""
import json
import subprocess
import sys
import tempfile

min_resident = int(sys.argv[1])
exe, args = sys.argv[2], sys.argv[3:]
with tempfile.NamedTemporaryFile(suffix=".json") as f:
    rc = subprocess.run([exe, *args, "--quiet", "--json", f.name]).returncode
    j = json.load(open(f.name))
assert rc == 0 and j["verified"], f"not verified (exit {rc})"
assert j.get("estimate_layers_differing", 1) == 0 and j["estimate_layers_checked"] > 0, "cycle model not checked or differs"
resident = 0
for job in j["jobs"]:
    beats = [sum(p["rd_beats"] for p in img) for img in job["perf"]]
    cycles = job["total_cycles"]
    assert len(beats) >= 2, f"{job['model']}: needs two or more images per job"
    if job["weights_resident"]:
        resident += 1
        for k in range(1, len(beats)):
            assert beats[k] < beats[0], f"{job['model']}: image {k} read {beats[k]} beats, the first {beats[0]}"
            assert cycles[k] <= cycles[0], f"{job['model']}: image {k} took {cycles[k]} cycles, the first {cycles[0]}"
    else:
        assert len(set(beats)) == 1, f"{job['model']}: streaming, yet the images read {beats} beats"
assert resident >= min_resident, f"{resident} jobs ran with resident weights, expected at least {min_resident}"
first = j["jobs"][0]
print(f"{len(j['jobs'])} jobs, {resident} with resident weights, all bit-exact and equal to the cycle model; "
      f"job 0: {first['total_cycles']} cycles per image, resident {first['weights_resident']}")
