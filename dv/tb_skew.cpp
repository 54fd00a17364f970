// Randomized testbench of nb_skew: a random word every cycle, with resets
// at random times; element k of the output must be element k of the input
// max(k - Lead, 0) cycles before (0 for the cycles since the reset).
// Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include "Vnb_skew.h"
#include "tb_common.h"

constexpr int N = NB_TB_N, W = NB_TB_W, Lead = NB_TB_LEAD;

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_skew top;
  const uint32_t mask = W >= 32 ? ~0u : (1u << W) - 1;
  std::deque<std::vector<uint32_t>> past;  // past[j]: the word that entered j cycles ago
  auto reset = [&] {
    tb::reset(top);
    past.assign(N + 1, std::vector<uint32_t>(N, 0));
  };
  reset();
  int failures = 0, checked = 0;
  for (int cyc = 0; cyc < 100000 && failures < 5; ++cyc) {
    if (rng() % 2000 == 0) reset();
    std::vector<uint32_t> d(N);
    for (int k = 0; k < N; ++k) {
      d[k] = uint32_t(rng()) & mask;
      tb::set_field(top.d_i, k * W, W, d[k]);
    }
    top.eval();
    past.push_front(d);
    past.pop_back();
    for (int k = 0; k < N; ++k) {
      const int delay = k > Lead ? k - Lead : 0;
      const uint32_t want = past[size_t(delay)][size_t(k)], got = tb::get_field(top.q_o, k * W, W);
      ++checked;
      if (got != want) {
        std::printf("tb_skew: cycle %d element %d: expected %u, got %u\n", cyc, k, want, got);
        ++failures;
      }
    }
    tb::tick(top);
  }
  std::printf("tb_skew: %d elements checked\n", checked);
  return tb::result(failures);
}
