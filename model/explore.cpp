#include "neuroblend/explore.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "neuroblend/error.h"
#include "neuroblend/hw_spec.h"
#include "neuroblend/json_file.h"

namespace nb {

namespace {

nlohmann::json read_json(const std::string& path) { return read_json_file(path, "data file"); }

double num(const nlohmann::json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number())
    throw Error(fmt::format("{}: missing or non-numeric '{}'", where, key));
  double v = j[key].get<double>();
  if (!(v >= 0)) throw Error(fmt::format("{}: '{}' must be >= 0, got {}", where, key, v));
  return v;
}

}  // namespace

std::string data_path(const std::string& file) {
  if (const char* d = std::getenv("NEUROBLEND_DATA")) return std::string(d) + "/" + file;
  return std::string(NB_DATA_DIR) + "/" + file;
}

// ------------------------------------------------------------ devices
std::vector<Device> load_devices(const std::string& path) {
  nlohmann::json j = read_json(path);
  double per_lut = num(j, "static_w_per_lut", path);
  if (!j.contains("devices") || !j["devices"].is_array()) throw Error(path + ": missing 'devices' array");
  std::vector<Device> out;
  for (auto& d : j["devices"]) {
    Device v;
    if (!d.contains("name") || !d["name"].is_string()) throw Error(path + ": a device without a 'name'");
    v.name = d["name"];
    std::string where = fmt::format("{}: device '{}'", path, v.name);
    v.dsp = num(d, "dsp", where), v.lut = num(d, "lut", where), v.ff = num(d, "ff", where);
    v.bram36 = num(d, "bram36", where), v.uram = num(d, "uram", where);
    v.static_w = d.contains("static_w") ? num(d, "static_w", where) : per_lut * v.lut;
    out.push_back(v);
  }
  return out;
}

Device find_device(const std::vector<Device>& all, const std::string& name, const std::string& path) {
  std::string known;
  for (auto& d : all) {
    if (d.name == name) return d;
    known += (known.empty() ? "" : ", ") + d.name;
  }
  throw Error(fmt::format("unknown device '{}' (in {}: {})", name, path, known));
}

// ---------------------------------------------------------- resources
nlohmann::json to_json(const Resources& r) {
  return {{"lut", r.lut}, {"lutram", r.lutram}, {"lut_total", r.luts_total()}, {"ff", r.ff}, {"dsp", r.dsp},
          {"bram36", r.bram36}};
}

std::vector<std::string> resource_top_term_names() {
  return {"1", "lanes", "lanes_pow2", "merge_lanes", "words", "lanes_ff_params"};
}

namespace {
// f times every resource of r (a module scaled to another size, or its instances)
Resources scaled(const Resources& r, double f) { return {f * r.lut, f * r.lutram, f * r.ff, f * r.dsp, f * r.bram36}; }

}  // namespace

// The submodules nb_top instantiates for hw, keyed as the module table
// names them; kept in step with rtl/nb_top.sv (the test "resource model:
// instance counts" checks them against a synthesis log). The one list:
// tools/calibrate_resources.py reads it from `neuroblend synth --instances`.
std::vector<ResourceInstance> resource_instances(const HwConfig& hw, int act_bytes) {
  const int b = hw::kByteBanks(hw.lanes), bw = hw::kByteWriteUnits(hw.merge());
  const int depth = hw::kByteBankDepth(act_bytes, hw.lanes);
  const int kwa = hw.bin_weight_abits(), fixa = hw.fix_weight_abits();
  // position pairs (nb_top PairOk): a copy of the buffers and window generators
  const int n = hw.pairs() ? 2 : 1;
  return {
      {"nb_byte_banks", {{"Depth", depth}, {"Banks", b}},
       n == 2 ? "int8 activation buffers (ping-pong banks, shared read port), and a copy for position pairs"
              : "int8 activation buffers (ping-pong banks, shared read port)",
       n},
      {"nb_byte_wfront", {{"Depth", depth}, {"Banks", b}, {"WUnits", bw}},
       "int8 buffers' write port, decoded once for the banks and their copy", 1},
      {"nb_bit_ram", {{"Bits", act_bytes}, {"U", 48 * hw.wpl}, {"WMax", bw}},
       n == 2 ? "bit activation buffers (ping-pong), and copies for position pairs" : "bit activation buffers (ping-pong)",
       2 * n},
      {"nb_window",
       {{"U", 48 * hw.wpl}, {"UnitBits", 1}, {"ReadStages", hw::kBitReadStages},
        {"ChunkStages", hw::kBitChunkStages(hw.wpl)}},
       "binary window generator and gearbox (one per position)", n},
      {"nb_window", {{"U", hw.macs}, {"UnitBits", 8}}, "int8 window generator and gearbox (one per position)", n},
      {"nb_bin_lane", {{"KwA", kwa}, {"Wpl", hw.wpl}, {"XnorImpl", hw.xnor_dsp ? 1 : 0}},
       hw.xnor_dsp ? "binary lanes: weight RAM, XNOR in DSP48E2 logic mode, popcount"
                   : "binary lanes: weight RAM, XNOR in LUTs, popcount",
       hw.lanes},
      {"nb_fix_lane", {{"FixA", fixa}, {"Macs", hw.macs}}, "int8 lanes: weight RAM, MACs, accumulator", hw.lanes},
      {"nb_requant", {}, "merge / requantize units", hw.merge()},
  };
}

