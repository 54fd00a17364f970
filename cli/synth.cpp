// `neuroblend synth`: real synthesis of the RTL for one configuration (Yosys
// 0.55 synth_xilinx -family xcup, DESIGN §7), its resources next to the
// analytical model's, and the model's error.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "command.h"
#include "hw_options.h"
#include "neuroblend/perfmodel/costs.h"
#include "neuroblend/report/cost_stats.h"
#include "neuroblend/perfmodel/yosys_log.h"
#include "neuroblend/cosim/process.h"
#include "neuroblend/error.h"

namespace nb::cli {

namespace {
struct SynthArgs {
  HwArgs hw;
  std::string log, parse_log;
  bool json = false, instances = false;
};

// Path depth after the statistics: flip-flops, block RAMs, DSP48E2 slices
// (and the I/O buffers) removed, the combinational cells mapped to Yosys cells
// that `ltp` follows (tools/yosys/ltp_map.v); each module's deepest path,
// then the flattened design's.
constexpr const char* kPathScript =
    "delete t:FD* t:RAMB* t:DSP48E2 t:SRL* t:IBUF t:OBUF t:BUFG; "
    "setparam -unset INIT -unset INIT_A -unset INIT_B -unset INIT_C -unset INIT_D -unset INIT_E -unset INIT_F "
    "-unset INIT_G -unset INIT_H -unset IS_WCLK_INVERTED -unset CARRY_TYPE t:LUT* t:RAM32M16 t:RAM64M8 t:CARRY*; "
    "techmap -map ltp_map.v; ltp; flatten; ltp";

std::string path_text(const LogicPath& p) {
  std::vector<std::string> kinds;
  if (p.lut) kinds.push_back(fmt::format("{} LUT", p.lut));
  if (p.lutram) kinds.push_back(fmt::format("{} LUT-RAM read", p.lutram));
  if (p.muxf) kinds.push_back(fmt::format("{} MUXF", p.muxf));
  if (p.carry4) kinds.push_back(fmt::format("{} CARRY4", p.carry4));
  std::string k;
  for (auto& x : kinds) k += (k.empty() ? "" : ", ") + x;
  return fmt::format("{} levels ({}), ~{:.1f} ns", p.levels(), k.empty() ? "none" : k, p.estimate_ns());
}

nlohmann::json path_json(const LogicPath& p) {
  return {{"module", p.module}, {"levels", p.levels()}, {"lut", p.lut},       {"lutram", p.lutram},
          {"muxf", p.muxf},     {"carry4", p.carry4}, {"from", p.from},     {"to", p.to},
          {"through", p.through}, {"estimate_ns", p.estimate_ns()}};
}
}  // namespace

int run_synth(const SynthArgs& args);

Command add_synth(CLI::App& app) {
  auto args = std::make_shared<SynthArgs>();
  auto* c = app.add_subcommand(
      "synth", "Synthesize the RTL for a configuration with Yosys (synth_xilinx -family xcup) and compare the resource model");
  add_hw_options(c, args->hw);
  c->add_option("--log", args->log, "Keep the Yosys log here (default: a temporary file)");
  c->add_option("--parse-log", args->parse_log, "Do not run Yosys: read the statistics of an earlier run's log")
      ->check(CLI::ExistingFile);
  c->add_flag("--json", args->json, "Print machine-readable JSON");
  c->add_flag("--instances", args->instances,
              "Do not run Yosys: print, as JSON, the submodules nb_top instantiates for the configuration (the resource "
              "model's module table keys) and its own fitted terms (what tools/calibrate_resources.py reads)");
  return {c, nullptr, [args] { return run_synth(*args); }};
}

namespace {
// The resource model's structure of a configuration: one list, read by
// tools/calibrate_resources.py (which keeps no copy of its own).
int print_instances(const Hw& hw) {
  nlohmann::json j;
  j["config"] = hw_json(hw);
  j["instances"] = nlohmann::json::array();
  for (const auto& i : resource_instances(hw, hw.act_bytes)) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [name, value] : i.params) params[name] = value;
    j["instances"].push_back({{"key", i.key()}, {"module", i.module}, {"parameters", params}, {"count", i.count},
                              {"what", i.what}});
  }
  j["top_terms"] = {{"names", resource_top_term_names()}, {"values", resource_top_terms(hw)}};
  std::cout << j.dump(1) << "\n";
  return 0;
}
}  // namespace

