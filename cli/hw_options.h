// Hardware configuration options shared by run, estimate, report and sweep:
// flags or a --config JSON file, checked, resolved into one Hw.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/hw_spec.h"

namespace nb::cli {

struct HwArgs {
  std::string config_file, xnor;
  int lanes = 0, wpl = 0, macs = 0, merge = 0, latency = -1;
  double clock = 0, bw = 0;
};

void add_hw_options(CLI::App* app, HwArgs& a);
// Defaults, then the file, then the flags; every value checked.
Hw resolve_hw(const HwArgs& a);


}  // namespace nb::cli
