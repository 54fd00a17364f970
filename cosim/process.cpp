#include "neuroblend/cosim/process.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "neuroblend/error.h"

namespace nb {

std::string shell_quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

int run_logged(const std::string& cmd, const std::string& log, bool append, const std::regex& progress,
               const std::string& tag) {
  std::ofstream out(log, append ? std::ios::app : std::ios::trunc);
  if (!out) throw Error("cannot write " + log);
  FILE* p = popen(("(" + cmd + ") 2>&1").c_str(), "r");
  if (!p) throw Error("cannot run: " + cmd);
  std::string line;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) {
    line += buf;
    if (line.back() != '\n') continue;  // a line longer than the buffer: read on
    out << line;
    line.pop_back();
    if (std::regex_search(line, progress)) std::cerr << fmt::format("neuroblend: {}: {}\n", tag, line);
    line.clear();
  }
  out << line;
  const int status = pclose(p);
  return status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace nb
