// `neuroblend power`: power from switching activity measured in the RTL
// co-simulation (Verilator toggle coverage) times energy coefficients;
// --save-rates stores the activity per operation for estimate, sweep and report.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "command.h"
#include "hw_options.h"
#include "neuroblend/cosim/runner.h"
#include "neuroblend/perfmodel/costs.h"
#include "neuroblend/report/cost_stats.h"
#include "neuroblend/describe.h"
#include "neuroblend/error.h"
#include "neuroblend/perfmodel/cycle_model.h"
#include "neuroblend/report/perf_stats.h"

namespace nb::cli {

namespace fs = std::filesystem;

namespace {

struct PowerArgs {
  ModelOptions o;
  HwArgs hw;
  std::string device = "xczu3eg", coeffs;
  int images = 1;
  bool compare = false, save = false;
};

struct Measured {
  Hw hw;
  std::vector<LayerPerf> layers;
  uint64_t cycles = 0;
  Activity act;
  Costs costs;
};

Measured measure(const CompiledModel& cm, Hw hw, const std::vector<Image>& images, const CostData& d,
                 const std::string& device) {
  Measured m;
  fs::path cov = fs::temp_directory_path() / fmt::format("neuroblend-cov-{}.dat", getpid());
  CosimOptions co;
  co.no_dump = true;
  co.check_estimate = true;
  co.coverage = cov.string();
  CosimResult r = cosimulate(cm, images, hw, "_act", co);
  if (!r.verified) throw Error(fmt::format("the co-simulation on {} did not verify: {}", hw.name, r.failure()));
  m.hw = hw;
  m.layers = r.layers;
  for (auto& p : m.layers) m.cycles += p.cycles;
  m.act = activity_from_coverage(cov.string(), int(images.size()));
  fs::remove(cov);
  m.costs = costs(d, cm, hw, m.layers, m.cycles, device, &m.act);
  return m;
}

// The XNOR units' own power: their toggles plus the clock of their
// flip-flops: the LUT variant's operand and result registers (rtl/nb_dsp_xnor.sv
// Impl = 0: A:B and P, 48 bits each; C is the weight memory's read register),
// none in the DSP48E2, whose registers are inside the slice.
double xnor_path_w(const CostData& d, const Measured& m) {
  double ffs = m.hw.xnor_dsp ? 0.0 : 2.0 * 48.0 * m.hw.lanes * m.hw.wpl;
  return m.costs.power.xnor_w + clock_power_w(ffs, m.hw.clock_mhz, d.power);
}

}  // namespace

int run_power(const PowerArgs& args);

Command add_power(CLI::App& app) {
  auto args = std::make_shared<PowerArgs>();
  ModelOptions& o = args->o;
  auto* c = app.add_subcommand(
      "power", "Power from switching activity measured in the RTL co-simulation (toggle coverage) x energy coefficients");
  o.add_compiled(c);
  add_hw_options(c, args->hw);
  c->add_option("--device", args->device, "Target device (data/devices.json)")->capture_default_str();
  c->add_option("--images", args->images, "Images to simulate")->check(CLI::Range(1, 1000))->capture_default_str();
  c->add_option("--power-coeffs", args->coeffs, "Energy coefficients (default data/power.json)")
      ->check(CLI::ExistingFile);
  c->add_flag("--compare-xnor", args->compare,
              "Also measure the same sizes with the other XNOR implementation (DSP48E2 vs LUT) and give the ratio");
  c->add_flag("--save-rates", args->save,
              "Store the measured per-operation activity in data/activity.json (used by estimate, sweep, report)");
  return {c, &args->o, [args] { return run_power(*args); }};
}

int run_power(const PowerArgs& args) {
  const ModelOptions& o = args.o;
  Hw hw = resolve_hw(args.hw);
  Loaded l = load(o);
  CompiledModel cm = compile_with(o, l);
  check_fits(cm, hw);
  CostData d = load_cost_data(args.coeffs);
  auto images = synthetic_images(l.spec.input.shape, args.images, 100);
  std::vector<Measured> runs{measure(cm, hw, images, d, args.device)};
  if (args.compare) runs.push_back(measure(cm, twin_xnor(hw), images, d, args.device));
  nlohmann::json j;
  j["model"] = l.spec.name;
  j["params"] = l.params_source;
  j["device"] = args.device;
  j["power_coeffs"] = d.power.file;
  for (auto& m : runs) {
    nlohmann::json r;
    r["config"] = hw_json(m.hw);
    r["total_cycles"] = m.cycles;
    add_costs_json(r, m.costs);
    j["runs"].push_back(r);
  }
  // --compare: LUT-XNOR over DSP-XNOR power, in total, dynamic, and on the XNOR path
  struct Ratio {
    double total, dynamic, xnor_path;
  };
  std::optional<Ratio> ratio;
  if (runs.size() == 2) {
    const Measured& dsp = runs[0].hw.xnor_dsp ? runs[0] : runs[1];
    const Measured& lut = runs[0].hw.xnor_dsp ? runs[1] : runs[0];
    ratio = Ratio{lut.costs.power.total_w / dsp.costs.power.total_w,
                  lut.costs.power.dynamic_w / dsp.costs.power.dynamic_w, xnor_path_w(d, lut) / xnor_path_w(d, dsp)};
    j["lut_over_dsp"] = {{"total", ratio->total},
                         {"dynamic", ratio->dynamic},
                         {"xnor_path", ratio->xnor_path},
                         {"published_claim", kPaperPowerRatio}};
  }
  if (args.save) {
    // data/activity.json as it is now (read strictly: another run may have
    // saved its model meanwhile), this model's entry added or replaced
    ActivityRates file = load_activity_file(d.activity_file);
    const Measured& m = runs[0];
    file.models[l.spec.name] = {m.hw.name, l.params_source, args.images,
                                activity_rates(m.act, op_counts(cm, m.hw, m.layers))};
    save_activity_file(d.activity_file, file);
    j["saved_rates"] = shown_path(d.activity_file);
  }
  if (o.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("{} ({}), {} image(s), device {}, coefficients {}\n", l.spec.name, l.params_source, args.images,
             args.device, d.power.file);
  for (auto& m : runs) {
    fmt::print("\nconfiguration {} (XNOR in {}): {} cycles per image\n", m.hw.name, m.hw.xnor_dsp ? "DSP48E2" : "LUTs",
               m.cycles);
    print_costs(m.costs);
  }
  if (ratio)
    fmt::print(
        "\nLUT-XNOR / DSP-XNOR power: total {:.2f}x, dynamic {:.2f}x, XNOR path (XNOR toggles + the clock of the XNOR "
        "units' flip-flops) {:.2f}x; published "
        "claim {:.1f}x. The ratio follows from data/power.json's coefficients (see their derivation).\n",
        ratio->total, ratio->dynamic, ratio->xnor_path, kPaperPowerRatio);
  if (args.save) fmt::print("activity rates saved to {}\n", shown_path(d.activity_file));
  return 0;
}

}  // namespace nb::cli
