#include "neuroblend/compiler/agreement.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "neuroblend/float_model.h"

namespace nb {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// |f / scale - q| per element; with `clip`, f / scale is first clamped to
// the int8 range the layer can represent (saturation is part of the contract).
void accumulate(const TensorF& f, const TensorI8& q, double scale, bool clip, double lo, double& mx, double& sum,
                int64_t& over1) {
  for (size_t e = 0; e < q.data.size(); ++e) {
    double v = double(f.data[e]) / scale;
    if (clip) v = std::clamp(v, lo, 127.0);
    double d = std::fabs(v - double(q.data[e]));
    mx = std::max(mx, d);
    sum += d;
    over1 += d > 1.0;
  }
}

}  // namespace

Agreement compare_models(const ModelSpec& m, const Params& p, const GoldenModel& g, const std::vector<Image>& images,
                         bool local, bool keep_internals, const ImageHook& hook) {
  const CompiledModel& cm = g.compiled();
  Agreement a;
  const size_t L = cm.layers.size();
  a.layers.resize(L - 1);
  for (size_t i = 0; i + 1 < L; ++i) a.layers[i].name = cm.layers[i].name;
  for (size_t k = 0; k < images.size(); ++k) {
    const Image& img = images[k];
    auto t0 = std::chrono::steady_clock::now();
    GoldenResult r = g.run(img, true, keep_internals);
    a.golden_seconds += seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    std::vector<TensorF> f = float_forward(m, p, img);
    a.float_seconds += seconds_since(t0);

    ImageOutcome o;
    o.source = img.source;
    o.label = img.label;
    o.int_pred = r.prediction;
    o.float_pred = argmax(f.back().data.data(), int(f.back().data.size()));
    for (size_t c = 0; c < r.logits.data.size(); ++c)
      o.logit_max_err = std::max(
          o.logit_max_err, std::fabs(double(r.logits.data[c]) * cm.layers.back().out_scale - double(f.back().data[c])));
    a.agree += o.int_pred == o.float_pred;
    if (o.label >= 0) {
      ++a.labelled;
      a.float_correct += o.float_pred == o.label;
      a.int_correct += o.int_pred == o.label;
    }
    a.images.push_back(o);

    TensorI8 x = g.input(img);
    TensorF xf = float_input(m, img);
    for (size_t i = 0; i + 1 < L; ++i) {
      const QLayer& q = cm.layers[i];
      LayerError& e = a.layers[i];
      e.n += int64_t(r.outs[i].data.size());
      const double lo = q.act == Act::Relu ? 0.0 : -128.0;
      accumulate(f[i], r.outs[i], q.out_scale, false, lo, e.max_lsb, e.sum_lsb, e.over1);
      if (local) {
        TensorF yl = float_layer(m, i, p.layers[i], xf);
        accumulate(yl, r.outs[i], q.out_scale, true, lo, e.local_max_lsb, e.local_sum_lsb, e.local_over1);
        // The next layer's float input is this integer output, dequantized.
        xf = TensorF(q.out);
        for (size_t j = 0; j < xf.data.size(); ++j) xf.data[j] = float(q.out_scale) * float(r.outs[i].data[j]);
      }
    }
    if (local) {  // the float head on the integer features
      TensorF fl = float_layer(m, L - 1, p.layers[L - 1], xf);
      o.local_pred = argmax(fl.data.data(), int(fl.data.size()));
      a.agree_local += o.local_pred == o.int_pred;
    }
    a.images.back().local_pred = o.local_pred;
    if (hook) hook(k, img, r, f);
  }
  return a;
}

}  // namespace nb
