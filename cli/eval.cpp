// `neuroblend eval`: accuracy of the integer golden model (and of the float
// reference) over a labelled set, their agreement and the confusion matrix.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "neuroblend/error.h"
#include "neuroblend/float_model.h"
#include "neuroblend/compiler/golden.h"
#include "neuroblend/compiler/kernels.h"

namespace nb::cli {

namespace {

struct EvalArgs {
  ModelOptions o;
  InputArgs in;
  int64_t limit = -1;
  bool no_float = false;
  int jobs = 1;
};

// A progress bar on stderr when it is a terminal, otherwise a line every 10 %.
class Progress {
 public:
  Progress(size_t total, const char* what) : total_(total), what_(what), tty_(isatty(2)) {}
  void step(size_t done) {
    if (tty_) {
      if (done != total_ && done % 64) return;
      int w = 40, fill = int(double(w) * double(done) / double(total_));
      std::cerr << fmt::format("\r{} [{}{}] {}/{}", what_, std::string(size_t(fill), '#'),
                               std::string(size_t(w - fill), ' '), done, total_)
                << (done == total_ ? "\n" : "") << std::flush;
    } else if (total_ >= 1000 && done * 10 / total_ != (done - 1) * 10 / total_) {
      std::cerr << fmt::format("{}: {}/{}\n", what_, done, total_);
    }
  }

 private:
  size_t total_;
  const char* what_;
  bool tty_;
};

}  // namespace

int run_eval(const EvalArgs& args);

Command add_eval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  ModelOptions& o = args->o;
  auto* e = app.add_subcommand("eval",
                               "Accuracy of the integer golden model and the float reference over a labelled set "
                               "(e.g. --dataset fashion-mnist): agreement, confusion matrix");
  o.add_compiled(e);
  args->in.add(e, o);
  e->add_option("--limit", args->limit, "At most the first N images of the set")->check(CLI::Range(1, 100000000));
  e->add_option("--jobs", args->jobs, "Threads, each on a share of the images")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  e->add_flag("--no-float", args->no_float, "Only the integer golden model (faster; no float accuracy or agreement)");
  return {e, &args->o, [args] { return run_eval(*args); }};
}

