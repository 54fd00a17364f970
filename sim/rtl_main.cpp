// nb_rtl_<config>: the co-simulator of one hardware configuration. `neuroblend
// run` drives it (--program/--images); the tests call it directly.
//
//   nb_rtl_X --program P.nbp --images I.npy [--json OUT]        a compiled program on images
//   nb_rtl_X --model M [--images-n N] [--seed S] [--corrupt-layer NAME]   a model, random parameters (an .onnx model: its own)
//   nb_rtl_X --random-nets N [--seed S] [--images-n K]          N constrained-random networks (K images each, default 1)
//   nb_rtl_X --mutate-nets N [--seed S]   N random networks' program files, each mutated
//            (descriptor words, parameter values, weight bytes): the reader must refuse a
//            mutant or the RTL must agree with the golden model on it (issue: one legality check)
//   --check-estimate: also compare every layer's performance record of every
//   image with the fast cycle model (perfmodel/cycle_model.cpp); any difference fails.
// Common: --dram-latency C, --dram-bw BYTES_PER_CYCLE, --clock-mhz F, --no-dump, --progress,
//         --stream-weights (load every tile's weights for every image, even when the model's
//         weights fit the weight memories: resident weights are the default, rtl/nb_wslots.sv),
//         --trace FILE.fst --trace-from CYCLE --trace-to CYCLE (a waveform of that window),
//         --timeline FILE.json [--timeline-images N] (the activity flags of the first N images,
//         default 1, as Chrome trace-event JSON: docs/architecture.md, "Timeline").
//         --coverage FILE.dat (the _act and _cov builds; _cov also writes into $NB_COVERAGE_DIR).
// Test hooks that reach the RTL's checks of a program (error_o), applied to
// every job's program in DRAM: --poke OFFSET=VALUE (a 32-bit word at a byte
// offset), --set-desc LAYER:FIELD=VALUE (a descriptor field by name, of the
// layer named or numbered LAYER). --force-resident: resident weights even for
// a model that does not fit (the RTL must stop with ErrWeights). --keep-first:
// wkeep_i on a job's first image too (after a reset the RTL must load anyway).
// --again-kept: each job runs again right after itself, unpatched, resident,
// with wkeep_i from its first image (the RTL finds the weights in only after
// a resident run without an error: nb_wslots' guard; --check-estimate
// compares that first image with the kept or the loading figures).
// --keep-going: a job the RTL stops with an error code does not end the run.
// Options: `nb_rtl_X --help` (CLI11, as neuroblend). Exit status: 0 verified, 3 mismatch or RTL
// error, 2 a usage error (an unknown option, a value out of range), 1 bad input.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/perfmodel/cycle_model.h"
#include "neuroblend/error.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/image.h"
#include "neuroblend/compiler/kernels.h"
#include "neuroblend/npy.h"
#include "neuroblend/onnx_import.h"
#include "neuroblend/compiler/program.h"
#include "neuroblend/random_model.h"
#include "neuroblend/rng.h"
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

