// The fast cycle model: the accelerator's per-layer performance records
// computed from the compiled program's layout (descriptors and section
// offsets) and the hardware configuration, without simulating the RTL.
//
// It follows the RTL's controller state by state (descriptor and image
// loads, the double-buffered tile loader, the window front ends, the
// in-flight limit, drain, prefetch wait, dumps and record writes) and the
// DRAM model's latency and token-bucket bandwidth beat by beat, so it gives
// the same counters as co-simulation; tests check equality on random
// networks, configurations and memory settings (tests/, docs/estimate.md).
#pragma once
#include <cstdint>
#include <vector>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/perf.h"
#include "neuroblend/compiler/program.h"

namespace nb {

struct MemTiming {
  int latency = 20;            // cycles from an accepted read to its data
  double bytes_per_cycle = 8;  // token bucket (8: one 64-bit beat per cycle)
  bool dump_all = false;       // every layer's output written to memory (co-simulation's default)
  bool weights_kept = false;   // the weight memories hold the program's weights (resident weights, an image
                               // after the first): the tile loader skips the weight rows (rtl/nb_wslots.sv)
};

// The memory timing of a configuration's run-time settings (its DRAM).
inline MemTiming mem_timing(const Hw& hw, bool dump_all) {
  MemTiming mt;
  mt.latency = hw.dram_latency;
  mt.bytes_per_cycle = hw.dram_bw;
  mt.dump_all = dump_all;
  return mt;
}

struct CycleEstimate {
  std::vector<LayerPerf> layers;
  uint64_t total_cycles = 0;  // sum of the layers' cycles
};

CycleEstimate estimate_cycles(const CompiledModel& cm, const HwConfig& hw, const MemTiming& mem);

// The cycles of an image after the first when the model's weights stay on
// chip (resident weights: weight_slots(cm, hw) fits), else 0.
uint64_t later_image_cycles(const CompiledModel& cm, const HwConfig& hw, MemTiming mem);

// Whether hw computes the layer of descriptor d in position pairs (two
// neighbouring output positions per window, on the two halves of the lanes;
// rtl/nb_top.sv `pair`): Lanes / 2 output channels, halves of whole merge
// groups, an even output width, a convolution that is not the logits.
bool position_pairs(const Desc& d, const HwConfig& hw);

// Idle cycles the memory needs before a start so that its bandwidth bucket
// is full: the co-simulation waits this long before each image, so every
// image starts from the same state.
int bucket_refill_cycles(double bytes_per_cycle);

}  // namespace nb
