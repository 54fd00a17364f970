// The AVX-512 kernels: F, BW and VL with VNNI (VPDPBUSD) and VPOPCNTDQ. This
// file alone is built with those flags (CMakeLists.txt); kernels.cpp picks
// this path only on a CPU that has all five. The binary and merge loops are
// the generic ones, which the vectorizer turns into VPOPCNTQ, VPMULDQ and
// VPSRAQ here.
#include <immintrin.h>

#include "kernels_generic.h"

namespace nb::isa {
namespace {

// 32 channels at a time: compared as int16 (tau spans -128..128), XOR neg.
void binarize_avx512(const int8_t* x, int64_t pixels, int64_t C, const int16_t* tau, const uint64_t* negbits,
                     int64_t words, uint64_t* bits) {
  for (int64_t p = 0; p < pixels; ++p) {
    const int8_t* px = x + p * C;
    uint64_t* dst = bits + p * words;
    for (int64_t c0 = 0; c0 < C; c0 += 32) {
      const int64_t n = imin(32, C - c0);
      const __mmask32 lm = n == 32 ? ~__mmask32(0) : __mmask32((1u << n) - 1);
      const __m512i x16 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(lm, px + c0));
      const __m512i t16 = _mm512_maskz_loadu_epi16(lm, tau + c0);
      const uint32_t neg = uint32_t(negbits[c0 >> 6] >> (c0 & 63));
      const uint32_t b = (uint32_t(_mm512_cmpge_epi16_mask(x16, t16)) ^ neg) & uint32_t(lm);
      dst[c0 >> 6] |= uint64_t(b) << (c0 & 63);
    }
  }
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

void fixed_dot_avx512(const uint8_t* au, int64_t step, int64_t n, const I8RowsRef& w, int16_t*, int32_t* out) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) fixed_rows<4>(au + i * step, step, w, out + i * w.rows);
  for (; i < n; ++i) fixed_rows<1>(au + i * step, step, w, out + i * w.rows);
}

}  // namespace

extern const Ops kAvx512 = {"avx512", binarize_avx512, binary_dot_generic, fixed_dot_avx512, merge_generic};

}  // namespace nb::isa
