// `neuroblend infer`: run the integer golden model and the float reference on
// images; print predictions, agreement and per-layer error.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "neuroblend/compiler/agreement.h"
#include "neuroblend/error.h"
#include "neuroblend/compiler/interchange.h"
#include "neuroblend/compiler/program.h"

namespace nb::cli {

namespace {
struct InferArgs {
  ModelOptions o;
  InputArgs in;
  int random = 0;
  uint64_t input_seed = 100;
  int64_t limit = -1;
  std::string dump, program;
  bool per_image = false;
};

// A precompiled program must be the compilation of this model.
void check_program_matches(const CompiledModel& cm, const ModelSpec& m, const std::string& path) {
  if (cm.layers.size() != m.layers.size())
    throw Error(
        fmt::format("{}: program has {} layers, model '{}' has {}", path, cm.layers.size(), m.name, m.layers.size()));
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const auto& q = cm.layers[i];
    const auto& l = m.layers[i];
    if (q.name != l.name || q.kind != l.kind || q.in != l.in || q.out != l.outs)
      throw Error(fmt::format("{}: layer {} is '{}' {} -> {}, model '{}' has '{}' {} -> {}", path, i, q.name,
                              q.in.str(), q.out.str(), m.name, l.name, l.in.str(), l.outs.str()));
  }
}
}  // namespace

int run_infer(const InferArgs& args);

Command add_infer(CLI::App& app) {
  auto args = std::make_shared<InferArgs>();
  ModelOptions& o = args->o;
  auto* c = app.add_subcommand("infer", "Run the integer golden model and the float reference on images");
  o.add_model(c);
  o.add_params(c);
  o.add_calib(c);
  args->in.add(c, o);
  c->add_option("--random", args->random, "Use N seeded synthetic images instead of files")
      ->check(CLI::Range(1, 1000000));
  c->add_option("--input-seed", args->input_seed, "Seed of the --random images")->capture_default_str();
  c->add_option("--limit", args->limit, "At most N images from the inputs")->check(CLI::Range(1, 100000000));
  c->add_option("--dump", args->dump, "Write every layer's tensors as .npy under DIR (docs/interchange.md)");
  c
      ->add_option("--program", args->program,
                   "Run this compiled program (from `compile`) instead of compiling MODEL now; it must come "
                   "from the same model and parameters")
      ->check(CLI::ExistingFile);
  c->add_flag("--per-image", args->per_image, "List every image's predictions (text output)");
  return {c, &args->o, [args] { return run_infer(*args); }};
}