std::string ResourceInstance::key() const {
  std::string k = module;
  for (const auto& [name, value] : params) k += fmt::format(" {}={}", name, value);
  return k;
}

std::vector<double> resource_top_terms(const HwConfig& hw) {
  double l = hw.lanes, p = 1;
  while (p < l) p *= 2;  // synthesis follows the lanes rounded up to a power of two (calibrate_resources.py)
  // nb_lane_params keeps a tile's parameters in flip-flops (and a group
  // multiplexer) below 8 merge units, in LUT-RAM from 8 on
  return {1, l, p, double(hw.merge()), double(hw.wpl), hw.merge() < 8 ? l : 0.0};
}

ResourceModel load_resource_model(const std::string& path) {
  nlohmann::json j = read_json(path);
  ResourceModel m;
  m.file = path;
  m.top_terms = resource_top_term_names();
  if (j.value("format", "") != "neuroblend-resource-model-2")
    throw Error(fmt::format("{}: 'format' must be \"neuroblend-resource-model-2\" (run tools/calibrate_resources.py)", path));
  if (!j.contains("top_terms") || j["top_terms"] != nlohmann::json(m.top_terms))
    throw Error(fmt::format("{}: 'top_terms' must be {}", path, nlohmann::json(m.top_terms).dump()));
  auto res = [&](const nlohmann::json& o, const std::string& where) {
    Resources r;
    r.lut = num(o, "lut", where), r.lutram = num(o, "lutram", where), r.ff = num(o, "ff", where);
    r.dsp = num(o, "dsp", where), r.bram36 = num(o, "bram36", where);
    return r;
  };
  for (const char* r : {"lut", "lutram", "ff", "dsp", "bram36"}) {
    if (!j.contains("top_coefficients") || !j["top_coefficients"].contains(r) || !j["top_coefficients"][r].is_array() ||
        j["top_coefficients"][r].size() != m.top_terms.size())
      throw Error(fmt::format("{}: top_coefficients.{} must be {} numbers", path, r, m.top_terms.size()));
    m.top_coef[r] = j["top_coefficients"][r].get<std::vector<double>>();
  }
  if (!j.contains("modules") || !j["modules"].is_object()) throw Error(path + ": missing 'modules' table");
  for (auto& [k, v] : j["modules"].items()) m.modules[k] = res(v, fmt::format("{}: modules.'{}'", path, k));
  const auto& c = j.at("calibrated_at");
  m.calibrated.act_bytes = c.at("act_bytes"), m.calibrated.max_kw = c.at("max_kw");
  m.calibrated.max_fix_entries = c.at("max_fix_entries"), m.calibrated.max_classes = c.at("max_classes");
  m.calibration = j.value("calibration", nlohmann::json::array());
  m.validation = j.value("validation", nlohmann::json::array());
  for (auto& r : m.calibration) {
    int l = r.at("lanes");
    m.min_lanes = m.min_lanes ? std::min(m.min_lanes, l) : l;
    m.max_lanes = std::max(m.max_lanes, l);
    m.max_merge = std::max(m.max_merge, r.at("merge_lanes").get<int>());
  }
  return m;
}

