// The kernels' outer parts (frames, windows, weight layouts) and the choice
// of the path their inner loops run on (kernels_isa.h).
#include "neuroblend/compiler/kernels.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdlib>

#include "kernels_isa.h"
#include "neuroblend/error.h"

namespace nb {

namespace {

// ------------------------------------------------------------- dispatch

// The paths this build has (CMakeLists.txt compiles the x86 ones on x86-64
// only), best last, with what each needs of the CPU.
struct Path {
  const isa::Ops* ops;
  const char* needs;
  bool (*cpu_has)();
};
const Path kPaths[] = {
    {&isa::kPortable, "", [] { return true; }},
#if NB_KERNELS_AVX2
    {&isa::kAvx2, "AVX2", [] { return __builtin_cpu_supports("avx2") != 0; }},
#endif
#if NB_KERNELS_AVX512
    {&isa::kAvx512, "AVX-512 F, BW, VL, VNNI and VPOPCNTDQ",
     [] {
       return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
              __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni") &&
              __builtin_cpu_supports("avx512vpopcntdq");
     }},
#endif
};

std::string runnable() {
  std::string s;
  for (const std::string& n : kernel_isas()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// `what` names where the name came from, for the message.
const isa::Ops* find_path(const std::string& name, const std::string& what) {
  if (name == "auto") {
    const isa::Ops* best = nullptr;
    for (const Path& p : kPaths)
      if (p.cpu_has()) best = p.ops;
    return best;
  }
  for (const Path& p : kPaths)
    if (name == p.ops->name) {
      if (!p.cpu_has())
        throw Error(fmt::format("{}: kernel path '{}' needs {}, which this CPU lacks (it runs: {})", what, name,
                                p.needs, runnable()));
      return p.ops;
    }
  std::string built;
  for (const Path& p : kPaths) built += std::string(built.empty() ? "" : ", ") + p.ops->name;
  throw Error(fmt::format("{}: unknown kernel path '{}' (this build has: {}; this CPU runs: {}; or auto)", what, name,
                          built, runnable()));
}

std::atomic<const isa::Ops*> g_ops{nullptr};

// The path in use; the first call chooses it.
const isa::Ops& ops() {
  const isa::Ops* p = g_ops.load(std::memory_order_acquire);
  if (!p) {
    const char* env = std::getenv("NB_KERNELS");
    p = env && *env ? find_path(env, std::string("NB_KERNELS=") + env) : find_path("auto", "");
    g_ops.store(p, std::memory_order_release);
  }
  return *p;
}

isa::BitRowsRef ref(const BitRows& w) {
  return {w.bits_t.data(), w.rows, w.rows_padded, w.words};
}
isa::I8RowsRef ref(const I8Rows& w) {
  return {w.wt.data(), w.w2.data(), w.w4.data(), w.wsum.data(), w.rows, w.rows_padded, w.k};
}

// A buffer of at least n elements, per thread and reused: no allocation or
// page faults per layer. Buffers in use at the same time differ in Tag.
template <typename T, int Tag>
T* scratch(size_t n) {
  thread_local std::vector<T> v;
  if (v.size() < n) v.resize(n);
  return v.data();
}

// ------------------------------------------------------------- helpers

// Appends bit strings to a run of words, the word being filled kept in a
// register: a window's pixels go in without the chain of stores and
// reloads through one word that OR-ing into memory makes.
struct BitWriter {
  uint64_t* dst;
  uint64_t cur = 0;
  int fill = 0;
  // The low n bits of v, 1 <= n <= 64.
  void put(uint64_t v, int n) {
    if (n < 64) v &= (uint64_t(1) << n) - 1;
    cur |= v << fill;
    if (fill + n >= 64) {
      *dst++ = cur;
      cur = fill ? v >> (64 - fill) : 0;
      fill += n - 64;
    } else {
      fill += n;
    }
  }
  void flush() {
    if (fill) *dst++ = cur;
  }
};

// x + 128 as bytes, framed by `pad` pixels of int8 0 (byte 128) on each side,
// with 4 bytes of slack at the end for the kernels' 4-byte reads.
const uint8_t* biased_frame(const TensorI8& x, int pad) {
  const Shape& s = x.shape;
  const size_t PW = size_t(s.w + 2 * pad), C = size_t(s.c), row = size_t(s.w) * C;
  const size_t n = size_t(s.h + 2 * pad) * PW * C + 4;
  uint8_t* __restrict fp = scratch<uint8_t, 0>(n);
  if (pad)
    std::fill_n(fp, n, uint8_t(0x80));
  else
    std::fill_n(fp + n - 4, 4, uint8_t(0x80));
  for (int y = 0; y < s.h; ++y) {
    const uint8_t* __restrict src = reinterpret_cast<const uint8_t*>(&x.data[size_t(y) * row]);
    uint8_t* __restrict dst = fp + (size_t(y + pad) * PW + size_t(pad)) * C;
    for (size_t i = 0; i < row; ++i) dst[i] = src[i] ^ uint8_t(0x80);
  }
  return fp;
}

}  // namespace

const char* kernel_isa() {
  return ops().name;
}

std::vector<std::string> kernel_isas() {
  std::vector<std::string> v;
  for (const Path& p : kPaths)
    if (p.cpu_has()) v.push_back(p.ops->name);
  return v;
}

void set_kernel_isa(const std::string& name) {
  g_ops.store(find_path(name, "set_kernel_isa"), std::memory_order_release);
}

BitTensor binarize_tensor(const TensorI8& x, const std::vector<int16_t>& tau, const std::vector<uint8_t>& neg) {
  BitTensor b;
  b.shape = x.shape;
  const int64_t C = x.shape.c;
  b.words = int((C + 63) / 64);
  b.bits.assign(size_t(x.shape.tokens()) * size_t(b.words), 0);
  std::vector<uint64_t> negbits(size_t(b.words), 0);
  for (int64_t c = 0; c < C; ++c) negbits[size_t(c >> 6)] |= uint64_t(neg[size_t(c)] & 1) << (c & 63);
  ops().binarize(x.data.data(), x.shape.tokens(), C, tau.data(), negbits.data(), b.words, b.bits.data());
  return b;
}

BitRows pack_rows(const std::vector<uint8_t>& b, int64_t rows, int64_t k) {
  BitRows r;
  r.rows = rows;
  r.k = k;
  r.words = int((k + 63) / 64);
  r.bits.assign(size_t(rows) * size_t(r.words), 0);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < k; ++j)
      if (b[size_t(i * k + j)]) r.bits[size_t(i) * size_t(r.words) + size_t(j >> 6)] |= uint64_t(1) << (j & 63);
  r.rows_padded = (rows + isa::kRowBlock - 1) / isa::kRowBlock * isa::kRowBlock;
  r.bits_t.assign(size_t(r.rows_padded) * size_t(r.words), 0);
  for (int64_t i = 0; i < rows; ++i)
    for (int j = 0; j < r.words; ++j)
      r.bits_t[size_t(j) * size_t(r.rows_padded) + size_t(i)] = r.bits[size_t(i) * size_t(r.words) + size_t(j)];
  return r;
}

I8Rows prepare_rows(const std::vector<int8_t>& w, int64_t rows, int64_t k) {
  I8Rows r;
  r.rows = rows;
  r.k = k;
  r.w = w;
  const int64_t RP = (rows + isa::kRowBlock - 1) / isa::kRowBlock * isa::kRowBlock;
  r.rows_padded = RP;
  r.wt.assign(size_t(RP * k), 0);
  r.w2.assign(size_t((k + 1) / 2 * RP * 2), 0);
  r.w4.assign(size_t((k + 3) / 4 * RP * 4), 0);
  r.wsum.assign(size_t(RP), 0);
  for (int64_t o = 0; o < rows; ++o)
    for (int64_t i = 0; i < k; ++i) {
      const int8_t v = w[size_t(o * k + i)];
      r.wt[size_t(i * RP + o)] = v;
      r.w2[size_t(((i / 2) * RP + o) * 2 + i % 2)] = v;
      r.w4[size_t(((i / 4) * RP + o) * 4 + i % 4)] = v;
      r.wsum[size_t(o)] += v;
    }
  return r;
}

namespace {

// The windows of a binary 3x3 convolution of a framed bit tensor (channels
// s.c, or CC when not 0: then the writer's branches and shifts fold away), a
// row of windows at a time, flattened (ky, kx, c), then one kernel call.
template <int CC>
void conv3x3_rows(const uint64_t* framed, const Shape& s, int stride, const BitRows& w, int32_t* dot) {
  const int C = CC ? CC : s.c;
  const int32_t K = 9 * C;
  const int PW = s.w + 2, WP = (C + 63) / 64;
  const int OH = (s.h - 1) / stride + 1, OW = (s.w - 1) / stride + 1;
  const int64_t W = w.words, cout = w.rows;
  const int last = C - 64 * (WP - 1);  // bits in a pixel's last word
  uint64_t* win = scratch<uint64_t, 1>(size_t(OW) * size_t(W));
  const isa::Ops& k = ops();
  const isa::BitRowsRef wr = ref(w);
  for (int oy = 0; oy < OH; ++oy) {
    for (int ox = 0; ox < OW; ++ox) {
      BitWriter out{win + size_t(ox) * size_t(W)};
      for (int ky = 0; ky < 3; ++ky) {
        const uint64_t* px = &framed[(size_t(oy * stride + ky) * size_t(PW) + size_t(ox * stride)) * size_t(WP)];
        for (int kx = 0; kx < 3; ++kx, px += WP) {
          for (int j = 0; j + 1 < WP; ++j) out.put(px[j], 64);
          out.put(px[WP - 1], last);
        }
      }
      out.flush();
    }
    k.binary_dot(win, OW, wr, K, dot + size_t(oy) * size_t(OW) * size_t(cout));
  }
}

}  // namespace

std::vector<int32_t> binary_conv3x3(const BitTensor& b, int stride, const BitRows& w) {
  const Shape& s = b.shape;
  const int OH = (s.h - 1) / stride + 1, OW = (s.w - 1) / stride + 1;
  // Copy into a frame one pixel wider on each side, all bits 0 (-1): the
  // padding of DESIGN §4, and no bounds checks in the window loop.
  const int PW = s.w + 2, WP = b.words;
  const size_t framed_n = size_t(s.h + 2) * size_t(PW) * size_t(WP);
  uint64_t* framed = scratch<uint64_t, 0>(framed_n);
  std::fill_n(framed, framed_n, 0);
  for (int y = 0; y < s.h; ++y)
    std::copy_n(b.pixel(y, 0), size_t(s.w) * size_t(WP), &framed[(size_t(y + 1) * size_t(PW) + 1) * size_t(WP)]);
  std::vector<int32_t> dot(size_t(OH) * size_t(OW) * size_t(w.rows));
  switch (s.c) {  // the zoo's widths with the bit positions known at compile time
    case 16:
      conv3x3_rows<16>(framed, s, stride, w, dot.data());
      break;
    case 32:
      conv3x3_rows<32>(framed, s, stride, w, dot.data());
      break;
    case 64:
      conv3x3_rows<64>(framed, s, stride, w, dot.data());
      break;
    default:
      conv3x3_rows<0>(framed, s, stride, w, dot.data());
  }
  return dot;
}

std::vector<int32_t> binary_dense_channel(const BitTensor& b, const BitRows& w) {
  const int64_t T = b.shape.tokens(), out = w.rows;
  std::vector<int32_t> dot(size_t(T) * size_t(out));
  ops().binary_dot(b.bits.data(), T, ref(w), b.shape.c, dot.data());
  return dot;
}

std::vector<int32_t> binary_dense_token(const BitTensor& b, const BitRows& w) {
  const int64_t T = b.shape.tokens(), C = b.shape.c, J = w.rows;
  // Transpose: bits of each channel along the tokens.
  int words = int((T + 63) / 64);
  std::vector<uint64_t> tr(size_t(C) * size_t(words), 0);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t c = 0; c < C; ++c)
      if ((b.bits[size_t(t) * size_t(b.words) + size_t(c >> 6)] >> (c & 63)) & 1)
        tr[size_t(c) * size_t(words) + size_t(t >> 6)] |= uint64_t(1) << (t & 63);
  std::vector<int32_t> cj(size_t(C) * size_t(J));  // [c][j]
  ops().binary_dot(tr.data(), C, ref(w), int32_t(T), cj.data());
  std::vector<int32_t> dot(size_t(J) * size_t(C));
  for (int64_t c = 0; c < C; ++c)
    for (int64_t j = 0; j < J; ++j) dot[size_t(j * C + c)] = cj[size_t(c * J + j)];
  return dot;
}

std::vector<int32_t> fixed_conv(const TensorI8& x, int k, int stride, int pad, const I8Rows& w) {
  const Shape& s = x.shape;
  const int64_t C = s.c;
  const int64_t K = int64_t(k) * k * C;
  const int OH = (s.h + 2 * pad - k) / stride + 1, OW = (s.w + 2 * pad - k) / stride + 1;
  const int64_t cout = w.rows, PW = s.w + 2 * pad;
  std::vector<int32_t> acc(size_t(OH) * size_t(OW) * size_t(cout));
  const uint8_t* f = biased_frame(x, pad);
  int16_t* sc = scratch<int16_t, 0>(size_t(isa::fixed_scratch(K)));
  // A row of windows at a time: 1 x 1 windows are the frame's pixels, k x k
  // ones are copied (one contiguous run per kernel row) with 4 bytes of slack.
  const int64_t step = K + 4;
  uint8_t* win = k == 1 ? nullptr : scratch<uint8_t, 1>(size_t(OW * step));
  const isa::Ops& ops_ = ops();
  const isa::I8RowsRef wr = ref(w);
  for (int oy = 0; oy < OH; ++oy) {
    int32_t* out = &acc[size_t(oy) * size_t(OW) * size_t(cout)];
    if (k == 1) {
      ops_.fixed_dot(&f[size_t(int64_t(oy) * stride * PW * C)], stride * C, OW, wr, sc, out);
      continue;
    }
    for (int ox = 0; ox < OW; ++ox)
      for (int ky = 0; ky < k; ++ky)
        std::copy_n(&f[size_t(((int64_t(oy) * stride + ky) * PW + int64_t(ox) * stride) * C)], size_t(k * C),
                    win + size_t(ox * step + ky * k * C));
    ops_.fixed_dot(win, step, OW, wr, sc, out);
  }
  return acc;
}

std::vector<int32_t> fixed_dense_channel(const TensorI8& x, const I8Rows& w) {
  const int64_t T = x.shape.tokens(), C = x.shape.c, out = w.rows;
  std::vector<int32_t> acc(size_t(T) * size_t(out));
  const uint8_t* f = biased_frame(x, 0);
  ops().fixed_dot(f, C, T, ref(w), scratch<int16_t, 0>(size_t(isa::fixed_scratch(C))), acc.data());
  return acc;
}

std::vector<int32_t> fixed_dense_token(const TensorI8& x, const I8Rows& w) {
  const int64_t T = x.shape.tokens(), C = x.shape.c, J = w.rows;
  std::vector<int32_t> acc(size_t(J) * size_t(C), 0);
  for (int64_t j = 0; j < J; ++j) {
    int32_t* dst = &acc[size_t(j * C)];
    for (int64_t t = 0; t < T; ++t) {
      int32_t wv = w.w[size_t(j * T + t)];
      const int8_t* src = &x.data[size_t(t * C)];
      for (int64_t c = 0; c < C; ++c) dst[c] += wv * int32_t(src[c]);
    }
  }
  return acc;
}

void merge_requantize(const MergeParams& mp, int sh, bool relu, const int32_t* dot, const int32_t* acc, int8_t* y,
                      int64_t n) {
  ops().merge({mp.m1.data(), mp.m2.data(), mp.bias.data(), int64_t(mp.m1.size())}, sh, relu, dot, acc, y, n);
}

}  // namespace nb
