// `neuroblend sweep` (many configurations through the fast cycle model, the
// resource and power models; Pareto front; shards; CSV, JSON, plots) and
// `neuroblend sweep-merge` (shards into one sweep).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "command.h"
#include "hw_options.h"
#include "neuroblend/cosim/runner.h"
#include "neuroblend/describe.h"
#include "neuroblend/cosim/process.h"
#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/perfmodel/cycle_model.h"
#include "neuroblend/perfmodel/costs.h"
#include "neuroblend/report/cost_stats.h"
#include "neuroblend/report/sweep_table.h"

namespace nb::cli {

namespace fs = std::filesystem;

namespace {

struct SweepArgs {
  ModelOptions o;
  std::vector<int> lanes{1, 2, 4, 8, 12, 16, 24, 32, 48, 64}, wpl{1, 2, 4}, macs{1, 2, 4, 8};
  std::vector<std::string> xnor{"dsp", "lut"};
  std::string list, device = "xczu3eg", out, shard;
  HwArgs base;  // clock, DRAM, buffer sizes from flags / --config
  bool verify = false, no_plots = false;
};

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string out;
  bool no_plots = false;
};

// One row of the sweep, in the order of the grid.
SweepRow evaluate(const CompiledModel& cm, const Hw& hw, const CostData& d, const std::string& device, size_t index) {
  SweepRow r;
  r.index = index;
  r.hw = hw;
  try {
    check_fits(cm, hw);
  } catch (const Error& e) {
    r.reason = e.what();
    return r;
  }
  const MemTiming mem = mem_timing(hw, false);
  CycleEstimate est = estimate_cycles(cm, hw, mem);
  r.costs = cost_stats(costs(d, cm, hw, est.layers, est.total_cycles, device));
  r.total_cycles = est.total_cycles;
  r.latency_ms = double(est.total_cycles) / (hw.clock_mhz * 1e3);
  r.images_per_s = 1e3 / r.latency_ms;
  // resident weights (the model's slots fit the lanes' weight memories): a
  // later image's cycles, without the weight loads
  r.later_image_cycles = later_image_cycles(cm, hw, mem);
  return r;
}

// sweep.json, sweep.csv; the plots' data and script, and gnuplot drawing
// them. A whole sweep comes with its Pareto front marked (mark_pareto).
void write_outputs(const fs::path& dir, const Sweep& s, bool no_plots) {
  write_sweep(dir, s);
  if (no_plots || !s.shard.empty()) return;
  write_sweep_plot_files(dir, s);
  std::string cmd = fmt::format("cd {} && gnuplot plots.gp", shell_quote(dir.string()));
  if (std::system(cmd.c_str()) != 0)
    std::cerr << "neuroblend: gnuplot failed or is missing (Debian: gnuplot-nox); the data and plots.gp are in "
              << dir << "\n";
}

std::vector<Hw> grid(const SweepArgs& a, const Hw& base) {
  std::vector<Hw> out;
  if (!a.list.empty()) {
    nlohmann::json j = read_json_file(a.list, "configuration list");
    if (!j.is_array()) throw Error(a.list + ": expected an array of configuration objects");
    if (j.empty()) throw Error(a.list + ": the list has no configurations");
    for (size_t i = 0; i < j.size(); ++i) {
      Hw h = base;
      apply_config(j[i], fmt::format("{}[{}]", a.list, i), h);
      check_hw(h, fmt::format("{}[{}]: ", a.list, i));
      h.name = h.key();
      out.push_back(h);
    }
    return out;
  }
  for (int x : {1, 0}) {
    std::string xs = x ? "dsp" : "lut";
    if (std::find(a.xnor.begin(), a.xnor.end(), xs) == a.xnor.end()) continue;
    for (int l : a.lanes)
      for (int w : a.wpl)
        for (int m : a.macs) {
          Hw h = base;
          h.lanes = l, h.wpl = w, h.macs = m, h.xnor_dsp = x;
          h.merge_lanes = 0;  // each lane count with its own default merge units
          check_hw(h, "");
          h.name = h.key();
          out.push_back(h);
        }
  }
  return out;
}

}  // namespace

