// Float reference of a model (DESIGN §2), with Eigen. The yardstick for the
// integer model's quantization error; not bit-exact with anything.
#pragma once
#include <vector>

#include "neuroblend/model.h"
#include "neuroblend/params.h"
#include "neuroblend/tensor.h"

namespace nb {

// The network input in float: scale[c] * (pixel - 128) + offset[c], which is
// (pixel/255 - mean[c]) / std[c]. The integer model sees int8 (pixel - 128),
// so this is also the dequantization of the input tensor.
struct InputQuant {
  std::vector<float> scale, offset;
};
InputQuant input_quant(const ModelSpec& m);

// Intermediate values of one layer, for batch-norm fitting and debugging.
struct FloatInternals {
  TensorF main;  // binary path before BN_m (the integer dot), blend layers
  TensorF skip;  // skip path before BN_s, blend layers
  TensorF pre;   // conv before its BN; blend: BN_m(main) + BN_s(skip)
};

TensorF float_input(const ModelSpec& m, const Image& img);
// Runs layer i on x. `internals`, when given, receives the intermediates.
TensorF float_layer(const ModelSpec& m, size_t i, const LayerParams& p, const TensorF& x,
                    FloatInternals* internals = nullptr);
// Outputs of every layer (the last is the logits, 1 x 1 x classes).
std::vector<TensorF> float_forward(const ModelSpec& m, const Params& p, const Image& img);

}  // namespace nb
