#!/usr/bin/python3
"""Writes the ONNX import test data (tests/data/onnx/), from PyTorch 1.13.

A tiny Blend network built with plain PyTorch modules, with fixed seeds and
non-trivial batch-norm statistics (negative and zero scales included), is
exported twice:

  tiny.onnx                 ONNX opset 13, eval mode, constant folding, as
                            PyTorch 1.13 exports it
  tiny.json + tiny.npz      the same network as a model file and float
                            parameters in the interchange key scheme
                            (docs/interchange.md)
  tiny_fused.onnx           the default export (TrainingMode.EVAL): the batch
                            norms after nn.Conv2d folded into the convolutions
  tiny_dense.onnx, .json, .npz   the dense forms: a 1x1 binary conv per token,
                            nn.Linear Blend modules after pooling
  tiny_mixer.onnx, .json, .npz   BlendMixer-shaped: token mixing on (N, C, T),
                            channel mixing with transposes around nn.Linear
  tiny_raw.onnx, .json, .npz     tools/nbtorch.py's conventions: raw pixels in,
                            Pad(128) before the normalisation, MatMul(W, x)
  tiny_input.ppm, .pgm, *_logits.json  images and PyTorch's logits for them

and a few broken variants of the ONNX file for the error tests. The test
(tests/CMakeLists.txt, onnx_*) compiles both forms and requires the same
program, byte for byte. The outputs are a few KB and are committed, so the
tests need neither torch nor onnx:

  /usr/bin/python3 tests/onnx/make_onnx.py tests/data/onnx
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# Values exactly representable in float32, so that the model file's decimal
# numbers and the ONNX file's float32 constants are the same numbers.
MEAN = [0.5, 0.375, 0.25]
STD = [0.25, 0.125, 0.5]
H = W = 8
CLASSES = 4


class Normalize(nn.Module):
    """The graph input is pixel/255 in NCHW float; (x - mean) / std."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor(MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(STD).view(1, 3, 1, 1))

    def forward(self, x):
        return (x - self.mean) / self.std


