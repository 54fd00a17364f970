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
#include "tb_common.h"


int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  const int banks = NB_TB_BANKS, depth = NB_TB_DEPTH, wunits = NB_TB_WUNITS, bytes = banks * depth;
  Vnb_byte_bufs top;
  auto tick = [&] { tb::tick(top); };
  std::vector<uint8_t> ref[2] = {std::vector<uint8_t>(size_t(bytes), 0), std::vector<uint8_t>(size_t(bytes), 0)};
  // the RAMs start unknown: fill both buffers through the write port first
  top.re_i = 0;
  for (int b = 0; b < 2; ++b)
    for (int a = 0; a < bytes; a += wunits) {
      top.we_i = 1, top.wsel_i = uint8_t(b), top.waddr_i = uint32_t(a), top.wmask_i = (1ull << wunits) - 1;
      for (int k = 0; k < wunits; ++k) tb::set_field(top.wdata_i, 8 * k, 8, 0);
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
        tb::set_field(top.wdata_i, 8 * k, 8, v);
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
        uint8_t want = ref[b][(a + uint32_t(k)) % uint32_t(bytes)], got = uint8_t(tb::get_field(top.rdata_o, 8 * k, 8));
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
  return tb::result(failures);
}
