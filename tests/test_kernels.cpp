// Binary and fixed-point kernels, and whole golden-model layers, against
// naive references written straight from DESIGN §4, on every kernel path the
// machine supports; every path against the portable one.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/error.h"
#include "neuroblend/compiler/golden.h"
#include "neuroblend/image.h"
#include "neuroblend/compiler/kernels.h"
#include "neuroblend/compiler/program.h"
#include "neuroblend/rng.h"

using namespace nb;

namespace {

TensorI8 random_tensor(Rng& r, Shape s) {
  TensorI8 t(s);
  for (auto& v : t.data) v = int8_t(r.range(-128, 127));
  return t;
}

// +1 / -1 values of a binarized tensor.
std::vector<int> pm1(const TensorI8& x, const std::vector<int16_t>& tau, const std::vector<uint8_t>& neg) {
  std::vector<int> v(x.data.size());
  for (size_t e = 0; e < v.size(); ++e) {
    int c = int(e % size_t(x.shape.c));
    v[e] = binarize(x.data[e], tau[size_t(c)], neg[size_t(c)]) ? 1 : -1;
  }
  return v;
}

int out_dim(int n, int k, int s, int p) {
  return (n + 2 * p - k) / s + 1;
}

// dot of a 3x3 binary conv: sum of products of +-1, padding -1.
std::vector<int32_t> naive_binary_conv(const TensorI8& x, const std::vector<int>& b, int stride,
                                       const std::vector<uint8_t>& w, int cout) {
  const Shape& s = x.shape;
  int OH = out_dim(s.h, 3, stride, 1), OW = out_dim(s.w, 3, stride, 1);
  std::vector<int32_t> out(size_t(OH * OW * cout));
  for (int oy = 0; oy < OH; ++oy)
    for (int ox = 0; ox < OW; ++ox)
      for (int o = 0; o < cout; ++o) {
        int sum = 0;
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx)
            for (int c = 0; c < s.c; ++c) {
              int iy = oy * stride + ky - 1, ix = ox * stride + kx - 1;
              int a = (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) ? -1 : b[size_t((iy * s.w + ix) * s.c + c)];
              int wv = w[size_t(o * 9 * s.c + (ky * 3 + kx) * s.c + c)] ? 1 : -1;
              sum += a * wv;
            }
        out[size_t((oy * OW + ox) * cout + o)] = sum;
      }
  return out;
}

std::vector<int32_t> naive_fixed_conv(const TensorI8& x, int k, int stride, int pad, const std::vector<int8_t>& w,
                                      int cout) {
  const Shape& s = x.shape;
  int OH = out_dim(s.h, k, stride, pad), OW = out_dim(s.w, k, stride, pad);
  std::vector<int32_t> out(size_t(OH * OW * cout));
  for (int oy = 0; oy < OH; ++oy)
    for (int ox = 0; ox < OW; ++ox)
      for (int o = 0; o < cout; ++o) {
        int sum = 0;
        for (int ky = 0; ky < k; ++ky)
          for (int kx = 0; kx < k; ++kx)
            for (int c = 0; c < s.c; ++c) {
              int iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
              if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;  // int8 0
              sum += x.at(iy, ix, c) * w[size_t(o * k * k * s.c + (ky * k + kx) * s.c + c)];
            }
        out[size_t((oy * OW + ox) * cout + o)] = sum;
      }
  return out;
}

const int kChannels[] = {1, 3, 5, 16, 17, 32, 47, 48, 63, 64, 65, 96, 130};

// Runs f on every kernel path this machine supports (kernels.h), naming the
// path in a failure's message, and restores the path in use afterwards.
template <typename F>
void on_every_path(F f) {
  struct Restore {
    std::string isa = kernel_isa();
    ~Restore() { set_kernel_isa(isa); }
  } restore;
  for (const std::string& isa : kernel_isas()) {
    INFO("kernel path " << isa);
    set_kernel_isa(isa);
    f();
  }
}

}  // namespace

