#include "hw_options.h"

#include <fmt/format.h>


#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#if NB_HAVE_RTL
#include "nb_built_configs.h"
#endif

namespace nb::cli {

namespace {
bool is_pow2(int v) {
  return v > 0 && (v & (v - 1)) == 0;
}
}  // namespace

// A parameter's legal values (rtl/spec/nb_hw.json), as a list and as the
// text of an error: "1..64", "1, 2, 4 or 8".
std::vector<int> legal_values(const hw::Param& p) {
  return std::vector<int>(p.values.begin(), p.values.begin() + p.nvalues);
}
std::string legal_text(const hw::Param& p) {
  if (p.nvalues == 0) return fmt::format("{}..{}", p.min, p.max);
  std::string t;
  for (int i = 0; i < p.nvalues; ++i)
    t += fmt::format("{}{}", i == 0 ? "" : i + 1 == p.nvalues ? " or " : ", ", p.values[size_t(i)]);
  return t;
}

// Strict reader of a configuration file: every key known, each checked.
void read_config(const std::string& path, Hw& hw) {
  apply_config(read_json_file(path, "configuration"), path, hw);
}

void apply_config(const nlohmann::json& j, const std::string& path, Hw& hw) {
  if (!j.is_object()) throw Error(fmt::format("{}: expected an object", path));
  for (auto& item : j.items()) {
    // named, not structured bindings: lambdas capture these (clang refuses bindings in C++17)
    const std::string k = item.key();
    const nlohmann::json& v = item.value();
    auto integer = [&](int lo, int hi) {
      if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
        throw Error(fmt::format("{}: key '{}' must be an integer in [{}, {}], got {}", path, k, lo, hi, v.dump()));
      return v.get<int>();
    };
    auto number = [&](double lo, double hi) {
      if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi)
        throw Error(fmt::format("{}: key '{}' must be a number in [{}, {}], got {}", path, k, lo, hi, v.dump()));
      return v.get<double>();
    };
    // a hardware parameter's range: rtl/spec/nb_hw.json
    auto param = [&](const hw::Param& p) { return integer(p.min, p.max); };
    if (k == "lanes")
      hw.lanes = param(hw::param::kLanes);
    else if (k == "words_per_lane")
      hw.wpl = param(hw::param::kWpl);
    else if (k == "macs")
      hw.macs = param(hw::param::kMacs);
    else if (k == "xnor") {
      if (!v.is_string() || (v != "dsp" && v != "lut"))
        throw Error(fmt::format("{}: key 'xnor' must be \"dsp\" or \"lut\", got {}", path, v.dump()));
      hw.xnor_dsp = v == "dsp";
    } else if (k == "act_bytes")
      hw.act_bytes = param(hw::param::kActBytes);
    else if (k == "max_kw")
      hw.max_kw = param(hw::param::kMaxKw);
    else if (k == "max_fix_entries")
      hw.max_fix_entries = param(hw::param::kMaxFixEntries);
    else if (k == "max_classes")
      hw.max_classes = param(hw::param::kMaxClasses);
    else if (k == "merge_lanes")
      hw.merge_lanes = param(hw::param::kMergeLanes);
    else if (k == "clock_mhz")
      hw.clock_mhz = number(1, 2000);
    else if (k == "dram_latency")
      hw.dram_latency = integer(1, 100000);
    else if (k == "dram_bytes_per_cycle")
      hw.dram_bw = number(0.01, 8);
    else
      throw Error(fmt::format("{}: unknown key '{}'", path, k));
  }
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

void check_hw(const Hw& hw, const std::string& where) {
  // legal values: rtl/spec/nb_hw.json
  for (auto [p, v] : {std::pair{&hw::param::kLanes, hw.lanes}, {&hw::param::kWpl, hw.wpl}, {&hw::param::kMacs, hw.macs}})
    if (!p->legal(v)) throw Error(fmt::format("{}{} = {}: must be {}", where, p->key, v, legal_text(*p)));
  if (hw.merge_lanes < 0 || hw.merge_lanes > hw.lanes || (hw.merge_lanes && hw.lanes % hw.merge_lanes != 0))
    throw Error(fmt::format("{}merge_lanes = {}: must divide lanes = {}", where, hw.merge_lanes, hw.lanes));
  if (hw.act_bytes % 64 != 0 || !is_pow2(hw.act_bytes / 64))
    throw Error(fmt::format("{}act_bytes = {}: must be 64 times a power of two", where, hw.act_bytes));
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

nlohmann::json hw_json(const Hw& hw) {
  return {{"name", hw.name},
          {"lanes", hw.lanes},
          {"words_per_lane", hw.wpl},
          {"macs", hw.macs},
          {"merge_lanes", hw.merge()},
          {"xnor", hw.xnor_dsp ? "dsp" : "lut"},
          {"act_bytes", hw.act_bytes},
          {"clock_mhz", hw.clock_mhz},
          {"dram_latency", hw.dram_latency},
          {"dram_bytes_per_cycle", hw.dram_bw}};
}



}  // namespace nb::cli
