// Yosys logs of `neuroblend synth`: resources (`stat`), the longest paths
// (`ltp`) and the instances under the top, and the resource model's
// instance counts to compare them with.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "neuroblend/perfmodel/resources.h"

namespace nb {

// Yosys `stat` output of synth_xilinx -> resources.
Resources parse_yosys_stat(const std::string& log);
// The longest combinational path of a mapped netlist, as Yosys `ltp` prints
// it after tools/yosys/ltp_map.v (flip-flops, block RAMs and DSP48E2 slices
// removed, so a path runs from one of them, or a port, to another): its
// cells by kind and its end points.
struct LogicPath {
  std::string module;  // module (parameters folded); for the flattened design, the top's name
  int lut = 0, muxf = 0, carry4 = 0, lutram = 0;  // cells on the path by kind
  int levels() const { return lut + lutram + muxf + carry4; }  // not ltp's delay-weighted length
  std::string from, to;  // first and last signal of the path
  std::vector<std::string> through;  // instances it passes, in order ("" for the top's own logic)
  // A rough delay for UltraScale+ -1 (clock-to-out and setup 0.3 ns, 0.5 ns
  // per LUT level with its routing, 0.7 ns per LUT-RAM read, 0.2 ns per
  // MUXF, 0.1 ns per CARRY4; the weights ltp_map.v gives ltp): an estimate,
  // not a timing analysis.
  double estimate_ns() const;
};
struct PathReport {
  bool found = false;
  LogicPath design;                // the whole design, flattened
  std::vector<LogicPath> modules;  // each submodule's own deepest path (deepest first)
};
// The paths of a Yosys log (`ltp` per module, then `flatten; ltp`); found is
// false when the log has none (a run without path analysis).
PathReport parse_yosys_paths(const std::string& log);

// Instances of each module directly under the top in the last design
// hierarchy of a Yosys log ("nb_run_ram" -> 4), parameters folded.
std::map<std::string, int> parse_yosys_instances(const std::string& log);
// The same from the resource model's structure: of a configuration's parts,
// or for hw.
std::map<std::string, int> instance_counts(const std::vector<ResourcePart>& parts);
std::map<std::string, int> model_instances(const ResourceModel& m, const HwConfig& hw);

}  // namespace nb