// A program file with one to three mutations: a descriptor
// word set to a random value or a bit of it flipped, an M1 / M2 / bias / tau /
// neg value set to a random value of its type, or a byte of the memory image
// flipped (weights among others).
std::vector<uint8_t> mutated_program(const CompiledModel& cm, uint64_t seed) {
  const ProgramLayout lay = layout_program(cm);
  std::vector<uint8_t> b = serialize_program(cm);
  Rng r(seed ^ 0x6d75746174650000ull);
  namespace f = hw::desc;
  for (int64_t k = r.range(1, 3); k > 0; --k) {
    const size_t li = size_t(r.range(0, int64_t(cm.layers.size()) - 1));
    const QLayer& q = cm.layers[li];
    const Desc& d = lay.desc[li];
    const size_t dbase = lay.desc_off + li * kDescWords * 4;
    auto put32 = [&](size_t off, uint32_t v) { std::memcpy(&b[off], &v, 4); };
    switch (r.range(0, 5)) {
      case 0:  // a descriptor word set to a small value
        put32(dbase + 4 * size_t(r.range(0, kDescWords - 1)), uint32_t(r.range(0, 64)));
        break;
      case 1: {  // a bit of a descriptor word flipped
        size_t off = dbase + 4 * size_t(r.range(0, kDescWords - 1)) + size_t(r.range(0, 3));
        b[off] ^= uint8_t(1u << r.range(0, 7));
        break;
      }
      case 2: {  // M1 or M2 of a channel: any signed 18-bit value, or a small one
        const auto& fld = r.chance(0.5) ? f::kOffM1 : f::kOffM2;
        int32_t v = r.chance(0.5) ? int32_t(r.range(kMMin, kMMax)) : int32_t(r.range(-300, 300));
        std::memcpy(&b[lay.image_off + d[fld] + 4 * size_t(r.range(0, q.out.c - 1))], &v, 4);
        break;
      }
      case 3: {  // a bias: any signed 48-bit value, or near the proven bound
        int64_t v = r.chance(0.5) ? r.range(kZMin, kZMax) : r.range(-q.z_bound, q.z_bound);
        std::memcpy(&b[lay.image_off + d[f::kOffBias] + 8 * size_t(r.range(0, q.out.c - 1))], &v, 8);
        break;
      }
      case 4:  // tau or neg of a binarized channel
        if (q.kbin) {
          size_t c = size_t(r.range(0, q.in.c - 1));
          if (r.chance(0.5)) {
            int16_t v = int16_t(r.range(-32768, 32767));
            std::memcpy(&b[lay.image_off + d[f::kOffTau] + 2 * c], &v, 2);
          } else {
            b[lay.image_off + d[f::kOffNeg] + c] = uint8_t(r.range(0, 2));
          }
        }
        break;
      default:  // any byte of the memory image
        b[lay.image_off + size_t(r.range(0, int64_t(lay.image_bytes) - 1))] ^= uint8_t(1u << r.range(0, 7));
    }
  }
  return b;
}

