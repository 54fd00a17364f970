#include "dram.h"

#include <cstring>

namespace nb::sim {

uint64_t Dram::load64(uint32_t a) const {
  uint64_t v = 0;
  if (size_t(a) + 8 <= mem.size()) std::memcpy(&v, &mem[a], 8);
  return v;
}

void Dram::store64(uint32_t a, uint64_t v) {
  if (size_t(a) + 8 <= mem.size()) std::memcpy(&mem[a], &v, 8);
}

void Dram::tick() {
  ++cycle_;
  // The request seen at this edge was offered during the last cycle, against
  // the ready we drove then.
  if (req_valid.read() && req_ready.read()) {
    tokens_ -= 8;
    uint32_t a = req_addr.read();
    if (size_t(a) + 8 > mem.size()) ++out_of_range;
    if (req_we.read()) {
      store64(a, req_wdata.read());
      ++writes;
    } else {
      pending_.push_back({cycle_ + uint64_t(latency), load64(a)});
      ++reads;
    }
  }
  tokens_ = std::min(tokens_ + bytes_per_cycle, 16.0);
  req_ready.write(tokens_ >= 8);
  if (!pending_.empty() && pending_.front().due <= cycle_) {
    rsp_valid.write(true);
    rsp_rdata.write(pending_.front().data);
    pending_.pop_front();
  } else {
    rsp_valid.write(false);
  }
}

}  // namespace nb::sim
