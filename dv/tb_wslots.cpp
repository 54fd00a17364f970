// Randomized testbench of nb_wslots (where each tile's weights sit in the
// lanes' weight memories) against a scoreboard of runs and jobs: runs with
// resident or streaming weights, the host's keep flag, jobs whose entry
// counts often end exactly at the memories' end or one past it, tiles
// taken for compute, runs that end with and without an error, resets.
// Checked after each job's two-cycle allocation: its slots (resident: the
// entries of the run's jobs before it; streaming: the bank's first entry),
// its overflow (exactly when its slot passes the end of either memory),
// the run's sticky overflow; after a take, the compute slots; at a run's
// start, whether it skips the weight loads (resident, keep, and the run
// before resident to its end without an error or overflow).
// Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <random>

#include "Vnb_wslots.h"
#include "tb_common.h"

constexpr int BinA = NB_TB_BINA, FixA = NB_TB_FIXA;
constexpr int64_t BinCap = int64_t(1) << BinA, FixCap = int64_t(1) << FixA;

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_wslots top;
  auto idle = [&] {
    top.run_i = 0;
    top.done_i = 0;
    top.error_i = 0;
    top.alloc_i = 0;
    top.take_i = 0;
    top.wr_i = 0;
  };
  idle();
  top.res_i = 0;
  top.keep_i = 0;
  top.bank_i = 0;
  top.bin_ents_i = 0;
  top.fix_ents_i = 0;
  tb::reset(top);
  bool held = false;  // the memories hold the last run's weights
  int failures = 0, checked = 0, exact_fit = 0, one_past = 0, skipped_runs = 0, kept_refused = 0;
  auto check = [&](bool ok, const char* what, int run, int job, int64_t got, int64_t want) {
    ++checked;
    if (ok) return;
    if (++failures <= 10)
      std::printf("tb_wslots: run %d job %d: %s %lld, expected %lld\n", run, job, what, (long long)got,
                  (long long)want);
  };
  // an entry count: often exactly what is left of the memory, or one more
  auto count = [&](int64_t used, int64_t cap) -> uint32_t {
    const int64_t left = cap - used;
    const int r = int(rng() % 10);
    if (r < 3 && left >= 0) return uint32_t(left);
    if (r < 5 && left >= -1) return uint32_t(left + 1);
    if (r < 6) return uint32_t(rng() % 0x10000);  // anything a descriptor may ask (saturated at 16 bits)
    return uint32_t(rng() % uint64_t(cap / 3 + 1));
  };
  for (int run = 0; run < 20000 && failures < 10; ++run) {
    if (rng() % 200 == 0) {  // a reset: the memories' contents are not trusted
      idle();
      tb::reset(top);
      held = false;
    }
    // the run's start
    const bool res = rng() % 10 < 7, keep = rng() % 2;
    top.res_i = res;
    top.keep_i = keep;
    top.run_i = 1;
    tb::tick(top);
    top.run_i = 0;
    const bool skip = res && keep && held;
    check(bool(top.skip_w_o) == skip, "skip_w", run, -1, top.skip_w_o, skip);
    check(bool(top.res_o) == res, "res", run, -1, top.res_o, res);
    skipped_runs += skip;
    kept_refused += res && keep && !held;
    int64_t bptr = 0, fptr = 0;
    bool ovf = false;
    int64_t lbin = -1, lfix = -1;  // the last job's slots
    const int jobs = 1 + int(rng() % 12);
    for (int j = 0; j < jobs && !ovf; ++j) {
      for (int g = int(rng() % 3); g > 0; --g) {  // a gap; weight beats of the last job
        top.wr_i = lbin >= 0 && rng() % 2;
        tb::tick(top);
        top.wr_i = 0;
      }
      const bool bank = rng() % 2;
      const uint32_t nb = count(bptr, BinCap), nf = count(fptr, FixCap);
      top.alloc_i = 1;
      top.bank_i = bank;
      top.bin_ents_i = uint16_t(nb);
      top.fix_ents_i = uint16_t(nf);
      tb::tick(top);
      idle();
      top.bank_i = rng() % 2;  // the inputs are read only with alloc_i
      top.bin_ents_i = uint16_t(rng());
      top.fix_ents_i = uint16_t(rng());
      tb::tick(top);
      // the allocation is in, two edges after alloc_i (its entries
      // registered, then the slot and the overflow)
      const bool jovf = res && (bptr + nb > BinCap || fptr + nf > FixCap);
      const int64_t wb = res ? bptr % BinCap : int64_t(bank) << (BinA - 1);
      const int64_t wf = res ? fptr % FixCap : int64_t(bank) << (FixA - 1);
      check(int64_t(top.lbin_o) == wb, "binary slot", run, j, top.lbin_o, wb);
      check(int64_t(top.lfix_o) == wf, "int8 slot", run, j, top.lfix_o, wf);
      check(bool(top.job_ovf_o) == jovf, "job overflow", run, j, top.job_ovf_o, jovf);
      if (res) {
        exact_fit += !jovf && (bptr + nb == BinCap || fptr + nf == FixCap);
        one_past += jovf && (bptr + nb == BinCap + 1 || fptr + nf == FixCap + 1);
        bptr += nb;
        fptr += nf;
      }
      ovf = ovf || jovf;
      check(bool(top.ovf_o) == ovf, "run overflow", run, j, top.ovf_o, ovf);
      lbin = wb;
      lfix = wf;
      if (rng() % 2) {  // the controller computes the tile the job loaded
        top.take_i = 1;
        tb::tick(top);
        top.take_i = 0;
        check(int64_t(top.cbin_o) == lbin, "compute binary slot", run, j, top.cbin_o, lbin);
        check(int64_t(top.cfix_o) == lfix, "compute int8 slot", run, j, top.cfix_o, lfix);
      }
    }
    // the run ends, with an error now and then
    const bool err = rng() % 7 == 0;
    top.done_i = 1;
    top.error_i = err;
    tb::tick(top);
    idle();
    held = res && !err && !ovf;
    tb::tick(top);
  }
  std::printf("tb_wslots: %d checks; %d jobs ended exactly at a memory's end, %d one past it; %d runs skipped "
              "the weight loads, %d asked to keep and refused\n",
              checked, exact_fit, one_past, skipped_runs, kept_refused);
  if (exact_fit == 0 || one_past == 0 || skipped_runs == 0 || kept_refused == 0) {
    std::printf("tb_wslots: a boundary or a guard case was never reached\n");
    ++failures;
  }
  return tb::result(failures);
}