TEST_CASE("binary 3x3 conv equals the naive reference (strides 1, 2; channels on and off 48/64), every kernel path") {
  on_every_path([&] {
    Rng r(11);
    for (int C : kChannels)
      for (int stride : {1, 2})
        for (int rep = 0; rep < 3; ++rep) {
          Shape s{int(r.range(1, 9)), int(r.range(1, 9)), C};
          int cout = int(r.range(1, 40));
          TensorI8 x = random_tensor(r, s);
          std::vector<int16_t> tau(static_cast<size_t>(C));
          std::vector<uint8_t> neg(static_cast<size_t>(C));
          for (int c = 0; c < C; ++c) {
            tau[size_t(c)] = int16_t(r.range(-128, 128));
            neg[size_t(c)] = uint8_t(r.range(0, 1));
          }
          std::vector<uint8_t> w(size_t(cout) * 9 * size_t(C));
          for (auto& v : w) v = uint8_t(r.range(0, 1));
          auto got = binary_conv3x3(binarize_tensor(x, tau, neg), stride, pack_rows(w, cout, 9ll * C));
          auto want = naive_binary_conv(x, pm1(x, tau, neg), stride, w, cout);
          REQUIRE_MESSAGE(got == want, "C " << C << " stride " << stride << " shape " << s.str() << " cout " << cout);
        }
  });
}

TEST_CASE("binary dense (channel and token axis) equals the naive reference, every kernel path") {
  on_every_path([&] {
    Rng r(12);
    for (int C : kChannels) {
      Shape s{int(r.range(1, 5)), int(r.range(1, 30)), C};
      TensorI8 x = random_tensor(r, s);
      std::vector<int16_t> tau(size_t(C), 0);
      std::vector<uint8_t> neg(size_t(C), 0);
      for (int c = 0; c < C; ++c) tau[size_t(c)] = int16_t(r.range(-20, 20)), neg[size_t(c)] = uint8_t(r.range(0, 1));
      auto b = pm1(x, tau, neg);
      BitTensor bt = binarize_tensor(x, tau, neg);
      const int64_t T = s.tokens();
      // channel axis
      int out = int(r.range(1, 70));
      std::vector<uint8_t> w(size_t(out * C));
      for (auto& v : w) v = uint8_t(r.range(0, 1));
      auto got = binary_dense_channel(bt, pack_rows(w, out, C));
      for (int64_t t = 0; t < T; ++t)
        for (int o = 0; o < out; ++o) {
          int sum = 0;
          for (int c = 0; c < C; ++c) sum += b[size_t(t * C + c)] * (w[size_t(o * C + c)] ? 1 : -1);
          REQUIRE(got[size_t(t * out + o)] == sum);
        }
      // token axis
      int J = int(r.range(1, 70));
      std::vector<uint8_t> wt(size_t(J * T));
      for (auto& v : wt) v = uint8_t(r.range(0, 1));
      auto got_t = binary_dense_token(bt, pack_rows(wt, J, T));
      for (int j = 0; j < J; ++j)
        for (int c = 0; c < C; ++c) {
          int sum = 0;
          for (int64_t t = 0; t < T; ++t) sum += b[size_t(t * C + c)] * (wt[size_t(j * T + t)] ? 1 : -1);
          REQUIRE(got_t[size_t(j * C + c)] == sum);
        }
    }
  });
}

