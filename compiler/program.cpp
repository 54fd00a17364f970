#include "neuroblend/compiler/program.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

#include "neuroblend/error.h"
#include "neuroblend/compiler/legality.h"

namespace nb {

std::vector<uint64_t> pack48(const std::vector<uint8_t>& bits, int64_t rows, int64_t k) {
  int64_t words = (k + kDspWordBits - 1) / kDspWordBits;
  std::vector<uint64_t> out(size_t(rows * words), 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < k; ++j)
      if (bits[size_t(r * k + j)]) out[size_t(r * words + j / kDspWordBits)] |= uint64_t(1) << (j % kDspWordBits);
  return out;
}

std::vector<uint8_t> unpack48(const std::vector<uint64_t>& w, int64_t rows, int64_t k) {
  int64_t words = (k + kDspWordBits - 1) / kDspWordBits;
  std::vector<uint8_t> out(size_t(rows * k));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < k; ++j)
      out[size_t(r * k + j)] = uint8_t((w[size_t(r * words + j / kDspWordBits)] >> (j % kDspWordBits)) & 1);
  return out;
}

namespace {

const char kMagic[8] = {'N', 'B', 'P', 'R', 'O', 'G', '0', '1'};

// int8 weight rows start on 8-byte boundaries (one memory beat).
int64_t row_stride(int64_t k) { return (k + 7) / 8 * 8; }
std::vector<int8_t> pad_rows(const std::vector<int8_t>& w, int64_t rows, int64_t k) {
  std::vector<int8_t> out(size_t(rows * row_stride(k)), 0);
  for (int64_t r = 0; r < rows; ++r) std::copy_n(&w[size_t(r * k)], k, &out[size_t(r * row_stride(k))]);
  return out;
}

uint32_t kind_code(LayerKind k) {
  return uint32_t(k);
}
uint32_t skip_code(SkipKind s) {
  return uint32_t(s);
}

// The memory image being laid out. A dry image only assigns offsets (the
// layout of a program without copying its weights: the cycle model's view).
class MemImage {
 public:
  explicit MemImage(bool dry) : dry_(dry) {}
  template <typename T>
  uint32_t add(const std::vector<T>& v) {
    align();
    uint32_t off = uint32_t(size_);
    const uint8_t* p = reinterpret_cast<const uint8_t*>(v.data());
    if (!dry_) bytes.insert(bytes.end(), p, p + v.size() * sizeof(T));
    size_ += v.size() * sizeof(T);
    return off;
  }
  uint32_t add(const std::string& s) { return add(std::vector<char>(s.begin(), s.end())); }
  // A section of n bytes whose contents a dry image does not need.
  template <typename F>
  uint32_t add_lazy(size_t n, F make) {
    if (!dry_) return add(make());
    align();
    uint32_t off = uint32_t(size_);
    size_ += n;
    return off;
  }
  void align() {
    size_ = (size_ + 63) / 64 * 64;
    if (!dry_) bytes.resize(size_, 0);
  }
  size_t size() const { return size_; }
  std::vector<uint8_t> bytes;

 private:
  bool dry_;
  size_t size_ = 0;
};

template <typename T>
void put(std::vector<uint8_t>& b, size_t off, T v) {
  std::memcpy(&b[off], &v, sizeof(T));
}
template <typename T>
T get(const std::vector<uint8_t>& b, size_t off) {
  T v;
  std::memcpy(&v, &b[off], sizeof(T));
  return v;
}

}  // namespace

void Desc::set(const hw::Field& f, uint64_t v) {
  if (v > f.max())
    throw Error(fmt::format("descriptor field '{}' cannot hold {} ({} bits)", f.name, v, f.width));
  uint32_t mask = f.width >= 32 ? ~0u : uint32_t(f.max()) << f.lsb;
  w[size_t(f.word)] = (w[size_t(f.word)] & ~mask) | (uint32_t(v) << f.lsb);
}

bool writes_transposed(const QLayer& q, const QLayer* next) {
  return next && !q.logits && (next->axis == Axis::Token) != (q.axis == Axis::Token);
}

