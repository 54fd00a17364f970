#!/usr/bin/env bash
# The main job: install what is needed, build; then the shipped trained
# NeuroBlend-20-shaped network (models/trained/, ONNX) on real Fashion-MNIST
# test images: the integer golden model's and the float reference's accuracy
# over the whole test set, and 16 test images co-simulated on the default
# hardware configuration (the RTL checked layer by layer against the golden
# model; its predictions, labels and accuracy). Then NeuroBlend-20 as
# published (32x32x3, seeded random parameters: its cycles, resources and
# power do not depend on the weights): compile, co-simulation, golden vs
# float, the fast cycle model, a report and a sweep of PE array sizes.
# Results go to out/ (override with NB_OUT). NB_MAIN_IMAGES=N co-simulates N
# test images of the trained network instead of 16.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "main: installing the Debian packages the project needs (scripts/install-deps.sh)"
bash scripts/install-deps.sh
echo "main: building (scripts/build.sh; the verilated configurations take several minutes the first time)"
bash scripts/build.sh
BUILD=${NB_BUILD_DIR:-build}
OUT=${NB_OUT:-out}
mkdir -p "$OUT"
NB="$BUILD/neuroblend"
TRAINED=models/trained/neuroblend-20-fmnist.onnx
echo
echo "== $TRAINED: trained on Fashion-MNIST (models/trained/TRAINING.md)"
"$NB" eval "$TRAINED" --dataset fashion-mnist --jobs 2 | tee "$OUT/neuroblend-20-fmnist.eval.txt"
echo
"$NB" run "$TRAINED" --dataset fashion-mnist --images "${NB_MAIN_IMAGES:-16}" --jobs 2 --shard-images 8 \
  | tee "$OUT/neuroblend-20-fmnist.run.txt"
echo
echo "== neuroblend-20 as published (32x32x3), seeded random parameters"
"$NB" describe neuroblend-20 | tee "$OUT/neuroblend-20.describe.txt"
echo
"$NB" compile neuroblend-20 -o "$OUT/neuroblend-20.nbp" --export-int "$OUT/neuroblend-20.int.npz" \
  --export-float "$OUT/neuroblend-20.float.npz"
echo
"$NB" run neuroblend-20 --images 2 | tee "$OUT/neuroblend-20.run.txt"
"$NB" run neuroblend-20 --images 2 --json >"$OUT/neuroblend-20.run.json"
echo
"$NB" infer neuroblend-20 --random 16 --program "$OUT/neuroblend-20.nbp" | tee "$OUT/neuroblend-20.infer.txt"
"$NB" infer neuroblend-20 --random 16 --program "$OUT/neuroblend-20.nbp" --json >"$OUT/neuroblend-20.infer.json"
echo
"$NB" estimate neuroblend-20 --json >"$OUT/neuroblend-20.estimate.json"
"$NB" report neuroblend-20 -o "$OUT/report-neuroblend-20.html"
# (into a file, then its head: a pipe into head would end the sweep early under pipefail)
"$NB" sweep neuroblend-20 -o "$OUT/sweep-neuroblend-20" >"$OUT/sweep-neuroblend-20.txt"
head -3 "$OUT/sweep-neuroblend-20.txt"
echo
echo "results in $OUT/: the trained network's accuracy and RTL run (neuroblend-20-fmnist.eval.txt, .run.txt);"
echo "  describe, compiled program (.nbp), float and integer parameters (.npz),"
echo "  RTL co-simulation report (run.txt, run.json), golden vs float inference (infer.txt, infer.json),"
echo "  fast cycle model (estimate.json), report (report-neuroblend-20.html/.md), sweep (sweep-neuroblend-20/)"
