#include <doctest/doctest.h>

#include <cstdio>
#include <cmath>
#include <fstream>
#include <sstream>

#include "neuroblend/error.h"
#include "neuroblend/perfmodel/activity.h"
#include "neuroblend/perfmodel/cycle_model.h"
#include "neuroblend/perfmodel/data_files.h"
#include "neuroblend/perfmodel/devices.h"
#include "neuroblend/perfmodel/pareto.h"
#include "neuroblend/perfmodel/power.h"
#include "neuroblend/perfmodel/resources.h"
#include "neuroblend/perfmodel/yosys_log.h"
#include "neuroblend/random_model.h"

using namespace nb;

TEST_CASE("pareto front: dominated points are dropped, ties kept") {
  std::vector<std::vector<double>> p{{1, 5, 1}, {2, 4, 1}, {2, 5, 1}, {1, 5, 1}, {3, 3, 3}, {0.5, 9, 9}};
  auto f = pareto_front(p);
  CHECK(f == std::vector<size_t>{0, 1, 3, 4, 5});
}

TEST_CASE("Yosys stat parsing: LUTs, LUT RAM, FFs, DSPs, BRAM") {
  std::string log =
      "=== top ===\n     LUT6 5\n=== design hierarchy ===\n\n   Number of cells: 10\n"
      "     CARRY4                          3\n     DSP48E2                        54\n     FDCE                   2\n"
      "     FDRE                           7\n     LUT1                          1\n     LUT6                         10\n"
      "     MUXF7                        4\n     RAM64M8                        2\n     RAMB18E2                       3\n"
      "     RAMB36E2                       1\n";
  Resources r = parse_yosys_stat(log);
  CHECK(r.lut == 11);
  CHECK(r.lutram == 16);
  CHECK(r.ff == 9);
  CHECK(r.dsp == 54);
  CHECK(r.bram36 == 2.5);
  CHECK_THROWS_AS(parse_yosys_stat("nothing here"), Error);
}

TEST_CASE("longest paths from Yosys ltp output: levels by cell kind, end points, the flattened design last") {
  const std::string log =
      "Longest topological path in $paramod$ab12\\nb_rungen (length=30):\n"
      "    0: \\off_q [1]\n"
      "    1: $abc$1.d [0] (via $abc$2.ch.dly)\n"
      "    1: $abc$1.X [0] (via $abc$2.lut)\n"
      "    2: $auto$3.Y [3] (via $auto$3.genblk1.slice[0].genblk1.carry4.b[3].carry_o)\n"
      "    3: \\left [3] (via $abc$4.lut)\n"
      "\n"
      "Longest topological path in $paramod$ab13\\nb_rungen (length=1):\n"
      "    0: \\off_q [1]\n"
      "    1: \\x (via $abc$5.lut)\n"
      "Longest topological path in nb_popcount (length=2):\n"
      "    0: \\a_i [0]\n"
      "    1: \\s (via $abc$6.lut)\n"
      "    2: \\y [1] (via $abc$7.mux7.muxf)\n"
      "Longest topological path in $paramod$cd\\nb_top (length=99):\n"
      "    0: \\u_a.x\n"
      "Longest topological path in $paramod$cd\\nb_top (length=4):\n"
      "    0: \\d_raw_q [355]\n"
      "    1: $flatten\\u_fwin.\\u_gen.$abc$8 (via $flatten\\u_fwin.\\u_gen.$abc$9.lut)\n"
      "    2: $flatten\\u_fwin.\\u_gen.$abc$10 (via $flatten\\u_fwin.\\u_gen.$abc$11.lutram_a)\n"
      "    3: $abc$12 (via $abc$13.lut)\n"
      "    4: \\bit_wdata[1] [3] (via $abc$14.lut)\n"
      "\nWarnings: 1 unique messages\n";
  PathReport r = parse_yosys_paths(log);
  REQUIRE(r.found);
  CHECK(r.design.module == "nb_top");
  CHECK(r.design.levels() == 4);  // levels counted, not ltp's weighted length
  CHECK(r.design.lut == 3);
  CHECK(r.design.lutram == 1);
  CHECK(r.design.from == "d_raw_q[355]");
  CHECK(r.design.to == "bit_wdata[1][3]");
  CHECK(r.design.through == std::vector<std::string>{"u_fwin.u_gen", ""});
  // one per module (the deepest parameterization), deepest first; the top's
  // hierarchical path (submodules as cells) is left out
  REQUIRE(r.modules.size() == 2);
  CHECK(r.modules[0].module == "nb_rungen");
  CHECK(r.modules[0].levels() == 3);
  CHECK(r.modules[0].carry4 == 1);
  CHECK(r.modules[0].lut == 2);
  CHECK(r.modules[1].module == "nb_popcount");
  CHECK(r.modules[1].muxf == 1);
  CHECK(r.design.estimate_ns() == doctest::Approx(0.3 + 3 * 0.5 + 0.7));
  CHECK_FALSE(parse_yosys_paths("no paths").found);
}

