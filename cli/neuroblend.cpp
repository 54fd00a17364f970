// neuroblend: the command-line front end. Thin: parsing and printing only;
// the work is in the nb_model library.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common.h"
#include "neuroblend/describe.h"
#include "neuroblend/error.h"
#include "neuroblend/interchange.h"
#include "neuroblend/onnx_import.h"
#include "neuroblend/program.h"

namespace nb::cli {

void ModelOptions::add_model(CLI::App* app) {
  app->add_option("MODEL", model, "Model: a zoo name (neuroblend-20, neuroblend-18, blendmixer), a model .json file, or an "
                  ".onnx file (which brings its own parameters)")
      ->required();
  app->add_flag("--json", json, "Print machine-readable JSON instead of text");
}

void ModelOptions::add_params(CLI::App* app) {
  app->add_option("--params", params,
                  "Float parameters (.npz, keys in docs/interchange.md); default: seeded random parameters")
      ->check(CLI::ExistingFile);
  app->add_option("--seed", seed, "Seed of the random parameters (ignored with --params)")->capture_default_str();
}

void ModelOptions::add_calib(CLI::App* app) {
  app->add_option("--calib", calib, "Number of calibration images for the activation scales (synthetic, or drawn from --calib-input or the --dataset)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app->add_option("--calib-input", calib_input,
                  "Calibrate on --calib images drawn reproducibly from this set (files, folders, IDX, .npy, "
                  "CIFAR .bin, PGM/PPM; docs/inputs.md)")
      ->check(CLI::ExistingPath);
  app->add_option("--calib-seed", calib_seed, "Which --calib images of the --calib-input set")->capture_default_str();
  app->add_option("--format", format, "Layout of CIFAR .bin files (default: cifar10 for 10 classes, else cifar100)")
      ->check(CLI::IsMember({"cifar10", "cifar100"}));
}

Loaded load(const ModelOptions& o) {
  if (is_onnx_path(o.model)) {
    OnnxModel m = import_onnx(o.model);
    return Loaded{std::move(m.spec), std::move(m.params), o.model};
  }
  return load(o, load_model(o.model));
}

Loaded load(const ModelOptions& o, ModelSpec spec) {
  Loaded l;
  l.spec = std::move(spec);
  if (is_onnx_path(l.spec.source)) {
    // The ONNX file holds the parameters (main() refuses --params with it).
    l.params = import_onnx(l.spec.source).params;
    l.params_source = l.spec.source;
  } else if (o.params.empty()) {
    l.params = random_params(l.spec, o.seed);
    l.params_source = fmt::format("random(seed={})", o.seed);
  } else {
    l.params = load_params(l.spec, o.params);
    l.params_source = o.params;
  }
  return l;
}

void InputArgs::add(CLI::App* app, ModelOptions& o) {
  app->add_option("--input", inputs,
                  "Input images: files (IDX, .npy stack, CIFAR .bin, PGM/PPM, .txt list) or folders (docs/inputs.md)")
      ->check(CLI::ExistingPath);
  app->add_option("--labels", labels, "Labels of a single IDX or .npy --input (IDX: found beside it by name)")
      ->check(CLI::ExistingFile);
  app->add_option("--dataset", dataset,
                  "A dataset installed by Debian instead of --input (fashion-mnist); it also calibrates on its train "
                  "split unless --calib-input is given")
      ->check(CLI::IsMember(dataset_names()))
      ->each([&o](const std::string& v) { o.calib_dataset = v; });
  app->add_option("--split", split, "Split of --dataset")->check(CLI::IsMember({"test", "train"}))->capture_default_str();
}

std::vector<Image> InputArgs::read(const ModelOptions& o, const ModelSpec& m, int64_t limit) const {
  if (!dataset.empty() && !inputs.empty()) throw Error("give --input or --dataset, not both");
  InputOptions io;
  io.cifar = cifar_kind(o, m);
  io.limit = limit;
  io.labels = labels;
  if (dataset.empty()) return read_inputs(inputs, m.input.shape, io);
  if (!labels.empty()) throw Error("--labels goes with --input; a --dataset has its own labels");
  return read_dataset(dataset, split, m.input.shape, limit);
}

std::vector<std::string> InputArgs::class_names() const {
  return dataset.empty() ? std::vector<std::string>{} : dataset_files(dataset, split).class_names;
}

CifarKind cifar_kind(const ModelOptions& o, const ModelSpec& m) {
  if (o.format == "cifar10") return CifarKind::Cifar10;
  if (o.format == "cifar100") return CifarKind::Cifar100;
  return m.classes == 10 ? CifarKind::Cifar10 : CifarKind::Cifar100;
}

CompiledModel compile_with(const ModelOptions& o, const Loaded& l) {
  CompileOptions co;
  co.calib_images = o.calib;
  std::vector<Image> set;
  if (!o.calib_input.empty()) {
    InputOptions io;
    io.cifar = cifar_kind(o, l.spec);
    set = read_inputs(o.calib_input, l.spec.input.shape, io);
  } else if (!o.calib_dataset.empty()) {
    set = read_dataset(o.calib_dataset, "train", l.spec.input.shape, -1);
  }
  for (size_t k : pick_subset(set.size(), size_t(o.calib), o.calib_seed)) co.calib.push_back(std::move(set[k]));
  return compile(l.spec, l.params, co);
}

namespace {

int run_describe(const ModelOptions& o) {
  ModelSpec m = load_model(o.model);
  ModelStats s = describe(m);
  if (o.json)
    std::cout << to_json(s).dump(2) << "\n";
  else
    std::cout << m.description << "\n\n" << to_text(s);
  return 0;
}

struct CompileArgs {
  std::string out, export_float, export_int;
};

int run_compile(const ModelOptions& o, const CompileArgs& a) {
  Loaded l = load(o);
  CompiledModel cm = compile_with(o, l);
  write_program(cm, a.out);
  if (!a.export_float.empty()) save_params(l.spec, l.params, a.export_float);
  if (!a.export_int.empty()) save_compiled_npz(cm, a.export_int);
  int64_t negs = 0, never = 0, always = 0, taus = 0;
  for (auto& q : cm.layers)
    for (size_t c = 0; c < q.tau.size(); ++c) {
      ++taus;
      negs += q.neg[c];
      never += q.tau[c] == 128 && !q.neg[c];
      always += q.tau[c] == -128 && !q.neg[c];
    }
  if (o.json) {
    nlohmann::json j;
    j["model"] = cm.model;
    j["params"] = l.params_source;
    j["program"] = a.out;
    j["thresholds"] = {{"count", taus}, {"negated", negs}, {"constant_minus1", never}, {"constant_plus1", always}};
    for (auto& q : cm.layers)
      j["layers"].push_back({{"name", q.name},
                             {"kind", to_string(q.kind)},
                             {"sh", q.sh},
                             {"out_scale", q.out_scale},
                             {"acc_bound", q.acc_bound},
                             {"z_bound", q.z_bound}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("compiled {} ({} parameters) -> {}\n", cm.model, l.params_source, a.out);
  fmt::print("{:<10} {:<12} {:>3} {:>12} {:>10} {:>16}\n", "layer", "kind", "sh", "out LSB", "max |acc|", "max |z|");
  for (auto& q : cm.layers)
    fmt::print("{:<10} {:<12} {:>3} {:>12.5g} {:>10} {:>16}\n", q.name, to_string(q.kind), q.sh, q.out_scale,
               q.acc_bound, q.z_bound);
  fmt::print("binarization thresholds: {} ({} negated, {} always -1, {} always +1)\n", taus, negs, never, always);
  fmt::print("every accumulator proven within int32 and every z within signed 48 bits\n");
  if (!a.export_float.empty()) fmt::print("float parameters -> {}\n", a.export_float);
  if (!a.export_int.empty()) fmt::print("integer parameters -> {}\n", a.export_int);
  return 0;
}

}  // namespace
}  // namespace nb::cli

int main(int argc, char** argv) {
  using namespace nb::cli;
  CLI::App app{
      "neuroblend: Blend compiler, bit-exact golden model and cycle-accurate RTL co-simulation of the\n"
      "NeuroBlend accelerator.\n"
      "Models are zoo names (neuroblend-20, neuroblend-18, blendmixer), model .json files (docs/model-format.md)\n"
      "or .onnx files exported from PyTorch (docs/model-format.md, \"ONNX models\").\n"
      "Without --params a model gets seeded random parameters that look trained.",
      "neuroblend"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every subcommand");

  ModelOptions d_opt, c_opt, i_opt, v_opt, r_opt, e_opt, p_opt, s_opt, rep_opt;
  CompileArgs c_args;

  auto* describe = app.add_subcommand("describe", "Per-layer shapes, MACs and parameter bits; model size vs float32");
  d_opt.add_model(describe);
  auto* compile = app.add_subcommand("compile", "Fold batch norms, quantize, prove widths, write the program file");
  c_opt.add_model(compile);
  c_opt.add_params(compile);
  c_opt.add_calib(compile);
  compile->add_option("-o,--output", c_args.out, "Compiled program to write (.nbp, docs/program-format.md)")
      ->required();
  compile->add_option("--export-float", c_args.export_float, "Also write the float parameters as .npz");
  compile->add_option("--export-int", c_args.export_int, "Also write the compiled integer parameters as .npz");
  add_infer(app, i_opt);
  add_eval(app, v_opt);
  add_run(app, r_opt);
  add_estimate(app, e_opt);
  add_synth(app);
  add_power(app, p_opt);
  add_sweep(app, s_opt);
  add_report(app, rep_opt);
  add_simulator(app);

  // Exit status (README, "Exit status"): 0 success, 1 bad input or a failed
  // step (the message names the file, key, layer or value), 2 a command line
  // that does not parse or an option out of its range, 3 the RTL disagrees
  // with the golden model.
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "neuroblend: usage error: " << e.what() << "\n(neuroblend --help, or neuroblend COMMAND --help)\n";
    return 2;
  }
  // An ONNX model brings its parameters: --params with it is a usage error.
  for (const ModelOptions* o : {&d_opt, &c_opt, &i_opt, &r_opt, &e_opt, &p_opt, &s_opt, &rep_opt})
    if (!o->params.empty() && nb::is_onnx_path(o->model)) {
      std::cerr << "neuroblend: usage error: --params " << o->params << ": the ONNX model " << o->model
                << " holds its own parameters; drop --params\n";
      return 2;
    }
  try {
    if (describe->parsed()) return run_describe(d_opt);
    if (compile->parsed()) return run_compile(c_opt, c_args);
    if (app.got_subcommand("eval")) return run_eval(v_opt);
    if (app.got_subcommand("run")) return run_run(r_opt);
    if (app.got_subcommand("estimate")) return run_estimate(e_opt);
    if (app.got_subcommand("synth")) return run_synth();
    if (app.got_subcommand("power")) return run_power(p_opt);
    if (app.got_subcommand("sweep")) return run_sweep(s_opt);
    if (app.got_subcommand("sweep-merge")) return run_sweep_merge();
    if (app.got_subcommand("report")) return run_report(rep_opt);
    if (app.got_subcommand("simulator")) return run_simulator();
    return run_infer(app, i_opt);
  } catch (const nb::Error& e) {
    std::cerr << "neuroblend: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "neuroblend: error: " << e.what() << "\n";
    return 1;
  }
}