int run_synth(const SynthArgs& args) {
  Hw hw = resolve_hw(args.hw);
  if (args.instances) return print_instances(hw);
  std::string log = args.parse_log;
  double seconds = 0;
  if (log.empty()) {
    namespace fs = std::filesystem;
    log = args.log.empty() ? (fs::temp_directory_path() / fmt::format("neuroblend-synth-{}.log", getpid())).string()
                            : args.log;
    std::string script = fmt::format(
        "chparam -set Lanes {} -set Wpl {} -set Macs {} -set XnorImpl {} -set ActBytes {} -set MaxKw {} "
        "-set MaxFixEntries {} -set MaxClasses {} -set MergeLanes {} nb_top; synth_xilinx -family xcup -top nb_top; stat; {}",
        hw.lanes, hw.wpl, hw.macs, hw.xnor_dsp, hw.act_bytes, hw.max_kw, hw.max_fix_entries, hw.max_classes, hw.merge(),
        kPathScript);
    std::string cmd =
        fmt::format("node {} {} {} {}", shell_quote(std::string(NB_SOURCE_DIR) + "/tools/yosys/yosys.mjs"),
                    shell_quote(std::string(NB_SOURCE_DIR) + "/rtl"), shell_quote(script),
                    shell_quote(std::string(NB_SOURCE_DIR) + "/tools/yosys/ltp_map.v"));
    std::cerr << fmt::format("neuroblend: synthesizing {} with Yosys (minutes; log {})\n", hw.name, log);
    // progress: synth_xilinx's steps ("28.13. Executing ABC pass ..."), about 50
    static const std::regex steps(R"(^[0-9]+\.[0-9]+\. Executing )");
    auto t0 = std::chrono::steady_clock::now();
    int rc = run_logged(cmd, log, false, steps, "yosys");
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (rc != 0) throw Error(fmt::format("Yosys failed (exit status {}); see {}", rc, log));
  }
  std::ifstream f(log);
  if (!f) throw Error("cannot read " + log);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  Resources syn = parse_yosys_stat(text);
  if (seconds == 0) {  // an earlier run's log: Yosys's own CPU time
    std::smatch mt;
    if (std::regex_search(text, mt, std::regex(R"(CPU: user ([0-9.]+)s)"))) seconds = std::stod(mt[1]);
  }
  // Synthesis is what calibrates the model: it runs without a (valid) one.
  bool have_model = false;
  ResourceModel rm;
  try {
    rm = load_resource_model(data_path("resource_model.json"));
    have_model = true;
  } catch (const Error& e) {
    std::cerr << "neuroblend: no resource model to compare with: " << e.what() << "\n";
  }
  ResourceEstimate est;
  if (have_model) {
    try {
      est = estimate_resource_parts(rm, hw);
    } catch (const Error& e) {  // e.g. a submodule size the table lacks: the synthesis still stands
      std::cerr << "neuroblend: no resource model estimate to compare with: " << e.what() << "\n";
      have_model = false;
    }
  }
  const Resources& mod = est.total;
  auto err = [](double m, double s) { return s > 0 ? 100 * (m - s) / s : 0.0; };
  nlohmann::json j;
  j["config"] = hw_json(hw);
  j["synthesis"] = to_json(syn);
  if (have_model) j["model"] = to_json(mod);
  j["model_calibrated"] = have_model && est.calibrated;
  if (have_model) j["model_error_percent"] = {{"lut_total", err(mod.luts_total(), syn.luts_total())},
                              {"ff", err(mod.ff, syn.ff)},
                              {"dsp", err(mod.dsp, syn.dsp)},
                              {"bram36", err(mod.bram36, syn.bram36)}};
  // The model's structure (which submodules, how many) against the synthesized design's.
  std::string inst_note;
  if (have_model && text.find("=== design hierarchy ===") != std::string::npos) {
    auto syn_inst = parse_yosys_instances(text), mod_inst = instance_counts(est.parts);
    j["instances_agree"] = syn_inst == mod_inst;
    if (syn_inst != mod_inst)
      inst_note = fmt::format("WARNING: the design's submodule instances ({}) differ from the resource model's ({}): "
                              "the RTL changed since the model was calibrated (tools/calibrate_resources.py)",
                              nlohmann::json(syn_inst).dump(), nlohmann::json(mod_inst).dump());
  }
  PathReport paths = parse_yosys_paths(text);
  if (paths.found) {
    j["longest_path"] = path_json(paths.design);
    j["module_paths"] = nlohmann::json::array();
    for (auto& p : paths.modules) j["module_paths"].push_back(path_json(p));
  }
  j["yosys_log"] = log;
  j["seconds"] = seconds;
  if (args.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("configuration {}: Yosys synth_xilinx -family xcup{}\n", hw.name,
             seconds > 0 ? fmt::format(" ({:.0f} s)", seconds) : "");
  fmt::print("{:<8} {:>10} {:>10} {:>8}\n", "", "synthesis", "model", "error");
  // without a model estimate the model's columns say so rather than 0 and -100 %
  auto row = [&](const char* n, double s, double m, int digits) {
    if (have_model)
      fmt::print("{:<8} {:>10.{}f} {:>10.{}f} {:>7.1f}%\n", n, s, digits, m, digits, err(m, s));
    else
      fmt::print("{:<8} {:>10.{}f} {:>10} {:>8}\n", n, s, digits, "-", "-");
  };
  row("LUT", syn.luts_total(), mod.luts_total(), 0);
  row(" logic", syn.lut, mod.lut, 0);
  row(" as RAM", syn.lutram, mod.lutram, 0);
  row("FF", syn.ff, mod.ff, 0);
  row("DSP48E2", syn.dsp, mod.dsp, 0);
  row("BRAM36", syn.bram36, mod.bram36, 1);
  if (paths.found) {
    const LogicPath& d = paths.design;
    // each instance once, in the order the path first enters it (a search
    // of the text built so far would take "u_bwin" for part of "u_bwin.u_gen")
    std::string through;
    std::set<std::string> seen;
    for (auto& t : d.through)
      if (seen.insert(t).second) through += (through.empty() ? "" : " -> ") + (t.empty() ? std::string("(top)") : t);
    fmt::print("longest register-to-register path: {}\n  from {}\n  to   {}\n  through {}\n", path_text(d), d.from,
               d.to, through);
    fmt::print("deepest path inside each module:\n");
    for (auto& p : paths.modules) fmt::print("  {:<16} {}\n", p.module, path_text(p));
    fmt::print("(levels from Yosys ltp on the mapped netlist; the ns figures are a rough estimate for UltraScale+ -1,\n"
               " not a timing analysis: about 8 LUT levels fit a 5 ns (200 MHz) cycle)\n");
  } else {
    fmt::print("longest path: not in this log (a run without path analysis)\n");
  }
  if (have_model && !est.calibrated)
    fmt::print("note: lanes, merge units or buffer sizes outside the model's calibration (extrapolated)\n");
  if (!inst_note.empty()) fmt::print("{}\n", inst_note);
  return 0;
}

}  // namespace nb::cli