TEST_CASE("activity from Verilator coverage data: grouped by port, per image") {
  const char* path = "test_cov.dat";
  {
    std::ofstream f(path);
    f << "# SystemC::Coverage-3\n";
    f << "C '\x01" "f\x02x.sv\x01" "page\x02v_toggle/nb_dsp_xnor\x01" "o\x02" "ab_i[3]\x01" "h\x02top.nb_top.g_blane[*].g_dsp[0].u_xnor' 10\n";
    f << "C '\x01" "f\x02x.sv\x01" "o\x02p_o[0]\x01" "h\x02top.nb_top.g_blane[*].g_dsp[1].u_xnor' 6\n";
    f << "C '\x01" "f\x02x.sv\x01" "o\x02" "a_i[1]\x01" "h\x02top.nb_top.g_flane[*].u_mac' 8\n";
    f << "C '\x01" "f\x02x.sv\x01" "o\x02psum_o[1]\x01" "h\x02top.nb_top.g_flane[*].u_mac' 4\n";
    f << "C '\x01" "f\x02x.sv\x01" "o\x02z_o[1]\x01" "h\x02top.nb_top.g_merge[*].u_rq' 2\n";
    f << "C '\x01" "f\x02x.sv\x01" "o\x02" "clk_i\x01" "h\x02top.nb_top.g_blane[*].g_dsp[0].u_xnor' 1000\n";
    // The popcount tree's inner nodes count as popcount; the controller's
    // signals as other logic; the DSP48E2's internals not at all.
    f << "C '\x01" "f\x02x.sv\x01" "o\x02s1[2]\x01" "h\x02top.nb_top.g_blane[*].g_dsp[0].u_pop' 12\n";
    f << "C '\x01" "f\x02x.sv\x01" "o\x02" "c_cyc_q[3]\x01" "h\x02top.nb_top' 30\n";
    f << "C '\x01" "f\x02x.sv\x01" "o\x02prod[5]\x01" "h\x02top.nb_top.g_flane[*].u_mac' 500\n";
    f << "C '\x01" "f\x02x.sv\x01" "o\x02" "clk_i\x01" "h\x02top.nb_top' 700\n";
  }
  Activity a = activity_from_coverage(path, 2);
  CHECK(a.xnor == 8);
  CHECK(a.mac_in == 4);
  CHECK(a.mac_out == 2);
  CHECK(a.merge_out == 1);
  CHECK(a.popcount == 6);
  CHECK(a.logic == 15);
  std::remove(path);
  CHECK_THROWS_AS(activity_from_coverage("no_such_file.dat", 1), Error);
}

TEST_CASE("power coefficients: every number needs its derivation") {
  const char* path = "test_power.json";
  {
    std::ofstream f(path);
    f << R"({"format": "neuroblend-power-1",
            "coefficients_pj_per_toggle": {"lut": {"value": 0.01}, "dsp_port": {"value": 0.01, "derivation": "x"},
            "dsp_mult_in": {"value": 0.01, "derivation": "x"}, "memory": {"value": 0.01, "derivation": "x"},
            "ff_clock": {"value": 0.01, "derivation": "x"}}})";
  }
  CHECK_THROWS_WITH_AS(load_power_coeffs(path), doctest::Contains("lut.derivation: every coefficient needs its 'derivation'"),
                       Error);
  std::remove(path);
  PowerCoeffs k = load_power_coeffs(data_path("power.json"));
  CHECK(k.lut > k.dsp_port);  // the premise of the DSP-logic XNOR
  CHECK(k.file == "data/power.json");  // named by its path in the project, not the machine's
}