TEST_CASE("fixed-point conv and dense equal the naive reference, every kernel path") {
  on_every_path([&] {
    Rng r(13);
    for (int C : kChannels)
      for (int k : {1, 3, 4})
        for (int stride : {1, 2, 4}) {
          int pad = k == 3 ? 1 : 0;
          Shape s{int(r.range(k, 9)), int(r.range(k, 9)), C};
          int cout = int(r.range(1, 40));
          TensorI8 x = random_tensor(r, s);
          std::vector<int8_t> w(size_t(cout * k * k * C));
          for (auto& v : w) v = int8_t(r.range(-127, 127));
          if (r.chance(0.3))  // extremes
            for (auto& v : w) v = r.chance(0.5) ? 127 : -127;
          auto got = fixed_conv(x, k, stride, pad, prepare_rows(w, cout, int64_t(k) * k * C));
          auto want = naive_fixed_conv(x, k, stride, pad, w, cout);
          REQUIRE_MESSAGE(got == want, "C " << C << " k " << k << " stride " << stride << " cout " << cout);
        }
    for (int C : kChannels) {
      Shape s{int(r.range(1, 4)), int(r.range(1, 20)), C};
      TensorI8 x = random_tensor(r, s);
      const int64_t T = s.tokens();
      int out = int(r.range(1, 50));
      std::vector<int8_t> w(size_t(out * C));
      for (auto& v : w) v = int8_t(r.range(-127, 127));
      auto got = fixed_dense_channel(x, prepare_rows(w, out, C));
      int J = int(r.range(1, 50));
      std::vector<int8_t> wt(size_t(J * T));
      for (auto& v : wt) v = int8_t(r.range(-127, 127));
      auto got_t = fixed_dense_token(x, prepare_rows(wt, J, T));
      for (int64_t t = 0; t < T; ++t)
        for (int o = 0; o < out; ++o) {
          int sum = 0;
          for (int c = 0; c < C; ++c) sum += x.data[size_t(t * C + c)] * w[size_t(o * C + c)];
          REQUIRE(got[size_t(t * out + o)] == sum);
        }
      for (int j = 0; j < J; ++j)
        for (int c = 0; c < C; ++c) {
          int sum = 0;
          for (int64_t t = 0; t < T; ++t) sum += x.data[size_t(t * C + c)] * wt[size_t(j * T + t)];
          REQUIRE(got_t[size_t(j * C + c)] == sum);
        }
    }
  });
}