ResourceEstimate estimate_resource_parts(const ResourceModel& m, const HwConfig& hw) {
  ResourceEstimate est;
  std::vector<double> t = resource_top_terms(hw);
  ResourcePart top{"nb_top",
                   "controller, per-lane parameters (nb_lane_params), FIFOs (nb_fifo), merge control and output stages "
                   "(nb_merge around its units), performance counters, port muxes, token mixing (nb_transpose, "
                   "nb_pos_params)",
                   1, {}, {}};
  auto dot = [&](const char* r) {
    double s = 0;
    const auto& c = m.top_coef.at(r);
    for (size_t i = 0; i < t.size(); ++i) s += c[i] * t[i];
    return s;
  };
  top.each.lut = dot("lut"), top.each.lutram = dot("lutram"), top.each.ff = dot("ff"), top.each.dsp = dot("dsp");
  top.each.bram36 = dot("bram36");
  top.total = top.each;
  est.parts.push_back(top);
  // Buffer sizes outside the calibration: the calibrated depth stands in
  // (within_calibration() is then false and the output says EXTRAPOLATED).
  auto exact = resource_instances(hw, hw.act_bytes);
  std::vector<ResourceInstance> cal;  // the calibrated buffer sizes' keys, only when a key is missing
  for (size_t i = 0; i < exact.size(); ++i) {
    const std::string exact_key = exact[i].key();
    ResourcePart p{exact_key, exact[i].what, exact[i].count, {}, {}};
    auto it = m.modules.find(exact_key);
    if (it == m.modules.end()) {
      p.synthesized = false;
      if (cal.empty()) cal = resource_instances(hw, m.calibrated.act_bytes);
      it = m.modules.find(cal[i].key());
    }
    if (it != m.modules.end()) {
      p.each = it->second;
    } else {
      // Not synthesized (Yosys could not, here): the nearest synthesized size
      // of the same module, scaled by the size ratio; flagged as extrapolated.
      p.synthesized = false;
      // Keys put the size parameter first: "nb_bit_ram Bits=65536 U=48 WMax=8"
      // -> 65536, and the rest (" U=48 WMax=8") must agree.
      auto first = [](const std::string& key) {
        size_t e = key.find('=');
        return e == std::string::npos ? 1.0 : std::stod(key.substr(e + 1));
      };
      auto unit = [](const std::string& key) {
        size_t e = key.find('='), sp = e == std::string::npos ? e : key.find(' ', e);
        return sp == std::string::npos ? std::string() : key.substr(sp);
      };
      const std::string cal_key = cal[i].key(), name = cal[i].module;
      double want = first(cal_key), best = -1;
      for (const auto& [k, r] : m.modules) {
        if (k.rfind(name + " ", 0) != 0 || unit(k) != unit(cal_key)) continue;
        double have = first(k);
        if (best < 0 || std::abs(std::log(have / want)) < std::abs(std::log(best / want))) {
          best = have;
          p.each = scaled(r, want / have);
        }
      }
      if (best < 0) {
        // A write width (the last parameter: merge units above 8 that are not
        // a power of two, e.g. 12) between two synthesized ones of the same
        // module and size: linear between them (or the nearest, scaled).
        auto cut = [](const std::string& key) { return key.rfind('='); };
        const std::string& want_key = cal_key;
        const size_t wc = cut(want_key);
        const double w = std::stod(want_key.substr(wc + 1));
        double lo = -1, hi = -1;
        Resources rlo, rhi;
        for (const auto& [k, r] : m.modules) {
          const size_t kc = cut(k);
          if (kc == std::string::npos || k.compare(0, kc, want_key, 0, wc) != 0) continue;
          const double v = std::stod(k.substr(kc + 1));
          if (v <= w && v > lo) lo = v, rlo = r;
          if (v >= w && (hi < 0 || v < hi)) hi = v, rhi = r;
        }
        if (lo > 0 && hi > 0) {
          const double t = hi == lo ? 0.0 : (w - lo) / (hi - lo);
          const Resources a = scaled(rlo, 1 - t), b = scaled(rhi, t);
          p.each = {a.lut + b.lut, a.lutram + b.lutram, a.ff + b.ff, a.dsp + b.dsp, a.bram36 + b.bram36};
        } else if (lo > 0 || hi > 0) {
          p.each = scaled(lo > 0 ? rlo : rhi, w / (lo > 0 ? lo : hi));
        } else {
          throw Error(fmt::format("{}: no synthesis of '{}' in the module table (run tools/calibrate_resources.py modules)",
                                  m.file, cal_key));
        }
      }
    }
    p.total = scaled(p.each, p.count);
    est.parts.push_back(p);
  }
  for (const auto& q : est.parts) {
    Resources& r = est.total;
    r.lut += q.total.lut, r.lutram += q.total.lutram, r.ff += q.total.ff, r.dsp += q.total.dsp;
    r.bram36 += q.total.bram36;
    est.calibrated = est.calibrated && q.synthesized;
  }
  // nb_top's fitted logic is linear in the merge units: beyond the runs' range it is extrapolated
  est.calibrated = est.calibrated && hw.lanes >= m.min_lanes && hw.lanes <= m.max_lanes && hw.merge() <= m.max_merge &&
                   hw.act_bytes == m.calibrated.act_bytes && hw.max_kw == m.calibrated.max_kw &&
                   hw.max_fix_entries == m.calibrated.max_fix_entries && hw.max_classes == m.calibrated.max_classes;
  return est;
}

