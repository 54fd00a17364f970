// `neuroblend estimate`: the fast cycle model (perfmodel/cycle_model.cpp) on a
// model and a configuration: the same figures and JSON fields as `run`
// (but `verified`), in microseconds instead of seconds of co-simulation.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "command.h"
#include "hw_options.h"
#include "neuroblend/perfmodel/cycle_model.h"
#include "neuroblend/error.h"
#include "neuroblend/report/perf_stats.h"
#include "neuroblend/perfmodel/costs.h"
#include "neuroblend/report/cost_stats.h"

namespace nb::cli {

namespace {
struct EstimateArgs {
  ModelOptions o;
  HwArgs hw;
  std::string device = "xczu3eg";
  bool no_dump = false, stream_weights = false;
  int repeat = 1;
};
}  // namespace

int run_estimate(const EstimateArgs& args);

Command add_estimate(CLI::App& app) {
  auto args = std::make_shared<EstimateArgs>();
  ModelOptions& o = args->o;
  auto* c = app.add_subcommand("estimate",
                               "Cycles, latency and utilization from the fast cycle model (no RTL; equal to `run`)");
  o.add_compiled(c);
  add_hw_options(c, args->hw);
  c->add_option("--device", args->device, "Target device for the resource and power figures (data/devices.json)")
      ->capture_default_str();
  c->add_flag("--no-dump", args->no_dump, "Model a run without per-layer dumps (as `run --no-dump`)");
  c->add_flag("--stream-weights", args->stream_weights,
              "Model weights loaded for every image (as `run --stream-weights`); the later-image figure is then "
              "not given");
  c->add_option("--repeat", args->repeat, "Evaluate the model this many times and report the mean time per call")
      ->check(CLI::Range(1, 10000000));
  return {c, &args->o, [args] { return run_estimate(*args); }};
}

int run_estimate(const EstimateArgs& args) {
  const ModelOptions& o = args.o;
  Hw hw = resolve_hw(args.hw);
  Loaded l = load(o);
  CompiledModel cm = compile_with(o, l);
  const MemTiming mt = mem_timing(hw, !args.no_dump);
  CycleEstimate est;
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < args.repeat; ++r) est = estimate_cycles(cm, hw, mt);
  double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / args.repeat;
  PerfStats st = perf_stats(l.spec, l.params_source, hw, est.layers, 1);
  // resident weights (the default when the model fits): an image after the
  // first one finds them in the weight memories
  const WeightSlots ws = weight_slots(cm, hw);
  const bool resident = !args.stream_weights && ws.fits();
  st.weights = weights_stats(ws, resident, args.stream_weights, resident ? later_image_cycles(cm, hw, mt) : 0);
  nlohmann::json j = to_json(st);
  j["sim_cycles_per_second"] = sec > 0 ? double(est.total_cycles) / sec : 0;
  Costs c = costs(load_cost_data(), cm, hw, est.layers, est.total_cycles, args.device);
  add_costs_json(j, c);
  if (o.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  print_perf(st);
  print_costs(c);
  fmt::print("cycle model: {:.1f} us per estimate ({:.3g} modelled cycles/s)\n", sec * 1e6,
             sec > 0 ? double(est.total_cycles) / sec : 0);
  return 0;
}

}  // namespace nb::cli
