// What the subcommands share: the model options, loading a model with its
// parameters, calibrating and compiling it.
#include "common.h"

#include <fmt/format.h>

#include "neuroblend/error.h"
#include "neuroblend/compiler/interchange.h"
#include "neuroblend/onnx_import.h"
#include "neuroblend/compiler/program.h"

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

}  // namespace nb::cli
