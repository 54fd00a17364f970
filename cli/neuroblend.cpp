// neuroblend: the command-line front end. Thin: each subcommand is a file
// of its own (cli/command.h); the work is in the libraries.
#include <CLI/CLI.hpp>
#include <iostream>

#include "command.h"
#include "neuroblend/error.h"
#include "neuroblend/onnx_import.h"

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

  std::vector<Command> commands;
  for (auto add : {add_describe, add_compile, add_infer, add_eval, add_run, add_estimate, add_synth, add_power,
                   add_sweep, add_sweep_merge, add_report, add_simulator})
    commands.push_back(add(app));

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
  for (const Command& c : commands)
    if (c.app->parsed() && c.model && !c.model->params.empty() && nb::is_onnx_path(c.model->model)) {
      std::cerr << "neuroblend: usage error: --params " << c.model->params << ": the ONNX model " << c.model->model
                << " holds its own parameters; drop --params\n";
      return 2;
    }
  try {
    for (const Command& c : commands)
      if (c.app->parsed()) return c.run();
    return 2;  // unreachable: a subcommand is required
  } catch (const nb::Error& e) {
    std::cerr << "neuroblend: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "neuroblend: error: " << e.what() << "\n";
    return 1;
  }
}
