#include "timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "neuroblend/error.h"

namespace nb::sim {

namespace {
constexpr uint32_t kCycBit = 1u << hw::act::kCyc;
constexpr int kImageTid = 1;  // the image track; flag b's track is tid 2 + b
int tid(int flag) {
  return flag < 0 ? kImageTid : 2 + flag;
}
}  // namespace

Timeline::Timeline(std::string path, int max_images, double clock_mhz, std::string title)
    : path_(std::move(path)), max_images_(max_images), clock_mhz_(clock_mhz), title_(std::move(title)) {
  if (!std::ofstream(path_)) throw Error(fmt::format("cannot write timeline '{}'", path_));
}

void Timeline::begin_image(std::vector<std::string> layer_names) {
  Image im;
  im.records.resize(layer_names.size());
  im.have_record.assign(layer_names.size(), false);
  im.layers = std::move(layer_names);
  images_.push_back(std::move(im));
  prev_ = 0;
  layer_ = tile_ = 0;
  image_open_ = false;
}

void Timeline::record(size_t i, const RecordWords& words) {
  Image& im = images_.back();
  if (i < im.records.size()) {
    im.records[i] = words;
    im.have_record[i] = true;
  }
}

// A run of `flag` ends before cycle c. The runs of cyc are the layers, and
// after the last layer's record a slice of the cycles no record counts (the
// record's other words, the end).
void Timeline::close(int flag, uint64_t c) {
  Interval v{open_[size_t(flag)], c, int16_t(flag), uint16_t(images_.size() - 1), layer_, 0};
  if (flag == hw::act::kComp) v.tile = tile_++;
  iv_.push_back(v);
}

void Timeline::step(uint64_t c, uint32_t f) {
  uint32_t was = prev_;
  if (f & kRecBit) {
    // A layer's record: its runs end here; those still on go on in the next layer.
    for (int b = 0; b < hw::kActBits; ++b)
      if (b != hw::act::kRec && (was >> b & 1)) close(b, c);
    ++layer_;
    tile_ = 0;
    was = 0;
  }
  uint32_t changed = (f ^ was) & ~kRecBit;
  for (int b = 0; changed; ++b, changed >>= 1)
    if (changed & 1) {
      if (f >> b & 1)
        open_[size_t(b)] = c;
      else
        close(b, c);
    }
  // The image: the whole run of cyc.
  if ((f & kCycBit) && !(prev_ & kCycBit) && !image_open_) {
    image_open_ = true;
    image_begin_ = c;
    if (!have_origin_) origin_ = c, have_origin_ = true;
  } else if (!(f & kCycBit) && (prev_ & kCycBit) && image_open_) {
    iv_.push_back({image_begin_, c, -1, uint16_t(images_.size() - 1), 0, 0});
    image_open_ = false;
  }
  prev_ = f;
}

void Timeline::end_image(uint64_t c) {
  if (images_.empty()) return;
  step(c, 0);
  prev_ = 0;
}

void Timeline::write() const {
  std::ofstream f(path_);
  // Timestamps in microseconds (the format's unit), from whole nanoseconds,
  // so that the viewer's rounding puts adjacent slices end to start.
  auto ns = [&](uint64_t c) { return std::llround(double(int64_t(c - origin_)) * 1000.0 / clock_mhz_); };
  bool first = true;
  auto put = [&](const nlohmann::json& e) {
    f << (first ? "" : ",\n") << e.dump();
    first = false;
  };
  f << "{\"traceEvents\":[\n";
  put({{"name", "process_name"}, {"ph", "M"}, {"pid", 1}, {"args", {{"name", title_}}}});
  auto track = [&](int t, const std::string& name) {
    put({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", t}, {"args", {{"name", name}}}});
    put({{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", 1}, {"tid", t}, {"args", {{"sort_index", t}}}});
  };
  track(kImageTid, "image");
  for (int b = 0; b < hw::kActBits; ++b)
    if (hw::kActivity[size_t(b)].track) track(tid(b), hw::kActivity[size_t(b)].track);

  std::vector<Interval> iv = iv_;
  std::stable_sort(iv.begin(), iv.end(),
                   [](const Interval& a, const Interval& b) { return tid(a.flag) < tid(b.flag); });
  for (const Interval& v : iv) {
    nlohmann::json e{{"name", ""}, {"ph", "X"}, {"pid", 1}, {"tid", tid(v.flag)}};
    int64_t b = ns(v.begin), d = ns(v.end) - b;
    e["ts"] = double(b) / 1000.0;
    e["dur"] = double(d) / 1000.0;
    const Image& im = images_[v.image];
    if (v.flag < 0) {
      e["name"] = fmt::format("image {}", v.image);
      e["args"] = {{"image", v.image}};
    } else if (v.flag == hw::act::kCyc) {
      e["args"] = {{"image", v.image}, {"layer", v.layer}};
      if (v.layer >= im.layers.size()) {
        e["name"] = "after the last record";
      } else {
        e["name"] = im.layers[v.layer];
        if (im.have_record[v.layer]) e["args"]["record"] = record_json(im.records[v.layer]);
      }
    } else if (v.flag == hw::act::kComp) {
      e["name"] = fmt::format("tile {}", v.tile);
    } else {
      e["name"] = hw::kActivity[size_t(v.flag)].name;
    }
    put(e);
  }
  nlohmann::json other{{"clock_mhz", clock_mhz_},
                       {"images", images_.size()},
                       {"time_zero", "the first running cycle of the first image"},
                       {"flags", "nb_top act_o, rtl/spec/nb_hw.json \"activity\""}};
  f << "\n],\n\"otherData\":" << other.dump() << "}\n";
  if (!f) throw Error(fmt::format("cannot write timeline '{}'", path_));
}

}  // namespace nb::sim
