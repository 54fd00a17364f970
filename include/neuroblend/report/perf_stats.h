// The figures `run` (measured by co-simulation), `estimate` (the fast cycle
// model) and `report` give: one typed record built in one place, and its
// formatters (JSON, text; the report's Markdown and HTML read the same
// record), so the outputs have the same fields under the same names.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/model.h"
#include "neuroblend/perf.h"

namespace nb {

// The published figures outputs compare with (DESIGN.md, section 1).
constexpr double kPaperLatencyMs = 0.38;
constexpr double kPaperPowerRatio = 2.5;  // LUT-XNOR over DSP-XNOR power

// The same configuration with the other XNOR implementation (DSP48E2 <-> LUTs).
Hw twin_xnor(const Hw& hw);

// Where the weights are: resident in the lanes' weight memories, a slot per
// tile (rtl/nb_wslots.sv), when the model fits them and streaming is not
// asked for; the entries it needs and the memories hold; an image after the
// first one's cycles, when known (> 0).
struct WeightsStats {
  bool resident = false, stream_asked = false;
  int64_t binary_entries = 0, binary_capacity = 0, int8_entries = 0, int8_capacity = 0;
  uint64_t later_image_cycles = 0;
};

struct PerfStats {
  std::string model, params;
  Hw hw;
  int images = 0;
  uint64_t total_cycles = 0;  // per image: the layers' cycles added
  double latency_ms = 0, images_per_s = 0;
  int dsp_logic_slices = 0;   // one DSP48E2 per 48-bit word a binary lane takes a cycle (XNOR in DSP48E2)
  int dsp_mac_slices = 0;     // one per int8 MAC, three per merge unit
  double dsp_logic_structural = 0;   // logic slices / datapath slices
  double dsp_logic_utilization = 0;  // useful XNOR bits / (lanes x words x 48 x cycles)
  double mac_utilization = 0;        // int8 MACs / (lanes x MACs x cycles)
  std::vector<LayerPerf> layers;
  std::optional<WeightsStats> weights;
};
// Each engine's busy cycles over the layer's cycles.
double bin_busy_share(const LayerPerf& p);
double fix_busy_share(const LayerPerf& p);

// Model, configuration, cycles, latency, DSP use and utilization, per-layer records.
PerfStats perf_stats(const ModelSpec& spec, const std::string& params_source, const Hw& hw,
                     const std::vector<LayerPerf>& layers, int images);
WeightsStats weights_stats(const WeightSlots& w, bool resident, bool stream, uint64_t later_cycles);

nlohmann::json to_json(const PerfStats& s);
// The per-layer table and the summary lines.
void print_perf(const PerfStats& s);

}  // namespace nb
