// Integer model against float model: per-layer errors and top-1 agreement.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "neuroblend/compiler/golden.h"
#include "neuroblend/model.h"
#include "neuroblend/params.h"

namespace nb {

struct LayerError {
  std::string name;
  int64_t n = 0;
  // End to end: the integer output against the float model's output, in
  // output LSBs (|float / out_scale - int|). Errors of earlier layers carry in.
  double max_lsb = 0, sum_lsb = 0;
  int64_t over1 = 0;  // elements more than 1 LSB off
  // Local: this layer alone, the float layer fed the dequantized integer input
  // and its output saturated to the int8 range as the contract does.
  double local_max_lsb = 0, local_sum_lsb = 0;
  int64_t local_over1 = 0;
  double mean_lsb() const { return n ? sum_lsb / double(n) : 0; }
  double local_mean_lsb() const { return n ? local_sum_lsb / double(n) : 0; }
};

struct ImageOutcome {
  std::string source;
  int label = -1, float_pred = -1, int_pred = -1;
  int local_pred = -1;       // the float head on the dequantized integer features
  double logit_max_err = 0;  // max |z * 2^-sh - float logit|
};

struct Agreement {
  std::vector<ImageOutcome> images;
  std::vector<LayerError> layers;  // all but the logits layer
  int agree = 0;                   // images whose predictions match (float model end to end)
  int agree_local = 0;             // ... match the float head on the integer features
  int labelled = 0, float_correct = 0, int_correct = 0;
  double golden_seconds = 0;  // wall time in the golden model
  double float_seconds = 0;
};

// Per image, after both models ran: (index, image, golden result, float outputs).
using ImageHook = std::function<void(size_t, const Image&, const GoldenResult&, const std::vector<TensorF>&)>;

Agreement compare_models(const ModelSpec& m, const Params& p, const GoldenModel& g, const std::vector<Image>& images,
                         bool local = true, bool keep_internals = false, const ImageHook& hook = {});

}  // namespace nb