namespace {
// The project's data file `name` with one edit (a JSON pointer set or removed),
// written to `out`; the loader's error names the file and the key.
std::string edited(const std::string& name, const std::string& pointer, const nlohmann::json* value,
                   const std::string& out) {
  std::ifstream in(data_path(name));
  nlohmann::json j = nlohmann::json::parse(in);
  nlohmann::json::json_pointer p(pointer);
  if (value) j[p] = *value;
  else j[p.parent_pointer()].erase(p.back());
  std::ofstream f(out);
  f << j.dump(1);
  return out;
}
}  // namespace

TEST_CASE("data files: parsed strictly, a missing or unknown key named with its file") {
  const nlohmann::json extra = 1, text = "x", negative = -1, zero = 0;
  struct Case {
    const char* file;
    const char* pointer;
    const nlohmann::json* value;  // nullptr: removed
    const char* message;
  };
  const Case cases[] = {
      {"devices.json", "/devices/0/lutz", &extra, "t.json: devices[0].lutz: unknown key"},
      {"devices.json", "/devices/1/lut", nullptr, "t.json: devices[1].lut: missing"},
      {"devices.json", "/devices/0/lut", &zero, "t.json: devices[0].lut: must be > 0"},
      {"devices.json", "/static_w_per_lut", &text, "t.json: static_w_per_lut: must be a number"},
      {"devices.json", "/format", &text, "t.json: 'format' must be \"neuroblend-devices-1\", got \"x\""},
      {"power.json", "/coefficients_pj_per_toggle/lut/valu", &extra, "coefficients_pj_per_toggle.lut.valu: unknown key"},
      {"power.json", "/coefficients_pj_per_toggle/memory/value", &negative, "memory.value: must be >= 0"},
      {"activity.json", "/models/blendmixer/rates/xnor", nullptr, "models.blendmixer.rates.xnor: missing"},
      {"activity.json", "/models/neuroblend-20/rate", &extra, "models.neuroblend-20.rate: unknown key"},
      {"activity.json", "/modles", &extra, "t.json: modles: unknown key"},
      {"resource_model.json", "/calibrated_at/act_bytes", &text, "calibrated_at.act_bytes: must be an integer"},
      {"resource_model.json", "/modules/nb_requant/lutz", &extra, "modules.nb_requant.lutz: unknown key"},
      {"resource_model.json", "/top_coefficients/ff", nullptr, "top_coefficients.ff: missing"},
      {"resource_model.json", "/calibration/0/lanes", &negative, "calibration[0].lanes: must be an integer"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file);
    CAPTURE(c.pointer);
    std::string path = edited(c.file, c.pointer, c.value, "t.json");
    std::string f = c.file;
    if (f == "devices.json") CHECK_THROWS_WITH_AS(load_devices(path), doctest::Contains(c.message), Error);
    if (f == "power.json") CHECK_THROWS_WITH_AS(load_power_coeffs(path), doctest::Contains(c.message), Error);
    if (f == "activity.json")
      CHECK_THROWS_WITH_AS(load_activity_rates(path, "neuroblend-20"), doctest::Contains(c.message), Error);
    if (f == "resource_model.json")
      CHECK_THROWS_WITH_AS(load_resource_model(path), doctest::Contains(c.message), Error);
  }
  // an extra coefficient, well formed, is refused too (a typo would be silently unused)
  const nlohmann::json coef = {{"value", 0.1}, {"derivation", "x"}};
  CHECK_THROWS_WITH_AS(load_power_coeffs(edited("power.json", "/coefficients_pj_per_toggle/sram", &coef, "t.json")),
                       doctest::Contains("coefficients_pj_per_toggle.sram: unknown key"), Error);
  std::remove("t.json");
  // the project's own files load
  CHECK(load_devices(data_path("devices.json")).size() >= 2);
  CHECK(load_resource_model(data_path("resource_model.json")).file == "data/resource_model.json");
}

