#include "neuroblend/kernels.h"

#include <cstring>

#if defined(__AVX512BW__)
#include <immintrin.h>
#endif

namespace nb {

namespace {

inline uint64_t popcount64(uint64_t v) {
  return uint64_t(__builtin_popcountll(v));
}

// ORs n bits of src (packed, starting at bit 0) into dst at bit position pos.
inline void put_bits(uint64_t* dst, int64_t pos, const uint64_t* src, int64_t n) {
  for (int64_t j = 0; n > 0; ++j, n -= 64, pos += 64) {
    uint64_t v = src[j];
    if (n < 64) v &= (uint64_t(1) << n) - 1;
    int sh = int(pos & 63);
    dst[pos >> 6] |= v << sh;
    if (sh && (sh + std::min<int64_t>(n, 64)) > 64) dst[(pos >> 6) + 1] |= v >> (64 - sh);
  }
}

// out[o] = K - 2 * popcount(a XOR w[o]) for all rows, a of w.words words.
// Blocks of kBitBlock rows with a constant trip count, so the inner loop
// vectorizes (VPOPCNTQ where the CPU has it); rows are zero-padded.
constexpr int64_t kBitBlock = 16;
constexpr int64_t kMacBlock = 16;

inline void binary_rows(const uint64_t* __restrict a, const BitRows& w, int32_t K, int32_t* __restrict out) {
  const int64_t R = w.rows, RP = w.rows_padded, W = w.words;
  const uint64_t* __restrict wt = w.bits_t.data();
  for (int64_t ob = 0; ob < RP; ob += kBitBlock) {
    uint64_t m[kBitBlock] = {0};
    for (int64_t j = 0; j < W; ++j) {
      const uint64_t aj = a[j];
      const uint64_t* __restrict wj = wt + j * RP + ob;
      for (int64_t o = 0; o < kBitBlock; ++o) m[o] += popcount64(aj ^ wj[o]);
    }
    const int64_t n = std::min(kBitBlock, R - ob);
    for (int64_t o = 0; o < n; ++o) out[ob + o] = K - 2 * int32_t(m[o]);
  }
}

// binary_rows for two windows at once: one pass over the weights, two
// independent accumulator chains.
inline void binary_rows2(const uint64_t* __restrict a0, const uint64_t* __restrict a1, const BitRows& w, int32_t K,
                         int32_t* __restrict out0, int32_t* __restrict out1) {
  const int64_t R = w.rows, RP = w.rows_padded, W = w.words;
  const uint64_t* __restrict wt = w.bits_t.data();
  for (int64_t ob = 0; ob < RP; ob += kBitBlock) {
    uint64_t m0[kBitBlock] = {0}, m1[kBitBlock] = {0};
    for (int64_t j = 0; j < W; ++j) {
      const uint64_t x0 = a0[j], x1 = a1[j];
      const uint64_t* __restrict wj = wt + j * RP + ob;
      for (int64_t o = 0; o < kBitBlock; ++o) {
        m0[o] += popcount64(x0 ^ wj[o]);
        m1[o] += popcount64(x1 ^ wj[o]);
      }
    }
    const int64_t n = std::min(kBitBlock, R - ob);
    for (int64_t o = 0; o < n; ++o) {
      out0[ob + o] = K - 2 * int32_t(m0[o]);
      out1[ob + o] = K - 2 * int32_t(m1[o]);
    }
  }
}

// out[o] = sum_i a[i] * w[o][i], with the activations given biased:
// au[i] = a[i] + 128 (that is, a XOR 0x80), readable up to a multiple of 4
// past k (the padded weights there are zero).
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
// VPDPBUSD multiplies unsigned by signed bytes, four to a lane; the bias
// comes back off as 128 * sum(w).
inline void fixed_rows(const uint8_t* __restrict au, const I8Rows& w, int32_t* __restrict out) {
  const int64_t R = w.rows, RP = w.rows_padded, K4 = (w.k + 3) / 4;
  for (int64_t ob = 0; ob < RP; ob += kMacBlock) {
    __m512i acc = _mm512_setzero_si512();
    for (int64_t k4 = 0; k4 < K4; ++k4) {
      int32_t a4;
      std::memcpy(&a4, au + 4 * k4, 4);
      const __m512i wv = _mm512_loadu_si512(&w.w4[size_t((k4 * RP + ob) * 4)]);
      acc = _mm512_dpbusd_epi32(acc, _mm512_set1_epi32(a4), wv);
    }
    acc = _mm512_sub_epi32(acc, _mm512_slli_epi32(_mm512_loadu_si512(&w.wsum[size_t(ob)]), 7));
    const int64_t n = std::min(kMacBlock, R - ob);
    _mm512_mask_storeu_epi32(out + ob, __mmask16((1u << n) - 1), acc);
  }
}
// Four windows at once: one weight load feeds four independent chains.
inline void fixed_rows4(const uint8_t* const* au, const I8Rows& w, int32_t* const* out) {
  const int64_t R = w.rows, RP = w.rows_padded, K4 = (w.k + 3) / 4;
  for (int64_t ob = 0; ob < RP; ob += kMacBlock) {
    __m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0;
    for (int64_t k4 = 0; k4 < K4; ++k4) {
      int32_t a0, a1, a2, a3;
      std::memcpy(&a0, au[0] + 4 * k4, 4);
      std::memcpy(&a1, au[1] + 4 * k4, 4);
      std::memcpy(&a2, au[2] + 4 * k4, 4);
      std::memcpy(&a3, au[3] + 4 * k4, 4);
      const __m512i wv = _mm512_loadu_si512(&w.w4[size_t((k4 * RP + ob) * 4)]);
      c0 = _mm512_dpbusd_epi32(c0, _mm512_set1_epi32(a0), wv);
      c1 = _mm512_dpbusd_epi32(c1, _mm512_set1_epi32(a1), wv);
      c2 = _mm512_dpbusd_epi32(c2, _mm512_set1_epi32(a2), wv);
      c3 = _mm512_dpbusd_epi32(c3, _mm512_set1_epi32(a3), wv);
    }
    const __m512i bias = _mm512_slli_epi32(_mm512_loadu_si512(&w.wsum[size_t(ob)]), 7);
    const int64_t n = std::min(kMacBlock, R - ob);
    const __mmask16 m = __mmask16((1u << n) - 1);
    _mm512_mask_storeu_epi32(out[0] + ob, m, _mm512_sub_epi32(c0, bias));
    _mm512_mask_storeu_epi32(out[1] + ob, m, _mm512_sub_epi32(c1, bias));
    _mm512_mask_storeu_epi32(out[2] + ob, m, _mm512_sub_epi32(c2, bias));
    _mm512_mask_storeu_epi32(out[3] + ob, m, _mm512_sub_epi32(c3, bias));
  }
}
#else
// Portable: transposed, padded int16 weights; the inner loop vectorizes.
inline void fixed_rows(const uint8_t* __restrict au, const I8Rows& w, int32_t* __restrict out) {
  const int64_t R = w.rows, RP = w.rows_padded, K = w.k;
  const int16_t* __restrict wt = w.wt.data();
  for (int64_t ob = 0; ob < RP; ob += kMacBlock) {
    int32_t acc[kMacBlock] = {0};
    for (int64_t i = 0; i < K; ++i) {
      const int32_t ai = int32_t(au[i]) - 128;
      const int16_t* __restrict wi = wt + i * RP + ob;
      for (int64_t o = 0; o < kMacBlock; ++o) acc[o] += ai * int32_t(wi[o]);
    }
    const int64_t n = std::min(kMacBlock, R - ob);
    for (int64_t o = 0; o < n; ++o) out[ob + o] = acc[o];
  }
}
inline void fixed_rows4(const uint8_t* const* au, const I8Rows& w, int32_t* const* out) {
  for (int i = 0; i < 4; ++i) fixed_rows(au[i], w, out[i]);
}
#endif

// Runs fixed_rows over n windows, four at a time.
inline void fixed_rows_n(const uint8_t* const* au, const I8Rows& w, int32_t* const* out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) fixed_rows4(au + i, w, out + i);
  for (; i < n; ++i) fixed_rows(au[i], w, out[i]);
}

// x + 128 as bytes, framed by `pad` pixels of int8 0 (byte 128) on each side,
// with 4 bytes of slack at the end for the 4-byte reads above. The buffer is
// per thread and reused: no allocation or page faults per layer.
const uint8_t* biased_frame(const TensorI8& x, int pad) {
  thread_local std::vector<uint8_t> f;
  const Shape& s = x.shape;
  const size_t PW = size_t(s.w + 2 * pad), C = size_t(s.c), row = size_t(s.w) * C;
  const size_t n = size_t(s.h + 2 * pad) * PW * C + 4;
  if (f.size() < n) f.resize(n);
  uint8_t* __restrict fp = f.data();
  if (pad) std::fill_n(fp, n, uint8_t(0x80));
  else std::fill_n(fp + n - 4, 4, uint8_t(0x80));
  for (int y = 0; y < s.h; ++y) {
    const uint8_t* __restrict src = reinterpret_cast<const uint8_t*>(&x.data[size_t(y) * row]);
    uint8_t* __restrict dst = fp + (size_t(y + pad) * PW + size_t(pad)) * C;
    for (size_t i = 0; i < row; ++i) dst[i] = src[i] ^ uint8_t(0x80);
  }
  return fp;
}

}  // namespace

