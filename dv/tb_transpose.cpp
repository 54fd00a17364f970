// Randomized testbench of nb_transpose: random group writes (B lanes of one
// position of either block) and lane reads, every cycle, against a
// scoreboard of the two blocks. The cell's contract: a read returns, the
// cycle after it is presented, its lane's B positions in order as written
// by the writes presented two or more cycles before it.
// Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include "Vnb_transpose.h"
#include "tb_common.h"

constexpr int Lanes = NB_TB_LANES, B = NB_TB_B, W = NB_TB_W;

struct Write {
  int cycle, bank, lane, q;
  std::vector<uint32_t> d;
};

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_transpose top;
  const uint32_t mask = (1u << W) - 1;
  // model[bank][lane][q]; entries not yet written are unknown (-1: not checked)
  std::vector<std::vector<std::vector<int64_t>>> model(
      2, std::vector<std::vector<int64_t>>(Lanes, std::vector<int64_t>(B, -1)));
  std::deque<Write> pending;
  int failures = 0, checked = 0;
  top.we_i = 0;
  top.re_i = 0;
  tb::tick(top);
  for (int cyc = 0; cyc < 200000 && failures < 5; ++cyc) {
    while (!pending.empty() && pending.front().cycle <= cyc - 2) {
      const Write& w = pending.front();
      for (int r = 0; r < B; ++r) model[w.bank][w.lane + r][w.q] = w.d[r];
      pending.pop_front();
    }
    const bool we = rng() % 3 != 0, re = rng() % 2 == 0;
    Write w{cyc, int(rng() % 2), int(rng() % (Lanes / B)) * B, int(rng() % B), std::vector<uint32_t>(B)};
    top.we_i = we;
    top.bank_i = w.bank;
    top.lane_i = w.lane;
    top.q_i = w.q;
    for (int r = 0; r < B; ++r) {
      w.d[r] = uint32_t(rng()) & mask;
      tb::set_bits(top.d_i, r * W, W, w.d[r]);
    }
    const int rbank = int(rng() % 2), rlane = int(rng() % Lanes);
    top.re_i = re;
    top.rbank_i = rbank;
    top.rlane_i = rlane;
    top.rrot_i = rlane % B;
    const std::vector<int64_t> want = model[rbank][rlane];
    tb::tick(top);
    if (we) pending.push_back(w);
    if (!re) continue;
    for (int q = 0; q < B; ++q) {
      if (want[q] < 0) continue;
      ++checked;
      const uint32_t got = uint32_t(tb::get_bits(top.q_o, q * W, W));
      if (got != uint32_t(want[q])) {
        std::printf("tb_transpose: cycle %d: bank %d lane %d position %d: expected %lld, got %u\n", cyc, rbank, rlane, q,
                    (long long)want[q], got);
        ++failures;
      }
    }
  }
  std::printf("tb_transpose: %d elements checked\n", checked);
  return tb::result(failures);
}
