"""PyTorch modules for NeuroBlend models, and exporters (.npz and ONNX).

`NBNet(spec)` builds a network from a neuroblend model JSON (docs/model-format.md)
that computes exactly the tool's float reference (model/float_model.cpp):

* Input: float pixels in [0, 255], shape (N, C, H, W). The network normalises
  `(pixel/255 - mean[c]) / std[c]` itself.
* First-layer padding: the tool pads a fixed-point convolution with int8 0,
  which for the network input is the pixel value 128 (`pixel - 128` is folded
  into the first layer). So the stem pads the *raw pixels* with 128 before
  the normalisation, and its Conv has no padding of its own.
* `conv`: Conv (no bias) -> BatchNorm -> act.
* `blend_conv`: b = sign(BN_a(x)) with sign(0) = +1; main = Conv3x3(pad(b, -1),
  sign(Wb), stride s, no padding of its own) -> BN_m; skip = Conv1x1 stride s
  (or Conv3x3 pad 0-valued, or identity) -> BN_s; y = act(BN_o(main + skip)).
  The identity skip still has its BN_s (the tool applies it).
* `blend_dense`: the same with dense layers. After the first dense-type layer on
  an H x W x C tensor, the network keeps activations as (N, C, T), T = H*W
  tokens in row-major (y, x) order, which is the tool's NHWC token order.
  Channel axis: y = W @ x (W (out, C)), per token. Token axis: y = x @ W^T
  (W (outT, T)), per channel. Batch norms are over channels (dim 1).
* `avgpool`: mean over positions/tokens -> (N, C).
* `dense`: y = x @ W^T + b on (N, C) (after the pool).

Comparison networks of the same shape (not NeuroBlend networks, not
exportable): `net.ctx.full_precision = True` trains with no binarization
(the sign becomes the identity, or a ReLU with `net.ctx.fp_act = "relu"`:
NeuroBlend-20's modules have no act, so with the identity the float network
is affine from its stem to its pool);
`NBNet(spec, binary_only=True)` is the BNN baseline: binary main paths as
above, but each blend_conv's skip is parameter-free (no skip weights, no
BN_s): the identity where in == out and stride 1, else a 2x2 average pool of
stride 2 with the new channels zero-padded (ResNet "option A" with average
pooling); y = act(BN_o(BN_m(main) + skip(x))). Stem, pool and classifier
stay as they are (fixed point in the tool), as BNN baselines keep them.

Training uses straight-through estimators: `ste_sign` is +1 where x >= 0 else
-1 in the forward pass and passes the gradient where |x| <= 1 (clipped
identity) in the backward pass; binary weights are used as ste_sign(W).

Exporters:

* `export_npz(net, path)`: the float parameters in the key scheme of
  docs/interchange.md (conv weights OHWI), readable by
  `neuroblend infer MODEL.json --params F.npz`.
* `export_onnx(net, path)`: ONNX opset 13, eval mode, constant folding on, no
  Conv+BN fusion (exported with TrainingMode.PRESERVE on an eval-mode model so
  that torch's eval peephole does not fold the batch norms into the convs:
  the Blend pattern stays visible). Binary weights are written already as
  +-1 (sign(W) with sign(0) = +1, computed before export). Activations are
  binarised with ONNX `Sign`; ONNX Sign(0) = 0 but the NeuroBlend importer
  treats Sign(0) as +1 (DESIGN §2), as the training forward pass does.

ONNX graph shape (input `input`, float32 (1, C, H, W), raw pixels 0..255;
output `logits` (1, classes); exported with a fixed batch of 1 so that every
shape is a constant; the importer should ignore the batch dimension):

  stem (first layer `conv`, pad p > 0):
      Pad(mode=constant, value=128, pads on H, W = p) -> Sub(255*mean) ->
      Div(255*std) -> Conv(pads=0, no bias) -> BatchNormalization [-> Relu]
  (with pad 0, e.g. a 4x4 stride-4 patch embedding, there is no Pad node:
      Sub -> Div -> Conv -> BatchNormalization [-> Relu]).
  Sub/Div use constants of shape (1, C, 1, 1).

  blend_conv (x is the module input):
      main: BatchNormalization(x) -> Sign -> Pad(constant, value=-1, 1 on each
            side of H, W) -> Conv(W = +-1, kernel 3, stride s, pads 0, no
            bias) -> BatchNormalization
      skip: Conv(x, 1x1, stride s, no bias) -> BatchNormalization
            (conv3x3: Conv pads=1; identity: BatchNormalization(x) directly)
      Add(main, skip) -> BatchNormalization [-> Relu]

  Entering the token world (first blend_dense after a 4-D tensor):
      Reshape(x, (N, C, H*W))      -- (N, C, T), T in row-major (y, x) order
  blend_dense, axis channel (W (out, C), x (N, C, T)):
      main: BatchNormalization(x) -> Sign -> MatMul(W+-1, b) -> BatchNormalization
      skip: MatMul(Ws, x) -> BatchNormalization   (identity: BN(x))
      Add -> BatchNormalization [-> Relu]
      i.e. the weight is the FIRST MatMul input, a constant of shape (out, C);
      output (N, out, T).
  blend_dense, axis token (W (outT, T), x (N, C, T)):
      main: BatchNormalization(x) -> Sign -> MatMul(b, W^T+-1) -> BatchNormalization
      skip: MatMul(x, Ws^T) -> BatchNormalization
      Add -> BatchNormalization [-> Relu]
      i.e. the weight is the SECOND MatMul input, a constant of shape (T, outT)
      = the transpose of the tool's (out tokens, in tokens) matrix; output
      (N, C, outT). No Transpose node is needed in this layout (torch may
      constant-fold the transpose of the weight into the initializer).
      All batch norms are BatchNormalization on (N, C, T) over channels.
  avgpool: 4-D: GlobalAveragePool -> Flatten; token form: ReduceMean(axes=[2],
      keepdims=0).
  dense (last layer): Gemm(x, W, b, transB=1).

  Names: every node is `/NAME/...` and every initializer `NAME.<part>` with NAME
  the layer's name in the model JSON (`stem.conv.weight`, `s1b1.bn_a.weight`,
  `s1b1.main.weight`, `s1b1.skip.weight`, `m1t1.main.weight_t`, `fc.weight`,
  ...; `stem.sub`/`stem.div` the input scaling; the reshape into tokens is
  `/to_tokens/Reshape`), so an importer can keep the layer names. BN
  attributes: epsilon = the model's bn_eps (as float32), momentum (ignored).
  Pad nodes take `pads` and `constant_value` as Constant nodes:
  pads = [0, 0, p, p, 0, 0, p, p] (N, C, H, W begins then ends).
  No Identity nodes: torch shares equal initializers through Identity (the
  BN_m and BN_s biases of a Blend module are always equal, they get the same
  gradient); the exporter writes each under its own name again.

  Worked example, one blend_conv module (s1b1, 16 -> 16, stride 1):
      BatchNormalization(/stem/Relu_output_0, s1b1.bn_a.*) -> Sign -> Pad(-1)
        -> Conv(s1b1.main.weight (16,16,3,3) of +-1, pads 0) -> BatchNormalization(s1b1.bn_m.*)
      Conv(/stem/Relu_output_0, s1b1.skip.weight (16,16,1,1)) -> BatchNormalization(s1b1.bn_s.*)
      Add -> BatchNormalization(s1b1.bn_o.*)          (no Relu: act none)
  One token-mixing blend_dense (m1t1, 49 -> 98 tokens, 64 channels, relu):
      BatchNormalization(/to_tokens/Reshape_output_0 (1,64,49), m1t1.bn_a.*) -> Sign
        -> MatMul(., m1t1.main.weight_t (49, 98) of +-1) -> BatchNormalization(m1t1.bn_m.*)
      MatMul(/to_tokens/Reshape_output_0, m1t1.skip.weight_t (49, 98)) -> BatchNormalization(m1t1.bn_s.*)
      Add -> BatchNormalization(m1t1.bn_o.*) -> Relu   (output (1, 64, 98))
"""

