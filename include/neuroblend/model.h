// Network description: the human-readable model format (docs/model-format.md)
// parsed once, strictly, into plain structs that everything else only reads.
#pragma once
#include <string>
#include <vector>

#include "neuroblend/tensor.h"

namespace nb {

enum class LayerKind { Conv, BlendConv, BlendDense, AvgPool, Dense };
enum class SkipKind { None, Conv1x1, Identity, Conv3x3, Dense };
enum class Act { None, Relu };
enum class Axis { Channel, Token };

const char* to_string(LayerKind k);
const char* to_string(SkipKind k);
const char* to_string(Act a);
const char* to_string(Axis a);

// Ranges of a conv layer's geometry and of the weight bits in the model
// format; the program reader holds compiled layers to the same.
constexpr int kMaxKernel = 15, kMaxStride = 16, kMaxPad = 7;
constexpr int kMinWbits = 2, kMaxWbits = 8;

// A layer's taps per output and output shape from its form and input: one
// definition for the model's shape inference, the compiler and the program
// reader. `out` is output channels, or output tokens for a token dense.
int64_t binary_taps(LayerKind kind, Axis axis, const Shape& in);
int64_t fixed_taps(LayerKind kind, SkipKind skip, Axis axis, const Shape& in, int kernel);
// h or w <= 0 when a conv kernel does not fit the input.
Shape output_shape(LayerKind kind, Axis axis, const Shape& in, int out, int kernel, int stride, int pad);

struct LayerSpec {
  std::string name;
  LayerKind kind = LayerKind::Conv;
  int out = 0;     // output channels (conv, channel dense) or tokens (token dense)
  int kernel = 3;  // Conv only (BlendConv main path is always 3x3)
  int stride = 1;
  int pad = 1;                     // Conv only; BlendConv main path pads 1
  SkipKind skip = SkipKind::None;  // Blend layers
  Axis axis = Axis::Channel;       // BlendDense
  Act act = Act::None;
  int wbits = 8;  // fixed-point weight bits (2..8), stored as int8
  // Filled by shape inference.
  Shape in, outs;
  bool logits = false;  // the last Dense layer: outputs z, no requantize

  bool has_binary() const { return kind == LayerKind::BlendConv || kind == LayerKind::BlendDense; }
  // Taps of the binary kernel per output (K of DESIGN §4).
  int64_t k_binary() const;
  // Fixed-point taps per output (0 for identity skip and pooling).
  int64_t k_fixed() const;
  int64_t binary_macs() const;
  int64_t int8_macs() const;
};

struct InputSpec {
  Shape shape;
  std::vector<double> mean, std;  // per channel, on pixel/255
};

struct ModelSpec {
  std::string name;
  std::string description;
  std::string source;  // file it was read from
  InputSpec input;
  int classes = 0;
  double bn_eps = 1e-5;
  std::vector<LayerSpec> layers;
};

// Loads by zoo name (neuroblend-20, neuroblend-18, blendmixer) or by path.
ModelSpec load_model(const std::string& name_or_path);
// Parses JSON text; `source` names the file in error messages.
ModelSpec parse_model(const std::string& json_text, const std::string& source);
// Names of the models in the zoo, and the folder they are read from.
std::vector<std::string> zoo_names();
std::string zoo_dir();

}  // namespace nb
