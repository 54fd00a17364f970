// The figures `run` (measured by co-simulation) and `estimate` (the fast
// cycle model) print: one builder, so the two outputs have the same fields.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hw_options.h"
#include "neuroblend/model.h"
#include "neuroblend/perf.h"

namespace nb::cli {

// Model, configuration, cycles, latency, DSP use and utilization, per-layer records.
nlohmann::json perf_json(const ModelSpec& spec, const std::string& params_source, const Hw& hw,
                         const std::vector<LayerPerf>& layers, int images);
// The per-layer table and the summary lines.
void print_perf(const nlohmann::json& j);

}  // namespace nb::cli
