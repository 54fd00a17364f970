// The AVX-512 kernels: F, BW and VL with VNNI (VPDPBUSD) and VPOPCNTDQ. This
// file alone is built with those flags (CMakeLists.txt); kernels.cpp picks
// this path only on a CPU that has all five. Intrinsics throughout: the
// vectorizer's choices for the generic loops depend on the tuning (with
// -march=native on a Zen 5, GCC 12 tunes for Zen 3 and made the popcount
// loop twice as slow with 128-bit vectors).
#include <immintrin.h>

#include "kernels_generic.h"

namespace nb::isa {
namespace {

// 32 channels at a time, compared as int16 (tau spans -128..128).
void binarize_avx512(const int8_t* x, int64_t pixels, int64_t C, const int16_t* tau, const uint64_t* negbits,
                     int64_t words, uint64_t* bits) {
  binarize_chunks<32>(x, pixels, C, tau, negbits, words, bits, [](const int8_t* px, const int16_t* t, int64_t n) {
    const __mmask32 lm = n == 32 ? ~__mmask32(0) : __mmask32((1u << n) - 1);
    const __m512i x16 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(lm, px));
    return uint32_t(_mm512_cmpge_epi16_mask(x16, _mm512_maskz_loadu_epi16(lm, t)));
  });
}

// VPDPBUSD multiplies unsigned by signed bytes, four to a lane, so the
// activations stay biased (a + 128) and the bias comes back off as
// 128 * sum(w). N windows at once: one weight load feeds N chains.
template <int N>
inline void fixed_rows(const uint8_t* au, int64_t step, const I8RowsRef& w, int32_t* out) {
  const int64_t R = w.rows, RP = w.rows_padded, K4 = (w.k + 3) / 4;
  for (int64_t ob = 0; ob < RP; ob += kBlock) {
    __m512i c[N];
    for (int i = 0; i < N; ++i) c[i] = _mm512_setzero_si512();
    for (int64_t k4 = 0; k4 < K4; ++k4) {
      const __m512i wv = _mm512_loadu_si512(w.w4 + (k4 * RP + ob) * 4);
      for (int i = 0; i < N; ++i) {
        int32_t a4;
        __builtin_memcpy(&a4, au + i * step + 4 * k4, 4);
        c[i] = _mm512_dpbusd_epi32(c[i], _mm512_set1_epi32(a4), wv);
      }
    }
    const __m512i bias = _mm512_slli_epi32(_mm512_loadu_si512(w.wsum + ob), 7);
    const __mmask16 m = __mmask16((1u << imin(kBlock, R - ob)) - 1);
    for (int i = 0; i < N; ++i) _mm512_mask_storeu_epi32(out + i * R + ob, m, _mm512_sub_epi32(c[i], bias));
  }
}

// N windows against a block of 16 rows, eight (one word each) to a vector:
// VPOPCNTQ counts each row's word in its lane.
template <int N>
inline void binary_rows_avx512(const uint64_t* a, const BitRowsRef& w, int32_t K, int32_t* out) {
  const int64_t R = w.rows, RP = w.rows_padded, W = w.words;
  for (int64_t ob = 0; ob < RP; ob += kBlock) {
    __m512i s[N][2];
    for (int i = 0; i < N; ++i) s[i][0] = s[i][1] = _mm512_setzero_si512();
    for (int64_t j = 0; j < W; ++j) {
      const uint64_t* wj = w.t + j * RP + ob;
      const __m512i w0 = _mm512_loadu_si512(wj), w1 = _mm512_loadu_si512(wj + 8);
      for (int i = 0; i < N; ++i) {
        const __m512i av = _mm512_set1_epi64(int64_t(a[i * W + j]));
        s[i][0] = _mm512_add_epi64(s[i][0], _mm512_popcnt_epi64(_mm512_xor_si512(av, w0)));
        s[i][1] = _mm512_add_epi64(s[i][1], _mm512_popcnt_epi64(_mm512_xor_si512(av, w1)));
      }
    }
    const __mmask16 m = __mmask16((1u << imin(kBlock, R - ob)) - 1);
    for (int i = 0; i < N; ++i) {
      const __m512i c =
          _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(s[i][0])), _mm512_cvtepi64_epi32(s[i][1]), 1);
      _mm512_mask_storeu_epi32(out + i * R + ob, m, _mm512_sub_epi32(_mm512_set1_epi32(K), _mm512_add_epi32(c, c)));
    }
  }
}

void binary_dot_avx512(const uint64_t* a, int64_t n, const BitRowsRef& w, int32_t K, int32_t* out) {
  int64_t i = 0;
  for (; i + 2 <= n; i += 2) binary_rows_avx512<2>(a + i * w.words, w, K, out + i * w.rows);
  if (i < n) binary_rows_avx512<1>(a + i * w.words, w, K, out + i * w.rows);
}

void fixed_dot_avx512(const uint8_t* au, int64_t step, int64_t n, const I8RowsRef& w, int16_t*, int32_t* out) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) fixed_rows<4>(au + i * step, step, w, out + i * w.rows);
  for (; i < n; ++i) fixed_rows<1>(au + i * step, step, w, out + i * w.rows);
}

// The merge eight elements a vector in 64-bit lanes: VPMULDQ for the exact
// products, VPSRAQ, the clamp by VPMAXSQ/VPMINSQ and VPMOVQB to bytes.
void merge_avx512(const MergeRef& mp, int sh, bool relu, const int32_t* dot, const int32_t* acc, int8_t* y, int64_t n) {
  const __m512i round = _mm512_set1_epi64(int64_t(1) << (sh - 1));
  const __m128i shv = _mm_cvtsi32_si128(sh);
  const __m512i lo = _mm512_set1_epi64(relu ? 0 : -128), hi = _mm512_set1_epi64(127);
  const auto load8 = [](const int32_t* p) {
    return _mm512_cvtepi32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  };
  merge_blocks(mp, sh, relu, dot, acc, y, n, [&](int64_t e, int64_t j) {
    __m512i z = _mm512_add_epi64(_mm512_mul_epi32(load8(mp.m1 + j), load8(dot + e + j)),
                                 _mm512_mul_epi32(load8(mp.m2 + j), load8(acc + e + j)));
    z = _mm512_add_epi64(_mm512_add_epi64(z, _mm512_loadu_si512(mp.bias + j)), round);
    z = _mm512_min_epi64(_mm512_max_epi64(_mm512_sra_epi64(z, shv), lo), hi);
    return uint64_t(_mm_cvtsi128_si64(_mm512_cvtepi64_epi8(z)));
  });
}

}  // namespace

extern const Ops kAvx512 = {"avx512", binarize_avx512, binary_dot_avx512, fixed_dot_avx512, merge_avx512};

}  // namespace nb::isa
