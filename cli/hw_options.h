// Hardware configuration options shared by run, estimate, report and sweep:
// flags or a --config JSON file, checked, resolved into one Hw.
#pragma once
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/hw_spec.h"
#include "neuroblend/image.h"
#include "neuroblend/perf.h"

namespace nb::cli {

struct HwArgs {
  std::string config_file, xnor;
  int lanes = 0, wpl = 0, macs = 0, merge = 0, latency = -1;
  double clock = 0, bw = 0;
};

void add_hw_options(CLI::App* app, HwArgs& a);
// Reads a configuration file into hw (strict: every key known and checked).
void read_config(const std::string& path, Hw& hw);
// The same for one configuration object; `where` names it in messages (a
// file, or a sweep list's entry "list.json[3]").
void apply_config(const nlohmann::json& j, const std::string& where, Hw& hw);
// Defaults, then the file, then the flags; every value checked.
Hw resolve_hw(const HwArgs& a);
void check_hw(const Hw& hw, const std::string& where);
nlohmann::json hw_json(const Hw& hw);


}  // namespace nb::cli
