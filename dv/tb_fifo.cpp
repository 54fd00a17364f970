// Randomized testbench of nb_fifo against a queue: random pushes (while not
// full) and pops (while valid), bursts that fill and empty it, resets at
// random times; every cycle the head, valid and count must be the queue's.
// Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include "Vnb_fifo.h"
#include "tb_common.h"

constexpr int W = NB_TB_W, Depth = NB_TB_DEPTH;
using Word = std::vector<uint32_t>;  // W bits as 32-bit pieces

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_fifo top;
  std::deque<Word> q;
  auto reset = [&] {
    top.push_i = 0;
    top.pop_i = 0;
    tb::reset(top);
    q.clear();
  };
  auto field = [](int i) { return std::min(32, W - 32 * i); };
  const int pieces = (W + 31) / 32;
  reset();
  int failures = 0, checked = 0, full_seen = 0;
  int push_pct = 50, pop_pct = 50;
  for (int cyc = 0; cyc < 200000 && failures < 5; ++cyc) {
    if (rng() % 5000 == 0) reset();
    if (rng() % 300 == 0) {  // a phase: fill, drain, or balanced
      const int m = int(rng() % 3);
      push_pct = m == 0 ? 90 : m == 1 ? 10 : 50;
      pop_pct = m == 0 ? 10 : m == 1 ? 90 : 50;
    }
    // the outputs of this cycle against the queue
    ++checked;
    const bool valid = top.valid_o;
    if (valid != !q.empty() || int(top.count_o) != int(q.size())) {
      std::printf("tb_fifo: cycle %d: valid %d count %d, expected %d and %zu\n", cyc, valid, int(top.count_o),
                  !q.empty(), q.size());
      ++failures;
    }
    if (!q.empty())
      for (int i = 0; i < pieces; ++i)
        if (tb::get_field(top.head_o, 32 * i, field(i)) != q.front()[size_t(i)]) {
          std::printf("tb_fifo: cycle %d: head piece %d is %08x, expected %08x\n", cyc, i,
                      tb::get_field(top.head_o, 32 * i, field(i)), q.front()[size_t(i)]);
          ++failures;
          break;
        }
    full_seen += int(q.size()) == Depth;
    const bool pop = !q.empty() && int(rng() % 100) < pop_pct;
    const bool push = (int(q.size()) < Depth || pop) && int(rng() % 100) < push_pct;
    Word w(static_cast<size_t>(pieces), 0u);
    for (int i = 0; i < pieces; ++i) {
      w[size_t(i)] = uint32_t(rng()) & (field(i) >= 32 ? ~0u : (1u << field(i)) - 1);
      tb::set_field(top.wdata_i, 32 * i, field(i), w[size_t(i)]);
    }
    top.push_i = push;
    top.pop_i = pop;
    tb::tick(top);
    if (pop) q.pop_front();
    if (push) q.push_back(w);
  }
  std::printf("tb_fifo: %d cycles checked, full in %d\n", checked, full_seen);
  if (full_seen == 0) {
    std::printf("tb_fifo: the FIFO was never full\n");
    ++failures;
  }
  return tb::result(failures);
}
