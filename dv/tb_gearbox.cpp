// Randomized testbench of nb_gearbox: windows of random chunks (1..Units
// units each, random idle cycles, never offered during a flush) against a
// scoreboard that concatenates each window's units and cuts them into words
// of Units (the last one zero-padded, with its unit count). Prints
// "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "Vnb_gearbox.h"
#include "tb_common.h"

namespace {
constexpr int kUnits = NB_TB_UNITS, kBits = NB_TB_UNIT_BITS, kW = kUnits * kBits;
static_assert(kW <= 64, "this bench drives words of up to 64 bits");

struct Word {
  uint64_t data;
  int count;
  bool last;
};

uint64_t mask_of(int bits) { return bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1; }
}  // namespace

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_gearbox top;
  auto tick = [&] { tb::tick(top); };
  top.in_valid_i = 0;
  tb::reset(top);

  // One cycle at a time: a window's chunks are offered (not every cycle,
  // never while a flush is pending), the next window may follow at once;
  // every word that comes out must be the scoreboard's next.
  std::deque<Word> expect;
  std::vector<int> counts;
  std::vector<uint64_t> units;  // the current window's units, one entry each
  size_t chunk = 0, next = 0;
  int failures = 0, words = 0, windows = 0;
  auto new_window = [&] {
    counts.assign(size_t(rng() % 9) + 1, 0);
    units.clear();
    for (auto& c : counts) {
      c = (rng() % 3 == 0) ? kUnits : int(rng() % uint64_t(kUnits)) + 1;
      for (int u = 0; u < c; ++u) units.push_back(rng() & mask_of(kBits));
    }
    for (size_t at = 0; at < units.size(); at += size_t(kUnits)) {
      Word e{0, 0, false};
      for (size_t u = at; u < units.size() && u < at + size_t(kUnits); ++u, ++e.count)
        e.data |= units[u] << (size_t(e.count) * kBits);
      e.last = at + size_t(kUnits) >= units.size();
      if (!e.last) e.count = kUnits;
      expect.push_back(e);
    }
    chunk = next = 0;
    ++windows;
  };
  new_window();
  for (long cyc = 0; cyc < 400000 && !failures; ++cyc) {
    if (chunk == counts.size() && windows < 30000) new_window();
    const bool offer = chunk < counts.size() && !top.flush_pending_o && rng() % 5 != 0;
    top.in_valid_i = offer;
    if (offer) {
      uint64_t d = 0;
      for (int u = 0; u < counts[chunk]; ++u) d |= units[next + size_t(u)] << (u * kBits);
      top.in_data_i = d;
      top.in_count_i = uint32_t(counts[chunk]);
      top.in_last_i = chunk + 1 == counts.size();
    }
    top.eval();
    if (top.out_valid_o) {
      ++words;
      if (expect.empty()) {
        std::printf("tb_gearbox: cycle %ld: a word nobody expected\n", cyc);
        ++failures;
        break;
      }
      const Word e = expect.front();
      expect.pop_front();
      if (top.out_data_o != e.data || int(top.out_count_o) != e.count || bool(top.out_last_o) != e.last) {
        std::printf("tb_gearbox: cycle %ld, window %d: expected %016llx count %d last %d, got %016llx count %d last %d\n",
                    cyc, windows, (unsigned long long)e.data, e.count, int(e.last),
                    (unsigned long long)top.out_data_o, int(top.out_count_o), int(top.out_last_o));
        ++failures;
      }
    }
    if (offer) next += size_t(counts[chunk++]);
    tick();
  }
  if (!failures && !expect.empty()) {
    std::printf("tb_gearbox: %zu words never came out\n", expect.size());
    ++failures;
  }
  std::printf("tb_gearbox Units=%d UnitBits=%d: %d windows, %d words checked\n", kUnits, kBits, windows, words);
  return tb::result(failures);
}
