// A hardware configuration of the accelerator RTL, and whether a compiled
// model fits it. Shared by the co-simulation harness and the CLI (which
// checks before it builds or starts a simulator).
#pragma once
#include <string>

#include "neuroblend/compiler.h"

namespace nb {

// Field order matches rtl/configs.cmake, whose table is generated as
// aggregate initializers of this struct.
struct HwConfig {
  std::string name;
  int lanes = 0, wpl = 1, macs = 0, xnor_dsp = 1, act_bytes = 0, max_kw = 0, max_fix_entries = 0, max_classes = 0;
  int merge_lanes = 0;  // merge / requantize units; 0: default_merge_lanes(lanes)

  // The merge units this configuration has.
  int merge() const;
  // Whether it has position pairs (rtl/nb_top.sv PairOk): an even lane
  // count whose halves hold whole merge groups. Such a configuration has a
  // second window generator per engine and copies of the activation buffers.
  bool pairs() const;

  // Identifies the hardware (every parameter, not the name).
  std::string key() const;
  bool same_hardware(const HwConfig& o) const { return key() == o.key(); }
};

// The merge units of a configuration that does not name them: the largest
// divisor of the lanes up to a quarter of them and up to 8.
int default_merge_lanes(int lanes);

// Throws naming the layer and the limit when a layer cannot run on `hw`.
void check_fits(const CompiledModel& cm, const HwConfig& hw);

}  // namespace nb
