#!/usr/bin/python3
"""check_logits.py NB MODEL IMAGE LOGITS.json OUTDIR

Runs `neuroblend infer MODEL --input IMAGE --dump OUTDIR` and requires the
float reference's logits to equal PyTorch's (LOGITS.json, written by
tests/onnx/make_onnx.py) within 1e-4: the ONNX importer's mapping of every
layer (batch norms, OIHW -> OHWI, sign, -1 padding, skip paths) checked
against PyTorch itself."""
import json
import shutil
import subprocess
import sys

import numpy as np

nb, model, image, logits, out = sys.argv[1:6]
shutil.rmtree(out, ignore_errors=True)
subprocess.run([nb, "infer", model, "--input", image, "--dump", out, "--calib", "2"], check=True,
               stdout=subprocess.DEVNULL)
import glob

got = np.load(sorted(glob.glob(out + "/img0000/*.float.npy"))[-1]).reshape(-1)
want = np.array(json.load(open(logits)))
err = np.abs(got - want).max()
print("float logits", got, "PyTorch", want, "max |diff|", err)
if got.shape != want.shape or not err < 1e-4:
    sys.exit("the float reference of %s differs from PyTorch's logits" % model)
