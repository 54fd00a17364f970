// Architecture exploration: device data, the analytical resource model
// (calibrated against Yosys synthesis, data/resource_model.json), switching
// activity (measured in the RTL co-simulation, data/activity.json) and the
// power model (coefficients with their sources, data/power.json).
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "neuroblend/compiler.h"
#include "neuroblend/cycle_model.h"
#include "neuroblend/hw_config.h"

namespace nb {

// The data directory (data/ of the source tree, or $NEUROBLEND_DATA).
std::string data_path(const std::string& file);

// ------------------------------------------------------------ devices
struct Device {
  std::string name;
  double dsp = 0, lut = 0, ff = 0, bram36 = 0, uram = 0;
  double static_w = 0;
};
std::vector<Device> load_devices(const std::string& path);
Device find_device(const std::vector<Device>& all, const std::string& name, const std::string& path);

// ---------------------------------------------------------- resources
struct Resources {
  double lut = 0;     // logic LUTs
  double lutram = 0;  // LUTs used as memory (RAM32M16/RAM64M8 = 8 LUTs each, ...)
  double ff = 0, dsp = 0;
  double bram36 = 0;  // RAMB36E2 + RAMB18E2 / 2
  double luts_total() const { return lut + lutram; }
};
nlohmann::json to_json(const Resources& r);

// Linear in the configuration's terms (see terms()); coefficients per resource.
struct ResourceModel {
  std::string file;
  std::vector<std::string> term_names;
  std::map<std::string, std::vector<double>> coef;  // resource -> coefficients
  HwConfig calibrated;                              // buffer sizes the model was calibrated at
  nlohmann::json calibration;                       // the synthesis runs and the model's error on each
  int min_lanes = 0, max_lanes = 0;                 // lane range of the synthesis runs
};
std::vector<double> resource_terms(const HwConfig& hw);
std::vector<std::string> resource_term_names();
ResourceModel load_resource_model(const std::string& path);
Resources estimate_resources(const ResourceModel& m, const HwConfig& hw);
// True when hw has the calibrated buffer sizes and its lanes lie within the
// synthesized range (outside: extrapolated).
bool within_calibration(const ResourceModel& m, const HwConfig& hw);

// Yosys `stat` output of synth_xilinx -> resources.
Resources parse_yosys_stat(const std::string& log);

// ----------------------------------------------------------- activity
// Toggles per image of the resource classes the power model charges.
struct Activity {
  double xnor = 0;      // XNOR operand and result bits (DSP48E2 ports, or LUTs)
  double popcount = 0;  // popcount tree inputs and outputs
  double mac_in = 0;    // int8 multiplier operands
  double mac_out = 0;   // lane product sums
  double rq_in = 0;     // merge multiplier operands
  double rq_out = 0;    // merge results
  double memory = 0;    // activation buffer data ports
  std::string source;   // where it came from
};
nlohmann::json to_json(const Activity& a);
// Verilator toggle-coverage data of `images` images -> toggles per image.
Activity activity_from_coverage(const std::string& coverage_dat, int images);

// Operation counts the activity scales with, from the cycle model.
struct OpCounts {
  double bin_lane_words = 0;  // binary words x lanes x words per lane
  double fix_lane_words = 0;  // fixed-point words x lanes
  double lane_merges = 0;     // merges x lanes
};
OpCounts op_counts(const CompiledModel& cm, const HwConfig& hw, const std::vector<LayerPerf>& layers);
// Activity per operation (measured / counts), and back.
Activity activity_rates(const Activity& a, const OpCounts& c);
Activity apply_rates(const Activity& rates, const OpCounts& c);
// Per-model rates measured in RTL (data/activity.json); empty source if none.
Activity load_activity_rates(const std::string& path, const std::string& model);

// -------------------------------------------------------------- power
struct PowerCoeffs {
  std::string file;
  double lut = 0, dsp_port = 0, dsp_mult_in = 0, memory = 0, ff_clock = 0;  // pJ per toggle / per FF-cycle
};
PowerCoeffs load_power_coeffs(const std::string& path);

struct Power {
  double static_w = 0, xnor_w = 0, popcount_w = 0, mac_w = 0, merge_w = 0, memory_w = 0, clock_w = 0;
  double dynamic_w = 0, total_w = 0;
  double energy_per_image_uj = 0;
};
nlohmann::json to_json(const Power& p);
Power estimate_power(const Activity& per_image, uint64_t cycles, double clock_mhz, bool xnor_dsp, double ffs,
                     const Device& dev, const PowerCoeffs& k);

// ------------------------------------------------------------- Pareto
// Indices of the points no other point dominates (<= in every objective,
// < in one); all objectives minimized.
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& points);

}  // namespace nb
