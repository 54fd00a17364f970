#include <doctest/doctest.h>

#include "neuroblend/error.h"
#include "neuroblend/report/sweep_table.h"

using namespace nb;

namespace {

SweepRow fitting_row(size_t index, int lanes, double ms, double dsp, double watts) {
  SweepRow r;
  r.index = index;
  r.hw.lanes = lanes;
  r.hw.name = r.hw.key();
  r.total_cycles = uint64_t(ms * 200e3);
  r.latency_ms = ms;
  r.images_per_s = 1e3 / ms;
  r.costs.device = "xczu3eg";
  r.costs.res = {1000.5, 24, 2000, dsp, 10.5};
  r.costs.lut_pct = 1.5, r.costs.ff_pct = 0.25, r.costs.dsp_pct = 3, r.costs.bram36_pct = 4;
  r.costs.power.total_w = watts;
  r.costs.power.static_w = watts / 2;
  return r;
}

Sweep small_sweep() {
  Sweep s;
  s.model = "neuroblend-20", s.params = "random(seed=1)", s.device = "xczu3eg", s.grid_size = 4;
  s.clock_mhz = 200, s.dram_bw = 8, s.dram_latency = 20;
  s.power_coeffs = "data/power.json", s.resource_model = "data/resource_model.json";
  s.rows.push_back(fitting_row(0, 8, 0.4, 10, 0.2));
  s.rows.push_back(fitting_row(1, 16, 0.2, 20, 0.2));  // dominates row 2
  s.rows.push_back(fitting_row(2, 16, 0.3, 20, 0.3));
  SweepRow unfit;
  unfit.index = 3;
  unfit.hw.lanes = 4;
  unfit.hw.name = unfit.hw.key();
  unfit.reason = "layer conv1: \"too wide\"";
  s.rows.push_back(unfit);
  s.rows[2].costs.fits = false;  // over the device, on an uncalibrated resource model
  s.rows[2].costs.over = {"DSP 400 > 360"};
  s.rows[2].costs.calibrated = false;
  s.rows[1].later_image_cycles = 1234;
  s.rows[1].rtl_cycles = 40001;
  s.rows[1].rtl_verified = true;
  return s;
}

}  // namespace

TEST_CASE("sweep: Pareto front over the rows that fit the device") {
  Sweep s = small_sweep();
  mark_pareto(s.rows);
  CHECK(s.rows[0].pareto);  // fewest DSP slices
  CHECK(s.rows[1].pareto);  // fastest
  CHECK(!s.rows[2].pareto);  // over the device (and dominated)
  CHECK(!s.rows[3].pareto);  // cannot hold a layer
  CHECK(s.fitting() == 2);
  CHECK(s.pareto_points() == 2);
  s.rows[0].costs.fits = false;  // over the device: never on the front
  s.rows[0].costs.over = {"LUT 40000 > 35000"};
  mark_pareto(s.rows);
  CHECK(!s.rows[0].pareto);
  CHECK(s.pareto_points() == 1);
}

TEST_CASE("sweep: JSON read back gives the same sweep, CSV and JSON") {
  Sweep s = small_sweep();
  mark_pareto(s.rows);
  const nlohmann::json j = to_json(s);
  const Sweep back = sweep_from_json(j, "s.json");
  CHECK(to_json(back).dump(1) == j.dump(1));  // byte for byte, as sweep.json is written
  CHECK(sweep_csv(back.rows) == sweep_csv(s.rows));
  CHECK(back.rows[3].reason == s.rows[3].reason);
  CHECK(back.rows[1].rtl_cycles == s.rows[1].rtl_cycles);
  CHECK(back.same_sweep(s));
  // the unfit row: 9 columns, empty figures, the reason quoted (its quotes made single)
  const std::string csv = sweep_csv(s.rows);
  CHECK(csv.find(",,\"layer conv1: 'too wide'\"\n") != std::string::npos);
}

TEST_CASE("sweep: shards merge into the whole sweep; a missing or repeated configuration is refused") {
  Sweep s = small_sweep();
  Sweep a = s, b = s;
  a.shard = "1/2", b.shard = "2/2";
  a.rows = {s.rows[0], s.rows[2]};
  b.rows = {s.rows[3], s.rows[1]};
  SweepMerge m;
  m.add(sweep_from_json(to_json(a), "a.json"), "a.json");
  CHECK_THROWS_WITH_AS(m.result(), "the shards hold 2 of the 4 configurations: a shard is missing", Error);
  m.add(sweep_from_json(to_json(b), "b.json"), "b.json");
  Sweep merged = m.result();
  CHECK(merged.shard.empty());
  CHECK(to_json(merged).dump(1) == to_json(s).dump(1));
  CHECK_THROWS_WITH_AS(m.add(a, "a2.json"), "a2.json: configuration 0 is in two shards", Error);
  Sweep other = a;
  other.device = "xczu9eg";
  SweepMerge m2;
  m2.add(a, "a.json");
  CHECK_THROWS_WITH_AS(m2.add(other, "o.json"),
                       "o.json: a shard of a different sweep (model, device, settings or grid differ)", Error);
}

TEST_CASE("sweep: a shard is read strictly") {
  nlohmann::json j = to_json(small_sweep());
  nlohmann::json bad = j;
  bad["rows"][1]["resources"].erase("dsp");
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), "s.json: rows[1].resources.dsp: missing", Error);
  bad = j;
  bad["rows"][0]["index"] = 4;
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), "s.json: rows[0].index: 4 is outside the grid of 4", Error);
  bad = j;
  bad["rows"][3].erase("reason");
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), "s.json: rows[3].reason: missing", Error);
  bad = j;
  bad["format"] = "neuroblend-sweep-0";
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), "s.json: format: not a sweep file (expected neuroblend-sweep-1)",
                       Error);
  bad = j;
  bad["rows"][0]["latency"] = 1;
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), doctest::Contains("s.json: rows[0].latency: unknown key"), Error);
  bad = j;
  bad["rows"][0]["config"].erase("lanes");
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), "s.json: rows[0].config: key 'lanes' missing", Error);
  bad = j;
  bad["rows"][0]["config"]["max_kw"] = 64;
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), "s.json: rows[0].config: unknown key 'max_kw'", Error);
  bad = j;
  bad["rows"][2]["over_device"] = nlohmann::json::array();
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), doctest::Contains("s.json: rows[2].fits_device: must be false exactly"),
                       Error);
  bad = j;
  bad["rows"][1]["resources"]["lut_total"] = 1;
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), "s.json: rows[1].resources.lut_total: must be lut + lutram", Error);
  bad = j;
  bad["rows"][1]["later_image_cycles"] = 0;
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), doctest::Contains("s.json: rows[1].later_image_cycles: must be > 0"),
                       Error);
  bad = j;
  bad["rows"][3]["pareto"] = true;
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), doctest::Contains("s.json: rows[3].pareto: must be false"), Error);
  bad = j;
  bad["fitting"] = "x";
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), doctest::Contains("s.json: fitting: must be an integer"), Error);
  bad = j;
  bad["shard"] = "1/2";  // a shard has no counts
  CHECK_THROWS_WITH_AS(sweep_from_json(bad, "s.json"), doctest::Contains("s.json: fitting: unknown key"), Error);
}
