#include "neuroblend/describe.h"

#include <fmt/format.h>

namespace nb {

ModelStats describe(const ModelSpec& m) {
  ModelStats s;
  s.model = m.name;
  s.total.name = "total";
  for (auto& l : m.layers) {
    LayerStats st;
    st.name = l.name;
    st.kind = to_string(l.kind);
    if (l.kind == LayerKind::BlendConv || l.kind == LayerKind::BlendDense)
      st.kind += std::string("/") + to_string(l.skip);
    if (l.kind == LayerKind::BlendDense) st.kind += std::string("/") + to_string(l.axis);
    st.in = l.in;
    st.out = l.outs;
    st.binary_macs = l.binary_macs();
    st.int8_macs = l.int8_macs();
    const int64_t rows = (l.kind == LayerKind::BlendDense && l.axis == Axis::Token) ? l.outs.tokens() : l.out;
    const int64_t cout = l.outs.c;
    st.bits_binary = l.has_binary() ? rows * l.k_binary() : 0;
    st.bits_fixed = rows * l.k_fixed() * l.wbits;
    // Per output channel: M2 (18) + bias (48), plus M1 (18) with a binary
    // path; per input channel of a binary path: tau (16) + neg (1); sh (6).
    st.bits_quant = cout * (18 + 48 + (l.has_binary() ? 18 : 0)) + (l.has_binary() ? l.in.c * 17 : 0) + 6;
    // Full-precision counterpart: the main path's weights and one batch norm
    // (or bias) per output channel in float32; no skip path.
    switch (l.kind) {
      case LayerKind::Conv:
        st.bits_float32 = 32 * (rows * l.k_fixed() + 2 * cout);
        break;
      case LayerKind::BlendConv:
      case LayerKind::BlendDense:
        st.bits_float32 = 32 * (rows * l.k_binary() + 2 * cout);
        break;
      case LayerKind::Dense:
        st.bits_float32 = 32 * (rows * l.k_fixed() + cout);
        break;
      case LayerKind::AvgPool:
        st.bits_float32 = 0;
        break;
    }
    s.total.binary_macs += st.binary_macs;
    s.total.int8_macs += st.int8_macs;
    s.total.bits_binary += st.bits_binary;
    s.total.bits_fixed += st.bits_fixed;
    s.total.bits_quant += st.bits_quant;
    s.total.bits_float32 += st.bits_float32;
    s.layers.push_back(st);
  }
  int64_t deployed = s.total.bits_binary + s.total.bits_fixed + s.total.bits_quant;
  s.size_ratio = deployed ? double(s.total.bits_float32) / double(deployed) : 0;
  return s;
}

namespace {
nlohmann::json layer_json(const LayerStats& l) {
  nlohmann::json j;
  j["name"] = l.name;
  if (!l.kind.empty()) {
    j["kind"] = l.kind;
    j["in"] = {l.in.h, l.in.w, l.in.c};
    j["out"] = {l.out.h, l.out.w, l.out.c};
  }
  j["binary_macs"] = l.binary_macs;
  j["int8_macs"] = l.int8_macs;
  j["bits"] = {{"binary", l.bits_binary},
               {"fixed", l.bits_fixed},
               {"quant", l.bits_quant},
               {"float32_counterpart", l.bits_float32}};
  return j;
}
}  // namespace

nlohmann::json to_json(const ModelStats& s) {
  nlohmann::json j;
  j["model"] = s.model;
  j["layers"] = nlohmann::json::array();
  for (auto& l : s.layers) j["layers"].push_back(layer_json(l));
  j["total"] = layer_json(s.total);
  int64_t deployed = s.total.bits_binary + s.total.bits_fixed + s.total.bits_quant;
  j["deployed_bytes"] = (deployed + 7) / 8;
  j["float32_counterpart_bytes"] = (s.total.bits_float32 + 7) / 8;
  j["size_ratio"] = s.size_ratio;
  return j;
}

std::string to_text(const ModelStats& s) {
  std::string o = fmt::format("{}\n{:<10} {:<26} {:>11} {:>11} {:>12} {:>11} {:>10} {:>10} {:>10}\n", s.model, "layer",
                              "kind", "in", "out", "binary MACs", "int8 MACs", "bin bits", "int8 bits", "quant bits");
  for (auto& l : s.layers)
    o += fmt::format("{:<10} {:<26} {:>11} {:>11} {:>12} {:>11} {:>10} {:>10} {:>10}\n", l.name, l.kind, l.in.str(),
                     l.out.str(), l.binary_macs, l.int8_macs, l.bits_binary, l.bits_fixed, l.bits_quant);
  const auto& t = s.total;
  o += fmt::format("{:<10} {:<26} {:>11} {:>11} {:>12} {:>11} {:>10} {:>10} {:>10}\n", "total", "", "", "",
                   t.binary_macs, t.int8_macs, t.bits_binary, t.bits_fixed, t.bits_quant);
  int64_t deployed = t.bits_binary + t.bits_fixed + t.bits_quant;
  o += fmt::format("\nwork: {:.2f} M binary MACs, {:.2f} M int8 MACs per image\n", double(t.binary_macs) / 1e6,
                   double(t.int8_macs) / 1e6);
  o += fmt::format("size: {:.1f} KiB deployed ({:.1f} KiB binary, {:.1f} KiB fixed-point, {:.1f} KiB quantization)\n",
                   double(deployed) / 8192, double(t.bits_binary) / 8192, double(t.bits_fixed) / 8192,
                   double(t.bits_quant) / 8192);
  o += fmt::format("      {:.1f} KiB float32 counterpart -> {:.2f}x smaller\n", double(t.bits_float32) / 8192,
                   s.size_ratio);
  return o;
}

}  // namespace nb
