// Randomized testbench of nb_bit_ram (the block-RAM bit buffer): phases of
// random masked writes (back to back, so that the read-modify-write's
// forwarding is exercised, and with gaps) and of random reads, checked
// against a plain bit array as scoreboard. Addresses wrap at the buffer
// size, as the RTL's do. Prints "N passed, 0 failed" or the first mismatch.
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "Vnb_bit_ram.h"
#include "verilated.h"

namespace {

struct Bench {
  Vnb_bit_ram top;
  void tick() {
    top.clk_i = 0;
    top.eval();
    top.clk_i = 1;
    top.eval();
  }
};

template <typename W>
void set_bits(W& w, int n, const std::vector<uint8_t>& v) {
  // Verilator: up to 64 bits as an integer, wider as an array of 32-bit words.
  if constexpr (std::is_integral_v<W>) {
    w = 0;
    for (int i = 0; i < n; ++i) w |= W(v[size_t(i)] & 1) << i;
  } else {
    for (auto& x : w) x = 0;
    for (int i = 0; i < n; ++i) w[size_t(i / 32)] |= uint32_t(v[size_t(i)] & 1) << (i % 32);
  }
}
template <typename W>
int get_bit(const W& w, int i) {
  if constexpr (std::is_integral_v<W>) return int((w >> i) & 1);
  else return int((w[size_t(i / 32)] >> (i % 32)) & 1);
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  const int bits = NB_TB_BITS, u = NB_TB_U, wmax = NB_TB_WMAX;
  std::mt19937_64 rng(argc > 1 ? std::stoull(argv[1]) : 1);
  Bench b;
  std::vector<uint8_t> ref(size_t(bits), 0);
  b.top.re_i = 0;
  b.top.we_i = 0;
  b.tick();
  // Fill with zeros through the write port, whole runs.
  int checks = 0, failures = 0;
  for (int phase = 0; phase < 400 && !failures; ++phase) {
    // writes: runs of 1..wmax bits, mostly back to back, often to nearby addresses
    int nw = int(rng() % 40) + 1;
    uint32_t base = uint32_t(rng() % uint64_t(bits));
    for (int i = 0; i < nw; ++i) {
      int n = int(rng() % uint64_t(wmax)) + 1;
      uint32_t a = (rng() % 3 == 0) ? uint32_t(rng() % uint64_t(bits)) : (base + uint32_t(rng() % 80)) % uint32_t(bits);
      std::vector<uint8_t> d(static_cast<size_t>(wmax)), m(static_cast<size_t>(wmax));
      for (int k = 0; k < wmax; ++k) {
        d[size_t(k)] = uint8_t(rng() & 1);
        m[size_t(k)] = uint8_t(k < n && (rng() % 8 != 0));
      }
      b.top.we_i = 1;
      b.top.re_i = 0;
      b.top.waddr_i = a;
      set_bits(b.top.wdata_i, wmax, d);
      set_bits(b.top.wmask_i, wmax, m);
      b.tick();
      for (int k = 0; k < wmax; ++k)
        if (m[size_t(k)]) ref[(a + uint32_t(k)) % uint32_t(bits)] = d[size_t(k)];
      b.top.we_i = 0;
      if (rng() % 4 == 0) b.tick();  // a gap
    }
    b.tick();  // the last write-back
    b.tick();
    // reads: runs of u bits anywhere
    int nr = int(rng() % 30) + 1;
    for (int i = 0; i < nr && !failures; ++i) {
      uint32_t a = (rng() % 2) ? (base + uint32_t(rng() % 80)) % uint32_t(bits) : uint32_t(rng() % uint64_t(bits));
      b.top.re_i = 1;
      b.top.raddr_i = a;
      b.tick();
      b.top.re_i = 0;
      b.tick();  // the run comes out of its register two cycles after the read
      for (int k = 0; k < u; ++k) {
        int want = ref[(a + uint32_t(k)) % uint32_t(bits)], got = get_bit(b.top.rdata_o, k);
        ++checks;
        if (want != got) {
          std::printf("tb_bit_ram: phase %d: read at bit %u, bit %d: expected %d, got %d\n", phase, a, k, want, got);
          ++failures;
          break;
        }
      }
      if (rng() % 3 == 0) b.tick();
    }
  }
  std::printf("tb_bit_ram Bits=%d U=%d WMax=%d: %d bits checked\n", bits, u, wmax, checks);
  std::printf("%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0);
  return failures ? 1 : 0;
}
