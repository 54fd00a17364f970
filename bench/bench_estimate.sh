#!/usr/bin/env bash
# The fast cycle model against RTL co-simulation of the same configuration,
# in the same session: estimate time, a 1,000-configuration sweep (library
# and CLI end to end), and the speed ratio to co-simulating one image.
#   bench/bench_estimate.sh      (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${NB_BUILD_DIR:-build}
out=$("$BUILD/bench/bench_estimate" neuroblend-20 --configs 1000)
echo "$out"
"$BUILD/sim/nb_rtl_default" --model neuroblend-20 --images-n 1 --calib 2 --no-dump --quiet >/tmp/nb_bench_est.json
python3 - "$out" <<'PY'
import json, re, sys
j = json.load(open("/tmp/nb_bench_est.json"))
us = float(re.search(r"([0-9.]+) us \(best", sys.argv[1]).group(1))
print(f"RTL co-simulation of the same image: {j['wall_seconds']:.3f} s ({j['jobs'][0]['total_cycles'][0]} cycles, "
      f"{j['cycles_per_second']:.0f} cycles/s); cycle model {j['wall_seconds'] / (us * 1e-6):,.0f}x faster")
PY
python3 - <<'PY' >/tmp/nb_bench_list.json
import json
print(json.dumps([{"lanes": l, "words_per_lane": w, "macs": m, "xnor": x}
                  for x in ("dsp", "lut") for w in (1, 2, 4) for m in (1, 2, 4, 8) for l in range(1, 65)][:1000]))
PY
s=$(date +%s.%N)
"$BUILD/neuroblend" sweep neuroblend-20 --list /tmp/nb_bench_list.json --no-plots --calib 2 -o /tmp/nb_bench_sweep >/dev/null
e=$(date +%s.%N)
python3 -c "print(f'neuroblend sweep, 1000 configurations, end to end (compile, evaluate, CSV/JSON): {$e - $s:.2f} s')"
