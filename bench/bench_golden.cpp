// Golden-model throughput, single thread, against the float Eigen reference of
// the same network in the same run (the machines are shared and noisy, so the
// ratio is the figure to compare across runs).
//
//   bench_golden [MODEL...] [--images N] [--repeat R]
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "neuroblend/compiler.h"
#include "neuroblend/float_model.h"
#include "neuroblend/golden.h"
#include "neuroblend/image.h"

using namespace nb;

namespace {
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> models;
  int images = 32, repeat = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--images") && i + 1 < argc)
      images = std::stoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
      repeat = std::stoi(argv[++i]);
    else
      models.push_back(argv[i]);
  }
  if (models.empty()) models = {"neuroblend-20", "neuroblend-18"};
  fmt::print("{:<14} {:>7} {:>14} {:>12} {:>14} {:>12} {:>9}\n", "model", "images", "golden ms/img", "golden img/s",
             "float ms/img", "float img/s", "speedup");
  for (auto& name : models) {
    ModelSpec m = load_model(name);
    Params p = random_params(m, 1);
    CompiledModel cm = compile(m, p);
    GoldenModel g(cm);
    auto imgs = synthetic_images(m.input.shape, images, 100);
    int64_t sink = 0;
    double best_g = 1e30, best_f = 1e30;
    for (int r = 0; r < repeat; ++r) {  // interleaved, best of R for each
      double t0 = now();
      for (auto& img : imgs) sink += g.run(img, false).prediction;
      best_g = std::min(best_g, now() - t0);
      t0 = now();
      for (auto& img : imgs) sink += argmax(float_forward(m, p, img).back().data.data(), m.classes);
      best_f = std::min(best_f, now() - t0);
    }
    double gms = 1e3 * best_g / images, fms = 1e3 * best_f / images;
    fmt::print("{:<14} {:>7} {:>14.3f} {:>12.0f} {:>14.3f} {:>12.0f} {:>8.1f}x   (checksum {})\n", name, images, gms,
               1e3 / gms, fms, 1e3 / fms, fms / gms, sink);
  }
  return 0;
}
