// The integer golden model: executes a CompiledModel with the deployed
// semantics of DESIGN §4, bit for bit. The RTL scoreboard compares against it.
#pragma once
#include <vector>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/kernels.h"
#include "neuroblend/tensor.h"

namespace nb {

// Intermediates of one layer, on request (dumps and debugging).
struct GoldenInternals {
  std::vector<int32_t> dot;  // binary path, per output element (blend layers)
  std::vector<int32_t> acc;  // fixed-point path (or pooling sum), per output element
};

struct GoldenResult {
  std::vector<TensorI8> outs;              // every layer's int8 output but the last (when kept)
  TensorI64 logits;                        // the last layer's z, 1 x 1 x classes
  std::vector<GoldenInternals> internals;  // when asked
  int prediction = -1;                     // argmax of logits, lowest index on ties
};

class GoldenModel {
 public:
  explicit GoldenModel(const CompiledModel& cm);
  const CompiledModel& compiled() const { return cm_; }

  // int8 network input: pixel - 128.
  TensorI8 input(const Image& img) const;
  // Runs layer i (not the last) on x.
  TensorI8 layer(size_t i, const TensorI8& x, GoldenInternals* internals = nullptr) const;
  // Runs the last layer, giving z.
  TensorI64 logits(const TensorI8& x, GoldenInternals* internals = nullptr) const;
  // The whole network. keep_outputs: fill outs; keep_internals: fill internals.
  GoldenResult run(const Image& img, bool keep_outputs = true, bool keep_internals = false) const;

 private:
  std::vector<int32_t> skip_acc(size_t i, const TensorI8& x) const;

  CompiledModel cm_;
  std::vector<BitRows> wbin_;  // packed binary weights per layer
  std::vector<I8Rows> wfix_;   // prepared int8 weights per layer
  std::vector<MergeParams> merge_;
};

}  // namespace nb
