#include "neuroblend/report/perf_stats.h"

#include <fmt/format.h>

#include "neuroblend/describe.h"

namespace nb {

Hw twin_xnor(const Hw& hw) {
  Hw t = hw;
  t.xnor_dsp = !hw.xnor_dsp;
  t.name = t.key();
  return t;
}

double bin_busy_share(const LayerPerf& p) { return p.cycles > 0 ? double(p.bin_busy) / double(p.cycles) : 0; }
double fix_busy_share(const LayerPerf& p) { return p.cycles > 0 ? double(p.fix_busy) / double(p.cycles) : 0; }

PerfStats perf_stats(const ModelSpec& spec, const std::string& params_source, const Hw& hw,
                     const std::vector<LayerPerf>& layers, int images) {
  ModelStats st = describe(spec);
  PerfStats s;
  s.model = spec.name, s.params = params_source, s.hw = hw, s.images = images, s.layers = layers;
  s.dsp_logic_slices = hw.xnor_dsp ? hw.lanes * hw.wpl : 0;
  // one per int8 MAC; three per merge unit (M1 x dot: 18 x 16 bits, one slice; M2 x acc: 18 x 32
  // bits, two slices), as synthesis maps them
  s.dsp_mac_slices = hw.lanes * hw.macs + 3 * hw.merge();
  for (auto& p : layers) s.total_cycles += p.cycles;
  const double cycles = double(s.total_cycles);
  s.latency_ms = cycles / (hw.clock_mhz * 1e3);
  s.images_per_s = s.latency_ms > 0 ? 1e3 / s.latency_ms : 0;
  s.dsp_logic_structural = double(s.dsp_logic_slices) / double(s.dsp_logic_slices + s.dsp_mac_slices);
  s.dsp_logic_utilization = cycles > 0 ? double(st.total.binary_macs) / (double(hw.lanes) * hw.wpl * 48.0 * cycles) : 0;
  s.mac_utilization = cycles > 0 ? double(st.total.int8_macs) / (double(hw.lanes) * hw.macs * cycles) : 0;
  return s;
}

WeightsStats weights_stats(const WeightSlots& w, bool resident, bool stream, uint64_t later_cycles) {
  WeightsStats x;
  x.resident = resident, x.stream_asked = stream;
  x.binary_entries = w.bin, x.binary_capacity = w.bin_capacity, x.int8_entries = w.fix, x.int8_capacity = w.fix_capacity;
  x.later_image_cycles = later_cycles;
  return x;
}

nlohmann::json to_json(const PerfStats& s) {
  nlohmann::json j;
  j["model"] = s.model;
  j["params"] = s.params;
  j["config"] = hw_json(s.hw);
  j["images"] = s.images;
  j["total_cycles"] = s.total_cycles;
  j["clock_mhz"] = s.hw.clock_mhz;
  j["latency_ms"] = s.latency_ms;
  j["images_per_s"] = s.images_per_s;
  j["dsp_logic_slices"] = s.dsp_logic_slices;
  j["dsp_mac_slices"] = s.dsp_mac_slices;
  j["dsp_logic_structural"] = s.dsp_logic_structural;
  j["dsp_logic_utilization"] = s.dsp_logic_utilization;
  j["mac_utilization"] = s.mac_utilization;
  j["layers"] = nlohmann::json::array();
  for (auto& p : s.layers) {
    // the counters by the record's names, each engine's busy share of the
    // layer's cycles, and the record's words as the RTL writes them
    nlohmann::json l = to_json(p);
    l["bin_busy_share"] = bin_busy_share(p);
    l["fix_busy_share"] = fix_busy_share(p);
    l["record"] = record_json(record_words(p));
    j["layers"].push_back(l);
  }
  if (s.weights) {
    const WeightsStats& w = *s.weights;
    nlohmann::json x;
    x["resident"] = w.resident;
    x["stream_asked"] = w.stream_asked;
    x["binary_entries"] = w.binary_entries;
    x["binary_capacity"] = w.binary_capacity;
    x["int8_entries"] = w.int8_entries;
    x["int8_capacity"] = w.int8_capacity;
    if (w.later_image_cycles) x["later_image_cycles"] = w.later_image_cycles;
    j["weights"] = x;
  }
  return j;
}

void print_perf(const PerfStats& s) {
  const Hw& c = s.hw;
  fmt::print("{} on configuration {} ({} lanes x {} words, {} MACs/lane, XNOR in {}), parameters {}\n", s.model, c.name,
             c.lanes, c.wpl, c.macs, c.xnor_dsp ? "DSP48E2" : "LUTs", s.params);
  fmt::print("{:<10} {:>9} {:>8} {:>8} {:>9} {:>9}\n", "layer", "cycles", "binary", "fixed", "load", "compute");
  for (auto& p : s.layers)
    fmt::print("{:<10} {:>9} {:>7.1f}% {:>7.1f}% {:>9} {:>9}\n", p.name, p.cycles, 100 * bin_busy_share(p),
               100 * fix_busy_share(p), p.load, p.compute);
  fmt::print("\ntotal {} cycles per image: {:.4f} ms at {} MHz, {:.0f} images/s\n", s.total_cycles, s.latency_ms,
             c.clock_mhz, s.images_per_s);
  const int logic = s.dsp_logic_slices, mac = s.dsp_mac_slices;
  fmt::print(
      "datapath DSP48E2 slices: {} in logic mode (XNOR), {} multiplying ({} MAC lanes x {} + {} merge units x 3); "
      "structural logic share {:.1f} %\n",
      logic, mac, c.lanes, c.macs, c.merge(), 100.0 * logic / double(logic + mac));
  fmt::print("utilization: XNOR {:.1f} % of {} bits x {} lanes x cycles; int8 MACs {:.1f} %\n",
             100 * s.dsp_logic_utilization, 48 * c.wpl, c.lanes, 100 * s.mac_utilization);
  if (s.weights) {
    const WeightsStats& w = *s.weights;
    const std::string need = fmt::format("{} of {} binary and {} of {} int8 entries per lane", w.binary_entries,
                                         w.binary_capacity, w.int8_entries, w.int8_capacity);
    if (w.resident) {
      fmt::print("weights: on chip (resident, {}); the figures above are the first image's, which loads them", need);
      if (w.later_image_cycles) fmt::print("; a later image: {} cycles", w.later_image_cycles);
      fmt::print("\n");
    } else {
      fmt::print("weights: streamed for every image ({}: {})\n", w.stream_asked ? "--stream-weights" : "do not fit",
                 need);
    }
  }
}

}  // namespace nb