std::vector<ResourcePart> resource_parts(const ResourceModel& m, const HwConfig& hw) {
  return estimate_resource_parts(m, hw).parts;
}

Resources estimate_resources(const ResourceModel& m, const HwConfig& hw) { return estimate_resource_parts(m, hw).total; }

bool within_calibration(const ResourceModel& m, const HwConfig& hw) { return estimate_resource_parts(m, hw).calibrated; }

Resources parse_yosys_stat(const std::string& log) {
  // The totals follow the last "=== design hierarchy ===" (or the only module's stat).
  size_t at = log.rfind("=== design hierarchy ===");
  if (at == std::string::npos) at = log.rfind("Number of cells");
  if (at == std::string::npos) throw Error("no Yosys statistics in the synthesis log");
  std::istringstream in(log.substr(at));
  std::map<std::string, double> cells;
  std::string line;
  std::regex cell(R"(^\s+([A-Z][A-Z0-9_]+)\s+(\d+)\s*$)"), cell2(R"(^\s+(\d+)\s+([A-Z][A-Z0-9_]+)\s*$)");
  std::smatch mt;
  while (std::getline(in, line)) {
    if (std::regex_match(line, mt, cell)) cells[mt[1]] += std::stod(mt[2]);
    else if (std::regex_match(line, mt, cell2)) cells[mt[2]] += std::stod(mt[1]);
  }
  Resources r;
  for (auto& [name, n] : cells) {
    if (name.rfind("LUT", 0) == 0 && name.size() == 4) r.lut += n;
    else if (name == "FDRE" || name == "FDCE" || name == "FDSE" || name == "FDPE") r.ff += n;
    else if (name == "DSP48E2") r.dsp += n;
    else if (name == "RAMB36E2") r.bram36 += n;
    else if (name == "RAMB18E2") r.bram36 += n / 2;
    else if (name == "RAM64M8" || name == "RAM32M16" || name == "RAM256X1D" || name == "RAM512X1S") r.lutram += 8 * n;
    else if (name == "RAM64M" || name == "RAM32M" || name == "RAM128X1D" || name == "RAM256X1S") r.lutram += 4 * n;
    else if (name == "RAM64X1D" || name == "RAM32X1D" || name == "RAM128X1S") r.lutram += 2 * n;
    else if (name == "RAM64X1S" || name == "RAM32X1S" || name == "SRL16E" || name == "SRLC32E") r.lutram += n;
  }
  if (cells.empty()) throw Error("no cell counts in the synthesis log");
  return r;
}

