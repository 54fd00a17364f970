#!/usr/bin/python3
"""The paper's relative claims on Fashion-MNIST: one table and one plot.

    /usr/bin/python3 tools/claims.py                       # table + plot from the runs' records
    /usr/bin/python3 tools/claims.py --train missing       # first train what has no record yet
    /usr/bin/python3 tools/claims.py --shipped --out /tmp/claims   # from models/trained/ only

Six networks, each trained by tools/train.py with the recipe of its pair
(seed 1, one thread, batch 128, Adam 2e-3 with a per-step cosine to 0,
crop + flip augmentation, all 60,000 training images):

  NeuroBlend-20 pair + baseline (models/neuroblend-20-fmnist.json, --nb20-epochs, default 10):
    nb20      NeuroBlend-20: binary main paths, fixed-point (int8) conv1x1 skips
    nb20-fp-relu  the same shape in full precision, a ReLU where each sign was
              (--full-precision --fp-act relu: a pre-activation ResNet): the comparison
    nb20-fp   the same shape with the signs simply dropped (--full-precision): its
              modules have no act, so it is affine between stem and pool (kept to show it)
    nb20-bo   the BNN baseline (--binary-only): binary main paths, parameter-free
              skips (identity; 2x2 average pool + zero-padded channels where the
              shape changes), same fixed-point stem and classifier
  BlendMixer pair (models/blendmixer-fmnist.json, --mixer-epochs, default 3):
    mixer     BlendMixer: binary main paths, fixed-point dense skips
    mixer-fp  the same shape with no binarization (--full-precision): the MLP-Mixer
              of the same shape (its dense skips kept, in float)

Each network has a run directory (--nb20 DIR ...; defaults /work/train-out/NAME)
holding train.py's record (NAME.record.json, NAME-fp.record.json,
NAME-binary-only.record.json) and, for the two NeuroBlend networks, the
exported NAME.onnx. `--shipped` takes all six from models/trained/ instead.

--train missing|resume runs train.py (under `nice -n 10`, one after the other,
printing each command) for the networks without a record (missing) or all of
them (resume: `--resume` continues a checkpoint; a finished run only exports
again). --only KEY[,KEY] restricts that to some networks. --stop-at is passed on to every run; a run stopped by it writes a
record of a cut schedule, and the table says so.

Columns:
  float acc   PyTorch's test accuracy (all 10,000 Fashion-MNIST test images), from the record
  int acc     the tool's integer golden model on the same 10,000 images:
              `neuroblend eval RUN/NAME.onnx --dataset fashion-mnist --json` (default
              calibration, 32 train images); cached in OUT/eval-NAME.json and rerun
              when the .onnx is newer. Only the two NeuroBlend networks can run there.
  epochs, CPU training epochs and the process's CPU time from the record
  size        deployed parameter bits, counted as `neuroblend describe --json` counts
              them: 1 bit per binary weight, 8 per fixed-point weight, plus the
              per-channel requantization constants (M1, M2, bias, threshold, shift).
              NeuroBlend networks: describe's figure. Binary only: describe's figure
              for the NeuroBlend file minus the skip paths' fixed-point weights (its
              skips have none; the same per-channel constants kept). Full precision:
              32 bits per trained parameter (weights and batch-norm scale/shift, the
              record's `parameters`: the float network keeps the skip weights too).
  vs FP       size of the pair's full-precision network / this size
describe's own "float32 counterpart" (main-path weights and one batch norm per
layer, no skip path, float32: a plain ResNet / MLP-Mixer of the same shape) is
given too, as the second ratio.

Writes OUT/claims.md (Markdown table and notes), OUT/claims.json (every
figure with its source), OUT/claims.svg (gnuplot: test accuracy vs model size)
and OUT/claims.dat / claims.gp.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NB20_MODEL = "models/neuroblend-20-fmnist.json"
MIXER_MODEL = "models/blendmixer-fmnist.json"

# The published figures (CIFAR-10), quoted for comparison; nothing here is measured.
PUBLISHED = {
    "nb20_acc": 88.0,         # NeuroBlend-20, CIFAR-10, %
    "bnn_gap_pt": 0.8,        # BNN baseline below NeuroBlend-20, points
    "mixer_gap_pt": 1.59,     # BlendMixer below its full-precision MLP-Mixer, points
    "mixer_size_ratio": 3.5,  # BlendMixer smaller than the MLP-Mixer
}

NETS = [
    # key, model file, train.py flags, record suffix, label, tool-importable
    ("nb20", NB20_MODEL, [], "", "NeuroBlend-20 (binary main + int8 skip)", True),
    ("nb20-bo", NB20_MODEL, ["--binary-only"], "-binary-only", "binary only (parameter-free skip)", False),
    ("nb20-fp-relu", NB20_MODEL, ["--full-precision", "--fp-act", "relu"], "-fp-relu",
     "full precision, ReLU where the sign was", False),
    ("nb20-fp", NB20_MODEL, ["--full-precision"], "-fp", "full precision, sign dropped (affine blocks)", False),
    ("mixer", MIXER_MODEL, [], "", "BlendMixer (binary main + int8 skip)", True),
    ("mixer-fp", MIXER_MODEL, ["--full-precision"], "-fp", "full-precision MLP-Mixer, same shape", False),
]
FAMILIES = (("nb20-fp-relu", ("nb20", "nb20-bo", "nb20-fp-relu", "nb20-fp")), ("mixer-fp", ("mixer", "mixer-fp")))


def model_name(model_file):
    with open(os.path.join(ROOT, model_file)) as f:
        return json.load(f)["name"]


def run(cmd, dry, **kw):
    print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    if dry:
        return None
    return subprocess.run(cmd, check=True, **kw)


def describe(tool, model_file):
    out = subprocess.run([tool, "describe", os.path.join(ROOT, model_file), "--json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def bits_of(d, binary_only=False):
    """Deployed bits as describe counts them; binary_only drops the Blend
    modules' skip weights (fixed-point bits of blend layers)."""
    tot = 0
    for l in d["layers"]:
        b = l["bits"]
        blend = l["kind"].startswith("blend_")
        tot += b["binary"] + b["quant"] + (0 if (binary_only and blend) else b["fixed"])
    return tot


