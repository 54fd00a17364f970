// neuroblend simulator: the co-simulator binary of a hardware configuration,
// built once (verilated into build/rtl-configs/<key> when the configuration
// is not one of this build's), its path printed. Scripts that drive the
// simulator directly (scripts/regress.sh) get it from here, so they never
// run a model of another configuration or a stale one.
#include <iostream>

#include "common.h"
#include "cosim.h"
#include "hw_options.h"

namespace nb::cli {
namespace {
HwArgs g_sim_hw;
}

void add_simulator(CLI::App& app) {
  auto* c = app.add_subcommand("simulator",
                               "Build (once) the RTL co-simulator of a hardware configuration and print its path");
  add_hw_options(c, g_sim_hw);
}

int run_simulator() {
  Hw hw = resolve_hw(g_sim_hw);
  std::cout << simulator_for(hw, "") << "\n";
  return 0;
}

}  // namespace nb::cli