TEST_CASE("activity rates: a model without its own is not given another's") {
  Activity own = load_activity_rates(data_path("activity.json"), "neuroblend-20");
  CHECK(own.measured);
  CHECK(own.xnor > 0);
  CHECK(own.source == "data/activity.json of neuroblend-20 on configuration default");
  Activity none = load_activity_rates(data_path("activity.json"), "my-own-model");
  CHECK_FALSE(none.measured);
  CHECK(none.xnor == 0);
  CHECK(none.logic == 0);
  CHECK(none.source.find("no activity rates measured for my-own-model in data/activity.json") !=
        std::string::npos);
  OpCounts c;
  c.bin_lane_words = c.fix_lane_words = c.lane_merges = c.cycles = 1000;
  Activity applied = apply_rates(none, c);
  CHECK_FALSE(applied.measured);
  CHECK(applied.source == none.source);
  CHECK(to_json(applied)["measured"] == false);
}

TEST_CASE("power: energy per image = power x latency; static from the device") {
  Activity a;
  a.xnor = 1e6;
  Device d;
  d.static_w = 0.1;
  PowerCoeffs k;
  k.lut = 0.02, k.dsp_port = 0.01;
  Power dsp = estimate_power(a, 200000, 200, true, 0, d, k), lut = estimate_power(a, 200000, 200, false, 0, d, k);
  CHECK(dsp.xnor_w == doctest::Approx(1e6 * 0.01e-12 / 1e-3));
  CHECK(lut.xnor_w == doctest::Approx(2 * dsp.xnor_w));
  CHECK(dsp.total_w == doctest::Approx(0.1 + dsp.xnor_w));
  CHECK(dsp.energy_per_image_uj == doctest::Approx(dsp.total_w * 1e-3 * 1e6));
}

