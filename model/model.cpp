#include "neuroblend/model.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/onnx_import.h"

#ifndef NB_MODELS_DIR
#define NB_MODELS_DIR "models"
#endif

namespace nb {
using json = nlohmann::json;

const char* to_string(LayerKind k) {
  switch (k) {
    case LayerKind::Conv:
      return "conv";
    case LayerKind::BlendConv:
      return "blend_conv";
    case LayerKind::BlendDense:
      return "blend_dense";
    case LayerKind::AvgPool:
      return "avgpool";
    case LayerKind::Dense:
      return "dense";
  }
  return "?";
}
const char* to_string(SkipKind k) {
  switch (k) {
    case SkipKind::None:
      return "none";
    case SkipKind::Conv1x1:
      return "conv1x1";
    case SkipKind::Identity:
      return "identity";
    case SkipKind::Conv3x3:
      return "conv3x3";
    case SkipKind::Dense:
      return "dense";
  }
  return "?";
}
const char* to_string(Act a) {
  return a == Act::Relu ? "relu" : "none";
}
const char* to_string(Axis a) {
  return a == Axis::Token ? "token" : "channel";
}

int64_t binary_taps(LayerKind kind, Axis axis, const Shape& in) {
  if (kind == LayerKind::BlendConv) return 9ll * in.c;
  if (kind == LayerKind::BlendDense) return axis == Axis::Token ? in.tokens() : in.c;
  return 0;
}

int64_t fixed_taps(LayerKind kind, SkipKind skip, Axis axis, const Shape& in, int kernel) {
  switch (kind) {
    case LayerKind::Conv:
      return int64_t(kernel) * kernel * in.c;
    case LayerKind::Dense:
      return in.c;
    case LayerKind::AvgPool:
      return 0;
    case LayerKind::BlendConv:
      if (skip == SkipKind::Conv1x1) return in.c;
      if (skip == SkipKind::Conv3x3) return 9ll * in.c;
      return 0;
    case LayerKind::BlendDense:
      if (skip == SkipKind::Dense) return axis == Axis::Token ? in.tokens() : in.c;
      return 0;
  }
  return 0;
}

Shape output_shape(LayerKind kind, Axis axis, const Shape& in, int out, int kernel, int stride, int pad) {
  switch (kind) {
    case LayerKind::Conv:
      if (in.h + 2 * pad < kernel || in.w + 2 * pad < kernel) return Shape{0, 0, out};
      return Shape{(in.h + 2 * pad - kernel) / stride + 1, (in.w + 2 * pad - kernel) / stride + 1, out};
    case LayerKind::BlendConv:
      return Shape{(in.h - 1) / stride + 1, (in.w - 1) / stride + 1, out};
    case LayerKind::BlendDense:
      if (axis == Axis::Channel) return Shape{in.h, in.w, out};
      return out == in.tokens() ? in : Shape{1, out, in.c};
    case LayerKind::AvgPool:
      return Shape{1, 1, in.c};
    case LayerKind::Dense:
      return Shape{in.h, in.w, out};
  }
  return in;
}

int64_t LayerSpec::k_binary() const {
  return binary_taps(kind, axis, in);
}

int64_t LayerSpec::k_fixed() const {
  return fixed_taps(kind, skip, axis, in, kernel);
}

int64_t LayerSpec::binary_macs() const {
  if (!has_binary()) return 0;
  return outs.size() * k_binary();
}

int64_t LayerSpec::int8_macs() const {
  return outs.size() * k_fixed();
}

std::string zoo_dir() {
  if (const char* env = std::getenv("NEUROBLEND_MODELS")) return env;
  return NB_MODELS_DIR;
}

std::vector<std::string> zoo_names() {
  return {"neuroblend-20", "neuroblend-18", "blendmixer"};
}

namespace {

// Strict reader over one JSON object: every key must be consumed.
class Obj {
 public:
  Obj(const json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) throw Error(fmt::format("{}: expected an object", where_));
  }
  bool has(const std::string& k) const { return j_.contains(k); }
  const json& raw(const std::string& k) {
    used_.insert(k);
    if (!has(k)) throw Error(fmt::format("{}: missing required key '{}'", where_, k));
    return j_.at(k);
  }
  int integer(const std::string& k, std::optional<int> def, int lo, int hi) {
    if (!has(k)) {
      if (!def) throw Error(fmt::format("{}: missing required key '{}'", where_, k));
      return *def;
    }
    const json& v = raw(k);
    if (!v.is_number_integer())
      throw Error(fmt::format("{}: key '{}' must be an integer, got {}", where_, k, v.dump()));
    long long x = v.get<long long>();
    if (x < lo || x > hi) throw Error(fmt::format("{}: key '{}' = {} is out of range [{}, {}]", where_, k, x, lo, hi));
    return int(x);
  }
  double number(const std::string& k, std::optional<double> def) {
    if (!has(k)) {
      if (!def) throw Error(fmt::format("{}: missing required key '{}'", where_, k));
      return *def;
    }
    const json& v = raw(k);
    if (!v.is_number()) throw Error(fmt::format("{}: key '{}' must be a number", where_, k));
    return v.get<double>();
  }
  std::string str(const std::string& k, std::optional<std::string> def) {
    if (!has(k)) {
      if (!def) throw Error(fmt::format("{}: missing required key '{}'", where_, k));
      return *def;
    }
    const json& v = raw(k);
    if (!v.is_string()) throw Error(fmt::format("{}: key '{}' must be a string", where_, k));
    return v.get<std::string>();
  }
  template <typename E>
  E choice(const std::string& k, std::optional<std::string> def, const std::map<std::string, E>& opts) {
    std::string s = str(k, def);
    auto it = opts.find(s);
    if (it == opts.end()) {
      std::string all;
      for (auto& [n, e] : opts) all += (all.empty() ? "" : ", ") + n;
      throw Error(fmt::format("{}: key '{}' = '{}' is not one of: {}", where_, k, s, all));
    }
    return it->second;
  }
  void finish() const {
    for (auto& [k, v] : j_.items())
      if (!used_.count(k)) throw Error(fmt::format("{}: unknown key '{}'", where_, k));
  }
  const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string where_;
  std::set<std::string> used_;
};

std::vector<double> number_list(const json& j, const std::string& where, size_t n) {
  if (!j.is_array() || j.size() != n) throw Error(fmt::format("{}: expected a list of {} numbers", where, n));
  std::vector<double> v;
  for (auto& e : j) {
    if (!e.is_number()) throw Error(fmt::format("{}: expected a list of {} numbers", where, n));
    v.push_back(e.get<double>());
  }
  return v;
}

const std::map<std::string, LayerKind> kKinds = {{"conv", LayerKind::Conv},
                                                 {"blend_conv", LayerKind::BlendConv},
                                                 {"blend_dense", LayerKind::BlendDense},
                                                 {"avgpool", LayerKind::AvgPool},
                                                 {"dense", LayerKind::Dense}};
const std::map<std::string, Act> kActs = {{"none", Act::None}, {"relu", Act::Relu}};

LayerSpec parse_layer(Obj& o) {
  LayerSpec l;
  l.name = o.str("name", std::nullopt);
  l.kind = o.choice("type", std::nullopt, kKinds);
  switch (l.kind) {
    case LayerKind::Conv:
      l.out = o.integer("out", std::nullopt, 1, 65536);
      l.kernel = o.integer("kernel", 3, 1, kMaxKernel);
      l.stride = o.integer("stride", 1, 1, kMaxStride);
      l.pad = o.integer("pad", (l.kernel - 1) / 2, 0, kMaxPad);
      l.act = o.choice("act", "none", kActs);
      l.wbits = o.integer("wbits", kMaxWbits, kMinWbits, kMaxWbits);
      break;
    case LayerKind::BlendConv:
      l.out = o.integer("out", std::nullopt, 1, 65536);
      l.stride = o.integer("stride", 1, 1, 2);
      l.kernel = 3;
      l.pad = 1;
      l.skip = o.choice(
          "skip", "conv1x1",
          std::map<std::string, SkipKind>{
              {"conv1x1", SkipKind::Conv1x1}, {"identity", SkipKind::Identity}, {"conv3x3", SkipKind::Conv3x3}});
      l.act = o.choice("act", "none", kActs);
      l.wbits = o.integer("wbits", kMaxWbits, kMinWbits, kMaxWbits);
      break;
    case LayerKind::BlendDense:
      l.out = o.integer("out", std::nullopt, 1, 65536);
      l.axis =
          o.choice("axis", "channel", std::map<std::string, Axis>{{"channel", Axis::Channel}, {"token", Axis::Token}});
      l.skip = o.choice("skip", "dense",
                        std::map<std::string, SkipKind>{{"dense", SkipKind::Dense}, {"identity", SkipKind::Identity}});
      l.act = o.choice("act", "none", kActs);
      l.wbits = o.integer("wbits", kMaxWbits, kMinWbits, kMaxWbits);
      l.kernel = 1;
      l.pad = 0;
      break;
    case LayerKind::AvgPool:
      l.kernel = 0;
      l.pad = 0;
      break;
    case LayerKind::Dense:
      l.out = o.integer("out", std::nullopt, 1, 65536);
      l.act = o.choice("act", "none", kActs);
      l.wbits = o.integer("wbits", kMaxWbits, kMinWbits, kMaxWbits);
      l.kernel = 1;
      l.pad = 0;
      break;
  }
  o.finish();
  return l;
}

void infer_shapes(ModelSpec& m) {
  Shape s = m.input.shape;
  std::set<std::string> names;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    LayerSpec& l = m.layers[i];
    std::string where = fmt::format("{}: layer {} ('{}')", m.source, i, l.name);
    if (!names.insert(l.name).second) throw Error(fmt::format("{}: duplicate layer name", where));
    l.in = s;
    if (l.skip == SkipKind::Identity) {
      if (l.kind == LayerKind::BlendConv && (l.out != s.c || l.stride != 1))
        throw Error(fmt::format(
            "{}: skip 'identity' needs in == out channels and stride 1 (in {} channels, out {}, stride {})", where,
            s.c, l.out, l.stride));
      if (l.kind == LayerKind::BlendDense && l.axis == Axis::Channel && l.out != s.c)
        throw Error(fmt::format("{}: skip 'identity' needs in == out features ({} vs {})", where, s.c, l.out));
      if (l.kind == LayerKind::BlendDense && l.axis == Axis::Token && l.out != s.tokens())
        throw Error(fmt::format("{}: skip 'identity' needs in == out tokens ({} vs {})", where, s.tokens(), l.out));
    }
    s = output_shape(l.kind, l.axis, s, l.out, l.kernel, l.stride, l.pad);
    if (s.h <= 0 || s.w <= 0) throw Error(fmt::format("{}: kernel {} does not fit input {}", where, l.kernel, l.in.str()));
    l.outs = s;
  }
  if (m.layers.empty()) throw Error(fmt::format("{}: model has no layers", m.source));
  LayerSpec& last = m.layers.back();
  if (last.kind != LayerKind::Dense || last.outs.tokens() != 1)
    throw Error(
        fmt::format("{}: the last layer must be a 'dense' layer on a pooled (1x1) tensor, "
                    "giving the logits; got '{}' ({}) with output {}",
                    m.source, last.name, to_string(last.kind), last.outs.str()));
  if (last.out != m.classes)
    throw Error(fmt::format("{}: last layer '{}' has {} outputs but the model has {} classes", m.source, last.name,
                            last.out, m.classes));
  if (last.act != Act::None)
    throw Error(fmt::format("{}: the logits layer '{}' cannot have an activation", m.source, last.name));
  last.logits = true;
}

}  // namespace

