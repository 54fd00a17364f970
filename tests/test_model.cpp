// The zoo end to end: integer model against float model, determinism, and
// every compiler branch exercised by the random parameters.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "neuroblend/compiler/agreement.h"
#include "neuroblend/compiler/compiler.h"
#include "neuroblend/describe.h"
#include "neuroblend/compiler/golden.h"
#include "neuroblend/image.h"
#include "neuroblend/compiler/program.h"

using namespace nb;

TEST_CASE("NeuroBlend-20, calibrated random parameters: per-layer error bounds and top-1 agreement") {
  ModelSpec m = load_model("neuroblend-20");
  Params p = random_params(m, 1);
  CompiledModel cm = compile(m, p);
  GoldenModel g(cm);
  auto imgs = synthetic_images(m.input.shape, 32, 100);
  Agreement a = compare_models(m, p, g, imgs);
  for (auto& e : a.layers) {
    // This layer alone (the float layer fed the dequantized integer input):
    // output rounding (0.5 LSB) plus int8 skip weights and 18-bit factors.
    CHECK_MESSAGE(e.local_max_lsb <= 1.5, e.name << " local max " << e.local_max_lsb);
    CHECK_MESSAGE(e.local_mean_lsb() <= 0.3, e.name << " local mean " << e.local_mean_lsb());
    CHECK_MESSAGE(double(e.local_over1) / double(e.n) <= 0.001, e.name);
  }
  // The first layer sees the exact input: end to end equals local there.
  CHECK(a.layers[0].mean_lsb() <= 0.2);
  // The float head on the integer features agrees with the integer logits.
  CHECK(a.agree_local >= 30);
  MESSAGE("NeuroBlend-20 top-1 agreement: end to end " << a.agree << "/32, head on integer features " << a.agree_local
                                                       << "/32");
}

TEST_CASE("random parameters run every branch of the compiler") {
  ModelSpec m = load_model("neuroblend-20");
  Params p = random_params(m, 1);
  int gamma_neg = 0, gamma_zero = 0;
  for (auto& lp : p.layers)
    for (auto* bn : {&lp.bn, &lp.bn_a, &lp.bn_m, &lp.bn_s, &lp.bn_o})
      for (float g : bn->gamma) gamma_neg += g < 0, gamma_zero += g == 0;
  CHECK(gamma_neg > 50);
  CHECK(gamma_zero > 10);
  CompiledModel cm = compile(m, p);
  int negated = 0, constant = 0, m1_zero = 0;
  for (auto& q : cm.layers) {
    for (size_t c = 0; c < q.tau.size(); ++c) negated += q.neg[c], constant += q.tau[c] == 128 || q.tau[c] == -128;
    if (q.kbin)
      for (auto v : q.m1) m1_zero += v == 0;
  }
  CHECK(negated > 10);
  CHECK(constant > 0);  // BN_a scale 0: a constant bit
  CHECK(m1_zero > 0);   // BN_m scale 0: the binary path drops out of a channel
}

TEST_CASE("same seed, same program; another seed, another program") {
  ModelSpec m = load_model("neuroblend-20");
  auto a = serialize_program(compile(m, random_params(m, 5)));
  auto b = serialize_program(compile(m, random_params(m, 5)));
  auto c = serialize_program(compile(m, random_params(m, 6)));
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("the zoo loads, compiles and runs; describe counts the published work") {
  for (auto& name : zoo_names()) {
    ModelSpec m = load_model(name);
    CHECK(m.name == name);
    ModelStats s = describe(m);
    if (name == "neuroblend-20") {
      CHECK(s.total.binary_macs == 40108032);  // "about 40M binary MACs"
      CHECK(s.total.int8_macs == 4899456);     // "about 5M int8 MACs"
      CHECK(m.layers.size() == 21);
    }
    if (name == "blendmixer") CHECK(s.size_ratio > 3.0);  // published: 3.5x smaller than float
    CompileOptions o;
    o.calib_images = name == "neuroblend-18" ? 4 : 8;
    Params p = random_params(m, 3, name == "neuroblend-18" ? 4 : 8);
    CompiledModel cm = compile(m, p, o);
    GoldenModel g(cm);
    auto img = synthetic_images(m.input.shape, 1, 1)[0];
    GoldenResult r = g.run(img, true, true);
    CHECK(r.outs.size() == m.layers.size() - 1);
    CHECK(r.logits.data.size() == size_t(m.classes));
    CHECK(r.prediction >= 0);
    // Golden output deterministic across runs.
    CHECK(g.run(img).logits.data == r.logits.data);
  }
}

TEST_CASE("calibration bound: rounded up to 8 significant bits, so a few ulps of summation order do not move it") {
  CHECK(calibration_bound(1.0) == 1.0);
  CHECK(calibration_bound(0.75) == 0.75);
  CHECK(calibration_bound(1.001) == 1.0 + 1.0 / 128);  // 2^0 .. 2^1 in steps of 2^-7
  CHECK(calibration_bound(100.3) == 100.5);             // 2^6 .. 2^7 in steps of 2^-1
  CHECK(calibration_bound(0.0) == 0.0);
  // a value and its neighbours a few ulps away (as another build's float sums give) land on one bound
  int same = 0;
  for (int i = 1; i <= 1000; ++i) {
    const double v = 0.37 * i + 0.001 * (i % 7);
    const float f = float(v);
    same += calibration_bound(double(f)) == calibration_bound(double(std::nextafter(std::nextafter(f, 1e9f), 1e9f))) &&
            calibration_bound(double(f)) == calibration_bound(double(std::nextafter(f, 0.f)));
    CHECK(calibration_bound(v) >= v);
    CHECK(calibration_bound(v) < v * (1 + 1.0 / 64));
  }
  CHECK(same >= 995);
}
