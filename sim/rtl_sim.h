// Co-simulation of the verilated accelerator under SystemC: the DRAM model
// behind its memory port, the compiled program and images loaded into DRAM,
// per-layer outputs and performance records read back from DRAM and checked
// against the golden model as each layer finishes.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/perf.h"
#include "neuroblend/tensor.h"

namespace nb::sim {

// Parameters the verilated model was built with (one source: the CMake
// configuration table rtl/configs.cmake, passed to Verilator and to this code).
// The first call checks them, and the derived sizes, against the elaborated
// RTL (nb_top's public parameters) and throws Error on a difference.
using nb::HwConfig;
HwConfig built_config();

struct RunOptions {
  int dram_latency = 20;            // cycles
  double dram_bytes_per_cycle = 8;  // bandwidth
  double clock_mhz = 200;
  bool dump_all = true;                    // write every layer to DRAM (for the scoreboard)
  bool resident_weights = true;            // a model whose weights fit the weight memories keeps them on chip
                                           // (nb_top wres_i): images after a job's first do not load them
  std::string trace;                       // .fst file, empty: none
  uint64_t trace_from = 0, trace_to = 0;   // cycle window of the trace
  std::string timeline;                    // Chrome trace-event .json of the activity flags, empty: none
  int timeline_images = 1;                 // the timeline covers the first N images
  int64_t corrupt_offset = -1;             // test hook: flip a byte of the program in DRAM
  bool keep_going = false;                 // test hook: a job the RTL stops with an error code does not end the
                                           // run; the next job starts after its done (no reset between them)
  std::function<void(int, int)> progress;  // (images done, images)
  std::string coverage;                    // coverage builds only (_act, _cov): write Verilator's coverage data here
};

// A test hook: a 32-bit word of the program in DRAM changed (the bits under
// mask take value's), to reach the RTL's own checks of a program.
struct ProgramPatch {
  uint32_t offset = 0;  // byte offset in the program, 4-aligned
  uint32_t value = 0, mask = ~0u;
};

using nb::LayerPerf;

struct Mismatch {
  int image = 0;
  size_t layer = 0;
  std::string name;
  int y = 0, x = 0, c = 0;
  int64_t expected = 0, actual = 0;
  std::string str() const;
};

struct RtlResult {
  bool verified = false;
  int images = 0;                            // images completed
  std::vector<std::vector<LayerPerf>> perf;  // [image][layer]
  std::vector<uint64_t> total_cycles;        // per image, start to done (dumps excluded)
  std::vector<int> predictions;  // per image: the argmax of the logits the RTL wrote to DRAM
  std::optional<Mismatch> mismatch;
  std::string error;        // RTL error flag, timeout
  int error_code = 0;       // the RTL's error code when it stopped with one (rtl/spec/nb_hw.json)
  bool weights_resident = false;  // the job ran with resident weights (nb_top wres_i)
  // its first image found the weights in (wkeep_i, after a job of the same
  // program that ran resident without an error: nb_wslots' guard)
  bool weights_kept_first = false;
  uint64_t sim_cycles = 0;  // every simulated cycle
  double wall_seconds = 0;
};

// A compiled network and the images to run through it.
struct Job {
  CompiledModel cm;
  std::vector<Image> images;
  std::vector<ProgramPatch> patches;
  // Test hook: resident weights even when the model does not fit (the RTL
  // must stop with ErrWeights).
  bool force_resident = false;
  // Test hook: wkeep_i on the job's first image too ("the memories hold this
  // program's weights"). The RTL finds them there only after a job that ran
  // resident without an error (nb_wslots' guard); otherwise it loads them.
  bool keep_first = false;
};

// Whether a job runs with resident weights on the built configuration.
bool job_resident(const Job& job, const RunOptions& opt);

// Runs the jobs in order on one simulated accelerator (one reset, before the
// first); stops at the first mismatch or error (RunOptions::keep_going: not
// at an error the RTL reports). One call per process (SystemC elaborates once).
std::vector<RtlResult> run_rtl(const std::vector<Job>& jobs, const RunOptions& opt);

}  // namespace nb::sim
