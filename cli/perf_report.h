// The figures `run` (measured by co-simulation) and `estimate` (the fast
// cycle model) print: one builder, so the two outputs have the same fields.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hw_options.h"
#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/model.h"
#include "neuroblend/perf.h"

namespace nb::cli {

// Model, configuration, cycles, latency, DSP use and utilization, per-layer records.
nlohmann::json perf_json(const ModelSpec& spec, const std::string& params_source, const Hw& hw,
                         const std::vector<LayerPerf>& layers, int images);
// Where the weights are (j["weights"]): resident in the lanes' weight
// memories, a slot per tile (rtl/nb_wslots.sv), when the model fits them and
// `stream` is not asked for; the entries it needs and the memories hold; an
// image after the first one's cycles, when known (`later_cycles` > 0).
void add_weights_json(nlohmann::json& j, const WeightSlots& w, bool resident, bool stream, uint64_t later_cycles);
// The per-layer table and the summary lines.
void print_perf(const nlohmann::json& j);

}  // namespace nb::cli
