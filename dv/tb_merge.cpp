// Randomized testbench of nb_merge (the merge / requantize units shared by
// the lanes) against a scoreboard that uses the golden model's own
// requantize and binarize (include/neuroblend/compiler/kernels.h, DESIGN §4).
// Random layers (rows, position pairs, binary path or not, relu, logits,
// shift 1..47), each a tile at a random base and window step; windows of
// random dots and accs (with the extremes of their widths) offered with
// random gaps and held until their last group is taken; the bench answers
// the unit's parameter group (grp_o) with that group's M1, M2, bias, tau and
// neg, as nb_lane_params does. Every group's z (stage 2), and outside the
// logits its bytes, bits, mask, lane and address (stage 3), are checked in
// order. Prints "N passed, N failed".
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include "Vnb_merge.h"
#include "neuroblend/compiler/kernels.h"
#include "tb_common.h"

namespace {
constexpr int kLanes = NB_TB_LANES, kMerge = NB_TB_MERGE;

int64_t sext(uint64_t v, int bits) { return int64_t(v << (64 - bits)) >> (64 - bits); }

struct Params {  // one lane's
  int32_t m1, m2;
  int64_t bias;
  int16_t tau;
  uint8_t neg;
};
struct Layer {
  int rows = 1, sh = 1;
  bool pair = false, use_bin = true, relu = false, logits = false;
  uint32_t base = 0, step = 0;
  std::vector<Params> params;  // per lane (lanes Half.. read lane - Half's in pairs)
};
struct ZRow {  // stage 2 of one group
  int64_t z[kMerge];
};
struct YRow {  // stage 3 of one group
  uint32_t addr;
  int lane;
  bool last;
  int8_t y[kMerge];
  int bit[kMerge];
  bool mask[kMerge];
};
}  // namespace

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  auto pick = [&](int64_t lo, int64_t hi) { return lo + int64_t(rng() % uint64_t(hi - lo + 1)); };
  Vnb_merge top;
  top.win_valid_i = 0;
  top.tile_start_i = 0;
  top.sh_i = 1;
  tb::reset(top);

  std::deque<ZRow> zq;
  std::deque<YRow> yq;
  int failures = 0, layers = 0, windows = 0, groups = 0, saturated = 0;
  auto fail = [&](const char* what, long long got, long long want) {
    if (failures < 8)
      std::printf("tb_merge: layer %d, window %d: %s is %lld, expected %lld\n", layers, windows, what, got, want);
    ++failures;
  };
  // The cycle's outputs against the scoreboard (before the clock edge).
  auto check = [&](const Layer& L) {
    if (top.z_valid_o) {
      if (zq.empty()) {
        fail("a z row nobody merged: its first z", sext(tb::get_bits(top.z_row_o, 0, 48), 48), 0);
      } else {
        const ZRow e = zq.front();
        zq.pop_front();
        for (int r = 0; r < kMerge; ++r) {
          const int64_t z = sext(tb::get_bits(top.z_row_o, r * 48, 48), 48);
          if (z != e.z[r]) fail("z", z, e.z[r]);
        }
      }
    }
    if (top.y_valid_o) {
      if (L.logits || yq.empty()) {
        fail("an output row without a window (or of the logits): its address", top.y_addr_o, 0);
      } else {
        const YRow e = yq.front();
        yq.pop_front();
        if (top.y_addr_o != e.addr) fail("the address", top.y_addr_o, e.addr);
        if (int(top.y_lane_o) != e.lane) fail("the first lane", top.y_lane_o, e.lane);
        if (bool(top.y_last_o) != e.last) fail("last", top.y_last_o, e.last);
        for (int r = 0; r < kMerge; ++r) {
          const bool m = (uint64_t(top.y_mask_o) >> r) & 1;
          if (m != e.mask[r]) fail("a mask bit", m, e.mask[r]);
          if (!e.mask[r]) continue;  // lanes past the rows are not written
          const int8_t y = int8_t(tb::get_bits(top.y_bytes_o, r * 8, 8));
          const int bit = int((uint64_t(top.y_bits_o) >> r) & 1);
          if (y != e.y[r]) fail("a byte", y, e.y[r]);
          if (bit != e.bit[r]) fail("a bit", bit, e.bit[r]);
        }
      }
    }
  };
  // A clock cycle: the parameters of the group the unit asks for, the
  // outputs checked, the edge.
  auto cycle = [&](const Layer& L) {
    top.eval();
    const int g = int(top.grp_o);
    for (int r = 0; r < kMerge; ++r) {
      const Params& p = L.params[size_t(g * kMerge + r)];
      tb::set_bits(top.m1_i, r * 18, 18, uint64_t(int64_t(p.m1)));
      tb::set_bits(top.m2_i, r * 18, 18, uint64_t(int64_t(p.m2)));
      tb::set_bits(top.bias_i, r * 48, 48, uint64_t(p.bias));
      tb::set_bits(top.ntau_i, r * 16, 16, uint64_t(int64_t(p.tau)));
      tb::set_bits(top.nneg_i, r, 1, p.neg);
    }
    top.eval();
    check(L);
    tb::tick(top);
    top.tile_start_i = 0;
  };

  Layer L;
  L.params.resize(kLanes);
  const bool pairs_ok = kLanes % 2 == 0 && (kLanes / 2) % kMerge == 0;
  while (windows < NB_TB_WINDOWS && failures == 0) {
    // a new layer and tile, with the merge empty
    ++layers;
    L.pair = pairs_ok && rng() % 3 == 0;
    L.rows = L.pair ? kLanes : int(pick(1, kLanes));
    L.use_bin = rng() % 4 != 0;
    L.relu = rng() % 2;
    L.logits = !L.pair && rng() % 6 == 0;
    L.sh = int(rng() % 5 == 0 ? pick(1, 47) : pick(20, 28));  // about the window sums' scale: some saturate
    L.base = uint32_t(pick(0, 1 << 20));
    L.step = uint32_t(pick(1, 4096));
    // M1, M2 signed 18-bit, the bias and z signed 48-bit (the compiler's
    // proven bound |z + 2^(sh-1)| < 2^47): the extremes now and then
    const int64_t big = int64_t(1) << 40;
    for (auto& p : L.params) {
      p.m1 = int32_t(rng() % 8 == 0 ? (rng() % 2 ? nb::kMMax : nb::kMMin) : pick(-4000, 4000));
      p.m2 = int32_t(rng() % 8 == 0 ? (rng() % 2 ? nb::kMMax : nb::kMMin) : pick(-4000, 4000));
      p.bias = rng() % 8 == 0 ? pick(-big, big) : pick(-(int64_t(1) << 24), int64_t(1) << 24);
      p.tau = int16_t(pick(-130, 130));
      p.neg = uint8_t(rng() % 2);
    }
    top.rows_i = uint16_t(L.rows);
    top.pair_i = L.pair;
    top.use_bin_i = L.use_bin;
    top.relu_i = L.relu;
    top.logits_i = L.logits;
    top.sh_i = uint8_t(L.sh);
    top.tile_base_i = L.base;
    top.win_step_i = L.step;
    top.tile_start_i = 1;
    cycle(L);  // the tile's start; the rounding constant follows sh
    const int nwin = int(pick(1, 12));
    for (int w = 0; w < nwin && failures == 0; ++w, ++windows) {
      // the window: every lane's dot and acc
      std::vector<int32_t> dot(kLanes), acc(kLanes);
      for (int l = 0; l < kLanes; ++l) {
        dot[size_t(l)] = int32_t(rng() % 16 == 0 ? (rng() % 2 ? 32767 : -32768) : pick(-600, 600));
        acc[size_t(l)] = int32_t(rng() % 16 == 0 ? pick(-(int64_t(1) << 28), int64_t(1) << 28) : pick(-100000, 100000));
        tb::set_bits(top.dots_i, l * 16, 16, uint64_t(int64_t(dot[size_t(l)])));
        tb::set_bits(top.accs_i, l * 32, 32, uint64_t(int64_t(acc[size_t(l)])));
      }
      // gaps before it
      for (int gap = int(rng() % 3 == 0 ? pick(1, 4) : 0); gap > 0; --gap) cycle(L);
      // its groups, one a cycle, while it is offered
      const int ngroups = (L.rows + kMerge - 1) / kMerge;
      for (int g = 0; g < ngroups; ++g, ++groups) {
        ZRow zr{};
        YRow yr{};
        yr.addr = L.base + uint32_t(w) * L.step + uint32_t(g * kMerge);
        yr.lane = g * kMerge;
        yr.last = g == ngroups - 1;
        for (int r = 0; r < kMerge; ++r) {
          const int lane = g * kMerge + r;
          const int plane = L.pair && lane >= kLanes / 2 ? lane - kLanes / 2 : lane;
          const Params& p = L.params[size_t(plane)];
          const int64_t d = L.use_bin ? dot[size_t(lane)] : 0;
          const int64_t z = int64_t(p.m1) * d + int64_t(p.m2) * acc[size_t(lane)] + p.bias;
          zr.z[r] = sext(uint64_t(z), 48);
          yr.y[r] = nb::requantize(zr.z[r], L.sh, L.relu);
          saturated += yr.y[r] == 127 || yr.y[r] == -128;
          yr.bit[r] = nb::binarize(yr.y[r], p.tau, p.neg);
          yr.mask[r] = lane < L.rows;
        }
        zq.push_back(zr);
        if (!L.logits) yq.push_back(yr);
        top.win_valid_i = 1;
        top.eval();
        const bool ready = top.win_ready_o;
        if (ready != yr.last) fail("win_ready_o", ready, yr.last);
        cycle(L);
      }
      top.win_valid_i = 0;
    }
    // drain: stages 2 and 3
    for (int i = 0; i < 4; ++i) cycle(L);
    if (!zq.empty() || !yq.empty()) fail("rows still expected after the drain", long(zq.size() + yq.size()), 0);
  }
  std::printf("tb_merge: %d layers, %d windows, %d groups (%d saturated outputs)\n", layers, windows, groups, saturated);
  return tb::result(failures);
}