void set_derived_fields(const QLayer& q, Desc& d) {
  namespace f = hw::desc;
  // The accelerator's view: a token-mixing layer computes with the channels
  // as positions (one row of in.c of them) and a window of the in.tokens()
  // values of a channel (its input is stored channels x tokens), rows()
  // outputs per position.
  const bool token = q.axis == Axis::Token;
  const uint64_t c = token ? uint64_t(q.in.tokens()) : uint64_t(q.in.c);
  const uint64_t w = token ? uint64_t(q.in.c) : uint64_t(q.in.w), s = token ? 1 : uint64_t(q.stride);
  d.set(f::kInElems, uint64_t(q.in.size()));
  d.set(f::kOutElems, uint64_t(q.out.size()));
  d.set(f::kWindows, q.kind == LayerKind::AvgPool ? 1 : token ? w : uint64_t(q.out.h) * uint64_t(q.out.w));
  d.set(f::kWinRows, token ? 1 : uint64_t(q.in.h));
  d.set(f::kPosW, token ? w : uint64_t(q.out.w));
  d.set(f::kOutPitch, token ? uint64_t(q.rows()) : uint64_t(q.out.c));
  d.set(f::kInRowUnits, w * c);
  d.set(f::kColStep, s * c);
  d.set(f::kRowStep, s * w * c);
  // The two windows: binary (3x3 pad 1 for a Blend conv, else 1x1) and
  // fixed-point (the conv's own kernel, a 3x3 skip, else 1x1).
  uint64_t bk = q.kind == LayerKind::BlendConv ? 3 : 1, bp = q.kind == LayerKind::BlendConv ? 1 : 0;
  uint64_t fk = 1, fp = 0;
  if (q.kind == LayerKind::Conv) fk = uint64_t(q.kernel), fp = uint64_t(q.pad);
  else if (q.kind == LayerKind::BlendConv && q.skip == SkipKind::Conv3x3) fk = 3, fp = 1;
  d.set(f::kBinK, bk), d.set(f::kBinPad, bp);
  d.set(f::kBinRun, bk * c), d.set(f::kBinPadUnits, bp * c), d.set(f::kBinPadRows, bp * w * c);
  d.set(f::kFixK, fk), d.set(f::kFixPad, fp);
  d.set(f::kFixRun, fk * c), d.set(f::kFixPadUnits, fp * c), d.set(f::kFixPadRows, fp * w * c);
  d.set(f::kFixRowBytes, uint64_t(row_stride(q.kfix)));
}

