// The AVX2 kernels (Haswell, Zen 1-3 and later): int8 products by VPMADDWD on
// activations widened to int16, popcounts by nibble table lookups (VPSHUFB)
// summed with VPSADBW. This file alone is built with -mavx2
// (CMakeLists.txt); kernels.cpp picks this path only on a CPU that has it.
#include <immintrin.h>

#include "kernels_generic.h"

namespace nb::isa {
namespace {

// 16 channels at a time, sign-extended to int16 and compared with tau: the
// bits of x >= tau, that is NOT(tau > x).
void binarize_avx2(const int8_t* x, int64_t pixels, int64_t C, const int16_t* tau, const uint64_t* negbits,
                   int64_t words, uint64_t* bits) {
  binarize_chunks<16>(x, pixels, C, tau, negbits, words, bits, [](const int8_t* px, const int16_t* t, int64_t n) {
    __m128i xv;
    __m256i tv;
    if (n == 16) {
      xv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(px));
      tv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t));
    } else {  // the last channels: no reads past the pixel or tau
      int8_t xb[16] = {0};
      int16_t tb[16] = {0};
      for (int64_t c = 0; c < n; ++c) xb[c] = px[c], tb[c] = t[c];
      xv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(xb));
      tv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(tb));
    }
    const __m256i lt = _mm256_cmpgt_epi16(tv, _mm256_cvtepi8_epi16(xv));
    return ~uint32_t(_mm_movemask_epi8(_mm_packs_epi16(_mm256_castsi256_si128(lt), _mm256_extracti128_si256(lt, 1))));
  });
}

// Popcount of every byte (Mula): a table lookup per nibble.
inline __m256i popcount_bytes(__m256i x) {
  const __m256i table =
      _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(x, low));
  const __m256i hi = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
  return _mm256_add_epi8(lo, hi);
}

// Stores rows ob.. of a block (16 int32), only the first m when the block
// passes the last row.
inline void store_block(int32_t* out, __m256i lo, __m256i hi, int64_t m) {
  if (m == kBlock) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), lo);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 8), hi);
    return;
  }
  int32_t t[kBlock];
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(t), lo);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(t + 8), hi);
  for (int64_t o = 0; o < m; ++o) out[o] = t[o];
}

// One window against every row, blocks of 16 rows, four (one word each) to
// a vector. Byte counters take up to 31 words (8 a word, below 256), then
// VPSADBW sums each row's bytes into its 64-bit lane. (One window at a time:
// two sharing the weight loads need more registers than there are.)
inline void binary_rows_avx2(const uint64_t* a, const BitRowsRef& w, int32_t K, int32_t* out) {
  const int64_t R = w.rows, RP = w.rows_padded, W = w.words;
  const __m256i zero = _mm256_setzero_si256();
  for (int64_t ob = 0; ob < RP; ob += kBlock) {
    __m256i s[4] = {zero, zero, zero, zero};
    for (int64_t j0 = 0; j0 < W; j0 += 31) {
      __m256i c[4] = {zero, zero, zero, zero};
      for (int64_t j = j0; j < imin(W, j0 + 31); ++j) {
        const uint64_t* wj = w.t + j * RP + ob;
        const __m256i av = _mm256_set1_epi64x(int64_t(a[j]));
        for (int v = 0; v < 4; ++v) {
          const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wj + 4 * v));
          c[v] = _mm256_add_epi8(c[v], popcount_bytes(_mm256_xor_si256(av, wv)));
        }
      }
      for (int v = 0; v < 4; ++v) s[v] = _mm256_add_epi64(s[v], _mm256_sad_epu8(c[v], zero));
    }
    // Counts are in the low halves of the 64-bit lanes: interleave two
    // vectors' (rows 0-3 and 4-7 give 0 4 1 5 2 6 3 7) and put them in order.
    const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    const __m256i k = _mm256_set1_epi32(K);
    __m256i lo = _mm256_permutevar8x32_epi32(_mm256_or_si256(s[0], _mm256_slli_epi64(s[1], 32)), order);
    __m256i hi = _mm256_permutevar8x32_epi32(_mm256_or_si256(s[2], _mm256_slli_epi64(s[3], 32)), order);
    lo = _mm256_sub_epi32(k, _mm256_add_epi32(lo, lo));
    hi = _mm256_sub_epi32(k, _mm256_add_epi32(hi, hi));
    store_block(out + ob, lo, hi, imin(kBlock, R - ob));
  }
}

