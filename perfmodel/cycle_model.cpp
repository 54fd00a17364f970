#include "neuroblend/perfmodel/cycle_model.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "neuroblend/error.h"
#include "neuroblend/compiler/program.h"

namespace nb {

namespace {

using D = Desc;
namespace f = hw::desc;

// The DRAM model's request side (sim/dram.cpp): a request offered in cycle n
// is accepted when the bucket held a beat at the tick that began cycle n;
// the tick that ends cycle n takes the beat and adds `bw` (capped at 16).
// Read data of a request accepted in cycle n is seen in cycle n + 1 + latency.
class Port {
 public:
  explicit Port(double bw) : bw_(bw), full_(bw >= 8) {}
  // Ready during cycle n (n never decreases between calls).
  bool ready(int64_t n) {
    if (full_) return true;
    advance(n);
    return tokens_ >= 8;
  }
  void accept(int64_t n) {
    if (full_) return;
    advance(n);
    taken_ = true;
  }

 private:
  void advance(int64_t n) {
    while (now_ < n) {
      if (!taken_ && tokens_ >= 16) {  // idle and full: nothing changes
        now_ = n;
        break;
      }
      if (taken_) tokens_ -= 8;
      taken_ = false;
      tokens_ = std::min(tokens_ + bw_, 16.0);
      ++now_;
    }
  }
  double bw_;
  bool full_;
  double tokens_ = 16;  // the co-simulation starts each image with a full bucket
  int64_t now_ = 0;
  bool taken_ = false;
};

// Chunk / word shape of one window on one engine (rtl/nb_rungen.sv,
// rtl/nb_gearbox.sv): rows of k pixels x c units read as chunks of up to u.
struct Window {
  int64_t chunks = 0;  // generator cycles with a chunk
  int64_t words = 0;   // gearbox words (engine busy cycles)
  bool flush = false;  // the last chunk overflows the gearbox: one more word, and a gap
};
Window window(int64_t k, int64_t c, int64_t u) {
  Window w;
  int64_t row = k * c, per_row = (row + u - 1) / u, total = k * row;
  w.chunks = k * per_row;
  w.words = (total + u - 1) / u;
  int64_t last = row - (per_row - 1) * u;
  w.flush = (total - last) % u + last > u;
  return w;
}

}  // namespace

bool position_pairs(const Desc& d, const HwConfig& hw) {
  const uint32_t kind = d[f::kKind];
  return hw.pairs() && int64_t(d[f::kRows]) == hw.lanes / 2 && d[f::kOutW] % 2 == 0 && !d[f::kLogits] &&
         !d[f::kOutT] && (kind == hw::kind::kConv || kind == hw::kind::kBlendConv);
}

namespace {

struct Sim {
  const ProgramLayout& lay;
  const HwConfig& hw;
  const MemTiming& mem;
  Port port;
  std::vector<LayerPerf>* out;
  LayerPerf* cur = nullptr;

  // A load of n beats by the memory loader armed in cycle s: the cycle
  // its issue side is seen done (every beat requested; the tile loader
  // moves on to its next step) and the cycle its last beat is seen in.
  // Loads are received in order, so a load's beats are in when those of
  // every load armed before it are.
  struct Load {
    int64_t issued, done;
  };
  Load load2(int64_t s, int64_t n) {
    if (n == 0) return {s + 1, s + 1};
    int64_t c = s + 1, last = s;
    if (mem.bytes_per_cycle >= 8) {
      last = s + n;
    } else {
      for (int64_t i = 0; i < n; ++i) {
        while (!port.ready(c)) ++c;
        port.accept(c);
        last = c++;
      }
    }
    cur->rd_beats += uint64_t(n);
    return {last + 1, last + mem.latency + 2};
  }
  // The controller's loads, one at a time: the cycle it sees done.
  int64_t load(int64_t s, int64_t n) { return load2(s, n).done; }
  // One write (dump beat or record word) offered from cycle c: the cycle it is accepted.
  int64_t write(int64_t c) {
    while (!port.ready(c)) ++c;
    port.accept(c);
    return c;
  }

