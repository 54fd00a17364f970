// nb_cosim_<config>: co-simulates a model on one hardware configuration and
// prints a JSON summary; exit 0 only when every layer of every image matched
// the golden model. Used by the tests; `neuroblend run` is the user command.
//   nb_cosim_X MODEL [--images N] [--seed S] [--input-seed S] [--calib N]
//              [--corrupt-layer NAME] [--dram-latency C] [--dram-bw B]
#include <fmt/format.h>

#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "neuroblend/compiler.h"
#include "neuroblend/error.h"
#include "neuroblend/image.h"
#include "neuroblend/program.h"
#include "rtl_sim.h"

using namespace nb;



int main(int argc, char** argv) {
  try {
    if (argc < 2) throw Error("usage: nb_cosim MODEL [options]");
    std::string model = argv[1], corrupt;
    int images = 2, calib = 8;
    uint64_t seed = 1, input_seed = 100;
    sim::RunOptions opt;
    for (int i = 2; i < argc; ++i) {
      std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw Error("missing value after " + a);
        return argv[++i];
      };
      if (a == "--images") images = std::stoi(next());
      else if (a == "--seed") seed = std::stoull(next());
      else if (a == "--input-seed") input_seed = std::stoull(next());
      else if (a == "--calib") calib = std::stoi(next());
      else if (a == "--corrupt-layer") corrupt = next();
      else if (a == "--dram-latency") opt.dram_latency = std::stoi(next());
      else if (a == "--dram-bw") opt.dram_bytes_per_cycle = std::stod(next());
      else throw Error("unknown option " + a);
    }
    ModelSpec m = load_model(model);
    CompileOptions co;
    co.calib_images = calib;
    CompiledModel cm = compile(m, random_params(m, seed, calib), co);
    if (!corrupt.empty()) {  // flip one bit of the layer's first weight in DRAM
      auto bytes = serialize_program(cm);
      for (size_t i = 0; i < cm.layers.size(); ++i)
        if (cm.layers[i].name == corrupt) {
          uint32_t d0 = 64 + uint32_t(i) * kDescWords * 4, image = 0, off = 0;
          std::memcpy(&image, &bytes[28], 4);
          std::memcpy(&off, &bytes[d0 + (cm.layers[i].kbin ? 16 : 17) * 4], 4);
          opt.corrupt_offset = int64_t(image) + off;
        }
      if (opt.corrupt_offset < 0) throw Error("no layer named " + corrupt);
    }
    auto imgs = synthetic_images(m.input.shape, images, input_seed);
    sim::RtlResult r = sim::run_rtl(cm, imgs, opt);
    nlohmann::json j;
    j["config"] = sim::built_config().name;
    j["model"] = m.name;
    j["verified"] = r.verified;
    j["images"] = r.images;
    j["total_cycles"] = r.total_cycles;
    j["sim_cycles"] = r.sim_cycles;
    j["wall_seconds"] = r.wall_seconds;
    j["cycles_per_second"] = double(r.sim_cycles) / r.wall_seconds;
    if (r.mismatch) j["mismatch"] = r.mismatch->str();
    if (!r.error.empty()) j["error"] = r.error;
    if (!r.perf.empty())
      for (auto& p : r.perf[0]) j["layers"].push_back({{"name", p.name}, {"cycles", p.cycles}, {"bin_busy", p.bin_busy},
                                                       {"fix_busy", p.fix_busy}, {"load", p.load}});
    std::cout << j.dump(2) << "\n";
    if (r.mismatch) std::cerr << "MISMATCH: " << r.mismatch->str() << "\n";
    if (!r.error.empty()) std::cerr << "ERROR: " << r.error << "\n";
    return r.verified ? 0 : 3;
  } catch (const std::exception& e) {
    std::cerr << "nb_cosim: error: " << e.what() << "\n";
    return 1;
  }
}