namespace {
// "$paramod$<hash>\nb_window", "$paramod\nb_dsp_xnor\Impl=...", "nb_popcount" -> the module's name.
std::string fold_module_name(std::string name) {
  if (name.rfind("$paramod", 0) != 0) return name;
  size_t b = name.find('\\');
  if (b == std::string::npos) return name;
  size_t e = name.find('\\', b + 1);
  return name.substr(b + 1, e == std::string::npos ? e : e - b - 1);
}

// "\u_fwin.u_gen.off_q [1]" -> "u_fwin.u_gen.off_q[1]"; Yosys's generated
// names are kept as they are.
std::string clean_signal(std::string s) {
  if (!s.empty() && s[0] == '\\') s.erase(0, 1);
  if (s.rfind("$flatten\\", 0) == 0) s.erase(0, 9);
  size_t sp = s.find(" [");
  if (sp != std::string::npos) s.erase(sp, 1);
  return s;
}

// The instance path a flattened cell belongs to: "$flatten\u_fwin.\u_gen.$abc..." -> "u_fwin.u_gen".
std::string cell_instance(const std::string& cell) {
  if (cell.rfind("$flatten\\", 0) != 0) return "";
  std::string rest = cell.substr(8), out;  // "\u_fwin.\u_gen.$abc..."
  size_t at = 0;
  while (at < rest.size() && rest[at] == '\\') {
    size_t dot = rest.find('.', at);
    if (dot == std::string::npos) break;
    out += (out.empty() ? "" : ".") + rest.substr(at + 1, dot - at - 1);
    at = dot + 1;
  }
  return out;
}
}  // namespace

double LogicPath::estimate_ns() const { return 0.3 + 0.5 * lut + 0.7 * lutram + 0.2 * muxf + 0.1 * carry4; }

PathReport parse_yosys_paths(const std::string& log) {
  PathReport rep;
  std::istringstream in(log);
  std::string line;
  std::regex head(R"(^Longest topological path in (\S+) \(length=-?\d+\):\s*$)");
  std::regex step(R"(^\s+(\d+): (.*?)(?: \(via (\S+)\))?\s*$)");
  std::smatch mt;
  std::vector<LogicPath> all;
  LogicPath* cur = nullptr;
  while (std::getline(in, line)) {
    if (std::regex_match(line, mt, head)) {
      all.emplace_back();
      cur = &all.back();
      cur->module = fold_module_name(mt[1]);
      continue;
    }
    if (!cur) continue;
    if (!std::regex_match(line, mt, step)) {
      cur = nullptr;
      continue;
    }
    std::string sig = clean_signal(mt[2]), via = mt[3];
    if (cur->from.empty()) cur->from = sig;
    cur->to = sig;
    if (via.empty()) continue;
    if (via.size() >= 4 && via.compare(via.size() - 4, 4, ".lut") == 0) ++cur->lut;
    else if (via.find(".muxf") != std::string::npos) ++cur->muxf;
    else if (via.find(".carry_") != std::string::npos) ++cur->carry4;
    else if (via.find(".lutram_") != std::string::npos) ++cur->lutram;
    std::string inst = cell_instance(via);
    if (cur->through.empty() || cur->through.back() != inst) cur->through.push_back(inst);
  }
  if (all.empty()) return rep;
  rep.found = true;
  // The last path is the flattened design's; before it, one per module (the
  // top's own, hierarchical one counts submodules as cells: left out).
  rep.design = all.back();
  for (size_t i = 0; i + 1 < all.size(); ++i)
    if (all[i].module != rep.design.module) rep.modules.push_back(all[i]);
  std::stable_sort(rep.modules.begin(), rep.modules.end(),
                   [](const LogicPath& a, const LogicPath& b) { return a.levels() > b.levels(); });
  // One per module: the deepest of its parameterizations.
  std::vector<LogicPath> uniq;
  for (auto& p : rep.modules)
    if (std::none_of(uniq.begin(), uniq.end(), [&](const LogicPath& u) { return u.module == p.module; }))
      uniq.push_back(p);
  rep.modules = uniq;
  return rep;
}