namespace {

ProgramLayout lay_out(const CompiledModel& cm, MemImage& img) {
  namespace f = hw::desc;
  ProgramLayout lay;
  const uint32_t L = uint32_t(cm.layers.size());
  lay.name_off = img.add(cm.model);
  for (size_t i = 0; i < cm.layers.size(); ++i) {
    const QLayer& q = cm.layers[i];
    Desc d;
    const int64_t kw = (q.kbin + kDspWordBits - 1) / kDspWordBits;
    d.set(f::kKind, kind_code(q.kind));
    d.set(f::kRelu, q.act == Act::Relu);
    d.set(f::kLogits, q.logits);
    d.set(f::kToken, q.axis == Axis::Token);
    d.set(f::kOutT, writes_transposed(q, i + 1 < cm.layers.size() ? &cm.layers[i + 1] : nullptr));
    d.set(f::kSkip, skip_code(q.skip));
    d.set(f::kInH, uint64_t(q.in.h)), d.set(f::kInW, uint64_t(q.in.w)), d.set(f::kInC, uint64_t(q.in.c));
    d.set(f::kOutH, uint64_t(q.out.h)), d.set(f::kOutW, uint64_t(q.out.w)), d.set(f::kOutC, uint64_t(q.out.c));
    d.set(f::kKernel, uint64_t(q.kernel)), d.set(f::kStride, uint64_t(q.stride)), d.set(f::kPad, uint64_t(q.pad));
    d.set(f::kSh, uint64_t(q.sh));
    d.set(f::kKbin, uint64_t(q.kbin));
    d.set(f::kKw, uint64_t(kw));
    d.set(f::kKfix, uint64_t(q.kfix));
    d.set(f::kWbits, uint64_t(q.wbits));
    d.set(f::kOffWbin, q.kbin ? img.add_lazy(size_t(q.rows() * kw) * 8, [&] { return pack48(q.wbin, q.rows(), q.kbin); })
                              : 0);
    d.set(f::kOffWfix, q.kfix ? img.add_lazy(size_t(q.rows() * row_stride(q.kfix)),
                                             [&] { return pad_rows(q.wfix, q.rows(), q.kfix); })
                              : 0);
    d.set(f::kOffTau, q.kbin ? img.add(q.tau) : 0);
    d.set(f::kOffNeg, q.kbin ? img.add(q.neg) : 0);
    d.set(f::kOffM1, img.add(q.m1));
    d.set(f::kOffM2, img.add(q.m2));
    d.set(f::kOffBias, img.add(q.bias));
    d.set(f::kOffName, img.add(q.name));
    d.set(f::kNameLen, q.name.size());
    uint64_t sc;
    std::memcpy(&sc, &q.out_scale, 8);
    d.set(f::kOutScaleLo, uint32_t(sc)), d.set(f::kOutScaleHi, sc >> 32);
    d.set(f::kRows, uint64_t(q.rows()));
    d.set(f::kZBoundLo, uint32_t(uint64_t(q.z_bound))), d.set(f::kZBoundHi, uint64_t(q.z_bound) >> 32);
    d.set(f::kAccBoundLo, uint32_t(uint64_t(q.acc_bound))), d.set(f::kAccBoundHi, uint64_t(q.acc_bound) >> 32);
    set_derived_fields(q, d);
    lay.desc.push_back(d);
  }
  img.align();
  lay.image_off = (lay.desc_off + L * kDescWords * 4 + 63) / 64 * 64;
  lay.image_bytes = img.size();
  return lay;
}

}  // namespace

ProgramLayout layout_program(const CompiledModel& cm) {
  MemImage img(true);
  return lay_out(cm, img);
}

std::vector<uint8_t> serialize_program(const CompiledModel& cm) {
  const uint32_t L = uint32_t(cm.layers.size());
  const uint32_t desc_off = 64, desc_bytes = kDescWords * 4;
  MemImage img(false);
  ProgramLayout lay = lay_out(cm, img);
  const auto& descs = lay.desc;
  const uint32_t name_off = lay.name_off;
  const uint32_t image_off = lay.image_off;
  std::vector<uint8_t> out(image_off + img.bytes.size(), 0);
  std::memcpy(&out[0], kMagic, 8);
  put<uint32_t>(out, 8, kProgramVersion);
  put<uint32_t>(out, 12, 64);
  put<uint32_t>(out, 16, L);
  put<uint32_t>(out, 20, desc_bytes);
  put<uint32_t>(out, 24, desc_off);
  put<uint32_t>(out, 28, image_off);
  put<uint64_t>(out, 32, img.bytes.size());
  put<uint32_t>(out, 40, uint32_t(cm.input.h));
  put<uint32_t>(out, 44, uint32_t(cm.input.w));
  put<uint32_t>(out, 48, uint32_t(cm.input.c));
  put<uint32_t>(out, 52, uint32_t(cm.classes));
  put<uint32_t>(out, 56, name_off);
  put<uint32_t>(out, 60, uint32_t(cm.model.size()));
  for (uint32_t i = 0; i < L; ++i)
    for (uint32_t w = 0; w < kDescWords; ++w) put<uint32_t>(out, desc_off + i * desc_bytes + w * 4, descs[i].w[w]);
  std::memcpy(&out[image_off], img.bytes.data(), img.bytes.size());
  return out;
}