int run_sweep(const SweepArgs& args);

Command add_sweep(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  ModelOptions& o = args->o;
  auto* c = app.add_subcommand(
      "sweep", "Evaluate a grid or list of configurations (fast cycle model, resources, power); Pareto front; CSV, JSON, plots");
  o.add_compiled(c);
  c->add_option("--lanes", args->lanes, "Lane counts (comma-separated)")->delimiter(',')->capture_default_str();
  c->add_option("--words-per-lane", args->wpl, "Words per binary lane: 1, 2, 4")->delimiter(',')->capture_default_str();
  c->add_option("--macs", args->macs, "MACs per fixed-point lane: 1, 2, 4, 8")->delimiter(',')->capture_default_str();
  c->add_option("--xnor", args->xnor, "XNOR implementations: dsp, lut")->delimiter(',')->capture_default_str();
  c->add_option("--list", args->list, "A JSON array of configuration objects (keys as --config) instead of the grid")
      ->check(CLI::ExistingFile);
  c->add_option("--config", args->base.config_file, "Base configuration (clock, DRAM, buffer sizes) for every point")
      ->check(CLI::ExistingFile);
  c->add_option("--clock-mhz", args->base.clock, "Clock (default 200)")->check(CLI::Range(1.0, 2000.0));
  c->add_option("--dram-latency", args->base.latency, "DRAM latency in cycles (default 20)")->check(CLI::Range(1, 100000));
  c->add_option("--dram-bw", args->base.bw, "DRAM bytes per cycle (default 8)")->check(CLI::Range(0.01, 8.0));
  c->add_option("--device", args->device, "Target device (data/devices.json)")->capture_default_str();
  c->add_option("-o,--out", args->out, "Output directory (default out/sweep-MODEL)");
  c->add_option("--shard", args->shard, "Evaluate only shard i of N (i/N, 1-based); merge with sweep-merge");
  c->add_flag("--verify-pareto", args->verify,
              "Co-simulate each Pareto configuration in RTL (verilating new configurations: minutes each) and "
              "record its cycles next to the model's");
  c->add_flag("--no-plots", args->no_plots, "Do not run gnuplot");

  return {c, &args->o, [args] { return run_sweep(*args); }};
}

