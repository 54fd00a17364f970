// NumPy interchange: compiled integer parameters as .npz and per-layer tensor
// dumps as .npy (docs/interchange.md).
#pragma once
#include <string>
#include <vector>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/golden.h"
#include "neuroblend/npy.h"

namespace nb {

NpzMap compiled_arrays(const CompiledModel& cm);
void save_compiled_npz(const CompiledModel& cm, const std::string& path);

// Writes DIR/<image>/ files for one image: input.npy, and per layer
// LL_name.in.npy, .out.npy, .float.npy (when float outputs are given),
// .dot.npy and .acc.npy (when internals were kept).
void dump_tensors(const std::string& dir, const CompiledModel& cm, const Image& img, const TensorI8& input,
                  const GoldenResult& r, const std::vector<TensorF>* float_outs);

}  // namespace nb
