#include "neuroblend/cosim/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <regex>
#include <thread>

#include "neuroblend/cosim/process.h"
#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/npy.h"
#include "neuroblend/compiler/program.h"
#if NB_HAVE_RTL
#include "nb_built_configs.h"
#endif

namespace nb {

#if NB_HAVE_RTL
namespace {
// What a build's log shows as progress: CMake's steps (as scripts/build.sh
// prints them) and Verilator runs at configure time.
const std::regex& build_progress() {
  static const std::regex r(R"(^\[ *[0-9]+%\] (Building|Linking)|^-- Executing Verilator)");
  return r;
}
// One attempt: after an RTL change the build configures again first and
// re-verilates there, so the generated files it compiles are the new ones
// (CMakeLists.txt, NB_RTL_SHA1).
bool build_once(const std::string& cmd, const std::string& log, bool append) {
  return run_logged(cmd, log, append, build_progress(), "build") == 0;
}
}  // namespace
#endif

// The co-simulator binary for `hw`: a configuration of this build, or one
// verilated now (once) into build/rtl-configs/<key>.
std::string simulator_for(Hw& hw, const std::string& variant) {
#if NB_HAVE_RTL
  for (auto& c : kNbBuiltConfigs)
    if (c.same_hardware(hw)) {
      hw.name = c.name;
      std::string exe = std::string(NB_BINARY_DIR) + "/sim/nb_rtl_" + c.name + variant;
      if (!variant.empty()) {  // built on demand in this build tree, then up to date
        std::string log = std::string(NB_BINARY_DIR) + "/nb_rtl_" + c.name + variant + ".log";
        std::cerr << fmt::format("neuroblend: co-simulator {} (built once; log {})\n", exe, log);
        std::string cmd =
            fmt::format("cmake --build {} --target nb_rtl_{}{} -j 2", shell_quote(NB_BINARY_DIR), c.name, variant);
        if (!build_once(cmd, log, false)) throw Error(fmt::format("building {} failed; see {}", exe, log));
      }
      return exe;
    }
  hw.name = hw.key();
  std::string dir = std::string(NB_BINARY_DIR) + "/rtl-configs/" + hw.name;
  std::string exe = dir + "/sim/nb_rtl_" + hw.name + variant;
  std::string cfg = fmt::format("{} {} {} {} {} {} {} {} {} {}", hw.name, hw.lanes, hw.wpl, hw.macs, hw.xnor_dsp,
                                hw.act_bytes, hw.max_kw, hw.max_fix_entries, hw.max_classes, hw.merge());
  // cmake --build is a no-op when the model is up to date, and rebuilds it
  // when the RTL or the harness changed: never a stale model.
  std::cerr << fmt::format("neuroblend: co-simulator for configuration {} (built once into {})\n", hw.name, dir);
  std::string cmd = fmt::format(
      "cmake -S {} -B {} -DCMAKE_BUILD_TYPE=Release -DNB_BUILD_TESTS=OFF -DNB_BUILD_BENCH=OFF "
      "-DNB_RTL_CONFIGS_OVERRIDE={} && cmake --build {} --target nb_rtl_{}{} -j 2",
      shell_quote(NB_SOURCE_DIR), shell_quote(dir), shell_quote(cfg), shell_quote(dir), hw.name, variant);
  std::filesystem::create_directories(dir);
  if (!build_once(cmd, dir + ".log", false))
    throw Error(fmt::format("building the co-simulator for configuration {} failed; see {}.log", hw.name, dir));
  return exe;
#else
  (void)hw;
  throw Error("this build has no RTL co-simulation (configured with -DNB_BUILD_RTL=OFF)");
#endif
}

std::string CosimResult::failure() const {
  return !mismatch.empty() ? mismatch : !error.empty() ? error : "stopped";
}

CosimResult parse_cosim_result(const nlohmann::json& j, const std::string& where) {
  auto need = [&](const nlohmann::json& o, const char* key, bool (nlohmann::json::*kind)() const noexcept,
                  const std::string& in) -> const nlohmann::json& {
    if (!o.is_object() || !o.contains(key) || !(o[key].*kind)())
      throw Error(fmt::format("{}: {}'{}' missing or of the wrong kind", where, in, key));
    return o[key];
  };
  const auto& jobs = need(j, "jobs", &nlohmann::json::is_array, "");
  if (jobs.size() != 1) throw Error(fmt::format("{}: {} jobs, one expected", where, jobs.size()));
  const auto& job = jobs[0];
  CosimResult r;
  r.verified = need(j, "verified", &nlohmann::json::is_boolean, "").get<bool>();
  r.sim_cycles = need(j, "sim_cycles", &nlohmann::json::is_number_unsigned, "").get<uint64_t>();
  r.wall_seconds = need(j, "wall_seconds", &nlohmann::json::is_number, "").get<double>();
  r.cycles_per_second = need(j, "cycles_per_second", &nlohmann::json::is_number, "").get<double>();
  r.images = need(job, "images", &nlohmann::json::is_number_integer, "jobs[0].").get<int>();
  r.weights_resident = need(job, "weights_resident", &nlohmann::json::is_boolean, "jobs[0].").get<bool>();
  r.error_code = need(job, "error_code", &nlohmann::json::is_number_integer, "jobs[0].").get<int>();
  r.image_cycles = need(job, "total_cycles", &nlohmann::json::is_array, "jobs[0].").get<std::vector<uint64_t>>();
  r.predictions = need(job, "predictions", &nlohmann::json::is_array, "jobs[0].").get<std::vector<int>>();
  if (job.contains("mismatch")) r.mismatch = need(job, "mismatch", &nlohmann::json::is_string, "jobs[0].");
  if (job.contains("error")) r.error = need(job, "error", &nlohmann::json::is_string, "jobs[0].");
  if (job.contains("perf") && !job["perf"].empty())
    for (const auto& p : job["perf"][0]) r.layers.push_back(layer_perf_from_json(p, where));
  return r;
}

CosimResult cosimulate(const CompiledModel& cm, const std::vector<Image>& images, Hw& hw, const std::string& variant,
                       const CosimOptions& a) {
  return cosimulate_on(simulator_for(hw, variant), cm, images, hw, a);
}

CosimResult cosimulate_on(const std::string& sim, const CompiledModel& cm, const std::vector<Image>& images,
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
  CosimResult r;
  try {
    if (!fs::exists(out))
      throw Error(fmt::format("the co-simulator failed (exit status {}) before writing a result", rc));
    r = parse_cosim_result(read_json_file(out, "co-simulator result"), "the co-simulator's result");
  } catch (...) {
    fs::remove_all(tmp);
    throw;
  }
  fs::remove_all(tmp);
  return r;
}

CosimResult cosimulate_sharded(const CompiledModel& cm, const std::vector<Image>& images, Hw& hw,
                               const CosimOptions& co, int jobs, int shard) {
  const size_t n = images.size(), per = size_t(shard), shards = (n + per - 1) / per;
  if (jobs <= 1 && shards <= 1) return cosimulate(cm, images, hw, "", co);
  const std::string sim = simulator_for(hw, "");
  std::vector<CosimResult> results(shards);
  std::vector<bool> ran(shards, false);
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
        CosimResult r = cosimulate_on(sim, cm, part, hw, c);
        std::lock_guard<std::mutex> lock(mu);
        results[k] = std::move(r);
        ran[k] = true;
        failed = failed || !results[k].verified;
        done_images += part.size(), ++done_shards;
        double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::cerr << fmt::format("co-simulated {}/{} images ({} of {} shards, {} at a time), {:.0f} s, about {:.0f} s "
                                 "left{}\n",
                                 done_images, n, done_shards, shards, jobs, el,
                                 el * double(n - done_images) / double(done_images),
                                 results[k].verified ? "" : ": shard FAILED");
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

  // the first shard's records and residency; every shard's images in order
  CosimResult m = results[0];
  m.images = 0, m.predictions.clear(), m.image_cycles.clear(), m.sim_cycles = 0;
  m.mismatch.clear(), m.error.clear(), m.error_code = 0;
  bool verified = true, named = false;
  for (size_t k = 0; k < shards && ran[k]; ++k) {
    const CosimResult& s = results[k];
    verified = verified && s.verified;
    m.sim_cycles += s.sim_cycles;
    m.images += s.images;
    m.predictions.insert(m.predictions.end(), s.predictions.begin(), s.predictions.end());
    m.image_cycles.insert(m.image_cycles.end(), s.image_cycles.begin(), s.image_cycles.end());
    if (!named && (!s.mismatch.empty() || !s.error.empty())) {
      const std::string which = fmt::format("shard {} (images {} to {}): ", k, k * per, std::min(n, (k + 1) * per) - 1);
      if (!s.mismatch.empty()) m.mismatch = which + s.mismatch;
      if (!s.error.empty()) m.error = which + s.error;
      m.error_code = s.error_code;
      named = true;
    }
  }
  m.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.verified = verified && m.images == int(n);
  m.cycles_per_second = double(m.sim_cycles) / m.wall_seconds;  // all co-simulators together
  m.shards = shards;
  m.jobs_in_parallel = jobs;
  return m;
}

}  // namespace nb
