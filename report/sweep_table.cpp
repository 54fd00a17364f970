#include "neuroblend/report/sweep_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/perfmodel/pareto.h"

namespace nb {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSweepFormat = "neuroblend-sweep-1";

SweepRow row_from_json(const nlohmann::json& j, const std::string& file, size_t i, size_t grid_size) {
  StrictObject o(j, file, fmt::format("rows[{}]", i));
  SweepRow r;
  r.index = o.count("index");
  // the grid's size bounds the indices
  if (r.index >= grid_size) o.fail("index", fmt::format("{} is outside the grid of {}", r.index, grid_size));
  r.hw = hw_from_json(o.get("config"), o.where("config"));
  r.pareto = o.boolean("pareto");
  if (!o.boolean("fits_layers")) {
    r.reason = o.str("reason");
    if (r.reason.empty()) o.fail("reason", "must say why the configuration cannot hold the model");
    if (o.boolean("fits_device")) o.fail("fits_device", "must be false: the configuration cannot hold the model");
    if (r.pareto) o.fail("pareto", "must be false: the configuration cannot hold the model");
    o.done();
    return r;
  }
  r.total_cycles = o.count("total_cycles");
  r.latency_ms = o.num("latency_ms");
  r.images_per_s = o.num("images_per_s");
  if (o.has("later_image_cycles")) {
    r.later_image_cycles = o.count("later_image_cycles");
    if (r.later_image_cycles == 0) o.fail("later_image_cycles", "must be > 0 (absent when the weights do not stay)");
  }
  r.costs = cost_stats_from_json(o);
  if (o.has("rtl_cycles")) {
    r.rtl_cycles = o.count("rtl_cycles");
    r.rtl_verified = o.boolean("rtl_verified");
  }
  o.done();
  return r;
}

}  // namespace

size_t Sweep::fitting() const {
  return size_t(std::count_if(rows.begin(), rows.end(), [](const SweepRow& r) { return r.fits_device(); }));
}
size_t Sweep::pareto_points() const {
  return size_t(std::count_if(rows.begin(), rows.end(), [](const SweepRow& r) { return r.pareto; }));
}
bool Sweep::same_sweep(const Sweep& o) const {
  return model == o.model && params == o.params && device == o.device && grid_size == o.grid_size &&
         clock_mhz == o.clock_mhz && dram_bw == o.dram_bw && dram_latency == o.dram_latency &&
         power_coeffs == o.power_coeffs && resource_model == o.resource_model;
}

nlohmann::json to_json(const SweepRow& r) {
  nlohmann::json j;
  j["index"] = r.index;
  j["config"] = hw_json(r.hw);
  j["fits_layers"] = r.fits_layers();
  j["pareto"] = r.pareto;
  if (!r.fits_layers()) {
    j["reason"] = r.reason;
    j["fits_device"] = false;
    return j;
  }
  j["total_cycles"] = r.total_cycles;
  j["latency_ms"] = r.latency_ms;
  j["images_per_s"] = r.images_per_s;
  if (r.later_image_cycles) j["later_image_cycles"] = r.later_image_cycles;
  add_json(j, r.costs);
  if (r.rtl_cycles) {
    j["rtl_cycles"] = *r.rtl_cycles;
    j["rtl_verified"] = r.rtl_verified;
  }
  return j;
}

nlohmann::json to_json(const Sweep& s) {
  nlohmann::json j;
  j["format"] = kSweepFormat;
  j["model"] = s.model;
  j["params"] = s.params;
  j["device"] = s.device;
  j["grid_size"] = s.grid_size;
  j["settings"] = {{"clock_mhz", s.clock_mhz},       {"dram_latency", s.dram_latency},
                   {"dram_bytes_per_cycle", s.dram_bw}, {"power_coeffs", s.power_coeffs},
                   {"resource_model", s.resource_model}};
  j["rows"] = nlohmann::json::array();
  for (const auto& r : s.rows) j["rows"].push_back(to_json(r));
  if (!s.shard.empty()) {
    j["shard"] = s.shard;
  } else {
    j["fitting"] = s.fitting();
    j["pareto_points"] = s.pareto_points();
  }
  return j;
}

