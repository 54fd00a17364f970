#!/usr/bin/env python3
"""eval on Debian's Fashion-MNIST test set: the figures are consistent (the
confusion matrix sums to the images, its diagonal to the integer model's
correct answers) and do not depend on --jobs.
Usage: eval_check.py NEUROBLEND MODEL N"""
import json
import subprocess
import sys

nb, model, n = sys.argv[1], sys.argv[2], sys.argv[3]
def ev(jobs):
    out = subprocess.run([nb, "eval", model, "--dataset", "fashion-mnist", "--limit", n, "--calib", "8", "--json",
                          "--jobs", str(jobs)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)
a, b = ev(1), ev(2)
conf = a["confusion_int"]
assert a["images"] == int(n) and sum(map(sum, conf)) == int(n), a["images"]
assert sum(conf[i][i] for i in range(len(conf))) == a["correct_int"]
assert len(a["class_names"]) == 10 and a["class_names"][9] == "Ankle boot"
for k in ("confusion_int", "correct_int", "correct_float", "agreement"):
    assert a[k] == b[k], f"{k} differs between --jobs 1 and 2"
print(f"{n} images: integer {a['accuracy_int']:.3f}, float {a['accuracy_float']:.3f}, same with --jobs 2")
