// ONNX import: an opset-13 graph (as PyTorch 1.13 exports it) mapped onto
// the model format's layers (docs/model-format.md, "ONNX models").
//
// The importer walks the activation path from the graph input to the graph
// output, recognising one layer at a time:
//
//   input scaling   Sub/Div/Mul/Add by per-channel constants -> input mean/std
//   conv            Conv(+bias) [-> BatchNormalization] [-> Relu]
//   blend_conv      [BN_a] -> Sign -> Pad(-1) -> Conv 3x3 (+-1 weights) [-> BN_m]
//                   and the skip [Conv 1x1 | 3x3] [-> BN_s] (or the input itself),
//                   -> Add [-> BN_o] [-> Relu]
//   blend_dense     the same with Gemm/MatMul (2-D) or an unpadded 1x1 Conv;
//                   on x.flatten(2)'s (N, C, T) a MatMul mixes tokens, on
//                   (N, T, C) (after Transpose (0, 2, 1)) channels
//   avgpool         GlobalAveragePool, ReduceMean over the tokens
//   dense           Gemm, MatMul [+ Add]  [-> Relu]
//
// and writes what it found as a model (JSON, read back by parse_model) and
// arrays in the interchange key scheme (read by params_from_arrays): the
// same checks, the same numbers as a model file plus an .npz.
#include "neuroblend/onnx_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "neuroblend/error.h"
#include "neuroblend/npy.h"

#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#ifndef ONNX_NAMESPACE
#define ONNX_NAMESPACE onnx
#endif
#include <onnx/onnx_pb.h>

namespace nb {

bool is_onnx_path(const std::string& path) {
  if (path.size() < 5) return false;
  std::string ext = path.substr(path.size() - 5);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext == ".onnx";
}

namespace {

using json = nlohmann::json;
namespace op = ::onnx;

// Largest tensor the importer reads (elements), and how deep it follows a
// chain of constant nodes.
constexpr int64_t kMaxElements = int64_t(1) << 28;
// Largest tensor a constant expression may compute (ConstantOfShape, Concat):
// they only compute shapes and padding amounts.
constexpr int64_t kMaxFolded = int64_t(1) << 20;
constexpr int kMaxConstDepth = 64;

// A constant tensor (initializer, Constant node, or folded from those).
// Values in double: exact for float32 and for int64 up to 2^53.
struct CTensor {
  std::vector<int64_t> dims;
  std::vector<double> v;
  bool integer = false;
  int64_t numel() const { return int64_t(v.size()); }
};

// The shortest decimal that reads back as the same float32, as a double:
// a float32 constant 1e-5 means the model file's 1e-5, not 9.99999974e-6.
// Names and text from the file go into the model's JSON: printable ASCII
// only (a node name may hold any bytes, not all of them UTF-8).
std::string clean(const std::string& s, size_t max_len = 200) {
  std::string r;
  for (unsigned char c : s.substr(0, max_len)) r += c >= 0x20 && c < 0x7f ? char(c) : '_';
  return r;
}

double float_decimal(double x) {
  float f = float(x);
  if (double(f) != x || !std::isfinite(x)) return x;
  char buf[64];
  for (int p = 1; p <= 9; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, double(f));
    if (std::strtof(buf, nullptr) == f) return std::strtod(buf, nullptr);
  }
  return x;
}

class Importer {
 public:
  Importer(const op::ModelProto& m, std::string source) : m_(m), g_(m.graph()), src_(std::move(source)) {}
  OnnxModel run();

 private:
  const op::ModelProto& m_;
  const op::GraphProto& g_;
  std::string src_;
  std::map<std::string, const op::TensorProto*> inits_;
  std::map<std::string, int> producer_;                // value -> node index
  std::map<std::string, std::vector<int>> consumers_;  // value -> node indices
  std::map<std::string, std::string> alias_;           // Identity/Dropout output -> input
  std::map<std::string, CTensor> const_cache_;
  std::map<std::string, bool> const_memo_;
  std::set<std::string> outputs_;
  double eps_ = 1e-5;
  bool eps_set_ = false;

  // The walk's state: the current activation and its shape (N = 1).
  std::string cur_;
  int c_ = 0, h_ = 0, w_ = 0;
  // Layout of the activation: the image (N, C, H, W); (N, C) after
  // flattening a pooled tensor; (N, C, T) after x.flatten(2), T = H*W
  // tokens in the model format's order; (N, T, C) transposed.
  enum class Lay { NCHW, NC, NCT, NTC };
  Lay lay_ = Lay::NCHW;
  int input_pad_ = 0;                                      // an input Pad's amount, for the first convolution
  bool raw_pixels_ = false;                                // the graph input is pixels 0..255 (else pixel/255)
  std::map<std::string, std::vector<int64_t>> act_shape_;  // for Shape nodes

  json layers_ = json::array();
  NpzMap arrays_;
  std::set<std::string> names_;

  // ---- messages
  std::string node_str(int i) const {
    const op::NodeProto& n = g_.node(i);
    std::string name = n.name().empty() ? fmt::format("#{}", i) : n.name();
    return fmt::format("node '{}' ({})", name, n.op_type());
  }
  [[noreturn]] void fail(int i, const std::string& why) const {
    if (i < 0 || i >= g_.node_size()) throw Error(fmt::format("{}: at the graph output: {}", src_, why));
    throw Error(fmt::format("{}: {}: {}", src_, node_str(i), why));
  }
  [[noreturn]] void fail(const std::string& why) const { throw Error(fmt::format("{}: {}", src_, why)); }
  const op::NodeProto& node(int i) const { return g_.node(i); }

  // ---- graph structure
  std::string resolve(std::string v) const {
    for (int k = 0; k < 10000; ++k) {
      auto it = alias_.find(v);
      if (it == alias_.end()) return v;
      v = it->second;
    }
    fail("a cycle of Identity/Dropout nodes");
  }
  std::string in(int i, int k) const {
    const op::NodeProto& n = node(i);
    if (k >= n.input_size() || n.input(k).empty()) return "";
    return resolve(n.input(k));
  }
  std::string out0(int i) const {
    const op::NodeProto& n = node(i);
    if (n.output_size() < 1) fail(i, "the node has no output");
    return n.output(0);
  }
  void build_index();
  bool is_const(const std::string& v, int depth = 0);
  const CTensor& const_value(const std::string& v, int user, int depth = 0);
  CTensor eval_node(int i, int depth);
  CTensor read_tensor(const op::TensorProto& t, const std::string& where) const;

  // ---- attributes
  const op::AttributeProto* attr(int i, const std::string& name) const {
    const op::AttributeProto* r = nullptr;
    for (auto& a : node(i).attribute())
      if (a.name() == name) {
        if (r) fail(i, fmt::format("attribute '{}' is given twice", name));
        r = &a;
      }
    return r;
  }
  int64_t attr_int(int i, const std::string& name, int64_t def) const {
    auto* a = attr(i, name);
    if (!a) return def;
    if (a->type() != op::AttributeProto_AttributeType_INT) fail(i, fmt::format("attribute '{}' is not an int", name));
    return a->i();
  }
  double attr_float(int i, const std::string& name, double def) const {
    auto* a = attr(i, name);
    if (!a) return def;
    if (a->type() != op::AttributeProto_AttributeType_FLOAT)
      fail(i, fmt::format("attribute '{}' is not a float", name));
    return double(a->f());
  }
  std::optional<std::vector<int64_t>> attr_ints(int i, const std::string& name) const {
    auto* a = attr(i, name);
    if (!a) return std::nullopt;
    if (a->type() != op::AttributeProto_AttributeType_INTS)
      fail(i, fmt::format("attribute '{}' is not a list of ints", name));
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }
  std::string attr_str(int i, const std::string& name, const std::string& def) const {
    auto* a = attr(i, name);
    if (!a) return def;
    if (a->type() != op::AttributeProto_AttributeType_STRING)
      fail(i, fmt::format("attribute '{}' is not a string", name));
    return a->s();
  }
  void only_attrs(int i, std::initializer_list<const char*> ok) const {
    for (auto& a : node(i).attribute()) {
      bool found = false;
      for (auto* o : ok) found |= a.name() == o;
      if (!found) fail(i, fmt::format("unsupported attribute '{}'", a.name()));
    }
  }

