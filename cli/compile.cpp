// `neuroblend compile`: fold, quantize, prove widths, write the program file.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "neuroblend/compiler/interchange.h"
#include "neuroblend/compiler/program.h"

namespace nb::cli {

namespace {
struct CompileArgs {
  ModelOptions o;
  std::string out, export_float, export_int;
};

int run_compile(const CompileArgs& a) {
  const ModelOptions& o = a.o;
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

Command add_compile(CLI::App& app) {
  auto a = std::make_shared<CompileArgs>();
  auto* c = app.add_subcommand("compile", "Fold batch norms, quantize, prove widths, write the program file");
  a->o.add_compiled(c);
  c->add_option("-o,--output", a->out, "Compiled program to write (.nbp, docs/program-format.md)")->required();
  c->add_option("--export-float", a->export_float, "Also write the float parameters as .npz");
  c->add_option("--export-int", a->export_int, "Also write the compiled integer parameters as .npz");
  return {c, &a->o, [a] { return run_compile(*a); }};
}

}  // namespace nb::cli