int run_sweep(const SweepArgs& args) {
  const ModelOptions& o = args.o;
  Hw base = resolve_hw(args.base);
  Loaded l = load(o);
  CompiledModel cm = compile_with(o, l);
  CostData d = load_cost_data();
  find_device(d.devices, args.device, d.devices_file);
  std::vector<Hw> all = grid(args, base);
  size_t si = 1, sn = 1;
  if (!args.shard.empty()) {
    if (std::sscanf(args.shard.c_str(), "%zu/%zu", &si, &sn) != 2 || sn == 0 || si < 1 || si > sn)
      throw Error(fmt::format("--shard {}: expected i/N with 1 <= i <= N", args.shard));
  }
  fs::path dir = args.out.empty() ? fs::path("out") / ("sweep-" + l.spec.name) : fs::path(args.out);
  Sweep s;
  s.model = l.spec.name;
  s.params = l.params_source;
  s.device = args.device;
  s.grid_size = all.size();
  s.clock_mhz = base.clock_mhz, s.dram_latency = base.dram_latency, s.dram_bw = base.dram_bw;
  s.power_coeffs = d.power.file, s.resource_model = d.resources.file;
  bool tty = isatty(2);
  auto t0 = std::chrono::steady_clock::now();
  size_t done = 0, mine = 0;
  for (size_t k = 0; k < all.size(); ++k) mine += k % sn == si - 1;
  for (size_t k = 0; k < all.size(); ++k) {
    if (k % sn != si - 1) continue;
    s.rows.push_back(evaluate(cm, all[k], d, args.device, k));
    ++done;
    if (tty && (done % 16 == 0 || done == mine))
      std::cerr << fmt::format("\rsweep {}: {}/{} configurations", l.spec.name, done, mine) << (done == mine ? "\n" : "")
                << std::flush;
  }
  double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (sn > 1) {  // a shard: its rows only; sweep-merge computes the front
    s.shard = args.shard;
    write_outputs(dir, s, true);
    std::cerr << fmt::format("shard {}: {} configurations in {:.3f} s -> {}\n", args.shard, done, sec,
                             (dir / "sweep.json").string());
    return 0;
  }
  mark_pareto(s.rows);
  if (args.verify) {
    auto images = synthetic_images(l.spec.input.shape, 1, 100);
    for (auto& r : s.rows) {
      if (!r.pareto) continue;
      Hw h = all[r.index];
      CosimOptions co;
      co.no_dump = true;
      co.check_estimate = true;
      CosimResult res = cosimulate(cm, images, h, "", co);
      uint64_t cyc = 0;
      for (auto& p : res.layers) cyc += p.cycles;
      r.rtl_cycles = cyc;
      r.rtl_verified = res.verified;
      std::cerr << fmt::format("RTL {}: {} cycles (model {}), {}\n", h.name, cyc, r.total_cycles,
                               res.verified ? "verified" : "NOT verified: " + res.failure());
    }
  }
  write_outputs(dir, s, args.no_plots);
  const size_t fit = s.fitting(), par = s.pareto_points();
  if (fit == 0)
    std::cerr << fmt::format("neuroblend: no configuration of this sweep fits {}: the Pareto front is empty (see the "
                             "over_device column; try a larger --device)\n", args.device);
  if (o.json) {
    std::cout << nlohmann::json{{"configurations", all.size()}, {"fitting", fit}, {"pareto", par}, {"seconds", sec},
                                {"out", dir.string()}}.dump(2)
              << "\n";
    return 0;
  }
  fmt::print("{}: {} configurations in {:.3f} s ({:.1f} us each), {} fit {}, {} on the Pareto front -> {}\n",
             l.spec.name, all.size(), sec, 1e6 * sec / std::max<size_t>(1, all.size()), fit, args.device, par,
             dir.string());
  fmt::print("{:<28} {:>9} {:>9} {:>6} {:>8} {:>8}\n", "Pareto configuration", "cycles", "ms", "DSP", "LUT", "W");
  for (const auto& r : s.rows)
    if (r.pareto)
      fmt::print("{:<28} {:>9} {:>9.4f} {:>6.0f} {:>8.0f} {:>8.3f}\n", r.hw.name, r.total_cycles, r.latency_ms,
                 r.costs.res.dsp, r.costs.res.luts_total(), r.costs.power.total_w);
  return 0;
}


int run_sweep_merge(const MergeArgs& args) {
  SweepMerge m;
  for (auto& p : args.inputs) m.add(sweep_from_json(read_json_file(p, "sweep shard"), p), p);
  Sweep s = m.result();
  mark_pareto(s.rows);
  write_outputs(args.out, s, args.no_plots);
  fmt::print("merged {} shards: {} configurations -> {}\n", args.inputs.size(), m.grid_size(), args.out);
  return 0;
}

Command add_sweep_merge(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  auto* m = app.add_subcommand("sweep-merge", "Merge sweep shards (their sweep.json files) into one sweep");
  m->add_option("SHARDS", args->inputs, "sweep.json of every shard")->required()->check(CLI::ExistingFile);
  m->add_option("-o,--out", args->out, "Output directory")->required();
  m->add_flag("--no-plots", args->no_plots, "Do not run gnuplot");
  return {m, nullptr, [args] { return run_sweep_merge(*args); }};
}

}  // namespace nb::cli