Sweep sweep_from_json(const nlohmann::json& j, const std::string& file) {
  StrictObject o(j, file);
  if (o.str("format") != kSweepFormat) o.fail("format", fmt::format("not a sweep file (expected {})", kSweepFormat));
  Sweep s;
  s.model = o.str("model");
  s.params = o.str("params");
  s.device = o.str("device");
  s.grid_size = o.count("grid_size");
  StrictObject st = o.obj("settings");
  s.clock_mhz = st.num("clock_mhz");
  s.dram_latency = st.integer("dram_latency");
  s.dram_bw = st.num("dram_bytes_per_cycle");
  s.power_coeffs = st.str("power_coeffs");
  s.resource_model = st.str("resource_model");
  st.done();
  if (o.has("shard")) {
    s.shard = o.str("shard");
  } else {  // a whole sweep's counts, computed again from the rows
    o.count("fitting");
    o.count("pareto_points");
  }
  const auto& rows = o.array("rows");
  // the file's size bounds the rows
  for (size_t i = 0; i < rows.size(); ++i) s.rows.push_back(row_from_json(rows[i], file, i, s.grid_size));
  o.done();
  return s;
}

void mark_pareto(std::vector<SweepRow>& rows) {
  std::vector<size_t> ok;
  std::vector<std::vector<double>> pts;
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].pareto = false;
    if (!rows[i].fits_device()) continue;
    ok.push_back(i);
    pts.push_back({rows[i].latency_ms, rows[i].costs.res.dsp, rows[i].costs.power.total_w});
  }
  for (size_t k : pareto_front(pts)) rows[ok[k]].pareto = true;
}

std::string sweep_csv(const std::vector<SweepRow>& rows) {
  const std::string header =
      "index,name,lanes,words_per_lane,macs,xnor,fits_layers,fits_device,pareto,total_cycles,latency_ms,images_per_s,"
      "lut,lutram,ff,dsp,bram36,lut_pct,ff_pct,dsp_pct,bram_pct,power_w,static_w,dynamic_w,xnor_w,popcount_w,mac_w,"
      "merge_w,memory_w,logic_w,clock_w,energy_uj,rtl_cycles,later_image_cycles,resources_calibrated,reason\n";
  // A configuration that cannot hold a layer has its first 9 columns and the
  // reason; the figures between are empty (8 of the header's commas separate
  // the first 9 columns).
  const std::string no_figures(size_t(std::count(header.begin(), header.end(), ',')) - 8, ',');
  std::string s = header;
  for (const auto& r : rows) {
    const Hw& c = r.hw;
    s += fmt::format("{},{},{},{},{},{},{},{},{}", r.index, c.name, c.lanes, c.wpl, c.macs, c.xnor_dsp ? "dsp" : "lut",
                     r.fits_layers(), r.fits_device(), r.pareto);
    if (r.fits_layers()) {
      const Resources& res = r.costs.res;
      const CostStats& k = r.costs;
      const Power& p = r.costs.power;
      s += fmt::format(",{},{:.6g},{:.6g},{:.0f},{:.0f},{:.0f},{:.0f},{:.1f},{:.3g},{:.3g},{:.3g},{:.3g}",
                       r.total_cycles, r.latency_ms, r.images_per_s, res.lut, res.lutram, res.ff, res.dsp, res.bram36,
                       k.lut_pct, k.ff_pct, k.dsp_pct, k.bram36_pct);
      s += fmt::format(",{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g},{:.4g}", p.total_w,
                       p.static_w, p.dynamic_w, p.xnor_w, p.popcount_w, p.mac_w, p.merge_w, p.memory_w, p.logic_w,
                       p.clock_w, p.energy_per_image_uj);
      s += "," + (r.rtl_cycles ? std::to_string(*r.rtl_cycles) : std::string());
      s += "," + (r.later_image_cycles ? std::to_string(r.later_image_cycles) : std::string());
      s += fmt::format(",{},", k.calibrated);
    } else {
      s += no_figures;
      std::string why = r.reason;
      std::replace(why.begin(), why.end(), '"', '\'');
      s += "\"" + why + "\"";
    }
    s += "\n";
  }
  return s;
}