  // ---- the walk
  // The one node consuming activation `v` (Identity/Dropout skipped), or -1
  // when v is the graph output and nothing consumes it.
  int single_consumer(const std::string& v, int from) const;
  std::vector<int> consumers_of(const std::string& v) const {
    auto it = consumers_.find(v);
    return it == consumers_.end() ? std::vector<int>{} : it->second;
  }
  bool is_op(int i, const char* type) const { return i >= 0 && node(i).op_type() == type; }
  void input_scaling(double* mean, double* stdv);
  // A constant Pad node's pads and value (from attributes, opset < 11, or inputs).
  std::pair<std::vector<int64_t>, double> pad_of(int n);
  void check_activation_input(int i, int k = 0) const {
    if (in(i, k) != cur_) fail(i, fmt::format("expected the activation as input {}", k));
  }
  struct Bn {
    std::vector<float> gamma, beta, mean, var;
  };
  Bn read_bn(int i, int channels);
  Bn identity_bn(int channels) const;
  void fold_bias(Bn& bn, const std::vector<float>& bias) const;
  struct ConvW {
    std::vector<float> w;  // OHWI
    std::vector<float> bias;
    int out = 0, k = 0, stride = 1, pad = 0;
  };
  ConvW read_conv(int i, int cin, bool binary);
  struct DenseW {
    std::vector<float> w;  // [out][in]
    std::vector<float> bias;
    int out = 0;
  };
  // left: MatMul(W, x), the weight (out, in) first (channel mixing on (N, C, T)).
  DenseW read_dense(int i, int cin, bool binary, int* next_after_bias, bool left = false);
  std::vector<float> weights_of(int i, int k, bool binary, std::vector<int64_t>* dims);
  std::string layer_name(int i, const char* fallback);
  void put_bn(const std::string& key, const Bn& bn) {
    int64_t n = int64_t(bn.gamma.size());
    arrays_[key + ".gamma"] = NpyArray::from(bn.gamma, {n});
    arrays_[key + ".beta"] = NpyArray::from(bn.beta, {n});
    arrays_[key + ".mean"] = NpyArray::from(bn.mean, {n});
    arrays_[key + ".var"] = NpyArray::from(bn.var, {n});
  }
  // Optional BatchNormalization then Relu after value `v` (advances it).
  std::optional<Bn> maybe_bn(std::string& v, int channels, int* last);
  bool maybe_relu(std::string& v, int* last);
  void layer_conv(int i);
  void layer_blend(const std::vector<int>& cons);
  bool is_transpose021(int i) const;
  int through_transposes(int i, std::string& v, Lay& lay);
  void check_bn_axis(int i, Lay lay) const;
  std::vector<int64_t> act_dims() const {
    switch (lay_) {
      case Lay::NCHW:
        return {1, c_, h_, w_};
      case Lay::NC:
        return {1, c_};
      case Lay::NCT:
        return {1, c_, int64_t(h_) * w_};
      case Lay::NTC:
        return {1, int64_t(h_) * w_, c_};
    }
    return {};
  }
  void layer_pool(int i);
  void layer_dense(int i);
};

void Importer::build_index() {
  for (auto& t : g_.initializer()) inits_[t.name()] = &t;
  for (int i = 0; i < g_.node_size(); ++i) {
    const op::NodeProto& n = g_.node(i);
    if (!n.domain().empty() && n.domain() != "ai.onnx")
      fail(i, fmt::format("unsupported op: domain '{}' is not the standard ONNX domain", n.domain()));
    if (n.op_type() == "Identity" || n.op_type() == "Dropout") {
      if (n.input_size() < 1 || n.output_size() < 1) fail(i, "expected one input and one output");
      if (n.output_size() > 1 && !n.output(1).empty()) {
        // Dropout's mask: fine as long as nothing reads it (checked below).
      }
      alias_[n.output(0)] = n.input(0);
      continue;
    }
    for (auto& o : n.output())
      if (!o.empty()) {
        if (producer_.count(o) || inits_.count(o)) fail(i, fmt::format("value '{}' is defined twice", o));
        producer_[o] = i;
      }
  }
  for (int i = 0; i < g_.node_size(); ++i) {
    const op::NodeProto& n = g_.node(i);
    // Identity/Dropout are aliases; Shape reads only the shape (it feeds
    // constant expressions such as x.flatten(2)'s target shape).
    if (n.op_type() == "Identity" || n.op_type() == "Dropout" || n.op_type() == "Shape") continue;
    std::set<std::string> seen;
    for (auto& v : n.input())
      if (!v.empty()) {
        std::string r = resolve(v);
        if (seen.insert(r).second) consumers_[r].push_back(i);
      }
  }
  for (auto& o : g_.output()) outputs_.insert(resolve(o.name()));
  for (int i = 0; i < g_.node_size(); ++i) {
    const op::NodeProto& n = g_.node(i);
    if (n.op_type() != "BatchNormalization") continue;
    double e = attr_float(i, "epsilon", 1e-5);
    if (!(e > 0) || !std::isfinite(e)) fail(i, fmt::format("epsilon {} must be > 0", e));
    if (!eps_set_) {
      eps_ = float_decimal(e);
      eps_set_ = true;
    } else if (float_decimal(e) != eps_) {
      fail(i, fmt::format("epsilon {} differs from the other batch norms' {} (the model format has one bn_eps)",
                          float_decimal(e), eps_));
    }
  }
}

CTensor Importer::read_tensor(const op::TensorProto& t, const std::string& where) const {
  CTensor c;
  int64_t n = 1;
  for (auto d : t.dims()) {
    if (d < 0 || d > kMaxElements) throw Error(fmt::format("{}: dimension {} out of range", where, d));
    n *= d;
    if (n > kMaxElements) throw Error(fmt::format("{}: more than {} elements", where, kMaxElements));
    c.dims.push_back(d);
  }
  if (t.data_location() == op::TensorProto_DataLocation_EXTERNAL)
    throw Error(
        fmt::format("{}: data stored in an external file is not supported (save the model with "
                    "its weights inside the .onnx file)",
                    where));
  if (t.has_segment()) throw Error(fmt::format("{}: segmented tensors are not supported", where));
  const std::string& raw = t.raw_data();
  auto check_raw = [&](size_t elem) {
    if (raw.size() != size_t(n) * elem)
      throw Error(fmt::format("{}: raw_data has {} bytes, its shape {} elements of {} bytes need {}", where, raw.size(),
                              n, elem, size_t(n) * elem));
  };
  auto check_field = [&](int size, const char* field) {
    if (int64_t(size) != n) throw Error(fmt::format("{}: {} has {} values, its shape needs {}", where, field, size, n));
  };
  // Values of type T: little-endian raw bytes, or the typed repeated field.
  // The data must be there before anything is allocated for it: a few bytes
  // of hostile input cannot make the importer allocate gigabytes.
  auto fill = [&](auto zero, const auto& field, const char* name) {
    using T = decltype(zero);
    t.has_raw_data() ? check_raw(sizeof(T)) : check_field(field.size(), name);
    c.v.resize(size_t(n));
    for (int64_t k = 0; k < n; ++k) {
      T x;
      if (t.has_raw_data())
        std::memcpy(&x, raw.data() + int64_t(sizeof(T)) * k, sizeof(T));
      else
        x = T(field.Get(int(k)));
      c.v[size_t(k)] = double(x);
    }
  };
  switch (t.data_type()) {
    case op::TensorProto_DataType_FLOAT:
      fill(float(0), t.float_data(), "float_data");
      break;
    case op::TensorProto_DataType_DOUBLE:
      fill(double(0), t.double_data(), "double_data");
      break;
    case op::TensorProto_DataType_INT64:
      c.integer = true;
      fill(int64_t(0), t.int64_data(), "int64_data");
      break;
    case op::TensorProto_DataType_INT32:
      c.integer = true;
      fill(int32_t(0), t.int32_data(), "int32_data");
      break;
    default:
      throw Error(fmt::format("{}: tensor data type {} is not supported (float, double, int32, int64 are)", where,
                              t.data_type()));
  }
  return c;
}

bool Importer::is_const(const std::string& v, int depth) {
  if (v.empty()) return false;
  if (inits_.count(v) || const_cache_.count(v)) return true;
  if (depth > kMaxConstDepth) return false;
  auto memo = const_memo_.find(v);
  if (memo != const_memo_.end()) return memo->second;
  const_memo_[v] = false;  // also breaks cycles
  auto it = producer_.find(v);
  if (it == producer_.end()) return false;
  const op::NodeProto& n = node(it->second);
  if (n.op_type() == "Shape") {
    const_memo_.erase(v);  // known once the walk reaches the input: not memoized
    return n.input_size() == 1 && act_shape_.count(resolve(n.input(0)));
  }
  static const std::set<std::string> foldable = {
      "Constant", "ConstantOfShape", "Concat",  "Reshape", "Slice", "Transpose",
      "Cast",     "Unsqueeze",       "Squeeze", "Sign",    "Neg",   "Gather"};
  if (!foldable.count(n.op_type())) return false;
  for (auto& x : n.input())
    if (!x.empty() && !is_const(resolve(x), depth + 1)) return false;
  return const_memo_[v] = true;
}

const CTensor& Importer::const_value(const std::string& v, int user, int depth) {
  auto c = const_cache_.find(v);
  if (c != const_cache_.end()) return c->second;
  if (depth > kMaxConstDepth)
    fail(user, fmt::format("constant '{}' is computed by more than {} nodes", v, kMaxConstDepth));
  auto it = inits_.find(v);
  if (it != inits_.end())
    return const_cache_[v] = read_tensor(*it->second, fmt::format("{}: initializer '{}'", src_, v));
  auto p = producer_.find(v);
  if (p == producer_.end() || !is_const(v))
    fail(user, fmt::format("input '{}' must be a constant (an initializer or computed from constants)", v));
  CTensor t = eval_node(p->second, depth + 1);
  return const_cache_[v] = std::move(t);
}

// Strides of a row-major shape.
std::vector<int64_t> strides_of(const std::vector<int64_t>& d) {
  std::vector<int64_t> s(d.size(), 1);
  for (int k = int(d.size()) - 2; k >= 0; --k) s[size_t(k)] = s[size_t(k) + 1] * d[size_t(k) + 1];
  return s;
}

CTensor Importer::eval_node(int i, int depth) {
  const op::NodeProto& n = node(i);
  const std::string& t = n.op_type();
  auto input = [&](int k) -> const CTensor& {
    std::string v = in(i, k);
    if (v.empty()) fail(i, fmt::format("missing input {}", k));
    return const_value(v, i, depth);
  };
  auto ints_of = [&](const CTensor& c) {
    std::vector<int64_t> r;
    // INT64_MIN/MAX (Slice's "to the end") clamp to +-2^62: no overflow below.
    for (double x : c.v) {
      if (std::isnan(x)) fail(i, "an integer input is NaN");
      r.push_back(int64_t(std::clamp(x, -4.6e18, 4.6e18)));
    }
    return r;
  };
  auto axis_norm = [&](int64_t a, size_t rank) {
    int64_t r = int64_t(rank);
    if (a < -r || a >= r) fail(i, fmt::format("axis {} out of range for rank {}", a, rank));
    return a < 0 ? a + r : a;
  };
  CTensor out;
  if (t == "Constant") {
    if (n.attribute_size() != 1) fail(i, "expected exactly one attribute");
    const op::AttributeProto& a = n.attribute(0);
    if (a.name() == "value") {
      out = read_tensor(a.t(), fmt::format("{}: {}: value", src_, node_str(i)));
    } else if (a.name() == "value_float") {
      out.v = {double(a.f())};
    } else if (a.name() == "value_int") {
      out.v = {double(a.i())};
      out.integer = true;
    } else if (a.name() == "value_floats") {
      for (float f : a.floats()) out.v.push_back(f);
      out.dims = {int64_t(out.v.size())};
    } else if (a.name() == "value_ints") {
      for (auto x : a.ints()) out.v.push_back(double(x));
      out.dims = {int64_t(out.v.size())};
      out.integer = true;
    } else {
      fail(i, fmt::format("unsupported attribute '{}'", a.name()));
    }
  } else if (t == "ConstantOfShape") {
    std::vector<int64_t> dims = ints_of(input(0));
    int64_t total = 1;
    for (auto d : dims) {
      if (d < 0 || d > kMaxFolded || (total *= d) > kMaxFolded) fail(i, "shape out of range");
    }
    double val = 0;
    out.integer = false;
    if (auto* a = attr(i, "value")) {
      CTensor v = read_tensor(a->t(), fmt::format("{}: {}: value", src_, node_str(i)));
      if (v.numel() != 1) fail(i, "value must hold one element");
      val = v.v[0];
      out.integer = v.integer;
    }
    out.dims = dims;
    out.v.assign(size_t(total), val);
  } else if (t == "Concat") {
    if (n.input_size() < 1) fail(i, "no inputs");
    const CTensor& first = input(0);
    int64_t ax = axis_norm(attr_int(i, "axis", 0), first.dims.size());
    out.dims = first.dims;
    out.integer = first.integer;
    out.dims[size_t(ax)] = 0;
    std::vector<const CTensor*> parts;
    int64_t total_in = 0;
    for (int k = 0; k < n.input_size(); ++k) {
      const CTensor& p = input(k);
      if (p.dims.size() != first.dims.size()) fail(i, "inputs of different ranks");
      for (size_t d = 0; d < p.dims.size(); ++d)
        if (int64_t(d) != ax && p.dims[d] != first.dims[d]) fail(i, "inputs of different shapes");
      out.dims[size_t(ax)] += p.dims[size_t(ax)];
      parts.push_back(&p);
      if ((total_in += p.numel()) > kMaxFolded) fail(i, "the result is too large for a constant expression");
    }
    int64_t outer = 1;
    for (int64_t d = 0; d < ax; ++d) outer *= first.dims[size_t(d)];
    for (int64_t o = 0; o < outer; ++o)
      for (auto* p : parts) {
        int64_t chunk = outer ? p->numel() / std::max<int64_t>(outer, 1) : 0;
        out.v.insert(out.v.end(), p->v.begin() + o * chunk, p->v.begin() + (o + 1) * chunk);
      }
  } else if (t == "Reshape") {
    out = input(0);
    std::vector<int64_t> shape = ints_of(input(1));
    int64_t known = 1, minus = -1;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] == 0) {
        if (d >= out.dims.size()) fail(i, "shape 0 refers to a missing dimension");
        shape[d] = out.dims[d];
      }
      if (shape[d] == -1) {
        if (minus >= 0) fail(i, "two -1 in the shape");
        minus = int64_t(d);
      } else if (shape[d] < 0 || shape[d] > kMaxElements) {
        fail(i, "shape out of range");
      } else {
        known *= shape[d];
        if (known > kMaxElements) fail(i, "shape out of range");
      }
    }
    if (minus >= 0) {
      if (known == 0 || out.numel() % known) fail(i, "shape does not divide the element count");
      shape[size_t(minus)] = out.numel() / known;
    } else if (known != out.numel()) {
      fail(i, "shape does not match the element count");
    }
    out.dims = shape;
  } else if (t == "Slice") {
    const CTensor& x = input(0);
    std::vector<int64_t> starts = ints_of(input(1)), ends = ints_of(input(2));
    size_t r = x.dims.size();
    std::vector<int64_t> axes, steps;
    if (!in(i, 3).empty())
      axes = ints_of(input(3));
    else
      for (size_t k = 0; k < starts.size(); ++k) axes.push_back(int64_t(k));
    if (!in(i, 4).empty())
      steps = ints_of(input(4));
    else
      steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
      fail(i, "starts, ends, axes and steps of different lengths");
    std::vector<int64_t> st(r, 0), step(r, 1), cnt(x.dims);
    for (size_t k = 0; k < starts.size(); ++k) {
      int64_t a = axis_norm(axes[k], r), dim = x.dims[size_t(a)], s = steps[k];
      if (s == 0) fail(i, "step 0");
      int64_t b = starts[k], e = ends[k];
      if (b < 0) b += dim;
      if (e < 0) e += dim;
      if (s > 0) {
        b = std::clamp<int64_t>(b, 0, dim);
        e = std::clamp<int64_t>(e, 0, dim);
        cnt[size_t(a)] = e > b ? (e - b + s - 1) / s : 0;
      } else {
        b = std::clamp<int64_t>(b, -1, dim - 1);
        e = std::clamp<int64_t>(e, -1, dim - 1);
        cnt[size_t(a)] = b > e ? (b - e + (-s) - 1) / (-s) : 0;
      }
      st[size_t(a)] = b;
      step[size_t(a)] = s;
    }
    out.dims = cnt;
    out.integer = x.integer;
    std::vector<int64_t> xs = strides_of(x.dims);
    int64_t total = 1;
    for (auto d : cnt) total *= d;
    std::vector<int64_t> idx(r, 0);
    for (int64_t e = 0; e < total; ++e) {
      int64_t off = 0;
      for (size_t d = 0; d < r; ++d) off += (st[d] + idx[d] * step[d]) * xs[d];
      out.v.push_back(x.v[size_t(off)]);
      for (int d = int(r) - 1; d >= 0; --d)
        if (++idx[size_t(d)] < cnt[size_t(d)])
          break;
        else
          idx[size_t(d)] = 0;
    }
  } else if (t == "Transpose") {
    const CTensor& x = input(0);
    size_t r = x.dims.size();
    std::vector<int64_t> perm;
    if (auto p = attr_ints(i, "perm"))
      perm = *p;
    else
      for (size_t k = 0; k < r; ++k) perm.push_back(int64_t(r - 1 - k));
    if (perm.size() != r) fail(i, "perm does not match the rank");
    std::vector<bool> used(r, false);
    for (auto& p : perm) {
      p = axis_norm(p, r);
      if (used[size_t(p)]) fail(i, "perm repeats an axis");
      used[size_t(p)] = true;
    }
    out.integer = x.integer;
    for (auto p : perm) out.dims.push_back(x.dims[size_t(p)]);
    std::vector<int64_t> xs = strides_of(x.dims);
    std::vector<int64_t> idx(r, 0);
    for (int64_t e = 0; e < x.numel(); ++e) {
      int64_t off = 0;
      for (size_t d = 0; d < r; ++d) off += idx[d] * xs[size_t(perm[d])];
      out.v.push_back(x.v[size_t(off)]);
      for (int d = int(r) - 1; d >= 0; --d)
        if (++idx[size_t(d)] < out.dims[size_t(d)])
          break;
        else
          idx[size_t(d)] = 0;
    }
  } else if (t == "Cast") {
    out = input(0);
    int64_t to = attr_int(i, "to", 0);
    if (to == op::TensorProto_DataType_INT64 || to == op::TensorProto_DataType_INT32) {
      for (auto& x : out.v) x = std::trunc(x);
      out.integer = true;
    } else if (to == op::TensorProto_DataType_FLOAT) {
      for (auto& x : out.v) x = double(float(x));
      out.integer = false;
    } else if (to == op::TensorProto_DataType_DOUBLE) {
      out.integer = false;
    } else {
      fail(i, fmt::format("cast to data type {} is not supported", to));
    }
  } else if (t == "Unsqueeze" || t == "Squeeze") {
    out = input(0);
    std::vector<int64_t> axes;
    if (!in(i, 1).empty())
      axes = ints_of(input(1));
    else if (auto a = attr_ints(i, "axes"))
      axes = *a;
    if (t == "Unsqueeze") {
      size_t r = out.dims.size() + axes.size();
      std::vector<int64_t> norm;
      for (auto a : axes) norm.push_back(axis_norm(a, r));
      std::sort(norm.begin(), norm.end());
      for (auto a : norm) out.dims.insert(out.dims.begin() + a, 1);
    } else {
      std::vector<int64_t> d2;
      std::set<int64_t> rm;
      for (auto a : axes) rm.insert(axis_norm(a, out.dims.size()));
      for (size_t d = 0; d < out.dims.size(); ++d) {
        bool drop = axes.empty() ? out.dims[d] == 1 : rm.count(int64_t(d)) > 0;
        if (drop && out.dims[d] != 1) fail(i, "squeezing a dimension that is not 1");
        if (!drop) d2.push_back(out.dims[d]);
      }
      out.dims = d2;
    }
  } else if (t == "Sign") {
    // The project's binarization: sign(0) = +1 (DESIGN §2), unlike ONNX's 0.
    out = input(0);
    for (auto& x : out.v) x = x >= 0 ? 1.0 : -1.0;
  } else if (t == "Shape") {
    only_attrs(i, {});
    auto sh = act_shape_.find(in(i, 0));
    if (sh == act_shape_.end()) fail(i, "the shape of a value the importer has not reached");
    out.integer = true;
    out.dims = {int64_t(sh->second.size())};
    for (auto d : sh->second) out.v.push_back(double(d));
  } else if (t == "Neg") {
    out = input(0);
    for (auto& x : out.v) x = -x;
  } else if (t == "Gather") {
    const CTensor& x = input(0);
    const CTensor& ix = input(1);
    if (x.dims.size() != 1 || attr_int(i, "axis", 0) != 0) fail(i, "only a 1-D gather of constants is supported");
    out.integer = x.integer;
    out.dims = ix.dims;
    for (double d : ix.v) {
      int64_t k = int64_t(d);
      if (k < 0) k += x.numel();
      if (k < 0 || k >= x.numel()) fail(i, "index out of range");
      out.v.push_back(x.v[size_t(k)]);
    }
  } else {
    fail(i, "unsupported op in a constant expression");
  }
  int64_t total = 1;
  for (auto d : out.dims) total *= d;
  if (total != out.numel()) fail(i, "internal: constant shape mismatch");
  return out;
}

