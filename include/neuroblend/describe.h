// Per-layer work and size figures of a model (the `describe` subcommand).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "neuroblend/model.h"

namespace nb {

struct LayerStats {
  std::string name, kind;
  Shape in, out;
  int64_t binary_macs = 0, int8_macs = 0;
  int64_t bits_binary = 0;   // binary weights
  int64_t bits_fixed = 0;    // fixed-point weights (wbits each)
  int64_t bits_quant = 0;    // tau/neg, M1/M2/bias, sh
  int64_t bits_float32 = 0;  // the full-precision counterpart (see docs)
};

struct ModelStats {
  std::string model;
  std::vector<LayerStats> layers;
  LayerStats total;
  double size_ratio = 0;  // bits_float32 / deployed bits
};

ModelStats describe(const ModelSpec& m);
nlohmann::json to_json(const ModelStats& s);
std::string to_text(const ModelStats& s);

}  // namespace nb
