// `neuroblend describe`: per-layer shapes, MACs and parameter bits.
#include <iostream>

#include "command.h"
#include "neuroblend/describe.h"

namespace nb::cli {

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
}  // namespace

Command add_describe(CLI::App& app) {
  auto o = std::make_shared<ModelOptions>();
  auto* c = app.add_subcommand("describe", "Per-layer shapes, MACs and parameter bits; model size vs float32");
  o->add_model(c);
  return {c, o.get(), [o] { return run_describe(*o); }};
}

}  // namespace nb::cli
