// The kernels as plain loops, which the compiler vectorizes for whatever
// instruction set the including translation unit is built with: the portable
// path. The SIMD paths take the helpers, the scalar requantize and the merge's
// loop over blocks from here. Internal linkage throughout: see kernels_isa.h.
#pragma once
#include <cstdint>

#include "kernels_isa.h"
#include "neuroblend/compiler/kernels.h"

namespace nb::isa {
namespace {

constexpr int64_t kBlock = kRowBlock;

inline int64_t imin(int64_t a, int64_t b) {
  return a < b ? a : b;
}

// Without a popcount instruction (the x86-64 baseline) a few shifts and adds
// that the vectorizer takes, not a call into libgcc per word.
inline uint64_t popcount64(uint64_t x) {
#if defined(__x86_64__) && !defined(__POPCNT__)
  x -= (x >> 1) & 0x5555555555555555ull;
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  x += x >> 8;
  x += x >> 16;
  x += x >> 32;
  return x & 0x7f;
#else
  return uint64_t(__builtin_popcountll(x));
#endif
}

// Eight bytes of 0/1 to eight bits, byte k to bit k.
inline uint64_t pack8(const uint8_t* t) {
  uint64_t v;
  __builtin_memcpy(&v, t, 8);
  return (v * 0x0102040810204080ull) >> 56;
}

// One byte per bit first (a loop that vectorizes), then the bytes of each
// word to bits with a multiply.
inline void binarize_generic(const int8_t* __restrict x, int64_t pixels, int64_t C, const int16_t* __restrict tau,
                             const uint64_t* __restrict negbits, int64_t words, uint64_t* __restrict bits) {
  for (int64_t p = 0; p < pixels; ++p) {
    const int8_t* __restrict px = x + p * C;
    for (int64_t w = 0; w < words; ++w) {
      uint8_t t[64] = {0};
      const int64_t c0 = w * 64, n = imin(64, C - c0);
      for (int64_t c = 0; c < n; ++c) t[c] = uint8_t(int16_t(px[c0 + c]) >= tau[c0 + c]);
      uint64_t word = 0;
      for (int k = 0; k < 8; ++k) word |= pack8(t + 8 * k) << (8 * k);
      bits[p * words + w] = word ^ negbits[w];
    }
  }
}

// N windows against every row: out[i*R + o] = K - 2 * popcount(a_i XOR w_o).
// Blocks of kBlock rows with a constant trip count, so the inner loop
// vectorizes (VPOPCNTQ where the instruction set has it); one pass over the
// weights feeds N independent accumulator chains.
template <int N>
inline void binary_rows(const uint64_t* __restrict a, const BitRowsRef& w, int32_t K, int32_t* __restrict out) {
  const int64_t R = w.rows, RP = w.rows_padded, W = w.words;
  for (int64_t ob = 0; ob < RP; ob += kBlock) {
    uint64_t m[N][kBlock] = {};
    for (int64_t j = 0; j < W; ++j) {
      const uint64_t* __restrict wj = w.t + j * RP + ob;
      for (int i = 0; i < N; ++i) {
        const uint64_t x = a[i * W + j];
        for (int64_t o = 0; o < kBlock; ++o) m[i][o] += popcount64(x ^ wj[o]);
      }
    }
    const int64_t n = imin(kBlock, R - ob);
    for (int i = 0; i < N; ++i)
      for (int64_t o = 0; o < n; ++o) out[i * R + ob + o] = K - 2 * int32_t(m[i][o]);
  }
}

inline void binary_dot_generic(const uint64_t* a, int64_t n, const BitRowsRef& w, int32_t K, int32_t* out) {
  int64_t i = 0;
  for (; i + 2 <= n; i += 2) binary_rows<2>(a + i * w.words, w, K, out + i * w.rows);
  if (i < n) binary_rows<1>(a + i * w.words, w, K, out + i * w.rows);
}

// Transposed int16 weights; the inner loop vectorizes.
inline void fixed_dot_generic(const uint8_t* au, int64_t step, int64_t n, const I8RowsRef& w, int16_t*, int32_t* out) {
  const int64_t R = w.rows, RP = w.rows_padded, K = w.k;
  for (int64_t win = 0; win < n; ++win) {
    const uint8_t* __restrict a = au + win * step;
    int32_t* __restrict dst = out + win * R;
    for (int64_t ob = 0; ob < RP; ob += kBlock) {
      int32_t acc[kBlock] = {0};
      for (int64_t i = 0; i < K; ++i) {
        const int32_t ai = int32_t(a[i]) - 128;
        const int16_t* __restrict wi = w.wt + i * RP + ob;
        for (int64_t o = 0; o < kBlock; ++o) acc[o] += ai * int32_t(wi[o]);
      }
      const int64_t m = imin(kBlock, R - ob);
      for (int64_t o = 0; o < m; ++o) dst[ob + o] = acc[o];
    }
  }
}

// The SIMD paths' binarize: ge(px, tau, n), the bits of x >= tau for the n
// channels from px (at most Chunk, a divisor of 64: a chunk never straddles
// a word), XOR neg, into place.
template <int Chunk, typename Ge>
inline void binarize_chunks(const int8_t* x, int64_t pixels, int64_t C, const int16_t* tau, const uint64_t* negbits,
                            int64_t words, uint64_t* bits, Ge ge) {
  static_assert(64 % Chunk == 0 && Chunk <= 32, "chunks of a word");
  for (int64_t p = 0; p < pixels; ++p) {
    const int8_t* px = x + p * C;
    uint64_t* dst = bits + p * words;
    for (int64_t c0 = 0; c0 < C; c0 += Chunk) {
      const int64_t n = imin(Chunk, C - c0);
      const uint32_t neg = uint32_t(negbits[c0 >> 6] >> (c0 & 63));
      const uint32_t mask = n == 32 ? ~0u : (1u << n) - 1;
      dst[c0 >> 6] |= uint64_t((ge(px + c0, tau + c0, n) ^ neg) & mask) << (c0 & 63);
    }
  }
}

// The SIMD paths' merge: eight(e, j), the eight results from element e + j
// as bytes, over each block of whole positions, then the rest of the block
// one by one.
template <typename Eight>
inline void merge_blocks(const MergeRef& mp, int sh, bool relu, const int32_t* dot, const int32_t* acc, int8_t* y,
                         int64_t n, Eight eight) {
  const int64_t B = mp.block;
  for (int64_t e = 0; e < n; e += B) {
    const int64_t m = imin(B, n - e);
    int64_t j = 0;
    for (; j + 8 <= m; j += 8) {
      const uint64_t v = eight(e, j);
      __builtin_memcpy(y + e + j, &v, 8);
    }
    for (; j < m; ++j)
      y[e + j] = requantize(int64_t(mp.m1[j]) * dot[e + j] + int64_t(mp.m2[j]) * acc[e + j] + mp.bias[j], sh, relu);
  }
}

// A block of whole positions at least 64 long gives the loop over it a trip
// count the vectorizer can use even for 16-channel layers.
inline void merge_generic(const MergeRef& mp, int sh, bool relu, const int32_t* __restrict dot,
                          const int32_t* __restrict acc, int8_t* __restrict y, int64_t n) {
  const int64_t B = mp.block;
  const int32_t* __restrict m1 = mp.m1;
  const int32_t* __restrict m2 = mp.m2;
  const int64_t* __restrict bias = mp.bias;
  int64_t e = 0;
  for (; e + B <= n; e += B)
    for (int64_t j = 0; j < B; ++j)
      y[e + j] = requantize(int64_t(m1[j]) * dot[e + j] + int64_t(m2[j]) * acc[e + j] + bias[j], sh, relu);
  for (int64_t j = 0; e + j < n; ++j)  // the last positions (fewer than a block)
    y[e + j] = requantize(int64_t(m1[j]) * dot[e + j] + int64_t(m2[j]) * acc[e + j] + bias[j], sh, relu);
}

}  // namespace
}  // namespace nb::isa
