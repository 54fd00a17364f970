// The timeline of a co-simulation (`run --timeline`): nb_top's activity
// flags (its act_o port, bits defined in rtl/spec/nb_hw.json "activity"),
// sampled every cycle, turned into intervals (runs of 1s) per flag and
// written as Chrome trace-event JSON, which the Perfetto UI opens. The
// performance counters count the same flags, so a layer's intervals of a
// flag add up to that flag's record counter (docs/architecture.md,
// "Timeline").
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "neuroblend/hw_spec.h"
#include "neuroblend/perf.h"

namespace nb::sim {

class Timeline {
 public:
  // Records the first `max_images` images run, for `path` (checked writable
  // now, written by write()); `clock_mhz` sets the time axis.
  Timeline(std::string path, int max_images, double clock_mhz, std::string title);

  // Whether the next image is recorded.
  bool wants_image() const { return int(images_.size()) < max_images_; }
  // An image starts (its layers' names); sample() follows every cycle.
  void begin_image(std::vector<std::string> layer_names);
  // The flags of cycle `c`, one call per cycle while an image runs.
  void sample(uint64_t c, uint32_t flags) {
    if (flags != prev_ || (flags & kRecBit)) step(c, flags);
  }
  // The performance record of layer `i` of the current image, as the RTL wrote it.
  void record(size_t i, const RecordWords& words);
  // The image ended (or the run stopped): intervals still open close at `c`.
  void end_image(uint64_t c);

  // Chrome trace-event JSON (docs/architecture.md, "Timeline").
  void write() const;
  size_t intervals() const { return iv_.size(); }

 private:
  static constexpr uint32_t kRecBit = 1u << hw::act::kRec;
  struct Interval {
    uint64_t begin, end;  // cycles, end exclusive
    int16_t flag;         // -1: the image
    uint16_t image, layer, tile;
  };
  struct Image {
    std::vector<std::string> layers;
    std::vector<RecordWords> records;
    std::vector<bool> have_record;
  };
  void step(uint64_t c, uint32_t flags);
  void close(int flag, uint64_t c);

  std::string path_;
  int max_images_;
  double clock_mhz_;
  std::string title_;
  std::vector<Image> images_;
  std::vector<Interval> iv_;
  std::array<uint64_t, hw::kActBits> open_{};  // begin of the open run of each flag
  uint32_t prev_ = 0;                          // flags of the cycle before
  uint16_t layer_ = 0, tile_ = 0;              // layer and tile of the current image
  uint64_t image_begin_ = 0;
  bool image_open_ = false, have_origin_ = false;
  uint64_t origin_ = 0;  // cycle at time 0: the first traced image's first running cycle
};

}  // namespace nb::sim
