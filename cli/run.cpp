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

#include "common.h"
#include "hw_options.h"
#include "perf_report.h"
#include "costs.h"
#include "neuroblend/describe.h"
#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/hw_config.h"
#include "neuroblend/npy.h"
#include "neuroblend/program.h"
#if NB_HAVE_RTL
#include "nb_built_configs.h"
#endif

namespace nb::cli {

namespace {

struct RunArgs {
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
struct Predictions {
  nlohmann::json rows = nlohmann::json::array();
  int labelled = 0, correct = 0;
};

Predictions predictions(const std::vector<Image>& images, const nlohmann::json& job) {
  Predictions p;
  const auto& pred = job.value("predictions", nlohmann::json::array());
  for (size_t k = 0; k < pred.size() && k < images.size(); ++k) {
    const Image& im = images[k];
    int rtl = pred[k].get<int>();
    nlohmann::json row = {{"image", k}, {"source", im.source}, {"rtl", rtl}};
    if (im.label >= 0) {
      row["label"] = im.label;
      ++p.labelled;
      p.correct += rtl == im.label;
    }
    p.rows.push_back(row);
  }
  return p;
}

void print_predictions(const Predictions& p, const std::vector<std::string>& names, bool all) {
  auto name = [&](int c) { return c >= 0 && size_t(c) < names.size() ? fmt::format("{} ({})", c, names[size_t(c)]) : std::to_string(c); };
  if (all || p.rows.size() <= 100) {
    fmt::print("{:>6}  {:<18} {:<18} {}\n", "image", "RTL prediction", "label", "source");
    for (const auto& r : p.rows)
      fmt::print("{:>6}  {:<18} {:<18} {}\n", r["image"].get<size_t>(), name(r["rtl"].get<int>()),
                 r.contains("label") ? name(r["label"].get<int>()) : std::string("-"), r["source"].get<std::string>());
  } else {
    fmt::print("predictions of {} images: --per-image lists them, --json has them\n", p.rows.size());
  }
  if (p.labelled)
    fmt::print("RTL accuracy: {}/{} labelled images ({:.2f} %)\n", p.correct, p.labelled,
               100.0 * p.correct / p.labelled);
}
RunArgs g_run;
CLI::App* g_run_app = nullptr;

}  // namespace

nlohmann::json cosimulate(const CompiledModel& cm, const std::vector<Image>& images, Hw& hw, const std::string& variant,
                          const CosimOptions& a) {
  return cosimulate_on(simulator_for(hw, variant), cm, images, hw, a);
}

nlohmann::json cosimulate_on(const std::string& sim, const CompiledModel& cm, const std::vector<Image>& images,
                             const Hw& hw, const CosimOptions& a) {
  static std::atomic<int> calls{0};
  namespace fs = std::filesystem;
  fs::path tmp = fs::temp_directory_path() / fmt::format("neuroblend-run-{}-{}", getpid(), calls++);
  fs::create_directories(tmp);
  std::string prog = (tmp / "program.nbp").string(), imgs = (tmp / "images.npy").string(),
              out = (tmp / "result.json").string();
  write_program(cm, prog);
  std::vector<uint8_t> px;
  for (auto& im : images) px.insert(px.end(), im.pixels.begin(), im.pixels.end());
  write_npy(imgs,
            NpyArray::from(px, {int64_t(images.size()), cm.input.h, cm.input.w, cm.input.c}));
  std::string cmd =
      fmt::format("{} --quiet --program {} --images {} --json {} --dram-latency {} --dram-bw {} --clock-mhz {}{}{}",
                  shell_quote(sim), shell_quote(prog), shell_quote(imgs), shell_quote(out), hw.dram_latency, hw.dram_bw,
                  hw.clock_mhz, a.no_dump ? " --no-dump" : "", a.progress ? " --progress" : "");
  if (!a.coverage.empty()) cmd += " --coverage " + shell_quote(a.coverage);
  if (a.check_estimate) cmd += " --check-estimate";
  if (a.stream_weights) cmd += " --stream-weights";
  if (!a.trace.empty())
    cmd += fmt::format(" --trace {} --trace-from {} --trace-to {}", shell_quote(fs::absolute(a.trace).string()),
                       a.trace_from, a.trace_to ? a.trace_to : a.trace_from + 10000);
  if (!a.timeline.empty())
    cmd += fmt::format(" --timeline {} --timeline-images {}", shell_quote(fs::absolute(a.timeline).string()),
                       a.timeline_images);
  int rc = std::system(cmd.c_str());
  nlohmann::json r;
  try {
    if (!fs::exists(out))
      throw Error(fmt::format("the co-simulator failed (exit status {}) before writing a result", rc));
    r = read_json_file(out, "co-simulator result");
  } catch (...) {
    fs::remove_all(tmp);
    throw;
  }
  fs::remove_all(tmp);

  return r;
}

namespace {

// `images` in shards of `shard` images, co-simulated `jobs` at a time (each
// a co-simulator process of its own), merged into one result: verified when
// every shard is, the predictions and per-image cycles in image order, the
// performance records of the first image; the first failing shard's
// mismatch or error, named by its images. No shard starts after a failure.
nlohmann::json cosimulate_sharded(const CompiledModel& cm, const std::vector<Image>& images, Hw& hw,
                                  const CosimOptions& co, int jobs, int shard) {
  const size_t n = images.size(), per = size_t(shard), shards = (n + per - 1) / per;
  if (jobs <= 1 && shards <= 1) return cosimulate(cm, images, hw, "", co);
  const std::string sim = simulator_for(hw, "");
  std::vector<nlohmann::json> results(shards);
  std::mutex mu;
  size_t next = 0, done_images = 0, done_shards = 0;
  bool failed = false;
  std::exception_ptr err;
  const auto t0 = std::chrono::steady_clock::now();
  auto worker = [&]() {
    for (;;) {
      size_t k;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (next == shards || failed || err) return;
        k = next++;
      }
      std::vector<Image> part(images.begin() + std::ptrdiff_t(k * per),
                              images.begin() + std::ptrdiff_t(std::min(n, (k + 1) * per)));
      CosimOptions c = co;
      c.progress = false;
      if (k) c.trace.clear(), c.timeline.clear();  // the waveform and the timeline: the first images
      try {
        nlohmann::json r = cosimulate_on(sim, cm, part, hw, c);
        std::lock_guard<std::mutex> lock(mu);
        results[k] = std::move(r);
        failed = failed || !results[k]["verified"].get<bool>();
        done_images += part.size(), ++done_shards;
        double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::cerr << fmt::format("co-simulated {}/{} images ({} of {} shards, {} at a time), {:.0f} s, about {:.0f} s "
                                 "left{}\n",
                                 done_images, n, done_shards, shards, jobs, el,
                                 el * double(n - done_images) / double(done_images),
                                 results[k]["verified"].get<bool>() ? "" : ": shard FAILED");
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!err) err = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::min<int>(jobs, int(shards)); ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (err) std::rethrow_exception(err);

  nlohmann::json m = results[0], job = results[0]["jobs"][0];
  bool verified = true;
  uint64_t cycles = 0;
  int count = 0;
  nlohmann::json preds = nlohmann::json::array(), totals = nlohmann::json::array();
  for (size_t k = 0; k < shards && !results[k].is_null(); ++k) {
    const nlohmann::json& j = results[k]["jobs"][0];
    verified = verified && results[k]["verified"].get<bool>();
    cycles += results[k].value("sim_cycles", uint64_t(0));
    count += j["images"].get<int>();
    for (auto& p : j["predictions"]) preds.push_back(p);
    for (auto& c : j["total_cycles"]) totals.push_back(c);
    for (const char* key : {"mismatch", "error"})
      if (j.contains(key) && !job.contains("shard_failed")) {
        job[key] = fmt::format("shard {} (images {} to {}): {}", k, k * per, std::min(n, (k + 1) * per) - 1,
                               j[key].get<std::string>());
        job["shard_failed"] = k;
      }
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  job["images"] = count, job["predictions"] = preds, job["total_cycles"] = totals;
  m["jobs"][0] = job;
  m["verified"] = verified && count == int(n);
  m["sim_cycles"] = cycles;
  m["wall_seconds"] = wall;
  m["cycles_per_second"] = double(cycles) / wall;  // all co-simulators together
  m["shards"] = shards;
  m["jobs_in_parallel"] = jobs;
  return m;
}

}  // namespace

std::vector<LayerPerf> perf_records(const nlohmann::json& r) {
  std::vector<LayerPerf> layers;
  const auto& job = r["jobs"][0];
  if (job.contains("perf") && !job["perf"].empty())
    for (auto& p : job["perf"][0]) {
      LayerPerf lp;
      lp.name = p["name"];
      lp.cycles = p["cycles"], lp.bin_busy = p["bin_busy"], lp.fix_busy = p["fix_busy"], lp.load = p["load"];
      lp.compute = p["compute"], lp.rd_beats = p["rd_beats"], lp.wr_beats = p["wr_beats"], lp.dump = p["dump"];
      layers.push_back(lp);
    }
  return layers;
}

void add_run(CLI::App& app, ModelOptions& o) {
  g_run_app = app.add_subcommand(
      "run", "Co-simulate the RTL accelerator on a model (checked against the golden model) and report cycles");
  o.add_compiled(g_run_app);
  g_run.in.add(g_run_app, o);
  g_run_app->add_option("--images", g_run.images, "Number of images: the first N of the input, or N seeded synthetic images")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  g_run_app->add_option("--input-seed", g_run.input_seed, "Seed of the synthetic images")->capture_default_str();
  add_hw_options(g_run_app, g_run.hw);
  g_run_app->add_option("--device", g_run.device, "Target device for the resource and power figures (data/devices.json)")
      ->capture_default_str();
  g_run_app->add_option("--trace", g_run.trace, "Write a waveform (.fst, e.g. for GTKWave) of a cycle window");
  g_run_app->add_option("--trace-from", g_run.trace_from, "First cycle of the waveform window (default 0)");
  g_run_app->add_option("--trace-to", g_run.trace_to, "Last cycle of the waveform window (default from + 10000)");
  g_run_app->add_option("--timeline", g_run.timeline,
                        "Write a timeline (Chrome trace-event .json, for the Perfetto UI) of the engines' busy, "
                        "load and memory intervals per layer and tile");
  g_run_app->add_option("--timeline-images", g_run.timeline_images, "Images the timeline covers (the first N)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  g_run_app->add_option("--jobs", g_run.jobs,
                        "Co-simulators run side by side on shards of --shard-images images (e.g. the cores), merged")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  g_run_app->add_option("--shard-images", g_run.shard_images, "Images per shard with --jobs")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  g_run_app->add_flag("--per-image", g_run.per_image, "List every image's prediction (text output; always in --json)");
  g_run_app->add_flag("--no-dump", g_run.no_dump,
                      "Check only the logits (faster; a mismatch is then found at the last layer)");
  g_run_app->add_flag("--stream-weights", g_run.stream_weights,
                      "Load every tile's weights for every image, even when the model's weights fit the lanes' weight "
                      "memories (by default they stay on chip after the first image)");
}

int run_run(const ModelOptions& o) {
  const RunArgs& a = g_run;
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
  nlohmann::json r = cosimulate_sharded(cm, images, hw, co, a.jobs, a.shard_images);

  const auto& job = r["jobs"][0];
  bool verified = r["verified"].get<bool>();
  std::vector<LayerPerf> layers = perf_records(r);
  nlohmann::json j = perf_json(spec, l.params_source, hw, layers, job["images"].get<int>());
  uint64_t cycles = j["total_cycles"];
  // a later image: the second of the first shard (each shard's first image loads the weights)
  const bool later_known = job["total_cycles"].size() > 1 && (r.value("shards", 1) <= 1 || a.shard_images >= 2);
  add_weights_json(j, weight_slots(cm, hw), job.value("weights_resident", false), a.stream_weights,
                   later_known ? job["total_cycles"][1].get<uint64_t>() : 0);
  Costs c = costs(load_cost_data(), cm, hw, layers, cycles, a.device);
  add_costs_json(j, c);
  j["verified"] = verified;
  j["sim_cycles_per_second"] = r["cycles_per_second"];
  if (job.contains("mismatch")) j["mismatch"] = job["mismatch"];
  if (job.contains("error")) j["error"] = job["error"];
  Predictions pr = predictions(images, job);
  j["predictions"] = pr.rows;
  if (pr.labelled) {
    j["labelled"] = pr.labelled;
    j["rtl_accuracy"] = double(pr.correct) / pr.labelled;
  }
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    print_perf(j);
    print_costs(c);
    print_predictions(pr, a.in.class_names(), a.per_image);
    fmt::print("co-simulation: {:.0f} simulated cycles/s\n", r["cycles_per_second"].get<double>());
    if (!a.trace.empty())
      fmt::print("waveform: {} (cycles {} to {})\n", a.trace, a.trace_from,
                 a.trace_to ? a.trace_to : a.trace_from + 10000);
    if (!a.timeline.empty())
      fmt::print("timeline: {} ({} of {} image(s); open it in the Perfetto UI)\n", a.timeline,
                 std::min<int64_t>(a.timeline_images, job["images"].get<int64_t>()), job["images"].get<int64_t>());
    if (verified)
      fmt::print("verified: every layer of every image bit-exact with the golden model\n");
    else
      fmt::print("NOT verified: {}\n", job.value("mismatch", job.value("error", std::string("stopped"))));
  }
  return verified ? 0 : 3;
}

}  // namespace nb::cli