std::map<std::string, int> parse_yosys_instances(const std::string& log) {
  size_t at = log.rfind("=== design hierarchy ===");
  if (at == std::string::npos) throw Error("no design hierarchy in the synthesis log");
  std::istringstream in(log.substr(at));
  std::string line;
  std::getline(in, line);
  std::map<std::string, int> out;
  // Submodules the model counts as nb_top's own, fitted logic: the per-lane
  // parameters, whose size follows the lane count itself (one synthesis per
  // lane count otherwise), the window bytes' skew lines (flip-flops only:
  // 168 each at 8 MACs), token mixing's transpose buffer and per-position
  // parameters (one each; the parameters in block RAM), the merge's own
  // control and output stages (nb_merge), the engines' result FIFOs, the
  // performance counters, the controller's loaders and memory arbiter, and
  // its window issue's counters and the weight slots (nb_wslots).
  // A folded module's own children (nb_merge's nb_requant units) count as
  // nb_top's, times its count.
  static const std::set<std::string> folded{"nb_lane_params", "nb_skew",          "nb_transpose",  "nb_pos_params",
                                            "nb_merge",       "nb_fifo",          "nb_perf_counters",
                                            "nb_mem_loader",  "nb_tile_loader",   "nb_mem_arbiter",
                                            "nb_win_issue",   "nb_wslots"};
  std::regex child(R"(^( {5}| {7})(\S+)\s+(\d+)\s*$)");  // depth 1 (five spaces) or 2 (seven)
  std::smatch mt;
  int folded_n = 0;  // the count of the depth-1 folded module whose children follow, or 0
  while (std::getline(in, line)) {
    if (line.find("Number of") != std::string::npos) break;
    if (!std::regex_match(line, mt, child)) {
      if (line.find_first_not_of(' ') != std::string::npos && line.find_first_not_of(' ') < 7) folded_n = 0;
      continue;
    }
    std::string name = fold_module_name(mt[2]);
    const int n = std::stoi(mt[3]);
    if (mt[1].length() == 7) {  // depth 2: only a folded module's children count
      if (folded_n) out[name] += folded_n * n;
      continue;
    }
    folded_n = folded.count(name) ? n : 0;
    if (!folded_n) out[name] += n;
  }
  return out;
}

std::map<std::string, int> instance_counts(const std::vector<ResourcePart>& parts) {
  std::map<std::string, int> out;
  for (const auto& p : parts)
    if (p.name != "nb_top") out[p.name.substr(0, p.name.find(' '))] += p.count;
  return out;
}

std::map<std::string, int> model_instances(const ResourceModel& m, const HwConfig& hw) {
  return instance_counts(resource_parts(m, hw));
}

// ----------------------------------------------------------- activity
nlohmann::json to_json(const Activity& a) {
  return {{"xnor", a.xnor},       {"popcount", a.popcount}, {"mac_in", a.mac_in}, {"mac_out", a.mac_out},
          {"merge_in", a.rq_in},  {"merge_out", a.rq_out},  {"memory", a.memory}, {"logic", a.logic},
          {"source", a.source}};
}