int run_infer(const InferArgs& args) {
  const ModelOptions& o = args.o;
  const InferArgs& a = args;
  if (!a.in.given() && a.random == 0) throw Error("infer: give --input FILE, --dataset NAME or --random N");
  if (a.in.given() && a.random) throw Error("infer: give --input/--dataset or --random, not both");
  // Inputs and files are checked before the (slower) parameters and calibration.
  ModelSpec spec = load_model(o.model);
  std::vector<Image> images;
  if (a.in.given()) images = a.in.read(o, spec, a.limit);
  if (a.random)
    images = synthetic_images(spec.input.shape, a.limit > 0 ? int(std::min<int64_t>(a.limit, a.random)) : a.random,
                              a.input_seed);
  if (images.empty()) throw Error("infer: no images");
  CompiledModel cm;
  if (!a.program.empty()) {
    cm = read_program(a.program);
    check_program_matches(cm, spec, a.program);
  }
  Loaded l = load(o, spec);
  if (a.program.empty()) cm = compile_with(o, l);
  GoldenModel g(cm);
  ImageHook hook;
  if (!a.dump.empty())
    hook = [&](size_t k, const Image& img, const GoldenResult& r, const std::vector<TensorF>& f) {
      dump_tensors(fmt::format("{}/img{:04}", a.dump, k), cm, img, g.input(img), r, &f);
    };
  Agreement ag = compare_models(l.spec, l.params, g, images, true, !a.dump.empty(), hook);
  const size_t n = images.size();

  if (o.json) {
    nlohmann::json j;
    j["model"] = cm.model;
    j["params"] = l.params_source;
    j["images"] = n;
    j["agree"] = ag.agree;
    j["top1_agreement"] = double(ag.agree) / double(n);
    j["top1_agreement_head"] = double(ag.agree_local) / double(n);
    if (ag.labelled) {
      j["labelled"] = ag.labelled;
      j["accuracy_int"] = double(ag.int_correct) / ag.labelled;
      j["accuracy_float"] = double(ag.float_correct) / ag.labelled;
    }
    j["golden_ms_per_image"] = 1e3 * ag.golden_seconds / double(n);
    j["float_ms_per_image"] = 1e3 * ag.float_seconds / double(n);
    j["golden_kernels"] = kernel_isa();
    for (auto& im : ag.images)
      j["predictions"].push_back({{"source", im.source},
                                  {"label", im.label},
                                  {"int", im.int_pred},
                                  {"float", im.float_pred},
                                  {"logit_max_err", im.logit_max_err}});
    for (auto& e : ag.layers)
      j["layers"].push_back({{"name", e.name},
                             {"max_lsb", e.max_lsb},
                             {"mean_lsb", e.mean_lsb()},
                             {"over1_fraction", double(e.over1) / double(e.n)},
                             {"local_max_lsb", e.local_max_lsb},
                             {"local_mean_lsb", e.local_mean_lsb()},
                             {"local_over1_fraction", double(e.local_over1) / double(e.n)}});
    if (!a.dump.empty()) j["dump"] = a.dump;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("{}: {} image(s), parameters {}\n", cm.model, n, l.params_source);
  if (a.per_image || n <= 16) {
    fmt::print("{:>5} {:>6} {:>6} {:>6}  {:<5} {}\n", "image", "label", "float", "int", "agree", "source");
    for (size_t k = 0; k < n; ++k) {
      auto& im = ag.images[k];
      fmt::print("{:>5} {:>6} {:>6} {:>6}  {:<5} {}\n", k, im.label < 0 ? std::string("-") : std::to_string(im.label),
                 im.float_pred, im.int_pred, im.float_pred == im.int_pred ? "yes" : "NO", im.source);
    }
  }
  fmt::print("\nper-layer error of the integer model, in output LSBs (end to end | this layer alone):\n");
  fmt::print("{:<10} {:>8} {:>8} {:>8} | {:>8} {:>8} {:>8}\n", "layer", "max", "mean", ">1 LSB", "max", "mean",
             ">1 LSB");
  for (auto& e : ag.layers)
    fmt::print("{:<10} {:>8.2f} {:>8.3f} {:>7.2f}% | {:>8.2f} {:>8.3f} {:>7.2f}%\n", e.name, e.max_lsb, e.mean_lsb(),
               100.0 * double(e.over1) / double(e.n), e.local_max_lsb, e.local_mean_lsb(),
               100.0 * double(e.local_over1) / double(e.n));
  fmt::print("\ntop-1 agreement, integer vs float model end to end: {}/{} ({:.1f} %)\n", ag.agree, n,
             100.0 * ag.agree / double(n));
  fmt::print("top-1 agreement, integer vs float head on the integer features: {}/{} ({:.1f} %)\n", ag.agree_local, n,
             100.0 * ag.agree_local / double(n));
  if (ag.labelled)
    fmt::print("accuracy on {} labelled images: integer {:.1f} %, float {:.1f} %{}\n", ag.labelled,
               100.0 * ag.int_correct / ag.labelled, 100.0 * ag.float_correct / ag.labelled,
               o.params.empty() ? " (random parameters: chance level expected)" : "");
  fmt::print("golden model {:.3f} ms/image ({} kernels), float reference {:.3f} ms/image (one thread)\n",
             1e3 * ag.golden_seconds / double(n), kernel_isa(), 1e3 * ag.float_seconds / double(n));
  if (!a.dump.empty()) fmt::print("tensors written under {}/\n", a.dump);
  return 0;
}

}  // namespace nb::cli
