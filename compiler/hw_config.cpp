#include "neuroblend/compiler/hw_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/hw_spec.h"
#include "neuroblend/compiler/program.h"

namespace nb {

int default_merge_lanes(int lanes) {
  // A quarter of the lanes (at most 8: a write run of the int8 buffers is
  // at most a memory beat), rounded down to a divisor of them: a tile's
  // outputs then take four cycles or so to merge, about the three or more
  // cycles a binary 3x3 window takes.
  for (int r = std::min(8, std::max(1, lanes / 4)); r > 1; --r)
    if (lanes % r == 0) return r;
  return 1;
}

int HwConfig::merge() const {
  return merge_lanes ? merge_lanes : default_merge_lanes(lanes);
}

// The derived sizes are the hardware specification's (rtl/spec/nb_hw.json
// "derived"), the expressions nb_pkg's functions compute.
int HwConfig::bin_weight_abits() const { return hw::kBinWeightAbits(max_kw, wpl); }
int HwConfig::fix_weight_abits() const { return hw::kFixWeightAbits(max_fix_entries); }

WeightSlots weight_slots(const CompiledModel& cm, const HwConfig& hw) {
  namespace f = hw::desc;
  WeightSlots w;
  w.bin_capacity = int64_t(2) << hw.bin_weight_abits();
  w.fix_capacity = int64_t(2) << hw.fix_weight_abits();
  const ProgramLayout lay = layout_program(cm);
  for (const Desc& d : lay.desc) {
    const int64_t tiles = (int64_t(d[f::kRows]) + hw.lanes - 1) / hw.lanes;
    const bool use_bin = d.uses_binary(), use_mac = d.uses_int8_weights();
    if (use_bin) w.bin += tiles * ((int64_t(d[f::kKw]) + hw.wpl - 1) / hw.wpl);
    if (use_mac) w.fix += tiles * int64_t(d[f::kFixRowBytes] / 8);
  }
  return w;
}

bool HwConfig::pairs() const { return hw::kPairOk(lanes, merge()) != 0; }

std::string HwConfig::key() const {
  return fmt::format("l{}w{}m{}x{}a{}k{}f{}c{}g{}", lanes, wpl, macs, xnor_dsp, act_bytes, max_kw, max_fix_entries,
                     max_classes, merge());
}

void check_fits(const CompiledModel& cm, const HwConfig& hw) {
  for (size_t i = 0; i < cm.layers.size(); ++i) {
    const QLayer& q = cm.layers[i];
    std::string where = fmt::format("layer {} ('{}')", i, q.name);
    if (q.axis == Axis::Token && q.in.c > hw::kMaxTokenCh)
      throw Error(fmt::format("{}: a token-mixing layer of {} channels exceeds the RTL's {} (its positions)", where,
                              q.in.c, hw::kMaxTokenCh));
    if (i == 0 && q.kbin)
      throw Error(
          fmt::format("{}: the first layer has a binary path; the RTL binarizes when a layer writes its "
                      "output, so the first layer must be fixed-point",
                      where));
    if (q.in.size() > hw.act_bytes || q.out.size() > hw.act_bytes)
      throw Error(fmt::format("{}: tensor {} -> {} does not fit the {}-byte activation buffers of configuration '{}'",
                              where, q.in.str(), q.out.str(), hw.act_bytes, hw.name));
    int64_t kw = (q.kbin + 47) / 48, entries = (q.kfix + 7) / 8;
    if (kw > hw.max_kw)
      throw Error(fmt::format("{}: {} binary words per output exceed the lane's {} (configuration '{}')", where, kw,
                              hw.max_kw, hw.name));
    if (entries * 8 > hw.max_fix_entries * 8)
      throw Error(fmt::format("{}: {} int8 weights per output exceed the lane's {} (configuration '{}')", where, q.kfix,
                              hw.max_fix_entries * 8, hw.name));
    if (q.logits && q.out.c > hw.max_classes)
      throw Error(fmt::format("{}: {} classes exceed the {} logit registers", where, q.out.c, hw.max_classes));
    if (q.kind == LayerKind::BlendConv && q.skip == SkipKind::Identity && hw.lanes > 64)
      throw Error(fmt::format("{}: identity skip needs at most 64 lanes", where));
  }
}


// The configuration file (and a sweep list's entries, and the
// configuration a sweep row records).

namespace {
bool is_pow2(int v) {
  return v > 0 && (v & (v - 1)) == 0;
}
// A parameter's legal values as the text of an error: "1..64", "1, 2, 4 or 8".
std::string legal_text(const hw::Param& p) {
  if (p.nvalues == 0) return fmt::format("{}..{}", p.min, p.max);
  std::string t;
  for (int i = 0; i < p.nvalues; ++i)
    t += fmt::format("{}{}", i == 0 ? "" : i + 1 == p.nvalues ? " or " : ", ", p.values[size_t(i)]);
  return t;
}
}  // namespace

// Strict reader of a configuration file: every key known, each checked.
void read_config(const std::string& path, Hw& hw) {
  apply_config(read_json_file(path, "configuration"), path, hw);
}

void apply_config(const nlohmann::json& j, const std::string& path, Hw& hw) {
  if (!j.is_object()) throw Error(fmt::format("{}: expected an object", path));
  for (auto& item : j.items()) {
    // named, not structured bindings: lambdas capture these (clang refuses bindings in C++17)
    const std::string k = item.key();
    const nlohmann::json& v = item.value();
    auto integer = [&](int lo, int hi) {
      if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
        throw Error(fmt::format("{}: key '{}' must be an integer in [{}, {}], got {}", path, k, lo, hi, v.dump()));
      return v.get<int>();
    };
    auto number = [&](double lo, double hi) {
      if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi)
        throw Error(fmt::format("{}: key '{}' must be a number in [{}, {}], got {}", path, k, lo, hi, v.dump()));
      return v.get<double>();
    };
    // a hardware parameter's range: rtl/spec/nb_hw.json
    auto param = [&](const hw::Param& p) { return integer(p.min, p.max); };
    if (k == "lanes")
      hw.lanes = param(hw::param::kLanes);
    else if (k == "words_per_lane")
      hw.wpl = param(hw::param::kWpl);
    else if (k == "macs")
      hw.macs = param(hw::param::kMacs);
    else if (k == "xnor") {
      if (!v.is_string() || (v != "dsp" && v != "lut"))
        throw Error(fmt::format("{}: key 'xnor' must be \"dsp\" or \"lut\", got {}", path, v.dump()));
      hw.xnor_dsp = v == "dsp";
    } else if (k == "act_bytes")
      hw.act_bytes = param(hw::param::kActBytes);
    else if (k == "max_kw")
      hw.max_kw = param(hw::param::kMaxKw);
    else if (k == "max_fix_entries")
      hw.max_fix_entries = param(hw::param::kMaxFixEntries);
    else if (k == "max_classes")
      hw.max_classes = param(hw::param::kMaxClasses);
    else if (k == "merge_lanes")
      hw.merge_lanes = param(hw::param::kMergeLanes);
    else if (k == "clock_mhz")
      hw.clock_mhz = number(1, 2000);
    else if (k == "dram_latency")
      hw.dram_latency = integer(1, 100000);
    else if (k == "dram_bytes_per_cycle")
      hw.dram_bw = number(0.01, 8);
    else
      throw Error(fmt::format("{}: unknown key '{}'", path, k));
  }
}