int Importer::single_consumer(const std::string& v, int from) const {
  std::vector<int> c = consumers_of(v);
  if (c.empty()) {
    if (outputs_.count(v)) return -1;
    if (from >= 0) fail(from, "its output is not used and is not the graph output");
    fail(fmt::format("value '{}' is not used and is not the graph output", v));
  }
  if (c.size() > 1) {
    std::string names;
    for (int k : c) names += (names.empty() ? "" : ", ") + node_str(k);
    if (from >= 0)
      fail(from, fmt::format("its output is used by {} nodes ({}), where the importer expects one", c.size(), names));
    fail(fmt::format("value '{}' is used by {} nodes ({})", v, c.size(), names));
  }
  if (outputs_.count(v)) fail(c[0], "its input is also a graph output");
  return c[0];
}

std::string Importer::layer_name(int i, const char* fallback) {
  // PyTorch names nodes by module path, "/b1/Conv", "/embed/conv/Conv":
  // the first component if it is free, else a longer prefix of the path,
  // else `fallback` numbered.
  std::string n = i >= 0 ? node(i).name() : "";
  std::vector<std::string> parts;
  if (!n.empty() && n[0] == '/') {
    size_t a = 1;
    for (size_t b; (b = n.find('/', a)) != std::string::npos; a = b + 1) parts.push_back(clean(n.substr(a, b - a), 64));
  }
  std::string cand;
  for (auto& p : parts) {
    if (p.empty()) break;
    cand += (cand.empty() ? "" : ".") + p;
    if (!names_.count(cand)) {
      names_.insert(cand);
      return cand;
    }
  }
  std::string name = fallback;
  for (int k = 2; names_.count(name); ++k) name = fmt::format("{}{}", fallback, k);
  names_.insert(name);
  return name;
}