void binary_dot_avx2(const uint64_t* a, int64_t n, const BitRowsRef& w, int32_t K, int32_t* out) {
  for (int64_t i = 0; i < n; ++i) binary_rows_avx2(a + i * w.words, w, K, out + i * w.rows);
}

// au XOR 0x80 (the signed activation) as int16, zero-padded to kp.
inline void widen(const uint8_t* au, int64_t k, int64_t kp, int16_t* dst) {
  const __m128i flip = _mm_set1_epi8(char(0x80));
  int64_t j = 0;
  for (; j + 16 <= k; j += 16) {
    const __m128i v = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(au + j)), flip);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + j), _mm256_cvtepi8_epi16(v));
  }
  for (; j < k; ++j) dst[j] = int16_t(int(au[j]) - 128);
  for (; j < kp; ++j) dst[j] = 0;
}

// VPMADDWD: 8 rows x a pair of products per instruction against the
// pair-interleaved weights (w2), exact (each product within 2^14). N
// windows at once, widened to int16 rows of kp in scratch.
template <int N>
inline void fixed_rows(const int16_t* a, int64_t kp, const I8RowsRef& w, int32_t* out) {
  const int64_t R = w.rows, RP = w.rows_padded, K2 = (w.k + 1) / 2;
  for (int64_t ob = 0; ob < RP; ob += kBlock) {
    __m256i c0[N], c1[N];
    for (int i = 0; i < N; ++i) c0[i] = c1[i] = _mm256_setzero_si256();
    const int16_t* wk = w.w2 + ob * 2;
    for (int64_t k2 = 0; k2 < K2; ++k2, wk += RP * 2) {
      const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wk));
      const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wk + 16));
      for (int i = 0; i < N; ++i) {
        int32_t pair;
        __builtin_memcpy(&pair, a + i * kp + 2 * k2, 4);
        const __m256i av = _mm256_set1_epi32(pair);
        c0[i] = _mm256_add_epi32(c0[i], _mm256_madd_epi16(av, w0));
        c1[i] = _mm256_add_epi32(c1[i], _mm256_madd_epi16(av, w1));
      }
    }
    for (int i = 0; i < N; ++i) store_block(out + i * R + ob, c0[i], c1[i], imin(kBlock, R - ob));
  }
}

void fixed_dot_avx2(const uint8_t* au, int64_t step, int64_t n, const I8RowsRef& w, int16_t* scratch, int32_t* out) {
  const int64_t kp = fixed_scratch(w.k) / 4;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int j = 0; j < 4; ++j) widen(au + (i + j) * step, w.k, kp, scratch + j * kp);
    fixed_rows<4>(scratch, kp, w, out + i * w.rows);
  }
  for (; i < n; ++i) {
    widen(au + i * step, w.k, kp, scratch);
    fixed_rows<1>(scratch, kp, w, out + i * w.rows);
  }
}

// Four elements of the merge in 64-bit lanes, clamped to [lo, hi]. VPMULDQ
// gives the exact int32 x int32 products. AVX2 has no 64-bit arithmetic
// shift: the shift is logical and the sign is put back by (t ^ m) - m, m the
// sign bit's new place.
inline __m128i merge4_int64(const int32_t* m1, const int32_t* m2, const int64_t* bias, const int32_t* dot,
                            const int32_t* acc, __m256i round, __m128i sh, __m256i sign, __m256i lo, __m256i hi) {
  const auto load4 = [](const int32_t* p) {
    return _mm256_cvtepi32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  };
  __m256i z = _mm256_add_epi64(_mm256_mul_epi32(load4(m1), load4(dot)), _mm256_mul_epi32(load4(m2), load4(acc)));
  z = _mm256_add_epi64(z, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias)));
  z = _mm256_srl_epi64(_mm256_add_epi64(z, round), sh);
  z = _mm256_sub_epi64(_mm256_xor_si256(z, sign), sign);
  z = _mm256_blendv_epi8(z, lo, _mm256_cmpgt_epi64(lo, z));
  z = _mm256_blendv_epi8(z, hi, _mm256_cmpgt_epi64(z, hi));
  // The low halves of the lanes: every value is in int8's range already.
  return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(z, _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0)));
}

