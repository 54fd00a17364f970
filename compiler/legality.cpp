#include "neuroblend/compiler/legality.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "neuroblend/error.h"
#include "neuroblend/hw_spec.h"
#include "neuroblend/compiler/kernels.h"

namespace nb {

// The C++ enums are the descriptor's codes (the specification's tables).
static_assert(uint32_t(LayerKind::Conv) == hw::kind::kConv && uint32_t(LayerKind::BlendConv) == hw::kind::kBlendConv &&
              uint32_t(LayerKind::BlendDense) == hw::kind::kBlendDense &&
              uint32_t(LayerKind::AvgPool) == hw::kind::kAvgpool && uint32_t(LayerKind::Dense) == hw::kind::kDense);
static_assert(uint32_t(SkipKind::None) == hw::skip::kNone && uint32_t(SkipKind::Conv1x1) == hw::skip::kConv1x1 &&
              uint32_t(SkipKind::Identity) == hw::skip::kIdentity && uint32_t(SkipKind::Conv3x3) == hw::skip::kConv3x3 &&
              uint32_t(SkipKind::Dense) == hw::skip::kDense);

namespace {

constexpr int64_t kCountMax = (int64_t(1) << hw::kCountBits) - 1;
constexpr int64_t kDotMax = (int64_t(1) << (hw::kDotBits - 1)) - 1;
constexpr int64_t kAccMax = (int64_t(1) << (hw::kAccBits - 1)) - 1;
constexpr int64_t kActMax = 128;  // |an int8 activation|

// Throws "<where>: <what>" when `ok` is false.
class Rules {
 public:
  explicit Rules(std::string where) : where_(std::move(where)) {}
  template <typename... A>
  void require(bool ok, fmt::format_string<A...> f, A&&... a) const {
    if (!ok) throw Error(where_ + ": " + fmt::format(f, std::forward<A>(a)...));
  }
  void range(const char* field, int64_t v, int64_t lo, int64_t hi) const {
    require(v >= lo && v <= hi, "{} = {} is outside [{}, {}]", field, v, lo, hi);
  }
  void equal(const char* field, int64_t v, int64_t want, const char* why) const {
    require(v == want, "{} = {}, {} gives {}", field, v, why, want);
  }

