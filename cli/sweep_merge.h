// Merging sweep shards (`sweep --shard K/N` outputs, format
// neuroblend-sweep-1) into one sweep: the shards must come from the same
// sweep, and together hold every configuration of its grid exactly once.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace nb::cli {

class SweepMerge {
 public:
  // Adds one shard; `where` (its file) names it in errors.
  void add(const nlohmann::json& shard, const std::string& where);
  // The merged sweep, rows in grid order; an error when a configuration is missing.
  nlohmann::json result() const;
  size_t grid_size() const { return grid_size_; }

 private:
  nlohmann::json out_;
  std::set<size_t> seen_;
  size_t grid_size_ = 0;
};

}  // namespace nb::cli