namespace {

// A random compiled layer with legal, in-range parameters.
QLayer random_qlayer(Rng& r, LayerKind kind) {
  QLayer q;
  q.kind = kind;
  q.name = "rand";
  int C = int(r.range(1, 70));
  q.in = Shape{int(r.range(2, 7)), int(r.range(2, 7)), C};
  q.stride = int(r.range(1, 2));
  q.act = r.chance(0.5) ? Act::Relu : Act::None;
  q.sh = int(r.range(1, 30));
  int cout = int(r.range(1, 70));
  switch (kind) {
    case LayerKind::BlendConv: {
      q.skip = std::vector<SkipKind>{SkipKind::Conv1x1, SkipKind::Conv3x3, SkipKind::Identity}[size_t(r.range(0, 2))];
      if (q.skip == SkipKind::Identity) cout = C, q.stride = 1;
      q.kernel = 3, q.pad = 1;
      q.out = Shape{(q.in.h - 1) / q.stride + 1, (q.in.w - 1) / q.stride + 1, cout};
      q.kbin = 9ll * C;
      q.kfix = q.skip == SkipKind::Conv1x1 ? C : q.skip == SkipKind::Conv3x3 ? 9 * C : 0;
      break;
    }
    case LayerKind::BlendDense: {
      q.axis = r.chance(0.5) ? Axis::Token : Axis::Channel;
      q.skip = r.chance(0.3) ? SkipKind::Identity : SkipKind::Dense;
      q.kernel = 1, q.stride = 1, q.pad = 0;
      if (q.axis == Axis::Channel) {
        if (q.skip == SkipKind::Identity) cout = C;
        q.out = Shape{q.in.h, q.in.w, cout};
        q.kbin = C;
      } else {
        int J = q.skip == SkipKind::Identity ? int(q.in.tokens()) : int(r.range(1, 60));
        q.out = J == q.in.tokens() ? q.in : Shape{1, J, C};
        q.kbin = q.in.tokens();
      }
      q.kfix = q.skip == SkipKind::Dense ? q.kbin : 0;
      break;
    }
    case LayerKind::Conv: {
      q.kernel = int(r.range(1, 3)), q.pad = q.kernel == 3 ? 1 : 0;
      q.out =
          Shape{(q.in.h + 2 * q.pad - q.kernel) / q.stride + 1, (q.in.w + 2 * q.pad - q.kernel) / q.stride + 1, cout};
      q.kfix = int64_t(q.kernel) * q.kernel * C;
      break;
    }
    case LayerKind::AvgPool:
      q.kernel = 0, q.stride = 1, q.pad = 0;
      q.out = Shape{1, 1, C};
      break;
    case LayerKind::Dense:
      q.kernel = 1, q.stride = 1, q.pad = 0;
      q.out = Shape{q.in.h, q.in.w, cout};
      q.kfix = C;
      break;
  }
  int64_t rows = q.rows();
  if (q.kbin) {
    q.wbin.resize(size_t(rows * q.kbin));
    for (auto& v : q.wbin) v = uint8_t(r.range(0, 1));
    for (int c = 0; c < C; ++c) q.tau.push_back(int16_t(r.range(-128, 128))), q.neg.push_back(uint8_t(r.range(0, 1)));
  }
  q.wfix.resize(size_t(rows * q.kfix));
  for (auto& v : q.wfix) v = int8_t(r.range(-127, 127));
  for (int c = 0; c < q.out.c; ++c) {
    q.m1.push_back(q.kbin ? int32_t(r.range(kMMin, kMMax)) : 0);
    q.m2.push_back(int32_t(r.range(kMMin, kMMax)));
    q.bias.push_back(r.range(-(int64_t(1) << 40), int64_t(1) << 40));
  }
  return q;
}

// One layer straight from DESIGN §4, element by element.
std::vector<int8_t> naive_layer(const QLayer& q, const TensorI8& x) {
  const int C = q.in.c;
  std::vector<int> b;
  if (q.kbin) b = pm1(x, q.tau, q.neg);
  std::vector<int32_t> dot(size_t(q.out.size()), 0), acc(size_t(q.out.size()), 0);
  const int64_t T = q.in.tokens(), rows = q.rows();
  if (q.kind == LayerKind::BlendConv) {
    dot = naive_binary_conv(x, b, q.stride, q.wbin, q.out.c);
    if (q.skip == SkipKind::Conv1x1) acc = naive_fixed_conv(x, 1, q.stride, 0, q.wfix, q.out.c);
    if (q.skip == SkipKind::Conv3x3) acc = naive_fixed_conv(x, 3, q.stride, 1, q.wfix, q.out.c);
  } else if (q.kind == LayerKind::Conv) {
    acc = naive_fixed_conv(x, q.kernel, q.stride, q.pad, q.wfix, q.out.c);
  }
  for (int64_t p = 0; p < q.out.tokens(); ++p)
    for (int c = 0; c < q.out.c; ++c) {
      size_t e = size_t(p * q.out.c + c);
      if (q.kind == LayerKind::BlendDense && q.axis == Axis::Channel) {
        int d = 0, a = 0;
        for (int i = 0; i < C; ++i) {
          d += b[size_t(p * C + i)] * (q.wbin[size_t(c * C + i)] ? 1 : -1);
          if (q.skip == SkipKind::Dense) a += x.data[size_t(p * C + i)] * q.wfix[size_t(c * C + i)];
        }
        dot[e] = d, acc[e] = a;
      } else if (q.kind == LayerKind::BlendDense) {  // token axis: output token p
        int d = 0, a = 0;
        for (int64_t t = 0; t < T; ++t) {
          d += b[size_t(t * C + c)] * (q.wbin[size_t(p * T + t)] ? 1 : -1);
          if (q.skip == SkipKind::Dense) a += x.data[size_t(t * C + c)] * q.wfix[size_t(p * T + t)];
        }
        dot[e] = d, acc[e] = a;
      } else if (q.kind == LayerKind::AvgPool) {
        int a = 0;
        for (int64_t t = 0; t < T; ++t) a += x.data[size_t(t * C + c)];
        acc[e] = a;
      } else if (q.kind == LayerKind::Dense) {
        int a = 0;
        for (int i = 0; i < C; ++i) a += x.data[size_t(p * C + i)] * q.wfix[size_t(c * C + i)];
        acc[e] = a;
      }
      if (q.skip == SkipKind::Identity) acc[e] = x.data[e];
    }
  (void)rows;
  std::vector<int8_t> y(size_t(q.out.size()));
  for (size_t e = 0; e < y.size(); ++e) {
    size_t c = e % size_t(q.out.c);
    __int128 z = __int128(q.m1[c]) * dot[e] + __int128(q.m2[c]) * acc[e] + q.bias[c];
    y[e] = requantize(int64_t(z), q.sh, q.act == Act::Relu);
  }
  return y;
}

// A legal program around one layer (the program reader accepts no other): a
// 1x1 conv stem before it (a first layer has no binary path), then pooling
// and a two-class logits layer.
CompiledModel as_network(const QLayer& q) {
  CompiledModel cm;
  cm.model = "rand";
  cm.input = q.in;
  cm.classes = 2;
  auto simple = [](const char* name, LayerKind kind, Shape in, Shape out, int64_t kfix) {
    QLayer l;
    l.name = name, l.kind = kind, l.in = in, l.out = out, l.kfix = kfix;
    l.kernel = kind == LayerKind::AvgPool ? 0 : 1;
    l.wfix.assign(size_t(out.c * kfix), 1);
    l.m1.assign(size_t(out.c), 0), l.m2.assign(size_t(out.c), 1), l.bias.assign(size_t(out.c), 0);
    return l;
  };
  cm.layers.push_back(simple("stem", LayerKind::Conv, q.in, q.in, q.in.c));
  cm.layers.push_back(q);
  cm.layers.push_back(simple("pool", LayerKind::AvgPool, q.out, Shape{1, 1, q.out.c}, 0));
  cm.layers.push_back(simple("head", LayerKind::Dense, Shape{1, 1, q.out.c}, Shape{1, 1, 2}, q.out.c));
  cm.layers.back().logits = true;
  return cm;
}

}  // namespace

