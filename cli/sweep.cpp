// `neuroblend sweep` (many configurations through the fast cycle model, the
// resource and power models; Pareto front; shards; CSV, JSON, plots) and
// `neuroblend sweep-merge` (shards into one sweep).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "command.h"
#include "neuroblend/cosim/runner.h"
#include "costs.h"
#include "neuroblend/describe.h"
#include "neuroblend/cosim/process.h"
#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/perfmodel/cycle_model.h"
#include "perf_report.h"
#include "sweep_merge.h"

namespace nb::cli {

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& p, const std::string& s) {
  std::ofstream f(p);
  f << s;
  if (!f) throw Error("cannot write " + p.string());
}

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
nlohmann::json evaluate(const CompiledModel& cm, const Hw& hw, const CostData& d, const std::string& device,
                        size_t index) {
  nlohmann::json r;
  r["index"] = index;
  r["config"] = hw_json(hw);
  try {
    check_fits(cm, hw);
  } catch (const Error& e) {
    r["fits_layers"] = false;
    r["reason"] = e.what();
    r["fits_device"] = false;
    r["pareto"] = false;
    return r;
  }
  CycleEstimate est = estimate_cycles(cm, hw, mem_timing(hw, false));
  Costs c = costs(d, cm, hw, est.layers, est.total_cycles, device);
  double ms = double(est.total_cycles) / (hw.clock_mhz * 1e3);
  r["fits_layers"] = true;
  r["total_cycles"] = est.total_cycles;
  r["latency_ms"] = ms;
  r["images_per_s"] = 1e3 / ms;
  // resident weights (the model's slots fit the lanes' weight memories): a
  // later image's cycles, without the weight loads
  if (uint64_t later = later_image_cycles(cm, hw, mem_timing(hw, false))) r["later_image_cycles"] = later;
  add_costs_json(r, c);
  r.erase("activity");
  r["pareto"] = false;
  return r;
}

// Pareto front of (latency, DSP slices, power) over the rows that fit.
void mark_pareto(nlohmann::json& rows) {
  std::vector<size_t> ok;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i]["fits_device"].get<bool>()) ok.push_back(i);
  std::vector<std::vector<double>> pts;
  for (size_t i : ok) {
    const auto& r = rows[i];
    pts.push_back({r["latency_ms"].get<double>(), r["resources"]["dsp"].get<double>(), r["power"]["total_w"].get<double>()});
  }
  for (size_t i = 0; i < rows.size(); ++i) rows[i]["pareto"] = false;
  for (size_t k : pareto_front(pts)) rows[ok[k]]["pareto"] = true;
}

std::string csv_of(const nlohmann::json& rows) {
  const std::string header =
      "index,name,lanes,words_per_lane,macs,xnor,fits_layers,fits_device,pareto,total_cycles,latency_ms,images_per_s,"
      "lut,lutram,ff,dsp,bram36,lut_pct,ff_pct,dsp_pct,bram_pct,power_w,static_w,dynamic_w,xnor_w,popcount_w,mac_w,"
      "merge_w,memory_w,logic_w,clock_w,energy_uj,rtl_cycles,later_image_cycles,resources_calibrated,reason\n";
  // A configuration that cannot hold a layer has its first 9 columns and the
  // reason; the figures between are empty (8 of the header's commas separate
  // the first 9 columns).
  const std::string no_figures(size_t(std::count(header.begin(), header.end(), ',')) - 8, ',');
  std::string s = header;
  for (auto& r : rows) {
    const auto& c = r["config"];
    s += fmt::format("{},{},{},{},{},{},{},{},{}", r["index"].get<size_t>(), c["name"].get<std::string>(),
                     c["lanes"].get<int>(), c["words_per_lane"].get<int>(), c["macs"].get<int>(),
                     c["xnor"].get<std::string>(), r["fits_layers"].get<bool>(), r["fits_device"].get<bool>(),
                     r["pareto"].get<bool>());
    if (r["fits_layers"].get<bool>()) {
      const auto &res = r["resources"], &pc = r["resources_percent"], &p = r["power"];
      s += fmt::format(",{},{:.6g},{:.6g},{:.0f},{:.0f},{:.0f},{:.0f},{:.1f},{:.3g},{:.3g},{:.3g},{:.3g}",
                       r["total_cycles"].get<uint64_t>(), r["latency_ms"].get<double>(),
                       r["images_per_s"].get<double>(), res["lut"].get<double>(), res["lutram"].get<double>(),
                       res["ff"].get<double>(), res["dsp"].get<double>(), res["bram36"].get<double>(),
                       pc["lut"].get<double>(), pc["ff"].get<double>(), pc["dsp"].get<double>(),
                       pc["bram36"].get<double>());
      s += fmt::format(",{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g}",
                       p["total_w"].get<double>(), p["static_w"].get<double>(), p["dynamic_w"].get<double>(),
                       p["xnor_w"].get<double>(), p["popcount_w"].get<double>(), p["mac_w"].get<double>(),
                       p["merge_w"].get<double>(), p["memory_w"].get<double>(), p["logic_w"].get<double>(),
                       p["clock_w"].get<double>(),
                       p["energy_per_image_uj"].get<double>());
      s += "," + (r.contains("rtl_cycles") ? std::to_string(r["rtl_cycles"].get<uint64_t>()) : std::string());
      s += "," + (r.contains("later_image_cycles") ? std::to_string(r["later_image_cycles"].get<uint64_t>())
                                                   : std::string());
      s += fmt::format(",{},", r["resources"]["model_calibrated"].get<bool>());
    } else {
      s += no_figures;
      std::string why = r["reason"].get<std::string>();
      std::replace(why.begin(), why.end(), '"', '\'');
      s += "\"" + why + "\"";
    }
    s += "\n";
  }
  return s;
}

