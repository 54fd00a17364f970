// Speed of the fast cycle model and of a sweep's evaluation, one thread.
//   bench_estimate [MODEL] [--configs N] [--reps R]
// Prints: one estimate of MODEL on the default configuration (best of R
// repetitions, microseconds), and N configurations evaluated as `sweep`
// does (cycle model + resource model + power model), seconds. The RTL
// comparison is bench/bench_estimate.sh (co-simulation in the same session).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "neuroblend/perfmodel/cycle_model.h"
#include "neuroblend/perfmodel/activity.h"
#include "neuroblend/perfmodel/data_files.h"
#include "neuroblend/perfmodel/devices.h"
#include "neuroblend/perfmodel/pareto.h"
#include "neuroblend/perfmodel/power.h"
#include "neuroblend/perfmodel/resources.h"
#include "neuroblend/perfmodel/yosys_log.h"
#include "neuroblend/params.h"

using namespace nb;
using clk = std::chrono::steady_clock;

int main(int argc, char** argv) {
  std::string model = "neuroblend-20";
  int configs = 1000, reps = 2000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--configs" && i + 1 < argc) configs = std::stoi(argv[++i]);
    else if (a == "--reps" && i + 1 < argc) reps = std::stoi(argv[++i]);
    else model = a;
  }
  ModelSpec spec = load_model(model);
  CompileOptions co;
  co.calib_images = 2;
  CompiledModel cm = compile(spec, random_params(spec, 1, 2), co);
  HwConfig def{"default", 32, 1, 8, 1, 65536, 96, 128, 128};
  MemTiming mt;
  uint64_t cycles = 0;
  double best = 1e9;
  for (int r = 0; r < reps; ++r) {
    auto t0 = clk::now();
    CycleEstimate e = estimate_cycles(cm, def, mt);
    best = std::min(best, std::chrono::duration<double>(clk::now() - t0).count());
    cycles = e.total_cycles;
  }
  fmt::print("estimate {} on default: {} cycles, {:.1f} us (best of {})\n", model, cycles, best * 1e6, reps);

  ResourceModel rm = load_resource_model(data_path("resource_model.json"));
  PowerCoeffs pc = load_power_coeffs(data_path("power.json"));
  Activity rates = load_activity_rates(data_path("activity.json"), spec.name);
  Device dev = load_devices(data_path("devices.json"))[0];
  std::vector<HwConfig> grid;
  for (int x : {1, 0})
    for (int w : {1, 2, 4})
      for (int m : {1, 2, 4, 8})
        for (int l = 1; l <= 64; ++l)
          if (int(grid.size()) < configs) grid.push_back(HwConfig{"", l, w, m, x, 65536, 96, 128, 128});
  double best_sweep = 1e9;
  double sink = 0;
  for (int r = 0; r < 3; ++r) {
    auto t0 = clk::now();
    for (auto& hw : grid) {
      CycleEstimate e = estimate_cycles(cm, hw, mt);
      Resources res = estimate_resources(rm, hw);
      Activity a = apply_rates(rates, op_counts(cm, hw, e.layers));
      Power p = estimate_power(a, e.total_cycles, 200, hw.xnor_dsp, res.ff, dev, pc);
      sink += p.total_w;
    }
    best_sweep = std::min(best_sweep, std::chrono::duration<double>(clk::now() - t0).count());
  }
  fmt::print("sweep {} configurations: {:.3f} s ({:.1f} us per configuration, best of 3) [{}]\n", grid.size(),
             best_sweep, 1e6 * best_sweep / double(grid.size()), sink > 0 ? "ok" : "?");
  return 0;
}
