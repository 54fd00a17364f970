// `neuroblend run`: compile a model, co-simulate images on a hardware
// configuration (the verilated RTL under SystemC, checked layer by layer
// against the golden model), and report cycles, utilization and DSP use.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "command.h"
#include "neuroblend/cosim/runner.h"
#include "hw_options.h"
#include "neuroblend/report/perf_stats.h"
#include "neuroblend/perfmodel/costs.h"
#include "neuroblend/report/cost_stats.h"
#include "neuroblend/describe.h"
#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/npy.h"
#include "neuroblend/compiler/program.h"
#if NB_HAVE_RTL
#include "nb_built_configs.h"
#endif

namespace nb::cli {

namespace {

struct RunArgs {
  ModelOptions o;
  HwArgs hw;
  std::string device = "xczu3eg";
  int images = 1;
  InputArgs in;
  uint64_t input_seed = 100;
  bool no_dump = false, stream_weights = false;
  std::string trace;
  uint64_t trace_from = 0, trace_to = 0;
  std::string timeline;
  int timeline_images = 1;
  bool per_image = false;
  int jobs = 1, shard_images = 100;
};

// Each image's RTL prediction (the argmax of the logits it wrote) and label;
// the RTL's accuracy over the labelled images.
struct Prediction {
  size_t image = 0;
  std::string source;
  int rtl = 0, label = -1;  // label -1: none
};
struct Predictions {
  std::vector<Prediction> rows;
  int labelled = 0, correct = 0;
};

Predictions predictions(const std::vector<Image>& images, const CosimResult& r) {
  Predictions p;
  for (size_t k = 0; k < r.predictions.size() && k < images.size(); ++k) {
    const Image& im = images[k];
    p.rows.push_back({k, im.source, r.predictions[k], im.label});
    if (im.label >= 0) {
      ++p.labelled;
      p.correct += r.predictions[k] == im.label;
    }
  }
  return p;
}

nlohmann::json to_json(const std::vector<Prediction>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json row = {{"image", r.image}, {"source", r.source}, {"rtl", r.rtl}};
    if (r.label >= 0) row["label"] = r.label;
    out.push_back(row);
  }
  return out;
}

void print_predictions(const Predictions& p, const std::vector<std::string>& names, bool all) {
  auto name = [&](int c) { return c >= 0 && size_t(c) < names.size() ? fmt::format("{} ({})", c, names[size_t(c)]) : std::to_string(c); };
  if (all || p.rows.size() <= 100) {
    fmt::print("{:>6}  {:<18} {:<18} {}\n", "image", "RTL prediction", "label", "source");
    for (const auto& r : p.rows)
      fmt::print("{:>6}  {:<18} {:<18} {}\n", r.image, name(r.rtl), r.label >= 0 ? name(r.label) : std::string("-"),
                 r.source);
  } else {
    fmt::print("predictions of {} images: --per-image lists them, --json has them\n", p.rows.size());
  }
  if (p.labelled)
    fmt::print("RTL accuracy: {}/{} labelled images ({:.2f} %)\n", p.correct, p.labelled,
               100.0 * p.correct / p.labelled);
}

}  // namespace

int run_run(const RunArgs& args);

