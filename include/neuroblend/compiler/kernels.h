// Integer kernels of the deployed semantics (DESIGN §4), shared by the golden
// model and the tests. Binary data is bit-packed 64 to a word here; the
// compiled program stores 48-bit words for the DSP (docs/program-format.md).
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "neuroblend/hw_spec.h"
#include "neuroblend/tensor.h"

namespace nb {

// The datapath's value ranges, from the hardware specification's widths.
constexpr int64_t kZMax = (int64_t(1) << (hw::kZBits - 1)) - 1;  // z, bias: signed 48-bit
constexpr int64_t kZMin = -(int64_t(1) << (hw::kZBits - 1));
constexpr int32_t kMMax = (1 << (hw::kMBits - 1)) - 1;  // M1, M2: signed 18-bit
constexpr int32_t kMMin = -(1 << (hw::kMBits - 1));

// bit = (x >= tau) XOR neg; 1 means +1, 0 means -1.
inline int binarize(int x, int tau, int neg) {
  return int(x >= tau) ^ (neg & 1);
}

// y = sat8((z + 2^(sh-1)) >> sh), then relu if asked.
// sat8 then relu is one clamp to [relu ? 0 : -128, 127]; written without
// branches so the merge loop vectorizes. static: the kernels built for wide
// instruction sets use it too, and must not emit a copy the rest of the
// program could link to (compiler/kernels_isa.h).
static inline int8_t requantize(int64_t z, int sh, bool relu) {
  int64_t t = (z + (int64_t(1) << (sh - 1))) >> sh;
  const int64_t lo = relu ? 0 : -128;
  t = t < lo ? lo : t;
  t = t > 127 ? 127 : t;
  return int8_t(t);
}

// Bits of every pixel of a tensor, `words` uint64 per pixel (bit c of pixel p
// is bit c%64 of word c/64).
struct BitTensor {
  Shape shape;
  int words = 0;
  std::vector<uint64_t> bits;
  const uint64_t* pixel(int y, int x) const { return &bits[(size_t(y) * size_t(shape.w) + size_t(x)) * size_t(words)]; }
};
// Kernel paths: the instruction set the kernels' inner loops run on, chosen
// at run time so one build runs on any CPU. Every path gives the same bits.
//   "avx512"   AVX-512 F, BW and VL with VNNI and VPOPCNTDQ
//   "avx2"     AVX2
//   "portable" plain C++, any CPU and architecture
// The first kernel call takes the path the environment variable NB_KERNELS
// names, or else the best this CPU supports; an unknown path, or one the CPU
// or the build lacks, is an Error then.
const char* kernel_isa();  // the path in use
// The paths this build and CPU can run, portable first, best last.
std::vector<std::string> kernel_isas();
// Uses the named path from now on, in every thread ("auto": the best); Error
// if unknown or not supported here.
void set_kernel_isa(const std::string& name);

BitTensor binarize_tensor(const TensorI8& x, const std::vector<int16_t>& tau, const std::vector<uint8_t>& neg);

// Rows of K bits packed 64 to a word, tail bits zero; also kept transposed
// ([word][row]) so the kernels run across output channels in SIMD.
struct BitRows {
  int64_t rows = 0, k = 0;
  int words = 0;
  int64_t rows_padded = 0;       // rows rounded up to the SIMD block
  std::vector<uint64_t> bits;    // [rows][words]
  std::vector<uint64_t> bits_t;  // [words][rows_padded], padding rows zero
  const uint64_t* row(int64_t r) const { return &bits[size_t(r) * size_t(words)]; }
};

// int8 weight rows [rows][k], also transposed and widened ([k][rows], int16).
struct I8Rows {
  int64_t rows = 0, k = 0;
  int64_t rows_padded = 0;
  std::vector<int8_t> w;      // [rows][k]
  std::vector<int16_t> wt;    // [k][rows_padded], padding rows zero
  std::vector<int16_t> w2;    // [k/2][rows_padded][2] for VPMADDWD, zero padded
  std::vector<int8_t> w4;     // [k/4][rows_padded][4] for VPDPBUSD, zero padded
  std::vector<int32_t> wsum;  // [rows_padded]: sum of each row
};
I8Rows prepare_rows(const std::vector<int8_t>& w, int64_t rows, int64_t k);
// From one byte per bit ([rows][k], values 0/1).
BitRows pack_rows(const std::vector<uint8_t>& b, int64_t rows, int64_t k);

// Binary 3x3 convolution, pad 1 with -1, windows flattened (ky, kx, c):
// dot[(oy*OW + ox)*cout + o] = 2*popcount(XNOR(window, w[o])) - 9*C.
std::vector<int32_t> binary_conv3x3(const BitTensor& b, int stride, const BitRows& w);
// Binary dense over channels, per token: dot[t*out + o], K = C.
std::vector<int32_t> binary_dense_channel(const BitTensor& b, const BitRows& w);
// Binary dense over tokens, per channel: dot[j*C + c], K = tokens.
std::vector<int32_t> binary_dense_token(const BitTensor& b, const BitRows& w);

// Fixed-point k x k convolution, pad with int8 0, weights [cout][ky][kx][c]:
// acc[(oy*OW + ox)*cout + o].
std::vector<int32_t> fixed_conv(const TensorI8& x, int k, int stride, int pad, const I8Rows& w);
// Dense over channels per token (acc[t*out + o]) and over tokens per channel (acc[j*C + c]).
std::vector<int32_t> fixed_dense_channel(const TensorI8& x, const I8Rows& w);
std::vector<int32_t> fixed_dense_token(const TensorI8& x, const I8Rows& w);

// A layer's per-channel merge factors, repeated over whole positions to a
// block of at least 64 elements (so the merge loop vectorizes for 16-channel
// layers too).
struct MergeParams {
  std::vector<int32_t> m1, m2;
  std::vector<int64_t> bias;
};
// y[e] = requantize(M1*dot[e] + M2*acc[e] + bias, sh, relu) over n elements,
// the factors of element e at e % mp.m1.size().
void merge_requantize(const MergeParams& mp, int sh, bool relu, const int32_t* dot, const int32_t* acc, int8_t* y,
                      int64_t n);

}  // namespace nb
