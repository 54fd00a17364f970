// Per-layer performance record of the accelerator: the eight counters the
// RTL writes to memory after each layer (docs/architecture.md), as measured
// by co-simulation or predicted by the cycle model.
#pragma once
#include <cstdint>
#include <string>

namespace nb {

struct LayerPerf {
  std::string name;
  uint64_t cycles = 0;    // the layer's cycles, dump excluded (the records add up to the image's cycles)
  uint64_t bin_busy = 0;  // cycles the binary lanes took a word
  uint64_t fix_busy = 0;  // cycles the fixed-point lanes took a word
  uint64_t load = 0;      // cycles loading descriptors, input, weights, parameters
  uint64_t compute = 0;   // cycles computing (all tiles)
  uint64_t rd_beats = 0, wr_beats = 0, dump = 0;
  bool operator==(const LayerPerf& o) const {
    return name == o.name && cycles == o.cycles && bin_busy == o.bin_busy && fix_busy == o.fix_busy &&
           load == o.load && compute == o.compute && rd_beats == o.rd_beats && wr_beats == o.wr_beats &&
           dump == o.dump;
  }
};

}  // namespace nb