void write_sweep(const fs::path& dir, const Sweep& s) {
  fs::create_directories(dir);
  write_text_file(dir / "sweep.json", to_json(s).dump(1) + "\n");
  if (s.shard.empty()) write_text_file(dir / "sweep.csv", sweep_csv(s.rows));
}

// The plots are drawn by gnuplot (Debian's gnuplot-nox): the data and the
// script are kept next to the SVGs so they can be redrawn or restyled.
void write_sweep_plot_files(const fs::path& dir, const Sweep& s) {
  const std::string title = s.model + " on " + s.device;
  std::string pts, front, pw;
  std::vector<std::pair<double, std::string>> fr;
  for (const auto& r : s.rows) {
    if (!r.fits_layers()) continue;
    std::string line = fmt::format("{} {} {} {}\n", r.costs.res.dsp, r.latency_ms, r.costs.power.total_w,
                                   r.fits_device() ? 1 : 0);
    pts += line;
    if (r.pareto) fr.emplace_back(r.costs.res.dsp, line);
  }
  std::sort(fr.begin(), fr.end());
  for (auto& [k, l] : fr) front += l;
  int n = 0;
  for (const auto& r : s.rows) {
    if (!r.pareto) continue;
    const Power& p = r.costs.power;
    std::string label = fmt::format("{}L {}W {}M {}", r.hw.lanes, r.hw.wpl, r.hw.macs, r.hw.xnor_dsp ? "dsp" : "lut");
    pw += fmt::format("\"{}\" {} {} {} {} {} {} {} {}\n", label, p.static_w, p.xnor_w, p.popcount_w, p.mac_w,
                      p.merge_w, p.memory_w, p.logic_w, p.clock_w);
    if (++n == 20) break;
  }
  write_text_file(dir / "points.dat", pts);
  write_text_file(dir / "pareto.dat", front);
  write_text_file(dir / "power.dat", pw);
  std::string gp = fmt::format(R"GP(# gnuplot script written by neuroblend sweep
set terminal svg size 900,600 dynamic background rgb 'white'
set output 'latency_vs_dsp.svg'
set title "{}: latency vs DSP48E2 slices (fast cycle model; Pareto front of latency, DSP, power)"
set xlabel 'DSP48E2 slices'
set ylabel 'latency per image (ms)'
set logscale y
set key top right
set grid
plot 'points.dat' using 1:($4==1?$2:1/0) with points pt 7 ps 0.5 lc rgb '#7f7f7f' title 'fits the device', \
     'points.dat' using 1:($4==0?$2:1/0) with points pt 6 ps 0.5 lc rgb '#d62728' title 'does not fit', \
     'pareto.dat' using 1:2 with linespoints pt 7 ps 0.9 lc rgb '#1f77b4' title 'Pareto front'
set output 'power_breakdown.svg'
unset logscale y
set title "{}: power of the Pareto configurations (W)"
set ylabel 'W'
set xlabel ''
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -45 font ',8'
set key outside right
plot 'power.dat' using 2:xtic(1) title 'static', '' using 3 title 'XNOR', '' using 4 title 'popcount', \
     '' using 5 title 'MAC', '' using 6 title 'merge', '' using 7 title 'buffers', '' using 8 title 'other logic', \
     '' using 9 title 'clock'
)GP",
                               title, title);
  write_text_file(dir / "plots.gp", gp);
}

void SweepMerge::add(Sweep shard, const std::string& where) {
  if (out_ && !out_->same_sweep(shard))
    throw Error(where + ": a shard of a different sweep (model, device, settings or grid differ)");
  for (const auto& r : shard.rows)
    if (!seen_.insert(r.index).second) throw Error(fmt::format("{}: configuration {} is in two shards", where, r.index));
  if (!out_) {
    out_ = std::move(shard);
    out_->shard.clear();
    return;
  }
  for (auto& r : shard.rows) out_->rows.push_back(std::move(r));
}

Sweep SweepMerge::result() const {
  if (!out_) throw Error("no sweep shards");
  if (seen_.size() != out_->grid_size)
    throw Error(fmt::format("the shards hold {} of the {} configurations: a shard is missing", seen_.size(),
                            out_->grid_size));
  Sweep s = *out_;
  std::sort(s.rows.begin(), s.rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.index < b.index; });
  return s;
}

}  // namespace nb
