// The compiled program file: round trip and corrupt files.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "helpers.h"
#include "neuroblend/error.h"
#include "neuroblend/compiler/golden.h"
#include "neuroblend/image.h"
#include "neuroblend/compiler/legality.h"
#include "neuroblend/compiler/program.h"
#include "neuroblend/random_model.h"
#include "neuroblend/rng.h"

using namespace nb;
using nb::test::error_of;

namespace {
// A zoo model compiled with seeded random parameters and 2 calibration images.
CompiledModel compiled(const char* name, uint64_t seed) {
  ModelSpec m = load_model(name);
  CompileOptions o;
  o.calib_images = 2;
  return compile(m, random_params(m, seed, 2), o);
}
// The byte offset of descriptor field f of layer `layer` in a program file.
size_t desc_byte(size_t layer, const hw::Field& f) { return size_t(64 + kDescWords * 4 * layer + f.word * 4); }
}  // namespace

TEST_CASE("48-bit packing round trip, K on and off multiples of 48") {
  Rng r(3);
  for (int64_t k : {1, 47, 48, 49, 96, 144, 145, 288, 576, 1000}) {
    std::vector<uint8_t> bits(size_t(5 * k));
    for (auto& b : bits) b = uint8_t(r.range(0, 1));
    auto words = pack48(bits, 5, k);
    CHECK(int64_t(words.size()) == 5 * ((k + 47) / 48));
    for (auto w : words) CHECK((w >> 48) == 0);  // 48-bit words, tail bits 0
    CHECK(unpack48(words, 5, k) == bits);
  }
  // NeuroBlend-20's windows fill DSP words exactly: 9*16 = 3*48.
  std::vector<uint8_t> ones(144, 1);
  auto w = pack48(ones, 1, 144);
  CHECK(w.size() == 3);
  for (auto v : w) CHECK(v == (uint64_t(1) << 48) - 1);
}

TEST_CASE("compiled program file round trip") {
  for (auto name : {"neuroblend-20", "blendmixer"}) {
    ModelSpec m = load_model(name);
    CompileOptions o;
    o.calib_images = 4;
    CompiledModel cm = compile(m, random_params(m, 2, 4), o);
    std::string path = (std::filesystem::temp_directory_path() / "nb_roundtrip.nbp").string();
    write_program(cm, path);
    CompiledModel back = read_program(path);
    std::remove(path.c_str());
    CHECK(serialize_program(back) == serialize_program(cm));
    REQUIRE(back.layers.size() == cm.layers.size());
    for (size_t i = 0; i < cm.layers.size(); ++i) {
      const QLayer &a = cm.layers[i], &b = back.layers[i];
      CHECK(a.name == b.name);
      CHECK(a.wbin == b.wbin);
      CHECK(a.wfix == b.wfix);
      CHECK(a.tau == b.tau);
      CHECK(a.neg == b.neg);
      CHECK(a.m1 == b.m1);
      CHECK(a.m2 == b.m2);
      CHECK(a.bias == b.bias);
      CHECK(a.sh == b.sh);
      CHECK(a.out_scale == b.out_scale);
    }
    auto img = synthetic_images(m.input.shape, 1, 9)[0];
    CHECK(GoldenModel(cm).run(img).logits.data == GoldenModel(back).run(img).logits.data);
  }
}

TEST_CASE("corrupt program files give clear errors") {
  auto good = serialize_program(compiled("neuroblend-20", 2));
  auto bad = good;
  bad[0] = 'X';
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("bad magic") != std::string::npos);
  bad = good;
  bad[8] = 9;
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("version 9") != std::string::npos);
  bad.assign(good.begin(), good.begin() + long(good.size() / 2));
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("p.nbp: corrupt program header") != std::string::npos);
  // A descriptor pointing past the image.
  bad = good;
  uint32_t huge = 0x7ffffff8;  // on a memory beat (off one is refused first)
  auto word = [](const hw::Field& f) { return desc_byte(0, f); };  // a field of layer 0
  std::memcpy(&bad[word(hw::desc::kOffM1)], &huge, 4);  // the stem has no binary weights: use M1
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("runs past the image") != std::string::npos);
  bad = good;
  uint32_t shift = 60;
  std::memcpy(&bad[word(hw::desc::kSh)], &shift, 4);
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("p.nbp: layer 0 ('stem'): sh = 60 is outside [1, 47]") !=
        std::string::npos);
  // A pitch the accelerator's counters step by that its shapes do not give.
  bad = good;
  uint32_t step = 5;
  std::memcpy(&bad[word(hw::desc::kRowStep)], &step, 4);
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("layer 0: descriptor field 'row_step' is 5") !=
        std::string::npos);
  CHECK(error_of([&] { read_program("/nonexistent/x.nbp"); }).find("cannot open program") != std::string::npos);
  // Lengths near 2^32 are refused against the bytes there are before any
  // allocation (this allocated 4 to 256 GB and ended in std::bad_alloc).
  uint32_t big = 0xfffffff0u;
  bad = good;
  std::memcpy(&bad[60], &big, 4);  // the model name's length
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("p.nbp: model name: section at") != std::string::npos);
  bad = good;
  std::memcpy(&bad[word(hw::desc::kNameLen)], &big, 4);
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("layer 0 name: section at") != std::string::npos);
  bad = good;
  std::memcpy(&bad[word(hw::desc::kKfix)], &big, 4);
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("p.nbp: layer 0") != std::string::npos);
}

