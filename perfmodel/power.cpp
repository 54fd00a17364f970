#include "neuroblend/perfmodel/power.h"

#include <fmt/format.h>

#include "neuroblend/error.h"
#include "neuroblend/perfmodel/data_files.h"

namespace nb {

PowerCoeffs load_power_coeffs(const std::string& path) {
  nlohmann::json j = read_data_file(path, "neuroblend-power-1");
  StrictObject top(j, path);
  top.allow({"format", "note", "vccint_v", "vccint_source", "scaling"});
  StrictObject c = top.obj("coefficients_pj_per_toggle");
  top.done();
  PowerCoeffs k;
  k.file = shown_path(path);
  auto get = [&](const char* name) {
    StrictObject e = c.obj(name);
    if (!e.has("derivation") || !e.get("derivation").is_string())
      e.fail("derivation", "every coefficient needs its 'derivation' (public source)");
    double v = e.num("value");
    e.done();
    return v;
  };
  k.lut = get("lut"), k.dsp_port = get("dsp_port"), k.dsp_mult_in = get("dsp_mult_in");
  k.memory = get("memory"), k.ff_clock = get("ff_clock");
  c.done();
  return k;
}

nlohmann::json to_json(const Power& p) {
  return {{"static_w", p.static_w},   {"xnor_w", p.xnor_w},     {"popcount_w", p.popcount_w},
          {"mac_w", p.mac_w},         {"merge_w", p.merge_w},   {"memory_w", p.memory_w},
          {"logic_w", p.logic_w},     {"clock_w", p.clock_w},     {"dynamic_w", p.dynamic_w}, {"total_w", p.total_w},
          {"energy_per_image_uj", p.energy_per_image_uj}};
}

Power power_from_json(StrictObject& o) {
  Power p;
  p.static_w = o.num("static_w"), p.xnor_w = o.num("xnor_w"), p.popcount_w = o.num("popcount_w");
  p.mac_w = o.num("mac_w"), p.merge_w = o.num("merge_w"), p.memory_w = o.num("memory_w");
  p.logic_w = o.num("logic_w"), p.clock_w = o.num("clock_w"), p.dynamic_w = o.num("dynamic_w");
  p.total_w = o.num("total_w"), p.energy_per_image_uj = o.num("energy_per_image_uj");
  o.done();
  return p;
}

double clock_power_w(double ffs, double clock_mhz, const PowerCoeffs& k) { return ffs * k.ff_clock * 1e-12 * clock_mhz * 1e6; }

Power estimate_power(const Activity& a, uint64_t cycles, double clock_mhz, bool xnor_dsp, double ffs,
                     const Device& dev, const PowerCoeffs& k) {
  Power p;
  double t = double(cycles) / (clock_mhz * 1e6);  // seconds per image
  if (t <= 0) return p;
  auto w = [&](double pj) { return pj * 1e-12 / t; };
  p.static_w = dev.static_w;
  p.xnor_w = w(a.xnor * (xnor_dsp ? k.dsp_port : k.lut));
  p.popcount_w = w(a.popcount * k.lut);
  p.mac_w = w(a.mac_in * k.dsp_mult_in + a.mac_out * k.lut);
  p.merge_w = w(a.merge_in * k.dsp_mult_in + a.merge_out * k.dsp_port);
  p.memory_w = w(a.memory * k.memory);
  p.logic_w = w(a.logic * k.lut);
  p.clock_w = clock_power_w(ffs, clock_mhz, k);
  p.dynamic_w = p.xnor_w + p.popcount_w + p.mac_w + p.merge_w + p.memory_w + p.logic_w + p.clock_w;
  p.total_w = p.static_w + p.dynamic_w;
  p.energy_per_image_uj = p.total_w * t * 1e6;
  return p;
}

}  // namespace nb
