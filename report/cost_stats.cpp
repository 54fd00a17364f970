#include "neuroblend/report/cost_stats.h"

#include <fmt/format.h>

namespace nb {

CostStats cost_stats(const Costs& c) {
  CostStats s;
  s.device = c.device.name;
  s.res = c.res;
  s.calibrated = c.calibrated;
  s.lut_pct = 100 * c.res.luts_total() / c.device.lut;
  s.ff_pct = 100 * c.res.ff / c.device.ff;
  s.dsp_pct = 100 * c.res.dsp / c.device.dsp;
  s.bram36_pct = 100 * c.res.bram36 / c.device.bram36;
  s.fits = c.fits;
  s.over = c.over;
  s.power = c.power;
  return s;
}

void add_json(nlohmann::json& j, const CostStats& s) {
  j["device"] = s.device;
  j["resources"] = to_json(s.res);
  j["resources"]["model_calibrated"] = s.calibrated;
  j["resources_percent"] = {{"lut", s.lut_pct}, {"ff", s.ff_pct}, {"dsp", s.dsp_pct}, {"bram36", s.bram36_pct}};
  j["fits_device"] = s.fits;
  j["over_device"] = s.over;
  j["power"] = to_json(s.power);
}

CostStats cost_stats_from_json(StrictObject& o) {
  CostStats s;
  s.device = o.str("device");
  StrictObject res = o.obj("resources");
  s.calibrated = res.boolean("model_calibrated");
  s.res = resources_from_json(res);
  StrictObject pc = o.obj("resources_percent");
  s.lut_pct = pc.num("lut"), s.ff_pct = pc.num("ff"), s.dsp_pct = pc.num("dsp"), s.bram36_pct = pc.num("bram36");
  pc.done();
  s.fits = o.boolean("fits_device");
  for (const auto& v : o.array("over_device")) {
    if (!v.is_string()) o.fail("over_device", "must be an array of strings");
    s.over.push_back(v.get<std::string>());
  }
  if (s.fits != s.over.empty()) o.fail("fits_device", "must be false exactly when over_device names a resource");
  StrictObject power = o.obj("power");
  s.power = power_from_json(power);
  return s;
}

void add_costs_json(nlohmann::json& j, const Costs& c) {
  add_json(j, cost_stats(c));
  j["activity"] = to_json(c.activity);
}

void print_costs(const Costs& c) {
  const auto& r = c.res;
  const CostStats s = cost_stats(c);
  fmt::print(
      "resources (analytical model{}): {:.0f} LUT ({:.0f} logic + {:.0f} as RAM, {:.1f} %), {:.0f} FF ({:.1f} %), "
      "{:.0f} DSP48E2 ({:.1f} %), {:.1f} BRAM36 ({:.1f} %) of {}{}\n",
      c.calibrated ? "" : ", EXTRAPOLATED: lanes, merge units or buffer sizes outside its synthesis runs", r.luts_total(), r.lut, r.lutram,
      s.lut_pct, r.ff, s.ff_pct, r.dsp, s.dsp_pct, r.bram36, s.bram36_pct, c.device.name, c.fits ? "" : " -- DOES NOT FIT: " + fmt::format("{}", fmt::join(c.over, ", ")));
  const auto& p = c.power;
  fmt::print(
      "power: {:.3f} W = static {:.3f} + dynamic {:.3f} (XNOR {:.3f}, popcount {:.3f}, MAC {:.3f}, merge {:.3f}, "
      "buffers {:.3f}, other logic {:.3f}, clock {:.3f}); {:.1f} uJ per image{}\n",
      p.total_w, p.static_w, p.dynamic_w, p.xnor_w, p.popcount_w, p.mac_w, p.merge_w, p.memory_w, p.logic_w, p.clock_w,
      p.energy_per_image_uj, c.activity.measured ? "" : " -- NO MEASURED ACTIVITY: switching power not counted");
  fmt::print("activity: {}\n", c.activity.source);
}

}  // namespace nb