ModelSpec parse_model(const std::string& text, const std::string& source) {
  json j = parse_json(text, source);
  ModelSpec m;
  m.source = source;
  Obj top(j, source);
  std::string fmt_tag = top.str("format", std::nullopt);
  if (fmt_tag != "neuroblend-model-1")
    throw Error(fmt::format("{}: key 'format' = '{}', expected 'neuroblend-model-1'", source, fmt_tag));
  m.name = top.str("name", std::nullopt);
  m.description = top.str("description", "");
  m.classes = top.integer("classes", std::nullopt, 1, 1 << 20);
  m.bn_eps = top.number("bn_eps", 1e-5);
  if (!(m.bn_eps > 0)) throw Error(fmt::format("{}: key 'bn_eps' must be > 0", source));
  {
    Obj in(top.raw("input"), source + ": input");
    m.input.shape.h = in.integer("height", std::nullopt, 1, 4096);
    m.input.shape.w = in.integer("width", std::nullopt, 1, 4096);
    m.input.shape.c = in.integer("channels", std::nullopt, 1, 4);
    size_t c = size_t(m.input.shape.c);
    m.input.mean =
        in.has("mean") ? number_list(in.raw("mean"), in.where() + ": key 'mean'", c) : std::vector<double>(c, 0.5);
    m.input.std =
        in.has("std") ? number_list(in.raw("std"), in.where() + ": key 'std'", c) : std::vector<double>(c, 0.25);
    for (double s : m.input.std)
      if (!(s > 0)) throw Error(fmt::format("{}: key 'std' must be > 0", in.where()));
    in.finish();
  }
  if (!top.has("layers")) throw Error(fmt::format("{}: missing required key 'layers'", source));
  const json& layers = top.raw("layers");
  if (!layers.is_array()) throw Error(fmt::format("{}: key 'layers' must be a list", source));
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string where = fmt::format("{}: layers[{}]", source, i);
    if (layers[i].is_object() && layers[i].contains("name") && layers[i]["name"].is_string())
      where += fmt::format(" ('{}')", layers[i]["name"].get<std::string>());
    Obj o(layers[i], where);
    m.layers.push_back(parse_layer(o));
  }
  top.finish();
  infer_shapes(m);
  return m;
}

ModelSpec load_model(const std::string& name_or_path) {
  namespace fs = std::filesystem;
  std::string path = name_or_path;
  if (!fs::exists(path)) {
    for (auto& n : zoo_names())
      if (n == name_or_path) path = (fs::path(zoo_dir()) / (n + ".json")).string();
  }
  // An ONNX file brings its own parameters: import_onnx gives both; this
  // keeps the description.
  if (is_onnx_path(path) && fs::exists(path)) return import_onnx(path).spec;
  std::ifstream f(path);
  if (!f) {
    std::string names;
    for (auto& n : zoo_names()) names += " " + n;
    throw Error(fmt::format("cannot open model '{}': not a file, and not a zoo name (zoo:{})", name_or_path, names));
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_model(ss.str(), path);
}

}  // namespace nb