const char* kernel_isa() {
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
  return "avx512-vnni";
#else
  return "portable";
#endif
}

BitTensor binarize_tensor(const TensorI8& x, const std::vector<int16_t>& tau, const std::vector<uint8_t>& neg) {
  BitTensor b;
  b.shape = x.shape;
  const int64_t C = x.shape.c;
  b.words = int((C + 63) / 64);
  b.bits.assign(size_t(x.shape.tokens()) * size_t(b.words), 0);
#if defined(__AVX512BW__) && defined(__AVX512VL__)
  // 32 channels at a time: compare as int16 (tau spans -128..128), XOR neg.
  std::vector<uint32_t> negm(size_t((C + 31) / 32), 0);
  for (int64_t c = 0; c < C; ++c) negm[size_t(c / 32)] |= uint32_t(neg[size_t(c)] & 1) << (c % 32);
  for (int64_t p = 0; p < x.shape.tokens(); ++p) {
    const int8_t* px = &x.data[size_t(p * C)];
    uint64_t* dst = &b.bits[size_t(p) * size_t(b.words)];
    for (int64_t c0 = 0; c0 < C; c0 += 32) {
      const int64_t n = std::min<int64_t>(32, C - c0);
      const __mmask32 lm = n == 32 ? ~__mmask32(0) : __mmask32((1u << n) - 1);
      const __m512i x16 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(lm, px + c0));
      const __m512i t16 = _mm512_maskz_loadu_epi16(lm, tau.data() + c0);
      const uint32_t bits = (uint32_t(_mm512_cmpge_epi16_mask(x16, t16)) ^ negm[size_t(c0 / 32)]) & uint32_t(lm);
      dst[c0 >> 6] |= uint64_t(bits) << (c0 & 63);
    }
  }
