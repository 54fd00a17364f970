// Randomized testbench of nb_popcount: random 48-bit words (uniform, and
// biased towards few and many ones, plus all-zero and all-one) against the
// count of set bits. Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

#include "Vnb_popcount.h"
#include "tb_common.h"

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_popcount top;
  const uint64_t m48 = (uint64_t(1) << 48) - 1;
  int failures = 0, n = 0;
  for (int i = 0; i < 200000 && !failures; ++i, ++n) {
    uint64_t x = rng() & m48;
    if (i % 4 == 1) x &= rng() & rng();       // few ones
    if (i % 4 == 2) x |= (rng() | rng()) & m48;  // many ones
    if (i == 3) x = 0;
    if (i == 5) x = m48;
    top.x_i = x;
    top.eval();
    int want = __builtin_popcountll(x);
    if (int(top.count_o) != want) {
      std::printf("tb_popcount: %012llx: expected %d, got %d\n", (unsigned long long)x, want, int(top.count_o));
      ++failures;
    }
  }
  std::printf("tb_popcount: %d words checked\n", n);
  return tb::result(failures);
}
