// Requantization against a wide-integer reference, and the compiler's shift
// fitting (DESIGN §4).
#include <doctest/doctest.h>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/error.h"
#include "neuroblend/compiler/kernels.h"
#include "neuroblend/rng.h"

using namespace nb;

namespace {

// floor((z + 2^(sh-1)) / 2^sh) in 128-bit arithmetic, saturated, then relu.
int ref_requant(__int128 z, int sh, bool relu) {
  __int128 num = z + (__int128(1) << (sh - 1));
  __int128 den = __int128(1) << sh;
  __int128 q = num / den;
  if ((num % den != 0) && (num < 0)) q -= 1;  // floor, not truncation
  if (q > 127) q = 127;
  if (q < -128) q = -128;
  if (relu && q < 0) q = 0;
  return int(q);
}

}  // namespace

TEST_CASE("requantize equals the wide-integer reference on random and extreme values") {
  Rng r(7);
  int64_t n = 0;
  for (int sh = 1; sh <= 47; ++sh) {
    std::vector<int64_t> zs = {0, 1, -1, kZMax, kZMin};
    const int64_t half = int64_t(1) << (sh - 1), one = int64_t(1) << sh;
    // Rounding edges: exactly half-way and one either side, around +-k.
    for (int64_t k : {0ll, 1ll, -1ll, 126ll, 127ll, -127ll, -128ll, -129ll, 128ll}) {
      __int128 c = __int128(k) * one;
      for (int64_t d : {-half - 1, -half, -half + 1, half - 1, half, half + 1}) {
        __int128 z = c + d;
        if (z >= kZMin && z <= kZMax - half) zs.push_back(int64_t(z));
      }
    }
    for (int i = 0; i < 2000; ++i) zs.push_back(r.range(kZMin, kZMax - half));
    for (int i = 0; i < 2000; ++i) zs.push_back(r.range(-200 * one, 200 * one) / (sh > 40 ? 1 : 1));
    for (int64_t z : zs) {
      if (z > kZMax - half) continue;  // the compiler's bound keeps z + round within 48 bits
      for (bool relu : {false, true}) {
        REQUIRE_MESSAGE(int(requantize(z, sh, relu)) == ref_requant(z, sh, relu), "z " << z << " sh " << sh);
        ++n;
      }
    }
  }
  CHECK(n > 100000);
}

TEST_CASE("half-way rounds up (toward +inf) and saturation edges") {
  CHECK(requantize(1, 1, false) == 1);      // 0.5 -> 1
  CHECK(requantize(-1, 1, false) == 0);     // -0.5 -> 0
  CHECK(requantize(-3, 1, false) == -1);    // -1.5 -> -1
  CHECK(requantize(254, 1, false) == 127);  // 127.0
  CHECK(requantize(255, 1, false) == 127);  // 127.5 saturates
  CHECK(requantize(-256, 1, false) == -128);
  CHECK(requantize(-257, 1, false) == -128);  // -128.5 -> -128
  CHECK(requantize(-259, 1, false) == -128);  // -129.5 saturates
  CHECK(requantize(-259, 1, true) == 0);
  CHECK(requantize(kZMin, 47, false) == -1);
  CHECK(requantize(int64_t(1) << 46, 47, false) == 1);  // exactly half: up
  CHECK(requantize((int64_t(1) << 46) - 1, 47, false) == 0);
}

TEST_CASE("fit_requant picks the largest shift that fits and refuses what cannot") {
  RequantTarget t;
  t.g1 = {0.37, -2.5};
  t.g2 = {0.001, 0.0};
  t.off = {3.2, -7.9};
  t.acc_bound = {1000, 0};
  t.dot_bound = 144;
  RequantFit f = fit_requant(t, "layer x");
  REQUIRE(f.sh >= 1);
  // The fitted integers represent the gains to 2^-17 relative precision.
  CHECK(std::abs(double(f.m1[1]) / std::ldexp(1.0, f.sh) - (-2.5)) < 1e-4);
  CHECK(std::abs(double(f.m1[0]) / std::ldexp(1.0, f.sh) - 0.37) < 1e-4);
  // At least one factor uses the top of the 18-bit range.
  CHECK(std::max(std::abs(f.m1[0]), std::abs(f.m1[1])) > (1 << 16));
  CHECK(f.z_bound <= kZMax);
  // A gain beyond 2^16 output LSBs per unit cannot fit even at sh = 1.
  t.g1 = {1e6, 1.0};
  try {
    fit_requant(t, "layer 's1b3' (index 3)");
    FAIL("expected an overflow error");
  } catch (const Error& e) {
    std::string m = e.what();
    CHECK(m.find("s1b3") != std::string::npos);
    CHECK(m.find("overflow") != std::string::npos);
    CHECK(m.find("channel 0") != std::string::npos);
  }
  // An offset too large for 48 bits at any shift is refused, not clamped.
  t.g1 = {1.0, 1.0};
  t.off = {1e15, 0};
  CHECK_THROWS_AS(fit_requant(t, "layer"), Error);
}