class Blend(nn.Module):
    """DESIGN §2: y = act(BN_o(BN_m(conv3x3(sign(BN_a(x)), sign(W))) + BN_s(skip(x))))."""

    def __init__(self, cin, cout, stride, skip, relu=False):
        super().__init__()
        self.stride, self.skip, self.relu = stride, skip, relu
        self.bn_a = nn.BatchNorm2d(cin)
        self.main = nn.Parameter(torch.randn(cout, cin, 3, 3))
        self.bn_m = nn.BatchNorm2d(cout)
        if skip == "conv1x1":
            self.skip_conv = nn.Conv2d(cin, cout, 1, stride, bias=False)
        self.bn_s = nn.BatchNorm2d(cout)
        self.bn_o = nn.BatchNorm2d(cout)

    def forward(self, x):
        b = torch.sign(self.bn_a(x))
        b = F.pad(b, (1, 1, 1, 1), value=-1.0)  # binary convolutions pad with -1
        m = self.bn_m(F.conv2d(b, torch.sign(self.main), stride=self.stride))
        k = self.bn_s(self.skip_conv(x) if self.skip == "conv1x1" else x)
        y = self.bn_o(m + k)
        return F.relu(y) if self.relu else y


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = Normalize()
        self.stem = nn.Conv2d(3, 4, 3, 1, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(4)
        self.b1 = Blend(4, 8, 2, "conv1x1")
        self.b2 = Blend(8, 8, 1, "identity", relu=True)
        self.fc = nn.Linear(8, CLASSES)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(self.norm(x))))
        x = self.b2(self.b1(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


class BlendDense(nn.Module):
    """The dense Blend module over channels: on (N, C) with nn.Linear, or per
    token on (N, C, H, W) with 1x1 convolutions (`conv=True`)."""

    def __init__(self, cin, cout, skip, relu=False, conv=False):
        super().__init__()
        self.skip, self.relu, self.conv = skip, relu, conv
        BN = nn.BatchNorm2d if conv else nn.BatchNorm1d
        self.bn_a = BN(cin)
        self.main = nn.Parameter(torch.randn(cout, cin, 1, 1) if conv else torch.randn(cout, cin))
        self.bn_m = BN(cout)
        if skip == "dense":  # with a bias: the importer folds it into bn_s
            self.skip_lin = nn.Conv2d(cin, cout, 1) if conv else nn.Linear(cin, cout)
        self.bn_s = BN(cout)
        self.bn_o = BN(cout)

    def forward(self, x):
        b = torch.sign(self.bn_a(x))
        w = torch.sign(self.main)
        m = self.bn_m(F.conv2d(b, w) if self.conv else F.linear(b, w))
        k = self.bn_s(self.skip_lin(x) if self.skip == "dense" else x)
        y = self.bn_o(m + k)
        return F.relu(y) if self.relu else y


class TinyDense(nn.Module):
    """The dense forms: a 1x1 binary conv (blend_dense over channels, per
    token), then after pooling two nn.Linear Blend modules."""

    def __init__(self):
        super().__init__()
        self.norm = Normalize()
        self.stem = nn.Conv2d(3, 4, 3, 2, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(4)
        self.t1 = BlendDense(4, 8, "dense", conv=True)
        self.d1 = BlendDense(8, 8, "dense")
        self.d2 = BlendDense(8, 8, "identity", relu=True)
        self.fc = nn.Linear(8, CLASSES)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(self.norm(x))))
        x = F.adaptive_avg_pool2d(self.t1(x), 1).flatten(1)
        return self.fc(self.d2(self.d1(x)))


class MixerBlend(nn.Module):
    """A dense Blend module on (N, C, T) tokens (BlendMixer): token mixing
    contracts T directly; channel mixing transposes to (N, T, C) around its
    nn.Linear. Batch norms are over channels (BatchNorm1d on (N, C, T))."""

    def __init__(self, c, t, axis, skip, relu=False):
        super().__init__()
        self.axis, self.skip, self.relu = axis, skip, relu
        n = t if axis == "token" else c
        self.bn_a = nn.BatchNorm1d(c)
        self.main = nn.Parameter(torch.randn(n, n))
        self.bn_m = nn.BatchNorm1d(c)
        if skip == "dense":  # token mixing: no bias (it would be per token)
            self.skip_lin = nn.Linear(n, n, bias=axis == "channel")
        self.bn_s = nn.BatchNorm1d(c)
        self.bn_o = nn.BatchNorm1d(c)

    def mix(self, x, f):
        return f(x) if self.axis == "token" else f(x.transpose(1, 2)).transpose(1, 2)

    def forward(self, x):
        b = torch.sign(self.bn_a(x))
        m = self.bn_m(self.mix(b, lambda v: F.linear(v, torch.sign(self.main))))
        k = self.bn_s(self.mix(x, self.skip_lin) if self.skip == "dense" else x)
        y = self.bn_o(m + k)
        return F.relu(y) if self.relu else y


class TinyMixer(nn.Module):
    """BlendMixer-shaped: 2x2 patch embedding (16 tokens of 8 channels),
    token mixing, channel mixing, token mixing with an identity skip."""

    def __init__(self):
        super().__init__()
        self.norm = Normalize()
        self.stem = nn.Conv2d(3, 8, 2, 2, bias=False)
        self.stem_bn = nn.BatchNorm2d(8)
        self.tok1 = MixerBlend(8, 16, "token", "dense", relu=True)
        self.ch1 = MixerBlend(8, 16, "channel", "dense")
        self.tok2 = MixerBlend(8, 16, "token", "identity")
        self.fc = nn.Linear(8, CLASSES)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(self.norm(x)))).flatten(2)
        return self.fc(self.tok2(self.ch1(self.tok1(x))).mean(2))


class LeftMixer(MixerBlend):
    """Channel mixing on (N, C, T) as MatMul(W, x), the weight first."""

    def __init__(self, cin, cout, t):
        super().__init__(cin, t, "channel", "dense")
        self.main = nn.Parameter(torch.randn(cout, cin))
        self.skip_lin = nn.Linear(cin, cout, bias=False)
        self.bn_m, self.bn_s, self.bn_o = nn.BatchNorm1d(cout), nn.BatchNorm1d(cout), nn.BatchNorm1d(cout)

    def forward(self, x):
        b = torch.sign(self.bn_a(x))
        m = self.bn_m(torch.matmul(torch.sign(self.main), b))
        return self.bn_o(m + self.bn_s(torch.matmul(self.skip_lin.weight, x)))


