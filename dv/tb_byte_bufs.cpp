// Randomized testbench of nb_byte_bufs (the two int8 activation buffers
// with shared ports): random masked writes of up to WUnits bytes at any
// address into either buffer, then random reads of Banks-byte runs from
// either, checked against two byte arrays as scoreboard. Addresses wrap at
// the buffer size, as the RTL's do. Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "Vnb_byte_bufs.h"
#include "verilated.h"

namespace {

// Verilator packs up to 64 bits as an integer, wider ports as 32-bit words.
template <typename W>
void set_byte(W& w, int i, uint8_t v) {
  if constexpr (std::is_integral_v<W>) {
    w = W(w & ~(W(0xff) << (8 * i))) | (W(v) << (8 * i));
  } else {
    uint32_t& x = w[size_t(i / 4)];
    x = (x & ~(0xffu << (8 * (i % 4)))) | (uint32_t(v) << (8 * (i % 4)));
  }
}
template <typename W>
uint8_t get_byte(const W& w, int i) {
  if constexpr (std::is_integral_v<W>) return uint8_t(w >> (8 * i));
  else return uint8_t(w[size_t(i / 4)] >> (8 * (i % 4)));
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  const int banks = NB_TB_BANKS, depth = NB_TB_DEPTH, wunits = NB_TB_WUNITS, bytes = banks * depth;
  std::mt19937_64 rng(argc > 1 ? std::stoull(argv[1]) : 1);
  Vnb_byte_bufs top;
  auto tick = [&] {
    top.clk_i = 0;
    top.eval();
    top.clk_i = 1;
    top.eval();
  };
  std::vector<uint8_t> ref[2] = {std::vector<uint8_t>(size_t(bytes), 0), std::vector<uint8_t>(size_t(bytes), 0)};
  // the RAMs start unknown: fill both buffers through the write port first
  top.re_i = 0;
  for (int b = 0; b < 2; ++b)
    for (int a = 0; a < bytes; a += wunits) {
      top.we_i = 1, top.wsel_i = uint8_t(b), top.waddr_i = uint32_t(a), top.wmask_i = (1ull << wunits) - 1;
      for (int k = 0; k < wunits; ++k) set_byte(top.wdata_i, k, 0);
      tick();
    }
  top.we_i = 0;
  int checks = 0, failures = 0;
  for (int phase = 0; phase < 300 && !failures; ++phase) {
    int nw = int(rng() % 30) + 1;
    uint32_t base = uint32_t(rng() % uint64_t(bytes));
    for (int i = 0; i < nw; ++i) {  // writes, often near each other, to either buffer
      int b = int(rng() % 2);
      uint32_t a = (rng() % 3 == 0) ? uint32_t(rng() % uint64_t(bytes)) : (base + uint32_t(rng() % 64)) % uint32_t(bytes);
      uint64_t mask = 0;
      top.we_i = 1, top.wsel_i = uint8_t(b), top.waddr_i = a;
      for (int k = 0; k < wunits; ++k) {
        uint8_t v = uint8_t(rng());
        set_byte(top.wdata_i, k, v);
        if (rng() % 5 != 0) {
          mask |= 1ull << k;
          ref[b][(a + uint32_t(k)) % uint32_t(bytes)] = v;
        }
      }
      top.wmask_i = mask;
      tick();
    }
    top.we_i = 0;
    int nr = int(rng() % 20) + 1;
    for (int i = 0; i < nr && !failures; ++i) {  // reads: a run of Banks bytes from either buffer
      int b = int(rng() % 2);
      uint32_t a = (rng() % 2) ? (base + uint32_t(rng() % 64)) % uint32_t(bytes) : uint32_t(rng() % uint64_t(bytes));
      top.re_i = 1, top.rsel_i = uint8_t(b), top.raddr_i = a;
      tick();
      top.re_i = 0;
      for (int k = 0; k < banks; ++k) {
        uint8_t want = ref[b][(a + uint32_t(k)) % uint32_t(bytes)], got = get_byte(top.rdata_o, k);
        ++checks;
        if (want != got) {
          std::printf("tb_byte_bufs: phase %d: buffer %d, read at %u, byte %d: expected %u, got %u\n", phase, b, a, k,
                      want, got);
          ++failures;
          break;
        }
      }
    }
  }
  std::printf("tb_byte_bufs Banks=%d Depth=%d WUnits=%d: %d bytes checked\n", banks, depth, wunits, checks);
  std::printf("%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0);
  return failures ? 1 : 0;
}
