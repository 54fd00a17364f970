#include "sweep_merge.h"

#include <fmt/format.h>

#include <algorithm>

#include "neuroblend/error.h"

namespace nb::cli {

void SweepMerge::add(const nlohmann::json& j, const std::string& where) {
  try {
    if (!j.is_object() || j.value("format", "") != "neuroblend-sweep-1") throw Error(where + ": not a sweep file");
    if (out_.is_null()) {
      out_ = j;
      out_.erase("shard");
      out_["rows"] = nlohmann::json::array();
      grid_size_ = j.at("grid_size").get<size_t>();
    } else if (j.at("model") != out_["model"] || j.at("device") != out_["device"] ||
               j.at("settings") != out_["settings"] || j.at("grid_size") != out_["grid_size"] ||
               j.at("params") != out_["params"]) {
      throw Error(where + ": a shard of a different sweep (model, device, settings or grid differ)");
    }
    for (const auto& r : j.at("rows")) {
      size_t k = r.at("index").get<size_t>();
      if (k >= grid_size_) throw Error(fmt::format("{}: configuration {} outside the grid of {}", where, k, grid_size_));
      if (!seen_.insert(k).second) throw Error(fmt::format("{}: configuration {} is in two shards", where, k));
      out_["rows"].push_back(r);
    }
  } catch (const nlohmann::json::exception& e) {
    // a key missing or of the wrong type: name the shard
    throw Error(fmt::format("{}: not a valid sweep shard: {}", where, e.what()));
  }
}

nlohmann::json SweepMerge::result() const {
  if (out_.is_null()) throw Error("no sweep shards");
  if (seen_.size() != grid_size_)
    throw Error(
        fmt::format("the shards hold {} of the {} configurations: a shard is missing", seen_.size(), grid_size_));
  nlohmann::json out = out_;
  std::sort(out["rows"].begin(), out["rows"].end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["index"].get<size_t>() < b["index"].get<size_t>();
  });
  return out;
}

}  // namespace nb::cli
