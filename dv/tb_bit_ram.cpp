// Randomized testbench of nb_bit_ram (the block-RAM bit buffer): phases of
// random masked writes (back to back, so that the read-modify-write's
// forwarding is exercised, and with gaps) and of random reads, checked
// against a plain bit array as scoreboard. Addresses wrap at the buffer
// size, as the RTL's do. Prints "N passed, 0 failed" or the first mismatch.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "Vnb_bit_ram.h"
#include "tb_common.h"


int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  const int bits = NB_TB_BITS, u = NB_TB_U, wmax = NB_TB_WMAX;
  struct {
    Vnb_bit_ram top;
    void tick() { tb::tick(top); }
  } b;
  // One write through the port: bit k of the run at `a` is d[k] where m[k].
  auto write = [&](uint32_t a, const std::vector<uint8_t>& d, const std::vector<uint8_t>& m) {
    b.top.we_i = 1;
    b.top.re_i = 0;
    b.top.waddr_i = a;
    for (int k = 0; k < wmax; ++k) {
      tb::set_field(b.top.wdata_i, k, 1, d[size_t(k)]);
      tb::set_field(b.top.wmask_i, k, 1, m[size_t(k)]);
    }
    b.tick();
  };
  std::vector<uint8_t> ref(size_t(bits), 0);
  b.top.re_i = 0;
  b.top.we_i = 0;
  b.tick();
  // Fill with zeros through the write port, whole runs: a block RAM's
  // contents are not the scoreboard's until written (the test runs with
  // random initial values).
  const std::vector<uint8_t> zeros(size_t(wmax), 0), all(size_t(wmax), 1);
  for (int a = 0; a < bits; a += wmax) write(uint32_t(a), zeros, all);
  b.top.we_i = 0;
  b.tick();  // the last write-back
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
      write(a, d, m);
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
        int want = ref[(a + uint32_t(k)) % uint32_t(bits)], got = int(tb::get_field(b.top.rdata_o, k, 1));
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
  return tb::result(failures);
}
