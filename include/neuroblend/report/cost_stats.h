// What the outputs carry of a configuration's costs (perfmodel/costs.h):
// device, resources and their share of the device, fit, power. One typed
// record, written to JSON by one function and read back (a sweep shard) by
// its twin; the text formatter prints the costs themselves.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "neuroblend/perfmodel/costs.h"
#include "neuroblend/perfmodel/data_files.h"

namespace nb {

struct CostStats {
  std::string device;
  Resources res;
  bool calibrated = true;  // the resource model is calibrated for these buffer sizes
  // resources in percent of the device's
  double lut_pct = 0, ff_pct = 0, dsp_pct = 0, bram36_pct = 0;
  bool fits = true;               // every resource within the device
  std::vector<std::string> over;  // resources over the device
  Power power;
};
CostStats cost_stats(const Costs& c);

// Adds the keys device, resources (with model_calibrated),
// resources_percent, fits_device, over_device and power to a record.
void add_json(nlohmann::json& j, const CostStats& s);
// Reads those keys of a record back (the record's other keys are its reader's).
CostStats cost_stats_from_json(StrictObject& record);

// add_json of the costs, and the switching activity they were computed from.
void add_costs_json(nlohmann::json& j, const Costs& c);
// The resources, power and activity lines of run, estimate and report.
void print_costs(const Costs& c);

}  // namespace nb
