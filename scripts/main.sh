#!/usr/bin/env bash
# The main job: install what is needed, build, compile NeuroBlend-20 and
# co-simulate it on the default hardware configuration (the RTL checked
# layer by layer against the golden model), then compare the golden model
# with the float reference; then the fast cycle model, a report and a sweep
# of PE array sizes. Results go to out/ (override with NB_OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD=${NB_BUILD_DIR:-build}
OUT=${NB_OUT:-out}
mkdir -p "$OUT"
NB="$BUILD/neuroblend"
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
echo "results in $OUT/: describe, compiled program (.nbp), float and integer parameters (.npz),"
echo "  RTL co-simulation report (run.txt, run.json), golden vs float inference (infer.txt, infer.json),"
echo "  fast cycle model (estimate.json), report (report-neuroblend-20.html/.md), sweep (sweep-neuroblend-20/)"
