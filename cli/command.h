// The subcommands of `neuroblend`, one file each (cli/<name>.cpp). A command
// owns its arguments: add_X registers its options on a CLI11 subcommand
// bound to a fresh arguments object that only its run function sees (no
// command state in globals), and returns how to run it.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

#include "common.h"

namespace nb::cli {

struct Command {
  CLI::App* app = nullptr;
  const ModelOptions* model = nullptr;  // the model options, for a command that takes a model
  std::function<int()> run;             // after parsing, when app was given
};

Command add_describe(CLI::App& app);
Command add_compile(CLI::App& app);
Command add_infer(CLI::App& app);
Command add_eval(CLI::App& app);
Command add_run(CLI::App& app);
Command add_estimate(CLI::App& app);
Command add_synth(CLI::App& app);
Command add_power(CLI::App& app);
Command add_sweep(CLI::App& app);
Command add_sweep_merge(CLI::App& app);
Command add_report(CLI::App& app);
Command add_simulator(CLI::App& app);

}  // namespace nb::cli