class TinyRaw(nn.Module):
    """tools/nbtorch.py's conventions: raw pixels 0..255 in, the stem's
    padding a Pad(128) on the pixels before Sub(255*mean) and Div(255*std),
    a Conv with pads 0; tokens by a constant Reshape to (N, C, T); channel
    mixing as MatMul(W, x) (the weight first), token mixing 64 -> 32 tokens."""

    MEAN, STD = [0.286], [0.353]

    def __init__(self):
        super().__init__()
        self.register_buffer("sub", torch.tensor(self.MEAN).view(1, 1, 1, 1) * 255)
        self.register_buffer("div", torch.tensor(self.STD).view(1, 1, 1, 1) * 255)
        self.stem = nn.Conv2d(1, 4, 3, 1, 0, bias=False)
        self.stem_bn = nn.BatchNorm2d(4)
        self.c1 = LeftMixer(4, 8, 64)
        self.t1 = MixerBlend(8, 64, "token", "dense", relu=True)
        self.t1.main = nn.Parameter(torch.randn(32, 64))
        self.t1.skip_lin = nn.Linear(64, 32, bias=False)
        self.t2 = MixerBlend(8, 32, "token", "identity")
        self.fc = nn.Linear(8, CLASSES)

    def forward(self, x):
        x = (F.pad(x, (1, 1, 1, 1), value=128.0) - self.sub) / self.div
        x = F.relu(self.stem_bn(self.stem(x))).reshape(1, 4, H * W)
        return self.fc(self.t2(self.t1(self.c1(x))).mean(2))


def randomize_bn(bn, g):
    n = bn.num_features
    gamma = torch.rand(n, generator=g) * 0.8 + 0.6
    gamma[0] = -gamma[0]  # a negative scale
    if n > 4:
        gamma[5] = 0.0  # an exactly zero scale
    bn.weight.data = gamma
    bn.bias.data = torch.randn(n, generator=g) * 0.3
    bn.running_mean.data = torch.randn(n, generator=g) * 0.5
    bn.running_var.data = torch.rand(n, generator=g) * 1.5 + 0.25


def ohwi(w):
    return w.detach().permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32)


def bn_arrays(prefix, bn):
    return {
        prefix + ".gamma": bn.weight.detach().numpy().astype(np.float32),
        prefix + ".beta": bn.bias.detach().numpy().astype(np.float32),
        prefix + ".mean": bn.running_mean.numpy().astype(np.float32),
        prefix + ".var": bn.running_var.numpy().astype(np.float32),
    }


def interchange(net):
    """The model file and the .npz of the same network."""
    model = {
        "format": "neuroblend-model-1",
        "name": "tiny",
        "description": "ONNX import test network (tests/onnx/make_onnx.py)",
        "classes": CLASSES,
        "input": {"height": H, "width": W, "channels": 3, "mean": MEAN, "std": STD},
        "layers": [
            {"name": "stem", "type": "conv", "out": 4, "act": "relu"},
            {"name": "b1", "type": "blend_conv", "out": 8, "stride": 2, "skip": "conv1x1"},
            {"name": "b2", "type": "blend_conv", "out": 8, "skip": "identity", "act": "relu"},
            {"name": "pool", "type": "avgpool"},
            {"name": "fc", "type": "dense", "out": CLASSES},
        ],
    }
    a = {"stem.w": ohwi(net.stem.weight)}
    a.update(bn_arrays("stem.bn", net.stem_bn))
    for name, b in (("b1", net.b1), ("b2", net.b2)):
        a[name + ".main.w"] = ohwi(b.main)
        if b.skip == "conv1x1":
            a[name + ".skip.w"] = ohwi(b.skip_conv.weight)
        for k in ("bn_a", "bn_m", "bn_s", "bn_o"):
            a.update(bn_arrays(f"{name}.{k}", getattr(b, k)))
    a["fc.w"] = net.fc.weight.detach().numpy().astype(np.float32)
    a["fc.b"] = net.fc.bias.detach().numpy().astype(np.float32)
    return model, a


