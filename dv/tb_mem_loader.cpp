// Randomized testbench of nb_mem_loader against a scoreboard: random loads
// (flat, including empty ones, and rows of random width), each armed for a
// cycle and then held active until done as the controller and the tile
// loader do; a memory that grants requests at random and answers in order
// after a random latency. Every cycle: the request and its address, the
// received beat's index (and row / word), done, and where the section ends.
// Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>

#include "Vnb_mem_loader.h"
#include "tb_common.h"

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_mem_loader top;
  top.rst_ni = 0;
  top.arm_i = 0;
  top.active_i = 0;
  top.gnt_i = 0;
  top.rsp_i = 0;
  top.eval();
  top.rst_ni = 1;
  top.eval();

  struct Load {
    uint32_t base = 0, beats = 0;
    bool rows = false;
    uint16_t wpr = 0, nrows = 0;
    uint32_t total() const { return rows ? uint32_t(wpr) * nrows : beats; }
  } ld;
  enum { Gap, Arm, Active } phase = Gap;
  int gap = 1;
  uint32_t issued = 0, received = 0;
  std::deque<uint64_t> due;  // response cycles of the requests granted, in order
  int failures = 0, loads = 0, rows_loads = 0, empty_loads = 0;
  int grant_pct = 70, lat_max = 8;
  auto fail = [&](uint64_t cyc, const char* what, uint64_t got, uint64_t want) {
    if (failures < 5)
      std::printf("tb_mem_loader: cycle %llu, load %d: %s is %llu, expected %llu\n", (unsigned long long)cyc, loads,
                  what, (unsigned long long)got, (unsigned long long)want);
    ++failures;
  };
  for (uint64_t cyc = 0; loads < NB_TB_LOADS && failures < 5; ++cyc) {
    top.arm_i = 0;
    if (phase == Gap && gap-- <= 0) {  // a new load
      ld = Load{};
      ld.base = uint32_t(rng());
      ld.rows = rng() % 2;
      if (ld.rows) {
        ld.wpr = uint16_t(1 + rng() % 12);
        ld.nrows = uint16_t(1 + rng() % 40);
      } else {
        ld.beats = rng() % 8 == 0 ? 0 : uint32_t(1 + rng() % 100);
      }
      top.arm_i = 1;
      top.base_i = ld.base;
      top.beats_i = ld.rows ? uint32_t(rng()) : ld.beats;  // a rows load ignores the beat count
      top.rows_i = ld.rows;
      top.wpr_i = ld.wpr;
      top.empty_i = ld.total() == 0;
      issued = received = 0;
      if (rng() % 50 == 0) {  // memory phases: fast, slow, stalling
        grant_pct = int(20 + rng() % 81);
        lat_max = int(1 + rng() % 30);
      }
      phase = Arm;
    }
    top.nrows_i = ld.nrows;  // held through the load
    top.active_i = phase == Active;
    const bool rsp = !due.empty() && due.front() <= cyc;
    top.rsp_i = rsp;
    top.gnt_i = 0;
    top.eval();
    const uint32_t base = ld.base & ~7u;
    if (phase == Active) {
      if (bool(top.req_o) != (issued < ld.total())) fail(cyc, "req", top.req_o, issued < ld.total());
      if (top.req_o && top.addr_o != base + 8 * issued) fail(cyc, "address", top.addr_o, base + 8 * issued);
      if (bool(top.done_o) != (received == ld.total())) fail(cyc, "done", top.done_o, received == ld.total());
    } else if (top.req_o || top.done_o) {
      fail(cyc, "req / done while not active", top.req_o | top.done_o, 0);
    }
    if (rsp) {
      if (top.rcv_o != received) fail(cyc, "received beat index", top.rcv_o, received);
      if (ld.rows && (top.row_o != received / ld.wpr || top.word_o != received % ld.wpr))
        fail(cyc, "row * 1000 + word", uint64_t(top.row_o) * 1000 + top.word_o,
             uint64_t(received / ld.wpr) * 1000 + received % ld.wpr);
      due.pop_front();
      ++received;
    }
    if (top.req_o && int(rng() % 100) < grant_pct) {
      top.gnt_i = 1;
      top.eval();
      ++issued;
      const uint64_t at = cyc + 1 + rng() % uint64_t(lat_max);
      due.push_back(due.empty() ? at : std::max(at, due.back() + 1));
    }
    if (phase == Active && top.done_o) {
      if (top.addr_o != base + 8 * ld.total()) fail(cyc, "end address", top.addr_o, base + 8 * ld.total());
      if (!due.empty()) fail(cyc, "responses still due at done", due.size(), 0);
      ++loads;
      rows_loads += ld.rows;
      empty_loads += !ld.rows && ld.beats == 0;
      phase = Gap;
      gap = int(rng() % 4);
    } else if (phase == Arm) {
      phase = Active;
    }
    tb::tick(top);
  }
  std::printf("tb_mem_loader: %d loads (%d rows, %d empty)\n", loads, rows_loads, empty_loads);
  if (rows_loads == 0 || empty_loads == 0) ++failures;
  return tb::result(failures);
}
