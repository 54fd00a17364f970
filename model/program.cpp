#include "neuroblend/program.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

#include "neuroblend/error.h"

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

namespace {

ProgramLayout lay_out(const CompiledModel& cm, MemImage& img) {
  ProgramLayout lay;
  const uint32_t L = uint32_t(cm.layers.size());
  lay.name_off = img.add(cm.model);
  for (auto& q : cm.layers) {
    std::array<uint32_t, kDescWords> d{};
    d[0] = kind_code(q.kind);
    d[1] = (q.act == Act::Relu ? 1u : 0u) | (q.logits ? 2u : 0u) | (q.axis == Axis::Token ? 4u : 0u) |
           (skip_code(q.skip) << 8);
    d[2] = uint32_t(q.in.h), d[3] = uint32_t(q.in.w), d[4] = uint32_t(q.in.c);
    d[5] = uint32_t(q.out.h), d[6] = uint32_t(q.out.w), d[7] = uint32_t(q.out.c);
    d[8] = uint32_t(q.kernel), d[9] = uint32_t(q.stride), d[10] = uint32_t(q.pad), d[11] = uint32_t(q.sh);
    d[12] = uint32_t(q.kbin);
    d[13] = uint32_t((q.kbin + kDspWordBits - 1) / kDspWordBits);
    d[14] = uint32_t(q.kfix);
    d[15] = uint32_t(q.wbits);
    d[16] = q.kbin ? img.add_lazy(size_t(q.rows()) * d[13] * 8, [&] { return pack48(q.wbin, q.rows(), q.kbin); }) : 0;
    d[17] = q.kfix ? img.add_lazy(size_t(q.rows() * row_stride(q.kfix)),
                                  [&] { return pad_rows(q.wfix, q.rows(), q.kfix); })
                   : 0;
    d[18] = q.kbin ? img.add(q.tau) : 0;
    d[19] = q.kbin ? img.add(q.neg) : 0;
    d[20] = img.add(q.m1);
    d[21] = img.add(q.m2);
    d[22] = img.add(q.bias);
    d[23] = img.add(q.name);
    d[24] = uint32_t(q.name.size());
    uint64_t sc;
    std::memcpy(&sc, &q.out_scale, 8);
    d[25] = uint32_t(sc), d[26] = uint32_t(sc >> 32);
    d[27] = uint32_t(q.rows());
    d[28] = uint32_t(uint64_t(q.z_bound)), d[29] = uint32_t(uint64_t(q.z_bound) >> 32);
    d[30] = uint32_t(uint64_t(q.acc_bound)), d[31] = uint32_t(uint64_t(q.acc_bound) >> 32);
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
    for (uint32_t w = 0; w < kDescWords; ++w) put<uint32_t>(out, desc_off + i * desc_bytes + w * 4, descs[i][w]);
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
    if (uint64_t(off) + n * elem > image_bytes)
      throw Error(fmt::format("{}: {}: section at {} of {} bytes runs past the image ({} bytes)", src, where, off,
                              n * elem, image_bytes));
    return &b[image_off + off];
  };
  auto vec = [&](auto tag, const std::string& where, uint32_t off, uint64_t n) {
    using T = decltype(tag);
    std::vector<T> v(static_cast<size_t>(n));
    if (n) std::memcpy(v.data(), section(where, off, n, sizeof(T)), size_t(n) * sizeof(T));
    return v;
  };
  CompiledModel cm;
  cm.input = Shape{int(get<uint32_t>(b, 40)), int(get<uint32_t>(b, 44)), int(get<uint32_t>(b, 48))};
  cm.classes = int(get<uint32_t>(b, 52));
  {
    auto name = vec(char(), "model name", get<uint32_t>(b, 56), get<uint32_t>(b, 60));
    cm.model.assign(name.begin(), name.end());
  }
  for (uint32_t i = 0; i < L; ++i) {
    auto d = [&](int w) { return get<uint32_t>(b, desc_off + i * desc_bytes + uint32_t(w) * 4); };
    std::string where = fmt::format("layer {}", i);
    QLayer q;
    if (d(0) > uint32_t(LayerKind::Dense)) throw Error(fmt::format("{}: {}: unknown layer kind {}", src, where, d(0)));
    q.kind = LayerKind(d(0));
    uint32_t flags = d(1);
    q.act = flags & 1 ? Act::Relu : Act::None;
    q.logits = flags & 2;
    q.axis = flags & 4 ? Axis::Token : Axis::Channel;
    if ((flags >> 8) > uint32_t(SkipKind::Dense)) throw Error(fmt::format("{}: {}: unknown skip kind", src, where));
    q.skip = SkipKind(flags >> 8);
    q.in = Shape{int(d(2)), int(d(3)), int(d(4))};
    q.out = Shape{int(d(5)), int(d(6)), int(d(7))};
    if (q.in.size() <= 0 || q.out.size() <= 0 || q.in.size() > (1 << 30) || q.out.size() > (1 << 30))
      throw Error(fmt::format("{}: {}: bad shapes {} -> {}", src, where, q.in.str(), q.out.str()));
    q.kernel = int(d(8)), q.stride = int(d(9)), q.pad = int(d(10)), q.sh = int(d(11));
    if (q.sh < 1 || q.sh > 47) throw Error(fmt::format("{}: {}: shift {} out of range 1..47", src, where, q.sh));
    q.kbin = d(12);
    q.kfix = d(14);
    q.wbits = int(d(15));
    int64_t rows = d(27);
    if (rows != q.rows()) throw Error(fmt::format("{}: {}: row count {} does not match shapes", src, where, rows));
    if (q.kbin) {
      int64_t words = (q.kbin + kDspWordBits - 1) / kDspWordBits;
      if (d(13) != words) throw Error(fmt::format("{}: {}: 48-bit word count {} != {}", src, where, d(13), words));
      q.wbin = unpack48(vec(uint64_t(), where + " binary weights", d(16), uint64_t(rows * words)), rows, q.kbin);
      q.tau = vec(int16_t(), where + " tau", d(18), uint64_t(q.in.c));
      q.neg = vec(uint8_t(), where + " neg", d(19), uint64_t(q.in.c));
    }
    if (q.kfix) {
      int64_t stride = row_stride(q.kfix);
      auto padded = vec(int8_t(), where + " int8 weights", d(17), uint64_t(rows * stride));
      q.wfix.resize(size_t(rows * q.kfix));
      for (int64_t r = 0; r < rows; ++r)
        std::copy_n(&padded[size_t(r * stride)], q.kfix, &q.wfix[size_t(r * q.kfix)]);
    }
    q.m1 = vec(int32_t(), where + " M1", d(20), uint64_t(q.out.c));
    q.m2 = vec(int32_t(), where + " M2", d(21), uint64_t(q.out.c));
    q.bias = vec(int64_t(), where + " bias", d(22), uint64_t(q.out.c));
    auto name = vec(char(), where + " name", d(23), d(24));
    q.name.assign(name.begin(), name.end());
    uint64_t sc = uint64_t(d(25)) | (uint64_t(d(26)) << 32);
    std::memcpy(&q.out_scale, &sc, 8);
    q.z_bound = int64_t(uint64_t(d(28)) | (uint64_t(d(29)) << 32));
    q.acc_bound = int64_t(uint64_t(d(30)) | (uint64_t(d(31)) << 32));
    cm.layers.push_back(std::move(q));
  }
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
