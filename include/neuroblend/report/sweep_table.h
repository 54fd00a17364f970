// A sweep (`neuroblend sweep`): many configurations of one model through the
// fast cycle model, the resource and power models. One typed record, rows in
// the order of the grid; its formatters: JSON (sweep.json, format
// neuroblend-sweep-1, also the shards' format), CSV (sweep.csv) and the
// gnuplot data and script of the plots. A shard (`sweep --shard i/N`) is
// read back strictly, and shards merged into the whole sweep.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "neuroblend/compiler/hw_config.h"
#include "neuroblend/report/cost_stats.h"

namespace nb {

struct SweepRow {
  size_t index = 0;  // in the grid
  Hw hw;
  // A layer the configuration cannot hold (then the row has no figures).
  std::string reason;
  bool fits_layers() const { return reason.empty(); }
  uint64_t total_cycles = 0;  // the first image's
  double latency_ms = 0, images_per_s = 0;
  uint64_t later_image_cycles = 0;  // with resident weights; 0: the weights do not stay
  CostStats costs;
  bool fits_device() const { return fits_layers() && costs.fits; }
  bool pareto = false;
  // `sweep --verify-pareto`: the RTL's cycles and whether its outputs matched
  std::optional<uint64_t> rtl_cycles;
  bool rtl_verified = false;
};

struct Sweep {
  std::string model, params, device;
  size_t grid_size = 0;
  // the settings every configuration shares, and the data files used
  double clock_mhz = 0, dram_bw = 0;
  int dram_latency = 0;
  std::string power_coeffs, resource_model;
  std::string shard;  // "i/N": the rows of one shard (no Pareto front); empty: the whole grid
  std::vector<SweepRow> rows;

  size_t fitting() const;
  size_t pareto_points() const;
  // the same model, parameters, device, grid and settings (shards of one sweep)
  bool same_sweep(const Sweep& o) const;
};

nlohmann::json to_json(const SweepRow& r);
nlohmann::json to_json(const Sweep& s);
// Reads a sweep.json (a shard's or a whole sweep's) back; errors name
// `file` and the key ("s.json: rows[3].power.total_w: missing").
Sweep sweep_from_json(const nlohmann::json& j, const std::string& file);

// Pareto front of (latency, DSP slices, power) over the rows that fit the device.
void mark_pareto(std::vector<SweepRow>& rows);
std::string sweep_csv(const std::vector<SweepRow>& rows);
// sweep.json in `dir`, and sweep.csv for a whole sweep (whose front the
// caller has marked: mark_pareto).
void write_sweep(const std::filesystem::path& dir, const Sweep& s);
// The plots' data (points.dat, pareto.dat, power.dat) and gnuplot script
// (plots.gp, drawing latency_vs_dsp.svg and power_breakdown.svg) in `dir`.
void write_sweep_plot_files(const std::filesystem::path& dir, const Sweep& s);

// Shards into one sweep: they must come from the same sweep, and together
// hold every configuration of its grid exactly once.
class SweepMerge {
 public:
  // Adds one shard; `where` (its file) names it in errors.
  void add(Sweep shard, const std::string& where);
  // The merged sweep, rows in grid order; an error when a configuration is missing.
  Sweep result() const;
  size_t grid_size() const { return out_ ? out_->grid_size : 0; }

 private:
  std::optional<Sweep> out_;
  std::set<size_t> seen_;
};

}  // namespace nb