def interchange_dense(net):
    """The model file and the .npz of TinyDense."""
    model = {
        "format": "neuroblend-model-1",
        "name": "tiny_dense",
        "description": "ONNX import test network, dense forms (tests/onnx/make_onnx.py)",
        "classes": CLASSES,
        "input": {"height": H, "width": W, "channels": 3, "mean": MEAN, "std": STD},
        "layers": [
            {"name": "stem", "type": "conv", "out": 4, "stride": 2, "act": "relu"},
            {"name": "t1", "type": "blend_dense", "out": 8, "skip": "dense"},
            {"name": "pool", "type": "avgpool"},
            {"name": "d1", "type": "blend_dense", "out": 8, "skip": "dense"},
            {"name": "d2", "type": "blend_dense", "out": 8, "skip": "identity", "act": "relu"},
            {"name": "fc", "type": "dense", "out": CLASSES},
        ],
    }
    a = {"stem.w": ohwi(net.stem.weight)}
    a.update(bn_arrays("stem.bn", net.stem_bn))
    for name, b in (("t1", net.t1), ("d1", net.d1), ("d2", net.d2)):
        a[name + ".main.w"] = b.main.detach().reshape(b.main.shape[0], -1).numpy().astype(np.float32)
        for k in ("bn_a", "bn_m", "bn_s", "bn_o"):
            a.update(bn_arrays(f"{name}.{k}", getattr(b, k)))
        if b.skip == "dense":
            lin = b.skip_lin
            a[name + ".skip.w"] = lin.weight.detach().reshape(lin.weight.shape[0], -1).numpy().astype(np.float32)
            # The skip's bias, folded into bn_s as the importer does:
            # BN(x + bias) has mean - bias (float32 arithmetic).
            a[name + ".bn_s.mean"] = a[name + ".bn_s.mean"] - lin.bias.detach().numpy().astype(np.float32)
    a["fc.w"] = net.fc.weight.detach().numpy().astype(np.float32)
    a["fc.b"] = net.fc.bias.detach().numpy().astype(np.float32)
    return model, a


def interchange_mixer(net):
    """The model file and the .npz of TinyMixer."""
    model = {
        "format": "neuroblend-model-1",
        "name": "tiny_mixer",
        "description": "ONNX import test network, token and channel mixing (tests/onnx/make_onnx.py)",
        "classes": CLASSES,
        "input": {"height": H, "width": W, "channels": 3, "mean": MEAN, "std": STD},
        "layers": [
            {"name": "stem", "type": "conv", "out": 8, "kernel": 2, "stride": 2, "pad": 0, "act": "relu"},
            {"name": "tok1", "type": "blend_dense", "axis": "token", "out": 16, "skip": "dense", "act": "relu"},
            {"name": "ch1", "type": "blend_dense", "axis": "channel", "out": 8, "skip": "dense"},
            {"name": "tok2", "type": "blend_dense", "axis": "token", "out": 16, "skip": "identity"},
            {"name": "pool", "type": "avgpool"},
            {"name": "fc", "type": "dense", "out": CLASSES},
        ],
    }
    a = {"stem.w": ohwi(net.stem.weight)}
    a.update(bn_arrays("stem.bn", net.stem_bn))
    for name, b in (("tok1", net.tok1), ("ch1", net.ch1), ("tok2", net.tok2)):
        a[name + ".main.w"] = b.main.detach().numpy().astype(np.float32)
        for k in ("bn_a", "bn_m", "bn_s", "bn_o"):
            a.update(bn_arrays(f"{name}.{k}", getattr(b, k)))
        if b.skip == "dense":
            a[name + ".skip.w"] = b.skip_lin.weight.detach().numpy().astype(np.float32)
            if b.skip_lin.bias is not None:
                a[name + ".bn_s.mean"] = a[name + ".bn_s.mean"] - b.skip_lin.bias.detach().numpy().astype(np.float32)
    a["fc.w"] = net.fc.weight.detach().numpy().astype(np.float32)
    a["fc.b"] = net.fc.bias.detach().numpy().astype(np.float32)
    return model, a


