#!/usr/bin/env python3
"""The long constrained-random regression (scripts/regress.sh): N random
networks on K randomly drawn hardware configurations and memory settings,
each network co-simulated on the RTL against the golden model (bit-exact,
layer by layer) and its performance records checked against the fast cycle
model. Shards of networks run in parallel with GNU parallel; each failing
network is printed as the one command that reproduces it.

    tools/regress.py NEUROBLEND [--networks 10000] [--configs 4] [--seed 1]
                     [--shard-size 100] [--jobs NPROC] [--out out/regress] [--config FLAGS ...]

Results: OUT/summary.json (counts, configurations, failures), one
OUT/shard-I.json (the co-simulator's result) and OUT/shard-I.log per shard.
Exit status 0 when every network passed, 3 when one failed, 1 on a broken run.
"""
import argparse
import json
import os
import random
import shlex
import subprocess
import sys
import time

WPL = [1, 2, 4]
MACS = [1, 2, 4, 8]
DRAM = [(8, 20), (8, 1), (4, 77), (2.5, 20), (2, 100), (1, 5), (0.7, 3)]


def draw_configs(rng, k):
    """K hardware configurations: lanes 2..40 (one lane is the slowest
    co-simulation and has its own tests), any words per lane, MACs, XNOR
    kind, and a divisor of the lanes as merge units."""
    out = []
    while len(out) < k:
        lanes = rng.randint(2, 40)
        divisors = [d for d in range(1, lanes + 1) if lanes % d == 0 and d <= 64]
        flags = ["--lanes", str(lanes), "--words-per-lane", str(rng.choice(WPL)), "--macs", str(rng.choice(MACS)),
                 "--xnor", rng.choice(["dsp", "lut"]), "--merge-lanes", str(rng.choice(divisors))]
        if flags not in out:
            out.append(flags)
    return out


def run_shard(out, index):
    """One shard: its networks through its configuration's co-simulator."""
    plan = json.load(open(os.path.join(out, "plan.json")))
    s = plan["shards"][index]
    cfg = plan["configs"][s["config"]]
    res = os.path.join(out, f"shard-{index}.json")
    cmd = [cfg["simulator"], "--random-nets", str(s["count"]), "--seed", str(s["seed"]), "--check-estimate",
           "--dram-bw", str(s["dram_bw"]), "--dram-latency", str(s["dram_latency"]), "--json", res] + \
        (["--no-dump"] if s["no_dump"] else [])
    t0 = time.time()
    with open(os.path.join(out, f"shard-{index}.log"), "w") as log:
        rc = subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=log)
    state = "PASS" if rc == 0 else ("FAIL" if rc == 3 else f"BROKEN (exit {rc})")
    print(f"shard {index + 1}/{len(plan['shards'])}: {cfg['name']}, seeds {s['seed']}..{s['seed'] + s['count'] - 1}, "
          f"DRAM {s['dram_bw']} B/cycle latency {s['dram_latency']}{', no dumps' if s['no_dump'] else ''}: "
          f"{state} ({time.time() - t0:.0f} s)", flush=True)
    return 0


def repro(plan, s, seed):
    cfg = plan["configs"][s["config"]]
    sim = f"$({shlex.quote(plan['neuroblend'])} simulator {' '.join(cfg['flags'])})"
    return (f"{sim} --random-nets 1 --seed {seed} --check-estimate --dram-bw {s['dram_bw']} "
            f"--dram-latency {s['dram_latency']}{' --no-dump' if s['no_dump'] else ''}")


