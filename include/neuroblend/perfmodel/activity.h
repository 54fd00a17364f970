// Switching activity: toggle coverage of the RTL co-simulation, per-operation
// rates measured per model (data/activity.json), and the cycle model's
// operation counts that scale them.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/perf.h"

namespace nb {

// Toggles per image of the resource classes the power model charges.
struct Activity {
  double xnor = 0;      // XNOR operand and result bits (DSP48E2 ports, or LUTs)
  double popcount = 0;  // popcount tree inputs and outputs
  double mac_in = 0;    // int8 multiplier operands
  double mac_out = 0;   // lane product sums
  double merge_in = 0;  // merge multiplier operands
  double merge_out = 0; // merge results
  double memory = 0;    // activation buffer data ports
  // Every other covered signal bit, charged as LUT logic: the controller,
  // window generators, gearboxes and buffer addressing. Verilator's toggle
  // coverage does not reach the registers declared inside nb_top's per-lane
  // generate blocks or unpacked arrays (FIFOs, accumulators, parameter
  // registers): their switching is not in any figure (docs/exploration.md).
  double logic = 0;
  std::string source;   // where it came from
  // false: nothing was measured for this model (every figure is 0, and
  // source says so); no other model's rates stand in
  bool measured = true;
};
nlohmann::json to_json(const Activity& a);
// Verilator toggle-coverage data of `images` images -> toggles per image.
Activity activity_from_coverage(const std::string& coverage_dat, int images);

// Operation counts the activity scales with, from the cycle model.
struct OpCounts {
  double bin_lane_words = 0;  // binary words x lanes x words per lane
  double fix_lane_words = 0;  // fixed-point words x lanes
  double lane_merges = 0;     // merges x lanes
  double cycles = 0;          // the image's cycles (control logic toggles per cycle)
};
OpCounts op_counts(const CompiledModel& cm, const HwConfig& hw, const std::vector<LayerPerf>& layers);
// Activity per operation (measured / counts), and back.
Activity activity_rates(const Activity& a, const OpCounts& c);
Activity apply_rates(const Activity& rates, const OpCounts& c);
// The per-model rates measured in RTL (data/activity.json), parsed once,
// every entry strictly. One model's entry: the configuration, images and parameters its rates
// were measured with (`neuroblend power MODEL --save-rates`), and the rates.
struct ActivityEntry {
  std::string config, params;
  int images = 0;
  Activity rates;
};
struct ActivityRates {
  std::string file;                            // as outputs name it
  std::map<std::string, ActivityEntry> models;  // model name -> its entry
};
ActivityRates load_activity_file(const std::string& path);
// The file's format (neuroblend-activity-1), and writing it.
nlohmann::json to_json(const ActivityRates& r);
void save_activity_file(const std::string& path, const ActivityRates& r);
// The rates of `model`; for a model without its own entry, `measured` is
// false and every figure 0 (no other model's rates stand in).
Activity rates_for(const ActivityRates& rates, const std::string& model);
// Both at once (one model's rates from the file).
Activity load_activity_rates(const std::string& path, const std::string& model);

}  // namespace nb