Activity activity_from_coverage(const std::string& path, int images) {
  std::ifstream f(path);
  if (!f) throw Error(fmt::format("cannot open coverage data '{}'", path));
  Activity a;
  std::string line;
  auto ends = [](const std::string& s, const std::string& suf) {
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
  };
  size_t points = 0;
  while (std::getline(f, line)) {
    if (line.rfind("C '", 0) != 0) continue;
    size_t q = line.rfind('\'');
    if (q == std::string::npos || q < 3) continue;
    std::string kv = line.substr(3, q - 3);
    double count = std::stod(line.substr(q + 1));
    std::string h, o;
    for (size_t i = 0; i < kv.size();) {
      size_t k2 = kv.find('\x02', i), k1 = kv.find('\x01', i + 1);
      if (kv[i] != '\x01' || k2 == std::string::npos) break;
      std::string key = kv.substr(i + 1, k2 - i - 1), val = kv.substr(k2 + 1, (k1 == std::string::npos ? kv.size() : k1) - k2 - 1);
      if (key == "h") h = val;
      if (key == "o") o = val;
      i = k1 == std::string::npos ? kv.size() : k1;
    }
    std::string port = o.substr(0, o.find('['));
    ++points;
    if (ends(h, ".u_xnor") && (port == "ab_i" || port == "c_i" || port == "p_o")) a.xnor += count;
    else if (ends(h, ".u_pop")) a.popcount += count;  // ports and the adder tree: LUT logic
    else if (ends(h, ".u_mac") && (port == "a_i" || port == "w_i")) a.mac_in += count;
    else if (ends(h, ".u_mac") && port == "psum_o") a.mac_out += count;
    else if (ends(h, ".u_rq") && port != "z_o" && port != "z") a.rq_in += count;
    else if (ends(h, ".u_rq") && port == "z_o") a.rq_out += count;
    else if ((ends(h, ".u_bytes") || ends(h, ".u_bits")) && (port == "rdata_o" || port == "wdata_i")) a.memory += count;
    else if (ends(h, ".u_bytes_wr") && port == "wdata_i") a.memory += count;  // the int8 banks' write data
    else if (ends(h, ".u_xnor") || ends(h, ".u_mac") || ends(h, ".u_rq"))
      continue;  // inside the DSP48E2 slices (their ports are charged above)
    else if (port == "clk_i" || port == "clk")
      continue;  // the clock: charged per flip-flop (clock_w)
    else
      a.logic += count;
  }
  if (points == 0) throw Error(fmt::format("{}: no coverage points (not Verilator coverage data?)", path));
  for (double* v : {&a.xnor, &a.popcount, &a.mac_in, &a.mac_out, &a.rq_in, &a.rq_out, &a.memory, &a.logic})
    *v /= images;
  a.source = fmt::format("toggle coverage of the RTL co-simulation ({}, {} image(s))", path, images);
  return a;
}

OpCounts op_counts(const CompiledModel& cm, const HwConfig& hw, const std::vector<LayerPerf>& layers) {
  OpCounts c;
  for (size_t i = 0; i < layers.size() && i < cm.layers.size(); ++i) {
    const auto& p = layers[i];
    const QLayer& q = cm.layers[i];
    c.bin_lane_words += double(p.bin_busy) * hw.lanes * hw.wpl;
    c.fix_lane_words += double(p.fix_busy) * hw.lanes;
    double tiles = double((q.rows() + hw.lanes - 1) / hw.lanes);
    double pos = q.kind == LayerKind::AvgPool ? 1.0 : double(q.out.h) * q.out.w;
    c.lane_merges += pos * tiles * hw.lanes;
    c.cycles += double(p.cycles);
  }
  return c;
}

Activity activity_rates(const Activity& a, const OpCounts& c) {
  auto div = [](double x, double n) { return n > 0 ? x / n : 0.0; };
  Activity r;
  r.xnor = div(a.xnor, c.bin_lane_words), r.popcount = div(a.popcount, c.bin_lane_words);
  r.mac_in = div(a.mac_in, c.fix_lane_words), r.mac_out = div(a.mac_out, c.fix_lane_words);
  r.rq_in = div(a.rq_in, c.lane_merges), r.rq_out = div(a.rq_out, c.lane_merges);
  r.memory = div(a.memory, c.bin_lane_words + c.fix_lane_words);
  r.logic = div(a.logic, c.cycles);
  r.source = a.source;
  return r;
}

Activity apply_rates(const Activity& r, const OpCounts& c) {
  Activity a;
  a.xnor = r.xnor * c.bin_lane_words, a.popcount = r.popcount * c.bin_lane_words;
  a.mac_in = r.mac_in * c.fix_lane_words, a.mac_out = r.mac_out * c.fix_lane_words;
  a.rq_in = r.rq_in * c.lane_merges, a.rq_out = r.rq_out * c.lane_merges;
  a.memory = r.memory * (c.bin_lane_words + c.fix_lane_words);
  a.logic = r.logic * c.cycles;
  a.source = "per-operation rates measured in RTL (" + r.source + "), times the cycle model's operation counts";
  return a;
}