def interchange_raw(net):
    """The model file and the .npz of TinyRaw."""
    model = {
        "format": "neuroblend-model-1",
        "name": "tiny_raw",
        "description": "ONNX import test network, tools/nbtorch.py's conventions (tests/onnx/make_onnx.py)",
        "classes": CLASSES,
        "input": {"height": H, "width": W, "channels": 1, "mean": TinyRaw.MEAN, "std": TinyRaw.STD},
        "layers": [
            {"name": "stem", "type": "conv", "out": 4, "act": "relu"},
            {"name": "c1", "type": "blend_dense", "axis": "channel", "out": 8, "skip": "dense"},
            {"name": "t1", "type": "blend_dense", "axis": "token", "out": 32, "skip": "dense", "act": "relu"},
            {"name": "t2", "type": "blend_dense", "axis": "token", "out": 32, "skip": "identity"},
            {"name": "pool", "type": "avgpool"},
            {"name": "fc", "type": "dense", "out": CLASSES},
        ],
    }
    a = {"stem.w": ohwi(net.stem.weight)}
    a.update(bn_arrays("stem.bn", net.stem_bn))
    for name, b in (("c1", net.c1), ("t1", net.t1), ("t2", net.t2)):
        a[name + ".main.w"] = b.main.detach().numpy().astype(np.float32)
        for k in ("bn_a", "bn_m", "bn_s", "bn_o"):
            a.update(bn_arrays(f"{name}.{k}", getattr(b, k)))
        if b.skip == "dense":
            a[name + ".skip.w"] = b.skip_lin.weight.detach().numpy().astype(np.float32)
    a["fc.w"] = net.fc.weight.detach().numpy().astype(np.float32)
    a["fc.b"] = net.fc.bias.detach().numpy().astype(np.float32)
    return model, a


def export(net, path, channels=3, **kw):
    x = torch.rand(1, channels, H, W)
    torch.onnx.export(net, x, path, opset_version=13, do_constant_folding=True,
                      input_names=["input"],
                      output_names=["logits"], **kw)


