// Options shared by the subcommands, and the model + parameters they load.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/dataset.h"
#include "neuroblend/image.h"
#include "neuroblend/model.h"
#include "neuroblend/params.h"

namespace nb::cli {

struct ModelOptions {
  std::string model;
  std::string params;       // .npz; empty: seeded random parameters
  uint64_t seed = 1;        // for random parameters
  int calib = 32;                       // calibration images (synthetic, or drawn from the set below)
  std::vector<std::string> calib_input;  // a set of real images (files, folders, datasets' files)
  std::string calib_dataset;             // or a dataset's train split (set by --dataset)
  uint64_t calib_seed = 1;               // which --calib images of the set
  std::string format;       // cifar10 | cifar100 for .bin inputs
  bool json = false;

  void add_model(CLI::App* app);
  void add_params(CLI::App* app);
  void add_calib(CLI::App* app);
  // The model, its parameters and calibration: what a command that compiles needs.
  void add_compiled(CLI::App* app) {
    add_model(app);
    add_params(app);
    add_calib(app);
  }
};

// The image inputs of a command: --input (files, folders, list files),
// --labels, --dataset NAME --split test|train (include/neuroblend/dataset.h).
struct InputArgs {
  std::vector<std::string> inputs;
  std::string labels, dataset, split = "test";

  // A --dataset also becomes o's calibration set (its train split) unless --calib-input is given.
  void add(CLI::App* app, ModelOptions& o);
  bool given() const { return !inputs.empty() || !dataset.empty(); }
  // At most `limit` images (-1: all), checked against the model's input.
  std::vector<Image> read(const ModelOptions& o, const ModelSpec& m, int64_t limit) const;
  // Class names when the dataset has them, else empty.
  std::vector<std::string> class_names() const;
};

struct Loaded {
  ModelSpec spec;
  Params params;
  std::string params_source;  // "random(seed=N)" or the file
};

// Parameters for `spec` (read with --params, or drawn from --seed).
Loaded load(const ModelOptions& o, ModelSpec spec);
Loaded load(const ModelOptions& o);
CifarKind cifar_kind(const ModelOptions& o, const ModelSpec& m);
CompiledModel compile_with(const ModelOptions& o, const Loaded& l);

}  // namespace nb::cli
