#!/usr/bin/env bash
# The long constrained-random regression (README, "Long regressions"):
# 10,000 random networks on 4 randomly drawn hardware configurations (each
# verilated once, a few minutes when new) and random memory settings,
# co-simulated bit-exactly against the golden model and checked against the
# cycle model, in shards over GNU parallel. Options go to tools/regress.py
# (--networks N, --configs K, --seed S, --jobs J, --config FLAGS, --out DIR).
# About 25 minutes on 2 cores with new configurations to build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec /usr/bin/python3 tools/regress.py build/neuroblend "$@"
