#include "neuroblend/perfmodel/activity.h"

#include <fmt/format.h>

#include <fstream>
#include <string>

#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/perfmodel/data_files.h"

namespace nb {

nlohmann::json to_json(const Activity& a) {
  return {{"xnor", a.xnor},       {"popcount", a.popcount}, {"mac_in", a.mac_in}, {"mac_out", a.mac_out},
          {"merge_in", a.merge_in},  {"merge_out", a.merge_out},  {"memory", a.memory}, {"logic", a.logic},
          {"measured", a.measured}, {"source", a.source}};
}

Activity activity_from_coverage(const std::string& path, int images) {
  std::ifstream f(path);
  if (!f) throw Error(fmt::format("cannot open coverage data '{}'", path));
  Activity a;
  std::string line;
  auto ends = [](const std::string& s, const std::string& suf) {
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
  };
  size_t points = 0;
  while (std::getline(f, line)) {
    if (line.rfind("C '", 0) != 0) continue;
    size_t q = line.rfind('\'');
    if (q == std::string::npos || q < 3) continue;
    std::string kv = line.substr(3, q - 3);
    double count = std::stod(line.substr(q + 1));
    std::string h, o;
    for (size_t i = 0; i < kv.size();) {
      size_t k2 = kv.find('\x02', i), k1 = kv.find('\x01', i + 1);
      if (kv[i] != '\x01' || k2 == std::string::npos) break;
      std::string key = kv.substr(i + 1, k2 - i - 1), val = kv.substr(k2 + 1, (k1 == std::string::npos ? kv.size() : k1) - k2 - 1);
      if (key == "h") h = val;
      if (key == "o") o = val;
      i = k1 == std::string::npos ? kv.size() : k1;
    }
    std::string port = o.substr(0, o.find('['));
    ++points;
    if (ends(h, ".u_xnor") && (port == "ab_i" || port == "c_i" || port == "p_o")) a.xnor += count;
    else if (ends(h, ".u_pop")) a.popcount += count;  // ports and the adder tree: LUT logic
    else if (ends(h, ".u_mac") && (port == "a_i" || port == "w_i")) a.mac_in += count;
    else if (ends(h, ".u_mac") && port == "psum_o") a.mac_out += count;
    else if (ends(h, ".u_rq") && port != "z_o" && port != "z") a.merge_in += count;
    else if (ends(h, ".u_rq") && port == "z_o") a.merge_out += count;
    else if ((ends(h, ".u_bytes") || ends(h, ".u_bits")) && (port == "rdata_o" || port == "wdata_i")) a.memory += count;
    else if (ends(h, ".u_bytes_wr") && port == "wdata_i") a.memory += count;  // the int8 banks' write data
    else if (ends(h, ".u_xnor") || ends(h, ".u_mac") || ends(h, ".u_rq"))
      continue;  // inside the DSP48E2 slices (their ports are charged above)
    else if (port == "clk_i" || port == "clk")
      continue;  // the clock: charged per flip-flop (clock_w)
    else
      a.logic += count;
  }
  if (points == 0) throw Error(fmt::format("{}: no coverage points (not Verilator coverage data?)", path));
  for (double* v : {&a.xnor, &a.popcount, &a.mac_in, &a.mac_out, &a.merge_in, &a.merge_out, &a.memory, &a.logic})
    *v /= images;
  a.source = fmt::format("toggle coverage of the RTL co-simulation ({}, {} image(s))", path, images);
  return a;
}

OpCounts op_counts(const CompiledModel& cm, const HwConfig& hw, const std::vector<LayerPerf>& layers) {
  OpCounts c;
  for (size_t i = 0; i < layers.size() && i < cm.layers.size(); ++i) {
    const auto& p = layers[i];
    const QLayer& q = cm.layers[i];
    c.bin_lane_words += double(p.bin_busy) * hw.lanes * hw.wpl;
    c.fix_lane_words += double(p.fix_busy) * hw.lanes;
    double tiles = double((q.rows() + hw.lanes - 1) / hw.lanes);
    double pos = q.kind == LayerKind::AvgPool ? 1.0 : double(q.out.h) * q.out.w;
    c.lane_merges += pos * tiles * hw.lanes;
    c.cycles += double(p.cycles);
  }
  return c;
}

Activity activity_rates(const Activity& a, const OpCounts& c) {
  auto div = [](double x, double n) { return n > 0 ? x / n : 0.0; };
  Activity r;
  r.xnor = div(a.xnor, c.bin_lane_words), r.popcount = div(a.popcount, c.bin_lane_words);
  r.mac_in = div(a.mac_in, c.fix_lane_words), r.mac_out = div(a.mac_out, c.fix_lane_words);
  r.merge_in = div(a.merge_in, c.lane_merges), r.merge_out = div(a.merge_out, c.lane_merges);
  r.memory = div(a.memory, c.bin_lane_words + c.fix_lane_words);
  r.logic = div(a.logic, c.cycles);
  r.source = a.source;
  r.measured = a.measured;
  return r;
}

Activity apply_rates(const Activity& r, const OpCounts& c) {
  Activity a;
  a.xnor = r.xnor * c.bin_lane_words, a.popcount = r.popcount * c.bin_lane_words;
  a.mac_in = r.mac_in * c.fix_lane_words, a.mac_out = r.mac_out * c.fix_lane_words;
  a.merge_in = r.merge_in * c.lane_merges, a.merge_out = r.merge_out * c.lane_merges;
  a.memory = r.memory * (c.bin_lane_words + c.fix_lane_words);
  a.logic = r.logic * c.cycles;
  a.measured = r.measured;
  a.source = r.measured ? "per-operation rates measured in RTL (" + r.source + "), times the cycle model's operation counts"
                        : r.source;
  return a;
}

ActivityRates load_activity_file(const std::string& path) {
  nlohmann::json j = read_data_file(path, "neuroblend-activity-1");
  StrictObject top(j, path);
  top.allow({"format", "note"});
  StrictObject models = top.obj("models");
  top.done();
  ActivityRates out;
  out.file = shown_path(path);
  for (auto it = j["models"].begin(); it != j["models"].end(); ++it) {
    StrictObject m = models.obj(it.key());
    ActivityEntry e;
    e.config = m.str("config");
    e.images = m.integer("images");
    e.params = m.str("params");
    StrictObject r = m.obj("rates");
    m.done();
    Activity& a = e.rates;
    a.xnor = r.num("xnor"), a.popcount = r.num("popcount"), a.mac_in = r.num("mac_in");
    a.mac_out = r.num("mac_out"), a.merge_in = r.num("merge_in"), a.merge_out = r.num("merge_out");
    a.memory = r.num("memory"), a.logic = r.num("logic");
    r.done();
    a.source = fmt::format("{} of {} on configuration {}", out.file, it.key(), e.config);
    out.models[it.key()] = e;
  }
  return out;
}

nlohmann::json to_json(const ActivityRates& r) {
  nlohmann::json j;
  j["format"] = "neuroblend-activity-1";
  j["note"] =
      "Switching activity per operation measured in the RTL co-simulation (Verilator toggle coverage) by "
      "`neuroblend power MODEL --save-rates`; estimate, sweep and report multiply it by each configuration's "
      "operation counts.";
  j["models"] = nlohmann::json::object();
  for (const auto& [name, e] : r.models) {
    nlohmann::json rates = to_json(e.rates);
    rates.erase("source");  // the entry says where they came from
    rates.erase("measured");
    j["models"][name] = {{"config", e.config}, {"images", e.images}, {"params", e.params}, {"rates", rates}};
  }
  return j;
}

void save_activity_file(const std::string& path, const ActivityRates& r) {
  write_text_file(path, to_json(r).dump(2) + "\n");
}

Activity rates_for(const ActivityRates& rates, const std::string& model) {
  auto it = rates.models.find(model);
  if (it != rates.models.end()) return it->second.rates;
  Activity none;
  none.measured = false;
  none.source = fmt::format("none: no activity rates measured for {} in {} (measure them with `neuroblend power "
                            "MODEL --save-rates`); the dynamic power counts the clock tree only",
                            model, rates.file);
  return none;
}

Activity load_activity_rates(const std::string& path, const std::string& model) {
  return rates_for(load_activity_file(path), model);
}

}  // namespace nb
