#!/usr/bin/python3
"""Check an exported network against the tool's float reference.

    tools/check_export.py --model M.json --npz M.npz [--onnx M.onnx] [--n 50] \
        [--neuroblend build/neuroblend] [--work out/check]

Loads the `.npz` into the PyTorch network (tools/nbtorch.py), computes the
float logits of the first N Fashion-MNIST test images, writes the images as
PGM files, runs `neuroblend infer MODEL --params NPZ --input *.pgm --dump DIR
--json` and compares the tool's float-reference logits (the last layer's
`.float.npy`) with PyTorch's; also reports the tool's integer predictions.
With --onnx, also evaluates the ONNX graph (nbtorch.run_onnx) and compares.
With --full N, also runs `neuroblend infer --json` (no dump) on the first N
test images and reports the tool's integer and float accuracy, their top-1
agreement, and PyTorch's accuracy on the same images.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nbtorch  # noqa: E402
from train import load_fmnist  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--npz", required=True)
    ap.add_argument("--onnx")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--neuroblend", default="build/neuroblend")
    ap.add_argument("--work", default="out/check")
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--full", type=int, default=0, help="accuracy of the tool (integer and float) on N test images")
    ap.add_argument("--calib-input", help="passed to neuroblend infer (one PGM image)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    _, _, xte, yte = load_fmnist(a.data)
    x, y = xte[:a.n], yte[:a.n]
    net = nbtorch.load_npz(nbtorch.NBNet(a.model), a.npz).eval()
    with torch.no_grad():
        xt = torch.from_numpy(x).float().unsqueeze(1)
        pt = net(xt).numpy().astype(np.float64)
    os.makedirs(a.work, exist_ok=True)
    files = []
    for k in range(a.n):
        f = os.path.join(a.work, f"t{k:05d}_label{y[k]}.pgm")
        with open(f, "wb") as fh:
            fh.write(b"P5\n28 28\n255\n" + x[k].tobytes())
        files.append(f)
    dump = os.path.join(a.work, "dump")
    cmd = [a.neuroblend, "infer", a.model, "--params", a.npz, "--input", *files, "--dump", dump, "--json"]
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    j = json.loads(r.stdout)
    nl = len(net.spec["layers"])
    last = net.spec["layers"][-1]["name"]
    tool = np.stack([np.load(os.path.join(dump, f"img{k:04d}", f"{nl - 1:02d}_{last}.float.npy")).reshape(-1)
                     for k in range(a.n)]).astype(np.float64)
    diff = np.abs(tool - pt)
    rel = diff.max() / max(np.abs(tool).max(), 1e-9)
    pred_pt, pred_tool = pt.argmax(1), tool.argmax(1)
    int_pred = np.array([p["int"] for p in j["predictions"]])
    out = {"images": a.n,
           "torch_vs_tool_float_logits_max_abs_diff": float(diff.max()),
           "relative_to_max_logit": float(rel),
           "top1_agree_torch_vs_tool_float": int((pred_pt == pred_tool).sum()),
           "top1_agree_tool_int_vs_float": int(j["agree"]),
           "acc_torch": float((pred_pt == y).mean()), "acc_tool_float": float((pred_tool == y).mean()),
           "acc_tool_int": float((int_pred == y).mean())}
    if a.onnx:
        with torch.no_grad():
            po = nbtorch.run_onnx(a.onnx, xt).numpy().astype(np.float64)
        out["onnx_vs_torch_logits_max_abs_diff"] = float(np.abs(po - pt).max())
        out["top1_agree_onnx_vs_torch"] = int((po.argmax(1) == pred_pt).sum())
    if a.full:
        n = min(a.full, len(xte))
        d = os.path.join(a.work, "full")
        os.makedirs(d, exist_ok=True)
        fl = []
        for k in range(n):
            f = os.path.join(d, f"{k:05d}.pgm")
            with open(f, "wb") as fh:
                fh.write(b"P5\n28 28\n255\n" + xte[k].tobytes())
            fl.append(f)
        cmd = [a.neuroblend, "infer", a.model, "--params", a.npz, "--json", "--input", *fl]
        if a.calib_input:
            cmd += ["--calib-input", a.calib_input]
        r = subprocess.run(cmd, check=True, capture_output=True, text=True)
        j = json.loads(r.stdout)
        ip = np.array([p["int"] for p in j["predictions"]])
        fp = np.array([p["float"] for p in j["predictions"]])
        with torch.no_grad():
            tp = np.concatenate([net(torch.from_numpy(xte[i:i + 500]).float().unsqueeze(1)).argmax(1).numpy()
                                 for i in range(0, n, 500)])[:n]
        yy = yte[:n]
        out["full"] = {"images": n, "acc_tool_int": float((ip == yy).mean()), "acc_tool_float": float((fp == yy).mean()),
                       "acc_torch": float((tp == yy).mean()), "top1_agree_int_vs_float": int((ip == fp).sum()),
                       "top1_agree_torch_vs_tool_float": int((tp == fp).sum()),
                       "calibration": a.calib_input or "tool default"}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
