// Shared by the cell testbenches of dv/: the seed, the clock, access to the
// fields of Verilator's ports, and the result line every bench prints.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <type_traits>

#include "verilated.h"

namespace tb {

// The bench's random generator, seeded from its first argument (default 1).
inline std::mt19937_64 seeded(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  return std::mt19937_64(argc > 1 ? std::stoull(argv[1]) : 1);
}

// One rising clock edge.
template <typename T>
void tick(T& top) {
  top.clk_i = 0;
  top.eval();
  top.clk_i = 1;
  top.eval();
}

// The asynchronous reset, fired: rst_ni falls (a level of 0 from the start
// is no edge, and `always_ff @(posedge clk_i or negedge rst_ni)` would never
// see it), then rises; the clock stays low.
template <typename T>
void reset(T& top) {
  top.clk_i = 0;
  top.rst_ni = 1;
  top.eval();
  top.rst_ni = 0;
  top.eval();
  top.rst_ni = 1;
  top.eval();
}

// Verilator packs up to 64 bits as an integer, wider ports as 32-bit words.
// A field of `bits` (at most 32) at bit `pos`, not crossing a 32-bit word.
template <typename W>
uint32_t get_field(const W& w, int pos, int bits) {
  const uint32_t m = bits >= 32 ? ~0u : (1u << bits) - 1;
  if constexpr (std::is_integral_v<W>) return uint32_t(uint64_t(w) >> pos) & m;
  else return (w[size_t(pos / 32)] >> (pos % 32)) & m;
}
template <typename W>
void set_field(W& w, int pos, int bits, uint32_t v) {
  const uint32_t m = bits >= 32 ? ~0u : (1u << bits) - 1;
  if constexpr (std::is_integral_v<W>) {
    w = W((uint64_t(w) & ~(uint64_t(m) << pos)) | (uint64_t(v & m) << pos));
  } else {
    uint32_t& x = w[size_t(pos / 32)];
    x = (x & ~(m << (pos % 32))) | ((v & m) << (pos % 32));
  }
}

// A field of up to 64 bits at any position, crossing 32-bit words: in
// pieces that do not (set_field / get_field).
template <typename W>
void set_bits(W& w, int pos, int bits, uint64_t v) {
  for (int done = 0; done < bits;) {
    const int p = pos + done, n = std::min(bits - done, 32 - p % 32);
    set_field(w, p, n, uint32_t(v >> done));
    done += n;
  }
}
template <typename W>
uint64_t get_bits(const W& w, int pos, int bits) {
  uint64_t v = 0;
  for (int done = 0; done < bits;) {
    const int p = pos + done, n = std::min(bits - done, 32 - p % 32);
    v |= uint64_t(get_field(w, p, n)) << done;
    done += n;
  }
  return v;
}

// "1 passed, 0 failed" or "0 passed, 1 failed"; the process's exit status.
inline int result(int failures) {
  std::printf("%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0);
  return failures ? 1 : 0;
}

}  // namespace tb
