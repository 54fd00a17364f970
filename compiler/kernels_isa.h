// The inner loops of the kernels, once per instruction set, behind the
// dispatch in kernels.cpp. Each set is its own translation unit built with
// that set's flags (CMakeLists.txt); the rest of the library is built for the
// target's baseline, so one build runs on any CPU and only the path the CPU
// supports ever executes.
//
// These translation units see raw pointers only and use no library code but
// intrinsics and nb::requantize (static): an inline or template function
// emitted there would be built with the wide instruction set, and the linker
// could pick that copy for the baseline code too. Their helpers have internal
// linkage, and each defines one external symbol, its table: no code another
// object could link to (tests/isa_symbols.sh checks the objects).
#pragma once
#include <cstdint>

namespace nb::isa {

// Rows are padded to a multiple of this (BitRows, I8Rows::rows_padded), so the
// kernels run over whole blocks of rows.
constexpr int64_t kRowBlock = 16;

// BitRows: the transposed rows ([words][rows_padded], padding rows zero).
struct BitRowsRef {
  const uint64_t* t;
  int64_t rows, rows_padded;
  int64_t words;
};

// I8Rows in each path's layout.
struct I8RowsRef {
  const int16_t* wt;    // [k][rows_padded]
  const int16_t* w2;    // [(k+1)/2][rows_padded][2]
  const int8_t* w4;     // [(k+3)/4][rows_padded][4]
  const int32_t* wsum;  // [rows_padded]
  int64_t rows, rows_padded, k;
};

// The per-channel merge factors, repeated to a block of whole positions.
struct MergeRef {
  const int32_t* m1;
  const int32_t* m2;
  const int64_t* bias;
  int64_t block;
};

// int16 scratch fixed_dot may use, for activations of k elements. (static:
// an inline function here would be emitted, unoptimized, as a shared symbol.)
static constexpr int64_t fixed_scratch(int64_t k) {
  return 4 * ((k + 15) / 16 * 16);
}

struct Ops {
  const char* name;
  // bits of `pixels` pixels of c channels, `words` words each (zeroed by
  // the caller): (x >= tau[c]) XOR the bit of negbits (one pixel's words).
  void (*binarize)(const int8_t* x, int64_t pixels, int64_t c, const int16_t* tau, const uint64_t* negbits,
                   int64_t words, uint64_t* bits);
  // out[i*rows + o] = K - 2 * popcount(a_i XOR w_o) for n windows
  // a_i = a + i*w.words.
  void (*binary_dot)(const uint64_t* a, int64_t n, const BitRowsRef& w, int32_t K, int32_t* out);
  // out[i*rows + o] = sum_j (au_i[j] - 128) * w_o[j] for n windows au_i =
  // au + i*step, biased activations (a XOR 0x80) readable up to 4 bytes past
  // k; scratch holds fixed_scratch(k) int16.
  void (*fixed_dot)(const uint8_t* au, int64_t step, int64_t n, const I8RowsRef& w, int16_t* scratch, int32_t* out);
  // y[e] = requantize(m1*dot[e] + m2*acc[e] + bias, sh, relu), the factors of
  // element e at e % block.
  void (*merge)(const MergeRef& m, int sh, bool relu, const int32_t* dot, const int32_t* acc, int8_t* y, int64_t n);
};

// One table per translation unit; kernels.cpp uses those the build has
// (NB_KERNELS_AVX2, NB_KERNELS_AVX512).
extern const Ops kPortable;
extern const Ops kAvx2;
extern const Ops kAvx512;

}  // namespace nb::isa
