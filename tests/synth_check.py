#!/usr/bin/env python3
"""Synthesize a configuration the model was neither fitted to nor validated
on (7 lanes x 1 word x 2 MACs, XNOR in DSP48E2, one merge unit) with Yosys
and check the resource model on the RTL as it is now: the same submodule
instances, DSP48E2 and BRAM36 exact, LUT and FF within 10 %.
Usage: synth_check.py NEUROBLEND"""
import json
import subprocess
import sys

out = subprocess.run([sys.argv[1], "synth", "--lanes", "7", "--words-per-lane", "1", "--macs", "2", "--json"],
                     check=True, capture_output=True, text=True).stdout
j = json.loads(out)
e = j["model_error_percent"]
print(json.dumps({"synthesis": j["synthesis"], "model": j["model"], "error_percent": e, "seconds": j["seconds"]}))
assert j["instances_agree"], "the synthesized design's submodules differ from the model's"
assert j["synthesis"]["dsp"] == j["model"]["dsp"], "DSP48E2 count differs"
assert j["synthesis"]["bram36"] == j["model"]["bram36"], "BRAM36 count differs"
assert abs(e["lut_total"]) <= 10 and abs(e["ff"]) <= 10, e
