#include "neuroblend/compiler/compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "neuroblend/error.h"
#include "neuroblend/compiler/legality.h"
#include "neuroblend/float_model.h"
#include "neuroblend/image.h"
#include "neuroblend/compiler/kernels.h"

namespace nb {

Threshold derive_threshold(float a, float b, float scale, float offset) {
  if (!std::isfinite(a) || !std::isfinite(b) || !std::isfinite(scale) || !std::isfinite(offset))
    throw Error(fmt::format("binarization batch norm is not finite (a = {}, b = {}, input scale = {})", a, b, scale));
  int bits[256];
  for (int q = -128; q <= 127; ++q) bits[q + 128] = (a * dequant(scale, offset, q) + b) >= 0.0f ? 1 : 0;
  bool up = true, down = true;
  for (int i = 1; i < 256; ++i) {
    if (bits[i] < bits[i - 1]) up = false;
    if (bits[i] > bits[i - 1]) down = false;
  }
  Threshold t;
  if (up) {  // 0..0 1..1: bit = (q >= tau); tau = 128 means never
    t.neg = 0;
    int i = 0;
    while (i < 256 && !bits[i]) ++i;
    t.tau = int16_t(i - 128);
  } else if (down) {  // 1..1 0..0: bit = (q >= tau) XOR 1
    t.neg = 1;
    int i = 0;
    while (i < 256 && bits[i]) ++i;
    t.tau = int16_t(i - 128);
  } else {
    throw Error(fmt::format("binarization threshold is not monotone (a = {}, b = {})", a, b));
  }
  return t;
}

RequantFit fit_requant(const RequantTarget& t, const std::string& where) {
  const size_t n = t.g1.size();
  std::string last_reason;
  for (int sh = 47; sh >= 1; --sh) {
    RequantFit f;
    f.sh = sh;
    double scale = std::ldexp(1.0, sh);
    bool ok = true;
    for (size_t c = 0; c < n && ok; ++c) {
      double v1 = t.g1[c] * scale, v2 = t.g2[c] * scale, vb = t.off[c] * scale;
      if (!std::isfinite(v1) || !std::isfinite(v2) || !std::isfinite(vb)) {
        last_reason = fmt::format("channel {}: a requantization factor is not finite", c);
        ok = false;
        break;
      }
      double m1 = std::nearbyint(v1), m2 = std::nearbyint(v2), bb = std::nearbyint(vb);
      if (m1 < kMMin || m1 > kMMax || m2 < kMMin || m2 > kMMax) {
        last_reason = fmt::format("channel {}: M1 = {:.6g}, M2 = {:.6g} at sh = {} do not fit signed 18 bits [{}, {}]",
                                  c, v1, v2, sh, kMMin, kMMax);
        ok = false;
        break;
      }
      if (bb < double(kZMin) || bb > double(kZMax)) {
        last_reason = fmt::format("channel {}: bias = {:.6g} at sh = {} does not fit signed 48 bits", c, vb, sh);
        ok = false;
        break;
      }
      // |z + round| <= |M1|*K + |M2|*acc_max + |bias| + 2^(sh-1).
      double zb = std::fabs(m1) * double(t.dot_bound) + std::fabs(m2) * double(t.acc_bound[c]) + std::fabs(bb) +
                  std::ldexp(1.0, sh - 1);
      if (zb > double(kZMax)) {
        last_reason = fmt::format("channel {}: |z| can reach {:.6g} at sh = {}, beyond signed 48 bits", c, zb, sh);
        ok = false;
        break;
      }
      f.m1.push_back(int32_t(m1));
      f.m2.push_back(int32_t(m2));
      f.bias.push_back(int64_t(bb));
      f.z_bound = std::max(f.z_bound, int64_t(zb));
    }
    if (ok) return f;
  }
  throw Error(fmt::format("{}: overflow: no shift sh in 1..47 fits the DSP widths; {}", where, last_reason));
}

namespace {

// Per-channel dequantization of a layer's input tensor.
struct TensorQuant {
  std::vector<float> scale, offset;
  bool has_offset() const {
    for (float o : offset)
      if (o != 0.0f) return true;
    return false;
  }
};

struct QuantRows {
  std::vector<int8_t> q;           // [rows][k]
  std::vector<double> scale;       // per row
  std::vector<double> c0;          // per row: sum of w * offset (constant term)
  std::vector<int64_t> acc_bound;  // per row: 128 * sum |q|
};

// Quantizes rows of float weights [rows][taps][cin] to `bits`, folding the
// per-input-channel dequantization in. per_row = false: one scale for all.
QuantRows quantize_rows(const std::vector<float>& w, int64_t rows, int64_t taps, int64_t cin, const TensorQuant& in,
                        int bits, bool per_row, const std::string& where) {
  QuantRows r;
  const int64_t k = taps * cin;
  const int qmax = (1 << (bits - 1)) - 1;
  std::vector<double> wf(size_t(rows * k));
  r.c0.assign(size_t(rows), 0.0);
  for (int64_t o = 0; o < rows; ++o)
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t c = 0; c < cin; ++c) {
        size_t i = size_t(o * k + t * cin + c);
        size_t ch = in.scale.size() == 1 ? 0 : size_t(c);
        wf[i] = double(w[i]) * double(in.scale[ch]);
        r.c0[size_t(o)] += double(w[i]) * double(in.offset[ch]);
      }
  double global = 0;
  for (double v : wf) global = std::max(global, std::fabs(v));
  r.q.resize(wf.size());
  for (int64_t o = 0; o < rows; ++o) {
    double mx = 0;
    if (per_row)
      for (int64_t i = 0; i < k; ++i) mx = std::max(mx, std::fabs(wf[size_t(o * k + i)]));
    else
      mx = global;
    double s = mx > 0 ? mx / qmax : 1.0;
    int64_t sum = 0;
    for (int64_t i = 0; i < k; ++i) {
      double v = std::nearbyint(wf[size_t(o * k + i)] / s);
      v = std::clamp(v, double(-qmax), double(qmax));
      r.q[size_t(o * k + i)] = int8_t(v);
      sum += int64_t(std::fabs(v));
    }
    r.scale.push_back(s);
    int64_t bound = 128 * sum;
    if (bound > INT32_MAX)
      throw Error(
          fmt::format("{}: overflow: output {} can accumulate |acc| up to {} (sum of |w| = {} times 128), "
                      "beyond the int32 accumulator",
                      where, o, bound, sum));
    r.acc_bound.push_back(bound);
  }
  return r;
}

double lsb_scale(double max_abs) {
  return max_abs > 0 ? calibration_bound(max_abs) / 127.0 : 1.0;
}

}  // namespace