// The decimal d that a float32 constant v = 255 * d was computed from (the
// input normalisation of a network taking raw pixels): the model file's
// 0.286, not 0.28600000471.
double pixel_decimal(double v) {
  char buf[64];
  for (int p = 1; p <= 9; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, v / 255.0);
    double d = std::strtod(buf, nullptr);
    if (float(255.0f * float(d)) == float(v) || float(255.0 * d) == float(v)) return d;
  }
  return v / 255.0;
}

std::pair<std::vector<int64_t>, double> Importer::pad_of(int n) {
  only_attrs(n, {"mode", "pads", "value"});
  if (attr_str(n, "mode", "constant") != "constant") fail(n, "only constant padding is supported");
  std::vector<int64_t> pads;
  double value = 0;
  if (auto p = attr_ints(n, "pads")) {
    pads = *p;
    value = attr_float(n, "value", 0.0);
  } else {
    if (in(n, 1).empty()) fail(n, "missing pads");
    for (double x : const_value(in(n, 1), n).v) pads.push_back(int64_t(x));
    if (!in(n, 2).empty()) {
      const CTensor& c = const_value(in(n, 2), n);
      if (c.numel() != 1) fail(n, "constant_value must be a scalar");
      value = c.v[0];
    }
  }
  return {pads, value};
}

void Importer::input_scaling(double* mean, double* stdv) {
  // [Pad(pixel 128)] then (x - mean) / std per channel, composed from the
  // elementwise nodes.
  std::vector<double> m(size_t(c_), 0.0), s(size_t(c_), 1.0);
  std::optional<double> pad_value;
  int pad_node = -1;
  {
    std::vector<int> cons = consumers_of(cur_);
    if (cons.size() == 1 && !outputs_.count(cur_) && is_op(cons[0], "Pad")) {
      int n = pad_node = cons[0];
      const auto pad = pad_of(n);  // (no structured binding: clang's C++17 lambdas cannot capture one)
      const std::vector<int64_t>& pads = pad.first;
      const double value = pad.second;
      int64_t p = pads.size() == 8 ? pads[2] : -1;
      if (pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5] || pads[3] != p || pads[6] != p ||
          pads[7] != p || p < 1 || p > kMaxPad)
        fail(n, fmt::format("pads [{}]: the input's padding must be the same 1..{} on each side of H and W",
                            fmt::join(pads, ", "), kMaxPad));
      input_pad_ = int(p);
      pad_value = value;
      cur_ = out0(n);
    }
  }
  for (;;) {
    std::vector<int> cons = consumers_of(cur_);
    if (cons.size() != 1 || outputs_.count(cur_)) break;
    int i = cons[0];
    const std::string& t = node(i).op_type();
    if (t != "Sub" && t != "Div" && t != "Mul" && t != "Add") break;
    int k = in(i, 0) == cur_ ? 1 : 0;
    if (in(i, 1 - k) != cur_ || !is_const(in(i, k))) break;
    if (k == 0 && (t == "Sub" || t == "Div"))
      fail(i, "input scaling must be x - c or x / c with x the input and c a constant");
    const CTensor& c = const_value(in(i, k), i);
    // Scalar, or per channel broadcast against NCHW: (1, C, 1, 1) or (C, 1, 1).
    bool scalar = c.numel() == 1;
    bool per_c = c.numel() == c_ &&
                 ((c.dims.size() == 4 && c.dims[0] == 1 && c.dims[1] == c_ && c.dims[2] == 1 && c.dims[3] == 1) ||
                  (c.dims.size() == 3 && c.dims[0] == c_ && c.dims[1] == 1 && c.dims[2] == 1));
    if (!scalar && !per_c)
      fail(i, fmt::format("input scaling constant of shape [{}]: expected a scalar or per channel (1, {}, 1, 1)",
                          fmt::join(c.dims, ", "), c_));
    for (int ch = 0; ch < c_; ++ch) {
      double x = c.v[scalar ? 0 : size_t(ch)];
      double& mm = m[size_t(ch)];
      double& ss = s[size_t(ch)];
      if (t == "Sub")
        mm += x * ss;
      else if (t == "Add")
        mm -= x * ss;
      else if (t == "Div")
        ss *= x;
      else
        ss /= x;
      if (!(ss > 0) || !std::isfinite(ss) || !std::isfinite(mm))
        fail(i, "input scaling must multiply each channel by a positive finite factor");
    }
    cur_ = out0(i);
  }
  // The input's scale: raw pixels 0..255, or pixel / 255. An input Pad must
  // pad with pixel 128 (DESIGN §4) and tells which; else the normalisation
  // does (a std above 1.5 only makes sense on raw pixels).
  bool raw = false;
  if (pad_value) {
    if (*pad_value == 128.0) {
      raw = true;
    } else if (float(*pad_value) != float(128.0 / 255.0)) {
      fail(pad_node, fmt::format("an input Pad value of {}: the first convolution must pad with pixel 128 (128 for "
                                 "raw pixels, 128/255 for pixel/255 inputs), as the deployed network does",
                                 *pad_value));
    }
  } else {
    int big = 0;
    for (int ch = 0; ch < c_; ++ch) big += s[size_t(ch)] > 1.5;
    if (big != 0 && big != c_) fail("the input normalisation's std is above 1.5 on some channels only");
    raw = big == c_;
  }
  for (int ch = 0; ch < c_; ++ch) {
    mean[ch] = raw ? pixel_decimal(m[size_t(ch)]) : float_decimal(m[size_t(ch)]);
    stdv[ch] = raw ? pixel_decimal(s[size_t(ch)]) : float_decimal(s[size_t(ch)]);
  }
  raw_pixels_ = raw;
}