def summarize(out, plan, seconds):
    passed = failed = not_compiled = not_run = 0
    failures, broken = [], []
    for i, s in enumerate(plan["shards"]):
        path = os.path.join(out, f"shard-{i}.json")
        try:
            r = json.load(open(path))
        except (OSError, ValueError):
            broken.append({"shard": i, "log": os.path.join(out, f"shard-{i}.log")})
            continue
        not_compiled += r.get("random_networks_not_compiled", 0)
        # The cycle model's differences name the job ("job K (...)") in the log.
        differing = set()
        for line in open(os.path.join(out, f"shard-{i}.log")):
            if line.startswith("ESTIMATE DIFFERS: job "):
                differing.add(int(line.split()[3]))
        jobs = r.get("jobs", [])
        for k, j in enumerate(jobs):
            if j["verified"] and k not in differing:
                passed += 1
                continue
            failed += 1
            why = j.get("mismatch") or j.get("error") or ("cycle model differs" if k in differing else "not verified")
            failures.append({"seed": j["seed"], "config": plan["configs"][s["config"]]["name"], "why": why,
                             "command": repro(plan, s, j["seed"])})
        # The co-simulator stops at a mismatch: the shard's later networks did not run.
        ran = len(jobs) + r.get("random_networks_not_compiled", 0)
        not_run += max(0, s["count"] - ran)
    summary = {"networks": plan["networks"], "passed": passed, "failed": failed, "not_compiled": not_compiled,
               "not_run_after_a_failure": not_run, "broken_shards": broken, "seconds": round(seconds, 1),
               "configs": [{"name": c["name"], "flags": " ".join(c["flags"])} for c in plan["configs"]],
               "seed": plan["seed"], "failures": failures}
    json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
    print(f"\nregression: {plan['networks']} networks on {len(plan['configs'])} configurations, {seconds:.0f} s: "
          f"{passed} passed, {failed} failed, {not_compiled} not compiled (refused by the compiler), "
          f"{not_run} not run after a failure, {len(broken)} broken shards")
    for f in failures:
        print(f"FAILED: network {f['seed']} on {f['config']}: {f['why']}\n  reproduce: {f['command']}")
    for b in broken:
        print(f"BROKEN: shard {b['shard']}: see {b['log']}")
    print(f"summary: {os.path.join(out, 'summary.json')}")
    return 0 if failed == 0 and not broken else (3 if failed else 1)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--run-shard":
        return run_shard(sys.argv[2], int(sys.argv[3]))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("neuroblend")
    ap.add_argument("--networks", type=int, default=10000)
    ap.add_argument("--configs", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shard-size", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out", default="out/regress")
    ap.add_argument("--config", action="append", default=[], metavar="FLAGS",
                    help="a configuration's neuroblend flags, e.g. '--lanes 5 --macs 2' (repeatable), instead of "
                         "drawn ones")
    a = ap.parse_args()
    if a.networks < 1 or a.configs < 1 or a.shard_size < 1 or a.jobs < 1:
        ap.error("--networks, --configs, --shard-size and --jobs must be >= 1")
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        if f.startswith("shard-"):
            os.remove(os.path.join(a.out, f))
    rng = random.Random(a.seed)
    configs = []
    drawn = [shlex.split(c) for c in a.config] or draw_configs(rng, a.configs)
    for i, flags in enumerate(drawn):
        print(f"configuration {i + 1}/{len(drawn)}: {' '.join(flags)} (verilated once, a few minutes when new)",
              flush=True)
        sim = subprocess.run([a.neuroblend, "simulator"] + flags, check=True, stdout=subprocess.PIPE,
                             text=True).stdout.strip()
        configs.append({"name": os.path.basename(sim).removeprefix("nb_rtl_"), "flags": flags, "simulator": sim})
    shards, start = [], a.seed * 1000000
    for i in range(0, a.networks, a.shard_size):
        bw, lat = rng.choice(DRAM)
        shards.append({"config": (i // a.shard_size) % len(configs), "seed": start + i,
                       "count": min(a.shard_size, a.networks - i), "dram_bw": bw, "dram_latency": lat,
                       "no_dump": rng.random() < 0.3})
    plan = {"neuroblend": a.neuroblend, "networks": a.networks, "seed": a.seed, "configs": configs, "shards": shards}
    json.dump(plan, open(os.path.join(a.out, "plan.json"), "w"), indent=2)
    print(f"{a.networks} networks in {len(shards)} shards, {a.jobs} at a time (GNU parallel)", flush=True)
    t0 = time.time()
    subprocess.run(["parallel", "--will-cite", "--jobs", str(a.jobs), "--line-buffer", "--halt", "never",
                    sys.executable, os.path.abspath(__file__), "--run-shard", a.out, ":::"] +
                   [str(i) for i in range(len(shards))], check=False)
    return summarize(a.out, plan, time.time() - t0)


if __name__ == "__main__":
    sys.exit(main())