#else
  // One byte per bit first (a loop that vectorizes), then eight bytes to a
  // bit each with a multiply: byte k (0 or 1) lands in bit 56 + k.
  std::vector<uint8_t> tmp(size_t(b.words) * 64, 0);
  const int16_t* __restrict tp = tau.data();
  const uint8_t* __restrict np = neg.data();
  for (int64_t p = 0; p < x.shape.tokens(); ++p) {
    const int8_t* __restrict px = &x.data[size_t(p * C)];
    uint8_t* __restrict t = tmp.data();
    for (int64_t c = 0; c < C; ++c) t[c] = uint8_t(uint8_t(int16_t(px[c]) >= tp[c]) ^ np[c]);
    uint64_t* dst = &b.bits[size_t(p) * size_t(b.words)];
    for (int w = 0; w < b.words; ++w) {
      uint64_t word = 0;
      for (int k = 0; k < 8; ++k) {
        uint64_t v;
        std::memcpy(&v, t + w * 64 + k * 8, 8);
        word |= ((v * 0x0102040810204080ull) >> 56) << (8 * k);
      }
      dst[w] = word;
    }
  }
#endif
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
  r.rows_padded = (rows + kBitBlock - 1) / kBitBlock * kBitBlock;
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
  r.rows_padded = (rows + kMacBlock - 1) / kMacBlock * kMacBlock;
  r.wt.assign(size_t(r.rows_padded * k), 0);
  for (int64_t o = 0; o < rows; ++o)
    for (int64_t i = 0; i < k; ++i) r.wt[size_t(i * r.rows_padded + o)] = w[size_t(o * k + i)];
  const int64_t k4 = (k + 3) / 4;
  r.w4.assign(size_t(k4 * r.rows_padded * 4), 0);
  r.wsum.assign(size_t(r.rows_padded), 0);
  for (int64_t o = 0; o < rows; ++o)
    for (int64_t i = 0; i < k; ++i) {
      r.w4[size_t(((i / 4) * r.rows_padded + o) * 4 + i % 4)] = w[size_t(o * k + i)];
      r.wsum[size_t(o)] += w[size_t(o * k + i)];
    }
  return r;
}