  // The tile loader armed in cycle a at `step` for tile `first` of layer `li`
  // (`next`: the prefetch of layer li's first tile during layer li - 1):
  // the first cycle it is idle.
  int64_t tiles(int64_t a, int step, size_t li, int64_t first, bool next) {
    const D& d = lay.desc[li];
    // The tau and neg steps read the arrays of the layer after this one. A
    // prefetch goes bias -> next_desc -> tau: next_desc loads the
    // descriptor of layer li + 1 (nnd), whose tau / neg they then read.
    const bool nbin = li + 1 < lay.desc.size() && lay.desc[li + 1].uses_binary();
    const D& nd = lay.desc[std::min(li + 1, lay.desc.size() - 1)];
    const int64_t rows = d[f::kRows], nrows = std::min<int64_t>(hw.lanes, rows - first);
    const bool use_bin = d.uses_binary(), use_mac = d.uses_int8_weights();
    // A token-mixing layer's parameters are per position (its channels):
    // loaded whole with its first tile, not prefetched.
    // And during a token-mixing layer the next layer's M1, M2 and bias are
    // not prefetched (the lane parameters' token rows are being written):
    // that layer loads them when it starts.
    const bool token = d[f::kToken], tok_skip = token && (next || first != 0);
    const bool after_tok = li > 0 && lay.desc[li - 1][f::kToken];
    const bool par_skip = tok_skip || (next && after_tok);
    const int64_t elems = token ? int64_t(d[f::kWindows]) : nrows;
    // Steps are pipelined: a step moves on when its beats are requested
    // (their responses still on the way), and the job's receive side
    // takes them in order. The prefetch's descriptor step (whose
    // descriptor tau and neg read) and the job's last step wait until
    // every beat is in. The steps, their order and an array's element
    // bytes: hw::step (rtl/spec/nb_hw.json tile_steps).
    namespace st = hw::step;
    int64_t t = a, in = a;  // the next step's first cycle; the cycle every beat armed so far is in
    const auto first_step = std::find(st::kOrder.begin(), st::kOrder.end(), step);
    if (first_step == st::kOrder.end()) throw Error(fmt::format("cycle model: no tile loader step {}", step));
    for (auto it = first_step; it != st::kOrder.end(); ++it) {
      const int s = *it;
      if (s == st::kNextDesc && !next) continue;
      bool skip = false;
      int64_t beats = 0;
      uint64_t start = 0;
      const uint64_t elem = uint64_t(st::kArrayBytes[size_t(s)]);  // 0: not an array step
      switch (s) {
        case st::kBinRows: skip = !use_bin || mem.weights_kept, beats = int64_t(d[f::kKw]) * nrows; break;
        case st::kFixRows: skip = !use_mac || mem.weights_kept, beats = int64_t(d[f::kFixRowBytes] / 8) * nrows; break;
        case st::kM1: skip = par_skip, start = d[f::kOffM1]; break;
        case st::kM2: skip = par_skip, start = d[f::kOffM2]; break;
        case st::kBias: skip = par_skip, start = d[f::kOffBias]; break;
        case st::kTau: skip = !nbin || par_skip, start = nd[f::kOffTau]; break;
        case st::kNeg: skip = !nbin || par_skip, start = nd[f::kOffNeg]; break;
        case st::kNextDesc: skip = li + 1 >= lay.desc.size(), beats = hw::kDescBeats; break;  // the descriptor after the next one
        default: break;
      }
      if (elem) {
        start = lay.image_off + start + elem * uint64_t(first);
        beats = int64_t(((start & 7) + elem * uint64_t(elems) + 7) >> 3);
      }
      int64_t end = t;  // the step's last cycle
      if (!skip) {
        Load l = load2(t, beats);
        in = beats ? l.done : std::max(in, l.done);
        end = l.issued;
      }
      if (s == st::kNeg || (s == st::kNextDesc && !skip)) end = std::max(end, in);
      t = end + 1;
    }
    return t;
  }

