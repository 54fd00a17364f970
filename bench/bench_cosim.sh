#!/usr/bin/env bash
# Co-simulation speed on the default configuration: simulated cycles per
# wall second and wall seconds per NeuroBlend-20 image, with the golden
# model's time per image in the same session as the comparison.
#   bench/bench_cosim.sh [IMAGES]     (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${NB_BUILD_DIR:-build}
N=${1:-8}
for dump in "" "--no-dump"; do
  "$BUILD/sim/nb_rtl_default" --model neuroblend-20 --images-n "$N" --calib 8 $dump --quiet >/tmp/nb_bench_cosim.json
  python3 - "$N" "${dump:-(per-layer dumps)}" <<'PY'
import json, sys
j = json.load(open("/tmp/nb_bench_cosim.json"))
n = int(sys.argv[1])
job = j["jobs"][0]
print(f"co-simulation {sys.argv[2]:>18}: {j['cycles_per_second']:>9.0f} simulated cycles/s, "
      f"{j['wall_seconds'] / n:.3f} s per image ({job['total_cycles'][0]} cycles/image, {n} images, verified {j['verified']})")
PY
done
# the fastest kernel path the CPU runs (the last row of the table), its wall ms per image
"$BUILD/bench/bench_golden" neuroblend-20 --images 32 | awk '$1 == "neuroblend-20" {k = $2; ms = $4} END {printf "golden model (same session, %s): %s ms per image\n", k, ms}'
