// `neuroblend report`: one self-contained HTML report (and its Markdown
// twin) for a model on a configuration: per-layer cycles and utilization, a
// layer timeline, resources and power, DSP-logic utilization, the DSP vs LUT
// XNOR comparison and the published figures. Cycles come from the fast cycle
// model (equal to the RTL's counters: tests) or, with --rtl, from
// co-simulation.
#include <fmt/format.h>

#include <filesystem>
#include <sstream>
#include <iostream>

#include "command.h"
#include "hw_options.h"
#include "neuroblend/cosim/runner.h"
#include "neuroblend/perfmodel/costs.h"
#include "neuroblend/report/cost_stats.h"
#include "neuroblend/report/document.h"
#include "neuroblend/describe.h"
#include "neuroblend/error.h"
#include "neuroblend/json_file.h"
#include "neuroblend/perfmodel/cycle_model.h"
#include "neuroblend/report/perf_stats.h"

namespace nb::cli {

namespace {

struct ReportArgs {
  ModelOptions o;
  HwArgs hw;
  std::string device = "xczu3eg", out;
  bool rtl = false;
};

// Horizontal timeline of the layers: load (grey) then compute (blue) per layer.
std::string timeline_svg(const std::vector<LayerPerf>& layers, uint64_t total) {
  const double W = 900, rowh = 14, left = 70;
  double h = 30 + rowh * double(layers.size());
  std::string s = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="sans-serif" font-size="10">)", W + left + 10, h);
  double x = 0;
  size_t i = 0;
  for (auto& p : layers) {
    double c = double(p.cycles), ld = double(p.load), cp = double(p.compute);
    double sx = left + W * x / double(total), y = 20 + rowh * double(i);
    double wl = W * ld / double(total), wc = W * std::max(0.0, c - ld) / double(total);
    s += fmt::format(R"(<text x="2" y="{:.1f}">{}</text>)", y + 10, html_escape(p.name));
    s += fmt::format(R"(<rect x="{:.2f}" y="{:.1f}" width="{:.2f}" height="{}" fill="#aaaaaa"><title>load {:.0f}</title></rect>)", sx, y, std::max(wl, 0.5), rowh - 3, ld);
    s += fmt::format(R"(<rect x="{:.2f}" y="{:.1f}" width="{:.2f}" height="{}" fill="#1f77b4"><title>compute {:.0f} of {:.0f} cycles</title></rect>)", sx + wl, y, std::max(wc, 0.5), rowh - 3, cp, c);
    x += c;
    ++i;
  }
  s += fmt::format(R"(<text x="{}" y="12">0</text><text x="{}" y="12" text-anchor="end">{} cycles</text>)", left, left + W, total);
  return s + "</svg>";
}

std::string bars_svg(const std::vector<std::pair<std::string, double>>& v, const std::string& unit) {
  double mx = 0;
  for (auto& [k, x] : v) mx = std::max(mx, x);
  std::string s = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="620" height="{}" font-family="sans-serif" font-size="11">)", 10 + 18 * v.size());
  size_t i = 0;
  for (auto& [k, x] : v) {
    double w = mx > 0 ? 400 * x / mx : 0;
    s += fmt::format(R"(<text x="2" y="{}">{}</text><rect x="110" y="{}" width="{:.1f}" height="13" fill="#ff7f0e"/><text x="{:.1f}" y="{}">{:.4g} {}</text>)",
                     14 + 18 * i, html_escape(k), 3 + 18 * i, w, 115 + w, 14 + 18 * i, x, unit);
    ++i;
  }
  return s + "</svg>";
}
}  // namespace

int run_report(const ReportArgs& args);

Command add_report(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  ModelOptions& o = args->o;
  auto* c = app.add_subcommand("report", "Write a self-contained HTML (and Markdown) report for a model on a configuration");
  o.add_compiled(c);
  add_hw_options(c, args->hw);
  c->add_option("--device", args->device, "Target device (data/devices.json)")->capture_default_str();
  c->add_option("-o,--out", args->out, "Report file (.html; the .md is written next to it); default out/report-MODEL.html");
  c->add_flag("--rtl", args->rtl, "Take the cycles from RTL co-simulation instead of the (equal) fast cycle model");
  return {c, &args->o, [args] { return run_report(*args); }};
}

int run_report(const ReportArgs& args) {
  const ModelOptions& o = args.o;
  Hw hw = resolve_hw(args.hw);
  Loaded l = load(o);
  CompiledModel cm = compile_with(o, l);
  check_fits(cm, hw);
  std::vector<LayerPerf> layers;
  std::string source;
  if (args.rtl) {
    CosimOptions co;
    co.no_dump = true;
    CosimResult r = cosimulate(cm, synthetic_images(l.spec.input.shape, 1, 100), hw, "", co);
    if (!r.verified) throw Error("the co-simulation did not verify: " + r.failure());
    layers = r.layers;
    source = "RTL co-simulation (verified bit-exact against the golden model)";
  } else {
    layers = estimate_cycles(cm, hw, mem_timing(hw, false)).layers;
    source = "fast cycle model (tests hold it equal to the RTL's own counters)";
  }
  PerfStats st = perf_stats(l.spec, l.params_source, hw, layers, 1);
  const uint64_t cycles = st.total_cycles;
  CostData d = load_cost_data();
  Costs c = costs(d, cm, hw, layers, cycles, args.device);
  const Hw twin = twin_xnor(hw);
  Costs ct = costs(d, cm, twin, layers, cycles, args.device);  // same cycles: the two XNORs have the same pipeline
  const Costs& cd = hw.xnor_dsp ? c : ct;
  const Costs& cl = hw.xnor_dsp ? ct : c;
  double ratio = cl.power.total_w / cd.power.total_w, ratio_dyn = cl.power.dynamic_w / cd.power.dynamic_w;
  ModelStats ms_stats = describe(l.spec);

  std::string out = args.out.empty() ? "out/report-" + l.spec.name + ".html" : args.out;
  std::filesystem::path md = std::filesystem::path(out).replace_extension(".md");
  if (std::filesystem::path(out).has_parent_path()) std::filesystem::create_directories(std::filesystem::path(out).parent_path());
  const double ms = st.latency_ms;
  Document doc;
  doc.title(fmt::format("NeuroBlend report: {} on {}", l.spec.name, hw.name));
  doc.paragraph(fmt::format("Parameters {}; cycles from the {}; device {}; clock {} MHz; DRAM latency {} cycles, {} bytes/cycle.",
                            l.params_source, source, args.device, hw.clock_mhz, hw.dram_latency, hw.dram_bw));
  doc.heading("Summary");
  auto& sum = doc.table({"figure", "value", "published"}, {});
  sum.row({"cycles per image", std::to_string(cycles), ""});
  sum.row({"latency", fmt::format("{:.4f} ms", ms), fmt::format("{} ms", kPaperLatencyMs)});
  sum.row({"images/s", fmt::format("{:.0f}", st.images_per_s), ""});
  sum.row({"power (total)", fmt::format("{:.3f} W", c.power.total_w), ""});
  sum.row({"energy per image", fmt::format("{:.1f} uJ", c.power.energy_per_image_uj), ""});
  sum.row({"LUT-XNOR / DSP-XNOR power (same sizes)", fmt::format("{:.2f}x total, {:.2f}x dynamic", ratio, ratio_dyn),
           fmt::format("{}x", kPaperPowerRatio)});
  sum.row({"DSP-logic structural share",
           fmt::format("{} of {} datapath slices ({:.1f} %); {:.0f} DSP48E2 in all (model)", st.dsp_logic_slices,
                       st.dsp_logic_slices + st.dsp_mac_slices, 100 * st.dsp_logic_structural, c.res.dsp),
           ""});
  sum.row({"DSP-logic temporal utilization",
           fmt::format("{:.1f} % (useful XNOR bits / logic slices x 48 x cycles)", 100 * st.dsp_logic_utilization), ""});
  sum.row({"MAC utilization", fmt::format("{:.1f} %", 100 * st.mac_utilization), ""});
  sum.row({"model size vs float32", fmt::format("{:.1f}x smaller", ms_stats.size_ratio), ""});
  doc.figure("Layer timeline", timeline_svg(layers, cycles));
  doc.heading("Layers");
  std::vector<bool> numbers(12, true);  // every column but the first
  numbers[0] = false;
  auto& lt = doc.table({"layer", "cycles", "binary busy", "fixed busy", "load", "compute", "DRAM reads"}, numbers);
  for (auto& p : layers)
    lt.row({p.name, std::to_string(p.cycles), fmt::format("{:.1f} %", 100 * bin_busy_share(p)),
            fmt::format("{:.1f} %", 100 * fix_busy_share(p)), std::to_string(p.load), std::to_string(p.compute),
            std::to_string(p.rd_beats)});
  doc.heading("Resources (analytical model, calibrated against Yosys synthesis: data/resource_model.json)");
  auto& rt = doc.table({"configuration", "LUT", "FF", "DSP48E2", "BRAM36", "fits"}, {false, true, true, true, true, false});
  for (const Costs* k : {&c, &ct}) {
    const CostStats s = cost_stats(*k);
    rt.row({k == &c ? hw.name : twin.name, fmt::format("{:.0f} ({:.1f} %)", s.res.luts_total(), s.lut_pct),
            fmt::format("{:.0f} ({:.1f} %)", s.res.ff, s.ff_pct), fmt::format("{:.0f} ({:.1f} %)", s.res.dsp, s.dsp_pct),
            fmt::format("{:.1f} ({:.1f} %)", s.res.bram36, s.bram36_pct),
            s.fits ? "yes" : "no: " + fmt::format("{}", fmt::join(s.over, ", "))});
  }
  doc.paragraph(fmt::format("Where they go on {} (nb_top's own logic fitted; each submodule from its own synthesis):", hw.name));
  auto& pt = doc.table({"part", "instances", "LUT (logic)", "LUT (as RAM)", "FF", "DSP48E2", "BRAM36"}, numbers);
  for (const auto& p : c.res_parts)
    pt.row({fmt::format("{} ({})", p.what, p.name), std::to_string(p.count), fmt::format("{:.0f}", p.total.lut),
            fmt::format("{:.0f}", p.total.lutram), fmt::format("{:.0f}", p.total.ff), fmt::format("{:.0f}", p.total.dsp),
            fmt::format("{:.1f}", p.total.bram36)});
  if (!c.calibrated) doc.paragraph("EXTRAPOLATED: lanes, merge units or buffer sizes outside the synthesis runs the model was fitted to.");
  doc.figure("Power breakdown (" + hw.name + ")",
             bars_svg({{"static", c.power.static_w}, {"XNOR", c.power.xnor_w}, {"popcount", c.power.popcount_w},
                       {"MAC", c.power.mac_w}, {"merge", c.power.merge_w}, {"buffers", c.power.memory_w},
                       {"other logic", c.power.logic_w}, {"clock", c.power.clock_w}},
                      "W"));
  doc.heading("Power (W): XNOR in DSP48E2 vs in LUTs, same sizes and cycles");
  auto& pw = doc.table({"XNOR", "total", "static", "XNOR", "popcount", "MAC", "merge", "buffers", "other logic", "clock",
                        "dynamic", "uJ/image"},
                       numbers);
  for (auto [name, k] : {std::pair<const char*, const Costs*>{"DSP48E2", &cd}, {"LUT", &cl}}) {
    const auto& p = k->power;
    pw.row({name, fmt::format("{:.3f}", p.total_w), fmt::format("{:.3f}", p.static_w), fmt::format("{:.4f}", p.xnor_w),
            fmt::format("{:.4f}", p.popcount_w), fmt::format("{:.4f}", p.mac_w), fmt::format("{:.4f}", p.merge_w),
            fmt::format("{:.4f}", p.memory_w), fmt::format("{:.4f}", p.logic_w), fmt::format("{:.4f}", p.clock_w),
            fmt::format("{:.3f}", p.dynamic_w), fmt::format("{:.1f}", p.energy_per_image_uj)});
  }
  doc.paragraph(fmt::format("LUT / DSP: {:.2f}x total, {:.2f}x dynamic (published claim: {}x lower power with DSP logic). ",
                            ratio, ratio_dyn, kPaperPowerRatio) +
                "Activity: " + c.activity.source + ". Coefficients: " + d.power.file +
                " (first-order, derived from the public figures named there; not silicon measurements).");
  doc.paragraph(fmt::format("Latency {:.4f} ms vs the published {} ms per image ({:.2f}x).", ms, kPaperLatencyMs,
                            ms / kPaperLatencyMs));
  write_text_file(md.string(), doc.markdown());
  write_text_file(out, doc.html("NeuroBlend report: " + l.spec.name));
  nlohmann::json j = to_json(st);
  if (o.json) {
    j["report_html"] = out;
    j["report_md"] = md.string();
    add_costs_json(j, c);
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print("report: {} and {}\n", out, md.string());
  }
  return 0;
}

}  // namespace nb::cli
