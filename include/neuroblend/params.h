// Float parameters of a model (weights and batch-norm statistics), as a user
// would export them from training. Stored as .npz with the keys of
// docs/interchange.md; without a file, seeded random parameters that look
// trained (batch norms fitted to the data they see, scales of both signs and
// some exactly zero).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "neuroblend/model.h"
#include "neuroblend/npy.h"

namespace nb {

struct BatchNorm {
  std::vector<float> gamma, beta, mean, var;
  int size() const { return int(gamma.size()); }
};

// y = a[c] * x + b[c]: a batch norm in inference form. Computed once, in
// double, then rounded to float, so the float model and the compiler's
// binarization thresholds evaluate the very same float expression.
struct Affine {
  std::vector<float> a, b;
};
Affine affine_of(const BatchNorm& bn, double eps);
// The one place a batch norm is evaluated in float.
inline float affine_eval(const Affine& f, int c, float x) {
  return f.a[size_t(c)] * x + f.b[size_t(c)];
}

struct LayerParams {
  std::vector<float> w;              // conv: [out][k][k][in]; dense: [out][in]; blend: main path
  std::vector<float> skip_w;         // blend skip path: [out][k][k][in] or [out][in]
  std::vector<float> b;              // dense bias [out]
  BatchNorm bn;                      // conv
  BatchNorm bn_a, bn_m, bn_s, bn_o;  // blend (DESIGN §2)
};

struct Params {
  std::vector<LayerParams> layers;  // one per model layer
};

// Every parameter tensor of a model with its npz key and shape. The single
// list that loading, saving and random initialisation walk.
struct ParamRef {
  std::string key;
  std::vector<int64_t> shape;
  std::vector<float>* data;
};
std::vector<ParamRef> param_refs(const ModelSpec& m, Params& p);

Params load_params(const ModelSpec& m, const std::string& npz_path);
// The same from arrays already in memory (the ONNX importer); `source`
// names them in errors.
Params params_from_arrays(const ModelSpec& m, const NpzMap& arrays, const std::string& source);
void save_params(const ModelSpec& m, const Params& p, const std::string& npz_path);
// Checks sizes and values (finite, var >= 0); throws naming key and index.
void validate_params(const ModelSpec& m, const Params& p, const std::string& source);

// Seeded random parameters; batch-norm statistics are fitted, layer by
// layer, on `fit_images` synthetic images drawn from the same seed.
Params random_params(const ModelSpec& m, uint64_t seed, int fit_images = 16);

}  // namespace nb
