// The analytical resource model (docs/exploration.md, "Resources"): nb_top's
// submodules from their own Yosys runs times their instance counts, nb_top's
// own logic fitted to full runs (data/resource_model.json, written by
// tools/calibrate_resources.py).
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/perfmodel/data_files.h"

namespace nb {

struct Resources {
  double lut = 0;     // logic LUTs
  double lutram = 0;  // LUTs used as memory (RAM32M16/RAM64M8 = 8 LUTs each, ...)
  double ff = 0, dsp = 0;
  double bram36 = 0;  // RAMB36E2 + RAMB18E2 / 2
  double luts_total() const { return lut + lutram; }
};
nlohmann::json to_json(const Resources& r);
// Reads to_json's object back (an output read again: a sweep shard).
Resources resources_from_json(StrictObject& o);

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

}  // namespace nb