TEST_CASE("golden model layers equal the contract on random compiled layers, over many seeds, every kernel path") {
  on_every_path([&] {
    Rng r(99);
    int n = 0;
    for (int rep = 0; rep < 60; ++rep)
      for (LayerKind k :
           {LayerKind::BlendConv, LayerKind::BlendDense, LayerKind::Conv, LayerKind::AvgPool, LayerKind::Dense}) {
        QLayer q = random_qlayer(r, k);
        CompiledModel cm = as_network(q);
        GoldenModel g(cm);
        TensorI8 x = random_tensor(r, q.in);
        TensorI8 y = g.layer(1, x);
        REQUIRE_MESSAGE(y.data == naive_layer(q, x), "kind " << to_string(k) << " skip " << to_string(q.skip)
                                                             << " axis " << to_string(q.axis) << " in " << q.in.str()
                                                             << " out " << q.out.str());
        // The program file carries the layer exactly.
        CompiledModel back = parse_program(serialize_program(cm), "mem");
        REQUIRE(GoldenModel(back).layer(1, x).data == y.data);
        ++n;
      }
    CHECK(n == 300);
  });
}

namespace {

// The results of every kernel on one path for random inputs of random,
// mostly odd sizes: rows not a multiple of the SIMD block, windows not a
// multiple of the kernels' groups, K off every word and vector size and past
// the 31 words an AVX2 byte counter holds.
struct KernelResults {
  std::vector<std::vector<uint64_t>> bits;
  std::vector<std::vector<int32_t>> dots;
  std::vector<std::vector<int8_t>> merged;
  bool operator==(const KernelResults& o) const { return bits == o.bits && dots == o.dots && merged == o.merged; }
};

KernelResults run_kernels(uint64_t seed) {
  Rng r(seed);
  KernelResults k;
  for (int rep = 0; rep < 40; ++rep) {
    const int C = int(rep < 4 ? r.range(1985, 2300) : rep < 8 ? r.range(200, 1984) : r.range(1, 200));
    Shape s{int(r.range(1, 6)), int(r.range(1, 11)), C};
    TensorI8 x = random_tensor(r, s);
    std::vector<int16_t> tau(size_t(C), 0);
    std::vector<uint8_t> neg(size_t(C), 0);
    for (int c = 0; c < C; ++c) tau[size_t(c)] = int16_t(r.range(-130, 130)), neg[size_t(c)] = uint8_t(r.range(0, 1));
    // Extremes in every other case past 31 words: all activation bits 1,
    // weight rows all 0 or all 1 (the largest counts any counter sees).
    const bool extreme = rep < 4 && rep % 2 == 0;
    if (extreme) std::fill(tau.begin(), tau.end(), -128), std::fill(neg.begin(), neg.end(), 0);
    BitTensor b = binarize_tensor(x, tau, neg);
    k.bits.push_back(b.bits);
    const int rows = int(r.range(1, 70));
    std::vector<uint8_t> wb(size_t(rows) * size_t(C));
    for (size_t i = 0; i < wb.size(); ++i) wb[i] = extreme ? uint8_t(i / size_t(C) % 2) : uint8_t(r.range(0, 1));
    k.dots.push_back(binary_dense_channel(b, pack_rows(wb, rows, C)));
    std::vector<int8_t> wf(size_t(rows) * size_t(C));
    for (auto& v : wf) v = int8_t(r.range(-128, 127));
    if (r.chance(0.3))  // extremes
      for (auto& v : wf) v = r.chance(0.5) ? 127 : -128;
    k.dots.push_back(fixed_dense_channel(x, prepare_rows(wf, rows, C)));
    if (C <= 80) {
      std::vector<uint8_t> w3(size_t(rows) * 9 * size_t(C));
      for (auto& v : w3) v = uint8_t(r.range(0, 1));
      k.dots.push_back(binary_conv3x3(b, int(r.range(1, 2)), pack_rows(w3, rows, 9ll * C)));
      std::vector<int8_t> wf3(size_t(rows) * 9 * size_t(C));
      for (auto& v : wf3) v = int8_t(r.range(-128, 127));
      k.dots.push_back(fixed_conv(x, 3, int(r.range(1, 2)), 1, prepare_rows(wf3, rows, 9ll * C)));
    }
  }
  // The merge: factors of 18 bits, bias of 48, shifts 1..47, blocks of whole
  // positions of any width, runs with a partial last block; and factors
  // wider than the contract's, and blocks over 512 elements (another method
  // on AVX2).
  for (int rep = 0; rep < 200; ++rep) {
    const bool wide = rep % 4 == 3;
    const int64_t C = rep % 10 == 9 ? r.range(513, 700) : r.range(1, 70);
    const int64_t reps = std::max<int64_t>(1, (64 + C - 1) / C), n = C * r.range(1, 20);
    const int64_t mmax = wide ? int64_t(1) << 30 : kMMax, bmax = int64_t(1) << (wide ? 60 : 47);
    MergeParams mp;
    for (int64_t i = 0; i < C * reps; ++i) {
      mp.m1.push_back(int32_t(r.range(-mmax, mmax)));
      mp.m2.push_back(int32_t(r.range(-mmax, mmax)));
      mp.bias.push_back(r.range(-bmax, bmax));
    }
    std::vector<int32_t> dot(static_cast<size_t>(n)), acc(static_cast<size_t>(n));
    for (auto& v : dot) v = int32_t(r.range(-4608, 4608));
    for (auto& v : acc) v = int32_t(r.range(-(1 << 23), 1 << 23));
    const int sh = int(r.range(1, 47));
    const bool relu = r.chance(0.5);
    std::vector<int8_t> y(static_cast<size_t>(n));
    merge_requantize(mp, sh, relu, dot.data(), acc.data(), y.data(), n);
    for (int64_t e = 0; e < n; ++e) {  // the contract, element by element
      const size_t j = size_t(e % (C * reps));
      const int64_t z = int64_t(mp.m1[j]) * dot[size_t(e)] + int64_t(mp.m2[j]) * acc[size_t(e)] + mp.bias[j];
      REQUIRE_MESSAGE(y[size_t(e)] == requantize(z, sh, relu), "element " << e << " of " << n << ", sh " << sh);
    }
    k.merged.push_back(y);
  }
  // A bias past 48 bits, one below a rounding edge (129 * 2^46 - 1): a
  // double holds 129 * 2^46, so only exact arithmetic gives 64.
  const int64_t edge = 129 * (int64_t(1) << 46) - 1;
  MergeParams mp{std::vector<int32_t>(64, 0), std::vector<int32_t>(64, 0), std::vector<int64_t>(64, edge)};
  std::vector<int32_t> zero(64, 0);
  std::vector<int8_t> y(64);
  merge_requantize(mp, 47, false, zero.data(), zero.data(), y.data(), 64);
  REQUIRE(std::count(y.begin(), y.end(), int8_t(64)) == 64);
  k.merged.push_back(y);
  return k;
}

}  // namespace

