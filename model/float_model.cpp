#include "neuroblend/float_model.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace nb {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMat>;
using RowMap = Eigen::Map<RowMat>;

InputQuant input_quant(const ModelSpec& m) {
  InputQuant q;
  for (int c = 0; c < m.input.shape.c; ++c) {
    double sd = m.input.std[size_t(c)], mean = m.input.mean[size_t(c)];
    q.scale.push_back(float(1.0 / (255.0 * sd)));
    q.offset.push_back(float((128.0 / 255.0 - mean) / sd));
  }
  return q;
}

TensorF float_input(const ModelSpec& m, const Image& img) {
  InputQuant q = input_quant(m);
  TensorF t(img.shape);
  for (size_t i = 0; i < t.data.size(); ++i) {
    int c = int(i % size_t(img.shape.c));
    t.data[i] = q.scale[size_t(c)] * float(int(img.pixels[i]) - 128) + q.offset[size_t(c)];
  }
  return t;
}

namespace {

// Rows: output positions (oy, ox); columns: (ky, kx, c). Out-of-image taps
// take padv[c] (or `pad_all` when padv is null).
RowMat im2col(const TensorF& x, int k, int stride, int pad, const float* padv, float pad_all, Shape out) {
  const Shape& s = x.shape;
  RowMat m(out.h * out.w, int64_t(k) * k * s.c);
  for (int oy = 0; oy < out.h; ++oy)
    for (int ox = 0; ox < out.w; ++ox) {
      float* row = m.data() + (int64_t(oy) * out.w + ox) * m.cols();
      for (int ky = 0; ky < k; ++ky)
        for (int kx = 0; kx < k; ++kx) {
          int iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
          float* dst = row + (ky * k + kx) * s.c;
          if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) {
            for (int c = 0; c < s.c; ++c) dst[c] = padv ? padv[c] : pad_all;
          } else {
            std::copy_n(&x.at(iy, ix, 0), s.c, dst);
          }
        }
    }
  return m;
}

TensorF conv(const TensorF& x, const std::vector<float>& w, int cout, int k, int stride, int pad, const float* padv,
             float pad_all) {
  Shape out{(x.shape.h + 2 * pad - k) / stride + 1, (x.shape.w + 2 * pad - k) / stride + 1, cout};
  RowMat cols = im2col(x, k, stride, pad, padv, pad_all, out);
  ConstRowMap W(w.data(), cout, cols.cols());
  TensorF y(out);
  RowMap(y.data.data(), cols.rows(), cout).noalias() = cols * W.transpose();
  return y;
}

// Dense over channels, per token: y[t][o] = sum_c W[o][c] x[t][c].
TensorF dense_channel(const TensorF& x, const std::vector<float>& w, int out) {
  TensorF y(Shape{x.shape.h, x.shape.w, out});
  ConstRowMap X(x.data.data(), x.shape.tokens(), x.shape.c);
  ConstRowMap W(w.data(), out, x.shape.c);
  RowMap(y.data.data(), x.shape.tokens(), out).noalias() = X * W.transpose();
  return y;
}

// Dense over tokens, per channel: y[j][c] = sum_t W[j][t] x[t][c].
TensorF dense_token(const TensorF& x, const std::vector<float>& w, Shape outs) {
  TensorF y(outs);
  ConstRowMap X(x.data.data(), x.shape.tokens(), x.shape.c);
  ConstRowMap W(w.data(), outs.tokens(), x.shape.tokens());
  RowMap(y.data.data(), outs.tokens(), x.shape.c).noalias() = W * X;
  return y;
}

void apply_affine(TensorF& t, const Affine& f) {
  int C = t.shape.c;
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = affine_eval(f, int(i % size_t(C)), t.data[i]);
}

void apply_act(TensorF& t, Act a) {
  if (a == Act::Relu)
    for (auto& v : t.data) v = std::max(v, 0.0f);
}

