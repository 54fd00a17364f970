// A hardware configuration of the accelerator RTL, and whether a compiled
// model fits it. Shared by the co-simulation harness and the CLI (which
// checks before it builds or starts a simulator).
#pragma once
#include <string>

#include "neuroblend/compiler.h"

namespace nb {

struct HwConfig {
  std::string name;
  int lanes = 0, wpl = 1, macs = 0, xnor_dsp = 1, act_bytes = 0, max_kw = 0, max_fix_entries = 0, max_classes = 0;
};

// Throws naming the layer and the limit when a layer cannot run on `hw`.
void check_fits(const CompiledModel& cm, const HwConfig& hw);

}  // namespace nb