import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- sign / STE

class _SignSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x.abs() <= 1).to(g.dtype)


def ste_sign(x):
    return _SignSTE.apply(x)


class _Ctx:
    """Shared flags: export mode uses torch.sign (ONNX Sign) and pre-signed
    weights; full precision (the comparison network of the same shape, not
    exportable) skips every sign and pads the main path with 0; binary only
    (the BNN baseline of the same shape, not exportable; set at construction,
    `NBNet(spec, binary_only=True)`) replaces every Blend module's skip by a
    parameter-free one (see `ParamFreeSkip`)."""

    def __init__(self):
        self.export = False
        self.full_precision = False
        self.fp_act = "identity"  # full precision: what replaces the sign (identity or relu)
        self.binary_only = False


def _sign(ctx, x):
    if ctx.full_precision:
        # "identity" leaves a blend_conv network without act linear between
        # its stem and pool (the sign was its only nonlinearity); "relu"
        # puts a ReLU where the sign was (a pre-activation ResNet block).
        return F.relu(x) if ctx.fp_act == "relu" else x
    if ctx.export:
        # ONNX Sign. The NeuroBlend importer treats Sign(0) as +1 (DESIGN §2).
        return torch.sign(x)
    return ste_sign(x)


def _wsign(ctx, w):
    if ctx.full_precision:
        return w
    if ctx.export:
        # export_onnx() has already replaced the weights by their signs
        # (sign(0) = +1), so the exported Conv/MatMul holds +-1 constants.
        return w
    return ste_sign(w)