 private:
  std::string where_;
};

// The largest |acc| each row of an int8 weight matrix can reach.
std::vector<int64_t> row_acc_bounds(const QLayer& q, const Rules& r) {
  std::vector<int64_t> b(size_t(q.rows()), 0);
  for (int64_t o = 0; o < q.rows(); ++o) {
    int64_t sum = 0;
    for (int64_t i = 0; i < q.kfix; ++i) sum += std::abs(int64_t(q.wfix[size_t(o * q.kfix + i)]));
    b[size_t(o)] = kActMax * sum;
    r.require(b[size_t(o)] <= kAccMax, "int8 weight row {}: |acc| can reach {} (128 * sum |w|), beyond the {}-bit accumulator",
              o, b[size_t(o)], hw::kAccBits);
  }
  return b;
}

// The largest |acc| of each output channel, from the layer's own weights.
std::vector<int64_t> channel_acc_bounds(const QLayer& q, const Rules& r) {
  const size_t C = size_t(q.out.c);
  if (q.kind == LayerKind::AvgPool) {
    int64_t b = kActMax * q.in.tokens();
    r.require(b <= kAccMax, "pooling {} tokens: |acc| can reach {}, beyond the {}-bit accumulator", q.in.tokens(), b,
              hw::kAccBits);
    return std::vector<int64_t>(C, b);
  }
  if (q.skip == SkipKind::Identity) return std::vector<int64_t>(C, kActMax);
  std::vector<int64_t> rows = row_acc_bounds(q, r);
  // Token mixing: rows are tokens, and every channel sees every row.
  if (q.axis == Axis::Token) return std::vector<int64_t>(C, *std::max_element(rows.begin(), rows.end()));
  return rows;
}

void check_layer(const QLayer& q, const Rules& r) {
  // Form: kind, skip kind and axis from the specification's table.
  const hw::LayerForm& form = hw::kLayerForms[size_t(q.kind)];
  r.require(form.skips >> uint32_t(q.skip) & 1u, "skip '{}' is not a skip of a '{}' layer", to_string(q.skip), form.name);
  r.require(q.axis == Axis::Token ? form.token : form.channel, "axis '{}' is not an axis of a '{}' layer",
            to_string(q.axis), form.name);
  // Shapes and geometry.
  for (auto [name, v] : {std::pair{"in_h", q.in.h}, {"in_w", q.in.w}, {"in_c", q.in.c}, {"out_h", q.out.h},
                         {"out_w", q.out.w}, {"out_c", q.out.c}})
    r.range(name, v, 1, kCountMax);
  r.range("rows", q.rows(), 1, kCountMax);
  switch (q.kind) {
    case LayerKind::Conv:
      r.range("kernel", q.kernel, 1, kMaxKernel);
      r.range("stride", q.stride, 1, kMaxStride);
      r.range("pad", q.pad, 0, kMaxPad);
      break;
    case LayerKind::BlendConv:
      r.equal("kernel", q.kernel, 3, "a blend_conv layer");
      r.equal("pad", q.pad, 1, "a blend_conv layer");
      r.range("stride", q.stride, 1, 2);
      break;
    default:
      r.equal("kernel", q.kernel, q.kind == LayerKind::AvgPool ? 0 : 1, "the layer kind");
      r.equal("pad", q.pad, 0, "the layer kind");
      r.equal("stride", q.stride, 1, "the layer kind");
  }
  const Shape want = output_shape(q.kind, q.axis, q.in, int(q.rows()), q.kernel, q.stride, q.pad);
  r.require(q.out == want, "output shape {} is not {}, which the input {} and the layer's geometry give", q.out.str(),
            want.str(), q.in.str());
  if (q.skip == SkipKind::Identity) r.require(q.in == q.out, "an identity skip needs in == out ({} vs {})",
                                              q.in.str(), q.out.str());
  r.range("wbits", q.wbits, kMinWbits, kMaxWbits);
  // Taps: the same counts the golden model's loops and the RTL's counters use.
  r.equal("kbin", q.kbin, binary_taps(q.kind, q.axis, q.in), "the layer's form and input");
  r.equal("kfix", q.kfix, fixed_taps(q.kind, q.skip, q.axis, q.in, q.kernel), "the layer's form and input");
  r.require(q.kbin <= kDotMax, "kbin = {}: a dot product can reach {}, beyond the {}-bit binary accumulator", q.kbin,
            q.kbin, hw::kDotBits);
  // Values.
  r.range("sh", q.sh, hw::kShMin, hw::kShMax);
  for (size_t c = 0; c < q.neg.size(); ++c) r.require(q.neg[c] <= 1, "neg[{}] = {}: must be 0 or 1", c, q.neg[c]);
  const std::vector<int64_t> acc = channel_acc_bounds(q, r);
  for (size_t c = 0; c < size_t(q.out.c); ++c) {
    r.range(fmt::format("M1[{}]", c).c_str(), q.m1[c], kMMin, kMMax);
    r.range(fmt::format("M2[{}]", c).c_str(), q.m2[c], kMMin, kMMax);
    r.range(fmt::format("bias[{}]", c).c_str(), q.bias[c], kZMin, kZMax);
    // |z + round| <= |M1|*K + |M2|*|acc| + |bias| + 2^(sh-1): each term < 2^66, so in
    // long double the sum is exact enough to compare with a 48-bit bound.
    long double z = std::abs((long double)q.m1[c]) * (long double)q.kbin +
                    std::abs((long double)q.m2[c]) * (long double)acc[c] + std::abs((long double)q.bias[c]) +
                    (long double)(int64_t(1) << (q.sh - 1));
    r.require(z <= (long double)kZMax, "channel {}: |z| can reach {:.0f} with M1 = {}, M2 = {}, bias = {}, beyond "
              "signed {} bits", c, double(z), q.m1[c], q.m2[c], q.bias[c], hw::kZBits);
  }
}

// Names go into messages and reports: no control bytes.
void check_name(const std::string& name, const std::string& where) {
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(name[i]);
    if (ch < 0x20 || ch == 0x7f)
      throw Error(fmt::format("{}: its name has a control byte (0x{:02x} at {})", where, unsigned(ch), i));
  }
}

}  // namespace

void check_program(const CompiledModel& cm, const std::string& source) {
  const Rules net(source);
  check_name(cm.model, source + ": the model");
  net.require(!cm.layers.empty(), "the program has no layers");
  for (auto [name, v] : {std::pair{"input height", cm.input.h}, {"input width", cm.input.w},
                         {"input channels", cm.input.c}})
    net.range(name, v, 1, kCountMax);
  net.range("classes", cm.classes, 1, kCountMax);
  Shape s = cm.input;
  for (size_t i = 0; i < cm.layers.size(); ++i) {
    const QLayer& q = cm.layers[i];
    check_name(q.name, fmt::format("{}: layer {}", source, i));
    const Rules r(fmt::format("{}: layer {} ('{}')", source, i, q.name));
    r.require(q.in == s, "input {} is not the {} the layer before it gives", q.in.str(), s.str());
    // The RTL takes the network input as int8 (a binarization of it would
    // need the input's per-channel offset): its `first` error.
    if (i == 0) r.equal("kbin", q.kbin, 0, "the first layer (which has no binary path)");
    check_layer(q, r);
    const bool last = i + 1 == cm.layers.size();
    r.require(q.logits == last, "the logits flag is {} on a layer that {} the last", q.logits ? "set" : "clear",
              last ? "is" : "is not");
    if (last)
      r.require(q.kind == LayerKind::Dense && q.out.tokens() == 1 && q.out.c == cm.classes && q.act == Act::None,
                "the logits layer must be a dense layer without activation giving 1x1x{} (the classes), not a '{}' "
                "layer giving {}",
                cm.classes, to_string(q.kind), q.out.str());
    s = q.out;
  }
}

}  // namespace nb
