// Randomized testbench of nb_window (the run generator, the buffer read with
// its latency, the in-image mask, the chunk register of wide words when
// ChunkStages is 1, and the gearbox) against a scoreboard. A
// random layer (units per pixel c, input height and width, kernel k of 1 or
// 3, padding 0 or k / 2, stride 1 or 2) lies in a flat memory, one unit per
// address, (y, x, c) order; addresses outside it read as garbage, which the
// mask must remove. Windows at random output positions start whenever the
// generator is ready (and at random later cycles); the memory answers every
// read ReadStages cycles later. Each window's words must be its (ky, kx, c)
// units, 0 outside the image, cut into words of U units (the last one
// zero-padded, with its unit count and the last flag), with their index.
// Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include "Vnb_window.h"
#include "tb_common.h"

namespace {
constexpr int kU = NB_TB_U, kBits = NB_TB_UNIT_BITS, kStages = NB_TB_READ_STAGES;
static_assert(kU * kBits <= 64, "this bench drives words of up to 64 bits");
constexpr uint64_t kUnitMask = kBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << kBits) - 1;

struct Word {
  uint64_t data;
  int count;
  bool last;
  int idx;
};

struct Layer {
  int c, h, w, k, pad, stride, oh, ow;
  std::vector<uint64_t> mem;  // h * w * c units
  uint64_t at(uint32_t a) const {
    if (a < mem.size()) return mem[a];
    return (uint64_t(a) * 0x9E3779B97F4A7C15ull >> 17) & kUnitMask;  // garbage outside the image
  }
};
}  // namespace

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_window top;
  top.start_i = 0;
  top.rd_data_i = 0;
  tb::reset(top);

  std::deque<Word> expect;
  std::deque<std::pair<bool, uint32_t>> reads(size_t(kStages), {false, 0});  // reads in flight, oldest first
  int failures = 0, words = 0, windows = 0, layers = 0, padded = 0;
  auto fail = [&](const char* what, uint64_t got, uint64_t want) {
    if (failures < 5)
      std::printf("tb_window: layer %d, window %d, word %d: %s is %llu, expected %llu\n", layers, windows, words, what,
                  (unsigned long long)got, (unsigned long long)want);
    ++failures;
  };
  Layer L{};
  int left_in_layer = 0;
  // the memory's answer this cycle: the read issued kStages cycles ago (else anything)
  auto answer = [&] {
    const auto [rv, ra] = reads.front();
    uint64_t data = 0;
    if (rv)
      for (int u = 0; u < kU; ++u) data |= L.at(ra + uint32_t(u)) << (u * kBits);
    else
      data = rng() & (kU * kBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << (kU * kBits)) - 1);
    top.rd_data_i = data;
  };
  // a word out: the scoreboard's next
  auto check_word = [&] {
    if (!top.word_valid_o) return;
    if (expect.empty()) {
      fail("a word past the windows': its count", top.word_count_o, 0);
      return;
    }
    const Word e = expect.front();
    expect.pop_front();
    if (top.word_o != e.data) fail("data", top.word_o, e.data);
    if (top.word_count_o != e.count) fail("count", top.word_count_o, uint64_t(e.count));
    if (bool(top.word_last_o) != e.last) fail("last", top.word_last_o, e.last);
    if (top.word_idx_o != e.idx) fail("index", top.word_idx_o, uint64_t(e.idx));
    ++words;
  };
  for (uint64_t cyc = 0; windows < NB_TB_WINDOWS && failures < 5; ++cyc) {
    if (cyc > 2000000) {
      std::printf("tb_window: no progress\n");
      ++failures;
      break;
    }
    // a new layer once the last one's windows are all out
    if (left_in_layer == 0 && expect.empty()) {
      L.c = 1 + int(rng() % 20);
      L.k = rng() % 3 ? 3 : 1;
      L.pad = rng() % 4 ? L.k / 2 : 0;
      L.stride = 1 + int(rng() % 2);
      L.h = L.k + int(rng() % 8);
      L.w = L.k + int(rng() % 8);
      L.oh = (L.h + 2 * L.pad - L.k) / L.stride + 1;
      L.ow = (L.w + 2 * L.pad - L.k) / L.stride + 1;
      L.mem.resize(size_t(L.h * L.w * L.c));
      for (auto& u : L.mem) u = rng() & kUnitMask;
      top.k_i = uint16_t(L.k);
      top.pad_i = uint16_t(L.pad);
      top.pad_units_i = uint32_t(L.pad * L.c);
      top.pad_rows_i = uint32_t(L.pad * L.w * L.c);
      top.run_i = uint32_t(L.k * L.c);
      top.in_h_i = uint16_t(L.h);
      top.in_row_units_i = uint32_t(L.w * L.c);
      left_in_layer = 1 + int(rng() % 40);
      ++layers;
    }
    // offer a window (it is taken when ready_o is high this cycle)
    bool offer = left_in_layer > 0 && rng() % 100 < 80;
    int oy = int(rng() % uint64_t(L.oh)), ox = int(rng() % uint64_t(L.ow));
    top.start_i = offer;
    top.iy0_i = oy * L.stride;
    top.rowu0_i = oy * L.stride * L.w * L.c;
    top.colu_i = ox * L.stride * L.c;
    answer();
    top.eval();
    const bool taken = offer && top.ready_o;
    if (taken) {
      // the scoreboard's words of this window
      std::vector<uint64_t> units;
      bool any_pad = false;
      for (int ky = 0; ky < L.k; ++ky)
        for (int kx = 0; kx < L.k; ++kx) {
          const int iy = oy * L.stride - L.pad + ky, ix = ox * L.stride - L.pad + kx;
          const bool in = iy >= 0 && iy < L.h && ix >= 0 && ix < L.w;
          any_pad |= !in;
          for (int ch = 0; ch < L.c; ++ch) units.push_back(in ? L.mem[size_t((iy * L.w + ix) * L.c + ch)] : 0);
        }
      padded += any_pad;
      int idx = 0;
      for (size_t at = 0; at < units.size(); at += size_t(kU), ++idx) {
        Word e{0, 0, false, idx};
        for (size_t u = at; u < units.size() && u < at + size_t(kU); ++u, ++e.count)
          e.data |= units[u] << (size_t(e.count) * kBits);
        e.last = at + size_t(kU) >= units.size();
        if (!e.last) e.count = kU;
        expect.push_back(e);
      }
      --left_in_layer;
      ++windows;
    }
    check_word();
    reads.pop_front();
    reads.emplace_back(bool(top.rd_valid_o), uint32_t(top.rd_addr_o));
    tb::tick(top);
    top.start_i = 0;
  }
  // drain
  for (int i = 0; i < 1000 && !expect.empty() && failures < 5; ++i) {
    answer();
    top.eval();
    check_word();
    reads.pop_front();
    reads.emplace_back(bool(top.rd_valid_o), uint32_t(top.rd_addr_o));
    tb::tick(top);
  }
  if (!expect.empty()) fail("words never out", expect.size(), 0);
  std::printf("tb_window: %d layers, %d windows (%d with padding), %d words\n", layers, windows, padded, words);
  return tb::result(failures);
}