  // Cycles of one tile of `nrows` output rows: its compute and drain
  // (COMPUTE and DRAIN states), and the busy counts it adds.
  int64_t tile_compute(const D& d, int64_t nrows, uint64_t& bin, uint64_t& fix) {
    // Position pairs: a window is two positions, on both halves of the lanes.
    const bool pair = position_pairs(d, hw);
    // Transposed outputs: the tile ends when the transpose buffer's last
    // block has drained, one lane per cycle (nb_top: the block's completion
    // is registered, each run read and then written).
    const bool out_t = d[f::kOutT];
    const int64_t tr_tail = out_t ? nrows + 3 : 0;
    if (pair) nrows = hw.lanes;
    // The merge takes a window's outputs MergeLanes at a time: m cycles.
    const int64_t r = hw.merge(), m = (nrows + r - 1) / r;
    const uint32_t kind = d[f::kKind];
    // the window's units per input position: a token-mixing layer's window
    // is the tokens of one channel (its column step, stride 1)
    const int64_t in_h = d[f::kInH], in_w = d[f::kInW], in_c = d[f::kToken] ? d[f::kColStep] : d[f::kInC];
    if (kind == hw::kind::kAvgpool) {  // average pooling: one run per input position, then merge
      fix += uint64_t(in_h * in_w);
      // the sum is in the last MAC slice's P SelStages cycles after the last byte
      return in_h * in_w + 4 + hw::kSelStages + (m - 1) + tr_tail;
    }
    // (past the average pool above, the int8 MACs run unless the skip is the
    // input selected as it is)
    const bool use_bin = d.uses_binary(), use_mac = d.uses_int8_weights(), use_sel = !use_mac;
    const int64_t n = pair ? int64_t(d[f::kWindows]) / 2 : int64_t(d[f::kWindows]);
    // The end of a tile whose last window leaves the FIFOs (pops) in cycle
    // pop_last. Transposed outputs: a block of r positions completes two
    // cycles after its last window's pop and drains from two cycles later,
    // nrows reads; full blocks fill in r * m >= nrows cycles, so only a
    // shorter last block waits, for the drain of the block before it (whose
    // last window is window n - 1 - n % r, popped in pop_prev).
    const int64_t part = out_t ? n % r : 0;
    const int64_t prev_win = part && n > part ? n - 1 - part : -1;
    auto tile_end = [&](int64_t pop_prev, int64_t pop_last) {
      if (!out_t) return pop_last + 3;
      int64_t start = pop_last + 4;
      if (prev_win >= 0) start = std::max(start, pop_prev + 4 + nrows);
      return start + nrows + 2;
    };
    int64_t period = 1, avail = 0;
    if (use_bin) {
      Window w = window(d[f::kBinK], in_c, 48 * hw.wpl);
      period = std::max(period, w.chunks + (w.flush ? 2 : 0));
      // the bit buffer's read, the chunk register of wide words, the
      // gearbox, the XNOR slice's stages, the lanes' popcount register
      avail = std::max<int64_t>(avail, w.chunks + (w.flush ? 1 : 0) + hw::kBitReadStages + hw::kBitChunkStages(hw.wpl) +
                                           1 + hw::kXnorStages + hw::kPopStages);
      bin += uint64_t(w.words * n);
    }
    if (use_mac) {
      Window w = window(d[f::kFixK], in_c, hw.macs);
      period = std::max(period, w.chunks + (w.flush ? 2 : 0));
      // The word waits a cycle for its weights (registered weight-memory
      // read); byte k reaches MAC slice k k cycles after byte 0 (the
      // cascade), so the last slice takes its operation Macs cycles on
      // and holds the window's sum SelStages cycles later (nb_mac_lane).
      avail = std::max<int64_t>(avail, w.chunks + (w.flush ? 1 : 0) + 3 + hw.macs + hw::kSelStages);
      fix += uint64_t(w.words * n);
    }
    if (use_sel) {
      avail = std::max<int64_t>(avail, 2 + hw::kSelStages);
      fix += uint64_t(n);
    }
    // Windows issue every `period` cycles, at most MaxInflight in flight (issued and
    // not yet merged). Window i's results reach the merge `avail` cycles
    // after its issue; the merge takes m cycles per window, one after the
    // other; the window leaves (pop) with its last group:
    //   issue_i = max(issue_{i-1} + period, pop_{i-MaxInflight} + 1)
    //   pop_i   = max(issue_i + avail, pop_{i-1} + 1) + m - 1
    constexpr int kInflight = hw::kMaxInflight;
    if (m <= period) {
      // The merge keeps pace (a window merges before the next arrives):
      // pop_i = issue_i + avail + m - 1, and the closed form holds with
      // that depth.
      const int64_t depth = avail + m - 1;
      auto issue_of = [&](int64_t i) {
        return kInflight * period >= depth + 1 ? i * period : (i / kInflight) * (depth + 1) + (i % kInflight) * period;
      };
      return tile_end(prev_win >= 0 ? issue_of(prev_win) + depth : 0, issue_of(n - 1) + depth);
    }
    std::array<int64_t, kInflight> pops{};  // pop_{i-MaxInflight} .. pop_{i-1}, ring
    int64_t issue = 0, pop = 0, pop_prev = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (i > 0) issue += period;
      if (i >= kInflight) issue = std::max(issue, pops[size_t(i % kInflight)] + 1);
      pop = (i > 0 ? std::max(issue + avail, pop + 1) : issue + avail) + m - 1;
      pops[size_t(i % kInflight)] = pop;
      if (i == prev_win) pop_prev = pop;
    }
    return tile_end(pop_prev, pop);
  }
};

}  // namespace

uint64_t later_image_cycles(const CompiledModel& cm, const HwConfig& hw, MemTiming mem) {
  if (!weight_slots(cm, hw).fits()) return 0;
  mem.weights_kept = true;
  return estimate_cycles(cm, hw, mem).total_cycles;
}

int bucket_refill_cycles(double bytes_per_cycle) {
  return int(std::ceil(16.0 / bytes_per_cycle)) + 2;
}

