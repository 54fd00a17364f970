// nb_rtl_<config>: the co-simulator of one hardware configuration. `neuroblend
// run` drives it (--program/--images); the tests call it directly.
//
//   nb_rtl_X --program P.nbp --images I.npy [--json OUT]        a compiled program on images
//   nb_rtl_X --model M [--images-n N] [--seed S] [--corrupt-layer NAME]   a model, random parameters
//   nb_rtl_X --random-nets N [--seed S]                         N constrained-random networks
//   --check-estimate: also compare every layer's performance record of every
//   image with the fast cycle model (model/cycle_model.cpp); any difference fails.
// Common: --dram-latency C, --dram-bw BYTES_PER_CYCLE, --clock-mhz F, --no-dump, --progress,
//         --trace FILE.fst --trace-from CYCLE --trace-to CYCLE (a waveform of that window),
//         --coverage FILE.dat (the _act and _cov builds; _cov also writes into $NB_COVERAGE_DIR).
// Test hooks that reach the RTL's checks of a program (error_o), applied to
// every job's program in DRAM: --poke OFFSET=VALUE (a 32-bit word at a byte
// offset), --set-desc LAYER:FIELD=VALUE (a descriptor field by name, of the
// layer named or numbered LAYER).
// Exit status: 0 verified, 3 mismatch or RTL error, 1 bad arguments or input.
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "neuroblend/compiler.h"
#include "neuroblend/cycle_model.h"
#include "neuroblend/error.h"
#include "neuroblend/image.h"
#include "neuroblend/npy.h"
#include "neuroblend/program.h"
#include "neuroblend/random_model.h"
#include "rtl_sim.h"

using namespace nb;

namespace {

std::vector<Image> images_from_npy(const std::string& path, const Shape& want) {
  NpyArray a = read_npy(path);
  if (a.dtype != "u1" || a.shape.size() != 4 || a.shape[1] != want.h || a.shape[2] != want.w || a.shape[3] != want.c)
    throw Error(fmt::format("{}: expected uint8 images of shape (N, {}, {}, {}), got {} {}", path, want.h, want.w,
                            want.c, a.dtype, a.shape_str()));
  std::vector<Image> out;
  size_t n = size_t(want.size());
  for (int64_t i = 0; i < a.shape[0]; ++i) {
    Image img;
    img.shape = want;
    img.source = fmt::format("{}#{}", path, i);
    img.pixels.assign(a.bytes.begin() + long(i * int64_t(n)), a.bytes.begin() + long((i + 1) * int64_t(n)));
    out.push_back(std::move(img));
  }
  return out;
}

int64_t weight_offset(const CompiledModel& cm, const std::string& layer) {
  ProgramLayout lay = layout_program(cm);
  for (size_t i = 0; i < cm.layers.size(); ++i)
    if (cm.layers[i].name == layer)
      return int64_t(lay.image_off) + (cm.layers[i].kbin ? lay.desc[i][hw::desc::kOffWbin] : lay.desc[i][hw::desc::kOffWfix]);
  throw Error("no layer named " + layer);
}

uint32_t parse_u32(const std::string& what, const std::string& v) {
  size_t used = 0;
  unsigned long long x = 0;
  try {
    x = std::stoull(v, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || x > 0xffffffffull) throw Error(fmt::format("{}: '{}' is not a 32-bit number", what, v));
  return uint32_t(x);
}

// "OFFSET=VALUE": a word of the program.
sim::ProgramPatch poke_patch(const std::string& arg) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos) throw Error("--poke " + arg + ": expected OFFSET=VALUE");
  sim::ProgramPatch p;
  p.offset = parse_u32("--poke offset", arg.substr(0, eq));
  p.value = parse_u32("--poke value", arg.substr(eq + 1));
  return p;
}

