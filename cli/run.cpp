// `neuroblend run`: compile a model, co-simulate images on a hardware
// configuration (the verilated RTL under SystemC, checked layer by layer
// against the golden model), and report cycles, utilization and DSP use.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common.h"
#include "neuroblend/describe.h"
#include "neuroblend/error.h"
#include "neuroblend/hw_config.h"
#include "neuroblend/npy.h"
#include "neuroblend/program.h"
#if NB_HAVE_RTL
#include "nb_built_configs.h"
#endif

namespace nb::cli {

namespace {

// The hardware (name: of a built configuration, or the key of a new one)
// and the run-time settings of the simulation around it.
struct Hw : HwConfig {
  double clock_mhz = 200, dram_bw = 8;
  int dram_latency = 20;
  Hw() : HwConfig{"", 32, 1, 8, 1, 65536, 96, 128, 128} {}
};

struct RunArgs {
  std::string config_file, xnor;
  int lanes = 0, wpl = 0, macs = 0, images = 1, latency = -1;
  double clock = 0, bw = 0;
  std::vector<std::string> inputs;
  uint64_t input_seed = 100;
  bool no_dump = false;
  std::string trace;
  uint64_t trace_from = 0, trace_to = 0;
};
RunArgs g_run;
CLI::App* g_run_app = nullptr;

// Strict reader of a configuration file: every key known, each checked.
void read_config(const std::string& path, Hw& hw) {
  std::ifstream f(path);
  if (!f) throw Error(fmt::format("cannot open configuration '{}'", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  if (!j.is_object()) throw Error(fmt::format("{}: expected an object", path));
  for (auto& [k, v] : j.items()) {
    auto integer = [&](int lo, int hi) {
      if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
        throw Error(fmt::format("{}: key '{}' must be an integer in [{}, {}], got {}", path, k, lo, hi, v.dump()));
      return v.get<int>();
    };
    auto number = [&](double lo, double hi) {
      if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi)
        throw Error(fmt::format("{}: key '{}' must be a number in [{}, {}], got {}", path, k, lo, hi, v.dump()));
      return v.get<double>();
    };
    if (k == "lanes")
      hw.lanes = integer(1, 64);
    else if (k == "words_per_lane")
      hw.wpl = integer(1, 4);
    else if (k == "macs")
      hw.macs = integer(1, 8);
    else if (k == "xnor") {
      if (!v.is_string() || (v != "dsp" && v != "lut"))
        throw Error(fmt::format("{}: key 'xnor' must be \"dsp\" or \"lut\", got {}", path, v.dump()));
      hw.xnor_dsp = v == "dsp";
    } else if (k == "act_bytes")
      hw.act_bytes = integer(64, 1 << 24);
    else if (k == "max_kw")
      hw.max_kw = integer(1, 4096);
    else if (k == "max_fix_entries")
      hw.max_fix_entries = integer(1, 4096);
    else if (k == "max_classes")
      hw.max_classes = integer(1, 4096);
    else if (k == "clock_mhz")
      hw.clock_mhz = number(1, 2000);
    else if (k == "dram_latency")
      hw.dram_latency = integer(1, 100000);
    else if (k == "dram_bytes_per_cycle")
      hw.dram_bw = number(0.01, 8);
    else
      throw Error(fmt::format("{}: unknown key '{}'", path, k));
  }
}

bool is_pow2(int v) {
  return v > 0 && (v & (v - 1)) == 0;
}

std::string shell_quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

// The co-simulator binary for `hw`: a configuration of this build, or one
// verilated now (once) into build/rtl-configs/<key>.
std::string simulator_for(Hw& hw) {
#if NB_HAVE_RTL
  for (auto& c : kNbBuiltConfigs)
    if (c.same_hardware(hw)) {
      hw.name = c.name;
      return std::string(NB_BINARY_DIR) + "/sim/nb_rtl_" + c.name;
    }
  hw.name = hw.key();
  std::string dir = std::string(NB_BINARY_DIR) + "/rtl-configs/" + hw.name;
  std::string exe = dir + "/sim/nb_rtl_" + hw.name;
  std::string cfg = fmt::format("{} {} {} {} {} {} {} {} {}", hw.name, hw.lanes, hw.wpl, hw.macs, hw.xnor_dsp,
                                hw.act_bytes, hw.max_kw, hw.max_fix_entries, hw.max_classes);
  // cmake --build is a no-op when the model is up to date, and rebuilds it
  // when the RTL or the harness changed: never a stale model.
  std::cerr << fmt::format("neuroblend: co-simulator for configuration {} (built once into {})\n", hw.name, dir);
  std::string cmd = fmt::format(
      "cmake -S {} -B {} -DCMAKE_BUILD_TYPE=Release -DNB_BUILD_TESTS=OFF -DNB_BUILD_BENCH=OFF "
      "-DNB_RTL_CONFIGS_OVERRIDE={} >{}.log 2>&1 && cmake --build {} --target nb_rtl_{} -j 2 >>{}.log 2>&1",
      shell_quote(NB_SOURCE_DIR), shell_quote(dir), shell_quote(cfg), shell_quote(dir), shell_quote(dir), hw.name,
      shell_quote(dir));
  std::filesystem::create_directories(dir);
  if (std::system(cmd.c_str()) != 0)
    throw Error(fmt::format("building the co-simulator for configuration {} failed; see {}.log", hw.name, dir));
  return exe;
#else
  (void)hw;
  throw Error("this build has no RTL co-simulation (configured with -DNB_BUILD_RTL=OFF)");
#endif
}

}  // namespace

void add_run(CLI::App& app, ModelOptions& o) {
  g_run_app = app.add_subcommand(
      "run", "Co-simulate the RTL accelerator on a model (checked against the golden model) and report cycles");
  o.add_model(g_run_app);
  o.add_params(g_run_app);
  o.add_calib(g_run_app);
  auto* in = g_run_app->add_option("--input", g_run.inputs, "Input file(s): CIFAR .bin batch, .pgm or .ppm")
                 ->check(CLI::ExistingFile);
  g_run_app->add_option("--images", g_run.images, "Number of images (seeded synthetic images without --input)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  g_run_app->add_option("--input-seed", g_run.input_seed, "Seed of the synthetic images")->capture_default_str();
  (void)in;
  g_run_app
      ->add_option(
          "--config", g_run.config_file,
          "Hardware configuration file (JSON: lanes, words_per_lane, macs, xnor, act_bytes, max_kw, max_fix_entries, "
          "max_classes, clock_mhz, dram_latency, dram_bytes_per_cycle); flags override it")
      ->check(CLI::ExistingFile);
  g_run_app
      ->add_option("--lanes", g_run.lanes, "Output channels in parallel (binary and fixed-point lanes), default 32")
      ->check(CLI::Range(1, 64));
  g_run_app
      ->add_option("--words-per-lane", g_run.wpl,
                   "48-bit words (DSP48E2 slices) per binary lane per cycle: 1, 2, 4 (default 1)")
      ->check(CLI::IsMember({1, 2, 4}));
  g_run_app->add_option("--macs", g_run.macs, "int8 MACs per fixed-point lane per cycle: 1, 2, 4, 8 (default 8)")
      ->check(CLI::IsMember({1, 2, 4, 8}));
  g_run_app->add_option("--xnor", g_run.xnor, "XNOR in DSP48E2 logic mode or in LUTs (default dsp)")
      ->check(CLI::IsMember({"dsp", "lut"}));
  g_run_app->add_option("--clock-mhz", g_run.clock, "Clock for the latency figures (default 200)")
      ->check(CLI::Range(1.0, 2000.0));
  g_run_app->add_option("--dram-latency", g_run.latency, "DRAM read latency in cycles (default 20)")
      ->check(CLI::Range(1, 100000));
  g_run_app->add_option("--dram-bw", g_run.bw, "DRAM bandwidth in bytes per cycle, up to 8 (default 8)")
      ->check(CLI::Range(0.01, 8.0));
  g_run_app->add_option("--trace", g_run.trace, "Write a waveform (.fst, e.g. for GTKWave) of a cycle window");
  g_run_app->add_option("--trace-from", g_run.trace_from, "First cycle of the waveform window (default 0)");
  g_run_app->add_option("--trace-to", g_run.trace_to, "Last cycle of the waveform window (default from + 10000)");
  g_run_app->add_flag("--no-dump", g_run.no_dump,
                      "Check only the logits (faster; a mismatch is then found at the last layer)");
}

int run_run(const ModelOptions& o) {
  const RunArgs& a = g_run;
  Hw hw;
  if (!a.config_file.empty()) read_config(a.config_file, hw);
  if (a.lanes) hw.lanes = a.lanes;
  if (a.wpl) hw.wpl = a.wpl;
  if (a.macs) hw.macs = a.macs;
  if (!a.xnor.empty()) hw.xnor_dsp = a.xnor == "dsp";
  if (a.clock > 0) hw.clock_mhz = a.clock;
  if (a.latency > 0) hw.dram_latency = a.latency;
  if (a.bw > 0) hw.dram_bw = a.bw;
  if (hw.wpl != 1 && hw.wpl != 2 && hw.wpl != 4)
    throw Error(fmt::format("words_per_lane = {}: must be 1, 2 or 4", hw.wpl));
  if (!is_pow2(hw.macs) || hw.macs > 8) throw Error(fmt::format("macs = {}: must be 1, 2, 4 or 8", hw.macs));
  if (hw.act_bytes % 64 != 0 || !is_pow2(hw.act_bytes / 64))
    throw Error(fmt::format("act_bytes = {}: must be 64 times a power of two", hw.act_bytes));

  ModelSpec spec = load_model(o.model);
  std::vector<Image> images;
  for (auto& f : a.inputs)
    for (auto& img : read_images(f, spec.input.shape, cifar_kind(o, spec), a.images - int64_t(images.size())))
      images.push_back(img);
  if (a.inputs.empty()) images = synthetic_images(spec.input.shape, a.images, a.input_seed);
  Loaded l = load(o, spec);
  CompiledModel cm = compile_with(o, l);
  // Refuse a model the configuration cannot run before building a simulator.
  hw.name = hw.key();
  check_fits(cm, hw);
  std::string sim = simulator_for(hw);

  namespace fs = std::filesystem;
  fs::path tmp = fs::temp_directory_path() / fmt::format("neuroblend-run-{}", getpid());
  fs::create_directories(tmp);
  std::string prog = (tmp / "program.nbp").string(), imgs = (tmp / "images.npy").string(),
              out = (tmp / "result.json").string();
  write_program(cm, prog);
  std::vector<uint8_t> px;
  for (auto& im : images) px.insert(px.end(), im.pixels.begin(), im.pixels.end());
  write_npy(imgs,
            NpyArray::from(px, {int64_t(images.size()), spec.input.shape.h, spec.input.shape.w, spec.input.shape.c}));
  std::string cmd =
      fmt::format("{} --quiet --program {} --images {} --json {} --dram-latency {} --dram-bw {} --clock-mhz {}{}{}",
                  shell_quote(sim), shell_quote(prog), shell_quote(imgs), shell_quote(out), hw.dram_latency, hw.dram_bw,
                  hw.clock_mhz, a.no_dump ? " --no-dump" : "", images.size() > 1 && isatty(2) ? " --progress" : "");
  if (!a.trace.empty())
    cmd += fmt::format(" --trace {} --trace-from {} --trace-to {}", shell_quote(fs::absolute(a.trace).string()),
                       a.trace_from, a.trace_to ? a.trace_to : a.trace_from + 10000);
  int rc = std::system(cmd.c_str());
  nlohmann::json r;
  {
    std::ifstream f(out);
    if (!f) {
      fs::remove_all(tmp);
      throw Error(fmt::format("the co-simulator failed (exit status {}) before writing a result", rc));
    }
    r = nlohmann::json::parse(f);
  }
  fs::remove_all(tmp);

  const auto& job = r["jobs"][0];
  bool verified = r["verified"].get<bool>();
  ModelStats st = describe(spec);
  const int logic = hw.xnor_dsp ? hw.lanes * hw.wpl : 0;  // one DSP48E2 per 48-bit word a lane takes a cycle
  const int mac = hw.lanes * hw.macs + 2 * hw.lanes;      // one per int8 MAC, two per lane in the merge unit
  uint64_t cycles = job["total_cycles"].empty() ? 0 : job["total_cycles"][0].get<uint64_t>();
  double latency_ms = double(cycles) / (hw.clock_mhz * 1e3);
  double xnor_util = cycles ? double(st.total.binary_macs) / (double(hw.lanes) * hw.wpl * 48.0 * double(cycles)) : 0;
  double mac_util = cycles ? double(st.total.int8_macs) / (double(hw.lanes) * hw.macs * double(cycles)) : 0;

  nlohmann::json j;
  j["model"] = spec.name;
  j["params"] = l.params_source;
  j["config"] = {{"name", hw.name},
                 {"lanes", hw.lanes},
                 {"words_per_lane", hw.wpl},
                 {"macs", hw.macs},
                 {"xnor", hw.xnor_dsp ? "dsp" : "lut"},
                 {"act_bytes", hw.act_bytes},
                 {"clock_mhz", hw.clock_mhz},
                 {"dram_latency", hw.dram_latency},
                 {"dram_bytes_per_cycle", hw.dram_bw}};
  j["verified"] = verified;
  j["images"] = job["images"];
  j["total_cycles"] = cycles;
  j["clock_mhz"] = hw.clock_mhz;
  j["latency_ms"] = latency_ms;
  j["images_per_s"] = latency_ms > 0 ? 1e3 / latency_ms : 0;
  j["dsp_logic_slices"] = logic;
  j["dsp_mac_slices"] = mac;
  j["dsp_logic_structural"] = double(logic) / double(logic + mac);
  j["dsp_logic_utilization"] = xnor_util;
  j["mac_utilization"] = mac_util;
  j["sim_cycles_per_second"] = r["cycles_per_second"];
  if (job.contains("mismatch")) j["mismatch"] = job["mismatch"];
  if (job.contains("error")) j["error"] = job["error"];
  j["layers"] = nlohmann::json::array();
  if (job.contains("perf"))
    for (auto& p : job["perf"][0]) {
      double c = p["cycles"].get<double>();
      j["layers"].push_back({{"name", p["name"]},
                             {"cycles", p["cycles"]},
                             {"binary_busy", c > 0 ? p["bin_busy"].get<double>() / c : 0},
                             {"fixed_busy", c > 0 ? p["fix_busy"].get<double>() / c : 0},
                             {"load_cycles", p["load"]},
                             {"compute_cycles", p["compute"]},
                             {"dram_read_beats", p["rd_beats"]}});
    }
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print("{} on configuration {} ({} lanes x {} words, {} MACs/lane, XNOR in {}), {} image(s), parameters {}\n",
               spec.name, hw.name, hw.lanes, hw.wpl, hw.macs, hw.xnor_dsp ? "DSP48E2" : "LUTs", j["images"].get<int>(),
               l.params_source);
    fmt::print("{:<10} {:>9} {:>8} {:>8} {:>9} {:>9}\n", "layer", "cycles", "binary", "fixed", "load", "compute");
    for (auto& p : j["layers"])
      fmt::print("{:<10} {:>9} {:>7.1f}% {:>7.1f}% {:>9} {:>9}\n", p["name"].get<std::string>(),
                 p["cycles"].get<uint64_t>(), 100 * p["binary_busy"].get<double>(), 100 * p["fixed_busy"].get<double>(),
                 p["load_cycles"].get<uint64_t>(), p["compute_cycles"].get<uint64_t>());
    fmt::print("\ntotal {} cycles per image: {:.4f} ms at {} MHz, {:.0f} images/s\n", cycles, latency_ms, hw.clock_mhz,
               1e3 / latency_ms);
    fmt::print(
        "DSP48E2 slices: {} in logic mode (XNOR), {} multiplying ({} MAC lanes x {} + merge); structural "
        "logic share {:.1f} %\n",
        logic, mac, hw.lanes, hw.macs, 100.0 * logic / double(logic + mac));
    fmt::print("utilization: XNOR {:.1f} % of {} bits x {} lanes x cycles; int8 MACs {:.1f} %\n", 100 * xnor_util,
               48 * hw.wpl, hw.lanes, 100 * mac_util);
    fmt::print("co-simulation: {:.0f} simulated cycles/s\n", r["cycles_per_second"].get<double>());
    if (!a.trace.empty())
      fmt::print("waveform: {} (cycles {} to {})\n", a.trace, a.trace_from,
                 a.trace_to ? a.trace_to : a.trace_from + 10000);
    if (verified)
      fmt::print("verified: every layer of every image bit-exact with the golden model\n");
    else
      fmt::print("NOT verified: {}\n", job.value("mismatch", job.value("error", std::string("stopped"))));
  }
  return verified ? 0 : 3;
}

}  // namespace nb::cli