void check_hw(const Hw& hw, const std::string& where) {
  // legal values: rtl/spec/nb_hw.json
  for (auto [p, v] : {std::pair{&hw::param::kLanes, hw.lanes}, {&hw::param::kWpl, hw.wpl}, {&hw::param::kMacs, hw.macs}})
    if (!p->legal(v)) throw Error(fmt::format("{}{} = {}: must be {}", where, p->key, v, legal_text(*p)));
  if (hw.merge_lanes < 0 || hw.merge_lanes > hw.lanes || (hw.merge_lanes && hw.lanes % hw.merge_lanes != 0))
    throw Error(fmt::format("{}merge_lanes = {}: must divide lanes = {}", where, hw.merge_lanes, hw.lanes));
  if (hw.act_bytes % 64 != 0 || !is_pow2(hw.act_bytes / 64))
    throw Error(fmt::format("{}act_bytes = {}: must be 64 times a power of two", where, hw.act_bytes));
}

nlohmann::json hw_json(const Hw& hw) {
  return {{"name", hw.name},
          {"lanes", hw.lanes},
          {"words_per_lane", hw.wpl},
          {"macs", hw.macs},
          {"merge_lanes", hw.merge()},
          {"xnor", hw.xnor_dsp ? "dsp" : "lut"},
          {"act_bytes", hw.act_bytes},
          {"clock_mhz", hw.clock_mhz},
          {"dram_latency", hw.dram_latency},
          {"dram_bytes_per_cycle", hw.dram_bw}};
}

Hw hw_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw Error(fmt::format("{}: expected a configuration object", where));
  Hw hw;
  // exactly the keys hw_json writes
  const nlohmann::json written = hw_json(hw);
  for (auto it = written.begin(); it != written.end(); ++it)
    if (!j.contains(it.key())) throw Error(fmt::format("{}: key '{}' missing", where, it.key()));
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!written.contains(it.key())) throw Error(fmt::format("{}: unknown key '{}'", where, it.key()));
  if (!j["name"].is_string()) throw Error(fmt::format("{}: key 'name' must be a string", where));
  nlohmann::json keys = j;
  keys.erase("name");
  apply_config(keys, where, hw);
  check_hw(hw, where + ": ");
  hw.name = j["name"].get<std::string>();
  return hw;
}

}  // namespace nb
