// The costs of a configuration running a compiled model: resources (the
// resource model), device fit, switching activity and power. The data files
// (data/) are read once, into CostData, for a whole command.
#pragma once
#include <string>
#include <vector>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/perf.h"
#include "neuroblend/perfmodel/activity.h"
#include "neuroblend/perfmodel/data_files.h"
#include "neuroblend/perfmodel/devices.h"
#include "neuroblend/perfmodel/power.h"
#include "neuroblend/perfmodel/resources.h"

namespace nb {

struct CostData {
  ResourceModel resources;
  std::vector<Device> devices;
  std::string devices_file;
  PowerCoeffs power;
  std::string activity_file;  // where `power --save-rates` writes
  ActivityRates activity;     // read once, looked up per model
};
// Data from data/ (or the given files).
CostData load_cost_data(const std::string& power_file = "", const std::string& resource_file = "");

struct Costs {
  Device device;
  Resources res;
  std::vector<ResourcePart> res_parts;  // where the resources go (nb_top, each submodule)
  bool calibrated = true;  // the resource model is calibrated for these buffer sizes
  bool fits = true;        // every resource within the device
  std::vector<std::string> over;  // resources over the device
  Activity activity;
  Power power;
};
// `activity`: measured toggles per image (power run), or empty: the model's
// per-operation rates from data/activity.json times this run's operations.
Costs costs(const CostData& d, const CompiledModel& cm, const Hw& hw, const std::vector<LayerPerf>& layers,
            uint64_t cycles, const std::string& device, const Activity* measured = nullptr);

}  // namespace nb
