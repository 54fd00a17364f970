#!/usr/bin/env python3
"""Synthesize a configuration with Yosys and check the RTL as it is now
against the resource model and the clock: the same submodule instances as
the model's, DSP48E2 and BRAM36 exact, LUT and FF within 10 %, and the
longest register-to-register path (Yosys ltp, the ns estimate) within the
configuration's clock period (5 ns at the default 200 MHz).
Usage: synth_check.py NEUROBLEND [synth options]; without options, a
configuration the model was neither fitted to nor validated on (7 lanes x
1 word x 2 MACs, XNOR in DSP48E2, one merge unit)."""
import json
import subprocess
import sys

args = sys.argv[2:] or ["--lanes", "7", "--words-per-lane", "1", "--macs", "2"]
out = subprocess.run([sys.argv[1], "synth"] + args + ["--json"], check=True, capture_output=True, text=True).stdout
j = json.loads(out)
e = j["model_error_percent"]
path = j["longest_path"]
period = 1000.0 / j["config"]["clock_mhz"]
print(json.dumps({"synthesis": j["synthesis"], "model": j["model"], "error_percent": e, "longest_path": path,
                  "seconds": j["seconds"]}))
assert j["instances_agree"], "the synthesized design's submodules differ from the model's"
assert j["synthesis"]["dsp"] == j["model"]["dsp"], "DSP48E2 count differs"
assert j["synthesis"]["bram36"] == j["model"]["bram36"], "BRAM36 count differs"
assert abs(e["lut_total"]) <= 10 and abs(e["ff"]) <= 10, e
assert path["estimate_ns"] <= period + 1e-9, (
    f"the longest path, {path['estimate_ns']:.1f} ns ({path['levels']} levels from {path['from']} to {path['to']}), "
    f"does not fit the {period:.2f} ns clock period")