int run_eval(const EvalArgs& args) {
  const ModelOptions& o = args.o;
  const EvalArgs& a = args;
  if (!a.in.given()) throw Error("eval: give --dataset NAME or --input FILES (with labels)");
  ModelSpec spec = load_model(o.model);
  std::vector<Image> images = a.in.read(o, spec, a.limit);
  for (const Image& im : images)
    if (im.label < 0) throw Error(fmt::format("eval: {} has no label (give --labels, or a labelled input)", im.source));
  if (images.empty()) throw Error("eval: no images");
  const int classes = spec.classes;
  for (const Image& im : images)
    if (im.label >= classes)
      throw Error(fmt::format("eval: {}: label {} but the model has {} classes", im.source, im.label, classes));

  Loaded l = load(o, spec);
  CompiledModel cm = compile_with(o, l);
  GoldenModel g(cm);
  const size_t n = images.size();
  std::vector<int> int_pred(n), float_pred(n, -1);
  using clock = std::chrono::steady_clock;
  std::vector<double> golden_t(size_t(a.jobs), 0.0), float_t(size_t(a.jobs), 0.0);
  Progress bar(n, "eval");
  std::mutex mu;
  size_t done = 0;
  std::exception_ptr err;
  auto worker = [&](size_t t) {
    try {
      for (size_t k = t; k < n; k += size_t(a.jobs)) {  // image k on thread k mod jobs: results independent of jobs
        auto t0 = clock::now();
        int_pred[k] = g.run(images[k], false, false).prediction;
        auto t1 = clock::now();
        golden_t[t] += std::chrono::duration<double>(t1 - t0).count();
        if (!a.no_float) {
          float_pred[k] = [&] {
            const std::vector<TensorF> outs = float_forward(l.spec, l.params, images[k]);
            return argmax(outs.back().data.data(), int(outs.back().data.size()));
          }();
          float_t[t] += std::chrono::duration<double>(clock::now() - t1).count();
        }
        std::lock_guard<std::mutex> lock(mu);
        bar.step(++done);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!err) err = std::current_exception();
    }
  };
  const auto w0 = clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < a.jobs; ++t) pool.emplace_back(worker, size_t(t));
  for (auto& t : pool) t.join();
  if (err) std::rethrow_exception(err);
  const double wall = std::chrono::duration<double>(clock::now() - w0).count();
  double golden_s = 0, float_s = 0;  // thread time in each model
  for (int t = 0; t < a.jobs; ++t) golden_s += golden_t[size_t(t)], float_s += float_t[size_t(t)];

  int int_ok = 0, float_ok = 0, agree = 0;
  std::vector<std::vector<int>> confusion(size_t(classes), std::vector<int>(size_t(classes), 0));
  for (size_t k = 0; k < n; ++k) {
    int_ok += int_pred[k] == images[k].label;
    float_ok += float_pred[k] == images[k].label;
    agree += float_pred[k] == int_pred[k];
    ++confusion[size_t(images[k].label)][size_t(int_pred[k])];
  }
  std::vector<std::string> names = a.in.class_names();
  std::string source = a.in.dataset.empty() ? fmt::format("{}", fmt::join(a.in.inputs, " "))
                                            : fmt::format("{} ({} split)", a.in.dataset, a.in.split);
  std::string calib = !o.calib_input.empty()    ? fmt::format("{} images of {}", o.calib, fmt::join(o.calib_input, " "))
                      : !o.calib_dataset.empty() ? fmt::format("{} images of {} (train split)", o.calib, o.calib_dataset)
                                                 : fmt::format("{} synthetic images", o.calib);

  if (o.json) {
    nlohmann::json j;
    j["model"] = cm.model;
    j["params"] = l.params_source;
    j["input"] = source;
    j["calibration"] = calib;
    j["images"] = n;
    j["accuracy_int"] = double(int_ok) / double(n);
    j["correct_int"] = int_ok;
    if (!a.no_float) {
      j["accuracy_float"] = double(float_ok) / double(n);
      j["correct_float"] = float_ok;
      j["agreement"] = double(agree) / double(n);
      j["float_ms_per_image"] = 1e3 * float_s / double(n);
    }
    j["confusion_int"] = confusion;  // [label][prediction]
    if (!names.empty()) j["class_names"] = names;
    j["golden_ms_per_image"] = 1e3 * golden_s / double(n);
    j["golden_kernels"] = kernel_isa();
    j["jobs"] = a.jobs;
    j["wall_seconds"] = wall;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("{}: {} labelled images of {}, parameters {}\n", cm.model, n, source, l.params_source);
  fmt::print("calibration: {}\n\n", calib);
  fmt::print("accuracy, integer golden model: {}/{} ({:.2f} %)\n", int_ok, n, 100.0 * int_ok / double(n));
  if (!a.no_float) {
    fmt::print("accuracy, float reference:      {}/{} ({:.2f} %)\n", float_ok, n, 100.0 * float_ok / double(n));
    fmt::print("top-1 agreement, integer vs float: {}/{} ({:.2f} %)\n", agree, n, 100.0 * agree / double(n));
  }
  fmt::print("\nconfusion matrix of the integer model (rows: label, columns: prediction; last: recall)\n");
  fmt::print("{:>6}", "");
  for (int c = 0; c < classes; ++c) fmt::print(" {:>5}", c);
  fmt::print(" {:>7}\n", "recall");
  for (int r = 0; r < classes; ++r) {
    int row = 0;
    for (int c = 0; c < classes; ++c) row += confusion[size_t(r)][size_t(c)];
    if (row == 0 && classes > 20) continue;  // large label sets: only the classes present
    fmt::print("{:>6}", r);
    for (int c = 0; c < classes; ++c) fmt::print(" {:>5}", confusion[size_t(r)][size_t(c)]);
    fmt::print(" {:>6.1f}%{}\n", row ? 100.0 * confusion[size_t(r)][size_t(r)] / row : 0.0,
               size_t(r) < names.size() ? "  " + names[size_t(r)] : std::string());
  }
  fmt::print("\ngolden model {:.3f} ms/image ({} kernels){}, per thread; {:.1f} s wall on {} thread(s)\n",
             1e3 * golden_s / double(n), kernel_isa(),
             a.no_float ? std::string() : fmt::format(", float reference {:.3f} ms/image", 1e3 * float_s / double(n)),
             wall, a.jobs);
  return 0;
}

}  // namespace nb::cli