double calibration_bound(double max_abs) {
  if (!(max_abs > 0) || !std::isfinite(max_abs)) return max_abs;
  int e = 0;
  std::frexp(max_abs, &e);  // max_abs = f * 2^e, f in [0.5, 1)
  const double step = std::ldexp(1.0, e - kCalibrationBits);
  return std::ceil(max_abs / step) * step;
}

CompiledModel compile(const ModelSpec& m, const Params& p, const CompileOptions& opt) {
  validate_params(m, p, "parameters of '" + m.name + "'");
  // Calibrate: the largest |value| of every layer output over the inputs.
  std::vector<Image> calib = opt.calib;
  if (calib.empty()) calib = synthetic_images(m.input.shape, opt.calib_images, opt.calib_seed);
  std::vector<double> maxabs(m.layers.size(), 0.0);
  for (auto& img : calib) {
    if (img.shape != m.input.shape)
      throw Error(fmt::format("calibration image {} is {}, the model expects {}", img.source, img.shape.str(),
                              m.input.shape.str()));
    auto outs = float_forward(m, p, img);
    for (size_t i = 0; i < outs.size(); ++i)
      for (float v : outs[i].data) maxabs[i] = std::max(maxabs[i], double(std::fabs(v)));
  }

  CompiledModel cm;
  cm.model = m.name;
  cm.input = m.input.shape;
  cm.classes = m.classes;
  InputQuant iq = input_quant(m);
  TensorQuant in{iq.scale, iq.offset};

  for (size_t i = 0; i < m.layers.size(); ++i) {
    const LayerSpec& l = m.layers[i];
    const LayerParams& lp = p.layers[i];
    std::string where = fmt::format("layer {} ('{}', {})", i, l.name, to_string(l.kind));
    QLayer q;
    q.name = l.name;
    q.kind = l.kind;
    q.in = l.in;
    q.out = l.outs;
    q.kernel = l.kernel;
    q.stride = l.stride;
    q.pad = l.pad;
    q.skip = l.skip;
    q.axis = l.axis;
    q.act = l.act;
    q.logits = l.logits;
    q.wbits = l.wbits;
    const int C = l.in.c;
    const double s_out = l.logits ? 1.0 : lsb_scale(maxabs[i]);
    const int nout = l.outs.c;  // requantization is per output channel
    RequantTarget t;
    t.g1.assign(size_t(nout), 0.0);
    t.g2.assign(size_t(nout), 0.0);
    t.off.assign(size_t(nout), 0.0);
    t.acc_bound.assign(size_t(nout), 0);

    switch (l.kind) {
      case LayerKind::Conv: {
        QuantRows w = quantize_rows(lp.w, l.out, int64_t(l.kernel) * l.kernel, C, in, l.wbits, true, where);
        Affine bn = affine_of(lp.bn, m.bn_eps);
        q.kfix = l.k_fixed();
        q.wfix = w.q;
        for (int o = 0; o < nout; ++o) {
          double g = bn.a[size_t(o)], h = bn.b[size_t(o)];
          t.g2[size_t(o)] = g * w.scale[size_t(o)] / s_out;
          t.off[size_t(o)] = (g * w.c0[size_t(o)] + h) / s_out;
          t.acc_bound[size_t(o)] = w.acc_bound[size_t(o)];
        }
        break;
      }
      case LayerKind::BlendConv:
      case LayerKind::BlendDense: {
        const bool token = l.kind == LayerKind::BlendDense && l.axis == Axis::Token;
        if (token && in.has_offset())
          throw Error(
              fmt::format("{}: a token-mixing layer cannot take the network input directly "
                          "(its per-channel offset does not fold); put an embedding layer first",
                          where));
        Affine fa = affine_of(lp.bn_a, m.bn_eps);
        for (int c = 0; c < C; ++c) {
          Threshold th;
          try {
            th = derive_threshold(fa.a[size_t(c)], fa.b[size_t(c)], in.scale[size_t(c)], in.offset[size_t(c)]);
          } catch (const Error& e) {
            throw Error(fmt::format("{}: input channel {}: {}", where, c, e.what()));
          }
          q.tau.push_back(th.tau);
          q.neg.push_back(th.neg);
        }
        q.kbin = l.k_binary();
        q.wbin.resize(lp.w.size());
        for (size_t e = 0; e < lp.w.size(); ++e) q.wbin[e] = lp.w[e] >= 0 ? 1 : 0;
        t.dot_bound = q.kbin;
        // Skip path: acc and its float value skip = g2s * acc + c0s.
        std::vector<double> g2s(static_cast<size_t>(nout)), c0s(static_cast<size_t>(nout));
        const int64_t rows = token ? l.outs.tokens() : l.out;
        if (l.skip == SkipKind::Identity) {
          for (int o = 0; o < nout; ++o) {
            g2s[size_t(o)] = in.scale[size_t(o)];
            c0s[size_t(o)] = in.offset[size_t(o)];
            t.acc_bound[size_t(o)] = 128;
          }
        } else {
          int64_t taps = l.skip == SkipKind::Conv3x3 ? 9 : 1;
          int64_t fin = token ? l.in.tokens() : C;
          // Token mixing shares its weights across channels, so one scale for
          // the matrix keeps M2 per channel; the input scale is per channel.
          TensorQuant wq_in = token ? TensorQuant{{1.0f}, {0.0f}} : in;
          QuantRows w = quantize_rows(lp.skip_w, rows, taps, fin, wq_in, l.wbits, !token, where);
          q.kfix = l.k_fixed();
          q.wfix = w.q;
          int64_t worst = *std::max_element(w.acc_bound.begin(), w.acc_bound.end());
          for (int o = 0; o < nout; ++o) {
            if (token) {
              g2s[size_t(o)] = w.scale[0] * in.scale[size_t(o)];
              c0s[size_t(o)] = 0;
              t.acc_bound[size_t(o)] = worst;
            } else {
              g2s[size_t(o)] = w.scale[size_t(o)];
              c0s[size_t(o)] = w.c0[size_t(o)];
              t.acc_bound[size_t(o)] = w.acc_bound[size_t(o)];
            }
          }
        }
        Affine fm = affine_of(lp.bn_m, m.bn_eps), fs = affine_of(lp.bn_s, m.bn_eps), fo = affine_of(lp.bn_o, m.bn_eps);
        for (int o = 0; o < nout; ++o) {
          double gm = fm.a[size_t(o)], hm = fm.b[size_t(o)], gs = fs.a[size_t(o)], hs = fs.b[size_t(o)];
          double go = fo.a[size_t(o)], ho = fo.b[size_t(o)];
          t.g1[size_t(o)] = go * gm / s_out;
          t.g2[size_t(o)] = go * gs * g2s[size_t(o)] / s_out;
          t.off[size_t(o)] = (go * (hm + gs * c0s[size_t(o)] + hs) + ho) / s_out;
        }
        break;
      }
      case LayerKind::AvgPool: {
        const double T = double(l.in.tokens());
        for (int o = 0; o < nout; ++o) {
          t.g2[size_t(o)] = double(in.scale[size_t(o)]) / (T * s_out);
          t.off[size_t(o)] = double(in.offset[size_t(o)]) / s_out;
          t.acc_bound[size_t(o)] = 128 * int64_t(T);
        }
        if (128 * int64_t(T) > INT32_MAX) throw Error(fmt::format("{}: overflow: pooling sum exceeds int32", where));
        break;
      }
      case LayerKind::Dense: {
        QuantRows w = quantize_rows(lp.w, l.out, 1, C, in, l.wbits, true, where);
        q.kfix = C;
        q.wfix = w.q;
        for (int o = 0; o < nout; ++o) {
          t.g2[size_t(o)] = w.scale[size_t(o)] / s_out;
          t.off[size_t(o)] = (double(lp.b[size_t(o)]) + w.c0[size_t(o)]) / s_out;
          t.acc_bound[size_t(o)] = w.acc_bound[size_t(o)];
        }
        break;
      }
    }
    RequantFit f = fit_requant(t, where);
    q.sh = f.sh;
    q.m1 = f.m1;
    q.m2 = f.m2;
    q.bias = f.bias;
    q.z_bound = f.z_bound;
    q.acc_bound = t.acc_bound.empty() ? 0 : *std::max_element(t.acc_bound.begin(), t.acc_bound.end());
    q.out_scale = l.logits ? std::ldexp(1.0, -f.sh) : s_out;
    cm.layers.push_back(std::move(q));
    in = TensorQuant{std::vector<float>(size_t(l.outs.c), float(s_out)), std::vector<float>(size_t(l.outs.c), 0.0f)};
  }
  // Every program the compiler makes is one the reader accepts.
  check_program(cm, m.source.empty() ? m.name : m.source);
  return cm;
}

}  // namespace nb
