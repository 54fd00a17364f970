#!/usr/bin/env python3
"""The cycle model against RTL co-simulation on randomly drawn hardware
configurations and memory settings (each verilated once, on first use):
usage random_configs.py NEUROBLEND SEED COUNT."""
import random
import subprocess
import sys

nb, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
here = __file__.rsplit("/", 1)[0]
for i in range(count):
    args = ["--lanes", str(rng.randint(1, 40)), "--words-per-lane", str(rng.choice([1, 2, 4])),
            "--macs", str(rng.choice([1, 2, 4, 8])), "--xnor", rng.choice(["dsp", "lut"]),
            "--dram-bw", str(rng.choice([8, 4, 2.5, 1])), "--dram-latency", str(rng.choice([1, 20, 77]))]
    print("configuration", " ".join(args), flush=True)
    subprocess.run([sys.executable, f"{here}/estimate_fields.py", nb] + args, check=True)
