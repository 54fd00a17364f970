// neuroblend simulator: the co-simulator binary of a hardware configuration,
// built once (verilated into build/rtl-configs/<key> when the configuration
// is not one of this build's), its path printed. Scripts that drive the
// simulator directly (scripts/regress.sh) get it from here, so they never
// run a model of another configuration or a stale one.
#include <iostream>

#include "command.h"
#include "neuroblend/cosim/runner.h"
#include "hw_options.h"

namespace nb::cli {

Command add_simulator(CLI::App& app) {
  auto hw = std::make_shared<HwArgs>();
  auto* c = app.add_subcommand("simulator",
                               "Build (once) the RTL co-simulator of a hardware configuration and print its path");
  add_hw_options(c, *hw);
  return {c, nullptr, [hw] {
            Hw h = resolve_hw(*hw);
            std::cout << simulator_for(h, "") << "\n";
            return 0;
          }};
}

}  // namespace nb::cli