CompiledModel parse_program(const std::vector<uint8_t>& b, const std::string& src) {
  if (b.size() < 64 || std::memcmp(b.data(), kMagic, 8) != 0)
    throw Error(fmt::format("{}: not a NeuroBlend program (bad magic)", src));
  uint32_t ver = get<uint32_t>(b, 8);
  if (ver != kProgramVersion)
    throw Error(fmt::format("{}: program version {} is not supported (this tool reads {})", src, ver, kProgramVersion));
  uint32_t L = get<uint32_t>(b, 16), desc_bytes = get<uint32_t>(b, 20), desc_off = get<uint32_t>(b, 24);
  uint32_t image_off = get<uint32_t>(b, 28);
  uint64_t image_bytes = get<uint64_t>(b, 32);
  if (desc_bytes != kDescWords * 4 || L == 0 || L > 100000 ||
      uint64_t(desc_off) + uint64_t(L) * desc_bytes > b.size() || uint64_t(image_off) + image_bytes != b.size())
    throw Error(
        fmt::format("{}: corrupt program header (layers {}, descriptors at {}, image at {} of {} bytes, file {} bytes)",
                    src, L, desc_off, image_off, image_bytes, b.size()));
  auto section = [&](const std::string& where, uint32_t off, uint64_t n, size_t elem) -> const uint8_t* {
    if (n > image_bytes / elem || uint64_t(off) + n * elem > image_bytes)
      throw Error(fmt::format("{}: {}: section at {} of {} bytes runs past the image ({} bytes)", src, where, off,
                              n * elem, image_bytes));
    return &b[image_off + off];
  };
  auto vec = [&](auto tag, const std::string& where, uint32_t off, uint64_t n) {
    using T = decltype(tag);
    // bounds first: a length field near 2^32 must not allocate before it is refused
    const uint8_t* p = section(where, off, n, sizeof(T));
    std::vector<T> v(static_cast<size_t>(n));
    if (n) std::memcpy(v.data(), p, size_t(n) * sizeof(T));
    return v;
  };
  CompiledModel cm;
  cm.input = Shape{int(get<uint32_t>(b, 40)), int(get<uint32_t>(b, 44)), int(get<uint32_t>(b, 48))};
  cm.classes = int(get<uint32_t>(b, 52));
  {
    auto name = vec(char(), "model name", get<uint32_t>(b, 56), get<uint32_t>(b, 60));
    cm.model.assign(name.begin(), name.end());
  }
  namespace f = hw::desc;
  std::vector<uint32_t> out_t;  // each layer's out_t, checked against its successor
  for (uint32_t i = 0; i < L; ++i) {
    Desc d;
    for (uint32_t w = 0; w < kDescWords; ++w) d.w[w] = get<uint32_t>(b, desc_off + i * desc_bytes + w * 4);
    std::string where = fmt::format("layer {}", i);
    QLayer q;
    if (d[f::kKind] > uint32_t(LayerKind::Dense))
      throw Error(fmt::format("{}: {}: unknown layer kind {}", src, where, d[f::kKind]));
    q.kind = LayerKind(d[f::kKind]);
    q.act = d[f::kRelu] ? Act::Relu : Act::None;
    q.logits = d[f::kLogits];
    q.axis = d[f::kToken] ? Axis::Token : Axis::Channel;
    if (d[f::kSkip] > uint32_t(SkipKind::Dense)) throw Error(fmt::format("{}: {}: unknown skip kind", src, where));
    q.skip = SkipKind(d[f::kSkip]);
    q.in = Shape{int(d[f::kInH]), int(d[f::kInW]), int(d[f::kInC])};
    q.out = Shape{int(d[f::kOutH]), int(d[f::kOutW]), int(d[f::kOutC])};
    if (q.in.size() <= 0 || q.out.size() <= 0 || q.in.size() > (1 << 30) || q.out.size() > (1 << 30))
      throw Error(fmt::format("{}: {}: bad shapes {} -> {}", src, where, q.in.str(), q.out.str()));
    q.kernel = int(d[f::kKernel]), q.stride = int(d[f::kStride]), q.pad = int(d[f::kPad]), q.sh = int(d[f::kSh]);
    q.kbin = d[f::kKbin];
    q.kfix = d[f::kKfix];
    q.wbits = int(d[f::kWbits]);
    int64_t rows = d[f::kRows];
    if (rows != q.rows()) throw Error(fmt::format("{}: {}: row count {} does not match shapes", src, where, rows));
    if (q.kbin) {
      int64_t words = (q.kbin + kDspWordBits - 1) / kDspWordBits;
      if (d[f::kKw] != words)
        throw Error(fmt::format("{}: {}: 48-bit word count {} != {}", src, where, d[f::kKw], words));
      q.wbin = unpack48(vec(uint64_t(), where + " binary weights", d[f::kOffWbin], uint64_t(rows * words)), rows, q.kbin);
      // the element types are the tile loader's (rtl/spec/nb_hw.json tile_steps array_bytes)
      static_assert(hw::step::kArrayBytes[hw::step::kTau] == sizeof(int16_t) &&
                    hw::step::kArrayBytes[hw::step::kNeg] == sizeof(uint8_t));
      q.tau = vec(int16_t(), where + " tau", d[f::kOffTau], uint64_t(q.in.c));
      q.neg = vec(uint8_t(), where + " neg", d[f::kOffNeg], uint64_t(q.in.c));
    }
    if (q.kfix) {
      int64_t stride = row_stride(q.kfix);
      auto padded = vec(int8_t(), where + " int8 weights", d[f::kOffWfix], uint64_t(rows * stride));
      q.wfix.resize(size_t(rows * q.kfix));
      for (int64_t r = 0; r < rows; ++r)
        std::copy_n(&padded[size_t(r * stride)], q.kfix, &q.wfix[size_t(r * q.kfix)]);
    }
    // The accelerator loads the per-channel arrays by whole memory beats
    // (the compiler aligns every section to 64 bytes).
    for (const hw::Field* fld : {&f::kOffM1, &f::kOffM2, &f::kOffBias, &f::kOffTau, &f::kOffNeg})
      if (d[*fld] % 8 != 0)
        throw Error(fmt::format("{}: {}: descriptor field '{}' is {}: not on an 8-byte memory beat", src, where,
                                fld->name, d[*fld]));
    static_assert(hw::step::kArrayBytes[hw::step::kM1] == sizeof(int32_t) &&
                  hw::step::kArrayBytes[hw::step::kM2] == sizeof(int32_t) &&
                  hw::step::kArrayBytes[hw::step::kBias] == sizeof(int64_t));
    q.m1 = vec(int32_t(), where + " M1", d[f::kOffM1], uint64_t(q.out.c));
    q.m2 = vec(int32_t(), where + " M2", d[f::kOffM2], uint64_t(q.out.c));
    q.bias = vec(int64_t(), where + " bias", d[f::kOffBias], uint64_t(q.out.c));
    auto name = vec(char(), where + " name", d[f::kOffName], d[f::kNameLen]);
    q.name.assign(name.begin(), name.end());
    uint64_t sc = d.get64(f::kOutScaleLo, f::kOutScaleHi);
    std::memcpy(&q.out_scale, &sc, 8);
    q.z_bound = int64_t(d.get64(f::kZBoundLo, f::kZBoundHi));
    q.acc_bound = int64_t(d.get64(f::kAccBoundLo, f::kAccBoundHi));
    // The pitches the accelerator steps by must be the ones its shapes imply:
    // a program whose counters would walk differently from the golden
    // model's loops is refused here.
    Desc expect = d;
    try {
      set_derived_fields(q, expect);
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}: {}", src, where, e.what()));
    }
    for (const hw::Field& fld : hw::kDescFields)
      if (expect[fld] != d[fld])
        throw Error(fmt::format("{}: {}: descriptor field '{}' is {}, its shapes give {}", src, where, fld.name,
                                d[fld], expect[fld]));
    cm.layers.push_back(std::move(q));
    out_t.push_back(d[f::kOutT]);
  }
  for (size_t i = 0; i < L; ++i) {
    const bool want = writes_transposed(cm.layers[i], i + 1 < L ? &cm.layers[i + 1] : nullptr);
    if (out_t[i] != want)
      throw Error(fmt::format("{}: layer {}: descriptor field 'out_t' is {}, the layers give {}", src, i, out_t[i],
                              int(want)));
  }
  check_program(cm, src);
  return cm;
}

void write_program(const CompiledModel& cm, const std::string& path) {
  auto bytes = serialize_program(cm);
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!f) throw Error(fmt::format("cannot write program '{}'", path));
}

CompiledModel read_program(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open program '{}'", path));
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return parse_program(b, path);
}

}  // namespace nb
