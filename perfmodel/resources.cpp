#include "neuroblend/perfmodel/resources.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "neuroblend/error.h"
#include "neuroblend/hw_spec.h"
#include "neuroblend/perfmodel/data_files.h"

namespace nb {

nlohmann::json to_json(const Resources& r) {
  return {{"lut", r.lut}, {"lutram", r.lutram}, {"lut_total", r.luts_total()}, {"ff", r.ff}, {"dsp", r.dsp},
          {"bram36", r.bram36}};
}

Resources resources_from_json(StrictObject& o) {
  Resources r{o.num("lut"), o.num("lutram"), o.num("ff"), o.num("dsp"), o.num("bram36")};
  if (o.num("lut_total") != r.luts_total()) o.fail("lut_total", "must be lut + lutram");
  o.done();
  return r;
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
  nlohmann::json j = read_data_file(path, "neuroblend-resource-model-2");
  StrictObject top(j, path);
  // the summary errors are written for readers (calibrate_resources.py's
  // table); the model recomputes nothing from them
  top.allow({"format", "note", "modules_not_synthesized", "max_abs_validation_error_percent", "max_abs_error_percent",
             "max_abs_loo_error_percent"});
  ResourceModel m;
  m.file = shown_path(path);
  m.top_terms = resource_top_term_names();
  if (top.get("top_terms") != nlohmann::json(m.top_terms))
    top.fail("top_terms", fmt::format("must be {} (run tools/calibrate_resources.py)", nlohmann::json(m.top_terms).dump()));
  StrictObject coef = top.obj("top_coefficients");
  for (const char* r : {"lut", "lutram", "ff", "dsp", "bram36"}) {
    const auto& c = coef.array(r);
    if (c.size() != m.top_terms.size()) coef.fail(r, fmt::format("must be {} numbers", m.top_terms.size()));
    for (const auto& x : c)
      if (!x.is_number()) coef.fail(r, fmt::format("must be {} numbers", m.top_terms.size()));
    m.top_coef[r] = c.get<std::vector<double>>();
  }
  coef.done();
  StrictObject mods = top.obj("modules");
  for (auto& [k, v] : top.get("modules").items()) {
    StrictObject o = mods.obj(k);
    Resources r;
    r.lut = o.num("lut"), r.lutram = o.num("lutram"), r.ff = o.num("ff"), r.dsp = o.num("dsp"), r.bram36 = o.num("bram36");
    o.done();
    m.modules[k] = r;
  }
  mods.done();
  StrictObject c = top.obj("calibrated_at");
  m.calibrated.act_bytes = c.integer("act_bytes"), m.calibrated.max_kw = c.integer("max_kw");
  m.calibrated.max_fix_entries = c.integer("max_fix_entries"), m.calibrated.max_classes = c.integer("max_classes");
  c.done();
  m.calibration = top.array("calibration");
  m.validation = top.array("validation");
  top.done();
  if (m.calibration.empty()) top.fail("calibration", "no synthesis runs");
  for (size_t i = 0; i < m.calibration.size(); ++i) {
    StrictObject r(m.calibration[i], path, fmt::format("calibration[{}]", i));
    int l = r.integer("lanes");
    m.min_lanes = m.min_lanes ? std::min(m.min_lanes, l) : l;
    m.max_lanes = std::max(m.max_lanes, l);
    m.max_merge = std::max(m.max_merge, r.integer("merge_lanes"));
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

}  // namespace nb
