// The power model: activity times energy coefficients with their public
// sources (data/power.json), plus the device's static power.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "neuroblend/perfmodel/activity.h"
#include "neuroblend/perfmodel/data_files.h"
#include "neuroblend/perfmodel/devices.h"

namespace nb {

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
// Reads to_json's object back (an output read again: a sweep shard).
Power power_from_json(StrictObject& o);
// Clock power of `ffs` flip-flops (the clock tree's share per flip-flop and cycle).
double clock_power_w(double ffs, double clock_mhz, const PowerCoeffs& k);
Power estimate_power(const Activity& per_image, uint64_t cycles, double clock_mhz, bool xnor_dsp, double ffs,
                     const Device& dev, const PowerCoeffs& k);

}  // namespace nb