TEST_CASE("every kernel path gives the portable path's bits on random data with odd sizes and tails") {
  on_every_path([&] {
    const std::string isa = kernel_isa();
    set_kernel_isa("portable");
    const KernelResults want = run_kernels(21);
    set_kernel_isa(isa);
    CHECK(run_kernels(21) == want);
  });
}

TEST_CASE("the whole zoo gives the same bits on every kernel path, layer by layer") {
  for (auto& name : zoo_names()) {
    ModelSpec m = load_model(name);
    CompileOptions o;
    o.calib_images = 2;
    CompiledModel cm = compile(m, random_params(m, 4, 2), o);
    GoldenModel g(cm);
    auto imgs = synthetic_images(m.input.shape, 2, 7);
    std::vector<GoldenResult> want;
    const std::string isa = kernel_isa();
    set_kernel_isa("portable");
    for (auto& img : imgs) want.push_back(g.run(img, true, true));
    set_kernel_isa(isa);
    on_every_path([&] {
      for (size_t i = 0; i < imgs.size(); ++i) {
        GoldenResult got = g.run(imgs[i], true, true);
        REQUIRE(got.outs.size() == want[i].outs.size());
        for (size_t l = 0; l < got.outs.size(); ++l) {
          INFO(name << " image " << i << " layer " << l);
          CHECK(got.outs[l].data == want[i].outs[l].data);
          CHECK(got.internals[l].dot == want[i].internals[l].dot);
          CHECK(got.internals[l].acc == want[i].internals[l].acc);
        }
        CHECK(got.logits.data == want[i].logits.data);
      }
    });
  }
}

TEST_CASE("kernel paths: portable always, auto the best, unknown or unsupported names refused") {
  const std::string isa = kernel_isa();
  const std::vector<std::string> paths = kernel_isas();
  REQUIRE(!paths.empty());
  CHECK(paths.front() == "portable");
  for (const std::string& p : paths) {
    set_kernel_isa(p);
    CHECK(kernel_isa() == p);
  }
  set_kernel_isa("auto");
  CHECK(kernel_isa() == paths.back());
  CHECK_THROWS_WITH_AS(set_kernel_isa("sse9"), doctest::Contains("unknown kernel path 'sse9'"), Error);
  for (const char* p : {"avx2", "avx512"})  // one this CPU or build lacks is an Error, not a crash
    if (std::find(paths.begin(), paths.end(), p) == paths.end()) CHECK_THROWS_AS(set_kernel_isa(p), Error);
  MESSAGE("kernel paths on this machine: " << [&] {
    std::string s;
    for (auto& p : paths) s += p + " ";
    return s;
  }());
  set_kernel_isa(isa);
}
