// Hardware configuration options shared by run, estimate, report and sweep:
// flags or a --config JSON file, checked, resolved into one Hw.
#pragma once
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "neuroblend/hw_config.h"

namespace nb::cli {

// The hardware (name: of a built configuration, or its key) and the
// run-time settings around it.
struct Hw : HwConfig {
  double clock_mhz = 200, dram_bw = 8;
  int dram_latency = 20;
  Hw() : HwConfig{"", 32, 1, 8, 1, 65536, 96, 128, 128} {}
};

struct HwArgs {
  std::string config_file, xnor;
  int lanes = 0, wpl = 0, macs = 0, latency = -1;
  double clock = 0, bw = 0;
};

void add_hw_options(CLI::App* app, HwArgs& a);
// Reads a configuration file into hw (strict: every key known and checked).
void read_config(const std::string& path, Hw& hw);
// Defaults, then the file, then the flags; every value checked.
Hw resolve_hw(const HwArgs& a);
void check_hw(const Hw& hw, const std::string& where);
nlohmann::json hw_json(const Hw& hw);

}  // namespace nb::cli
