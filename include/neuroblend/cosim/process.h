// Running the tools the co-simulation and synthesis need (CMake builds,
// Verilator through them, Yosys, the co-simulator itself) as processes.
#pragma once
#include <regex>
#include <string>

namespace nb {

std::string shell_quote(const std::string& s);
// Runs the shell command `cmd`, every line of its output (stdout and stderr)
// into the file `log` (appended when `append`), and echoes to stderr, as
// "neuroblend: TAG: LINE", the lines that match `progress`: a build or a
// synthesis of minutes shows how far it is. Returns the exit status.
int run_logged(const std::string& cmd, const std::string& log, bool append, const std::regex& progress,
               const std::string& tag);

}  // namespace nb
