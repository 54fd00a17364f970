#include "costs.h"

#include <fmt/format.h>

namespace nb::cli {

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

void add_costs_json(nlohmann::json& j, const Costs& c) {
  j["device"] = c.device.name;
  j["resources"] = to_json(c.res);
  j["resources"]["model_calibrated"] = c.calibrated;
  j["resources_percent"] = {{"lut", 100 * c.res.luts_total() / c.device.lut},
                            {"ff", 100 * c.res.ff / c.device.ff},
                            {"dsp", 100 * c.res.dsp / c.device.dsp},
                            {"bram36", 100 * c.res.bram36 / c.device.bram36}};
  j["fits_device"] = c.fits;
  j["over_device"] = c.over;
  j["power"] = to_json(c.power);
  j["activity"] = to_json(c.activity);
}

void print_costs(const Costs& c) {
  const auto& r = c.res;
  fmt::print(
      "resources (analytical model{}): {:.0f} LUT ({:.0f} logic + {:.0f} as RAM, {:.1f} %), {:.0f} FF ({:.1f} %), "
      "{:.0f} DSP48E2 ({:.1f} %), {:.1f} BRAM36 ({:.1f} %) of {}{}\n",
      c.calibrated ? "" : ", EXTRAPOLATED: lanes, merge units or buffer sizes outside its synthesis runs", r.luts_total(), r.lut, r.lutram,
      100 * r.luts_total() / c.device.lut, r.ff, 100 * r.ff / c.device.ff, r.dsp, 100 * r.dsp / c.device.dsp, r.bram36,
      100 * r.bram36 / c.device.bram36, c.device.name, c.fits ? "" : " -- DOES NOT FIT: " + fmt::format("{}", fmt::join(c.over, ", ")));
  const auto& p = c.power;
  fmt::print(
      "power: {:.3f} W = static {:.3f} + dynamic {:.3f} (XNOR {:.3f}, popcount {:.3f}, MAC {:.3f}, merge {:.3f}, "
      "buffers {:.3f}, other logic {:.3f}, clock {:.3f}); {:.1f} uJ per image{}\n",
      p.total_w, p.static_w, p.dynamic_w, p.xnor_w, p.popcount_w, p.mac_w, p.merge_w, p.memory_w, p.logic_w, p.clock_w,
      p.energy_per_image_uj, c.activity.measured ? "" : " -- NO MEASURED ACTIVITY: switching power not counted");
  fmt::print("activity: {}\n", c.activity.source);
}

}  // namespace nb::cli