TEST_CASE("the legality check refuses every rule it holds, naming layer, field and value") {
  ModelSpec m = load_model("neuroblend-20");
  CompileOptions o;
  o.calib_images = 2;
  const CompiledModel good = compile(m, random_params(m, 2, 2), o);
  CHECK(error_of([&] { check_program(good, "p"); }) == "(no error)");
  // layer 1 is s1b1, a blend_conv with a conv1x1 skip; layer 0 the stem conv
  auto refused = [&](const std::function<void(CompiledModel&)>& change) {
    CompiledModel cm = good;
    change(cm);
    return error_of([&] { check_program(cm, "p"); });
  };
  auto has = [](const std::string& s, const std::string& part) {
    INFO(s);
    return s.find(part) != std::string::npos;
  };
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].skip = SkipKind::Dense; }),
            "p: layer 1 ('s1b1'): skip 'dense' is not a skip of a 'blend_conv' layer"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[0].axis = Axis::Token; }), "axis 'token' is not an axis of a 'conv'"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].stride = 3; }), "layer 1 ('s1b1'): stride = 3 is outside [1, 2]"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].out.h = 31; }), "output shape 31x32x16 is not 32x32x16"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[2].in.c = 17; }),
            "layer 2 ('s1b2'): input 32x32x17 is not the 32x32x16 the layer before it gives"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].kbin = 143; }), "kbin = 143, the layer's form and input gives 144"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].kfix = 0; }), "kfix = 0, the layer's form and input gives 16"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].sh = 0; }), "sh = 0 is outside [1, 47]"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].neg[3] = 2; }), "neg[3] = 2: must be 0 or 1"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].m1[5] = kMMax + 1; }), "M1[5] = 131072 is outside [-131072, 131071]"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].m2[0] = kMMin - 1; }), "M2[0] = -131073 is outside"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[1].bias[0] = kZMax + 1; }), "bias[0] = 140737488355328 is outside"));
  // Values in range whose sum can leave 48 bits: recomputed from the weights.
  CHECK(has(refused([](CompiledModel& c) {
              c.layers[1].m2[0] = kMMax;
              c.layers[1].bias[0] = kZMax - 1000;
            }),
            "layer 1 ('s1b1'): channel 0: |z| can reach"));
  // The same M2 and bias fit when the weights cannot make |acc| large:
  // the bound comes from the program's own weights, not its recorded bounds.
  auto near_top = [](CompiledModel& c) {
    c.layers[0].m2[0] = kMMax;
    c.layers[0].bias[0] = kZMax - (int64_t(1) << 32);
  };
  CHECK(has(refused(near_top), "layer 0 ('stem'): channel 0: |z| can reach"));
  CHECK(refused([&](CompiledModel& c) {
          near_top(c);
          std::fill(c.layers[0].wfix.begin(), c.layers[0].wfix.begin() + c.layers[0].kfix, int8_t(1));
        }) == "(no error)");
  CHECK(has(refused([](CompiledModel& c) { c.layers[0].kbin = 27; }), "the first layer (which has no binary path)"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[3].logits = true; }), "the logits flag is set on a layer that is not the last"));
  CHECK(has(refused([](CompiledModel& c) { c.classes = 11; }), "must be a dense layer without activation giving 1x1x11"));
  CHECK(has(refused([](CompiledModel& c) { c.layers[5].wbits = 9; }), "wbits = 9 is outside [2, 8]"));
  CHECK(has(refused([](CompiledModel& c) { c.layers.clear(); }), "p: the program has no layers"));
}