class _PadConst(torch.autograd.Function):
    """Constant padding of H, W that exports as one ONNX Pad with constant
    inputs (F.pad exports a Shape/Slice/Concat subgraph in torch 1.13)."""

    @staticmethod
    def forward(ctx, x, p, value):
        return F.pad(x, (p, p, p, p), mode="constant", value=value)

    @staticmethod
    def symbolic(g, x, p, value):
        pads = g.op("Constant", value_t=torch.tensor([0, 0, p, p, 0, 0, p, p], dtype=torch.int64))
        val = g.op("Constant", value_t=torch.tensor(value, dtype=torch.float32))
        return g.op("Pad", x, pads, val, mode_s="constant")


def pad_hw(ctx, x, p, value):
    if ctx.full_precision and value == -1.0:
        value = 0.0  # the binary path's -1 padding: a float path pads with 0
    if ctx.export:
        return _PadConst.apply(x, p, value)
    return F.pad(x, (p, p, p, p), mode="constant", value=value)


# ---------------------------------------------------------------- layers

def _bn(n, eps, tokens):
    return nn.BatchNorm1d(n, eps=eps) if tokens else nn.BatchNorm2d(n, eps=eps)


def _act(x, act):
    return F.relu(x) if act == "relu" else x


class ConvLayer(nn.Module):
    def __init__(self, spec, cin, eps, first, mean, std, ctx):
        super().__init__()
        self.ctx = ctx
        self.k = spec.get("kernel", 3)
        self.stride = spec.get("stride", 1)
        self.pad = spec.get("pad", (self.k - 1) // 2)
        self.act = spec.get("act", "none")
        self.first = first
        self.conv = nn.Conv2d(cin, spec["out"], self.k, self.stride, 0, bias=False)
        self.bn = nn.BatchNorm2d(spec["out"], eps=eps)
        if first:
            self.register_buffer("sub", torch.tensor([255.0 * m for m in mean]).view(1, -1, 1, 1))
            self.register_buffer("div", torch.tensor([255.0 * s for s in std]).view(1, -1, 1, 1))

    def forward(self, x):
        if self.pad:
            # int8 0 padding: for the network input that is pixel 128; for
            # inner layers (float value 0) it is 0.
            x = pad_hw(self.ctx, x, self.pad, 128.0 if self.first else 0.0)
        if self.first:
            x = (x - self.sub) / self.div
        return _act(self.bn(self.conv(x)), self.act)


class ParamFreeSkip(nn.Module):
    """The binary-only baseline's skip path, no parameters: the identity where
    in == out and stride 1; where the shape changes, ResNet's "option A"
    shortcut with average pooling: 2x2 average pool of stride 2 (ceil mode, so
    it gives the main path's (H + 2 - 3) // 2 + 1) and the new channels
    appended as zeros (x stays in channels 0..cin-1)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        if cout < cin or stride not in (1, 2):
            raise ValueError(f"no parameter-free skip for {cin} -> {cout} channels, stride {stride}")
        self.cin, self.cout, self.stride = cin, cout, stride

    def forward(self, x):
        if self.stride == 2:
            x = F.avg_pool2d(x, 2, 2, ceil_mode=True)
        if self.cout > self.cin:
            x = F.pad(x, (0, 0, 0, 0, 0, self.cout - self.cin))
        return x


class BlendConv(nn.Module):
    def __init__(self, spec, cin, eps, ctx):
        super().__init__()
        self.ctx = ctx
        cout = spec["out"]
        self.stride = spec.get("stride", 1)
        self.skip_kind = spec.get("skip", "conv1x1")
        self.act = spec.get("act", "none")
        self.bn_a = nn.BatchNorm2d(cin, eps=eps)
        self.main = nn.Conv2d(cin, cout, 3, self.stride, 0, bias=False)
        self.bn_m = nn.BatchNorm2d(cout, eps=eps)
        self.pf_skip = None
        if ctx.binary_only:  # the BNN baseline: no skip weights and no BN_s
            self.skip_kind = "parameter-free"
            self.skip = None
            self.pf_skip = ParamFreeSkip(cin, cout, self.stride)
        elif self.skip_kind == "conv1x1":
            self.skip = nn.Conv2d(cin, cout, 1, self.stride, 0, bias=False)
        elif self.skip_kind == "conv3x3":
            self.skip = nn.Conv2d(cin, cout, 3, self.stride, 1, bias=False)
        elif self.skip_kind == "identity":
            assert cin == cout and self.stride == 1, "identity skip needs in == out and stride 1"
            self.skip = None
        else:
            raise ValueError(f"blend_conv skip {self.skip_kind!r}")
        self.bn_s = None if ctx.binary_only else nn.BatchNorm2d(cout, eps=eps)
        self.bn_o = nn.BatchNorm2d(cout, eps=eps)

    def forward(self, x):
        b = _sign(self.ctx, self.bn_a(x))
        b = pad_hw(self.ctx, b, 1, -1.0)
        m = self.bn_m(F.conv2d(b, _wsign(self.ctx, self.main.weight), stride=self.stride))
        if self.pf_skip is not None:
            return _act(self.bn_o(m + self.pf_skip(x)), self.act)
        k = self.bn_s(self.skip(x) if self.skip is not None else x)
        return _act(self.bn_o(m + k), self.act)


class BlendDense(nn.Module):
    """Works on (N, C, T)."""

    def __init__(self, spec, C, T, eps, ctx):
        super().__init__()
        self.ctx = ctx
        self.axis = spec.get("axis", "channel")
        self.skip_kind = spec.get("skip", "dense")
        self.act = spec.get("act", "none")
        out = spec["out"]
        nin = C if self.axis == "channel" else T
        cbn = out if self.axis == "channel" else C
        self.bn_a = nn.BatchNorm1d(C, eps=eps)
        self.main = nn.Linear(nin, out, bias=False)
        if ctx.binary_only:
            raise ValueError("binary only: no parameter-free skip is defined for blend_dense (conv networks only)")
        if self.skip_kind == "dense":
            self.skip = nn.Linear(nin, out, bias=False)
        elif self.skip_kind == "identity":
            assert nin == out, "identity skip needs in == out"
            self.skip = None
        else:
            raise ValueError(f"blend_dense skip {self.skip_kind!r}")
        self.bn_m = nn.BatchNorm1d(cbn, eps=eps)
        self.bn_s = nn.BatchNorm1d(cbn, eps=eps)
        self.bn_o = nn.BatchNorm1d(cbn, eps=eps)

    def _lin(self, w, x):
        if self.axis == "channel":
            return torch.matmul(w, x)  # (out, C) @ (N, C, T) -> (N, out, T)
        return torch.matmul(x, w.t())  # (N, C, T) @ (T, outT) -> (N, C, outT)

    def forward(self, x):
        b = _sign(self.ctx, self.bn_a(x))
        m = self.bn_m(self._lin(_wsign(self.ctx, self.main.weight), b))
        k = self.bn_s(self._lin(self.skip.weight, x) if self.skip is not None else x)
        return _act(self.bn_o(m + k), self.act)


class AvgPool(nn.Module):
    def forward(self, x):
        if x.dim() == 4:
            return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return x.mean(dim=2)


class ToTokens(nn.Module):
    def forward(self, x):
        return x.reshape(x.shape[0], x.shape[1], -1)


class DenseLayer(nn.Module):
    def __init__(self, spec, cin):
        super().__init__()
        self.act = spec.get("act", "none")
        self.fc = nn.Linear(cin, spec["out"], bias=True)

    def forward(self, x):
        if x.dim() != 2:
            raise ValueError("dense layers are supported on a pooled (1 x 1) tensor only")
        return _act(self.fc(x), self.act)


# ---------------------------------------------------------------- network

class NBNet(nn.Module):
    def __init__(self, spec, binary_only=False):
        super().__init__()
        if isinstance(spec, str):
            with open(spec) as f:
                spec = json.load(f)
        self.spec = spec
        self.ctx = _Ctx()
        self.ctx.binary_only = binary_only
        eps = spec.get("bn_eps", 1e-5)
        inp = spec["input"]
        C = inp["channels"]
        H, W = inp["height"], inp["width"]
        mean = inp.get("mean", [0.5] * C)
        std = inp.get("std", [0.25] * C)
        self.names = []
        self.kinds = []
        mods = []
        tokens = False  # (N, C, T) layout?
        for i, l in enumerate(spec["layers"]):
            t = l["type"]
            if i == 0 and t != "conv":
                raise ValueError("the first layer must be a conv (embedding/stem)")
            if t == "conv":
                if tokens:
                    raise ValueError("conv after a dense layer is not supported")
                m = ConvLayer(l, C, eps, i == 0, mean, std, self.ctx)
                k, s, p = m.k, m.stride, m.pad
                H, W = (H + 2 * p - k) // s + 1, (W + 2 * p - k) // s + 1
                C = l["out"]
            elif t == "blend_conv":
                if tokens:
                    raise ValueError("blend_conv after a dense layer is not supported")
                m = BlendConv(l, C, eps, self.ctx)
                s = m.stride
                H, W = (H + 2 - 3) // s + 1, (W + 2 - 3) // s + 1
                C = l["out"]
            elif t == "blend_dense":
                if not tokens:
                    mods.append(ToTokens())
                    self.names.append(None)
                    self.kinds.append("to_tokens")
                    tokens = True
                    T = H * W
                m = BlendDense(l, C, T, eps, self.ctx)
                if m.axis == "channel":
                    C = l["out"]
                else:
                    T = l["out"]
            elif t == "avgpool":
                m = AvgPool()
                H = W = 1
                T = 1
            elif t == "dense":
                m = DenseLayer(l, C)
                C = l["out"]
            else:
                raise ValueError(f"layer type {t!r}")
            mods.append(m)
            self.names.append(l["name"])
            self.kinds.append(t)
        self.layers = nn.ModuleList(mods)

    def forward(self, x):
        for m in self.layers:
            x = m(x)
        return x


# ---------------------------------------------------------------- exporters

def _bn_keys(d, prefix, bn):
    d[prefix + ".gamma"] = bn.weight.detach().cpu().numpy()
    d[prefix + ".beta"] = bn.bias.detach().cpu().numpy()
    d[prefix + ".mean"] = bn.running_mean.detach().cpu().numpy()
    d[prefix + ".var"] = bn.running_var.detach().cpu().numpy()


def _ohwi(w):
    return w.detach().cpu().permute(0, 2, 3, 1).contiguous().numpy()


def npz_dict(net):
    if net.ctx.binary_only or net.ctx.full_precision:
        raise ValueError("a comparison network (binary only / full precision) is not a NeuroBlend network")
    d = {}
    for name, m in zip(net.names, net.layers):
        if name is None:
            continue
        if isinstance(m, ConvLayer):
            d[name + ".w"] = _ohwi(m.conv.weight)
            _bn_keys(d, name + ".bn", m.bn)
        elif isinstance(m, BlendConv):
            d[name + ".main.w"] = _ohwi(m.main.weight)
            if m.skip is not None:
                d[name + ".skip.w"] = _ohwi(m.skip.weight)
            for k in ("bn_a", "bn_m", "bn_s", "bn_o"):
                _bn_keys(d, f"{name}.{k}", getattr(m, k))
        elif isinstance(m, BlendDense):
            d[name + ".main.w"] = m.main.weight.detach().cpu().numpy()
            if m.skip is not None:
                d[name + ".skip.w"] = m.skip.weight.detach().cpu().numpy()
            for k in ("bn_a", "bn_m", "bn_s", "bn_o"):
                _bn_keys(d, f"{name}.{k}", getattr(m, k))
        elif isinstance(m, DenseLayer):
            d[name + ".w"] = m.fc.weight.detach().cpu().numpy()
            d[name + ".b"] = m.fc.bias.detach().cpu().numpy()
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in d.items()}


def export_npz(net, path):
    np.savez(path, **npz_dict(net))  # uncompressed, as the tool requires


def export_onnx(net, path, batch=1):
    import copy
    inp = net.spec["input"]
    net = copy.deepcopy(net)
    net.eval()
    net.ctx.export = True
    with torch.no_grad():
        for m in net.layers:
            if isinstance(m, (BlendConv, BlendDense)):
                w = m.main.weight
                w.copy_(torch.where(w >= 0, torch.ones_like(w), -torch.ones_like(w)))
    x = torch.full((batch, inp["channels"], inp["height"], inp["width"]), 100.0)
    with torch.no_grad():
        torch.onnx.export(
            net, x, path, opset_version=13, input_names=["input"], output_names=["logits"],
            do_constant_folding=True, training=torch.onnx.TrainingMode.PRESERVE)
    _undo_initializer_dedup(path)
    _rename_to_layer_names(path, net)


def _undo_initializer_dedup(path):
    """torch.onnx replaces an initializer equal to another one by an Identity
    node reading the first (BN_m and BN_s biases of a Blend module are always
    equal: they get the same gradient). Write such an initializer out again
    under its own name, so that the graph has no Identity nodes."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    keep = []
    for n in g.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            arr = numpy_helper.to_array(inits[n.input[0]])
            g.initializer.append(numpy_helper.from_array(arr.copy(), n.output[0]))
        else:
            keep.append(n)
    del g.node[:]
    g.node.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def _rename_to_layer_names(path, net):
    """Name nodes and initializers after the model's layers: torch names them
    `layers.I.*` and `/layers.I/*` (I the module index); rename to `NAME.*` and
    `/NAME/*` (NAME the layer's name in the model JSON; the reshape into tokens
    is `to_tokens`). Transposed weight constants torch creates for token-mixing
    MatMuls (`onnx::MatMul_N`) become `NAME.main.weight_t` / `NAME.skip.weight_t`."""
    import re
    import onnx
    m = onnx.load(path)
    g = m.graph
    names = [n if n is not None else "to_tokens" for n in net.names]

    def ren(s):
        s = re.sub(r"^layers\.(\d+)\.", lambda mo: names[int(mo.group(1))] + ".", s)
        return re.sub(r"^/layers\.(\d+)/", lambda mo: "/" + names[int(mo.group(1))] + "/", s)

    producer = {o: n for n in g.node for o in n.output}
    anon = {}
    for n in g.node:
        if n.op_type == "MatMul":
            for k, inp in enumerate(n.input):
                if inp.startswith("onnx::"):
                    other = producer.get(n.input[1 - k])
                    layer = n.name.split("/")[1] if n.name.startswith("/") else n.name
                    kind = "main" if other is not None and other.op_type == "Sign" else "skip"
                    anon[inp] = f"{ren('/' + layer + '/').strip('/')}.{kind}.weight_t"
    mp = lambda s: anon.get(s, ren(s))  # noqa: E731
    for i in g.initializer:
        i.name = mp(i.name)
    for n in g.node:
        n.name = ren(n.name)
        for k in range(len(n.input)):
            n.input[k] = mp(n.input[k])
        for k in range(len(n.output)):
            n.output[k] = mp(n.output[k])
    onnx.checker.check_model(m)
    onnx.save(m, path)


def onnx_op_summary(path):
    import onnx
    g = onnx.load(path).graph
    return [n.op_type for n in g.node]


def load_npz(net, path):
    """Inverse of npz_dict: load float parameters (docs/interchange.md keys)."""
    z = np.load(path)
    sd = net.state_dict()
    new = {}

    def put(key, arr, ohwi=False):
        t = torch.from_numpy(np.asarray(arr, dtype=np.float32))
        if ohwi:
            t = t.permute(0, 3, 1, 2)
        if tuple(t.shape) != tuple(sd[key].shape):
            raise ValueError(f"{path}: {key}: shape {tuple(t.shape)}, expected {tuple(sd[key].shape)}")
        new[key] = t.contiguous()

    def bn(prefix, key):
        for a, b in (("gamma", "weight"), ("beta", "bias"), ("mean", "running_mean"), ("var", "running_var")):
            put(f"{prefix}.{b}", z[f"{key}.{a}"])

    for i, (name, m) in enumerate(zip(net.names, net.layers)):
        p = f"layers.{i}"
        if isinstance(m, ConvLayer):
            put(p + ".conv.weight", z[name + ".w"], True)
            bn(p + ".bn", name + ".bn")
        elif isinstance(m, (BlendConv, BlendDense)):
            conv = isinstance(m, BlendConv)
            put(p + ".main.weight", z[name + ".main.w"], conv)
            if m.skip is not None:
                put(p + ".skip.weight", z[name + ".skip.w"], conv)
            for k in ("bn_a", "bn_m", "bn_s", "bn_o"):
                bn(f"{p}.{k}", f"{name}.{k}")
        elif isinstance(m, DenseLayer):
            put(p + ".fc.weight", z[name + ".w"])
            put(p + ".fc.bias", z[name + ".b"])
    for k, v in sd.items():
        if k not in new and k.endswith("num_batches_tracked"):
            new[k] = v
        elif k not in new and (k.endswith(".sub") or k.endswith(".div")):
            new[k] = v
    net.load_state_dict(new)
    return net


def run_onnx(path, x):
    """Evaluate an exported graph with torch ops (a small interpreter for the
    ops export_onnx emits; no onnxruntime on these machines). x: (N, C, H, W)
    float pixels. Sign(0) is taken as +1, as the NeuroBlend importer does."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    g = m.graph
    env = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    env[g.input[0].name] = x
    for n in g.node:
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        i = [env[k] if k else None for k in n.input]
        op = n.op_type
        if op == "Constant":
            y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        elif op == "Pad":
            pads = i[1].long().tolist()
            nd = len(pads) // 2
            tp = []
            for d in reversed(range(nd)):
                tp += [pads[d], pads[d + nd]]
            y = F.pad(i[0], tp, mode="constant", value=float(i[2]) if len(i) > 2 else 0.0)
        elif op in ("Sub", "Div", "Add", "Mul"):
            y = {"Sub": torch.sub, "Div": torch.div, "Add": torch.add, "Mul": torch.mul}[op](i[0], i[1])
        elif op == "Conv":
            pd = a.get("pads", [0, 0, 0, 0])
            assert pd[0] == pd[2] and pd[1] == pd[3]
            y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, stride=a.get("strides", [1, 1]),
                         padding=pd[:2], groups=a.get("group", 1))
        elif op == "BatchNormalization":
            y = F.batch_norm(i[0], i[3], i[4], i[1], i[2], False, 0.0, a.get("epsilon", 1e-5))
        elif op == "Sign":
            y = torch.where(i[0] >= 0, torch.ones_like(i[0]), -torch.ones_like(i[0]))
        elif op == "Relu":
            y = F.relu(i[0])
        elif op == "GlobalAveragePool":
            y = i[0].mean(dim=(2, 3), keepdim=True)
        elif op == "Flatten":
            y = torch.flatten(i[0], a.get("axis", 1))
        elif op == "Reshape":
            shp = i[1].tolist()
            shp = [x.shape[0] if (k == 0 and s in (0, 1)) else s for k, s in enumerate(shp)]  # batch-agnostic
            y = i[0].reshape(shp)
        elif op == "MatMul":
            y = torch.matmul(i[0], i[1])
        elif op == "ReduceMean":
            y = i[0].mean(dim=tuple(a["axes"]), keepdim=bool(a.get("keepdims", 1)))
        elif op == "Gemm":
            A, B = i[0], i[1]
            if a.get("transA", 0):
                A = A.t()
            if a.get("transB", 0):
                B = B.t()
            y = a.get("alpha", 1.0) * (A @ B)
            if len(i) > 2:
                y = y + a.get("beta", 1.0) * i[2]
        else:
            raise ValueError(f"run_onnx: node {n.name}: op {op} not supported")
        env[n.output[0]] = y
    return env[g.output[0].name]