def kib(bits):
    return bits / 8192.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for key, *_ in NETS:
        ap.add_argument("--" + key, metavar="DIR", default=f"/work/train-out/{key}",
                        help=f"run directory of {key} (default /work/train-out/{key})")
    ap.add_argument("--shipped", action="store_true",
                    help="take every record (and .onnx) from models/trained/ instead of the run directories")
    ap.add_argument("--out", default="/work/train-out/claims", help="output folder (default /work/train-out/claims)")
    ap.add_argument("--neuroblend", default=None,
                    help="the tool binary (default: build/neuroblend of this tree, else /work/main/build/neuroblend)")
    ap.add_argument("--train", choices=["none", "missing", "resume"], default="none",
                    help="none: only build the table (default); missing: train the networks without a record; "
                         "resume: run train.py --resume for all six")
    ap.add_argument("--only", help="with --train: only these networks (comma-separated keys)")
    ap.add_argument("--nb20-epochs", type=int, default=10)
    ap.add_argument("--mixer-epochs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stop-at", metavar="YYYY-MM-DDTHH:MM", help="passed on to train.py")
    ap.add_argument("--dry-run", action="store_true", help="print the training commands, run nothing")
    ap.add_argument("--reeval", action="store_true", help="rerun neuroblend eval even if cached")
    a = ap.parse_args()

    tool = a.neuroblend
    if tool is None:
        tool = os.path.join(ROOT, "build", "neuroblend")
        if not os.path.exists(tool):
            tool = "/work/main/build/neuroblend"
    dirs = {key: (os.path.join(ROOT, "models", "trained") if a.shipped else getattr(a, key.replace("-", "_")))
            for key, *_ in NETS}

    # ---------------------------------------------------------------- training
    if a.train != "none":
        if a.shipped:
            sys.exit("claims.py: --train writes to run directories, not with --shipped")
        for key, model, flag, suffix, label, _ in NETS:
            rec = os.path.join(dirs[key], model_name(model) + suffix + ".record.json")
            if a.only and key not in a.only.split(","):
                continue
            if a.train == "missing" and os.path.exists(rec):
                print(f"{key}: {rec} exists, not trained", flush=True)
                continue
            epochs = a.nb20_epochs if model == NB20_MODEL else a.mixer_epochs
            cmd = ["nice", "-n", "10", sys.executable, "tools/train.py", "--model", model, "--epochs", str(epochs),
                   "--seed", str(a.seed), "--threads", "1"] + flag + ["--out", dirs[key], "--resume"]
            if a.stop_at:
                cmd += ["--stop-at", a.stop_at]
            run(cmd, a.dry_run, cwd=ROOT)
        if a.dry_run:
            return

    # ---------------------------------------------------------------- figures
    os.makedirs(a.out, exist_ok=True)
    desc = {m: describe(tool, m) for m in (NB20_MODEL, MIXER_MODEL)}
    rows = {}
    for key, model, flag, suffix, label, importable in NETS:
        name = model_name(model)
        recp = os.path.join(dirs[key], name + suffix + ".record.json")
        if not os.path.exists(recp):
            print(f"{key}: no record {recp}: left out", file=sys.stderr)
            continue
        with open(recp) as f:
            rec = json.load(f)
        shown = os.path.relpath(recp, ROOT) if os.path.abspath(recp).startswith(ROOT + os.sep) else recp
        r = {"key": key, "label": label, "model_file": model, "record": shown,
             "float_acc": 100.0 * rec["float_test_accuracy"], "test_images": rec["test_images"],
             "epochs": rec["epochs"],
             "schedule_epochs": rec["schedule_steps"] / -(-rec["train_images"] // rec["batch"]),
             "complete": rec["steps"] == rec["schedule_steps"],
             "train_images": rec["train_images"], "cpu_s": rec["cpu_seconds"], "seed": rec["seed"],
             "commands": rec["commands"], "parameters": rec["parameters"]}
        d = desc[model]
        if "--full-precision" in flag:
            r["bits"] = 32 * rec["parameters"]
            r["size_source"] = f"32 bits x {rec['parameters']} trained float parameters"
        elif "--binary-only" in flag:
            r["bits"] = bits_of(d, binary_only=True)
            r["size_source"] = f"neuroblend describe {model} --json, without the skip weights"
        else:
            r["bits"] = bits_of(d)
            r["size_source"] = f"neuroblend describe {model} --json"
            if 8 * d["deployed_bytes"] < r["bits"] or 8 * d["deployed_bytes"] - r["bits"] >= 8:
                sys.exit(f"claims.py: bit count of {model} differs from describe's deployed_bytes")
        r["describe_float32_counterpart_bits"] = 8 * d["float32_counterpart_bytes"]
        r["int_acc"] = None
        if importable:
            onnx = os.path.join(dirs[key], name + ".onnx")
            cache = os.path.join(a.out, f"eval-{key}.json")
            cmd = [tool, "eval", onnx, "--dataset", "fashion-mnist", "--json"]
            if (a.reeval or not os.path.exists(cache) or os.path.getmtime(cache) < os.path.getmtime(onnx)):
                print("+ " + " ".join(cmd) + " > " + cache, flush=True)
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                with open(cache, "w") as f:
                    f.write(out)
            with open(cache) as f:
                ev = json.load(f)
            if ev["images"] != 10000:
                sys.exit(f"claims.py: {cache}: {ev['images']} images, not 10,000")
            r["int_acc"] = 100.0 * ev["accuracy_int"]
            r["tool_float_acc"] = 100.0 * ev["accuracy_float"]
            r["eval_command"] = "neuroblend " + " ".join(cmd[1:]).replace(ROOT + "/", "")
            r["eval_calibration"] = ev.get("calibration")
        rows[key] = r
    for fp, members in FAMILIES:
        for k in members:
            if k in rows:
                rows[k]["vs_fp"] = rows[fp]["bits"] / rows[k]["bits"] if fp in rows else None
                rows[k]["vs_describe_counterpart"] = rows[k]["describe_float32_counterpart_bits"] / rows[k]["bits"]

    # ---------------------------------------------------------------- table
    def pct(x):
        return "-" if x is None else f"{x:.2f} %"

    def ep(r):
        s = f"{r['epochs']:g}"
        if not r["complete"]:
            s += f" of {r['schedule_epochs']:g} (cut)"
        if r["train_images"] != 60000:
            s += f" ({r['train_images']:,} images)"
        return s

    L = []
    L.append("| network | float test acc (PyTorch) | integer acc (tool) | epochs | train CPU "
             "| trained parameters | size | smaller than FP | vs describe's float32 counterpart |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key, *_ in NETS:
        if key not in rows:
            continue
        r = rows[key]
        fpk = "--full-precision" in dict((k, f) for k, _, f, *_ in NETS)[key]
        vs = "-" if r.get("vs_fp") is None else f"{r['vs_fp']:.2f}x"
        vd = "-" if fpk else f"{r['vs_describe_counterpart']:.2f}x"
        L.append(f"| {r['label']} | {pct(r['float_acc'])} | {pct(r['int_acc'])} | {ep(r)} | "
                 f"{r['cpu_s'] / 60:.1f} min | {r['parameters']:,} | {kib(r['bits']):.1f} KiB | {vs} | {vd} |")
    table = "\n".join(L)

    gaps = []

    def gap(a_, b_, what, published):
        if a_ in rows and b_ in rows:
            g = rows[a_]["float_acc"] - rows[b_]["float_acc"]
            gaps.append({"what": what, "points": g, "published": published})
            return g
        return None

    gap("nb20-fp-relu", "nb20", "full precision (ReLU) minus NeuroBlend-20 (float)", None)
    if "nb20-fp-relu" in rows and "nb20" in rows and rows["nb20"]["int_acc"] is not None:
        gaps.append({"what": "full precision (ReLU) minus NeuroBlend-20 (integer, tool)",
                     "points": rows["nb20-fp-relu"]["float_acc"] - rows["nb20"]["int_acc"], "published": None})
    gap("nb20-fp", "nb20", "full precision (sign dropped, affine blocks) minus NeuroBlend-20 (float)", None)
    gap("nb20", "nb20-bo", "NeuroBlend-20 minus binary only (float)", PUBLISHED["bnn_gap_pt"])
    gap("mixer-fp", "mixer", "full-precision MLP-Mixer minus BlendMixer (float)", PUBLISHED["mixer_gap_pt"])
    if "mixer-fp" in rows and "mixer" in rows and rows["mixer"]["int_acc"] is not None:
        gaps.append({"what": "full-precision MLP-Mixer minus BlendMixer (integer, tool)",
                     "points": rows["mixer-fp"]["float_acc"] - rows["mixer"]["int_acc"], "published": None})
    G = ["| difference | Fashion-MNIST (here) | published (CIFAR-10) |", "| --- | ---: | ---: |"]
    for g in gaps:
        pub = "-" if g["published"] is None else "+%.2f pt" % g["published"]
        G.append(f"| {g['what']} | {g['points']:+.2f} pt | {pub} |")
    if "mixer" in rows:
        G.append(f"| BlendMixer size ratio vs describe's float32 counterpart | "
                 f"{rows['mixer']['vs_describe_counterpart']:.2f}x | {PUBLISHED['mixer_size_ratio']:.1f}x |")
    if "mixer" in rows and rows["mixer"].get("vs_fp"):
        G.append(f"| BlendMixer size ratio vs the full-precision network trained here | "
                 f"{rows['mixer']['vs_fp']:.2f}x | {PUBLISHED['mixer_size_ratio']:.1f}x |")
    gtable = "\n".join(G)

    md = ["# The paper's relative claims on Fashion-MNIST", "",
          "Generated by `tools/claims.py` from the training records and `neuroblend` runs listed below; "
          "test accuracy over all 10,000 Fashion-MNIST test images.", "", table, "", gtable, "",
          "Published (CIFAR-10, 32x32x3): NeuroBlend-20 88.0 %, BNN baseline 0.8 pt lower, "
          "BlendMixer 1.59 pt below its full-precision MLP-Mixer, 3.5x smaller.", "",
          "Size: deployed parameter bits as `neuroblend describe` counts them (1 bit per binary weight, "
          "8 per fixed-point weight, plus per-channel requantization constants); binary only: the same "
          "without the skip weights; full precision: 32 bits per trained parameter (it keeps the float "
          "skip weights). describe's float32 counterpart: main-path weights and one batch norm per layer, "
          "no skip path (a plain network of the same shape).", "", "Sources:", ""]
    for key, *_ in NETS:
        if key in rows:
            r = rows[key]
            md.append(f"- {key}: record `{r['record']}`"
                      f" (seed {r['seed']}; " + "; ".join(f"`{c}`" for c in r["commands"]) + ")"
                      + (f"; integer: `{r['eval_command']}`" if r.get("eval_command") else "")
                      + f"; size: {r['size_source']}")
    md.append("")
    with open(os.path.join(a.out, "claims.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(a.out, "claims.json"), "w") as f:
        json.dump({"rows": rows, "gaps": gaps, "published": PUBLISHED}, f, indent=2)
        f.write("\n")

    # ---------------------------------------------------------------- plot
    dat = os.path.join(a.out, "claims.dat")
    with open(dat, "w") as f:
        for fam, (_, keys) in zip(("NeuroBlend-20", "Mixer"), FAMILIES):
            f.write(f"# {fam}: size_KiB float_acc int_acc label\n")
            for k in keys:
                if k in rows:
                    r = rows[k]
                    short = {"nb20": "NeuroBlend-20", "nb20-bo": "binary only", "nb20-fp-relu": "FP (ReLU)",
                             "nb20-fp": "FP (affine blocks)", "mixer": "BlendMixer", "mixer-fp": "FP MLP-Mixer"}[k]
                    ia = "NaN" if r["int_acc"] is None else f"{r['int_acc']:.2f}"
                    f.write(f"{kib(r['bits']):.2f} {r['float_acc']:.2f} {ia} \"{short}\"\n")
            f.write("\n\n")
    gp = os.path.join(a.out, "claims.gp")
    with open(gp, "w") as f:
        f.write(f"""set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output '{os.path.join(a.out, "claims.svg")}'
set title 'Fashion-MNIST test accuracy vs deployed parameter size (tools/claims.py)'
set xlabel 'parameter size (KiB, log scale)'
set ylabel 'test accuracy (%)'
set logscale x 2
set xrange [16:4096]
set grid
set offsets 0, 0, graph 0.08, graph 0.08
set key outside below maxrows 2
plot '{dat}' index 0 using 1:2 with points pt 7 ps 1.2 lc rgb '#1f77b4' title 'NeuroBlend-20 shape, float (PyTorch)', \\
     '' index 0 using 1:3 with points pt 6 ps 1.8 lc rgb '#1f77b4' title 'integer (neuroblend eval)', \\
     '' index 0 using 1:2:4 with labels left offset 1.2,0.6 font 'sans,10' tc rgb '#1f77b4' notitle, \\
     '' index 1 using 1:2 with points pt 5 ps 1.2 lc rgb '#d62728' title 'Mixer shape, float (PyTorch)', \\
     '' index 1 using 1:3 with points pt 4 ps 1.8 lc rgb '#d62728' title 'integer (neuroblend eval)', \\
     '' index 1 using 1:2:4 with labels left offset 1.2,-0.6 font 'sans,10' tc rgb '#d62728' notitle
""")
    subprocess.run(["gnuplot", gp], check=True)
    print(table)
    print()
    print(gtable)
    print(f"\nwrote {a.out}/claims.md claims.json claims.svg claims.dat claims.gp")


if __name__ == "__main__":
    main()