std::vector<int32_t> binary_conv3x3(const BitTensor& b, int stride, const BitRows& w) {
  const Shape& s = b.shape;
  const int C = s.c;
  const int32_t K = int32_t(9ll * C);
  const int OH = (s.h - 1) / stride + 1, OW = (s.w - 1) / stride + 1;
  const int64_t cout = w.rows;
  // Copy into a frame one pixel wider on each side, all bits 0 (-1): the
  // padding of DESIGN §4, and no bounds checks in the window loop.
  const int PW = s.w + 2, WP = b.words;
  thread_local std::vector<uint64_t> framed;  // reused: no allocation per layer
  framed.assign(size_t(s.h + 2) * size_t(PW) * size_t(WP), 0);
  for (int y = 0; y < s.h; ++y)
    std::copy_n(b.pixel(y, 0), size_t(s.w) * size_t(WP), &framed[(size_t(y + 1) * size_t(PW) + 1) * size_t(WP)]);
  std::vector<int32_t> dot(size_t(OH) * size_t(OW) * size_t(cout));
  const int64_t W = w.words;
  std::vector<uint64_t> win(static_cast<size_t>(2 * W));
  const bool whole_words = C % 64 == 0, divides_word = 64 % C == 0;  // fast paths of put_bits
  auto build = [&](int oy, int ox, uint64_t* dst) {
    std::fill_n(dst, W, 0);
    for (int ky = 0; ky < 3; ++ky) {
      const uint64_t* row = &framed[(size_t(oy * stride + ky) * size_t(PW) + size_t(ox * stride)) * size_t(WP)];
      for (int kx = 0; kx < 3; ++kx) {
        const int64_t pos = int64_t(ky * 3 + kx) * C;
        const uint64_t* px = row + kx * WP;
        if (whole_words)
          std::copy_n(px, WP, &dst[size_t(pos >> 6)]);
        else if (divides_word)
          dst[size_t(pos >> 6)] |= px[0] << (pos & 63);  // never straddles
        else
          put_bits(dst, pos, px, C);
      }
    }
  };
  for (int oy = 0; oy < OH; ++oy) {
    int32_t* out = &dot[size_t(oy) * size_t(OW) * size_t(cout)];
    int ox = 0;
    for (; ox + 1 < OW; ox += 2) {
      build(oy, ox, win.data());
      build(oy, ox + 1, win.data() + W);
      binary_rows2(win.data(), win.data() + W, w, K, out + size_t(ox) * size_t(cout),
                   out + size_t(ox + 1) * size_t(cout));
    }
    if (ox < OW) {
      build(oy, ox, win.data());
      binary_rows(win.data(), w, K, out + size_t(ox) * size_t(cout));
    }
  }
  return dot;
}

std::vector<int32_t> binary_dense_channel(const BitTensor& b, const BitRows& w) {
  const int64_t T = b.shape.tokens(), out = w.rows;
  const int32_t K = b.shape.c;
  std::vector<int32_t> dot(size_t(T) * size_t(out));
  for (int64_t t = 0; t < T; ++t) binary_rows(&b.bits[size_t(t) * size_t(b.words)], w, K, &dot[size_t(t * out)]);
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
  std::vector<int32_t> dot(size_t(J) * size_t(C));
  std::vector<int32_t> col(static_cast<size_t>(J));
  for (int64_t c = 0; c < C; ++c) {
    binary_rows(&tr[size_t(c) * size_t(words)], w, int32_t(T), col.data());
    for (int64_t j = 0; j < J; ++j) dot[size_t(j * C + c)] = col[size_t(j)];
  }
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
  // Windows in groups of four; k x k windows copy one contiguous run per kernel row.
  const size_t stride_win = size_t(K) + 4;
  std::vector<uint8_t> win(4 * stride_win, 0);
  const uint8_t* ap[4];
  int32_t* op[4];
  int n = 0;
  for (int oy = 0; oy < OH; ++oy)
    for (int ox = 0; ox < OW; ++ox) {
      if (k == 1) {
        ap[n] = &f[size_t((int64_t(oy) * stride * PW + int64_t(ox) * stride) * C)];
      } else {
        uint8_t* dst = &win[size_t(n) * stride_win];
        for (int ky = 0; ky < k; ++ky)
          std::copy_n(&f[size_t(((int64_t(oy) * stride + ky) * PW + int64_t(ox) * stride) * C)], size_t(k * C),
                      dst + size_t(ky * k * C));
        ap[n] = dst;
      }
      op[n] = &acc[(size_t(oy) * size_t(OW) + size_t(ox)) * size_t(cout)];
      if (++n == 4) {
        fixed_rows_n(ap, w, op, n);
        n = 0;
      }
    }
  fixed_rows_n(ap, w, op, n);
  return acc;
}

std::vector<int32_t> fixed_dense_channel(const TensorI8& x, const I8Rows& w) {
  const int64_t T = x.shape.tokens(), C = x.shape.c, out = w.rows;
  std::vector<int32_t> acc(size_t(T) * size_t(out));
  const uint8_t* f = biased_frame(x, 0);
  const uint8_t* ap[4];
  int32_t* op[4];
  for (int64_t t0 = 0; t0 < T; t0 += 4) {
    int n = int(std::min<int64_t>(4, T - t0));
    for (int i = 0; i < n; ++i) {
      ap[i] = &f[size_t((t0 + i) * C)];
      op[i] = &acc[size_t((t0 + i) * out)];
    }
    fixed_rows_n(ap, w, op, n);
  }
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

}  // namespace nb
