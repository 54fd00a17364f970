#include "perf_report.h"

#include <fmt/format.h>

#include "neuroblend/describe.h"

namespace nb::cli {

nlohmann::json perf_json(const ModelSpec& spec, const std::string& params_source, const Hw& hw,
                         const std::vector<LayerPerf>& layers, int images) {
  ModelStats st = describe(spec);
  const int logic = hw.xnor_dsp ? hw.lanes * hw.wpl : 0;  // one DSP48E2 per 48-bit word a lane takes a cycle
  // one per int8 MAC; three per merge unit (M1 x dot: 18 x 16 bits, one slice; M2 x acc: 18 x 32
  // bits, two slices), as synthesis maps them
  const int mac = hw.lanes * hw.macs + 3 * hw.merge();
  uint64_t cycles = 0;
  for (auto& p : layers) cycles += p.cycles;
  double latency_ms = double(cycles) / (hw.clock_mhz * 1e3);
  double xnor_util = cycles ? double(st.total.binary_macs) / (double(hw.lanes) * hw.wpl * 48.0 * double(cycles)) : 0;
  double mac_util = cycles ? double(st.total.int8_macs) / (double(hw.lanes) * hw.macs * double(cycles)) : 0;
  nlohmann::json j;
  j["model"] = spec.name;
  j["params"] = params_source;
  j["config"] = hw_json(hw);
  j["images"] = images;
  j["total_cycles"] = cycles;
  j["clock_mhz"] = hw.clock_mhz;
  j["latency_ms"] = latency_ms;
  j["images_per_s"] = latency_ms > 0 ? 1e3 / latency_ms : 0;
  j["dsp_logic_slices"] = logic;
  j["dsp_mac_slices"] = mac;
  j["dsp_logic_structural"] = double(logic) / double(logic + mac);
  j["dsp_logic_utilization"] = xnor_util;
  j["mac_utilization"] = mac_util;
  j["layers"] = nlohmann::json::array();
  for (auto& p : layers) {
    // the counters by the record's names, each engine's busy share of the
    // layer's cycles, and the record's words as the RTL writes them
    double c = double(p.cycles);
    nlohmann::json l = to_json(p);
    l["bin_busy_share"] = c > 0 ? double(p.bin_busy) / c : 0;
    l["fix_busy_share"] = c > 0 ? double(p.fix_busy) / c : 0;
    l["record"] = record_json(record_words(p));
    j["layers"].push_back(l);
  }
  return j;
}

void add_weights_json(nlohmann::json& j, const WeightSlots& w, bool resident, bool stream, uint64_t later_cycles) {
  nlohmann::json x;
  x["resident"] = resident;
  x["stream_asked"] = stream;
  x["binary_entries"] = w.bin;
  x["binary_capacity"] = w.bin_capacity;
  x["int8_entries"] = w.fix;
  x["int8_capacity"] = w.fix_capacity;
  if (later_cycles) x["later_image_cycles"] = later_cycles;
  j["weights"] = x;
}

void print_perf(const nlohmann::json& j) {
  const auto& c = j["config"];
  fmt::print("{} on configuration {} ({} lanes x {} words, {} MACs/lane, XNOR in {}), parameters {}\n",
             j["model"].get<std::string>(), c["name"].get<std::string>(), c["lanes"].get<int>(),
             c["words_per_lane"].get<int>(), c["macs"].get<int>(), c["xnor"] == "dsp" ? "DSP48E2" : "LUTs",
             j["params"].get<std::string>());
  fmt::print("{:<10} {:>9} {:>8} {:>8} {:>9} {:>9}\n", "layer", "cycles", "binary", "fixed", "load", "compute");
  for (auto& p : j["layers"])
    fmt::print("{:<10} {:>9} {:>7.1f}% {:>7.1f}% {:>9} {:>9}\n", p["name"].get<std::string>(),
               p["cycles"].get<uint64_t>(), 100 * p["bin_busy_share"].get<double>(), 100 * p["fix_busy_share"].get<double>(),
               p["load"].get<uint64_t>(), p["compute"].get<uint64_t>());
  double ms = j["latency_ms"].get<double>();
  fmt::print("\ntotal {} cycles per image: {:.4f} ms at {} MHz, {:.0f} images/s\n", j["total_cycles"].get<uint64_t>(),
             ms, j["clock_mhz"].get<double>(), ms > 0 ? 1e3 / ms : 0.0);
  int logic = j["dsp_logic_slices"], mac = j["dsp_mac_slices"];
  fmt::print(
      "datapath DSP48E2 slices: {} in logic mode (XNOR), {} multiplying ({} MAC lanes x {} + {} merge units x 3); "
      "structural logic share {:.1f} %\n",
      logic, mac, c["lanes"].get<int>(), c["macs"].get<int>(), c["merge_lanes"].get<int>(),
      100.0 * logic / double(logic + mac));
  fmt::print("utilization: XNOR {:.1f} % of {} bits x {} lanes x cycles; int8 MACs {:.1f} %\n",
             100 * j["dsp_logic_utilization"].get<double>(), 48 * c["words_per_lane"].get<int>(),
             c["lanes"].get<int>(), 100 * j["mac_utilization"].get<double>());
  if (j.contains("weights")) {
    const auto& w = j["weights"];
    const std::string need =
        fmt::format("{} of {} binary and {} of {} int8 entries per lane", w["binary_entries"].get<int64_t>(),
                    w["binary_capacity"].get<int64_t>(), w["int8_entries"].get<int64_t>(),
                    w["int8_capacity"].get<int64_t>());
    if (w["resident"].get<bool>()) {
      fmt::print("weights: on chip (resident, {}); the figures above are the first image's, which loads them", need);
      if (w.contains("later_image_cycles"))
        fmt::print("; a later image: {} cycles", w["later_image_cycles"].get<uint64_t>());
      fmt::print("\n");
    } else {
      fmt::print("weights: streamed for every image ({}: {})\n", w["stream_asked"].get<bool>() ? "--stream-weights" : "do not fit",
                 need);
    }
  }
}

}  // namespace nb::cli
