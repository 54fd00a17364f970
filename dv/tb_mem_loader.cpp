// Randomized testbench of nb_mem_loader against a scoreboard. An owner runs
// jobs of 1 to Depth loads (flat, including empty ones, and rows of random
// width), as the tile loader runs its steps: each load is armed for a cycle
// once the one before is issued (pipelined: its beats may still be on the
// way), the owner holds active_i except in arming cycles, and the job ends
// when the loader is idle (a job of one load is the controller's). The
// memory grants requests at random and answers in order after a random
// latency. Every cycle: the request and its address, issued / idle / done,
// where the last load's section ends; for every response, its load's tag,
// first-beat flag, beat index and row / word. Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>

#include "Vnb_mem_loader.h"
#include "tb_common.h"

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_mem_loader top;
  top.arm_i = 0;
  top.active_i = 0;
  top.gnt_i = 0;
  top.rsp_i = 0;
  tb::reset(top);

  struct Load {
    uint32_t base = 0, beats = 0, tag = 0;
    bool rows = false;
    uint16_t wpr = 0, nrows = 0;
    uint32_t total() const { return rows ? uint32_t(wpr) * nrows : beats; }
  };
  const uint32_t tag_mask = (1u << NB_TB_TAGW) - 1;
  Load iss;                   // the load armed last (the issue side's)
  uint32_t issued = 0;        // its beats requested
  std::deque<Load> rcv;       // loads with beats not all in, in arming order
  uint32_t received = 0;      // beats of rcv.front() in
  std::deque<uint64_t> due;   // response cycles of the requests granted, in order
  bool in_job = false;
  int job_left = 0, gap = 1;  // loads of the job still to arm; idle cycles before the next job
  int failures = 0, loads = 0, jobs = 0, rows_loads = 0, empty_loads = 0, pipelined = 0;
  int grant_pct = 70, lat_max = 8, arm_pct = 60;
  auto fail = [&](uint64_t cyc, const char* what, uint64_t got, uint64_t want) {
    if (failures < 5)
      std::printf("tb_mem_loader: cycle %llu, load %d: %s is %llu, expected %llu\n", (unsigned long long)cyc, loads,
                  what, (unsigned long long)got, (unsigned long long)want);
    ++failures;
  };
  for (uint64_t cyc = 0; loads < NB_TB_LOADS && failures < 5; ++cyc) {
    const bool all_issued = issued == iss.total();
    const bool idle = all_issued && rcv.empty();
    bool arm = false;
    if (!in_job && gap-- <= 0) {  // a new job
      in_job = true;
      job_left = 1 + int(rng() % NB_TB_DEPTH);
      ++jobs;
      if (rng() % 20 == 0) {  // memory phases: fast, slow, stalling; eager or lazy owners
        grant_pct = int(20 + rng() % 81);
        lat_max = int(1 + rng() % 30);
        arm_pct = int(10 + rng() % 91);
      }
    }
    if (in_job && job_left > 0 && all_issued && int(rng() % 100) < arm_pct) {
      Load ld;
      ld.base = uint32_t(rng());
      ld.tag = uint32_t(rng()) & tag_mask;
      ld.rows = rng() % 2;
      if (ld.rows) {
        ld.wpr = uint16_t(1 + rng() % 12);
        ld.nrows = rng() % 10 == 0 ? 0 : uint16_t(1 + rng() % 40);
      } else {
        ld.beats = rng() % 8 == 0 ? 0 : uint32_t(1 + rng() % 100);
      }
      arm = true;
      top.base_i = ld.base;
      top.beats_i = ld.rows ? uint32_t(rng()) : ld.beats;  // a rows load ignores the beat count
      top.rows_i = ld.rows;
      top.wpr_i = ld.wpr;
      top.nrows_i = ld.nrows;
      top.empty_i = ld.total() == 0;
      top.tag_i = ld.tag;
      pipelined += !rcv.empty();
      iss = ld;
      issued = 0;
      if (ld.total()) rcv.push_back(ld);
      --job_left;
      ++loads;
      rows_loads += ld.rows;
      empty_loads += ld.total() == 0;
    }
    top.arm_i = arm;
    top.active_i = in_job && !arm;
    const bool rsp = !due.empty() && due.front() <= cyc;
    top.rsp_i = rsp;
    top.gnt_i = 0;
    top.eval();
    // the issue side (the load armed this cycle is seen from the next one)
    const uint32_t base = iss.base & ~7u;
    if (!arm) {
      if (bool(top.req_o) != (issued < iss.total())) fail(cyc, "req", top.req_o, issued < iss.total());
      if (top.req_o && top.addr_o != base + 8 * issued) fail(cyc, "address", top.addr_o, base + 8 * issued);
      if (bool(top.issued_o) != all_issued) fail(cyc, "issued", top.issued_o, all_issued);
      if (all_issued && top.addr_o != base + 8 * iss.total())
        fail(cyc, "end address", top.addr_o, base + 8 * iss.total());
    } else if (top.req_o) {
      fail(cyc, "req while arming", top.req_o, 0);
    }
    if (bool(top.idle_o) != idle) fail(cyc, "idle", top.idle_o, idle);
    if (bool(top.done_o) != (idle && in_job && !arm)) fail(cyc, "done", top.done_o, idle && in_job && !arm);
    if (rsp) {
      if (rcv.empty()) {
        fail(cyc, "a response with no load", 1, 0);
      } else {
        const Load& r = rcv.front();
        if (top.tag_o != r.tag) fail(cyc, "tag", top.tag_o, r.tag);
        if (bool(top.first_o) != (received == 0)) fail(cyc, "first", top.first_o, received == 0);
        if (top.rcv_o != received) fail(cyc, "received beat index", top.rcv_o, received);
        if (r.rows && (top.row_o != received / r.wpr || top.word_o != received % r.wpr))
          fail(cyc, "row * 1000 + word", uint64_t(top.row_o) * 1000 + top.word_o,
               uint64_t(received / r.wpr) * 1000 + received % r.wpr);
        if (++received == r.total()) {
          rcv.pop_front();
          received = 0;
        }
      }
      due.pop_front();
    }
    if (!arm && top.req_o && int(rng() % 100) < grant_pct) {
      top.gnt_i = 1;
      top.eval();
      ++issued;
      const uint64_t at = cyc + 1 + rng() % uint64_t(lat_max);
      due.push_back(due.empty() ? at : std::max(at, due.back() + 1));
    }
    if (in_job && !arm && job_left == 0 && top.done_o) {  // the job's end: every beat in
      if (!due.empty()) fail(cyc, "responses still due at done", due.size(), 0);
      in_job = false;
      gap = int(rng() % 4);
    }
    tb::tick(top);
  }
  std::printf("tb_mem_loader: %d loads in %d jobs (%d rows, %d empty, %d armed with beats of earlier ones due)\n",
              loads, jobs, rows_loads, empty_loads, pipelined);
  if (rows_loads == 0 || empty_loads == 0 || pipelined == 0) ++failures;
  return tb::result(failures);
}
