#!/usr/bin/env python3
"""Checks the NumPy interchange against an independent NumPy implementation.

Usage: interchange_check.py NEUROBLEND WORKDIR

Runs `neuroblend compile --export-float --export-int` and `infer --dump`, then
recomputes every layer of NeuroBlend-20 from the dumped input and the exported
integer parameters with NumPy alone (DESIGN section 4), and requires the
dumped outputs to match bit for bit. Also round-trips the float parameters.
"""
import os
import subprocess
import sys

import numpy as np

nb, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)


def run(*args):
    subprocess.run([nb, *args], check=True, stdout=subprocess.DEVNULL)


prog, fl, it, dump = (os.path.join(work, n) for n in ("p.nbp", "float.npz", "int.npz", "dump"))
run("compile", "neuroblend-20", "-o", prog, "--export-float", fl, "--export-int", it, "--calib", "8")
run("infer", "neuroblend-20", "--random", "2", "--dump", dump, "--calib", "8")

P = np.load(it)
F = np.load(fl)
assert F["stem.w"].shape == (16, 3, 3, 3) and F["stem.w"].dtype == np.float32
assert F["s2b1.skip.w"].shape == (32, 1, 1, 16)
assert P["s1b1.wbin"].shape == (16, 144) and P["s1b1.wbin"].dtype == np.uint8
assert P["s1b1.wbin48"].shape == (16, 3) and P["s1b1.wbin48"].dtype == np.uint64
assert P["s1b1.tau"].dtype == np.int16 and P["s1b1.m1"].dtype == np.int32 and P["s1b1.bias"].dtype == np.int64
assert P["fc.sh"].shape == ()
# wbin48 is wbin packed into 48-bit words, bit j of word w = tap w*48 + j.
bits = P["s1b1.wbin"].astype(np.uint64)
packed = np.zeros((16, 3), dtype=np.uint64)
for j in range(144):
    packed[:, j // 48] |= bits[:, j] << np.uint64(j % 48)
assert (packed == P["s1b1.wbin48"]).all()


def requant(z, sh, relu):
    y = np.clip((z + (np.int64(1) << np.int64(sh - 1))) >> np.int64(sh), -128, 127)
    return np.maximum(y, 0) if relu else y


def windows(x, k, stride, pad, padval):
    h, w, c = x.shape
    xp = np.full((h + 2 * pad, w + 2 * pad, c), padval, dtype=np.int64)
    xp[pad:pad + h, pad:pad + w] = x
    oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    out = np.empty((oh, ow, k * k * c), dtype=np.int64)
    for oy in range(oh):
        for ox in range(ow):
            out[oy, ox] = xp[oy * stride:oy * stride + k, ox * stride:ox * stride + k].reshape(-1)
    return out  # (ky, kx, c) flattened, as the weights are


names = sorted(n for n in os.listdir(os.path.join(dump, "img0000")) if n.endswith(".in.npy"))
checked = 0
for img in sorted(os.listdir(dump)):
    d = os.path.join(dump, img)
    for n in names:
        base = n[:-len(".in.npy")]
        layer = base.split("_", 1)[1]
        x = np.load(os.path.join(d, n)).astype(np.int64)
        want = np.load(os.path.join(d, base + ".out.npy"))
        m1, m2, bias, sh = (P[layer + k] for k in (".m1", ".m2", ".bias", ".sh"))
        if layer + ".tau" in P:  # Blend conv: binarize, 3x3 binary conv pad -1, 1x1 skip
            b = ((x >= P[layer + ".tau"]) ^ P[layer + ".neg"].astype(bool)).astype(np.int64) * 2 - 1
            stride = 2 if want.shape[0] < x.shape[0] else 1
            dot = windows(b, 3, stride, 1, -1) @ (P[layer + ".wbin"].astype(np.int64) * 2 - 1).T
            acc = x[::stride, ::stride] @ P[layer + ".wfix"].astype(np.int64).T
            assert (dot == np.load(os.path.join(d, base + ".dot.npy"))).all(), layer
            assert (acc == np.load(os.path.join(d, base + ".acc.npy"))).all(), layer
            got = requant(m1 * dot + m2 * acc + bias, sh, False)
        elif layer == "stem":
            acc = windows(x, 3, 1, 1, 0) @ P["stem.wfix"].astype(np.int64).T
            got = requant(m2 * acc + bias, sh, True)
        elif layer == "pool":
            acc = x.sum(axis=(0, 1), keepdims=True)
            got = requant(m2 * acc + bias, sh, False)
        else:  # logits: z, no shift
            got = m2 * (x.reshape(1, 1, -1) @ P["fc.wfix"].astype(np.int64).T) + bias
        assert got.shape == want.shape, (layer, got.shape, want.shape)
        assert (got == want).all(), f"{img} {layer}: first mismatch at {np.argwhere(got != want)[0]}"
        checked += 1
    f = np.load(os.path.join(d, names[-1][:-len(".in.npy")] + ".float.npy"))
    assert f.dtype == np.float32 and f.shape == (1, 1, 10)

# The float parameters round-trip: compiling from the exported file gives the same program.
prog2 = os.path.join(work, "p2.nbp")
run("compile", "neuroblend-20", "--params", fl, "-o", prog2, "--calib", "8")
assert open(prog, "rb").read() == open(prog2, "rb").read(), "float parameter round trip changed the program"
print(f"interchange: {checked} layer outputs recomputed in NumPy, all bit-exact; float round trip exact")
