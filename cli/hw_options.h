// Hardware configuration options shared by run, estimate, report and sweep:
// flags or a --config JSON file, checked, resolved into one Hw.
#pragma once
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/hw_spec.h"
#include "neuroblend/image.h"
#include "neuroblend/perf.h"

namespace nb::cli {

// The hardware (name: of a built configuration, or its key) and the
// run-time settings around it.
struct Hw : HwConfig {
  double clock_mhz = 200, dram_bw = 8;
  int dram_latency = 20;
  // The specification's defaults (rtl/spec/nb_hw.json); merge units derived from the lanes.
  Hw()
      : HwConfig{"", hw::param::kLanes.def, hw::param::kWpl.def, hw::param::kMacs.def, hw::param::kXnorImpl.def,
                 hw::param::kActBytes.def, hw::param::kMaxKw.def, hw::param::kMaxFixEntries.def,
                 hw::param::kMaxClasses.def} {}
};

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

std::string shell_quote(const std::string& s);
// Runs the shell command `cmd`, every line of its output (stdout and stderr)
// into the file `log` (appended when `append`), and echoes to stderr, as
// "neuroblend: TAG: LINE", the lines that match `progress`: a build or a
// synthesis of minutes shows how far it is. Returns the exit status.
int run_logged(const std::string& cmd, const std::string& log, bool append, const std::regex& progress,
               const std::string& tag);

}  // namespace nb::cli