def write_pair(out, stem, model, arrays):
    with open(os.path.join(out, stem + ".json"), "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    np.savez(os.path.join(out, stem + ".npz"), **arrays)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/onnx"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20261202)
    g = torch.Generator().manual_seed(7)
    net, dense, mixer = Tiny(), TinyDense(), TinyMixer()
    for m in list(net.modules()) + list(dense.modules()) + list(mixer.modules()):
        if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
            randomize_bn(m, g)
    net.eval()
    dense.eval()
    mixer.eval()
    # The model is in eval mode. TrainingMode.PRESERVE keeps every batch norm
    # as a BatchNormalization node: the same parameters as the .npz, so the
    # same compiled program byte for byte. The default (TrainingMode.EVAL)
    # folds the batch norms that follow an nn.Conv2d into its weights and
    # bias (tiny_fused.onnx): the same network, other float parameters.
    export(net, os.path.join(out, "tiny.onnx"), training=torch.onnx.TrainingMode.PRESERVE)
    export(net, os.path.join(out, "tiny_fused.onnx"))
    export(dense, os.path.join(out, "tiny_dense.onnx"), training=torch.onnx.TrainingMode.PRESERVE)
    write_pair(out, "tiny", *interchange(net))
    export(mixer, os.path.join(out, "tiny_mixer.onnx"), training=torch.onnx.TrainingMode.PRESERVE)
    write_pair(out, "tiny_dense", *interchange_dense(dense))
    write_pair(out, "tiny_mixer", *interchange_mixer(mixer))
    img = reference_image(out)
    reference(out, "tiny", img, net, lambda y: net.fc(F.adaptive_avg_pool2d(net.b2(net.b1(y)), 1).flatten(1)), 1)
    reference(out, "tiny_dense", img, dense,
              lambda y: dense.fc(dense.d2(dense.d1(F.adaptive_avg_pool2d(dense.t1(y), 1).flatten(1)))), 2)
    reference(out, "tiny_mixer", img, mixer,
              lambda y: mixer.fc(mixer.tok2(mixer.ch1(mixer.tok1(y.flatten(2)))).mean(2)), 2, pad=0)
    # TinyRaw after the others (their random streams stay as they were).
    raw = TinyRaw()
    for m in raw.modules():
        if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
            randomize_bn(m, g)
    raw.eval()
    export(raw, os.path.join(out, "tiny_raw.onnx"), channels=1, training=torch.onnx.TrainingMode.PRESERVE)
    write_pair(out, "tiny_raw", *interchange_raw(raw))
    # Its own forward pass is the deployed semantics (the stem pads with pixel 128).
    grey = img[:, :, 0].copy()
    with open(os.path.join(out, "tiny_input.pgm"), "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (W, H) + grey.tobytes())
    with torch.no_grad():
        logits = raw(torch.from_numpy(grey).float().view(1, 1, H, W))[0]
    with open(os.path.join(out, "tiny_raw_logits.json"), "w") as f:
        json.dump([float(v) for v in logits], f)
        f.write("\n")
    broken(out)


def reference_image(out):
    rng = np.random.RandomState(11)
    img = rng.randint(0, 256, (H, W, 3)).astype(np.uint8)
    with open(os.path.join(out, "tiny_input.ppm"), "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (W, H) + img.tobytes())
    return img


def reference(out, stem, img, net, rest, stride, pad=1):
    """PyTorch's logits for the image (tests/onnx/check_logits.py).

    The float reference pads the first convolution with the value of pixel
    128 (the int8 0 of the deployed network, DESIGN §4) where PyTorch pads
    with 0: the logits here are computed with that padding, the rest of the
    network exactly as PyTorch runs it."""
    with torch.no_grad():
        x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).double() / 255.0
        x = net.norm(x.float())
        if pad:
            v = (128.0 / 255.0 - torch.tensor(MEAN)) / torch.tensor(STD)
            xp = v.view(1, 3, 1, 1).repeat(1, 1, H + 2, W + 2)
            xp[:, :, 1:-1, 1:-1] = x
        else:
            xp = x
        y = F.relu(net.stem_bn(F.conv2d(xp, net.stem.weight, stride=stride)))
        logits = rest(y)[0]
    with open(os.path.join(out, stem + "_logits.json"), "w") as f:
        json.dump([float(v) for v in logits], f)
        f.write("\n")


def broken(out):
    """Variants of tiny.onnx that the importer must refuse, naming the node."""
    import onnx
    from onnx import helper, numpy_helper

    base = onnx.load(os.path.join(out, "tiny.onnx"))
    data = base.SerializeToString()
    with open(os.path.join(out, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])
    rng = np.random.RandomState(3)
    with open(os.path.join(out, "random.onnx"), "wb") as f:
        f.write(rng.randint(0, 256, 600).astype(np.uint8).tobytes())

    # An op the importer does not know: the stem's Relu becomes a Sigmoid.
    m = onnx.ModelProto()
    m.CopyFrom(base)
    relu = next(n for n in m.graph.node if n.op_type == "Relu")
    relu.op_type = "Sigmoid"
    relu.name = "stem_act"
    onnx.save(m, os.path.join(out, "unsupported_op.onnx"))

    # A grouped convolution (group=2): the stem.
    m = onnx.ModelProto()
    m.CopyFrom(base)
    conv = next(n for n in m.graph.node if n.op_type == "Conv")
    conv.name = "stem_conv"
    next(a for a in conv.attribute if a.name == "group").i = 2
    onnx.save(m, os.path.join(out, "conv_group2.onnx"))

    # The first binary conv's Pad with value 0 instead of -1.
    m = onnx.ModelProto()
    m.CopyFrom(base)
    pad = next(n for n in m.graph.node if n.op_type == "Pad")
    pad.name = "b1_pad"
    inits = {t.name: t for t in m.graph.initializer}
    value = pad.input[2]
    if value in inits:
        t = inits[value]
        t.CopyFrom(numpy_helper.from_array(np.zeros(numpy_helper.to_array(t).shape, np.float32), value))
    else:
        const = next(n for n in m.graph.node if value in n.output)
        const.attribute[0].t.CopyFrom(numpy_helper.from_array(np.zeros((), np.float32)))
    onnx.save(m, os.path.join(out, "pad_zero.onnx"))


if __name__ == "__main__":
    main()
