// The co-simulation runner: finds (or builds, once) the co-simulator of a
// configuration (nb_rtl_<config>, the verilated RTL under its SystemC
// testbench), runs it on a compiled model and images, a process per shard,
// and returns a typed result, parsed once from the co-simulator's JSON
// (sim/rtl_main.cpp writes it). `run`, `power`, `sweep --verify-pareto`
// and `report --rtl` use it; none of them reads the co-simulator's JSON.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/image.h"
#include "neuroblend/perf.h"

namespace nb {

// The co-simulator binary for `hw` (variant "" or "_act": with toggle
// coverage): a configuration of this build, or one verilated now (once) into
// build/rtl-configs/<key>; sets hw.name.
std::string simulator_for(Hw& hw, const std::string& variant);

struct CosimOptions {
  bool no_dump = false, progress = false, check_estimate = false;
  bool stream_weights = false;  // no resident weights (nb_rtl --stream-weights)
  std::string trace, coverage;  // coverage: the _act variant's toggle data
  uint64_t trace_from = 0, trace_to = 0;
  std::string timeline;  // Chrome trace-event JSON of the activity flags
  int timeline_images = 1;
};

struct CosimResult {
  bool verified = false;              // every image bit-exact with the golden model
  int images = 0;                     // images co-simulated (fewer than asked after a failure)
  std::vector<uint64_t> image_cycles;  // each image's cycles (its records added)
  std::vector<int> predictions;        // each image's class: the argmax of the logits the RTL wrote
  std::vector<LayerPerf> layers;       // the first image's performance records
  bool weights_resident = false;       // the weights stayed on chip after the first image
  std::string mismatch, error;         // the first mismatch or error (with shards: named by its images)
  int error_code = 0;                  // the RTL's error code (nb_pkg::err_e), 0 for none
  uint64_t sim_cycles = 0;             // cycles simulated, all processes together
  double wall_seconds = 0, cycles_per_second = 0;
  size_t shards = 1;
  int jobs_in_parallel = 1;
  // Why it did not verify: the mismatch, the error, or "stopped".
  std::string failure() const;
};
// The co-simulator's JSON (one job) as a result; `where` names it in errors.
CosimResult parse_cosim_result(const nlohmann::json& j, const std::string& where);

// Co-simulates `images` through the compiled model on `hw`.
CosimResult cosimulate(const CompiledModel& cm, const std::vector<Image>& images, Hw& hw, const std::string& variant,
                       const CosimOptions& o);
// The same with the co-simulator `sim` already built (safe to call from
// several threads at once: each call has its own temporary files).
CosimResult cosimulate_on(const std::string& sim, const CompiledModel& cm, const std::vector<Image>& images,
                          const Hw& hw, const CosimOptions& o);
// `images` in shards of `shard` images, `jobs` co-simulators side by side,
// merged into one result: verified when every shard is, predictions and
// per-image cycles in image order, the first image's records, the first
// failing shard's mismatch or error named by its images. No shard starts
// after a failure.
CosimResult cosimulate_sharded(const CompiledModel& cm, const std::vector<Image>& images, Hw& hw,
                               const CosimOptions& o, int jobs, int shard);

}  // namespace nb
