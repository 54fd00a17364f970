#!/usr/bin/env python3
"""`neuroblend synth --instances`, the resource model's structure that
tools/calibrate_resources.py reads: for the default and a 4-word
configuration, every instance's key is the module and its parameters as
listed, the module table (data/resource_model.json) has every key, the top
terms are the model file's, and the binary window carries the
specification's chunk stages (0 at 1 word, 1 at 4 words).
Usage: instances_check.py NEUROBLEND RESOURCE_MODEL_JSON"""
import json
import subprocess
import sys

nb, model_path = sys.argv[1], sys.argv[2]
with open(model_path) as fh:
    model = json.load(fh)
for args, chunk in (([], 0), (["--lanes", "24", "--words-per-lane", "4", "--macs", "4", "--xnor", "lut",
                               "--merge-lanes", "6"], 1)):
    j = json.loads(subprocess.run([nb, "synth", "--instances"] + args, check=True, capture_output=True,
                                  text=True).stdout)
    assert j["top_terms"]["names"] == model["top_terms"], (j["top_terms"]["names"], model["top_terms"])
    assert len(j["top_terms"]["values"]) == len(model["top_terms"])
    windows = 0
    for i in j["instances"]:
        words = i["key"].split()
        assert words[0] == i["module"], i
        assert {k: int(v) for k, v in (w.split("=") for w in words[1:])} == i["parameters"], i
        assert i["key"] in model["modules"], f"the module table has no '{i['key']}'"
        assert i["count"] >= 1, i
        if i["module"] == "nb_window" and i["parameters"]["UnitBits"] == 1:
            windows += 1
            assert i["parameters"]["ChunkStages"] == chunk, i
    assert windows == 1, j["instances"]
print("instances_check: passed")