// Plots drawn by gnuplot (Debian's gnuplot-nox): the data and the script are
// kept next to the SVGs so they can be redrawn or restyled.
void plots(const fs::path& dir, const nlohmann::json& rows, const std::string& title) {
  std::string pts, front, pw;
  std::vector<std::pair<double, std::string>> fr;
  for (auto& r : rows) {
    if (!r["fits_layers"].get<bool>()) continue;
    std::string line = fmt::format("{} {} {} {}\n", r["resources"]["dsp"].get<double>(), r["latency_ms"].get<double>(),
                                   r["power"]["total_w"].get<double>(), r["fits_device"].get<bool>() ? 1 : 0);
    pts += line;
    if (r["pareto"].get<bool>()) fr.emplace_back(r["resources"]["dsp"].get<double>(), line);
  }
  std::sort(fr.begin(), fr.end());
  for (auto& [k, l] : fr) front += l;
  int n = 0;
  for (auto& r : rows) {
    if (!r["pareto"].get<bool>()) continue;
    const auto& p = r["power"];
    const auto& c = r["config"];
    std::string label = fmt::format("{}L {}W {}M {}", c["lanes"].get<int>(), c["words_per_lane"].get<int>(),
                                    c["macs"].get<int>(), c["xnor"].get<std::string>());
    pw += fmt::format("\"{}\" {} {} {} {} {} {} {} {}\n", label, p["static_w"].get<double>(),
                      p["xnor_w"].get<double>(), p["popcount_w"].get<double>(), p["mac_w"].get<double>(),
                      p["merge_w"].get<double>(), p["memory_w"].get<double>(), p["logic_w"].get<double>(),
                      p["clock_w"].get<double>());
    if (++n == 20) break;
  }
  write_file(dir / "points.dat", pts);
  write_file(dir / "pareto.dat", front);
  write_file(dir / "power.dat", pw);
  std::string gp = fmt::format(R"GP(# gnuplot script written by neuroblend sweep
set terminal svg size 900,600 dynamic background rgb 'white'
set output 'latency_vs_dsp.svg'
set title "{}: latency vs DSP48E2 slices (fast cycle model; Pareto front of latency, DSP, power)"
set xlabel 'DSP48E2 slices'
set ylabel 'latency per image (ms)'
set logscale y
set key top right
set grid
plot 'points.dat' using 1:($4==1?$2:1/0) with points pt 7 ps 0.5 lc rgb '#7f7f7f' title 'fits the device', \
     'points.dat' using 1:($4==0?$2:1/0) with points pt 6 ps 0.5 lc rgb '#d62728' title 'does not fit', \
     'pareto.dat' using 1:2 with linespoints pt 7 ps 0.9 lc rgb '#1f77b4' title 'Pareto front'
set output 'power_breakdown.svg'
unset logscale y
set title "{}: power of the Pareto configurations (W)"
set ylabel 'W'
set xlabel ''
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -45 font ',8'
set key outside right
plot 'power.dat' using 2:xtic(1) title 'static', '' using 3 title 'XNOR', '' using 4 title 'popcount', \
     '' using 5 title 'MAC', '' using 6 title 'merge', '' using 7 title 'buffers', '' using 8 title 'other logic', \
     '' using 9 title 'clock'
)GP",
                               title, title);
  write_file(dir / "plots.gp", gp);
  std::string cmd = fmt::format("cd {} && gnuplot plots.gp", shell_quote(dir.string()));
  if (std::system(cmd.c_str()) != 0)
    std::cerr << "neuroblend: gnuplot failed or is missing (Debian: gnuplot-nox); the data and plots.gp are in "
              << dir << "\n";
}

