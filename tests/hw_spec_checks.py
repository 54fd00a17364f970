#!/usr/bin/env python3
"""The hardware specification's consistency checks (tools/gen_hw_spec.py)
refuse a specification that the RTL or the C++ could not follow: each case
breaks one rule in a copy of rtl/spec/nb_hw.json and expects the generator
to stop with exit status 1 and a message naming the rule. The unchanged
specification passes."""
import copy
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
GEN = ROOT / "tools/gen_hw_spec.py"
SPEC = json.loads((ROOT / "rtl/spec/nb_hw.json").read_text())


def step(spec, name):
    return next(t for t in spec["tile_steps"] if t["name"] == name)


def swap_codes(spec):  # neg and next_desc exchange codes: the job would end before the descriptor step
    step(spec, "neg")["code"], step(spec, "next_desc")["code"] = step(spec, "next_desc")["code"], step(spec, "neg")["code"]


def move_next_desc(spec):  # the prefetch's descriptor after tau: not what step_next does
    t = spec["tile_steps"]
    i = next(k for k, s in enumerate(t) if s["name"] == "next_desc")
    t.insert(i + 1, t.pop(i))


def fix_rows_first(spec):  # both sides start a job at StepBinRows: the int8 rows would never load
    t = spec["tile_steps"]
    t[0], t[1] = t[1], t[0]
    t[0]["code"], t[1]["code"] = 0, 1


def arrays_first(spec):  # the job ends at neg: the rows steps would never run
    t = spec["tile_steps"]
    order = ["m1", "m2", "bias", "next_desc", "tau", "neg", "bin_rows", "fix_rows"]
    codes = {"m1": 0, "m2": 1, "bias": 2, "tau": 3, "neg": 4, "bin_rows": 5, "fix_rows": 6, "next_desc": 7}
    spec["tile_steps"] = [dict(step(spec, n), code=codes[n]) for n in order]


def bias_before_m2(spec):  # the loader's bases and nb_lane_params' arrays are m1, m2, bias, tau, neg
    step(spec, "m2")["code"], step(spec, "bias")["code"] = step(spec, "bias")["code"], step(spec, "m2")["code"]


def wide_m1(spec):  # nb_lane_params' M1 slots are 4 bytes; the program file writes int32
    step(spec, "m1")["array_bytes"] = 8


def odd_bytes(spec):
    step(spec, "m1")["array_bytes"] = 3


def duplicate_code(spec):
    step(spec, "fix_rows")["code"] = 0


def missing_step(spec):
    spec["tile_steps"] = [t for t in spec["tile_steps"] if t["name"] != "bin_rows"]


def no_steps(spec):
    del spec["tile_steps"]


def derived_not_called(spec):  # a derived size named without its arguments: no C++ or SV would compile
    d = next(x for x in spec["derived"] if "(" in x["expr"] and any(y["name"] + "(" in x["expr"] for y in spec["derived"]))
    callee = next(y["name"] for y in spec["derived"] if y["name"] + "(" in d["expr"])
    i = d["expr"].index(callee + "(")
    j = d["expr"].index(")", i)
    d["expr"] = d["expr"][:i] + callee + d["expr"][j + 1:]


def argument_called(spec):
    d = next(x for x in spec["derived"] if x["args"])
    d["expr"] = f"{d['args'][0]}(1) + {d['expr']}"


def kind_code_gap(spec):
    spec["layer_kinds"][-1]["code"] += 1


ORDER = "must run in code order"
CASES = [
    (swap_codes, ORDER),
    (move_next_desc, ORDER),
    (fix_rows_first, ORDER),
    (arrays_first, ORDER),
    (bias_before_m2, ORDER),
    (wide_m1, "tile step m1: array_bytes must be 4"),
    (odd_bytes, "tile step m1: array_bytes must be 4"),
    (duplicate_code, "tile step codes"),
    (missing_step, "tile step bin_rows is missing"),
    (no_steps, "tile_steps is missing"),
    (derived_not_called, "is a function: call it with (...)"),
    (argument_called, "is an argument, not a function"),
    (kind_code_gap, "kind codes"),
]


def run(spec, tmp):
    path = pathlib.Path(tmp) / "spec.json"
    path.write_text(json.dumps(spec))
    return subprocess.run([sys.executable, str(GEN), "--lint", str(path)], capture_output=True, text=True)


def main():
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        r = run(SPEC, tmp)
        if r.returncode != 0:
            print(f"FAIL: the unchanged specification: exit {r.returncode}: {r.stdout}{r.stderr}")
            failed += 1
        for mutate, expect in CASES:
            spec = copy.deepcopy(SPEC)
            mutate(spec)
            r = run(spec, tmp)
            out = r.stdout + r.stderr
            if r.returncode != 1 or expect not in out:
                print(f"FAIL: {mutate.__name__}: exit {r.returncode}, expected 1 with '{expect}': {out.strip()}")
                failed += 1
            else:
                print(f"ok: {mutate.__name__}: {out.strip()}")
    print(f"{len(CASES) + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
