#include "neuroblend/compiler/golden.h"

#include <fmt/format.h>

#include "neuroblend/error.h"

namespace nb {

namespace {

// The merge factors repeated to whole positions, at least 64 elements.
MergeParams expand(const QLayer& q) {
  MergeParams mp;
  const int64_t C = q.out.c, reps = std::max<int64_t>(1, (64 + C - 1) / C);
  for (int64_t r = 0; r < reps; ++r) {
    mp.m1.insert(mp.m1.end(), q.m1.begin(), q.m1.end());
    mp.m2.insert(mp.m2.end(), q.m2.begin(), q.m2.end());
    mp.bias.insert(mp.bias.end(), q.bias.begin(), q.bias.end());
  }
  return mp;
}

}  // namespace

GoldenModel::GoldenModel(const CompiledModel& cm) : cm_(cm) {
  for (auto& q : cm_.layers) {
    merge_.push_back(expand(q));
    wbin_.push_back(q.kbin ? pack_rows(q.wbin, q.rows(), q.kbin) : BitRows{});
    wfix_.push_back(q.kfix ? prepare_rows(q.wfix, q.rows(), q.kfix) : I8Rows{});
  }
}

TensorI8 GoldenModel::input(const Image& img) const {
  if (img.shape != cm_.input)
    throw Error(fmt::format("{}: image is {}, the model expects {}", img.source, img.shape.str(), cm_.input.str()));
  TensorI8 t(img.shape);
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = int8_t(int(img.pixels[i]) - 128);
  return t;
}

std::vector<int32_t> GoldenModel::skip_acc(size_t i, const TensorI8& x) const {
  const QLayer& q = cm_.layers[i];
  const I8Rows& w = wfix_[i];
  switch (q.kind) {
    case LayerKind::Conv:
      return fixed_conv(x, q.kernel, q.stride, q.pad, w);
    case LayerKind::BlendConv:
      if (q.skip == SkipKind::Conv1x1) return fixed_conv(x, 1, q.stride, 0, w);
      if (q.skip == SkipKind::Conv3x3) return fixed_conv(x, 3, q.stride, 1, w);
      return {};
    case LayerKind::BlendDense:
      if (q.skip != SkipKind::Dense) return {};
      return q.axis == Axis::Token ? fixed_dense_token(x, w) : fixed_dense_channel(x, w);
    case LayerKind::Dense:
      return fixed_dense_channel(x, w);
    case LayerKind::AvgPool: {
      std::vector<int32_t> acc(size_t(x.shape.c), 0);
      for (int64_t t = 0; t < x.shape.tokens(); ++t)
        for (int c = 0; c < x.shape.c; ++c) acc[size_t(c)] += x.data[size_t(t * x.shape.c + c)];
      return acc;
    }
  }
  return {};
}

TensorI8 GoldenModel::layer(size_t i, const TensorI8& x, GoldenInternals* internals) const {
  const QLayer& q = cm_.layers[i];
  if (x.shape != q.in)
    throw Error(fmt::format("layer '{}': input is {}, expected {}", q.name, x.shape.str(), q.in.str()));
  std::vector<int32_t> dot, acc;
  if (q.kbin) {
    BitTensor b = binarize_tensor(x, q.tau, q.neg);
    if (q.kind == LayerKind::BlendConv)
      dot = binary_conv3x3(b, q.stride, wbin_[i]);
    else if (q.axis == Axis::Token)
      dot = binary_dense_token(b, wbin_[i]);
    else
      dot = binary_dense_channel(b, wbin_[i]);
  }
  acc = skip_acc(i, x);
  const int64_t n = q.out.size();
  // Absent paths contribute 0 (M1 = 0 or no skip); identity feeds x itself.
  if (dot.empty()) dot.assign(size_t(n), 0);
  if (acc.empty()) {
    acc.assign(size_t(n), 0);
    if (q.skip == SkipKind::Identity) std::copy(x.data.begin(), x.data.end(), acc.begin());
  }
  TensorI8 y(q.out);
  merge_requantize(merge_[i], q.sh, q.act == Act::Relu, dot.data(), acc.data(), y.data.data(), n);
  if (internals) {
    internals->dot = std::move(dot);
    internals->acc = std::move(acc);
  }
  return y;
}

TensorI64 GoldenModel::logits(const TensorI8& x, GoldenInternals* internals) const {
  const QLayer& q = cm_.layers.back();
  if (x.shape != q.in)
    throw Error(fmt::format("layer '{}': input is {}, expected {}", q.name, x.shape.str(), q.in.str()));
  std::vector<int32_t> acc = skip_acc(cm_.layers.size() - 1, x);
  // The logits layer is fixed-point only (M1 = 0): z = M2*acc + bias, no shift.
  TensorI64 z(q.out);
  for (size_t c = 0; c < z.data.size(); ++c) z.data[c] = int64_t(q.m2[c]) * acc[c] + q.bias[c];
  if (internals) internals->acc = std::move(acc);
  return z;
}

GoldenResult GoldenModel::run(const Image& img, bool keep_outputs, bool keep_internals) const {
  GoldenResult r;
  TensorI8 x = input(img);
  const size_t L = cm_.layers.size();
  if (keep_internals) r.internals.resize(L);
  for (size_t i = 0; i + 1 < L; ++i) {
    TensorI8 y = layer(i, x, keep_internals ? &r.internals[i] : nullptr);
    if (keep_outputs) r.outs.push_back(y);
    x = std::move(y);
  }
  r.logits = logits(x, keep_internals ? &r.internals[L - 1] : nullptr);
  r.prediction = argmax(r.logits.data.data(), int(r.logits.data.size()));
  return r;
}

}  // namespace nb