CycleEstimate estimate_cycles(const CompiledModel& cm, const HwConfig& hw, const MemTiming& mem) {
  if (!(mem.bytes_per_cycle > 0) || mem.latency < 1)
    throw Error("memory timing: latency must be >= 1 cycle and bandwidth > 0 bytes per cycle");
  check_fits(cm, hw);
  ProgramLayout lay = layout_program(cm);
  CycleEstimate est;
  est.layers.resize(lay.desc.size());
  Sim sim{lay, hw, mem, Port(mem.bytes_per_cycle), &est.layers};
  const size_t L = lay.desc.size();
  int64_t t = 0, prev_record = 0;  // cycle 0: the first header cycle
  int64_t loader_idle = 0;         // first cycle the tile loader is idle
  for (size_t li = 0; li < L; ++li) {
    LayerPerf& p = est.layers[li];
    p.name = cm.layers[li].name;
    sim.cur = &p;
    const D& d = lay.desc[li];
    int64_t x;  // first WAIT_TL cycle
    if (li == 0) {
      int64_t e = sim.load(t, 8);  // header (not a load-counted state)
      int64_t s = e + 1;
      e = sim.load(s, hw::kDescBeats);  // descriptor
      e = sim.load(e + 1, hw::kDescBeats);  // next descriptor
      int64_t in_beats = (int64_t(d[f::kInElems]) + 7) >> 3;
      e = sim.load(e + 1, in_beats);
      p.load += uint64_t(e + 1 - s);
      x = e + 1;
      loader_idle = sim.tiles(x, hw::step::kBinRows, 0, 0, false);
    } else {
      // NDESC: the next descriptor came with the prefetch (no beats)
      int64_t e = sim.load(t, 0);
      p.load += uint64_t(e + 1 - t);
      x = e + 1;
      // the prefetch brought the first tile whole, but around token mixing
      loader_idle = d[f::kToken] || lay.desc[li - 1][f::kToken] ? sim.tiles(x, hw::step::kM1, li, 0, false) : x;
    }
    const int64_t rows = d[f::kRows], ntiles = (rows + hw.lanes - 1) / hw.lanes;
    // Tiles are alike but for the last one's rows.
    uint64_t bin1 = 0, fix1 = 0, binl = 0, fixl = 0;
    const int64_t full_rows = std::min<int64_t>(hw.lanes, rows), last_rows = rows - (ntiles - 1) * hw.lanes;
    const int64_t dur = sim.tile_compute(d, full_rows, bin1, fix1);
    int64_t durl = dur;
    if (last_rows == full_rows) binl = bin1, fixl = fix1;
    else durl = sim.tile_compute(d, last_rows, binl, fixl);
    int64_t q = 0;
    for (int64_t j = 0; j < ntiles; ++j) {
      int64_t w = std::max(x, loader_idle);  // WAIT_TL until the tile is in
      p.load += uint64_t(w - x + 1);
      int64_t c0 = w + 1;
      if (j + 1 < ntiles) loader_idle = sim.tiles(c0, hw::step::kBinRows, li, (j + 1) * hw.lanes, false);
      else if (li + 1 < L) {
        sim.cur = &p;  // the prefetch's reads count in this layer
        loader_idle = sim.tiles(c0, hw::step::kBinRows, li + 1, 0, true);
      }
      const bool last = j + 1 == ntiles;
      p.compute += uint64_t(last ? durl : dur);
      p.bin_busy += last ? binl : bin1;
      p.fix_busy += last ? fixl : fix1;
      int64_t dlast = c0 + (last ? durl : dur) - 1;
      if (j + 1 < ntiles) {
        x = dlast + 1;
      } else {
        q = std::max(dlast + 1, loader_idle);  // PF_WAIT
        p.load += uint64_t(q - dlast);
      }
    }
    int64_t u = q + 1;
    const bool logits = d[f::kLogits];
    if (mem.dump_all || logits) {
      int64_t beats = logits ? int64_t(d[f::kOutC]) : (int64_t(d[f::kOutElems]) + 7) >> 3;
      int64_t a = u;
      for (int64_t b = 0; b < beats; ++b) a = sim.write(a + 1) + 1;  // DUMP_RD, then DUMP_WR until accepted
      p.dump = uint64_t(a - u);
      p.wr_beats = uint64_t(beats);
      u = a;
    }
    int64_t p0 = sim.write(u);  // the record's cycle word
    int64_t n7 = p0;
    for (int k = 1; k < 8; ++k) n7 = sim.write(n7 + 1);
    p.cycles = uint64_t(p0 - prev_record) - p.dump;
    prev_record = p0;
    est.total_cycles += p.cycles;
    t = n7 + 2;  // LAYER_END, then the next descriptor
  }
  return est;
}

}  // namespace nb
