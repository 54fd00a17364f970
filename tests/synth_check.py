#!/usr/bin/env python3
"""Synthesize the one-lane configuration with Yosys and check the resource
model: DSP48E2 exact, LUT and FF within 10 %. Usage: synth_check.py NEUROBLEND"""
import json
import subprocess
import sys

out = subprocess.run([sys.argv[1], "synth", "--lanes", "1", "--words-per-lane", "1", "--macs", "1", "--json"],
                     check=True, capture_output=True, text=True).stdout
j = json.loads(out)
e = j["model_error_percent"]
print(json.dumps({"synthesis": j["synthesis"], "model": j["model"], "error_percent": e}))
assert j["synthesis"]["dsp"] == j["model"]["dsp"], "DSP48E2 count differs"
assert abs(e["lut_total"]) <= 10 and abs(e["ff"]) <= 10, e
