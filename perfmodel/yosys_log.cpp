#include "neuroblend/perfmodel/yosys_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "neuroblend/error.h"

namespace nb {

Resources parse_yosys_stat(const std::string& log) {
  // The totals follow the last "=== design hierarchy ===" (or the only module's stat).
  size_t at = log.rfind("=== design hierarchy ===");
  if (at == std::string::npos) at = log.rfind("Number of cells");
  if (at == std::string::npos) throw Error("no Yosys statistics in the synthesis log");
  std::istringstream in(log.substr(at));
  std::map<std::string, double> cells;
  std::string line;
  std::regex cell(R"(^\s+([A-Z][A-Z0-9_]+)\s+(\d+)\s*$)"), cell2(R"(^\s+(\d+)\s+([A-Z][A-Z0-9_]+)\s*$)");
  std::smatch mt;
  while (std::getline(in, line)) {
    if (std::regex_match(line, mt, cell)) cells[mt[1]] += std::stod(mt[2]);
    else if (std::regex_match(line, mt, cell2)) cells[mt[2]] += std::stod(mt[1]);
  }
  Resources r;
  for (auto& [name, n] : cells) {
    if (name.rfind("LUT", 0) == 0 && name.size() == 4) r.lut += n;
    else if (name == "FDRE" || name == "FDCE" || name == "FDSE" || name == "FDPE") r.ff += n;
    else if (name == "DSP48E2") r.dsp += n;
    else if (name == "RAMB36E2") r.bram36 += n;
    else if (name == "RAMB18E2") r.bram36 += n / 2;
    else if (name == "RAM64M8" || name == "RAM32M16" || name == "RAM256X1D" || name == "RAM512X1S") r.lutram += 8 * n;
    else if (name == "RAM64M" || name == "RAM32M" || name == "RAM128X1D" || name == "RAM256X1S") r.lutram += 4 * n;
    else if (name == "RAM64X1D" || name == "RAM32X1D" || name == "RAM128X1S") r.lutram += 2 * n;
    else if (name == "RAM64X1S" || name == "RAM32X1S" || name == "SRL16E" || name == "SRLC32E") r.lutram += n;
  }
  if (cells.empty()) throw Error("no cell counts in the synthesis log");
  return r;
}

namespace {
// "$paramod$<hash>\nb_window", "$paramod\nb_dsp_xnor\Impl=...", "nb_popcount" -> the module's name.
std::string fold_module_name(std::string name) {
  if (name.rfind("$paramod", 0) != 0) return name;
  size_t b = name.find('\\');
  if (b == std::string::npos) return name;
  size_t e = name.find('\\', b + 1);
  return name.substr(b + 1, e == std::string::npos ? e : e - b - 1);
}

// "\u_fwin.u_gen.off_q [1]" -> "u_fwin.u_gen.off_q[1]"; Yosys's generated
// names are kept as they are.
std::string clean_signal(std::string s) {
  if (!s.empty() && s[0] == '\\') s.erase(0, 1);
  if (s.rfind("$flatten\\", 0) == 0) s.erase(0, 9);
  size_t sp = s.find(" [");
  if (sp != std::string::npos) s.erase(sp, 1);
  return s;
}

// The instance path a flattened cell belongs to: "$flatten\u_fwin.\u_gen.$abc..." -> "u_fwin.u_gen".
std::string cell_instance(const std::string& cell) {
  if (cell.rfind("$flatten\\", 0) != 0) return "";
  std::string rest = cell.substr(8), out;  // "\u_fwin.\u_gen.$abc..."
  size_t at = 0;
  while (at < rest.size() && rest[at] == '\\') {
    size_t dot = rest.find('.', at);
    if (dot == std::string::npos) break;
    out += (out.empty() ? "" : ".") + rest.substr(at + 1, dot - at - 1);
    at = dot + 1;
  }
  return out;
}
}  // namespace

double LogicPath::estimate_ns() const { return 0.3 + 0.5 * lut + 0.7 * lutram + 0.2 * muxf + 0.1 * carry4; }

PathReport parse_yosys_paths(const std::string& log) {
  PathReport rep;
  std::istringstream in(log);
  std::string line;
  std::regex head(R"(^Longest topological path in (\S+) \(length=-?\d+\):\s*$)");
  std::regex step(R"(^\s+(\d+): (.*?)(?: \(via (\S+)\))?\s*$)");
  std::smatch mt;
  std::vector<LogicPath> all;
  LogicPath* cur = nullptr;
  while (std::getline(in, line)) {
    if (std::regex_match(line, mt, head)) {
      all.emplace_back();
      cur = &all.back();
      cur->module = fold_module_name(mt[1]);
      continue;
    }
    if (!cur) continue;
    if (!std::regex_match(line, mt, step)) {
      cur = nullptr;
      continue;
    }
    std::string sig = clean_signal(mt[2]), via = mt[3];
    if (cur->from.empty()) cur->from = sig;
    cur->to = sig;
    if (via.empty()) continue;
    if (via.size() >= 4 && via.compare(via.size() - 4, 4, ".lut") == 0) ++cur->lut;
    else if (via.find(".muxf") != std::string::npos) ++cur->muxf;
    else if (via.find(".carry_") != std::string::npos) ++cur->carry4;
    else if (via.find(".lutram_") != std::string::npos) ++cur->lutram;
    std::string inst = cell_instance(via);
    if (cur->through.empty() || cur->through.back() != inst) cur->through.push_back(inst);
  }
  if (all.empty()) return rep;
  rep.found = true;
  // The last path is the flattened design's; before it, one per module (the
  // top's own, hierarchical one counts submodules as cells: left out).
  rep.design = all.back();
  for (size_t i = 0; i + 1 < all.size(); ++i)
    if (all[i].module != rep.design.module) rep.modules.push_back(all[i]);
  std::stable_sort(rep.modules.begin(), rep.modules.end(),
                   [](const LogicPath& a, const LogicPath& b) { return a.levels() > b.levels(); });
  // One per module: the deepest of its parameterizations.
  std::vector<LogicPath> uniq;
  for (auto& p : rep.modules)
    if (std::none_of(uniq.begin(), uniq.end(), [&](const LogicPath& u) { return u.module == p.module; }))
      uniq.push_back(p);
  rep.modules = uniq;
  return rep;
}

std::map<std::string, int> parse_yosys_instances(const std::string& log) {
  size_t at = log.rfind("=== design hierarchy ===");
  if (at == std::string::npos) throw Error("no design hierarchy in the synthesis log");
  std::istringstream in(log.substr(at));
  std::string line;
  std::getline(in, line);
  std::map<std::string, int> out;
  // Submodules the model counts as nb_top's own, fitted logic: the per-lane
  // parameters, whose size follows the lane count itself (one synthesis per
  // lane count otherwise), the window bytes' skew lines (flip-flops only:
  // 168 each at 8 MACs), token mixing's transpose buffer and per-position
  // parameters (one each; the parameters in block RAM), the merge's own
  // control and output stages (nb_merge), the engines' result FIFOs, the
  // performance counters, the controller's loaders and memory arbiter, and
  // its window issue's counters and the weight slots (nb_wslots).
  // A folded module's own children (nb_merge's nb_requant units) count as
  // nb_top's, times its count.
  static const std::set<std::string> folded{"nb_lane_params", "nb_skew",          "nb_transpose",  "nb_pos_params",
                                            "nb_merge",       "nb_fifo",          "nb_perf_counters",
                                            "nb_mem_loader",  "nb_tile_loader",   "nb_mem_arbiter",
                                            "nb_win_issue",   "nb_wslots"};
  std::regex child(R"(^( {5}| {7})(\S+)\s+(\d+)\s*$)");  // depth 1 (five spaces) or 2 (seven)
  std::smatch mt;
  int folded_n = 0;  // the count of the depth-1 folded module whose children follow, or 0
  while (std::getline(in, line)) {
    if (line.find("Number of") != std::string::npos) break;
    if (!std::regex_match(line, mt, child)) {
      if (line.find_first_not_of(' ') != std::string::npos && line.find_first_not_of(' ') < 7) folded_n = 0;
      continue;
    }
    std::string name = fold_module_name(mt[2]);
    const int n = std::stoi(mt[3]);
    if (mt[1].length() == 7) {  // depth 2: only a folded module's children count
      if (folded_n) out[name] += folded_n * n;
      continue;
    }
    folded_n = folded.count(name) ? n : 0;
    if (!folded_n) out[name] += n;
  }
  return out;
}

std::map<std::string, int> instance_counts(const std::vector<ResourcePart>& parts) {
  std::map<std::string, int> out;
  for (const auto& p : parts)
    if (p.name != "nb_top") out[p.name.substr(0, p.name.find(' '))] += p.count;
  return out;
}

std::map<std::string, int> model_instances(const ResourceModel& m, const HwConfig& hw) {
  return instance_counts(resource_parts(m, hw));
}

}  // namespace nb
