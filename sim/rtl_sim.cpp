#include "rtl_sim.h"

#include <fmt/format.h>
#include <systemc.h>
#include <verilated.h>
#include <verilated_fst_c.h>
#if NB_ACTIVITY || NB_COVERAGE
#include <verilated_cov.h>
#endif
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "Vnb_top.h"
#include "Vnb_top_nb_top.h"
#include "neuroblend/hw_spec.h"
#include "dram.h"
#include "neuroblend/perfmodel/cycle_model.h"
#include "neuroblend/error.h"
#include "neuroblend/compiler/golden.h"
#include "neuroblend/compiler/program.h"
#include "timeline.h"

// libsystemc's main() calls sc_main; our programs have their own main() and
// drive the kernel with sc_start, so this is never called.
extern "C" int sc_main(int, char**) {
  return 1;
}

namespace nb::sim {

// A layer's performance record: hw::kRecordWords 64-bit counters.
constexpr uint32_t kRecordBytes = 8 * hw::kRecordWords;

namespace {

// The start-up check: the elaborated RTL's parameters and derived sizes
// (nb_top's public ones, as Verilator elaborated them) against the
// configuration this harness was compiled for and the specification's
// derived sizes as the C++ side computes them. A model verilated from other
// parameters, or an SV and a C++ reading of a derived size that differ,
// stops here instead of running.
const HwConfig& checked_against_rtl(const HwConfig& hw) {
  using Rtl = Vnb_top_nb_top;
  struct Fact {
    const char* name;
    long long rtl, here;
  };
  const Fact facts[] = {
      {"Lanes", Rtl::Lanes, hw.lanes},
      {"Wpl", Rtl::Wpl, hw.wpl},
      {"Macs", Rtl::Macs, hw.macs},
      {"XnorImpl", Rtl::XnorImpl, hw.xnor_dsp},
      {"ActBytes", Rtl::ActBytes, hw.act_bytes},
      {"MaxKw", Rtl::MaxKw, hw.max_kw},
      {"MaxFixEntries", Rtl::MaxFixEntries, hw.max_fix_entries},
      {"MaxClasses", Rtl::MaxClasses, hw.max_classes},
      {"MergeLanes", Rtl::MergeLanes, hw.merge()},
      {"Banks (ByteBanks)", Rtl::Banks, hw::kByteBanks(hw.lanes)},
      {"Depth (ByteBankDepth)", Rtl::Depth, hw::kByteBankDepth(hw.act_bytes, hw.lanes)},
      {"BW (ByteWriteUnits)", Rtl::BW, hw::kByteWriteUnits(hw.merge())},
      {"KwA (BinWeightAbits)", Rtl::KwA, hw.bin_weight_abits()},
      {"FixA (FixWeightAbits)", Rtl::FixA, hw.fix_weight_abits()},
      {"PairOk", Rtl::PairOk, hw.pairs() ? 1 : 0},
  };
  for (const Fact& f : facts)
    if (f.rtl != f.here)
      throw Error(fmt::format("the verilated RTL of configuration '{}' does not match this simulator: nb_top's {} is "
                              "{}, the harness expects {} (rebuild the simulator's build tree)",
                              hw.name, f.name, f.rtl, f.here));
  return hw;
}

}  // namespace

HwConfig built_config() {
  static const HwConfig hw = checked_against_rtl(
      HwConfig{NB_HW_NAME,   NB_HW_LANES,           NB_HW_WPL,        NB_HW_MACS, NB_HW_XNOR_DSP, NB_HW_ACT_BYTES,
               NB_HW_MAX_KW, NB_HW_MAX_FIX_ENTRIES, NB_HW_MAX_CLASSES, NB_HW_MERGE_LANES});
  return hw;
}

std::string Mismatch::str() const {
  return fmt::format("image {}, layer {} ('{}'), position (y {}, x {}, c {}): expected {}, RTL {}", image, layer, name,
                     y, x, c, expected, actual);
}

namespace {

constexpr uint32_t kProgBase = 0;

uint32_t align(uint64_t v, uint64_t a) {
  return uint32_t((v + a - 1) / a * a);
}

// Bytes a layer's dump takes in the output area (int8 tensor, 8-aligned; or
// int64 logits).
uint32_t dump_bytes(const QLayer& q) {
  return q.logits ? 8 * uint32_t(q.out.size()) : align(uint64_t(q.out.size()), 8);
}

// A job's memory image, computed once: program at 0, the image, then the
// perf records and the dumps.
struct Placement {
  std::vector<uint8_t> program;
  uint32_t in_addr = 0, out_addr = 0;
  size_t end = 0;
};

Placement place(const Job& job, int64_t corrupt_offset) {
  const CompiledModel& cm = job.cm;
  Placement p;
  p.program = serialize_program(cm);
  if (corrupt_offset >= 0 && size_t(corrupt_offset) < p.program.size()) p.program[size_t(corrupt_offset)] ^= 0x01;
  for (const ProgramPatch& w : job.patches) {
    if (w.offset % 4 != 0 || size_t(w.offset) + 4 > p.program.size())
      throw Error(fmt::format("program patch at byte {}: not a word of the {}-byte program", w.offset, p.program.size()));
    uint32_t v;
    std::memcpy(&v, &p.program[w.offset], 4);
    v = (v & ~w.mask) | (w.value & w.mask);
    std::memcpy(&p.program[w.offset], &v, 4);
  }
  p.in_addr = align(p.program.size(), 4096);
  p.out_addr = p.in_addr + align(uint64_t(cm.input.size()), 4096);
  p.end = p.out_addr + kRecordBytes * cm.layers.size() + 4096;
  for (auto& q : cm.layers) p.end += dump_bytes(q);
  return p;
}

SC_MODULE(Testbench) {
  sc_in<bool> clk;
  sc_out<bool> rst_n, start, dump_en, wres, wkeep;
  sc_out<uint32_t> prog_base, in_base, out_base;
  sc_in<bool> busy, done, error, layer_done;
  sc_in<uint32_t> error_code, layer_idx;
  sc_in<uint32_t> act;  // nb_top's activity flags

  Dram* dram = nullptr;
  VerilatedFstC* trace = nullptr;  // dumped mid-cycle within the window
  Timeline* timeline = nullptr;    // run --timeline
  bool sampling = false;           // an image of the timeline runs
  Vnb_top* top = nullptr;
  double period_ns = 5;
  const std::vector<Job>* jobs = nullptr;
  const std::vector<Placement>* placed = nullptr;  // one per job
  const RunOptions* opt = nullptr;
  std::vector<RtlResult>* results = nullptr;
  const CompiledModel* cm = nullptr;  // of the job running
  RtlResult* res = nullptr;
  uint64_t cycle = 0;
  bool weights_held = false;  // the last job left its weights resident (the RTL's guard, modelled to check it)

  SC_HAS_PROCESS(Testbench);
  explicit Testbench(sc_module_name n) : sc_module(n) {
    SC_THREAD(run);
    sensitive << clk.pos();
    SC_METHOD(count);
    sensitive << clk.pos();
    dont_initialize();
    SC_METHOD(dump_trace);
    sensitive << clk.neg();
    dont_initialize();
  }

  // At the clock edge `act` still holds the flags of the cycle that ends:
  // the ones the counters count at this edge.
  void count() {
    if (sampling) timeline->sample(cycle, act.read());
    ++cycle;
  }
  void dump_trace() {
    if (trace && cycle >= opt->trace_from && cycle <= opt->trace_to)
      trace->dump(uint64_t(double(cycle) * period_ns * 1000.0));  // in ps
  }

  // The argmax of the logits the RTL wrote for the current image.
  int rtl_prediction = -1;
  int64_t rtl_logit_max = 0;

  // Reads layer i's output from DRAM and compares it with the golden model.
  // Before a token-mixing layer the RTL stores the output channels x tokens
  // (the golden model's tensors are tokens x channels).
  bool check_layer(int img, size_t i, const GoldenResult& g, uint32_t& dump_ptr) {
    const QLayer& q = cm->layers[i];
    bool last = i + 1 == cm->layers.size();
    const bool cm_order = !last && cm->layers[i + 1].axis == Axis::Token;
    const int64_t n = q.out.size(), C = q.out.c, T = q.out.tokens();
    for (int64_t e = 0; e < n; ++e) {
      int64_t want, got;
      if (last) {
        want = g.logits.data[size_t(e)];
        got = int64_t(dram->load64(dump_ptr + uint32_t(8 * e)));
      } else {
        want = g.outs[i].data[size_t(e)];
        const int64_t at = cm_order ? (e % C) * T + e / C : e;
        got = int8_t(dram->mem[dump_ptr + uint32_t(at)]);
      }
      if (last && (e == 0 || got > rtl_logit_max)) {  // the RTL's own prediction: argmax, lowest index on ties
        rtl_logit_max = got;
        rtl_prediction = int(e);
      }
      if (want != got) {
        Mismatch m;
        m.image = img;
        m.layer = i;
        m.name = q.name;
        m.c = int(e % q.out.c);
        m.x = int((e / q.out.c) % q.out.w);
        m.y = int(e / (int64_t(q.out.c) * q.out.w));
        m.expected = want;
        m.actual = got;
        res->mismatch = m;
        return false;
      }
    }
    dump_ptr += dump_bytes(q);
    return true;
  }

  void run() {
    rst_n.write(false);
    start.write(false);
    dump_en.write(opt->dump_all);
    wres.write(false);
    wkeep.write(false);
    for (int k = 0; k < 4; ++k) wait();
    rst_n.write(true);
    wait();
    bool ok = true;
    for (size_t j = 0; j < jobs->size() && ok; ++j) {
      cm = &(*jobs)[j].cm;
      results->emplace_back();
      res = &results->back();
      ok = run_job((*jobs)[j], (*placed)[j]);
      res->sim_cycles = cycle;
      // the RTL stopped with an error code: it is idle, the next job may start
      if (!ok && opt->keep_going && res->error_code != 0) ok = true;
    }
    sc_stop();
  }

  bool run_job(const Job& job, const Placement& pl) {
    const size_t L = cm->layers.size();
    const uint32_t in_addr = pl.in_addr, out_addr = pl.out_addr;
    std::fill(dram->mem.begin(), dram->mem.end(), 0);
    std::memcpy(&dram->mem[kProgBase], pl.program.data(), pl.program.size());
    GoldenModel golden(*cm);
    bool ok = true;
    // Resident weights: the job's first image loads them into their slots,
    // the later ones find them there (the program does not change).
    res->weights_resident = job_resident(job, *opt);
    res->weights_kept_first = job.keep_first && res->weights_resident && weights_held;
    wres.write(res->weights_resident);
    for (size_t img = 0; img < job.images.size() && ok; ++img) {
      const Image& im = job.images[img];
      std::memcpy(&dram->mem[in_addr], im.pixels.data(), im.pixels.size());
      GoldenResult g = golden.run(im, true);
      // The memory idles until its bandwidth bucket is full: every image
      // starts from the same state (the cycle model assumes it).
      for (int k = 0; k < bucket_refill_cycles(opt->dram_bytes_per_cycle); ++k) wait();
      wkeep.write(img > 0 || job.keep_first);
      prog_base.write(kProgBase);
      in_base.write(in_addr);
      out_base.write(out_addr);
      bool traced = timeline && timeline->wants_image();
      if (traced) {
        std::vector<std::string> names;
        for (auto& q : cm->layers) names.push_back(q.name);
        timeline->begin_image(std::move(names));
        sampling = true;
      }
      start.write(true);
      wait();
      start.write(false);
      uint64_t t0 = cycle;
      uint32_t dump_ptr = out_addr + kRecordBytes * uint32_t(L);
      std::vector<LayerPerf> perf;
      size_t next_layer = 0;
      while (true) {
        wait();
        if (layer_done.read()) {
          size_t i = layer_idx.read();
          if (i != next_layer) {
            res->error = fmt::format("image {}: layer {} reported done, expected {}", img, i, next_layer);
            ok = false;
            break;
          }
          ++next_layer;
          RecordWords words;
          for (size_t k = 0; k < words.size(); ++k)
            words[k] = dram->load64(out_addr + kRecordBytes * uint32_t(i) + 8 * uint32_t(k));
          perf.push_back(from_record(cm->layers[i].name, words));
          if (traced) timeline->record(i, words);
          if (opt->dump_all || i + 1 == L) {
            if (!check_layer(int(img), i, g, dump_ptr)) {
              ok = false;
              break;
            }
          }
        }
        if (done.read()) {
          if (error.read()) {
            res->error_code = int(error_code.read());
            res->error = fmt::format("image {}: the RTL stopped with error code {} ({}) at layer {}", img,
                                     res->error_code, hw::error_text(res->error_code), layer_idx.read());
            ok = false;
          }
          break;
        }
        if (cycle - t0 > 500000000ull) {
          res->error = fmt::format("image {}: no done after 500M cycles (layer {})", img, layer_idx.read());
          ok = false;
          break;
        }
      }
      if (traced) {
        sampling = false;
        timeline->end_image(cycle);
      }
      if (!ok) break;
      if (next_layer != L) {
        res->error = fmt::format("image {}: done after {} of {} layers", img, next_layer, L);
        ok = false;
        break;
      }
      uint64_t total = 0;
      for (auto& p : perf) total += p.cycles;
      res->perf.push_back(perf);
      res->total_cycles.push_back(total);
      res->predictions.push_back(rtl_prediction);
      res->images = int(img) + 1;
      if (opt->progress) opt->progress(res->images, int(job.images.size()));
    }
    res->verified = ok && res->images == int(job.images.size());
    // what the next job with wkeep_i finds: this job's weights, if it ran
    // resident to its end without an error
    weights_held = res->weights_resident && res->verified;
    return ok;
  }
};

}  // namespace

bool job_resident(const Job& job, const RunOptions& opt) {
  return job.force_resident || (opt.resident_weights && weight_slots(job.cm, built_config()).fits());
}

std::vector<RtlResult> run_rtl(const std::vector<Job>& jobs, const RunOptions& opt) {
  HwConfig hw = built_config();
  size_t mem_bytes = 0;
  std::vector<Placement> placed;
  for (auto& job : jobs) {
    check_fits(job.cm, hw);
    placed.push_back(place(job, opt.corrupt_offset));
    mem_bytes = std::max(mem_bytes, placed.back().end);
  }
  std::vector<RtlResult> results;
  results.reserve(jobs.size());
  auto t_start = std::chrono::steady_clock::now();
  if (!opt.trace.empty()) Verilated::traceEverOn(true);
  // Quiet kernel: no banner, no "simulation stopped" note.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);

  sc_clock clk("clk", sc_time(1000.0 / opt.clock_mhz, SC_NS));
  sc_signal<bool> rst_n, start, dump_en, wres, wkeep, busy, done, error, layer_done;
  sc_signal<uint32_t> prog_base, in_base, out_base, error_code, layer_idx, act;
  sc_signal<bool> req_valid, req_ready, req_we, rsp_valid;
  sc_signal<uint32_t> req_addr;
  sc_signal<uint64_t> req_wdata, rsp_rdata;

  auto top = std::make_unique<Vnb_top>("top");
  top->clk_i(clk);
  top->rst_ni(rst_n);
  top->start_i(start);
  top->prog_base_i(prog_base);
  top->in_base_i(in_base);
  top->out_base_i(out_base);
  top->dump_en_i(dump_en);
  top->wres_i(wres);
  top->wkeep_i(wkeep);
  top->busy_o(busy);
  top->done_o(done);
  top->error_o(error);
  top->error_code_o(error_code);
  top->layer_done_o(layer_done);
  top->layer_idx_o(layer_idx);
  top->mem_req_valid_o(req_valid);
  top->mem_req_ready_i(req_ready);
  top->mem_req_addr_o(req_addr);
  top->mem_req_we_o(req_we);
  top->mem_req_wdata_o(req_wdata);
  top->mem_rsp_valid_i(rsp_valid);
  top->mem_rsp_rdata_i(rsp_rdata);
  top->act_o(act);  // the activity flags (observation port)

  auto dram = std::make_unique<Dram>("dram", mem_bytes);
  dram->latency = opt.dram_latency;
  dram->bytes_per_cycle = opt.dram_bytes_per_cycle;
  dram->clk(clk);
  dram->req_valid(req_valid);
  dram->req_ready(req_ready);
  dram->req_addr(req_addr);
  dram->req_we(req_we);
  dram->req_wdata(req_wdata);
  dram->rsp_valid(rsp_valid);
  dram->rsp_rdata(rsp_rdata);

  auto tb = std::make_unique<Testbench>("tb");
  tb->clk(clk);
  tb->rst_n(rst_n);
  tb->start(start);
  tb->dump_en(dump_en);
  tb->wres(wres);
  tb->wkeep(wkeep);
  tb->prog_base(prog_base);
  tb->in_base(in_base);
  tb->out_base(out_base);
  tb->busy(busy);
  tb->done(done);
  tb->error(error);
  tb->layer_done(layer_done);
  tb->error_code(error_code);
  tb->layer_idx(layer_idx);
  tb->act(act);
  tb->dram = dram.get();
  tb->jobs = &jobs;
  tb->placed = &placed;
  tb->opt = &opt;
  tb->results = &results;
  tb->top = top.get();
  tb->period_ns = 1000.0 / opt.clock_mhz;

  std::unique_ptr<Timeline> timeline;
  if (!opt.timeline.empty()) {
    timeline = std::make_unique<Timeline>(opt.timeline, opt.timeline_images, opt.clock_mhz,
                                          fmt::format("nb_top, configuration {}", hw.name));
    tb->timeline = timeline.get();
  }

  std::unique_ptr<VerilatedFstC> fst;
  if (!opt.trace.empty()) {
    sc_start(SC_ZERO_TIME);  // elaborate before attaching the trace
    fst = std::make_unique<VerilatedFstC>();
    top->trace(fst.get(), 99);
    fst->set_time_unit("1ps");
    fst->set_time_resolution("1ps");
    fst->open(opt.trace.c_str());
    if (!fst->isOpen()) throw Error(fmt::format("cannot write trace '{}'", opt.trace));
    tb->trace = fst.get();
  }
  sc_start();
#if NB_ACTIVITY || NB_COVERAGE
  std::string cov = opt.coverage;
#if NB_COVERAGE
  // The coverage build writes a file per run into $NB_COVERAGE_DIR (runs in
  // parallel do not share one): <config>-<pid>-<nanoseconds>.dat.
  const char* dir = std::getenv("NB_COVERAGE_DIR");
  if (cov.empty() && dir && *dir)
    cov = fmt::format("{}/{}-{}-{}.dat", dir, NB_HW_NAME, long(getpid()),
                      std::chrono::system_clock::now().time_since_epoch().count());
#endif
  if (!cov.empty()) Verilated::threadContextp()->coveragep()->write(cov.c_str());
#else
  if (!opt.coverage.empty()) throw Error("coverage data needs a coverage build (nb_rtl_<config>_act or _cov)");
#endif
  top->final();
  if (fst) fst->close();
  if (timeline) timeline->write();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  for (auto& r : results) r.wall_seconds = wall;
  return results;
}

}  // namespace nb::sim