std::vector<float> signs(const std::vector<float>& w) {
  std::vector<float> s(w.size());
  for (size_t i = 0; i < w.size(); ++i) s[i] = w[i] >= 0 ? 1.0f : -1.0f;
  return s;
}

}  // namespace

TensorF float_layer(const ModelSpec& m, size_t i, const LayerParams& p, const TensorF& x, FloatInternals* internals) {
  const LayerSpec& l = m.layers[i];
  // Fixed-point convolutions pad with int8 0; the float value of that is the
  // input tensor's offset (nonzero only for the network input).
  std::vector<float> padv(size_t(x.shape.c), 0.0f);
  if (i == 0) padv = input_quant(m).offset;
  TensorF y;
  switch (l.kind) {
    case LayerKind::Conv: {
      y = conv(x, p.w, l.out, l.kernel, l.stride, l.pad, padv.data(), 0);
      if (internals) internals->pre = y;
      apply_affine(y, affine_of(p.bn, m.bn_eps));
      break;
    }
    case LayerKind::BlendConv:
    case LayerKind::BlendDense: {
      Affine fa = affine_of(p.bn_a, m.bn_eps);
      TensorF b = x;
      for (size_t e = 0; e < b.data.size(); ++e)
        b.data[e] = affine_eval(fa, int(e % size_t(x.shape.c)), x.data[e]) >= 0 ? 1.0f : -1.0f;
      TensorF mm, kk;
      std::vector<float> wb = signs(p.w);
      if (l.kind == LayerKind::BlendConv) {
        mm = conv(b, wb, l.out, 3, l.stride, 1, nullptr, -1.0f);
        if (l.skip == SkipKind::Conv1x1)
          kk = conv(x, p.skip_w, l.out, 1, l.stride, 0, nullptr, 0);
        else if (l.skip == SkipKind::Conv3x3)
          kk = conv(x, p.skip_w, l.out, 3, l.stride, 1, padv.data(), 0);
        else
          kk = x;
      } else if (l.axis == Axis::Channel) {
        mm = dense_channel(b, wb, l.out);
        kk = l.skip == SkipKind::Dense ? dense_channel(x, p.skip_w, l.out) : x;
      } else {
        mm = dense_token(b, wb, l.outs);
        kk = l.skip == SkipKind::Dense ? dense_token(x, p.skip_w, l.outs) : x;
      }
      if (internals) {
        internals->main = mm;
        internals->skip = kk;
      }
      apply_affine(mm, affine_of(p.bn_m, m.bn_eps));
      apply_affine(kk, affine_of(p.bn_s, m.bn_eps));
      for (size_t e = 0; e < mm.data.size(); ++e) mm.data[e] += kk.data[e];
      if (internals) internals->pre = mm;
      apply_affine(mm, affine_of(p.bn_o, m.bn_eps));
      y = std::move(mm);
      break;
    }
    case LayerKind::AvgPool: {
      y = TensorF(l.outs, 0.0f);
      Eigen::Map<const RowMat> X(x.data.data(), x.shape.tokens(), x.shape.c);
      Eigen::Map<Eigen::RowVectorXf>(y.data.data(), x.shape.c) = X.colwise().mean();
      break;
    }
    case LayerKind::Dense: {
      y = dense_channel(x, p.w, l.out);
      for (size_t e = 0; e < y.data.size(); ++e) y.data[e] += p.b[e % size_t(l.out)];
      break;
    }
  }
  apply_act(y, l.act);
  return y;
}

std::vector<TensorF> float_forward(const ModelSpec& m, const Params& p, const Image& img) {
  std::vector<TensorF> outs;
  TensorF x = float_input(m, img);
  for (size_t i = 0; i < m.layers.size(); ++i) {
    outs.push_back(float_layer(m, i, p.layers[i], i ? outs.back() : x));
  }
  return outs;
}

}  // namespace nb