// Network `seed` of the constrained-random generator, compiled; false (and
// counted) when the compiler refuses it (a requantization that no shift
// fits: the generator's parameters, not the RTL, are then at fault).
bool compile_random(uint64_t seed, bool quiet, CompiledModel& cm, int& refused) {
  ModelSpec m = random_model(seed);
  CompileOptions co;
  co.calib_images = 4;
  try {
    cm = compile(m, random_params(m, seed, 4), co);
    return true;
  } catch (const Error& e) {
    ++refused;
    if (!quiet) std::cerr << fmt::format("random network {} not compiled: {}\n", seed, e.what());
    return false;
  }
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
    int images_n = 2, random_nets = 0, mutate_nets = 0, calib = 8;
    uint64_t seed = 1, input_seed = 100;
    bool progress = false, quiet = false, check_estimate = false, images_n_set = false, force_resident = false,
         keep_first = false, again_kept = false;
    std::vector<std::string> pokes, desc_sets;
    sim::RunOptions opt;
    // The same option parser and error style as `neuroblend` (usage errors
    // exit 2, bad input 1, a mismatch or an RTL error 3).
    CLI::App app{fmt::format("nb_rtl_{}: the co-simulator of configuration {} (SystemC testbench, verilated RTL, "
                             "checked against the golden model). `neuroblend run` drives it; the tests call it directly.",
                             sim::built_config().name, sim::built_config().name)};
    app.get_formatter()->column_width(34);
    auto* g_in = app.add_option_group("what to simulate (one of)");
    g_in->add_option("--program", program, "A program file (neuroblend compile), with --images")->check(CLI::ExistingFile);
    g_in->add_option("--model", model, "A model: zoo name, .json (seeded random parameters) or .onnx (its own)");
    g_in->add_option("--random-nets", random_nets, "N constrained-random networks")->check(CLI::Range(1, 1000000));
    g_in->add_option("--mutate-nets", mutate_nets,
                     "N random networks' program files, each mutated: the reader must refuse a mutant or the RTL "
                     "agree with the golden model on it")
        ->check(CLI::Range(1, 1000000));
    g_in->require_option(1);
    app.add_option("--images", images_file, "Images for --program (uint8 .npy, N x H x W x C)")->check(CLI::ExistingFile);
    auto* o_n = app.add_option("--images-n", images_n, "Synthetic images per model (default 2; random networks: 1)")
                    ->check(CLI::Range(1, 1000000));
    app.add_option("--seed", seed, "Seed of the random parameters, or of the first random network")->capture_default_str();
    app.add_option("--input-seed", input_seed, "Seed of --model's synthetic images")->capture_default_str();
    app.add_option("--calib", calib, "Calibration images")->check(CLI::Range(1, 100000))->capture_default_str();
    app.add_option("--corrupt-layer", corrupt, "Flip a weight byte of this layer in DRAM (the check must fail)");
    app.add_option("--dram-latency", opt.dram_latency, "DRAM latency in cycles")
        ->check(CLI::Range(1, 100000))->capture_default_str();
    app.add_option("--dram-bw", opt.dram_bytes_per_cycle, "DRAM bytes per cycle")
        ->check(CLI::Range(0.01, 8.0))->capture_default_str();
    app.add_option("--clock-mhz", opt.clock_mhz, "Clock for the latency figures")
        ->check(CLI::Range(1.0, 2000.0))->capture_default_str();
    bool no_dump = false, stream_weights = false;
    app.add_flag("--no-dump", no_dump, "Check only the logits, not every layer's output");
    app.add_flag("--stream-weights", stream_weights,
                 "Load every tile's weights for every image, even when they fit the weight memories");
    app.add_flag("--check-estimate", check_estimate,
                 "Compare every layer's performance record with the fast cycle model; any difference fails");
    app.add_option("--json", json_out, "Write the result here (default: standard output)");
    app.add_flag("--progress", progress, "Print progress per image");
    app.add_flag("--quiet", quiet, "No summary line");
    app.add_option("--coverage", opt.coverage, "Coverage data file (the _act and _cov builds)");
    app.add_option("--trace", opt.trace, "Write a waveform (.fst) of a cycle window");
    app.add_option("--trace-from", opt.trace_from, "First cycle of the waveform window")->capture_default_str();
    app.add_option("--trace-to", opt.trace_to, "Last cycle of the waveform window (default from + 10000)");
    app.add_option("--timeline", opt.timeline, "Write the activity flags as Chrome trace-event JSON");
    app.add_option("--timeline-images", opt.timeline_images, "Images in the timeline")
        ->check(CLI::Range(1, 1000000))->capture_default_str();
    auto* hooks = app.add_option_group("test hooks");
    hooks->add_option("--poke", pokes, "OFFSET=VALUE: a 32-bit word of every job's program in DRAM");
    hooks->add_option("--set-desc", desc_sets, "LAYER:FIELD=VALUE: a descriptor field by name");
    hooks->add_flag("--force-resident", force_resident, "Resident weights even for a model that does not fit");
    hooks->add_flag("--keep-first", keep_first, "wkeep_i on a job's first image too");
    hooks->add_flag("--again-kept", again_kept, "Each job again right after itself, resident, with wkeep_i");
    hooks->add_flag("--keep-going", opt.keep_going, "A job the RTL stops with an error does not end the run");
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      std::cerr << fmt::format("nb_rtl_{}: usage error: {}\n(nb_rtl_{} --help)\n", sim::built_config().name, e.what(),
                               sim::built_config().name);
      return 2;
    }
    images_n_set = o_n->count() > 0;
    if (no_dump) opt.dump_all = false;
    if (stream_weights) opt.resident_weights = false;
    if (!opt.trace.empty() && opt.trace_to == 0) opt.trace_to = opt.trace_from + 10000;
    std::vector<sim::Job> jobs;
    std::vector<uint64_t> job_seeds;  // random and mutated networks: each one's seed
    int uncompiled = 0;
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
      // An ONNX model brings its parameters; a model file gets seeded random ones.
      j.cm = compile(m, is_onnx_path(model) ? import_onnx(model).params : random_params(m, seed, calib), co);
      j.images = synthetic_images(m.input.shape, images_n, input_seed);
      if (!corrupt.empty()) opt.corrupt_offset = weight_offset(j.cm, corrupt);
      jobs.push_back(std::move(j));
    } else if (random_nets > 0) {
      for (int n = 0; n < random_nets; ++n) {
        const uint64_t s = seed + uint64_t(n);
        sim::Job j;
        if (!compile_random(s, quiet, j.cm, uncompiled)) continue;
        j.images = synthetic_images(j.cm.input, images_n_set ? images_n : 1, s);
        jobs.push_back(std::move(j));
        job_seeds.push_back(s);
      }
    } else if (mutate_nets > 0) {
      // Refused by the reader, or not fitting this configuration: counted, not run.
      int refused = 0, unfit = 0;
      for (int n = 0; n < mutate_nets; ++n) {
        const uint64_t s = seed + uint64_t(n);
        CompiledModel cm;
        if (!compile_random(s, quiet, cm, uncompiled)) continue;
        sim::Job j;
        try {
          j.cm = parse_program(mutated_program(cm, s), fmt::format("mutant {}", s));
          check_fits(j.cm, sim::built_config());
        } catch (const Error& e) {
          ++(std::string(e.what()).find("mutant") == 0 ? refused : unfit);
          if (!quiet) std::cerr << "refused: " << e.what() << "\n";
          continue;
        }
        j.images = synthetic_images(j.cm.input, images_n_set ? images_n : 1, s);
        jobs.push_back(std::move(j));
        job_seeds.push_back(s);
      }
      std::cerr << fmt::format("mutants: {} refused by the reader, {} do not fit {}, {} co-simulated\n", refused,
                               unfit, sim::built_config().name, jobs.size());
      if (jobs.empty()) throw Error("no mutant passed the reader: nothing was co-simulated");
    } else {
      throw Error("give --program and --images, --model, --random-nets or --mutate-nets");
    }
    // (the hook says "the memories hold this job's weights": true of no job
    // after another program's, which the harness could not tell apart)
    if (keep_first && (jobs.size() > 1 || again_kept))
      throw Error("--keep-first takes one job, without --again-kept");
    if (again_kept && !corrupt.empty()) throw Error("--again-kept does not go with --corrupt-layer");
    for (sim::Job& j : jobs) {
      j.force_resident = force_resident;
      j.keep_first = keep_first;
      for (const std::string& p : pokes) j.patches.push_back(poke_patch(p));
      for (const std::string& d : desc_sets) j.patches.push_back(desc_patch(j.cm, d));
    }
    // Test hook: each job again right after it, its program unpatched, with
    // resident weights (as the run would choose them, or forced) and wkeep_i
    // from its first image: the RTL skips the weight loads only after a job
    // that ran resident without an error (nb_wslots' guard).
    // (the copies are the odd jobs)
    if (again_kept) {
      std::vector<sim::Job> both;
      std::vector<uint64_t> seeds;
      for (size_t k = 0; k < jobs.size(); ++k) {
        sim::Job again = jobs[k];
        again.patches.clear();
        again.keep_first = true;
        again.force_resident = force_resident || weight_slots(again.cm, sim::built_config()).fits();
        both.push_back(std::move(jobs[k]));
        both.push_back(std::move(again));
        if (k < job_seeds.size()) seeds.insert(seeds.end(), 2, job_seeds[k]);
      }
      jobs = std::move(both);
      job_seeds = std::move(seeds);
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
      if (k < job_seeds.size()) jj["seed"] = job_seeds[k];
      jj["verified"] = r.verified;
      jj["images"] = r.images;
      jj["total_cycles"] = r.total_cycles;
      jj["weights_resident"] = r.weights_resident;
      jj["weights_fit"] = weight_slots(jobs[k].cm, sim::built_config()).fits();
      jj["weights_kept_first"] = r.weights_kept_first;
      jj["again_kept"] = again_kept && k % 2 == 1;
      jj["error_code"] = r.error_code;
      jj["predictions"] = r.predictions;
      if (r.mismatch) jj["mismatch"] = r.mismatch->str();
      if (!r.error.empty()) jj["error"] = r.error;
      for (size_t img = 0; img < r.perf.size(); ++img) {
        nlohmann::json layers = nlohmann::json::array();
        for (auto& p : r.perf[img]) layers.push_back(to_json(p));
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
        // resident weights: the images after the first find them in the weight
        // memories, and the first one too after the same program's resident run
        mt.weights_kept = false;
        const CycleEstimate first = estimate_cycles(jobs[k].cm, sim::built_config(), mt);
        mt.weights_kept = results[k].weights_resident;
        const CycleEstimate later = estimate_cycles(jobs[k].cm, sim::built_config(), mt);
        for (size_t img = 0; img < results[k].perf.size(); ++img)
          for (size_t i = 0; i < results[k].perf[img].size(); ++i) {
            const bool kept = img > 0 || results[k].weights_kept_first;
            const LayerPerf &r = results[k].perf[img][i], &e = (kept ? later : first).layers[i];
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
    if (random_nets > 0 || mutate_nets > 0) j["random_networks_not_compiled"] = uncompiled;
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
    if (!all && random_nets == 0 && mutate_nets == 0 && results.size() < jobs.size()) std::cerr << "ERROR: stopped early\n";
    if (!quiet)
      std::cerr << fmt::format("{}: {} job(s), {} verified\n", all ? "PASS" : "FAIL", jobs.size(),
                               all ? "all" : "NOT all");
    return all ? 0 : 3;
  } catch (const std::exception& e) {
    std::cerr << fmt::format("nb_rtl_{}: error: {}\n", sim::built_config().name, e.what());
    return 1;
  }
}