Importer::Bn Importer::identity_bn(int channels) const {
  // gamma 1, beta 0, mean 0 and a variance that makes gamma / sqrt(var + eps)
  // exactly 1 in the float model.
  BatchNorm probe{{1.0f}, {0.0f}, {0.0f}, {float(1.0 - eps_)}};
  for (int k = 0; k < 64 && affine_of(probe, eps_).a[0] != 1.0f; ++k)
    probe.var[0] = std::nextafter(probe.var[0], affine_of(probe, eps_).a[0] > 1.0f ? 2.0f : 0.0f);
  Bn b;
  b.gamma.assign(size_t(channels), 1.0f);
  b.beta.assign(size_t(channels), 0.0f);
  b.mean.assign(size_t(channels), 0.0f);
  b.var.assign(size_t(channels), probe.var[0]);
  return b;
}

void Importer::fold_bias(Bn& bn, const std::vector<float>& bias) const {
  // BN(x + b) = BN'(x) with mean' = mean - b.
  for (size_t c = 0; c < bias.size() && c < bn.mean.size(); ++c) bn.mean[c] = bn.mean[c] - bias[c];
}

Importer::Bn Importer::read_bn(int i, int channels) {
  only_attrs(i, {"epsilon", "momentum", "training_mode", "spatial"});
  if (attr_int(i, "training_mode", 0) != 0) fail(i, "training_mode = 1: export the model in eval mode");
  if (attr_int(i, "spatial", 1) != 1) fail(i, "spatial = 0 is not supported");
  for (int k = 1; k < node(i).output_size(); ++k)
    if (!node(i).output(k).empty() && !consumers_of(node(i).output(k)).empty())
      fail(i, "its running-statistics outputs are used (training mode)");
  if (node(i).input_size() != 5) fail(i, "expected 5 inputs");
  Bn b;
  std::vector<float>* dst[4] = {&b.gamma, &b.beta, &b.mean, &b.var};
  const char* what[4] = {"scale", "bias", "mean", "var"};
  for (int k = 0; k < 4; ++k) {
    const CTensor& c = const_value(in(i, k + 1), i);
    if (c.numel() != channels || c.dims.size() != 1)
      fail(i, fmt::format("{} has shape [{}], expected [{}]", what[k], fmt::join(c.dims, ", "), channels));
    for (double x : c.v) dst[k]->push_back(float(x));
  }
  for (int ch = 0; ch < channels; ++ch)
    if (!(b.var[size_t(ch)] >= 0) || !std::isfinite(b.var[size_t(ch)]))
      fail(i, fmt::format("variance [{}] = {} is not a finite value >= 0", ch, b.var[size_t(ch)]));
  return b;
}

std::optional<Importer::Bn> Importer::maybe_bn(std::string& v, int channels, int* last) {
  int i = consumers_of(v).size() == 1 && !outputs_.count(v) ? consumers_of(v)[0] : -1;
  if (!is_op(i, "BatchNormalization") || in(i, 0) != v) return std::nullopt;
  Bn b = read_bn(i, channels);
  v = out0(i);
  *last = i;
  return b;
}

bool Importer::maybe_relu(std::string& v, int* last) {
  int i = consumers_of(v).size() == 1 && !outputs_.count(v) ? consumers_of(v)[0] : -1;
  if (!is_op(i, "Relu")) return false;
  v = out0(i);
  *last = i;
  return true;
}

// The weights of node i's input k: an initializer (or constant expression),
// or Sign(...) of one when `binary`. Binary weights must be +-1 (0 counts
// as +1, the project's sign(0)).
std::vector<float> Importer::weights_of(int i, int k, bool binary, std::vector<int64_t>* dims) {
  std::string v = in(i, k);
  if (v.empty()) fail(i, fmt::format("missing input {} (the weights)", k));
  if (!is_const(v)) fail(i, fmt::format("the weights ('{}') must be a constant", v));
  const CTensor& c = const_value(v, i);
  *dims = c.dims;
  std::vector<float> w;
  w.reserve(c.v.size());
  for (double x : c.v) {
    if (!std::isfinite(x)) fail(i, "a weight is not finite");
    if (binary && x != 1.0 && x != -1.0 && x != 0.0)
      fail(i, fmt::format("the binary convolution's weights must be +-1 or Sign(W) (found {}); the importer does "
                          "not accept a binary path whose batch norm was folded into its weights",
                          x));
    w.push_back(binary ? (x >= 0 ? 1.0f : -1.0f) : float(x));
  }
  return w;
}

