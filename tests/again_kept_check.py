#!/usr/bin/env python3
"""Resident weights across jobs: when the RTL trusts wkeep_i, and where
resident weights stop fitting.

Usage: again_kept_check.py [--first-error CODE] [--min-fit N] [--min-unfit N]
                           NB_RTL_BINARY ARGS...

Runs the co-simulator with ARGS plus --again-kept --keep-going
--check-estimate --json: every job runs twice, the second time unpatched,
resident and with wkeep_i ("the weights are in") from its first image.
Requires, for each pair:

- the first run: a resident job whose weights do not fit the lanes' weight
  memories (the C++ allocation, weight_slots) stops with error code 5
  (ErrWeights), and one that fits does not: the RTL's overflow check and
  the C++ fit agree at the boundary of every network run. Otherwise the run
  ends with error CODE (--first-error, default 0: verified);
- the second run: error 5 again where the weights do not fit, otherwise
  verified bit-exact; its first image found the weights in (fewer memory
  beats than the first run's first image) exactly when the first run ran
  resident to its end without an error, and read the same beats as the
  first run otherwise (a streaming run, or one the RTL stopped: nb_wslots'
  held_q guard);
- every layer record equal to the cycle model's for the case the harness
  expects (loaded or kept).

Whether a second run's weights are "kept" is the harness's own expectation
(weights_kept_first: after a resident job verified to its end); what
tests the RTL against it is bit-exactness, the read beats and the cycle
model's records. Where the first run stopped in its first image there are
no beats to compare, and where the weights do not fit the guard is not
observable (error 5 comes from the allocation either way).

At least N pairs must fit (--min-fit) and N must not (--min-unfit).
"""
import argparse
import json
import subprocess
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--first-error", type=int, default=0)
ap.add_argument("--min-fit", type=int, default=0)
ap.add_argument("--min-unfit", type=int, default=0)
ap.add_argument("exe")
ap.add_argument("args", nargs=argparse.REMAINDER)
a = ap.parse_args()

with tempfile.NamedTemporaryFile(suffix=".json") as f:
    cmd = [a.exe, *a.args, "--again-kept", "--keep-going", "--check-estimate", "--quiet", "--json", f.name]
    rc = subprocess.run(cmd).returncode
    j = json.load(open(f.name))
assert rc in (0, 3), f"exit {rc}"
jobs = j["jobs"]
assert len(jobs) >= 2 and len(jobs) % 2 == 0, f"{len(jobs)} jobs: the run stopped early"
assert j.get("estimate_layers_differing", 1) == 0 and j["estimate_layers_checked"] > 0, \
    "cycle model not checked or differs"


def beats(job):
    return sum(p["rd_beats"] for p in job["perf"][0])


fit = unfit = kept = loaded = 0
for k in range(0, len(jobs), 2):
    o, c = jobs[k], jobs[k + 1]
    name = f"{o['model']} (seed {o.get('seed', '-')})"
    assert not o["again_kept"] and c["again_kept"], f"{name}: jobs out of order"
    over = o["weights_resident"] and not o["weights_fit"]
    want = 5 if over else a.first_error
    assert o["error_code"] == want, f"{name}: error code {o['error_code']}, expected {want} (fits {o['weights_fit']})"
    assert o["verified"] == (want == 0), f"{name}: verified {o['verified']} with error code {want}"
    if not c["weights_resident"]:  # does not fit, not forced: streams
        assert not c["weights_fit"] and c["verified"], f"{name}: again: streaming, fits {c['weights_fit']}"
        continue
    if not c["weights_fit"]:
        unfit += 1
        assert c["error_code"] == 5 and not c["verified"], f"{name}: again: error {c['error_code']}, expected 5"
        assert not c["weights_kept_first"], f"{name}: again: kept after an error"
        continue
    fit += 1
    assert c["verified"] and c["error_code"] == 0, f"{name}: again: not verified ({c.get('error', c.get('mismatch'))})"
    held = o["weights_resident"] and o["verified"]
    assert c["weights_kept_first"] == held, f"{name}: again: kept {c['weights_kept_first']}, the run before held {held}"
    if held:
        kept += 1
        assert beats(c) < beats(o), f"{name}: kept, yet read {beats(c)} beats, the first run {beats(o)}"
    else:
        loaded += 1
        # (a first run the RTL stopped in its first image has no records)
        assert not o.get("perf") or beats(c) == beats(o), \
            f"{name}: loaded again, yet read {beats(c)} beats, the first run {beats(o)}"
assert fit >= a.min_fit, f"{fit} pairs fit, expected at least {a.min_fit}"
assert unfit >= a.min_unfit, f"{unfit} pairs do not fit, expected at least {a.min_unfit}"
print(f"{len(jobs) // 2} pairs: {fit} fit ({kept} kept, {loaded} loaded again), {unfit} stopped with ErrWeights; "
      f"{j['estimate_layers_checked']} layer records equal to the cycle model")
