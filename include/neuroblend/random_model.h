// Constrained-random small networks for regressions: a fixed-point first
// layer, one or two Blend layers (conv or channel dense; widths, strides,
// skip kinds, activations at random), pooling and a classifier.
#pragma once
#include <cstdint>
#include <string>

#include "neuroblend/model.h"

namespace nb {

std::string random_model_json(uint64_t seed);
ModelSpec random_model(uint64_t seed);

}  // namespace nb
