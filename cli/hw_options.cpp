#include "hw_options.h"

#include <vector>

#if NB_HAVE_RTL
#include "nb_built_configs.h"
#endif

namespace nb::cli {

// A parameter's legal values (rtl/spec/nb_hw.json), for CLI11's checks.
std::vector<int> legal_values(const hw::Param& p) {
  return std::vector<int>(p.values.begin(), p.values.begin() + p.nvalues);
}
void add_hw_options(CLI::App* app, HwArgs& a) {
  app->add_option("--config", a.config_file,
                  "Hardware configuration file (JSON: lanes, words_per_lane, macs, xnor, act_bytes, max_kw, "
                  "max_fix_entries, max_classes, merge_lanes, clock_mhz, dram_latency, dram_bytes_per_cycle); flags override it")
      ->check(CLI::ExistingFile);
  app->add_option("--lanes", a.lanes, "Output channels in parallel (binary and fixed-point lanes), default 32")
      ->check(CLI::Range(hw::param::kLanes.min, hw::param::kLanes.max));
  app->add_option("--words-per-lane", a.wpl, "48-bit words (DSP48E2 slices) per binary lane per cycle: 1, 2, 4 (default 1)")
      ->check(CLI::IsMember(legal_values(hw::param::kWpl)));
  app->add_option("--macs", a.macs, "int8 MACs per fixed-point lane per cycle: 1, 2, 4, 8 (default 8)")
      ->check(CLI::IsMember(legal_values(hw::param::kMacs)));
  app->add_option("--merge-lanes", a.merge,
                  "Merge / requantize units shared by the lanes; must divide --lanes (default: the largest divisor "
                  "of the lanes up to a quarter of them and up to 8)")
      ->check(CLI::Range(hw::param::kMergeLanes.min, hw::param::kMergeLanes.max));
  app->add_option("--xnor", a.xnor, "XNOR in DSP48E2 logic mode or in LUTs (default dsp)")
      ->check(CLI::IsMember({"dsp", "lut"}));
  app->add_option("--clock-mhz", a.clock, "Clock for the latency figures (default 200)")->check(CLI::Range(1.0, 2000.0));
  app->add_option("--dram-latency", a.latency, "DRAM read latency in cycles (default 20)")->check(CLI::Range(1, 100000));
  app->add_option("--dram-bw", a.bw, "DRAM bandwidth in bytes per cycle, up to 8 (default 8)")
      ->check(CLI::Range(0.01, 8.0));
}

Hw resolve_hw(const HwArgs& a) {
  Hw hw;
  if (!a.config_file.empty()) read_config(a.config_file, hw);
  if (a.lanes) hw.lanes = a.lanes;
  if (a.wpl) hw.wpl = a.wpl;
  if (a.macs) hw.macs = a.macs;
  if (a.merge) hw.merge_lanes = a.merge;
  if (!a.xnor.empty()) hw.xnor_dsp = a.xnor == "dsp";
  if (a.clock > 0) hw.clock_mhz = a.clock;
  if (a.latency > 0) hw.dram_latency = a.latency;
  if (a.bw > 0) hw.dram_bw = a.bw;
  check_hw(hw, a.config_file.empty() ? "" : a.config_file + ": ");
  hw.name = hw.key();
#if NB_HAVE_RTL
  for (auto& c : kNbBuiltConfigs)
    if (c.same_hardware(hw)) hw.name = c.name;  // a configuration of this build
#endif
  return hw;
}

}  // namespace nb::cli
