// DRAM behind the accelerator's memory port: byte-addressed storage, a
// fixed read latency and a bandwidth limit. Writes take effect when
// accepted; read data returns in order, `latency` cycles after acceptance.
#pragma once
#include <systemc.h>

#include <cstdint>
#include <deque>
#include <vector>

namespace nb::sim {

SC_MODULE(Dram) {
  sc_in<bool> clk;
  sc_in<bool> req_valid;
  sc_out<bool> req_ready;
  sc_in<uint32_t> req_addr;
  sc_in<bool> req_we;
  sc_in<uint64_t> req_wdata;
  sc_out<bool> rsp_valid;
  sc_out<uint64_t> rsp_rdata;

  std::vector<uint8_t> mem;
  int latency = 20;            // cycles from accepted read to data
  double bytes_per_cycle = 8;  // 8: one 64-bit beat per cycle
  uint64_t reads = 0, writes = 0, out_of_range = 0;

  SC_HAS_PROCESS(Dram);
  Dram(sc_module_name n, size_t bytes) : sc_module(n), mem(bytes, 0) {
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }

  uint64_t load64(uint32_t a) const;
  void store64(uint32_t a, uint64_t v);

 private:
  void tick();
  struct Pending {
    uint64_t due;
    uint64_t data;
  };
  std::deque<Pending> pending_;
  uint64_t cycle_ = 0;
  double tokens_ = 0;
};

}  // namespace nb::sim