namespace {
std::string read_text(const std::string& path) {
  std::ifstream f(path);
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
// A calibration run's configuration.
HwConfig cal_hw(const nlohmann::json& run) {
  return HwConfig{"", run["lanes"], run["words_per_lane"], run["macs"], run["xnor"] == "dsp", 65536, 96, 128, 128,
                  run["merge_lanes"]};
}
// The model on one synthesis run: DSP48E2 exact, LUTs within lut_bound, FF
// within 10 %. Returns the model's figures.
Resources check_run(const ResourceModel& m, const nlohmann::json& run, double lut_bound) {
  CAPTURE(run["config"].get<std::string>());
  Resources r = estimate_resources(m, cal_hw(run));
  const auto& s = run["synthesis"];
  CHECK(r.dsp == s["dsp"].get<double>());
  CHECK(std::abs(r.luts_total() - s["lut_total"].get<double>()) <= lut_bound * s["lut_total"].get<double>());
  CHECK(std::abs(r.ff - s["ff"].get<double>()) <= 0.10 * s["ff"].get<double>());
  return r;
}
}  // namespace

TEST_CASE("resource model: within 10 % of synthesis for LUT and FF, exact for DSP and BRAM, on every run") {
  ResourceModel m = load_resource_model(data_path("resource_model.json"));
  REQUIRE(m.calibration.size() >= 6);
  for (auto& run : m.calibration) {
    CAPTURE(run["config"].get<std::string>());
    Resources r = check_run(m, run, 0.10);
    CHECK(r.bram36 == run["synthesis"]["bram36"].get<double>());
    // The C++ model is the one the calibration script evaluated.
    CHECK(r.luts_total() == doctest::Approx(run["model"]["lut_total"].get<double>()).epsilon(1e-3));
    // Out of sample too: each run predicted by the fit without it.
    CHECK(std::abs(run["loo_error_percent"]["lut_total"].get<double>()) <= 10.0);
    CHECK(std::abs(run["loo_error_percent"]["ff"].get<double>()) <= 10.0);
  }
  // Configurations never fitted: the model's error on a new configuration.
  // LUTs within 20 %: Yosys's LUT count for lane counts that are not powers
  // of two is irregular (7 lanes synthesizes 21 % larger than 6 and than 8),
  // and the 7-lane run is 19 % over the model (docs/exploration.md).
  REQUIRE(m.validation.size() >= 3);
  for (auto& run : m.validation) check_run(m, run, 0.20);
  // No part is ever negative, whatever the configuration (the fit is non-negative).
  for (int l : {1, 7, 16, 33, 64})
    for (int w : {1, 2, 4})
      for (int x : {0, 1})
        for (auto& p : resource_parts(m, HwConfig{"", l, w, 8, x, 65536, 96, 128, 128})) {
          CAPTURE(p.name);
          CHECK(p.total.lut >= 0);
          CHECK(p.total.lutram >= 0);
          CHECK(p.total.ff >= 0);
        }
}

TEST_CASE("resource model: merge units beyond the fitted runs are extrapolated, any write width estimated") {
  ResourceModel m = load_resource_model(data_path("resource_model.json"));
  REQUIRE(m.max_merge == 8);
  HwConfig g8{"", 32, 1, 8, 1, 65536, 96, 128, 128, 8}, g16 = g8;
  g16.merge_lanes = 16;
  CHECK(estimate_resource_parts(m, g8).calibrated);
  ResourceEstimate e16 = estimate_resource_parts(m, g16);
  CHECK_FALSE(e16.calibrated);  // 16 merge units: nb_top's fitted logic is extrapolated
  // its submodules are synthesized (the write runs of 16 units)
  for (const auto& p : e16.parts)
    if (p.name != "nb_top") CHECK(p.synthesized);
  // 12 merge units on 24 lanes: a write width no module entry has, between
  // the synthesized 8 and 16, estimated between them and flagged
  HwConfig g12{"", 24, 1, 8, 1, 65536, 96, 128, 128, 12}, w8 = g12, w16 = g12;
  w8.merge_lanes = 8, w16.merge_lanes = 16;  // not legal on 24 lanes: only the parts' sizes are compared
  auto part = [&](const HwConfig& hw, const std::string& name) {
    for (const auto& p : estimate_resource_parts(m, hw).parts)
      if (p.name.rfind(name + " ", 0) == 0) return p;
    FAIL("no part " << name);
    return ResourcePart{};
  };
  ResourceEstimate e12 = estimate_resource_parts(m, g12);
  CHECK_FALSE(e12.calibrated);
  for (const char* name : {"nb_byte_wfront", "nb_bit_ram"}) {
    CAPTURE(name);
    ResourcePart a = part(w8, name), b = part(w16, name), c = part(g12, name);
    CHECK_FALSE(c.synthesized);
    CHECK(c.each.lut == doctest::Approx((a.each.lut + b.each.lut) / 2));
    CHECK(c.each.ff == doctest::Approx((a.each.ff + b.each.ff) / 2));
  }
}

TEST_CASE("resource model: its instance counts are the synthesized design's") {
  ResourceModel m = load_resource_model(data_path("resource_model.json"));
  // Real Yosys logs of this RTL: four lanes, one word, two MACs, XNOR in DSP48E2
  // (one merge unit); twelve lanes, two words, one MAC, XNOR in LUTs (three).
  std::string dir = NB_TEST_DATA_DIR;
  std::string l4_log = read_text(dir + "/yosys_l4w1m2_stat.log");
  auto four = parse_yosys_instances(l4_log);
  HwConfig l4{"", 4, 1, 2, 1, 65536, 96, 128, 128};
  CHECK(four == model_instances(m, l4));
  // position pairs: the int8 banks, the two bit buffers and the window generators twice;
  // the int8 write port's decode once
  CHECK(four.at("nb_byte_banks") == 2);
  CHECK(four.at("nb_byte_wfront") == 1);
  CHECK(four.at("nb_bit_ram") == 4);
  CHECK(four.at("nb_window") == 4);
  CHECK(four.at("nb_fix_lane") == 4);
  CHECK(four.count("nb_lane_params") == 0);  // counted with nb_top's fitted logic
  CHECK(four.count("nb_skew") == 0);
  CHECK(four.count("nb_transpose") == 0);   // token mixing's: with nb_top too
  CHECK(four.count("nb_pos_params") == 0);
  CHECK(l4_log.find("nb_transpose") != std::string::npos);  // (the log is of the RTL that has them)
  // the merge units sit in nb_merge (its own logic and the counters' with nb_top's)
  CHECK(four.at("nb_requant") == 1);
  CHECK(four.count("nb_merge") == 0);
  CHECK(four.count("nb_perf_counters") == 0);
  CHECK(four.count("nb_fifo") == 0);
  CHECK(l4_log.find("nb_merge") != std::string::npos);
  CHECK(l4_log.find("nb_perf_counters") != std::string::npos);
  auto twelve = parse_yosys_instances(read_text(dir + "/yosys_l12w2m1x0_stat.log"));
  CHECK(twelve == model_instances(m, HwConfig{"", 12, 2, 1, 0, 65536, 96, 128, 128}));
  CHECK(twelve.at("nb_requant") == 3);
  // The module table is exact: nb_top's own logic is all that is fitted.
  Resources syn = parse_yosys_stat(l4_log), mod = estimate_resources(m, l4);
  CHECK(syn.dsp == mod.dsp);
  CHECK(syn.bram36 == mod.bram36);
  CHECK_THROWS_AS(parse_yosys_instances("no hierarchy"), Error);
}

TEST_CASE("synthesis log: nb_merge's children count as nb_top's, other depth-2 modules do not") {
  const std::string log =
      "=== design hierarchy ===\n\n"
      "   nb_top      1\n"
      "     $paramod$ab\\nb_window      2\n"
      "       nb_requant      5\n"  // not nb_merge's: a module of the window generator
      "     $paramod$cd\\nb_merge      2\n"
      "       nb_requant      3\n"
      "     nb_perf_counters      1\n"
      "     $paramod$ef\\nb_fifo      2\n"
      "     nb_requant      1\n"
      "\n   Number of wires:  10\n";
  auto n = parse_yosys_instances(log);
  CHECK(n.at("nb_window") == 2);
  CHECK(n.at("nb_requant") == 2 * 3 + 1);
  CHECK(n.count("nb_merge") == 0);
  CHECK(n.count("nb_perf_counters") == 0);
  CHECK(n.count("nb_fifo") == 0);
}

namespace {
// NeuroBlend-20 with seeded random parameters, calibrated on two images.
CompiledModel nb20_random() {
  CompileOptions co;
  co.calib_images = 2;
  ModelSpec nb20 = load_model("neuroblend-20");
  return compile(nb20, random_params(nb20, 1, 2), co);
}
}  // namespace

TEST_CASE("cycle model: records add up, and a layer the hardware cannot hold is refused") {
  ModelSpec spec = random_model(3);
  CompileOptions co;
  co.calib_images = 2;
  CompiledModel cm = compile(spec, random_params(spec, 3, 2), co);
  HwConfig hw{"t", 8, 1, 4, 1, 65536, 96, 128, 128};
  CycleEstimate e = estimate_cycles(cm, hw, MemTiming{});
  uint64_t s = 0;
  for (auto& p : e.layers) {
    s += p.cycles;
    CHECK(p.compute + p.load <= p.cycles);
  }
  CHECK(s == e.total_cycles);
  // Slower memory never makes it faster.
  CHECK(estimate_cycles(cm, hw, MemTiming{100, 1, false}).total_cycles >= e.total_cycles);
  hw.max_kw = 1;
  CHECK_THROWS_AS(estimate_cycles(cm, hw, MemTiming{}), Error);
  CHECK_THROWS_AS(estimate_cycles(cm, HwConfig{"t", 8, 1, 4, 1, 65536, 96, 128, 128}, MemTiming{20, 0, false}), Error);
}

TEST_CASE("cycle model: later layers start from the prefetch, with no descriptor fetch or tau/neg load") {
  const CompiledModel cm = nb20_random();
  HwConfig def{"t", 32, 1, 8, 1, 65536, 96, 128, 128};
  CycleEstimate e = estimate_cycles(cm, def, MemTiming{});
  // Stage 1's one tile computes far longer than the next layer's first tile,
  // the descriptor after it and their tau/neg take to load: each layer waits
  // only for its start (the descriptor check, WAIT_TL) and its end. A
  // descriptor fetch between layers alone is 32 beats plus the latency.
  for (size_t i = 1; i <= 6; ++i) {
    CAPTURE(e.layers[i].name);
    CHECK(e.layers[i].load <= 4);
  }
  // The first layer still fetches both descriptors and the image.
  CHECK(e.layers[0].load > 2 * uint64_t(hw::kDescBeats));
}

TEST_CASE("position pairs: which layers, and the random networks of the co-simulation tests have them") {
  const CompiledModel cm = nb20_random();
  ProgramLayout lay = layout_program(cm);
  HwConfig def{"t", 32, 1, 8, 1, 65536, 96, 128, 128};
  std::string paired;
  for (size_t i = 0; i < lay.desc.size(); ++i)
    if (position_pairs(lay.desc[i], def)) paired += cm.layers[i].name + " ";
  // 16 output channels on 32 lanes: the stem and stage 1; not the 32- and
  // 64-channel stages, the pooling or the logits
  CHECK(paired == "stem s1b1 s1b2 s1b3 s1b4 s1b5 s1b6 ");
  // odd lanes, or halves that are not whole merge groups: never
  for (const auto& hw : {HwConfig{"t", 33, 1, 8, 1, 65536, 96, 128, 128, 3},
                         HwConfig{"t", 32, 1, 8, 1, 65536, 96, 128, 128, 32}})
    for (const auto& d : lay.desc) CHECK_FALSE(position_pairs(d, hw));
  // The random networks the co-simulation tests run (seeds of cosim_random_default
  // and cosim_random_lut24) include paired layers.
  // paired layers, and of them those with an identity skip (the select path)
  CompileOptions co;
  co.calib_images = 2;
  auto count = [&](uint64_t seed0, const HwConfig& hw, bool identity) {
    int n = 0;
    for (uint64_t s = seed0; s < seed0 + 60; ++s) {
      ModelSpec m = random_model(s);
      CompiledModel c = compile(m, random_params(m, s, 2), co);
      for (const auto& d : layout_program(c).desc)
        n += position_pairs(d, hw) && (!identity || d[hw::desc::kSkip] == 2);
    }
    return n;
  };
  const HwConfig lut24{"t", 24, 4, 4, 0, 65536, 96, 128, 128};
  CHECK(count(7000, def, false) >= 5);
  CHECK(count(5000, lut24, false) >= 5);
  CHECK(count(7000, def, true) + count(5000, lut24, true) >= 1);
}

TEST_CASE("resident weights: NeuroBlend-20's slots on the default, and a later image loads no weights") {
  const CompiledModel cm = nb20_random();
  HwConfig def{"t", 32, 1, 8, 1, 65536, 96, 128, 128};
  // A slot per tile, in the tile loader's order (rtl/nb_wslots.sv). Binary
  // entries of 48-bit words: stage 1 six layers of 3 words, one tile (16
  // channels, position pairs); s2b1 3 words and s2b2-6 6, one tile; s3b1 6
  // and s3b2-6 12 words, two tiles each. int8 entries of 8 bytes: the stem's
  // 27 bytes (4), the 1x1 skips' 16, 32 and 64 bytes, the classifier's 64.
  WeightSlots w = weight_slots(cm, def);
  CHECK(w.bin == 6 * 3 + 3 + 5 * 6 + 2 * 6 + 5 * 2 * 12);
  CHECK(w.fix == 4 + 6 * 2 + 2 + 5 * 4 + 2 * 4 + 5 * 2 * 8 + 8);
  CHECK(w.bin_capacity == 256);  // 96 words per row: 7 address bits a half, two halves
  CHECK(w.fix_capacity == 512);  // 128 entries per row: 8 bits a half
  CHECK(w.fits());
  // Two words per lane halve the binary entries (rounded up per row), and
  // five lanes split the layers into many more tiles: then they do not fit.
  HwConfig odd5{"odd5", 5, 2, 2, 1, 65536, 96, 128, 128};
  WeightSlots w5 = weight_slots(cm, odd5);
  CHECK(w5.bin_capacity == 128);
  CHECK_FALSE(w5.fits());
  // A later image: no weight rows read, the parameters still are.
  MemTiming kept;
  kept.weights_kept = true;
  CycleEstimate first = estimate_cycles(cm, def, MemTiming{}), later = estimate_cycles(cm, def, kept);
  uint64_t rd_first = 0, rd_later = 0;
  for (size_t i = 0; i < first.layers.size(); ++i) {
    rd_first += first.layers[i].rd_beats;
    rd_later += later.layers[i].rd_beats;
    CHECK(later.layers[i].compute == first.layers[i].compute);
  }
  // the weight rows' beats: per lane and tile, kw binary words and the int8 entries
  int64_t weight_beats = 0;
  const ProgramLayout lay = layout_program(cm);
  for (const Desc& d : lay.desc) {
    const int64_t rows = d[hw::desc::kRows];
    if (d[hw::desc::kKbin]) weight_beats += int64_t(d[hw::desc::kKw]) * rows;
    if (d[hw::desc::kKind] != hw::kind::kAvgpool && d[hw::desc::kSkip] != hw::skip::kIdentity) weight_beats += int64_t(d[hw::desc::kFixRowBytes] / 8) * rows;
  }
  CHECK(int64_t(rd_first - rd_later) == weight_beats);
  CHECK(later.total_cycles < first.total_cycles);
}

TEST_CASE("derived sizes (rtl/spec/nb_hw.json): the values nb_top elaborates for known configurations") {
  // $clog2(v + 1): the address bits of v entries
  CHECK(hw::clog2p1(0) == 0);
  CHECK(hw::clog2p1(1) == 1);
  CHECK(hw::clog2p1(127) == 7);
  CHECK(hw::clog2p1(128) == 8);
  CHECK(hw::clog2p1(4096) == 13);
  CHECK(hw::kByteBanks(1) == 8);
  CHECK(hw::kByteBanks(9) == 16);
  CHECK(hw::kByteBanks(24) == 32);
  CHECK(hw::kByteBanks(33) == 64);
  CHECK(hw::kByteBankDepth(65536, 32) == 2048);
  CHECK(hw::kByteWriteUnits(6) == 8);
  CHECK(hw::kByteWriteUnits(16) == 16);
  // the default: 96 words in 97 addresses of one bank, 128 entries of 8 bytes
  CHECK(hw::kBinWeightEntries(96, 1) == 96);
  CHECK(hw::kBinWeightEntries(97, 4) == 25);
  CHECK(hw::kBinWeightAbits(96, 1) == 7);
  CHECK(hw::kFixWeightAbits(128) == 8);
  CHECK(hw::kPairOk(32, 8) == 1);
  CHECK(hw::kPairOk(24, 6) == 1);  // halves of 12 lanes: two groups of 6
  CHECK(hw::kPairOk(24, 8) == 0);  // 12 lanes are not whole groups of 8
  CHECK(hw::kPairOk(5, 5) == 0);
  CHECK(hw::kPairOk(8, 8) == 0);
  HwConfig d;
  d.lanes = 32, d.max_kw = 96, d.wpl = 1, d.max_fix_entries = 128, d.merge_lanes = 8;
  CHECK(d.bin_weight_abits() == 7);
  CHECK(d.fix_weight_abits() == 8);
  CHECK(d.pairs());
}

TEST_CASE("activity file: written as read (power --save-rates adds or replaces one entry)") {
  const std::string path = data_path("activity.json");
  const ActivityRates r = load_activity_file(path);
  // byte for byte, as power --save-rates writes it
  std::ifstream f(path);
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(to_json(r).dump(2) + "\n" == text);
  ActivityRates more = r;
  Activity a;
  a.xnor = 1.5, a.logic = 2;
  more.models["my-model"] = {"odd5", "random(seed=3)", 2, a};
  save_activity_file("t_activity.json", more);
  const ActivityRates back = load_activity_file("t_activity.json");
  std::remove("t_activity.json");
  CHECK(back.models.size() == r.models.size() + 1);
  CHECK(back.models.at("my-model").config == "odd5");
  CHECK(back.models.at("my-model").images == 2);
  CHECK(back.models.at("my-model").rates.xnor == 1.5);
  CHECK(back.models.at("my-model").rates.source == "t_activity.json of my-model on configuration odd5");
}