void write_outputs(const fs::path& dir, nlohmann::json j, bool no_plots) {
  fs::create_directories(dir);
  mark_pareto(j["rows"]);
  size_t fit = 0, par = 0;
  for (auto& r : j["rows"]) fit += r["fits_device"].get<bool>(), par += r["pareto"].get<bool>();
  j["fitting"] = fit;
  j["pareto_points"] = par;
  write_file(dir / "sweep.json", j.dump(1) + "\n");
  write_file(dir / "sweep.csv", csv_of(j["rows"]));
  if (!no_plots) plots(dir, j["rows"], j["model"].get<std::string>() + " on " + j["device"].get<std::string>());
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
  nlohmann::json j;
  j["format"] = "neuroblend-sweep-1";
  j["model"] = l.spec.name;
  j["params"] = l.params_source;
  j["device"] = args.device;
  j["grid_size"] = all.size();
  j["settings"] = {{"clock_mhz", base.clock_mhz}, {"dram_latency", base.dram_latency}, {"dram_bytes_per_cycle", base.dram_bw},
                   {"power_coeffs", d.power.file}, {"resource_model", d.resources.file}};
  j["rows"] = nlohmann::json::array();
  bool tty = isatty(2);
  auto t0 = std::chrono::steady_clock::now();
  size_t done = 0, mine = 0;
  for (size_t k = 0; k < all.size(); ++k) mine += k % sn == si - 1;
  for (size_t k = 0; k < all.size(); ++k) {
    if (k % sn != si - 1) continue;
    j["rows"].push_back(evaluate(cm, all[k], d, args.device, k));
    ++done;
    if (tty && (done % 16 == 0 || done == mine))
      std::cerr << fmt::format("\rsweep {}: {}/{} configurations", l.spec.name, done, mine) << (done == mine ? "\n" : "")
                << std::flush;
  }
  double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (sn > 1) {  // a shard: its rows only; sweep-merge computes the front
    j["shard"] = args.shard;
    fs::create_directories(dir);
    write_file(dir / "sweep.json", j.dump(1) + "\n");
    std::cerr << fmt::format("shard {}: {} configurations in {:.3f} s -> {}\n", args.shard, done, sec,
                             (dir / "sweep.json").string());
    return 0;
  }
  mark_pareto(j["rows"]);
  if (args.verify) {
    auto images = synthetic_images(l.spec.input.shape, 1, 100);
    for (auto& r : j["rows"]) {
      if (!r["pareto"].get<bool>()) continue;
      Hw h = base;
      const auto& c = r["config"];
      h.lanes = c["lanes"], h.wpl = c["words_per_lane"], h.macs = c["macs"], h.xnor_dsp = c["xnor"] == "dsp";
      h.merge_lanes = c["merge_lanes"];
      CosimOptions co;
      co.no_dump = true;
      co.check_estimate = true;
      CosimResult res = cosimulate(cm, images, h, "", co);
      uint64_t cyc = 0;
      for (auto& p : res.layers) cyc += p.cycles;
      r["rtl_cycles"] = cyc;
      r["rtl_verified"] = res.verified;
      std::cerr << fmt::format("RTL {}: {} cycles (model {}), {}\n", h.name, cyc, r["total_cycles"].get<uint64_t>(),
                               res.verified ? "verified" : "NOT verified: " + res.failure());
    }
  }
  write_outputs(dir, j, args.no_plots);
  size_t fit = 0, par = 0;
  for (auto& r : j["rows"]) fit += r["fits_device"].get<bool>(), par += r["pareto"].get<bool>();
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
  for (auto& r : j["rows"])
    if (r["pareto"].get<bool>())
      fmt::print("{:<28} {:>9} {:>9.4f} {:>6.0f} {:>8.0f} {:>8.3f}\n", r["config"]["name"].get<std::string>(),
                 r["total_cycles"].get<uint64_t>(), r["latency_ms"].get<double>(), r["resources"]["dsp"].get<double>(),
                 r["resources"]["lut_total"].get<double>(), r["power"]["total_w"].get<double>());
  return 0;
}


int run_sweep_merge(const MergeArgs& args) {
  SweepMerge m;
  for (auto& p : args.inputs) m.add(read_json_file(p, "sweep shard"), p);
  nlohmann::json out = m.result();
  write_outputs(args.out, out, args.no_plots);
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