// Four elements in double precision, from factors converted per block (f1,
// f2, and fb = bias + the rounding term). With |m1|, |m2| <= 2^17 and
// |bias| <= 2^47 every product of an int32 by a factor and every sum below
// is an integer under 2^50, so exact; scaling by 2^-sh and flooring are
// exact too.
inline __m128i merge4_double(const double* f1, const double* f2, const double* fb, const int32_t* dot,
                             const int32_t* acc, __m256d scale, __m256d lo, __m256d hi) {
  const __m256d d = _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(dot)));
  const __m256d a = _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc)));
  __m256d z = _mm256_add_pd(_mm256_mul_pd(_mm256_loadu_pd(f1), d), _mm256_mul_pd(_mm256_loadu_pd(f2), a));
  z = _mm256_floor_pd(_mm256_mul_pd(_mm256_add_pd(z, _mm256_loadu_pd(fb)), scale));
  return _mm256_cvtpd_epi32(_mm256_min_pd(_mm256_max_pd(z, lo), hi));  // integral and in range: exact
}

// Two results of four int32 (each within int8) as eight bytes.
inline uint64_t bytes8(__m128i a, __m128i b) {
  const __m128i w = _mm_packs_epi32(a, b);
  return uint64_t(_mm_cvtsi128_si64(_mm_packs_epi16(w, w)));
}

// The merge in doubles when the factors are within the contract's widths
// (AVX2 has no 64-bit arithmetic shift, min or max: doubles need about half
// the instructions), else in 64-bit integers.
void merge_avx2(const MergeRef& mp, int sh, bool relu, const int32_t* dot, const int32_t* acc, int8_t* y, int64_t n) {
  constexpr int64_t kMaxBlock = 512;  // factors converted on the stack
  const int64_t B = mp.block;
  bool exact = B <= kMaxBlock;
  for (int64_t j = 0; j < B && exact; ++j)
    exact = mp.m1[j] >= -(1 << 17) && mp.m1[j] <= (1 << 17) && mp.m2[j] >= -(1 << 17) && mp.m2[j] <= (1 << 17) &&
            mp.bias[j] >= -(int64_t(1) << 47) && mp.bias[j] <= (int64_t(1) << 47);
  if (exact) {
    double f1[kMaxBlock], f2[kMaxBlock], fb[kMaxBlock];
    for (int64_t j = 0; j < B; ++j)
      f1[j] = double(mp.m1[j]), f2[j] = double(mp.m2[j]), fb[j] = double(mp.bias[j] + (int64_t(1) << (sh - 1)));
    const __m256d scale = _mm256_set1_pd(1.0 / double(int64_t(1) << sh));
    const __m256d lo = _mm256_set1_pd(relu ? 0.0 : -128.0), hi = _mm256_set1_pd(127.0);
    merge_blocks(mp, sh, relu, dot, acc, y, n, [&](int64_t e, int64_t j) {
      return bytes8(merge4_double(f1 + j, f2 + j, fb + j, dot + e + j, acc + e + j, scale, lo, hi),
                    merge4_double(f1 + j + 4, f2 + j + 4, fb + j + 4, dot + e + j + 4, acc + e + j + 4, scale, lo, hi));
    });
    return;
  }
  const __m256i round = _mm256_set1_epi64x(int64_t(1) << (sh - 1));
  const __m128i shv = _mm_cvtsi32_si128(sh);
  const __m256i sign = _mm256_set1_epi64x(int64_t(uint64_t(1) << (63 - sh)));
  const __m256i lo = _mm256_set1_epi64x(relu ? 0 : -128), hi = _mm256_set1_epi64x(127);
  merge_blocks(mp, sh, relu, dot, acc, y, n, [&](int64_t e, int64_t j) {
    return bytes8(merge4_int64(mp.m1 + j, mp.m2 + j, mp.bias + j, dot + e + j, acc + e + j, round, shv, sign, lo, hi),
                  merge4_int64(mp.m1 + j + 4, mp.m2 + j + 4, mp.bias + j + 4, dot + e + j + 4, acc + e + j + 4, round,
                               shv, sign, lo, hi));
  });
}

}  // namespace

extern const Ops kAvx2 = {"avx2", binarize_avx2, binary_dot_avx2, fixed_dot_avx2, merge_avx2};

}  // namespace nb::isa
