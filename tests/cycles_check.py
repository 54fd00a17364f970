#!/usr/bin/env python3
"""Cycle counts are deterministic and independent of observability.

Usage: cycles_check.py NB_RTL_BINARY

Co-simulates NeuroBlend-20 twice with per-layer dumps and once without, and
requires identical per-layer and total cycle counts.
"""
import json
import subprocess
import sys

exe = sys.argv[1]


def run(*extra):
    out = subprocess.run([exe, "--model", "neuroblend-20", "--images-n", "1", "--calib", "4", "--quiet", *extra],
                         check=True, stdout=subprocess.PIPE).stdout
    job = json.loads(out)["jobs"][0]
    assert job["verified"], job
    return job["total_cycles"], [p["cycles"] for p in job["perf"][0]]


a, b, c = run(), run(), run("--no-dump")
assert a == b, f"two identical runs differ: {a} vs {b}"
assert a == c, f"dumps change the cycle counts: {a} vs {c}"
print(f"cycles: {a[0][0]} per image, identical across runs and with or without dumps")