Activity load_activity_rates(const std::string& path, const std::string& model) {
  nlohmann::json j = read_json(path);
  if (!j.contains("models") || !j["models"].is_object()) throw Error(path + ": missing 'models'");
  std::string key = j["models"].contains(model) ? model : "neuroblend-20";
  if (!j["models"].contains(key)) return {};
  const auto& m = j["models"][key];
  std::string where = fmt::format("{}: models.{}.rates", path, key);
  const auto& r = m.at("rates");
  Activity a;
  a.xnor = num(r, "xnor", where), a.popcount = num(r, "popcount", where), a.mac_in = num(r, "mac_in", where);
  a.mac_out = num(r, "mac_out", where), a.rq_in = num(r, "merge_in", where), a.rq_out = num(r, "merge_out", where);
  a.memory = num(r, "memory", where);
  a.logic = num(r, "logic", where);
  a.source = fmt::format("{} of {} on configuration {}{}", path, key, m.value("config", std::string("?")),
                         key == model ? "" : fmt::format(" (no rates for {})", model));
  return a;
}

// -------------------------------------------------------------- power
PowerCoeffs load_power_coeffs(const std::string& path) {
  nlohmann::json j = read_json(path);
  PowerCoeffs k;
  k.file = path;
  if (!j.contains("coefficients_pj_per_toggle")) throw Error(path + ": missing 'coefficients_pj_per_toggle'");
  const auto& c = j["coefficients_pj_per_toggle"];
  auto get = [&](const char* name) {
    std::string where = fmt::format("{}: coefficients_pj_per_toggle.{}", path, name);
    if (!c.contains(name)) throw Error(where + ": missing");
    if (!c[name].contains("derivation") || !c[name]["derivation"].is_string())
      throw Error(where + ": every coefficient needs its 'derivation' (public source)");
    return num(c[name], "value", where);
  };
  k.lut = get("lut"), k.dsp_port = get("dsp_port"), k.dsp_mult_in = get("dsp_mult_in");
  k.memory = get("memory"), k.ff_clock = get("ff_clock");
  return k;
}

nlohmann::json to_json(const Power& p) {
  return {{"static_w", p.static_w},   {"xnor_w", p.xnor_w},     {"popcount_w", p.popcount_w},
          {"mac_w", p.mac_w},         {"merge_w", p.merge_w},   {"memory_w", p.memory_w},
          {"logic_w", p.logic_w},     {"clock_w", p.clock_w},     {"dynamic_w", p.dynamic_w}, {"total_w", p.total_w},
          {"energy_per_image_uj", p.energy_per_image_uj}};
}

double clock_power_w(double ffs, double clock_mhz, const PowerCoeffs& k) { return ffs * k.ff_clock * 1e-12 * clock_mhz * 1e6; }

Power estimate_power(const Activity& a, uint64_t cycles, double clock_mhz, bool xnor_dsp, double ffs,
                     const Device& dev, const PowerCoeffs& k) {
  Power p;
  double t = double(cycles) / (clock_mhz * 1e6);  // seconds per image
  if (t <= 0) return p;
  auto w = [&](double pj) { return pj * 1e-12 / t; };
  p.static_w = dev.static_w;
  p.xnor_w = w(a.xnor * (xnor_dsp ? k.dsp_port : k.lut));
  p.popcount_w = w(a.popcount * k.lut);
  p.mac_w = w(a.mac_in * k.dsp_mult_in + a.mac_out * k.lut);
  p.merge_w = w(a.rq_in * k.dsp_mult_in + a.rq_out * k.dsp_port);
  p.memory_w = w(a.memory * k.memory);
  p.logic_w = w(a.logic * k.lut);
  p.clock_w = clock_power_w(ffs, clock_mhz, k);
  p.dynamic_w = p.xnor_w + p.popcount_w + p.mac_w + p.merge_w + p.memory_w + p.logic_w + p.clock_w;
  p.total_w = p.static_w + p.dynamic_w;
  p.energy_per_image_uj = p.total_w * t * 1e6;
  return p;
}

std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& pts) {
  std::vector<size_t> out;
  for (size_t a = 0; a < pts.size(); ++a) {
    bool dominated = false;
    for (size_t b = 0; b < pts.size() && !dominated; ++b) {
      if (a == b) continue;
      bool le = true, lt = false;
      for (size_t k = 0; k < pts[a].size(); ++k) {
        le = le && pts[b][k] <= pts[a][k];
        lt = lt || pts[b][k] < pts[a][k];
      }
      dominated = le && lt;
    }
    if (!dominated) out.push_back(a);
  }
  return out;
}

}  // namespace nb
