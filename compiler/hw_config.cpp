#include "neuroblend/compiler/hw_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "neuroblend/error.h"
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

}  // namespace nb
