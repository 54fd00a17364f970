// `neuroblend report`: one self-contained HTML report (and its Markdown
// twin) for a model on a configuration: per-layer cycles and utilization, a
// layer timeline, resources and power, DSP-logic utilization, the DSP vs LUT
// XNOR comparison and the published figures. Cycles come from the fast cycle
// model (equal to the RTL's counters: tests) or, with --rtl, from
// co-simulation.
#include <fmt/format.h>

#include <filesystem>
#include <sstream>
#include <fstream>
#include <iostream>

#include "command.h"
#include "cosim.h"
#include "costs.h"
#include "neuroblend/describe.h"
#include "neuroblend/error.h"
#include "neuroblend/perfmodel/cycle_model.h"
#include "perf_report.h"

namespace nb::cli {

namespace {
struct ReportArgs {
  ModelOptions o;
  HwArgs hw;
  std::string device = "xczu3eg", out;
  bool rtl = false;
};

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return o;
}

// Horizontal timeline of the layers: load (grey) then compute (blue) per layer.
std::string timeline_svg(const nlohmann::json& layers, uint64_t total) {
  const double W = 900, rowh = 14, left = 70;
  double h = 30 + rowh * double(layers.size());
  std::string s = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="sans-serif" font-size="10">)", W + left + 10, h);
  double x = 0;
  size_t i = 0;
  for (auto& p : layers) {
    double c = p["cycles"].get<double>(), ld = p["load"].get<double>(), cp = p["compute"].get<double>();
    double sx = left + W * x / double(total), y = 20 + rowh * double(i);
    double wl = W * ld / double(total), wc = W * std::max(0.0, c - ld) / double(total);
    s += fmt::format(R"(<text x="2" y="{:.1f}">{}</text>)", y + 10, esc(p["name"].get<std::string>()));
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
                     14 + 18 * i, esc(k), 3 + 18 * i, w, 115 + w, 14 + 18 * i, x, unit);
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
    layers = estimate_cycles(cm, hw, MemTiming{hw.dram_latency, hw.dram_bw, false}).layers;
    source = "fast cycle model (tests hold it equal to the RTL's own counters)";
  }
  nlohmann::json j = perf_json(l.spec, l.params_source, hw, layers, 1);
  uint64_t cycles = j["total_cycles"];
  CostData d = load_cost_data();
  Costs c = costs(d, cm, hw, layers, cycles, args.device);
  Hw twin = hw;
  twin.xnor_dsp = !hw.xnor_dsp;
  twin.name = twin.key();
  Costs ct = costs(d, cm, twin, layers, cycles, args.device);  // same cycles: the two XNORs have the same pipeline
  const Costs& cd = hw.xnor_dsp ? c : ct;
  const Costs& cl = hw.xnor_dsp ? ct : c;
  double ratio = cl.power.total_w / cd.power.total_w, ratio_dyn = cl.power.dynamic_w / cd.power.dynamic_w;
  ModelStats st = describe(l.spec);

  std::string out = args.out.empty() ? "out/report-" + l.spec.name + ".html" : args.out;
  std::filesystem::path md = std::filesystem::path(out).replace_extension(".md");
  if (std::filesystem::path(out).has_parent_path()) std::filesystem::create_directories(std::filesystem::path(out).parent_path());
  double ms = j["latency_ms"];
  // ---------------------------------------------------------------- Markdown
  std::string m = fmt::format("# NeuroBlend report: {} on {}\n\n", l.spec.name, hw.name);
  m += fmt::format("Parameters {}; cycles from the {}; device {}; clock {} MHz; DRAM latency {} cycles, {} bytes/cycle.\n\n",
                   l.params_source, source, args.device, hw.clock_mhz, hw.dram_latency, hw.dram_bw);
  m += "## Summary\n\n| figure | value | published |\n| --- | --- | --- |\n";
  m += fmt::format("| cycles per image | {} | |\n| latency | {:.4f} ms | {} ms |\n| images/s | {:.0f} | |\n", cycles, ms,
                   0.38, j["images_per_s"].get<double>());
  m += fmt::format("| power (total) | {:.3f} W | |\n| energy per image | {:.1f} uJ | |\n", c.power.total_w,
                   c.power.energy_per_image_uj);
  m += fmt::format("| LUT-XNOR / DSP-XNOR power (same sizes) | {:.2f}x total, {:.2f}x dynamic | {}x |\n", ratio, ratio_dyn,
                   2.5);
  m += fmt::format("| DSP-logic structural share | {} of {} datapath slices ({:.1f} %); {:.0f} DSP48E2 in all (model) | |\n",
                   j["dsp_logic_slices"].get<int>(), j["dsp_logic_slices"].get<int>() + j["dsp_mac_slices"].get<int>(),
                   100 * j["dsp_logic_structural"].get<double>(), c.res.dsp);
  m += fmt::format("| DSP-logic temporal utilization | {:.1f} % (useful XNOR bits / logic slices x 48 x cycles) | |\n",
                   100 * j["dsp_logic_utilization"].get<double>());
  m += fmt::format("| MAC utilization | {:.1f} % | |\n", 100 * j["mac_utilization"].get<double>());
  m += fmt::format("| model size vs float32 | {:.1f}x smaller | |\n\n", st.size_ratio);
  m += "## Layers\n\n| layer | cycles | binary busy | fixed busy | load | compute | DRAM reads |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (auto& p : j["layers"])
    m += fmt::format("| {} | {} | {:.1f} % | {:.1f} % | {} | {} | {} |\n", p["name"].get<std::string>(),
                     p["cycles"].get<uint64_t>(), 100 * p["bin_busy_share"].get<double>(), 100 * p["fix_busy_share"].get<double>(),
                     p["load"].get<uint64_t>(), p["compute"].get<uint64_t>(), p["rd_beats"].get<uint64_t>());
  auto res_rows = [&](const Costs& k) {
    return fmt::format("| {} | {:.0f} ({:.1f} %) | {:.0f} ({:.1f} %) | {:.0f} ({:.1f} %) | {:.1f} ({:.1f} %) | {} |\n",
                       k.res.dsp == c.res.dsp && &k == &c ? hw.name : twin.name, k.res.luts_total(),
                       100 * k.res.luts_total() / k.device.lut, k.res.ff, 100 * k.res.ff / k.device.ff, k.res.dsp,
                       100 * k.res.dsp / k.device.dsp, k.res.bram36, 100 * k.res.bram36 / k.device.bram36,
                       k.fits ? "yes" : "no: " + fmt::format("{}", fmt::join(k.over, ", ")));
  };
  m += "\n## Resources (analytical model, calibrated against Yosys synthesis: data/resource_model.json)\n\n";
  m += "| configuration | LUT | FF | DSP48E2 | BRAM36 | fits |\n| --- | ---: | ---: | ---: | ---: | --- |\n";
  m += res_rows(c) + res_rows(ct);
  m += fmt::format("\nWhere they go on {} (nb_top's own logic fitted; each submodule from its own synthesis):\n\n", hw.name);
  m += "| part | instances | LUT (logic) | LUT (as RAM) | FF | DSP48E2 | BRAM36 |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& p : c.res_parts)
    m += fmt::format("| {} ({}) | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.1f} |\n", p.what, p.name, p.count, p.total.lut,
                     p.total.lutram, p.total.ff, p.total.dsp, p.total.bram36);
  if (!c.calibrated) m += "\nEXTRAPOLATED: lanes, merge units or buffer sizes outside the synthesis runs the model was fitted to.\n";
  auto pw_rows = [&](const std::string& name, const Costs& k) {
    const auto& p = k.power;
    return fmt::format("| {} | {:.3f} | {:.3f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.3f} | {:.1f} |\n", name,
                       p.total_w, p.static_w, p.xnor_w, p.popcount_w, p.mac_w, p.merge_w, p.memory_w, p.logic_w, p.clock_w,
                       p.dynamic_w, p.energy_per_image_uj);
  };
  m += "\n## Power (W): XNOR in DSP48E2 vs in LUTs, same sizes and cycles\n\n";
  m += "| XNOR | total | static | XNOR | popcount | MAC | merge | buffers | other logic | clock | dynamic | uJ/image |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  m += pw_rows("DSP48E2", cd) + pw_rows("LUT", cl);
  m += fmt::format("\nLUT / DSP: {:.2f}x total, {:.2f}x dynamic (published claim: {}x lower power with DSP logic). ", ratio,
                   ratio_dyn, 2.5);
  m += "Activity: " + c.activity.source + ". Coefficients: " + d.power.file +
       " (first-order, derived from the public figures named there; not silicon measurements).\n";
  m += fmt::format("\nLatency {:.4f} ms vs the published {} ms per image ({:.2f}x).\n", ms, 0.38, ms / 0.38);
  std::ofstream(md) << m;

  // -------------------------------------------------------------------- HTML
  std::string h = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>NeuroBlend report: " + esc(l.spec.name) +
                  "</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                  "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                  "td:first-child,th:first-child{text-align:left}h1,h2{color:#1f4e79}</style></head><body>";
  // Tables from the Markdown, converted line by line.
  bool in_table = false, header = false;
  std::istringstream in(m);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| ---", 0) == 0) continue;
    if (line.rfind("|", 0) == 0) {
      if (!in_table) h += "<table>", in_table = true, header = true;
      h += "<tr>";
      std::string cell;
      std::istringstream cs(line.substr(1));
      while (std::getline(cs, cell, '|')) {
        size_t a = cell.find_first_not_of(' '), b = cell.find_last_not_of(' ');
        std::string t = a == std::string::npos ? "" : cell.substr(a, b - a + 1);
        h += header ? "<th>" + esc(t) + "</th>" : "<td>" + esc(t) + "</td>";
      }
      h += "</tr>";
      header = false;
      continue;
    }
    if (in_table) h += "</table>", in_table = false;
    if (line.rfind("## Layers", 0) == 0) h += "<h2>Layer timeline</h2>" + timeline_svg(j["layers"], cycles);
    if (line.rfind("## Power", 0) == 0) {
      h += "<h2>Power breakdown (" + esc(hw.name) + ")</h2>" +
           bars_svg({{"static", c.power.static_w}, {"XNOR", c.power.xnor_w}, {"popcount", c.power.popcount_w},
                     {"MAC", c.power.mac_w}, {"merge", c.power.merge_w}, {"buffers", c.power.memory_w}, {"other logic", c.power.logic_w},
                     {"clock", c.power.clock_w}},
                    "W");
    }
    if (line.rfind("# ", 0) == 0) h += "<h1>" + esc(line.substr(2)) + "</h1>";
    else if (line.rfind("## ", 0) == 0) h += "<h2>" + esc(line.substr(3)) + "</h2>";
    else if (!line.empty()) h += "<p>" + esc(line) + "</p>";
  }
  if (in_table) h += "</table>";
  h += "</body></html>\n";
  std::ofstream f(out);
  f << h;
  if (!f) throw Error("cannot write " + out);
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
