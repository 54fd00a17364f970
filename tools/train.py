#!/usr/bin/python3
"""Train a NeuroBlend model (model JSON, 28x28x1 input) on Fashion-MNIST, CPU.

    nice -n 10 /usr/bin/python3 tools/train.py --model models/neuroblend-20-fmnist.json \
        --epochs 4 --out out/nb20

Reads the IDX files of Debian's dataset-fashion-mnist
(/usr/share/datasets/fashion-mnist, or --data DIR). Straight-through sign for
activations and binary weights (tools/nbtorch.py), Adam with a per-step cosine
schedule, augmentation: random crop (pad 2 with background 0) and horizontal
flip. Two torch threads. Saves OUT/ckpt.pt after every epoch (model, optimizer,
step, RNG states, CPU and wall time, per-epoch test accuracy); `--resume`
continues from it (with the same --epochs the cosine schedule is the same as an
uninterrupted run; running it again with epochs already reached only exports).
At the end writes OUT/NAME.json (the model), OUT/NAME.npz (float parameters,
docs/interchange.md), OUT/NAME.onnx and OUT/NAME.record.json.
"""

import argparse
import calendar
import gzip
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nbtorch  # noqa: E402


def read_idx(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = data[0] << 8 | data[1], data[2], data[3]
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError(f"{path}: size mismatch")
    return arr.reshape(dims).copy()


def load_fmnist(d):
    def p(n):
        for ext in (".gz", ""):
            if os.path.exists(os.path.join(d, n + ext)):
                return os.path.join(d, n + ext)
        raise FileNotFoundError(os.path.join(d, n))
    xtr = read_idx(p("train-images-idx3-ubyte"))
    ytr = read_idx(p("train-labels-idx1-ubyte"))
    xte = read_idx(p("t10k-images-idx3-ubyte"))
    yte = read_idx(p("t10k-labels-idx1-ubyte"))
    return xtr, ytr, xte, yte


def augment(xb, rng, pad=2):
    """xb: float (N, 1, H, W) pixels. Random crop with zero padding + horizontal flip."""
    n, c, h, w = xb.shape
    xp = F.pad(xb, (pad,) * 4, value=0.0)
    out = torch.empty_like(xb)
    oy = rng.integers(0, 2 * pad + 1, n)
    ox = rng.integers(0, 2 * pad + 1, n)
    flip = rng.random(n) < 0.5
    for i in range(n):
        t = xp[i, :, oy[i]:oy[i] + h, ox[i]:ox[i] + w]
        out[i] = t.flip(-1) if flip[i] else t
    return out


def evaluate(net, x, y, batch=500):
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            xb = torch.from_numpy(x[i:i + batch]).float().unsqueeze(1)
            correct += (net(xb).argmax(1).numpy() == y[i:i + batch]).sum()
    net.train()
    return float(correct) / len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="model JSON (28x28x1 input)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--out", required=True, help="output directory (checkpoint and exports)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--resume", action="store_true", help="continue from OUT/ckpt.pt")
    ap.add_argument("--limit-train", type=int, default=0, help="use only the first N training images")
    ap.add_argument("--limit-test", type=int, default=0, help="evaluate on the first N test images only")
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--full-precision", action="store_true",
                    help="the comparison network: the same shape, recipe and budget with no binarization (float "
                         "activations and weights on the main path, padded with 0); writes only OUT/NAME-fp.record.json")
    ap.add_argument("--fp-act", choices=["identity", "relu"], default="identity",
                    help="with --full-precision, what replaces the sign of each Blend module's input: identity "
                         "(default; a network whose modules have no act is then affine between stem and pool) or "
                         "relu (a pre-activation ResNet block, BN-ReLU-conv); relu writes OUT/NAME-fp-relu.record.json")
    ap.add_argument("--binary-only", action="store_true",
                    help="the BNN baseline: the same shape, recipe and budget with binary main paths but "
                         "parameter-free skips (identity; where the shape changes a 2x2 average pool of stride 2 "
                         "and zero-padded channels, ResNet option A; no BN_s), stem and classifier as they are; "
                         "blend_conv networks only; writes only OUT/NAME-binary-only.record.json")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--stop-at", metavar="YYYY-MM-DDTHH:MM",
                    help="UTC time after which training stops at the next step, checkpoints (mid-epoch; --resume "
                         "continues there), evaluates and exports; SIGTERM/SIGINT do the same")
    a = ap.parse_args()
    if a.full_precision and a.binary_only:
        sys.exit("train.py: --full-precision and --binary-only exclude each other")
    if a.fp_act != "identity" and not a.full_precision:
        sys.exit("train.py: --fp-act needs --full-precision")

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(a.model) as f:
        spec = json.load(f)
    name = spec["name"]
    inp = spec["input"]
    if (inp["height"], inp["width"], inp["channels"]) != (28, 28, 1):
        sys.exit("train.py: the model's input must be 28x28x1 (Fashion-MNIST)")

    xtr, ytr, xte, yte = load_fmnist(a.data)
    if a.limit_train:
        xtr, ytr = xtr[:a.limit_train], ytr[:a.limit_train]
    if a.limit_test:
        xte, yte = xte[:a.limit_test], yte[:a.limit_test]
    ntr = len(xtr)
    steps_per_epoch = math.ceil(ntr / a.batch)
    total_steps = steps_per_epoch * a.epochs

    net = nbtorch.NBNet(spec, binary_only=a.binary_only)
    net.ctx.full_precision = a.full_precision
    net.ctx.fp_act = a.fp_act
    nparams = sum(p.numel() for p in net.parameters())
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    state = {"epoch": 0, "step": 0, "cpu_s": 0.0, "wall_s": 0.0, "history": [], "commands": []}
    ckpt = os.path.join(a.out, "ckpt.pt")
    if a.resume and os.path.exists(ckpt):
        c = torch.load(ckpt)
        net.load_state_dict(c["model"])
        opt.load_state_dict(c["opt"])
        state = c["state"]
        torch.set_rng_state(c["torch_rng"])
        rng.bit_generator.state = c["np_rng"]
        print(f"resumed from {ckpt}: epoch {state['epoch']}, step {state['step']}", flush=True)
    state["commands"].append(" ".join(sys.argv))
    print(f"{name}: {nparams} parameters, {ntr} training images, {steps_per_epoch} steps/epoch, "
          f"epochs {state['epoch']}..{a.epochs}, {a.threads} threads", flush=True)

    xte_f = xte
    stop = {"why": None}

    def on_signal(signum, frame):
        stop["why"] = f"signal {signum}"

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stop_at = None
    if a.stop_at:
        stop_at = calendar.timegm(time.strptime(a.stop_at, "%Y-%m-%dT%H:%M"))

    def save():
        torch.save({"model": net.state_dict(), "opt": opt.state_dict(), "state": state,
                    "torch_rng": torch.get_rng_state(), "np_rng": rng.bit_generator.state, "args": vars(a)},
                   ckpt + ".tmp")
        os.replace(ckpt + ".tmp", ckpt)

    net.train()
    while state["epoch"] < a.epochs and not stop["why"]:
        ep = state["epoch"]
        part = state.pop("partial", None)
        if part:  # resume in the middle of an epoch
            perm, b0 = np.asarray(part["perm"]), part["pos"]
            loss_sum, corr, seen, cpu_prev, wall_prev = (part["loss_sum"], part["corr"], part["seen"],
                                                         part["cpu_s"], part["wall_s"])
        else:
            perm, b0 = rng.permutation(ntr), 0
            loss_sum, corr, seen, cpu_prev, wall_prev = 0.0, 0, 0, 0.0, 0.0
        c0, w0 = time.process_time(), time.time()
        seen0 = seen
        bi = b0
        while bi < steps_per_epoch:
            idx = perm[bi * a.batch:(bi + 1) * a.batch]
            xb = torch.from_numpy(xtr[idx]).float().unsqueeze(1)
            if not a.no_augment:
                xb = augment(xb, rng)
            yb = torch.from_numpy(ytr[idx].astype(np.int64))
            lr = a.lr * 0.5 * (1 + math.cos(math.pi * min(state["step"], total_steps) / total_steps))
            for g in opt.param_groups:
                g["lr"] = lr
            out = net(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            state["step"] += 1
            bi += 1
            loss_sum += loss.item() * len(idx)
            corr += (out.argmax(1) == yb).sum().item()
            seen += len(idx)
            if bi % 50 == 0 or bi == steps_per_epoch:
                el = time.time() - w0
                rate = (seen - seen0) / el
                print(f"epoch {ep + 1}/{a.epochs} step {bi}/{steps_per_epoch} loss {loss_sum / seen:.4f} "
                      f"train acc {corr / seen:.4f} lr {lr:.2e} {rate:.0f} img/s "
                      f"eta {(ntr - seen) / rate / 60:.1f} min  {time.strftime('%H:%M:%S', time.gmtime())}",
                      flush=True)
            if stop_at is not None and time.time() >= stop_at:
                stop["why"] = f"--stop-at {a.stop_at}"
            if stop["why"]:
                break
        ep_cpu = cpu_prev + time.process_time() - c0
        ep_wall = wall_prev + time.time() - w0
        state["cpu_s"] += time.process_time() - c0
        state["wall_s"] += time.time() - w0
        done = bi == steps_per_epoch
        if done:
            state["epoch"] += 1
        else:
            state["partial"] = {"perm": perm.tolist(), "pos": bi, "loss_sum": loss_sum, "corr": corr,
                                "seen": seen, "cpu_s": ep_cpu, "wall_s": ep_wall}
            print(f"stopping ({stop['why']}) at step {bi}/{steps_per_epoch} of epoch {ep + 1}", flush=True)
        save()  # before the evaluation, so a kill during it loses nothing
        acc = evaluate(net, xte_f, yte)
        state["history"].append({"epoch": round(state["step"] / steps_per_epoch, 3), "step": state["step"],
                                 "complete_epoch": done, "lr_last": lr,
                                 "train_loss": loss_sum / seen, "train_acc": corr / seen,
                                 "test_acc": acc, "train_cpu_s": ep_cpu, "train_wall_s": ep_wall,
                                 "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        save()
        print(f"epoch {state['step'] / steps_per_epoch:.3f} (step {state['step']}/{total_steps}): float test "
              f"accuracy {acc:.4f} ({len(yte)} images), this epoch {ep_wall / 60:.1f} min wall, "
              f"{ep_cpu / 60:.1f} min CPU; checkpoint {ckpt}", flush=True)

    # Exports.
    net.eval()
    variant = ("-fp" + ("-relu" if a.fp_act == "relu" else "")) if a.full_precision else \
        "-binary-only" if a.binary_only else ""
    base = os.path.join(a.out, name + variant)
    if not variant:  # a comparison network is no NeuroBlend network: nothing to export
        with open(base + ".json", "w") as f:
            json.dump(spec, f, indent=2)
            f.write("\n")
        nbtorch.export_npz(net, base + ".npz")
        nbtorch.export_onnx(net, base + ".onnx")
    final_acc = state["history"][-1]["test_acc"] if state["history"] else evaluate(net, xte_f, yte)
    rec = {"model": name, "model_file": a.model, "commands": state["commands"], "seed": a.seed,
           "batch": a.batch, "lr": a.lr, "optimizer": "Adam, per-step cosine to 0", "augment": not a.no_augment,
           "epochs": round(state["step"] / steps_per_epoch, 3), "complete_epochs": state["epoch"],
           "steps": state["step"], "schedule_steps": total_steps, "train_images": ntr, "test_images": len(yte), "cpu_seconds": state["cpu_s"],
           "wall_seconds": state["wall_s"], "threads": a.threads, "float_test_accuracy": final_acc,
           "history": state["history"], "parameters": nparams, "torch": torch.__version__,
           "full_precision": a.full_precision, "fp_act": a.fp_act if a.full_precision else None,
           "binary_only": a.binary_only}
    with open(base + ".record.json", "w") as f:
        json.dump(rec, f, indent=2)
        f.write("\n")
    what = ".record.json" if variant else ".json .npz .onnx .record.json"
    print(f"wrote {base}{what}; float test accuracy {final_acc:.4f}", flush=True)


if __name__ == "__main__":
    main()
