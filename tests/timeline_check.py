#!/usr/bin/env python3
"""`run --timeline`: the Chrome trace-event JSON is well formed and adds up.

    timeline_check.py NEUROBLEND SPEC OUTDIR [run options]

Runs `NEUROBLEND run neuroblend-20 --calib 2 --images 2 --timeline-images 2
--timeline OUTDIR/timeline.json --json` and checks, with the activity flags
of SPEC (rtl/spec/nb_hw.json):

- structure: a traceEvents list; every event has name, ph, pid (and tid,
  ts, dur for "X" events); each track is named by a thread_name event;
  timestamps are whole cycles of the clock in otherData;
- per track, intervals are in order and do not overlap;
- every interval lies inside a layer slice; the layer slices cover their
  image end to end, the last one being the cycles after the last record,
  where no counted flag may be on;
- per image and layer: each flag's intervals add up to the record counter
  that counts the flag (the record the RTL wrote to memory, in the layer
  slice's args), the layer slice's length is the record's cycles, and
  image 0's records are the ones `run --json` reports (layers[i].record).

Then it perturbs copies of the trace (an interval one cycle longer, one
moved onto its neighbour, one dropped, one moved out of its layer) and
requires each to be caught: the check can fail.
"""
import bisect
import json
import os
import subprocess
import sys


def cycles(ts_us, mhz):
    c = ts_us * mhz
    return round(c), abs(c - round(c)) < 0.25


def check(trace, run, spec):
    """Returns a list of problems (empty: the trace is right)."""
    bad = []
    acts = spec["activity"]
    flag_of_track = {a["track"]: i for i, a in enumerate(acts) if "track" in a}
    if not isinstance(trace, dict) or not isinstance(trace.get("traceEvents"), list):
        return ["no traceEvents list"]
    mhz = trace.get("otherData", {}).get("clock_mhz")
    if not isinstance(mhz, (int, float)) or mhz <= 0:
        return ["otherData.clock_mhz missing"]
    names = {}  # tid -> track name
    slices = {}  # tid -> [(begin, end, event)]
    for e in trace["traceEvents"]:
        if not isinstance(e, dict) or not all(k in e for k in ("name", "ph", "pid")):
            bad.append(f"event without name/ph/pid: {e}")
            continue
        if e["ph"] == "M":
            if e["name"] == "thread_name":
                names[e.get("tid")] = e["args"]["name"]
            continue
        if e["ph"] != "X" or not all(isinstance(e.get(k), (int, float)) for k in ("tid", "ts", "dur")):
            bad.append(f"not a complete event with tid, ts, dur: {e}")
            continue
        b, ok1 = cycles(e["ts"], mhz)
        d, ok2 = cycles(e["dur"], mhz)
        if not (ok1 and ok2) or d <= 0:
            bad.append(f"ts/dur not a positive whole number of cycles: {e}")
        slices.setdefault(e["tid"], []).append((b, b + d, e))
    for tid in slices:
        if tid not in names:
            bad.append(f"track {tid} has no thread_name")
    by_flag = {}
    images = []
    for tid, s in slices.items():
        s.sort(key=lambda x: x[0])
        for (b0, e0, ev0), (b1, e1, ev1) in zip(s, s[1:]):
            if b1 < e0:
                bad.append(f"track '{names.get(tid)}': {ev0['name']} [{b0}, {e0}) overlaps {ev1['name']} [{b1}, {e1})")
        if names.get(tid) == "image":
            images = s
        elif names.get(tid) in flag_of_track:
            by_flag[flag_of_track[names[tid]]] = s
        else:
            bad.append(f"unknown track {tid} '{names.get(tid)}'")
    cyc = next(i for i, a in enumerate(acts) if a.get("record") == "cycles")
    layers = by_flag.get(cyc, [])
    if not images or not layers:
        return bad + ["no image or no layer slices"]
    # image -> layer index -> (begin, end, event)
    image_of = {x[2]["args"]["image"]: x for x in images}
    per_image = {k: {} for k in image_of}
    for b, e, ev in layers:
        a = ev.get("args", {})
        img = image_of.get(a.get("image"))
        if not img or not (img[0] <= b and e <= img[1]):
            bad.append(f"layer {ev['name']} [{b}, {e}) not inside its image")
            continue
        per_image[a["image"]][a.get("layer")] = (b, e, ev)
    want = run["layers"]
    tail = len(want)  # the slice after the last record: cycles no record counts
    sums = {k: {i: [0] * len(acts) for i in range(tail + 1)} for k in per_image}
    # every other interval inside a layer slice (the last one beginning at or before it)
    starts = sorted((lb, le, k, i) for k, ls in per_image.items() for i, (lb, le, _) in ls.items())
    begins = [x[0] for x in starts]
    for f, s in by_flag.items():
        if f == cyc:
            continue
        for b, e, ev in s:
            n = bisect.bisect_right(begins, b) - 1
            if n < 0 or not e <= starts[n][1] or starts[n][3] not in sums[starts[n][2]]:
                bad.append(f"{acts[f]['name']} interval [{b}, {e}) is not inside a layer slice")
                continue
            sums[starts[n][2]][starts[n][3]][f] += e - b
    for img, ls in per_image.items():
        if sorted(ls) != list(range(tail + 1)):
            bad.append(f"image {img}: layer slices {sorted(ls)}, run has {len(want)} layers (and the tail)")
            continue
        # the layers and the tail cover the image end to end
        ends = [image_of[img][0]] + [ls[i][1] for i in range(tail + 1)]
        if [ls[i][0] for i in range(tail + 1)] != ends[:-1] or ends[-1] != image_of[img][1]:
            bad.append(f"image {img}: the layer slices do not cover the image end to end")
        for f, a in enumerate(acts):
            if "record" in a and f != cyc and sums[img][tail][f]:
                bad.append(f"image {img}: {sums[img][tail][f]} cycles of {a['name']} after the last record")
        for i, (b, e, ev) in sorted(ls.items()):
            if i == tail:
                continue
            if ev["name"] != want[i]["name"]:
                bad.append(f"image {img} layer {i}: slice '{ev['name']}', run has '{want[i]['name']}'")
            rec = ev.get("args", {}).get("record")
            if rec is None:
                bad.append(f"image {img} layer {i}: no record in the slice's args")
                continue
            if img == 0 and rec != want[i].get("record"):
                bad.append(f"layer {i}: trace record {rec} != run --json record {want[i].get('record')}")
            if e - b != rec["cycles"]:
                bad.append(f"image {img} layer {ev['name']}: slice is {e - b} cycles, its record says {rec['cycles']}")
            for f, a in enumerate(acts):
                if "record" in a and f != cyc and sums[img][i][f] != rec[a["record"]]:
                    bad.append(f"image {img} layer {ev['name']}: '{a['track']}' intervals add up to {sums[img][i][f]}, "
                               f"record {a['record']} = {rec[a['record']]}")
    return bad


