// A hardware configuration of the accelerator RTL, whether a compiled model
// fits it, and its file (the strict reader of --config files and sweep
// lists; the configuration as outputs record it). Shared by the
// co-simulation harness and the CLI (which checks before it builds or
// starts a simulator).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/hw_spec.h"

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

  // Address bits of one half (bank) of a lane's weight memories: entries of
  // Wpl 48-bit words per binary slice, of 8 bytes per int8 lane
  // (rtl/nb_top.sv KwA, FixA). Each memory holds two halves.
  int bin_weight_abits() const;
  int fix_weight_abits() const;

  // Identifies the hardware (every parameter, not the name).
  std::string key() const;
  bool same_hardware(const HwConfig& o) const { return key() == o.key(); }
};

// A configuration (name: of a built configuration, or its key) and the
// run-time settings around it: the clock and the DRAM.
struct Hw : HwConfig {
  double clock_mhz = 200, dram_bw = 8;
  int dram_latency = 20;
  // The specification's defaults (rtl/spec/nb_hw.json); merge units derived from the lanes.
  Hw()
      : HwConfig{"", hw::param::kLanes.def, hw::param::kWpl.def, hw::param::kMacs.def, hw::param::kXnorImpl.def,
                 hw::param::kActBytes.def, hw::param::kMaxKw.def, hw::param::kMaxFixEntries.def,
                 hw::param::kMaxClasses.def} {}
};


// The merge units of a configuration that does not name them: the largest
// divisor of the lanes up to a quarter of them and up to 8.
int default_merge_lanes(int lanes);

// Throws naming the layer and the limit when a layer cannot run on `hw`.
void check_fits(const CompiledModel& cm, const HwConfig& hw);

// Resident weights (rtl/nb_wslots.sv): every tile of the model in a slot of
// its own in each lane's weight memories, allocated in the order the tile
// loader's jobs start (ceil(kw / Wpl) binary entries, fix_row_bytes / 8
// int8 entries per tile), so that a later image finds them there and does
// not load them. `bin` and `fix` are the entries the model needs per lane;
// the capacities are the whole memories (both halves).
struct WeightSlots {
  int64_t bin = 0, fix = 0;
  int64_t bin_capacity = 0, fix_capacity = 0;
  bool fits() const { return bin <= bin_capacity && fix <= fix_capacity; }
};
WeightSlots weight_slots(const CompiledModel& cm, const HwConfig& hw);

// A configuration file: a JSON object of the keys lanes, words_per_lane,
// macs, xnor, act_bytes, max_kw, max_fix_entries, max_classes, merge_lanes,
// clock_mhz, dram_latency, dram_bytes_per_cycle. Strict: every key known and
// its value checked against rtl/spec/nb_hw.json; errors name the file (or
// `where`: a sweep list's entry "list.json[3]") and the key.
void read_config(const std::string& path, Hw& hw);
void apply_config(const nlohmann::json& j, const std::string& where, Hw& hw);
// The legal values of every parameter, and the relations between them.
void check_hw(const Hw& hw, const std::string& where);
// A configuration as outputs record it (its name and the hardware and
// run-time settings); hw_from_json reads it back, strictly.
nlohmann::json hw_json(const Hw& hw);
Hw hw_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace nb
