// Binarization: the compiler's (tau, neg) against float sign(BN_a(x)) on the
// dequantized x, for every int8 x (DESIGN §4).
#include <doctest/doctest.h>

#include <cmath>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/compiler/kernels.h"
#include "neuroblend/params.h"
#include "neuroblend/rng.h"

using namespace nb;

namespace {

// Checks all 256 inputs; returns the number of mismatches.
int mismatches(float a, float b, float scale, float offset) {
  Threshold t = derive_threshold(a, b, scale, offset);
  int bad = 0;
  for (int q = -128; q <= 127; ++q) {
    int want = (a * dequant(scale, offset, q) + b) >= 0.0f ? 1 : 0;  // sign(0) = +1
    bad += binarize(q, t.tau, t.neg) != want;
  }
  return bad;
}

}  // namespace

TEST_CASE("binarize equals float sign(BN_a(x)) over random batch norms") {
  Rng r(2024);
  int sets = 0, neg_scale = 0, zero_scale = 0, ties = 0;
  for (int i = 0; i < 20000; ++i) {
    BatchNorm bn;
    double u = r.uniform();
    float gamma = u < 0.1 ? 0.0f : float(r.normal(0, 1.5));
    bn.gamma = {gamma};
    bn.beta = {float(r.normal(0, 1))};
    bn.var = {float(std::exp(r.normal(0, 2)))};
    float scale = float(std::exp(r.normal(-3, 1.5)));
    float offset = r.chance(0.3) ? float(r.normal(0, 1)) : 0.0f;
    // Mean at a quantization point: a tie when beta is also 0.
    int q0 = int(r.range(-130, 130));
    bn.mean = {r.chance(0.5) ? dequant(scale, offset, q0) : float(r.normal(0, 3) * scale * 40)};
    if (r.chance(0.2)) bn.beta = {0.0f};
    Affine f = affine_of(bn, 1e-5);
    for (int q = -128; q <= 127; ++q) ties += (f.a[0] * dequant(scale, offset, q) + f.b[0]) == 0.0f;
    neg_scale += gamma < 0;
    zero_scale += gamma == 0;
    REQUIRE_MESSAGE(mismatches(f.a[0], f.b[0], scale, offset) == 0, "gamma " << gamma << " beta " << bn.beta[0]
                                                                             << " mean " << bn.mean[0] << " var "
                                                                             << bn.var[0] << " scale " << scale);
    ++sets;
  }
  CHECK(sets == 20000);
  CHECK(neg_scale > 5000);
  CHECK(zero_scale > 1000);
  CHECK(ties > 100);  // exact zeros of BN_a(x) happened and were +1
}

TEST_CASE("binarize on exact ties and degenerate scales") {
  // a * x + b == 0 exactly at x = 3 (q = 12 with scale 0.25): sign(0) = +1.
  Threshold t = derive_threshold(0.5f, -1.5f, 0.25f, 0.0f);
  CHECK(binarize(12, t.tau, t.neg) == 1);
  CHECK(binarize(11, t.tau, t.neg) == 0);
  CHECK(t.tau == 12);
  CHECK(t.neg == 0);
  // Negative scale: +1 up to and including the tie, -1 above.
  t = derive_threshold(-0.5f, 1.5f, 0.25f, 0.0f);
  CHECK(binarize(12, t.tau, t.neg) == 1);
  CHECK(binarize(13, t.tau, t.neg) == 0);
  CHECK(binarize(-128, t.tau, t.neg) == 1);
  CHECK(t.neg == 1);
  // Zero scale: constant, sign(b) with sign(0) = +1.
  for (float b : {-1.0f, 0.0f, 2.0f}) {
    t = derive_threshold(0.0f, b, 0.1f, 0.0f);
    for (int q = -128; q <= 127; ++q) CHECK(binarize(q, t.tau, t.neg) == (b >= 0 ? 1 : 0));
  }
  // Thresholds beyond the int8 range: always -1 (tau = 128) or always +1.
  t = derive_threshold(1.0f, -1000.0f, 0.01f, 0.0f);
  CHECK(t.tau == 128);
  for (int q = -128; q <= 127; ++q) CHECK(binarize(q, t.tau, t.neg) == 0);
  t = derive_threshold(1.0f, 1000.0f, 0.01f, 0.0f);
  CHECK(t.tau == -128);
  for (int q = -128; q <= 127; ++q) CHECK(binarize(q, t.tau, t.neg) == 1);
  // NaN has no threshold: a clear error, not a silent guess.
  CHECK_THROWS_AS(derive_threshold(std::nanf(""), 0.0f, 1.0f, 0.0f), Error);
}