Command add_run(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  ModelOptions& o = args->o;
  auto* c = app.add_subcommand(
      "run", "Co-simulate the RTL accelerator on a model (checked against the golden model) and report cycles");
  o.add_compiled(c);
  args->in.add(c, o);
  c->add_option("--images", args->images, "Number of images: the first N of the input, or N seeded synthetic images")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  c->add_option("--input-seed", args->input_seed, "Seed of the synthetic images")->capture_default_str();
  add_hw_options(c, args->hw);
  c->add_option("--device", args->device, "Target device for the resource and power figures (data/devices.json)")
      ->capture_default_str();
  c->add_option("--trace", args->trace, "Write a waveform (.fst, e.g. for GTKWave) of a cycle window");
  c->add_option("--trace-from", args->trace_from, "First cycle of the waveform window (default 0)");
  c->add_option("--trace-to", args->trace_to, "Last cycle of the waveform window (default from + 10000)");
  c->add_option("--timeline", args->timeline,
                        "Write a timeline (Chrome trace-event .json, for the Perfetto UI) of the engines' busy, "
                        "load and memory intervals per layer and tile");
  c->add_option("--timeline-images", args->timeline_images, "Images the timeline covers (the first N)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  c->add_option("--jobs", args->jobs,
                        "Co-simulators run side by side on shards of --shard-images images (e.g. the cores), merged")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  c->add_option("--shard-images", args->shard_images, "Images per shard with --jobs")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  c->add_flag("--per-image", args->per_image, "List every image's prediction (text output; always in --json)");
  c->add_flag("--no-dump", args->no_dump,
                      "Check only the logits (faster; a mismatch is then found at the last layer)");
  c->add_flag("--stream-weights", args->stream_weights,
                      "Load every tile's weights for every image, even when the model's weights fit the lanes' weight "
                      "memories (by default they stay on chip after the first image)");
  return {c, &args->o, [args] { return run_run(*args); }};
}

int run_run(const RunArgs& args) {
  const ModelOptions& o = args.o;
  const RunArgs& a = args;
  Hw hw = resolve_hw(a.hw);
  ModelSpec spec = load_model(o.model);
  std::vector<Image> images = a.in.given() ? a.in.read(o, spec, a.images)
                                            : synthetic_images(spec.input.shape, a.images, a.input_seed);
  if (images.empty()) throw Error("run: no images");
  Loaded l = load(o, spec);
  CompiledModel cm = compile_with(o, l);
  // Refuse a model the configuration cannot run before building a simulator.
  hw.name = hw.key();
  check_fits(cm, hw);
  CosimOptions co;
  co.no_dump = a.no_dump;
  co.stream_weights = a.stream_weights;
  co.progress = images.size() > 1 && isatty(2);
  co.trace = a.trace, co.trace_from = a.trace_from, co.trace_to = a.trace_to;
  co.timeline = a.timeline, co.timeline_images = a.timeline_images;
  CosimResult r = cosimulate_sharded(cm, images, hw, co, a.jobs, a.shard_images);

  PerfStats st = perf_stats(spec, l.params_source, hw, r.layers, r.images);
  const uint64_t cycles = st.total_cycles;
  // a later image: the second of the first shard (each shard's first image loads the weights)
  const bool later_known = r.image_cycles.size() > 1 && (r.shards <= 1 || a.shard_images >= 2);
  st.weights = weights_stats(weight_slots(cm, hw), r.weights_resident, a.stream_weights,
                             later_known ? r.image_cycles[1] : 0);
  nlohmann::json j = to_json(st);
  Costs c = costs(load_cost_data(), cm, hw, r.layers, cycles, a.device);
  add_costs_json(j, c);
  j["verified"] = r.verified;
  j["sim_cycles_per_second"] = r.cycles_per_second;
  if (!r.mismatch.empty()) j["mismatch"] = r.mismatch;
  if (!r.error.empty()) j["error"] = r.error;
  Predictions pr = predictions(images, r);
  j["predictions"] = to_json(pr.rows);
  if (pr.labelled) {
    j["labelled"] = pr.labelled;
    j["rtl_accuracy"] = double(pr.correct) / pr.labelled;
  }
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    print_perf(st);
    print_costs(c);
    print_predictions(pr, a.in.class_names(), a.per_image);
    fmt::print("co-simulation: {:.0f} simulated cycles/s\n", r.cycles_per_second);
    if (!a.trace.empty())
      fmt::print("waveform: {} (cycles {} to {})\n", a.trace, a.trace_from,
                 a.trace_to ? a.trace_to : a.trace_from + 10000);
    if (!a.timeline.empty())
      fmt::print("timeline: {} ({} of {} image(s); open it in the Perfetto UI)\n", a.timeline,
                 std::min(a.timeline_images, r.images), r.images);
    if (r.verified)
      fmt::print("verified: every layer of every image bit-exact with the golden model\n");
    else
      fmt::print("NOT verified: {}\n", r.failure());
  }
  return r.verified ? 0 : 3;
}

}  // namespace nb::cli
