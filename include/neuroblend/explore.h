// Architecture exploration: device data, the analytical resource model
// (calibrated against Yosys synthesis, data/resource_model.json), switching
// activity (measured in the RTL co-simulation, data/activity.json) and the
// power model (coefficients with their sources, data/power.json).
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
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

// Two parts (docs/exploration.md): nb_top's own logic, linear in a few terms
// of the configuration (fitted to full synthesis runs), plus every submodule
// nb_top instantiates times its instance count, each module's resources from
// its own synthesis with the parameters it gets (a table).
struct ResourceModel {
  std::string file;
  std::vector<std::string> top_terms;
  std::map<std::string, std::vector<double>> top_coef;  // resource -> coefficients of top_terms
  std::map<std::string, Resources> modules;             // "nb_run_ram Banks=8 Depth=8192 UnitBits=8" -> resources
  HwConfig calibrated;                                  // buffer sizes the model was calibrated at
  nlohmann::json calibration;                           // the fitted synthesis runs and the model's error on each
  nlohmann::json validation;                            // held-out synthesis runs (never fitted) and the error
  int min_lanes = 0, max_lanes = 0;                     // lane range of the full synthesis runs
  int max_merge = 0;                                    // most merge units in a full synthesis run
};
// One part of a configuration's resources: nb_top's own logic, or a submodule
// with its instance count.
struct ResourcePart {
  std::string name;    // "nb_top (controller, lane memories, FIFOs)" or the module key
  std::string what;    // what it is, for reports
  int count = 1;
  Resources each, total;
  bool synthesized = true;  // false: no synthesis of these parameters, scaled from the nearest
};
// A submodule nb_top instantiates: the module and the parameters it gets
// (size first), what it is, how many. Its module table key is derived:
// "nb_window U=48 UnitBits=1 ReadStages=2 ChunkStages=0".
struct ResourceInstance {
  std::string module;
  std::vector<std::pair<std::string, long long>> params;
  std::string what;
  int count;
  std::string key() const;
};
std::vector<ResourceInstance> resource_instances(const HwConfig& hw, int act_bytes);
std::vector<double> resource_top_terms(const HwConfig& hw);
std::vector<std::string> resource_top_term_names();
ResourceModel load_resource_model(const std::string& path);
// A configuration's resources, evaluated once: its parts, their sum, and
// whether the model is calibrated there (the calibrated buffer sizes, lanes
// within the synthesized range, every submodule synthesized; else the
// figures are extrapolated).
struct ResourceEstimate {
  std::vector<ResourcePart> parts;
  Resources total;
  bool calibrated = true;
};
ResourceEstimate estimate_resource_parts(const ResourceModel& m, const HwConfig& hw);
// Shorthands of estimate_resource_parts().
std::vector<ResourcePart> resource_parts(const ResourceModel& m, const HwConfig& hw);
Resources estimate_resources(const ResourceModel& m, const HwConfig& hw);
bool within_calibration(const ResourceModel& m, const HwConfig& hw);

// Yosys `stat` output of synth_xilinx -> resources.
Resources parse_yosys_stat(const std::string& log);
// The longest combinational path of a mapped netlist, as Yosys `ltp` prints
// it after tools/yosys/ltp_map.v (flip-flops, block RAMs and DSP48E2 slices
// removed, so a path runs from one of them, or a port, to another): its
// cells by kind and its end points.
struct LogicPath {
  std::string module;  // module (parameters folded); for the flattened design, the top's name
  int lut = 0, muxf = 0, carry4 = 0, lutram = 0;  // cells on the path by kind
  int levels() const { return lut + lutram + muxf + carry4; }  // not ltp's delay-weighted length
  std::string from, to;  // first and last signal of the path
  std::vector<std::string> through;  // instances it passes, in order ("" for the top's own logic)
  // A rough delay for UltraScale+ -1 (clock-to-out and setup 0.3 ns, 0.5 ns
  // per LUT level with its routing, 0.7 ns per LUT-RAM read, 0.2 ns per
  // MUXF, 0.1 ns per CARRY4; the weights ltp_map.v gives ltp): an estimate,
  // not a timing analysis.
  double estimate_ns() const;
};
struct PathReport {
  bool found = false;
  LogicPath design;                // the whole design, flattened
  std::vector<LogicPath> modules;  // each submodule's own deepest path (deepest first)
};
// The paths of a Yosys log (`ltp` per module, then `flatten; ltp`); found is
// false when the log has none (a run without path analysis).
PathReport parse_yosys_paths(const std::string& log);

// Instances of each module directly under the top in the last design
// hierarchy of a Yosys log ("nb_run_ram" -> 4), parameters folded.
std::map<std::string, int> parse_yosys_instances(const std::string& log);
// The same from the resource model's structure: of a configuration's parts,
// or for hw.
std::map<std::string, int> instance_counts(const std::vector<ResourcePart>& parts);
std::map<std::string, int> model_instances(const ResourceModel& m, const HwConfig& hw);

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
  // Every other covered signal bit, charged as LUT logic: the controller,
  // window generators, gearboxes and buffer addressing. Verilator's toggle
  // coverage does not reach the registers declared inside nb_top's per-lane
  // generate blocks or unpacked arrays (FIFOs, accumulators, parameter
  // registers): their switching is not in any figure (docs/exploration.md).
  double logic = 0;
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
  double cycles = 0;          // the image's cycles (control logic toggles per cycle)
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
  double static_w = 0, xnor_w = 0, popcount_w = 0, mac_w = 0, merge_w = 0, memory_w = 0, logic_w = 0, clock_w = 0;
  double dynamic_w = 0, total_w = 0;
  double energy_per_image_uj = 0;
};
nlohmann::json to_json(const Power& p);
// Clock power of `ffs` flip-flops (the clock tree's share per flip-flop and cycle).
double clock_power_w(double ffs, double clock_mhz, const PowerCoeffs& k);
Power estimate_power(const Activity& per_image, uint64_t cycles, double clock_mhz, bool xnor_dsp, double ffs,
                     const Device& dev, const PowerCoeffs& k);

// ------------------------------------------------------------- Pareto
// Indices of the points no other point dominates (<= in every objective,
// < in one); all objectives minimized.
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& points);

}  // namespace nb