Importer::ConvW Importer::read_conv(int i, int cin, bool binary) {
  only_attrs(i, {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  std::string ap = attr_str(i, "auto_pad", "NOTSET");
  if (ap != "NOTSET") fail(i, fmt::format("unsupported attribute auto_pad = {} (explicit pads only)", ap));
  if (attr_int(i, "group", 1) != 1)
    fail(i, fmt::format("unsupported attribute group = {} (grouped convolutions)", attr_int(i, "group", 1)));
  if (auto d = attr_ints(i, "dilations"))
    for (auto x : *d)
      if (x != 1) fail(i, fmt::format("unsupported attribute dilations = [{}]", fmt::join(*d, ", ")));
  std::vector<int64_t> dims;
  ConvW r;
  std::vector<float> w = weights_of(i, 1, binary, &dims);
  if (dims.size() != 4 || dims[1] != cin || dims[2] != dims[3] || dims[0] < 1 || dims[0] > 65536)
    fail(i, fmt::format("weights of shape [{}]: expected (out, {}, k, k)", fmt::join(dims, ", "), cin));
  int k = int(dims[2]);
  if (k < 1 || k > kMaxKernel) fail(i, fmt::format("kernel {}x{} is out of range (1..{})", k, k, kMaxKernel));
  if (auto ks = attr_ints(i, "kernel_shape"))
    if (ks->size() != 2 || (*ks)[0] != k || (*ks)[1] != k) fail(i, "kernel_shape does not match the weights");
  std::vector<int64_t> strides = attr_ints(i, "strides").value_or(std::vector<int64_t>{1, 1});
  std::vector<int64_t> pads = attr_ints(i, "pads").value_or(std::vector<int64_t>{0, 0, 0, 0});
  if (strides.size() != 2 || strides[0] != strides[1] || strides[0] < 1 || strides[0] > kMaxStride)
    fail(i, fmt::format("strides [{}]: expected equal strides 1..{}", fmt::join(strides, ", "), kMaxStride));
  if (pads.size() != 4 || pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3] || pads[0] < 0 ||
      pads[0] > kMaxPad)
    fail(i, fmt::format("pads [{}]: expected the same padding 0..{} on every side", fmt::join(pads, ", "), kMaxPad));
  r.out = int(dims[0]);
  r.k = k;
  r.stride = int(strides[0]);
  r.pad = int(pads[0]);
  // OIHW -> OHWI
  r.w.resize(w.size());
  for (int o = 0; o < r.out; ++o)
    for (int c = 0; c < cin; ++c)
      for (int y = 0; y < k; ++y)
        for (int x = 0; x < k; ++x)
          r.w[((size_t(o) * size_t(k) + size_t(y)) * size_t(k) + size_t(x)) * size_t(cin) + size_t(c)] =
              w[((size_t(o) * size_t(cin) + size_t(c)) * size_t(k) + size_t(y)) * size_t(k) + size_t(x)];
  if (!in(i, 2).empty()) {
    std::vector<int64_t> bd;
    r.bias = weights_of(i, 2, false, &bd);
    if (int64_t(r.bias.size()) != r.out || bd.size() != 1)
      fail(i, fmt::format("bias of shape [{}], expected [{}]", fmt::join(bd, ", "), r.out));
  }
  return r;
}

// Gemm(x, W[, b]) or MatMul(x, W) [+ Add(b)]: W as [out][in].
Importer::DenseW Importer::read_dense(int i, int cin, bool binary, int* last, bool left) {
  *last = i;
  DenseW r;
  std::vector<int64_t> dims;
  std::vector<float> w;
  bool trans = false;
  if (node(i).op_type() == "Gemm") {
    only_attrs(i, {"alpha", "beta", "transA", "transB"});
    if (attr_int(i, "transA", 0) != 0) fail(i, "transA = 1 is not supported");
    if (attr_float(i, "alpha", 1.0) != 1.0 || attr_float(i, "beta", 1.0) != 1.0)
      fail(i, "alpha and beta other than 1 are not supported");
    w = weights_of(i, 1, binary, &dims);
    trans = attr_int(i, "transB", 0) == 0;
  } else if (left) {
    w = weights_of(i, 0, binary, &dims);
    trans = false;
  } else {
    w = weights_of(i, 1, binary, &dims);
    trans = true;
  }
  if (dims.size() != 2) fail(i, fmt::format("weights of shape [{}]: expected a matrix", fmt::join(dims, ", ")));
  int64_t din = trans ? dims[0] : dims[1], dout = trans ? dims[1] : dims[0];
  if (din != cin || dout < 1 || dout > 65536)
    fail(i, fmt::format("weights of shape [{}] do not take {} inputs", fmt::join(dims, ", "), cin));
  r.out = int(dout);
  r.w.resize(w.size());
  for (int64_t o = 0; o < dout; ++o)
    for (int64_t c = 0; c < din; ++c)
      r.w[size_t(o * din + c)] = trans ? w[size_t(c * dout + o)] : w[size_t(o * din + c)];
  auto read_bias = [&](int node_i, int k) {
    std::vector<int64_t> bd;
    r.bias = weights_of(node_i, k, false, &bd);
    if (int64_t(r.bias.size()) != dout || bd.empty() || bd.back() != dout)
      fail(node_i, fmt::format("bias of shape [{}], expected [{}]", fmt::join(bd, ", "), dout));
  };
  if (node(i).op_type() == "Gemm") {
    if (!in(i, 2).empty()) read_bias(i, 2);
  } else {
    std::string v = out0(i);
    int a = consumers_of(v).size() == 1 && !outputs_.count(v) ? consumers_of(v)[0] : -1;
    if (is_op(a, "Add") && !left) {
      int k = in(a, 0) == v ? 1 : 0;
      if (is_const(in(a, k))) {
        read_bias(a, k);
        *last = a;
      }
    }
  }
  return r;
}

void Importer::layer_conv(int i) {
  if (lay_ != Lay::NCHW) fail(i, "a convolution on a flattened tensor");
  check_activation_input(i);
  ConvW cw = read_conv(i, c_, false);
  if (input_pad_ > 0) {
    // Pad(pixel 128) on the input, then the normalisation, then this Conv:
    // the first layer's padding (int8 0 = pixel 128, DESIGN §4).
    if (!layers_.empty() || cw.pad != 0) fail(i, "after the input's Pad the first layer must be a Conv with pads 0");
    cw.pad = input_pad_;
    input_pad_ = 0;
  }
  int last = i;
  std::string v = out0(i);
  std::optional<Bn> bn = maybe_bn(v, cw.out, &last);
  if (!bn) bn = identity_bn(cw.out);
  fold_bias(*bn, cw.bias);
  bool relu = maybe_relu(v, &last);
  if (h_ + 2 * cw.pad < cw.k || w_ + 2 * cw.pad < cw.k) fail(i, "the kernel does not fit the input");
  std::string name = layer_name(i, "conv");
  layers_.push_back({{"name", name},
                     {"type", "conv"},
                     {"out", cw.out},
                     {"kernel", cw.k},
                     {"stride", cw.stride},
                     {"pad", cw.pad},
                     {"act", relu ? "relu" : "none"}});
  arrays_[name + ".w"] = NpyArray::from(cw.w, {cw.out, cw.k, cw.k, c_});
  put_bn(name + ".bn", *bn);
  h_ = (h_ + 2 * cw.pad - cw.k) / cw.stride + 1;
  w_ = (w_ + 2 * cw.pad - cw.k) / cw.stride + 1;
  c_ = cw.out;
  cur_ = v;
}

void Importer::layer_pool(int i) {
  if (lay_ == Lay::NC) fail(i, "pooling after Flatten/Reshape");
  check_activation_input(i);
  // The token axes of the layout: H and W, or T.
  std::vector<int64_t> tok = lay_ == Lay::NCHW  ? std::vector<int64_t>{2, 3}
                             : lay_ == Lay::NCT ? std::vector<int64_t>{2}
                                                : std::vector<int64_t>{1};
  int rank = lay_ == Lay::NCHW ? 4 : 3;
  if (node(i).op_type() == "ReduceMean") {
    only_attrs(i, {"axes", "keepdims"});
    std::vector<int64_t> axes = attr_ints(i, "axes").value_or(std::vector<int64_t>{});
    if (!in(i, 1).empty())
      for (double x : const_value(in(i, 1), i).v) axes.push_back(int64_t(x));
    for (auto& a : axes)
      if (a < 0) a += rank;
    std::sort(axes.begin(), axes.end());
    if (axes != tok)
      fail(i,
           fmt::format("a mean over axes [{}]: only a mean over the tokens (axes [{}] here) is a global average pool",
                       fmt::join(axes, ", "), fmt::join(tok, ", ")));
    if (attr_int(i, "keepdims", 1) == 0) lay_ = Lay::NC;
  } else {
    if (node(i).attribute_size() > 0) fail(i, fmt::format("unsupported attribute '{}'", node(i).attribute(0).name()));
    if (lay_ == Lay::NTC) fail(i, "GlobalAveragePool of an (N, T, C) tensor would average channels");
  }
  layers_.push_back({{"name", layer_name(i, "pool")}, {"type", "avgpool"}});
  h_ = w_ = 1;
  cur_ = out0(i);
}

void Importer::layer_dense(int i) {
  check_activation_input(i);
  if (lay_ == Lay::NCHW) {
    if (h_ * w_ != 1)
      fail(i, fmt::format("a dense layer on a {}x{}x{} tensor: flatten a pooled (1x1) tensor first", h_, w_, c_));
    fail(i, "a dense layer on a 4-D tensor: expected Flatten or Reshape to (N, C) first");
  }
  if (lay_ == Lay::NCT)
    fail(i, "a fixed-point dense layer over tokens is not a layer of the model format (only Blend modules mix tokens)");
  if (node(i).op_type() == "Gemm" && lay_ != Lay::NC) fail(i, "Gemm on a 3-D tensor");
  int last;
  DenseW dw = read_dense(i, c_, false, &last);
  std::string v = out0(last);
  bool relu = maybe_relu(v, &last);
  std::string name = layer_name(i, "fc");
  json l = {{"name", name}, {"type", "dense"}, {"out", dw.out}};
  if (relu) l["act"] = "relu";
  layers_.push_back(l);
  if (dw.bias.empty()) dw.bias.assign(size_t(dw.out), 0.0f);
  arrays_[name + ".w"] = NpyArray::from(dw.w, {dw.out, c_});
  arrays_[name + ".b"] = NpyArray::from(dw.bias, {dw.out});
  c_ = dw.out;
  cur_ = v;
}

bool Importer::is_transpose021(int i) const {
  if (!is_op(i, "Transpose")) return false;
  auto p = attr_ints(i, "perm");
  return p && *p == std::vector<int64_t>{0, 2, 1};
}

// Node i and the Transpose (0, 2, 1) nodes from it on: each flips a 3-D
// activation between (N, C, T) and (N, T, C). Returns the first other node
// (v: its input; -1 at the graph output).
int Importer::through_transposes(int i, std::string& v, Lay& lay) {
  while (i >= 0 && is_op(i, "Transpose")) {
    if (in(i, 0) != v) fail(i, "expected the activation as input 0");
    if (!is_transpose021(i) || (lay != Lay::NCT && lay != Lay::NTC))
      fail(i,
           "token mixing not yet supported by the ONNX importer (only a Transpose (0, 2, 1) of an (N, C, T) or "
           "(N, T, C) tensor is: flatten the image with x.flatten(2) first)");
    lay = lay == Lay::NCT ? Lay::NTC : Lay::NCT;
    v = out0(i);
    i = single_consumer(v, i);
  }
  return i;
}

void Importer::check_bn_axis(int i, Lay lay) const {
  if (lay == Lay::NTC)
    fail(i,
         "a batch norm over the token axis (the tensor is (N, T, C) here; batch norms are over channels: "
         "transpose to (N, C, T) around it)");
}

void Importer::layer_blend(const std::vector<int>& cons) {
  // Which consumer starts the main path: [Transpose ->] [BN_a ->] Sign.
  auto starts_main = [&](int i) {
    std::string v = cur_;
    Lay lay = lay_;
    while (is_transpose021(i) && in(i, 0) == v) {
      v = out0(i);
      std::vector<int> c = consumers_of(v);
      if (c.size() != 1) return false;
      i = c[0];
    }
    if (is_op(i, "Sign")) return true;
    if (!is_op(i, "BatchNormalization")) return false;
    std::vector<int> c = consumers_of(out0(i));
    while (c.size() == 1 && is_transpose021(c[0])) c = consumers_of(out0(c[0]));
    return c.size() == 1 && is_op(c[0], "Sign");
    (void)lay;
  };
  int a = cons[0], b = cons[1];
  if (!starts_main(a)) std::swap(a, b);
  if (!starts_main(a))
    fail(cons[0], fmt::format("the activation is used by two nodes ({} and {}) but neither starts a Blend "
                              "module's binary path ([BatchNormalization ->] Sign)",
                              node_str(cons[0]), node_str(cons[1])));
  const int cin = c_;
  const int tin = h_ * w_;
  const bool three_d = lay_ == Lay::NCT || lay_ == Lay::NTC;
  // ---- main path
  std::string v = cur_;
  Lay lm = lay_;
  int n = through_transposes(a, v, lm);
  std::optional<Bn> bn_a;
  if (is_op(n, "BatchNormalization")) {
    if (in(n, 0) != v) fail(n, "expected the activation as input 0");
    check_bn_axis(n, lm);
    bn_a = read_bn(n, cin);
    v = out0(n);
    n = through_transposes(single_consumer(v, n), v, lm);
  }
  if (!is_op(n, "Sign")) fail(n, "expected Sign after the Blend module's first batch norm");
  int sign = n;
  v = out0(sign);
  n = through_transposes(single_consumer(v, sign), v, lm);
  int pad_node = -1;
  if (is_op(n, "Pad")) {
    pad_node = n;
    const auto pad = pad_of(n);
    const std::vector<int64_t>& pads = pad.first;
    const double value = pad.second;
    if (lm != Lay::NCHW) fail(n, "Pad before a binary dense layer");
    std::vector<int64_t> want{0, 0, 1, 1, 0, 0, 1, 1};
    if (pads != want)
      fail(n, fmt::format("pads [{}]: a binary convolution's padding must be 1 on each side of H and W "
                          "(pads [0, 0, 1, 1, 0, 0, 1, 1])",
                          fmt::join(pads, ", ")));
    if (value != -1.0)
      fail(n, fmt::format("a Pad value of {} before a binary convolution: the project's binary convolutions pad "
                          "with -1 (DESIGN §2)",
                          value));
    v = out0(n);
    n = single_consumer(v, n);
  }
  int mm = n, last = n;
  bool dense = false, token = false;
  int out = 0, stride = 1;
  std::vector<float> wmain, wbias;
  if (is_op(mm, "Conv")) {
    if (lm != Lay::NCHW) fail(mm, "a convolution on a flattened tensor");
    if (in(mm, 0) != v) fail(mm, "expected the binarized activation as input 0");
    ConvW cw = read_conv(mm, cin, true);
    if (pad_node >= 0) {
      if (cw.k != 3 || cw.pad != 0)
        fail(mm, fmt::format("after Pad(-1) the binary convolution must be 3x3 with pads 0 (is {}x{}, pads {})", cw.k,
                             cw.k, cw.pad));
    } else if (cw.k == 3) {
      fail(mm, cw.pad ? "a binary 3x3 convolution padding with 0 (Conv pads): the project's binary convolutions pad "
                        "with -1; use Pad(value=-1) then Conv with pads 0"
                      : "a binary 3x3 convolution without padding: the project's Blend module pads 1 with -1");
    } else if (cw.k != 1 || cw.pad != 0 || cw.stride != 1) {
      fail(mm, "a binary convolution must be 3x3 (after Pad(-1)) or 1x1 with stride 1 and no padding (dense)");
    } else {
      dense = true;  // a 1x1 binary conv: dense over channels, per token
    }
    if (!dense && cw.stride > 2) fail(mm, "a Blend module's stride must be 1 or 2");
    out = cw.out;
    stride = cw.stride;
    wmain = cw.w;
    wbias = cw.bias;
  } else if (is_op(mm, "Gemm") || is_op(mm, "MatMul")) {
    if (lm == Lay::NCHW) {
      if (h_ * w_ == 1) fail(mm, "a dense layer on a 4-D tensor: expected Flatten or Reshape to (N, C) first");
      fail(mm, "a binary dense layer on a 4-D tensor: flatten it to (N, C, T) with x.flatten(2) first");
    }
    // MatMul(W, b) on (N, C, T): the weight first, channel mixing.
    const bool left = is_op(mm, "MatMul") && lm == Lay::NCT && in(mm, 1) == v && is_const(in(mm, 0));
    if (!left && in(mm, 0) != v) fail(mm, "expected the binarized activation as input 0");
    if (is_op(mm, "Gemm") && lm != Lay::NC) fail(mm, "Gemm on a 3-D tensor");
    token = lm == Lay::NCT && !left;  // the last axis is contracted: tokens in (N, C, T)
    DenseW dw = read_dense(mm, token ? tin : cin, true, &last, left);
    dense = true;
    out = dw.out;
    wmain = dw.w;
    wbias = dw.bias;
  } else {
    fail(mm, "expected the Blend module's binary Conv (after Pad with value -1) or Gemm/MatMul after Sign");
  }
  const int cout = token ? cin : out;  // channels after the module
  v = out0(last);
  n = through_transposes(single_consumer(v, last), v, lm);
  std::optional<Bn> bn_m;
  if (is_op(n, "BatchNormalization")) {
    if (in(n, 0) != v) fail(n, "expected the activation as input 0");
    check_bn_axis(n, lm);
    bn_m = read_bn(n, cout);
    last = n;
    v = out0(n);
    n = through_transposes(single_consumer(v, n), v, lm);
  }
  const int add = n;
  const std::string main_end = v;
  // ---- skip path
  std::string sv = cur_;
  Lay ls = lay_;
  int sk = b == add ? add : through_transposes(b, sv, ls);
  std::string skip_kind = "identity";
  std::vector<float> wskip, sbias;
  if (is_op(sk, "Conv")) {
    if (ls != Lay::NCHW) fail(sk, "a convolution on a flattened tensor");
    if (in(sk, 0) != sv) fail(sk, "expected the activation as input 0");
    ConvW cw = read_conv(sk, cin, false);
    if (cw.out != out) fail(sk, fmt::format("the skip path has {} outputs, the binary path {}", cw.out, out));
    if (cw.stride != stride)
      fail(sk, fmt::format("the skip path's stride {} differs from the binary path's {}", cw.stride, stride));
    if (dense) {
      if (cw.k != 1 || cw.pad != 0) fail(sk, "a dense Blend module's skip must be a 1x1 convolution without padding");
      skip_kind = "dense";
    } else if (cw.k == 1 && cw.pad == 0) {
      skip_kind = "conv1x1";
    } else if (cw.k == 3 && cw.pad == 1) {
      skip_kind = "conv3x3";
    } else {
      fail(sk, fmt::format("a skip convolution {}x{} with pads {}: expected 1x1 (pads 0) or 3x3 (pads 1)", cw.k, cw.k,
                           cw.pad));
    }
    wskip = cw.w;
    sbias = cw.bias;
    sv = out0(sk);
    sk = through_transposes(single_consumer(sv, sk), sv, ls);
  } else if (is_op(sk, "Gemm") || is_op(sk, "MatMul")) {
    if (!dense || ls == Lay::NCHW) fail(sk, "a dense skip path next to a binary convolution");
    const bool left = is_op(sk, "MatMul") && ls == Lay::NCT && in(sk, 1) == sv && is_const(in(sk, 0));
    if (!left && in(sk, 0) != sv) fail(sk, "expected the activation as input 0");
    if ((ls == Lay::NCT && !left) != token)
      fail(sk, "the skip path's dense layer mixes another axis than the binary path's (tokens vs channels)");
    int sl = sk;
    DenseW dw = read_dense(sk, token ? tin : cin, false, &sl, left);
    if (dw.out != out) fail(sk, fmt::format("the skip path has {} outputs, the binary path {}", dw.out, out));
    skip_kind = "dense";
    wskip = dw.w;
    sbias = dw.bias;
    sv = out0(sl);
    sk = through_transposes(single_consumer(sv, sl), sv, ls);
  } else if (!is_op(sk, "BatchNormalization") && sk != add) {
    fail(sk,
         "expected the Blend module's skip path (Conv, Gemm/MatMul, BatchNormalization, or the input itself) "
         "next to its binary path");
  }
  std::optional<Bn> bn_s;
  if (is_op(sk, "BatchNormalization") && sk != add) {
    if (in(sk, 0) != sv) fail(sk, "expected the activation as input 0");
    check_bn_axis(sk, ls);
    bn_s = read_bn(sk, cout);
    sv = out0(sk);
    sk = through_transposes(single_consumer(sv, sk), sv, ls);
  }
  if (skip_kind == "identity") {
    if (!dense && stride != 1) fail(sk, "an identity skip path with a stride-2 binary path");
    if (out != (token ? tin : cin))
      fail(sk, fmt::format("an identity skip needs as many outputs as inputs ({} vs {})", out, token ? tin : cin));
  }
  // ---- merge
  if (!is_op(add, "Add")) fail(add, "expected the Add that merges the Blend module's binary and skip paths");
  if (sk != add) fail(sk, "expected the Add that merges the Blend module's binary and skip paths");
  std::string x0 = in(add, 0), x1 = in(add, 1);
  if (!((x0 == main_end && x1 == sv) || (x1 == main_end && x0 == sv)) || x0 == x1)
    fail(add, "this Add does not merge the binary path with the skip path of the same module (not a Blend module)");
  if (lm != ls) fail(add, "the binary and skip paths arrive in different layouts ((N, C, T) vs (N, T, C))");
  v = out0(add);
  last = add;
  Lay lo = lm;
  std::optional<Bn> bn_o;
  bool relu = false;
  // [Transpose] [BN_o] [Transpose] [Relu]: peeked one node at a time.
  auto peek = [&](const char* op_type) {
    std::string pv = v;
    Lay pl = lo;
    std::vector<int> c = consumers_of(pv);
    if (c.size() != 1 || outputs_.count(pv)) return -1;
    int i = c[0];
    while (is_transpose021(i) && (pl == Lay::NCT || pl == Lay::NTC)) {
      pv = out0(i);
      pl = pl == Lay::NCT ? Lay::NTC : Lay::NCT;
      c = consumers_of(pv);
      if (c.size() != 1 || outputs_.count(pv)) return -1;
      i = c[0];
    }
    if (!is_op(i, op_type) || in(i, 0) != pv) return -1;
    v = pv;
    lo = pl;
    return i;
  };
  if (int i = peek("BatchNormalization"); i >= 0) {
    check_bn_axis(i, lo);
    bn_o = read_bn(i, cout);
    v = out0(i);
  }
  if (int i = peek("Relu"); i >= 0) {
    relu = true;
    v = out0(i);
  }
  // ---- parameters
  if (!bn_a) bn_a = identity_bn(cin);
  if (!bn_m) bn_m = identity_bn(cout);
  if (!bn_s) bn_s = identity_bn(cout);
  if (!bn_o) bn_o = identity_bn(cout);
  if (token && (!wbias.empty() || !sbias.empty()))
    fail(mm, "a bias on a token-mixing dense layer (per token, not per channel) cannot be folded into the batch norms");
  fold_bias(*bn_m, wbias);
  fold_bias(*bn_s, sbias);
  std::string name = layer_name(mm, "blend");
  json l = {{"name", name}, {"out", out}, {"skip", skip_kind}, {"act", relu ? "relu" : "none"}};
  if (dense) {
    const int fin = token ? tin : cin;
    l["type"] = "blend_dense";
    l["axis"] = token ? "token" : "channel";
    arrays_[name + ".main.w"] = NpyArray::from(wmain, {out, fin});
    if (skip_kind == "dense") arrays_[name + ".skip.w"] = NpyArray::from(wskip, {out, fin});
    if (token && out != tin) h_ = 1, w_ = out;
  } else {
    l["type"] = "blend_conv";
    l["stride"] = stride;
    arrays_[name + ".main.w"] = NpyArray::from(wmain, {out, 3, 3, cin});
    if (skip_kind == "conv1x1") arrays_[name + ".skip.w"] = NpyArray::from(wskip, {out, 1, 1, cin});
    if (skip_kind == "conv3x3") arrays_[name + ".skip.w"] = NpyArray::from(wskip, {out, 3, 3, cin});
    h_ = (h_ - 1) / stride + 1;
    w_ = (w_ - 1) / stride + 1;
  }
  layers_.push_back(l);
  put_bn(name + ".bn_a", *bn_a);
  put_bn(name + ".bn_m", *bn_m);
  put_bn(name + ".bn_s", *bn_s);
  put_bn(name + ".bn_o", *bn_o);
  (void)three_d;
  c_ = cout;
  cur_ = v;
  lay_ = lo;
}

OnnxModel Importer::run() {
  build_index();
  // Opset of the standard domain.
  int64_t opset = -1;
  for (auto& o : m_.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  if (opset < 0) fail("no opset of the standard ONNX domain (not an ONNX model?)");
  if (opset < 11 || opset > 17)
    fail(fmt::format("opset {} is not supported (11..17; PyTorch 1.13 exports 13 by default)", opset));
  // The graph input: the one input that is not an initializer.
  const op::ValueInfoProto* input = nullptr;
  for (auto& vi : g_.input())
    if (!inits_.count(vi.name())) {
      if (input) fail(fmt::format("the graph has more than one input ('{}', '{}')", input->name(), vi.name()));
      input = &vi;
    }
  if (!input) fail("the graph has no input (an empty or truncated file?)");
  if (g_.output_size() != 1) fail(fmt::format("the graph has {} outputs, expected one (the logits)", g_.output_size()));
  const auto& tt = input->type().tensor_type();
  if (!input->type().has_tensor_type() || !tt.has_shape() || tt.shape().dim_size() != 4)
    fail(fmt::format("the graph input '{}' must be a 4-D tensor (N, C, H, W) of pixel/255 values", input->name()));
  if (tt.elem_type() != op::TensorProto_DataType_FLOAT)
    fail(fmt::format("the graph input '{}' must be float", input->name()));
  int dims[3];
  for (int k = 1; k < 4; ++k) {
    const auto& d = tt.shape().dim(k);
    if (!d.has_dim_value())
      fail(fmt::format("the graph input '{}' has a symbolic dimension {}: C, H and W must be fixed", input->name(), k));
    dims[k - 1] = int(std::clamp<int64_t>(d.dim_value(), -1, 1 << 20));
  }
  if (dims[0] < 1 || dims[0] > 4 || dims[1] < 1 || dims[1] > 4096 || dims[2] < 1 || dims[2] > 4096)
    fail(fmt::format("the graph input '{}' is {}x{}x{} (C x H x W): expected 1..4 channels and sides 1..4096",
                     input->name(), dims[0], dims[1], dims[2]));
  c_ = dims[0], h_ = dims[1], w_ = dims[2];
  cur_ = resolve(input->name());
  std::vector<double> mean(size_t(c_), 0.0), stdv(size_t(c_), 1.0);
  input_scaling(mean.data(), stdv.data());
  const int kMaxLayers = 100000;
  std::set<std::string> visited;
  for (int guard = 0;; ++guard) {
    if (guard > kMaxLayers) fail("too many layers");
    if (input_pad_ > 0 && !consumers_of(cur_).empty() && !is_op(consumers_of(cur_)[0], "Conv"))
      fail(consumers_of(cur_)[0], "after the input's Pad the first layer must be a Conv with pads 0");
    if (!visited.insert(cur_).second) fail(fmt::format("the graph has a cycle through '{}'", cur_));
    act_shape_[cur_] = act_dims();
    std::vector<int> cons = consumers_of(cur_);
    if (cons.empty()) {
      if (!outputs_.count(cur_)) fail(fmt::format("value '{}' is not used and is not the graph output", cur_));
      break;
    }
    if (outputs_.count(cur_)) fail(cons[0], "its input is also the graph output");
    if (cons.size() == 2) {
      layer_blend(cons);
      continue;
    }
    if (cons.size() > 2) fail(cons[0], fmt::format("the activation is used by {} nodes", cons.size()));
    int i = cons[0];
    const std::string& t = node(i).op_type();
    if (t == "Conv") {
      layer_conv(i);
    } else if (t == "GlobalAveragePool" || t == "ReduceMean") {
      layer_pool(i);
    } else if (t == "Flatten" || t == "Reshape" || t == "Squeeze") {
      check_activation_input(i);
      if (t == "Flatten" && attr_int(i, "axis", 1) != 1) fail(i, "only Flatten with axis 1 is supported");
      std::vector<double> shape;
      if (t == "Reshape") shape = const_value(in(i, 1), i).v;
      auto is = [](double x, std::initializer_list<double> ok) {
        for (double o : ok)
          if (x == o) return true;
        return false;
      };
      if (h_ * w_ == 1 && lay_ != Lay::NC) {
        if (t == "Reshape" && !(shape.size() == 2 && is(shape[0], {1, -1, 0}) && is(shape[1], {double(c_), -1})))
          fail(i, fmt::format("reshape to [{}]: expected (N, {})", fmt::join(shape, ", "), c_));
        lay_ = Lay::NC;
      } else if (t == "Reshape" && lay_ == Lay::NCHW && shape.size() == 3 && is(shape[0], {1, 0}) &&
                 is(shape[1], {double(c_), 0}) && is(shape[2], {double(h_) * w_, -1})) {
        lay_ = Lay::NCT;  // x.flatten(2): (N, C, H*W), tokens in row-major (y, x) order
      } else {
        fail(i, fmt::format("{} of a {}x{}x{} tensor: only x.flatten(2) of an image (to (N, C, T)) and flattening "
                            "a pooled 1x1 tensor are supported",
                            t, h_, w_, c_));
      }
      cur_ = out0(i);
    } else if (t == "Transpose") {
      std::string v = cur_;
      int n = through_transposes(i, v, lay_);
      (void)n;
      cur_ = v;
    } else if (t == "Gemm" || t == "MatMul") {
      layer_dense(i);
    } else if (t == "BatchNormalization" || t == "Sign") {
      fail(i,
           "a batch norm or sign that is neither after a Conv/Gemm nor part of a Blend module "
           "(a Blend module's input feeds both its binary path and its skip path)");
    } else {
      fail(i, fmt::format("unsupported op '{}' here", t));
    }
  }
  // ---- the model, through the model file's own parser and checks
  std::filesystem::path p(src_);
  std::string name = clean(p.stem().string(), 64);
  if (name.empty()) name = "onnx";
  json model = {
      {"format", "neuroblend-model-1"},
      {"name", name},
      {"description", fmt::format("imported from ONNX ({}{}{}, opset {})", clean(m_.producer_name()),
                                  m_.producer_version().empty() ? "" : " ", clean(m_.producer_version()), opset)},
      {"bn_eps", eps_},
      {"input", {{"height", h_}, {"width", w_}, {"channels", c_}, {"mean", mean}, {"std", stdv}}},
      {"layers", layers_}};
  model["input"]["height"] = dims[1];
  model["input"]["width"] = dims[2];
  model["input"]["channels"] = dims[0];
  if (layers_.empty()) fail("no layers found between the graph input and its output");
  const json& lastl = layers_.back();
  model["classes"] = lastl.contains("out") ? lastl["out"] : json(1);
  OnnxModel r;
  r.spec = parse_model(model.dump(), src_);
  r.params = params_from_arrays(r.spec, arrays_, src_);
  return r;
}

}  // namespace

OnnxModel import_onnx_bytes(const void* data, size_t size, const std::string& source) {
  if (size == 0) throw Error(fmt::format("{}: empty file, not an ONNX model", source));
  if (size > size_t(std::numeric_limits<int>::max()))
    throw Error(fmt::format("{}: {} bytes is larger than an ONNX protobuf can be (2 GB)", source, size));
  op::ModelProto m;
  if (!m.ParseFromArray(data, int(size)))
    throw Error(fmt::format("{}: not a valid ONNX model (the protobuf does not parse as a ModelProto)", source));
  if (!m.has_graph() || m.graph().node_size() == 0)
    throw Error(fmt::format("{}: not an ONNX model (no graph or no nodes)", source));
  return Importer(m, source).run();
}

OnnxModel import_onnx(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) throw Error(fmt::format("cannot open model '{}': {}", path, ec.message()));
  if (size > uint64_t(std::numeric_limits<int>::max()))
    throw Error(fmt::format("{}: {} bytes is larger than an ONNX protobuf can be (2 GB)", path, size));
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open model '{}'", path));
  std::string bytes(size_t(size), '\0');
  f.read(bytes.data(), std::streamsize(size));
  if (size_t(f.gcount()) != size) throw Error(fmt::format("{}: could not read the file", path));
  return import_onnx_bytes(bytes.data(), bytes.size(), path);
}

}  // namespace nb
