// The Blend compiler: folds batch norms into binarization thresholds
// (tau, neg) and requantization (M1, M2, bias, sh), quantizes weights to int8
// per output channel, calibrates activation scales, and proves per layer that
// no value overflows its width (DESIGN §4).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "neuroblend/model.h"
#include "neuroblend/params.h"
#include "neuroblend/tensor.h"

namespace nb {

// One compiled layer: exactly what the golden model and the RTL execute.
struct QLayer {
  std::string name;
  LayerKind kind = LayerKind::Conv;
  Shape in, out;
  int kernel = 0, stride = 1, pad = 0;
  SkipKind skip = SkipKind::None;
  Axis axis = Axis::Channel;
  Act act = Act::None;
  bool logits = false;
  int wbits = 8;
  int sh = 1;  // requantize shift (logits: z = logit * 2^sh, not applied)

  int64_t kbin = 0;             // binary taps per output (DESIGN §4 K)
  std::vector<uint8_t> wbin;    // [rows][kbin], 1 = +1; rows = out channels, or out tokens (token axis)
  std::vector<int16_t> tau;     // [in channels]
  std::vector<uint8_t> neg;     // [in channels]
  int64_t kfix = 0;             // fixed-point taps per output (0: identity or none)
  std::vector<int8_t> wfix;     // [rows][kfix]
  std::vector<int32_t> m1, m2;  // [out channels], signed 18-bit
  std::vector<int64_t> bias;    // [out channels], signed 48-bit

  // Compiler-side facts, not used by the arithmetic.
  double out_scale = 1.0;  // float value of one output LSB (logits: 2^-sh)
  int64_t acc_bound = 0;   // proven max |acc|
  int64_t z_bound = 0;     // proven max |z + rounding|

  int64_t rows() const { return axis == Axis::Token ? out.tokens() : out.c; }
};

struct CompiledModel {
  std::string model;  // model name
  Shape input;
  int classes = 0;
  std::vector<QLayer> layers;
};

struct CompileOptions {
  int calib_images = 32;  // synthetic calibration images, if calib is empty
  uint64_t calib_seed = 7;
  std::vector<Image> calib;  // calibration inputs (images of the model's shape)
};

CompiledModel compile(const ModelSpec& m, const Params& p, const CompileOptions& opt = {});

// The calibration's largest |value| of a tensor, rounded up to
// kCalibrationBits significant bits; a tensor's scale is this / 127. The
// float forward pass sums in an order that depends on the build's vector
// code (Eigen: SSE2 or AVX), which moves the largest value by a few ulps;
// rounded, it is the same on every build (unless that noise straddles a
// step of 2^-8 relative: rare), and so is the compiled program.
constexpr int kCalibrationBits = 8;
double calibration_bound(double max_abs);

// The pieces, exposed for tests.
struct Threshold {
  int16_t tau = 0;
  uint8_t neg = 0;
};
// (tau, neg) such that binarize(q, tau, neg) == (a * dequant(q) + b >= 0) for
// every int8 q, where dequant(q) = scale * q + offset, all in float exactly as
// the float model evaluates it. Throws if no such pair exists (NaN input).
Threshold derive_threshold(float a, float b, float scale, float offset);
inline float dequant(float scale, float offset, int q) {
  return scale * float(q) + offset;
}

// Per output channel, in output LSBs: y = g1*dot + g2*acc + off.
struct RequantTarget {
  std::vector<double> g1, g2, off;
  std::vector<int64_t> acc_bound;  // max |acc| per channel
  int64_t dot_bound = 0;           // max |dot| (= K)
};
struct RequantFit {
  int sh = 0;
  std::vector<int32_t> m1, m2;
  std::vector<int64_t> bias;
  int64_t z_bound = 0;
};
// Largest sh in [1, 47] for which M1, M2 fit 18 bits and z (with its rounding
// constant) fits 48 bits on every channel; throws naming `where` otherwise.
RequantFit fit_requant(const RequantTarget& t, const std::string& where);

}  // namespace nb
