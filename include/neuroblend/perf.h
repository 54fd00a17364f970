// Per-layer performance record of the accelerator: the eight counters the
// RTL writes to memory after each layer (docs/architecture.md), as measured
// by co-simulation or predicted by the cycle model.
#pragma once
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "neuroblend/error.h"
#include "neuroblend/hw_spec.h"

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

// A performance record's words as the RTL writes them (hw::rec order; its
// cycle word includes the dump cycles), and the LayerPerf they make.
using RecordWords = std::array<uint64_t, hw::kRecordWords>;
inline LayerPerf from_record(std::string name, const RecordWords& w) {
  LayerPerf p;
  p.name = std::move(name);
  p.dump = w[hw::rec::kDump];
  p.cycles = w[hw::rec::kCycles] - p.dump;
  p.bin_busy = w[hw::rec::kBinBusy];
  p.fix_busy = w[hw::rec::kFixBusy];
  p.load = w[hw::rec::kLoad];
  p.compute = w[hw::rec::kCompute];
  p.rd_beats = w[hw::rec::kRdBeats];
  p.wr_beats = w[hw::rec::kWrBeats];
  return p;
}
inline RecordWords record_words(const LayerPerf& p) {
  RecordWords w{};
  w[hw::rec::kCycles] = p.cycles + p.dump;
  w[hw::rec::kBinBusy] = p.bin_busy;
  w[hw::rec::kFixBusy] = p.fix_busy;
  w[hw::rec::kLoad] = p.load;
  w[hw::rec::kCompute] = p.compute;
  w[hw::rec::kRdBeats] = p.rd_beats;
  w[hw::rec::kWrBeats] = p.wr_beats;
  w[hw::rec::kDump] = p.dump;
  return w;
}
// The record as a JSON object keyed by the counters' names (hw::kRecordNames).
inline nlohmann::json record_json(const RecordWords& w) {
  nlohmann::json j;
  for (size_t k = 0; k < w.size(); ++k) j[hw::kRecordNames[k]] = w[k];
  return j;
}

// A layer's counters as JSON: its name and the record's counters by their
// names (hw::kRecordNames, from rtl/spec/nb_hw.json), with `cycles` the
// layer's own (dump excluded, as in LayerPerf: they add up to the image's
// cycles). The one writer and reader of these keys: the co-simulator's
// output, `run`, `estimate` and `report` use them.
inline nlohmann::json to_json(const LayerPerf& p) {
  nlohmann::json j = record_json(record_words(p));
  j[hw::kRecordNames[hw::rec::kCycles]] = p.cycles;
  j["name"] = p.name;
  return j;
}
// The same back; `where` names the text in the error for a missing counter.
inline LayerPerf layer_perf_from_json(const nlohmann::json& j, const std::string& where) {
  RecordWords w{};
  for (size_t k = 0; k < w.size(); ++k) {
    const char* key = hw::kRecordNames[k];
    if (!j.is_object() || !j.contains(key) || !j[key].is_number_unsigned())
      throw Error(where + ": a layer without its counter '" + key + "'");
    w[k] = j[key].get<uint64_t>();
  }
  if (!j.contains("name") || !j["name"].is_string()) throw Error(where + ": a layer without its 'name'");
  w[hw::rec::kCycles] += w[hw::rec::kDump];  // the record word counts the dump
  return from_record(j["name"].get<std::string>(), w);
}

}  // namespace nb
