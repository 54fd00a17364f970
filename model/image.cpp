#include "neuroblend/image.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>

#include "neuroblend/error.h"
#include "neuroblend/rng.h"

namespace nb {

std::vector<Image> read_cifar(const std::string& path, CifarKind kind, int64_t limit) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open input '{}'", path));
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t labels = kind == CifarKind::Cifar10 ? 1 : 2;
  size_t rec = labels + 3072;
  if (s.empty() || s.size() % rec != 0)
    throw Error(
        fmt::format("{}: size {} bytes is not a whole number of {} records ({} bytes each); "
                    "wrong file, or use --format {}",
                    path, s.size(), kind == CifarKind::Cifar10 ? "CIFAR-10" : "CIFAR-100", rec,
                    kind == CifarKind::Cifar10 ? "cifar100" : "cifar10"));
  size_t n = s.size() / rec;
  if (limit >= 0) n = std::min(n, size_t(limit));
  std::vector<Image> out;
  out.reserve(n);
  int max_label = kind == CifarKind::Cifar10 ? 9 : 99;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* r = reinterpret_cast<const uint8_t*>(s.data()) + i * rec;
    Image img;
    img.shape = Shape{32, 32, 3};
    img.label = r[labels - 1];
    if (img.label > max_label)
      throw Error(fmt::format("{}: record {}: label {} out of range 0..{}", path, i, img.label, max_label));
    img.source = fmt::format("{}#{}", path, i);
    img.pixels.resize(3072);
    const uint8_t* px = r + labels;
    for (int c = 0; c < 3; ++c)  // planar R, G, B planes -> HWC
      for (int p = 0; p < 1024; ++p) img.pixels[size_t(p) * 3 + size_t(c)] = px[c * 1024 + p];
    out.push_back(std::move(img));
  }
  return out;
}

namespace {

struct PnmReader {
  const std::string& s;
  size_t pos = 0;
  std::string path;
  void skip_ws() {
    while (pos < s.size()) {
      if (std::isspace(uint8_t(s[pos])))
        ++pos;
      else if (s[pos] == '#') {
        while (pos < s.size() && s[pos] != '\n') ++pos;
      } else
        break;
    }
  }
  int number(const char* what) {
    skip_ws();
    size_t b = pos;
    while (pos < s.size() && std::isdigit(uint8_t(s[pos]))) ++pos;
    if (b == pos || pos - b > 9) throw Error(fmt::format("{}: malformed PNM header: bad {}", path, what));
    return std::stoi(s.substr(b, pos - b));
  }
};

}  // namespace

Image read_pnm(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open input '{}'", path));
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (s.size() < 2 || s[0] != 'P' || (s[1] != '2' && s[1] != '3' && s[1] != '5' && s[1] != '6'))
    throw Error(fmt::format("{}: not a PGM/PPM file (expected magic P2, P3, P5 or P6)", path));
  bool ascii = s[1] == '2' || s[1] == '3';
  int ch = (s[1] == '3' || s[1] == '6') ? 3 : 1;
  PnmReader r{s, 2, path};
  int w = r.number("width"), h = r.number("height"), maxval = r.number("maxval");
  if (w <= 0 || h <= 0 || w > 8192 || h > 8192)
    throw Error(fmt::format("{}: image size {}x{} out of range", path, w, h));
  if (maxval <= 0 || maxval > 255)
    throw Error(fmt::format("{}: maxval {} unsupported (8-bit images only, maxval 1..255)", path, maxval));
  Image img;
  img.shape = Shape{h, w, ch};
  img.source = path;
  size_t n = size_t(w) * size_t(h) * size_t(ch);
  img.pixels.resize(n);
  if (ascii) {
    for (size_t i = 0; i < n; ++i) {
      int v = r.number("pixel value (file truncated?)");
      if (v > maxval) throw Error(fmt::format("{}: pixel value {} exceeds maxval {}", path, v, maxval));
      img.pixels[i] = uint8_t(v * 255 / maxval);
    }
  } else {
    if (r.pos >= s.size() || !std::isspace(uint8_t(s[r.pos])))
      throw Error(fmt::format("{}: malformed PNM header", path));
    ++r.pos;
    if (s.size() - r.pos < n)
      throw Error(fmt::format("{}: truncated: {} pixel bytes, expected {}", path, s.size() - r.pos, n));
    for (size_t i = 0; i < n; ++i) {
      int v = uint8_t(s[r.pos + i]);
      if (v > maxval) throw Error(fmt::format("{}: pixel value {} exceeds maxval {}", path, v, maxval));
      img.pixels[i] = uint8_t(v * 255 / maxval);
    }
  }
  return img;
}

void write_pnm(const std::string& path, const Image& img) {
  std::ofstream f(path, std::ios::binary);
  f << (img.shape.c == 3 ? "P6" : "P5") << "\n" << img.shape.w << " " << img.shape.h << "\n255\n";
  f.write(reinterpret_cast<const char*>(img.pixels.data()), std::streamsize(img.pixels.size()));
  if (!f) throw Error(fmt::format("cannot write '{}'", path));
}

std::vector<Image> synthetic_images(const Shape& shape, int count, uint64_t seed) {
  std::vector<Image> out;
  Rng rng(seed);
  for (int i = 0; i < count; ++i) {
    Rng r = rng.fork(uint64_t(i));
    Image img;
    img.shape = shape;
    img.source = fmt::format("random(seed={})#{}", seed, i);
    img.pixels.resize(size_t(shape.size()));
    struct Wave {
      double fx, fy, ph, amp;
    };
    std::vector<std::vector<Wave>> waves(size_t(shape.c));
    std::vector<double> base(size_t(shape.c));
    for (int c = 0; c < shape.c; ++c) {
      base[size_t(c)] = r.uniform(40, 215);
      for (int k = 0; k < 4; ++k)
        waves[size_t(c)].push_back(
            {r.uniform(-0.4, 0.4), r.uniform(-0.4, 0.4), r.uniform(0, 6.283), r.uniform(10, 45)});
    }
    for (int y = 0; y < shape.h; ++y)
      for (int x = 0; x < shape.w; ++x)
        for (int c = 0; c < shape.c; ++c) {
          double v = base[size_t(c)] + r.normal(0, 8);
          for (auto& wv : waves[size_t(c)]) v += wv.amp * std::sin(wv.fx * x + wv.fy * y + wv.ph);
          img.pixels[(size_t(y) * size_t(shape.w) + size_t(x)) * size_t(shape.c) + size_t(c)] =
              uint8_t(std::clamp(std::lround(v), 0l, 255l));
        }
    out.push_back(std::move(img));
  }
  return out;
}

}  // namespace nb
