// Golden-model throughput, single thread, on every kernel path the CPU runs
// (or those given), against the float Eigen reference of the same network in
// the same run (the machines are shared and noisy, so the ratio is the figure
// to compare across runs). Wall time and the thread's CPU time (which leaves
// out the time the thread waited for a core) are both the best of R.
//
//   bench_golden [MODEL...] [--images N] [--repeat R] [--kernels PATH,...]
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/error.h"
#include "neuroblend/float_model.h"
#include "neuroblend/compiler/golden.h"
#include "neuroblend/image.h"

using namespace nb;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double thread_cpu() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

int main(int argc, char** argv) try {
  std::vector<std::string> models, paths;
  int images = 32, repeat = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--images") && i + 1 < argc) {
      images = std::stoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) {
      repeat = std::stoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--kernels") && i + 1 < argc) {
      std::stringstream ss(argv[++i]);
      for (std::string p; std::getline(ss, p, ',');) paths.push_back(p);
    } else {
      models.push_back(argv[i]);
    }
  }
  if (models.empty()) models = {"neuroblend-20", "neuroblend-18"};
  if (paths.empty()) paths = kernel_isas();
  for (auto& p : paths) set_kernel_isa(p);  // an unknown or unsupported path stops here
  set_kernel_isa("auto");
  fmt::print("CPU: {}; kernel paths it runs: {} (auto: {})\n", cpu_model(), join(kernel_isas()), kernel_isa());
  fmt::print("{:<14} {:<9} {:>6} {:>14} {:>14} {:>12} {:>13} {:>9}\n", "model", "kernels", "images", "golden ms/img",
             "golden cpu ms", "golden img/s", "float ms/img", "speedup");
  for (auto& name : models) {
    ModelSpec m = load_model(name);
    Params p = random_params(m, 1);
    CompiledModel cm = compile(m, p);
    GoldenModel g(cm);
    auto imgs = synthetic_images(m.input.shape, images, 100);
    std::vector<std::vector<int>> predictions(paths.size());
    std::vector<double> best_g(paths.size(), 1e30), best_c(paths.size(), 1e30);
    double best_f = 1e30;
    for (int r = 0; r < repeat; ++r) {  // interleaved, best of R for each
      for (size_t k = 0; k < paths.size(); ++k) {
        set_kernel_isa(paths[k]);
        std::vector<int> pred;
        const double t0 = now(), c0 = thread_cpu();
        for (auto& img : imgs) pred.push_back(g.run(img, false).prediction);
        best_c[k] = std::min(best_c[k], thread_cpu() - c0);
        best_g[k] = std::min(best_g[k], now() - t0);
        predictions[k] = pred;
      }
      const double t0 = now();
      for (auto& img : imgs) float_forward(m, p, img);
      best_f = std::min(best_f, now() - t0);
    }
    const double fms = 1e3 * best_f / images;
    for (size_t k = 0; k < paths.size(); ++k) {
      const double gms = 1e3 * best_g[k] / images, cms = 1e3 * best_c[k] / images;
      fmt::print("{:<14} {:<9} {:>6} {:>14.3f} {:>14.3f} {:>12.0f} {:>13.3f} {:>8.1f}x\n", name, paths[k], images, gms,
                 cms, 1e3 / gms, fms, fms / gms);
      if (predictions[k] != predictions[0]) {
        fmt::print(stderr, "bench_golden: {}: the {} path predicts differently from the {} path\n", name, paths[k],
                   paths[0]);
        return 1;
      }
    }
    if (paths.size() > 1) fmt::print("{:<14} the same predictions on every path\n", "");
  }
  return 0;
} catch (const Error& e) {
  fmt::print(stderr, "bench_golden: {}\n", e.what());
  return 2;
}
