#include "neuroblend/perfmodel/costs.h"

#include <fmt/format.h>

namespace nb {

CostData load_cost_data(const std::string& power_file, const std::string& resource_file) {
  CostData d;
  d.resources = load_resource_model(resource_file.empty() ? data_path("resource_model.json") : resource_file);
  d.devices_file = data_path("devices.json");
  d.devices = load_devices(d.devices_file);
  d.power = load_power_coeffs(power_file.empty() ? data_path("power.json") : power_file);
  d.activity_file = data_path("activity.json");
  d.activity = load_activity_file(d.activity_file);
  return d;
}

Costs costs(const CostData& d, const CompiledModel& cm, const Hw& hw, const std::vector<LayerPerf>& layers,
            uint64_t cycles, const std::string& device, const Activity* measured) {
  Costs c;
  c.device = find_device(d.devices, device, d.devices_file);
  ResourceEstimate est = estimate_resource_parts(d.resources, hw);
  c.res = est.total;
  c.res_parts = std::move(est.parts);
  c.calibrated = est.calibrated;
  auto check = [&](const char* name, double used, double avail) {
    if (used > avail) c.over.push_back(fmt::format("{} {:.0f} > {:.0f}", name, used, avail));
  };
  check("DSP", c.res.dsp, c.device.dsp);
  check("LUT", c.res.luts_total(), c.device.lut);
  check("FF", c.res.ff, c.device.ff);
  check("BRAM36", c.res.bram36, c.device.bram36);
  c.fits = c.over.empty();
  if (measured) {
    c.activity = *measured;
  } else {
    c.activity = apply_rates(rates_for(d.activity, cm.model), op_counts(cm, hw, layers));
  }
  c.power = estimate_power(c.activity, cycles, hw.clock_mhz, hw.xnor_dsp, c.res.ff, c.device, d.power);
  return c;
}

}  // namespace nb