// "LAYER:FIELD=VALUE": a descriptor field of one layer of cm.
sim::ProgramPatch desc_patch(const CompiledModel& cm, const std::string& arg) {
  size_t colon = arg.find(':'), eq = arg.find('=');
  if (colon == std::string::npos || eq == std::string::npos || eq < colon)
    throw Error("--set-desc " + arg + ": expected LAYER:FIELD=VALUE");
  std::string layer = arg.substr(0, colon), field = arg.substr(colon + 1, eq - colon - 1);
  size_t li = cm.layers.size();
  for (size_t i = 0; i < cm.layers.size(); ++i)
    if (cm.layers[i].name == layer || std::to_string(i) == layer) li = i;
  if (li == cm.layers.size()) throw Error(fmt::format("--set-desc {}: {} has no layer '{}'", arg, cm.model, layer));
  const hw::Field* f = nullptr;
  for (const hw::Field& g : hw::kDescFields)
    if (field == g.name) f = &g;
  if (!f) throw Error(fmt::format("--set-desc {}: no descriptor field '{}'", arg, field));
  uint32_t v = parse_u32("--set-desc value", arg.substr(eq + 1));
  if (v > f->max()) throw Error(fmt::format("--set-desc {}: {} does not fit the field", arg, v));
  sim::ProgramPatch p;
  p.offset = layout_program(cm).desc_off + 4 * uint32_t(li * hw::kDescWords + size_t(f->word));
  p.value = v << f->lsb;
  p.mask = uint32_t(f->max() << f->lsb);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string program, images_file, model, corrupt, json_out;
    int images_n = 2, random_nets = 0, calib = 8;
    uint64_t seed = 1, input_seed = 100;
    bool progress = false, quiet = false, check_estimate = false;
    std::vector<std::string> pokes, desc_sets;
    sim::RunOptions opt;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw Error("missing value after " + a);
        return argv[++i];
      };
      if (a == "--program")
        program = next();
      else if (a == "--images")
        images_file = next();
      else if (a == "--model")
        model = next();
      else if (a == "--images-n")
        images_n = std::stoi(next());
      else if (a == "--random-nets")
        random_nets = std::stoi(next());
      else if (a == "--seed")
        seed = std::stoull(next());
      else if (a == "--input-seed")
        input_seed = std::stoull(next());
      else if (a == "--calib")
        calib = std::stoi(next());
      else if (a == "--corrupt-layer")
        corrupt = next();
      else if (a == "--dram-latency")
        opt.dram_latency = std::stoi(next());
      else if (a == "--dram-bw")
        opt.dram_bytes_per_cycle = std::stod(next());
      else if (a == "--clock-mhz")
        opt.clock_mhz = std::stod(next());
      else if (a == "--no-dump")
        opt.dump_all = false;
      else if (a == "--json")
        json_out = next();
      else if (a == "--progress")
        progress = true;
      else if (a == "--coverage")
        opt.coverage = next();
      else if (a == "--poke")
        pokes.push_back(next());
      else if (a == "--set-desc")
        desc_sets.push_back(next());
      else if (a == "--check-estimate")
        check_estimate = true;
      else if (a == "--quiet")
        quiet = true;
      else if (a == "--trace")
        opt.trace = next();
      else if (a == "--trace-from")
        opt.trace_from = std::stoull(next());
      else if (a == "--trace-to")
        opt.trace_to = std::stoull(next());
      else
        throw Error("unknown option " + a);
    }
    if (!opt.trace.empty() && opt.trace_to == 0) opt.trace_to = opt.trace_from + 10000;
    if (opt.dram_latency < 1 || opt.dram_bytes_per_cycle <= 0 || opt.dram_bytes_per_cycle > 8 || opt.clock_mhz <= 0)
      throw Error("DRAM latency must be >= 1 cycle, bandwidth in (0, 8] bytes per cycle, clock > 0");
    std::vector<sim::Job> jobs;
    if (!program.empty()) {
      sim::Job j;
      j.cm = read_program(program);
      if (images_file.empty()) throw Error("--program needs --images FILE.npy");
      j.images = images_from_npy(images_file, j.cm.input);
      jobs.push_back(std::move(j));
    } else if (!model.empty()) {
      ModelSpec m = load_model(model);
      CompileOptions co;
      co.calib_images = calib;
      sim::Job j;
      j.cm = compile(m, random_params(m, seed, calib), co);
      j.images = synthetic_images(m.input.shape, images_n, input_seed);
      if (!corrupt.empty()) opt.corrupt_offset = weight_offset(j.cm, corrupt);
      jobs.push_back(std::move(j));
    } else if (random_nets > 0) {
      for (int n = 0; n < random_nets; ++n) {
        ModelSpec m = random_model(seed + uint64_t(n));
        CompileOptions co;
        co.calib_images = 4;
        sim::Job j;
        j.cm = compile(m, random_params(m, seed + uint64_t(n), 4), co);
        j.images = synthetic_images(m.input.shape, 1, seed + uint64_t(n));
        jobs.push_back(std::move(j));
      }
    } else {
      throw Error("give --program and --images, --model, or --random-nets");
    }
    for (sim::Job& j : jobs) {
      for (const std::string& p : pokes) j.patches.push_back(poke_patch(p));
      for (const std::string& d : desc_sets) j.patches.push_back(desc_patch(j.cm, d));
    }
    if (progress)
      opt.progress = [](int done, int total) {
        std::cerr << fmt::format("\rco-simulating: {}/{} images", done, total) << (done == total ? "\n" : "")
                  << std::flush;
      };
    auto results = sim::run_rtl(jobs, opt);
    nlohmann::json j;
    j["config"] = sim::built_config().name;
    bool all = results.size() == jobs.size();
    uint64_t cycles = 0;
    double wall = 0;
    for (size_t k = 0; k < results.size(); ++k) {
      const auto& r = results[k];
      all = all && r.verified;
      cycles = r.sim_cycles;
      wall = r.wall_seconds;
      nlohmann::json jj;
      jj["model"] = jobs[k].cm.model;
      jj["verified"] = r.verified;
      jj["images"] = r.images;
      jj["total_cycles"] = r.total_cycles;
      jj["predictions"] = r.predictions;
      if (r.mismatch) jj["mismatch"] = r.mismatch->str();
      if (!r.error.empty()) jj["error"] = r.error;
      for (size_t img = 0; img < r.perf.size(); ++img) {
        nlohmann::json layers = nlohmann::json::array();
        for (auto& p : r.perf[img])
          layers.push_back({{"name", p.name},
                            {"cycles", p.cycles},
                            {"bin_busy", p.bin_busy},
                            {"fix_busy", p.fix_busy},
                            {"load", p.load},
                            {"compute", p.compute},
                            {"rd_beats", p.rd_beats},
                            {"wr_beats", p.wr_beats}});
        jj["perf"].push_back(layers);
      }
      j["jobs"].push_back(jj);
      if (quiet) continue;
      if (r.mismatch) std::cerr << "MISMATCH: " << jobs[k].cm.model << ": " << r.mismatch->str() << "\n";
      if (!r.error.empty()) std::cerr << "ERROR: " << jobs[k].cm.model << ": " << r.error << "\n";
    }
    if (check_estimate) {
      // The fast cycle model against the RTL's own counters, layer by layer.
      MemTiming mt;
      mt.latency = opt.dram_latency;
      mt.bytes_per_cycle = opt.dram_bytes_per_cycle;
      mt.dump_all = opt.dump_all;
      size_t layers = 0, differ = 0;
      for (size_t k = 0; k < results.size(); ++k) {
        CycleEstimate est = estimate_cycles(jobs[k].cm, sim::built_config(), mt);
        for (size_t img = 0; img < results[k].perf.size(); ++img)
          for (size_t i = 0; i < results[k].perf[img].size(); ++i) {
            const LayerPerf &r = results[k].perf[img][i], &e = est.layers[i];
            ++layers;
            if (r == e) continue;
            if (differ++ < 20)
              std::cerr << fmt::format(
                  "ESTIMATE DIFFERS: job {} ({}), image {}, layer {} '{}': rtl/estimate cycles {}/{} bin {}/{} fix "
                  "{}/{} load {}/{} compute {}/{} rd {}/{} wr {}/{} dump {}/{}\n",
                  k, jobs[k].cm.model, img, i, r.name, r.cycles, e.cycles, r.bin_busy, e.bin_busy, r.fix_busy,
                  e.fix_busy, r.load, e.load, r.compute, e.compute, r.rd_beats, e.rd_beats, r.wr_beats, e.wr_beats,
                  r.dump, e.dump);
          }
      }
      j["estimate_layers_checked"] = layers;
      j["estimate_layers_differing"] = differ;
      if (!quiet || differ)
        std::cerr << fmt::format("cycle model: {} of {} layer records equal to the RTL's\n", layers - differ, layers);
      if (differ) all = false;
    }
    j["verified"] = all;
    j["sim_cycles"] = cycles;
    j["wall_seconds"] = wall;
    j["cycles_per_second"] = wall > 0 ? double(cycles) / wall : 0;
    if (json_out.empty()) {
      std::cout << j.dump(2) << "\n";
    } else {
      std::ofstream f(json_out);
      f << j.dump(2) << "\n";
      if (!f) throw Error("cannot write " + json_out);
    }
    if (!all && random_nets == 0 && results.size() < jobs.size()) std::cerr << "ERROR: stopped early\n";
    if (!quiet)
      std::cerr << fmt::format("{}: {} job(s), {} verified\n", all ? "PASS" : "FAIL", jobs.size(),
                               all ? "all" : "NOT all");
    return all ? 0 : 3;
  } catch (const std::exception& e) {
    std::cerr << "nb_rtl: error: " << e.what() << "\n";
    return 1;
  }
}