def perturbed(trace, spec):
    """Copies of the trace, each with one error the check must catch."""
    acts = spec["activity"]
    evs = trace["traceEvents"]
    tids = {e["args"]["name"]: e["tid"] for e in evs if e["name"] == "thread_name"}
    mhz = trace["otherData"]["clock_mhz"]

    def nth(flag, n):  # index in traceEvents of the n-th interval of a flag
        tid = tids[next(a["track"] for a in acts if a["name"] == flag)]
        return [i for i, e in enumerate(evs) if e["ph"] == "X" and e["tid"] == tid][n]

    def changed(i, **fields):  # the trace with event i changed (None: removed)
        t = dict(trace, traceEvents=list(evs))
        if fields:
            t["traceEvents"][i] = dict(evs[i], **fields)
        else:
            del t["traceEvents"][i]
        return t

    bin5, rd2, rd3, fix7, load0, cyc4 = (nth("bin", 5), nth("rd", 2), nth("rd", 3), nth("fix", 7), nth("load", 0),
                                         nth("cyc", 4))
    return [
        ("bin interval one cycle longer", changed(bin5, dur=evs[bin5]["dur"] + 1 / mhz)),
        ("rd interval moved onto its neighbour", changed(rd3, ts=evs[rd2]["ts"])),
        ("fix interval dropped", changed(fix7)),
        ("load interval moved before the first layer", changed(load0, ts=-10 / mhz)),
        ("layer one cycle shorter", changed(cyc4, dur=evs[cyc4]["dur"] - 1 / mhz)),
    ]


def main():
    nb, spec_path, outdir, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, "timeline.json")
    if os.path.exists(path):
        os.remove(path)
    spec = json.load(open(spec_path))
    cmd = [nb, "run", "neuroblend-20", "--calib", "2", "--images", "2", "--timeline-images", "2",
           "--timeline", path, "--json"] + extra
    run = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    assert run["verified"] is True, run
    trace = json.load(open(path))
    problems = check(trace, run, spec)
    if problems:
        print("\n".join(problems[:30]))
        sys.exit(f"timeline check: {len(problems)} problems")
    missed = [name for name, t in perturbed(trace, spec) if not check(t, run, spec)]
    if missed:
        sys.exit(f"timeline check: perturbations not caught: {missed}")
    n = sum(1 for e in trace["traceEvents"] if e["ph"] == "X")
    print(f"timeline: {n} intervals, {len(run['layers'])} layers x 2 images add up to their records; "
          f"{os.path.getsize(path)} bytes; 5 perturbations caught")


if __name__ == "__main__":
    main()
