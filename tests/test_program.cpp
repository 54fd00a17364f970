// The compiled program file: round trip and corrupt files.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "helpers.h"
#include "neuroblend/error.h"
#include "neuroblend/golden.h"
#include "neuroblend/image.h"
#include "neuroblend/program.h"
#include "neuroblend/rng.h"

using namespace nb;
using nb::test::error_of;

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
  ModelSpec m = load_model("neuroblend-20");
  CompileOptions o;
  o.calib_images = 2;
  auto good = serialize_program(compile(m, random_params(m, 2, 2), o));
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
  uint32_t huge = 0x7fffffff;
  auto word = [](const hw::Field& f) { return size_t(64 + f.word * 4); };  // a field of layer 0
  std::memcpy(&bad[word(hw::desc::kOffM1)], &huge, 4);  // the stem has no binary weights: use M1
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("runs past the image") != std::string::npos);
  bad = good;
  uint32_t shift = 60;
  std::memcpy(&bad[word(hw::desc::kSh)], &shift, 4);
  CHECK(error_of([&] { parse_program(bad, "p.nbp"); }).find("shift 60") != std::string::npos);
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