TEST_CASE("the legality check: a 16-bit dot product bounds kbin (the RTL's binary lane accumulator)") {
  // 3641 input channels: 9 * 3641 = 32769 taps, one past the signed 16-bit dot.
  std::string json = R"({"format": "neuroblend-model-1", "name": "wide", "classes": 2,
    "input": {"height": 4, "width": 4, "channels": 1},
    "layers": [{"name": "c", "type": "conv", "out": 3641},
               {"name": "b", "type": "blend_conv", "out": 2, "skip": "conv1x1"},
               {"name": "p", "type": "avgpool"},
               {"name": "fc", "type": "dense", "out": 2}]})";
  ModelSpec m = parse_model(json, "wide.json");
  CompileOptions o;
  o.calib_images = 1;
  std::string e = error_of([&] { compile(m, random_params(m, 1, 1), o); });
  CHECK(e.find("wide.json: layer 1 ('b'): kbin = 32769: a dot product can reach 32769, beyond the 16-bit binary accumulator") !=
        std::string::npos);
}

TEST_CASE("every program the compiler makes passes the legality check (zoo and 300 random networks)") {
  CompileOptions o;
  o.calib_images = 2;
  for (auto name : {"neuroblend-20", "neuroblend-18", "blendmixer"}) {
    ModelSpec m = load_model(name);
    CHECK_NOTHROW(check_program(compile(m, random_params(m, 3, 2), o), name));
  }
  for (uint64_t s = 0; s < 300; ++s) {
    ModelSpec m = random_model(s);
    CompiledModel cm = compile(m, random_params(m, s, 2), o);
    CHECK_NOTHROW(parse_program(serialize_program(cm), "random"));
  }
}

TEST_CASE("token mixing: the descriptor describes the accelerator's view, out_t follows the axes") {
  // BlendMixer: embed (64 tokens x 128 channels) -> m1t1 (token, 64 -> 128
  // tokens) -> m1t2 (token, 128 -> 64) -> m1c1 (channel) ...
  CompiledModel cm = compiled("blendmixer", 5);
  ProgramLayout lay = layout_program(cm);
  namespace f = hw::desc;
  const Desc& t1 = lay.desc[1];
  CHECK(t1[f::kToken] == 1);
  CHECK(t1[f::kWindows] == 128);   // positions: the channels
  CHECK(t1[f::kWinRows] == 1);
  CHECK(t1[f::kPosW] == 128);
  CHECK(t1[f::kColStep] == 64);    // the window: a channel's 64 tokens
  CHECK(t1[f::kBinRun] == 64);
  CHECK(t1[f::kFixRun] == 64);
  CHECK(t1[f::kOutPitch] == 128);  // rows: the output tokens
  // transposed outputs exactly where the axis changes
  const std::vector<uint32_t> want = {1, 0, 1, 0, 1};  // embed, m1t1, m1t2, m1c1, m1c2
  for (size_t i = 0; i < want.size(); ++i) CHECK(lay.desc[i][f::kOutT] == want[i]);
  CHECK(lay.desc[cm.layers.size() - 2][f::kOutT] == 0);  // pool
  // A program whose out_t disagrees with its layers is refused, naming it.
  auto good = serialize_program(cm);
  auto bad = good;
  const size_t w1 = desc_byte(3, f::kOutT);  // layer 3 (m1c1)
  bad[w1] |= uint8_t(1u << f::kOutT.lsb);
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); })
            .find("p.nbp: layer 3: descriptor field 'out_t' is 1, the layers give 0") != std::string::npos);
  CHECK_NOTHROW(parse_program(good, "p.nbp"));
}

TEST_CASE("per-channel arrays off a memory beat are refused (the accelerator loads them by beats)") {
  auto good = serialize_program(compiled("blendmixer", 5));
  auto bad = good;
  const size_t w = desc_byte(1, hw::desc::kOffM1);  // layer 1 (m1t1, token mixing)
  uint32_t off;
  std::memcpy(&off, &bad[w], 4);
  off += 4;
  std::memcpy(&bad[w], &off, 4);
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); })
            .find(fmt::format("p.nbp: layer 1: descriptor field 'off_m1' is {}: not on an 8-byte memory beat", off)) !=
        std::string::npos);
}
