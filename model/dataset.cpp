#include "neuroblend/dataset.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "neuroblend/error.h"
#include "neuroblend/npy.h"
#include "neuroblend/rng.h"

namespace nb {

namespace fs = std::filesystem;

namespace {

std::string lower_ext(const std::string& path) {
  std::string e = fs::path(path).extension().string();
  for (auto& c : e) c = char(std::tolower(uint8_t(c)));
  return e;
}

// A file read through zlib: gzip-compressed or plain, the same calls.
class GzFile {
 public:
  explicit GzFile(const std::string& path) : path_(path), f_(gzopen(path.c_str(), "rb")) {
    if (!f_) throw Error(fmt::format("cannot open input '{}'", path));
    gzbuffer(f_, 1 << 16);
  }
  ~GzFile() { gzclose(f_); }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;
  // Exactly n bytes, or an error saying what was being read.
  void read(void* dst, size_t n, const std::string& what) {
    size_t got = 0;
    while (got < n) {
      unsigned chunk = unsigned(std::min<size_t>(n - got, 1u << 30));
      int r = gzread(f_, static_cast<char*>(dst) + got, chunk);
      if (r < 0) {
        int err = 0;
        const char* msg = gzerror(f_, &err);
        throw Error(fmt::format("{}: {} while reading {}", path_, msg ? msg : "read error", what));
      }
      if (r == 0) throw Error(fmt::format("{}: truncated: the file ends inside {}", path_, what));
      got += size_t(r);
    }
  }
  uint32_t be32(const std::string& what) {
    uint8_t b[4];
    read(b, 4, what);
    return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | uint32_t(b[3]);
  }
  bool at_end() {
    char c;
    return gzread(f_, &c, 1) == 0;
  }

 private:
  std::string path_;
  gzFile f_;
};

// IDX header: magic (0, 0, type 0x08 = ubyte, dims) then dims big-endian counts.
std::vector<uint32_t> idx_header(GzFile& f, const std::string& path, int want_dims) {
  uint32_t magic = f.be32("the IDX header");
  if ((magic >> 8) != 0x08 || int(magic & 0xff) != want_dims)
    throw Error(fmt::format("{}: not an IDX {} file (magic 0x{:08x}, expected 0x{:08x}: unsigned bytes, {} dimension{})",
                            path, want_dims == 3 ? "images" : "labels", magic, 0x800u + unsigned(want_dims), want_dims,
                            want_dims == 1 ? "" : "s"));
  std::vector<uint32_t> dims;
  for (int d = 0; d < want_dims; ++d) dims.push_back(f.be32("the IDX header"));
  return dims;
}

std::string sibling_labels(const std::string& images) {
  std::string name = fs::path(images).filename().string();
  size_t k = name.find("images-idx3");
  if (k == std::string::npos) return {};
  name.replace(k, 11, "labels-idx1");
  fs::path p = fs::path(images).parent_path() / name;
  return fs::exists(p) ? p.string() : std::string();
}

std::vector<int> read_idx_labels(const std::string& path, size_t n) {
  GzFile f(path);
  std::vector<uint32_t> dims = idx_header(f, path, 1);
  if (dims[0] < n)
    throw Error(fmt::format("{}: {} labels, the images file has {} images", path, dims[0], n));
  std::vector<uint8_t> b(n);
  f.read(b.data(), n, "the labels");
  return {b.begin(), b.end()};
}

void adapt(Image& img, const Shape& want) {
  if (img.shape.h != want.h || img.shape.w != want.w)
    throw Error(fmt::format("{}: image is {}x{}, the model expects {}x{}", img.source, img.shape.w, img.shape.h,
                            want.w, want.h));
  if (img.shape.c == 1 && want.c == 3) {  // grey: replicate to RGB
    std::vector<uint8_t> rgb(img.pixels.size() * 3);
    for (size_t i = 0; i < img.pixels.size(); ++i) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = img.pixels[i];
    img.pixels = std::move(rgb);
    img.shape.c = 3;
  }
  if (img.shape.c != want.c)
    throw Error(fmt::format("{}: image has {} channels, the model expects {}", img.source, img.shape.c, want.c));
}

bool is_pnm(const std::string& ext) { return ext == ".pgm" || ext == ".ppm" || ext == ".pnm"; }

// A class index from a folder or list entry ("7"), or -1.
int label_of(const std::string& s) {
  if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(uint8_t(c)); }))
    return -1;
  return std::stoi(s);
}

struct Reader {
  const Shape& want;
  const InputOptions& o;
  std::vector<Image> out;

  int64_t left() const { return o.limit < 0 ? -1 : o.limit - int64_t(out.size()); }
  bool full() const { return o.limit >= 0 && int64_t(out.size()) >= o.limit; }
  void add(Image img, int label = -1) {
    if (label >= 0) img.label = label;
    adapt(img, want);
    out.push_back(std::move(img));
  }
  void add_all(std::vector<Image> v) {
    for (auto& img : v) add(std::move(img));
  }

  void folder(const std::string& dir) {
    std::vector<fs::path> files, sub;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_directory() && label_of(e.path().filename().string()) >= 0) sub.push_back(e.path());
      if (e.is_regular_file() && is_pnm(lower_ext(e.path().string()))) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::sort(sub.begin(), sub.end(), [](const fs::path& a, const fs::path& b) {
      return label_of(a.filename().string()) < label_of(b.filename().string());
    });
    for (const auto& f : files) {
      if (full()) return;
      add(read_pnm(f.string()));
    }
    for (const auto& d : sub) {
      int label = label_of(d.filename().string());
      std::vector<fs::path> in;
      for (const auto& e : fs::directory_iterator(d))
        if (e.is_regular_file() && is_pnm(lower_ext(e.path().string()))) in.push_back(e.path());
      std::sort(in.begin(), in.end());
      for (const auto& f : in) {
        if (full()) return;
        add(read_pnm(f.string()), label);
      }
    }
    if (files.empty() && sub.empty())
      throw Error(fmt::format("input folder '{}' has no .pgm/.ppm images (nor class folders 0, 1, ... of them)", dir));
  }

  void list(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw Error(fmt::format("cannot open input '{}'", path));
    fs::path base = fs::path(path).parent_path();
    std::string line;
    int lineno = 0;
    while (std::getline(f, line) && !full()) {
      ++lineno;
      if (line.size() > 4096) throw Error(fmt::format("{}:{}: line too long", path, lineno));
      size_t b = line.find_first_not_of(" \t\r");
      if (b == std::string::npos || line[b] == '#') continue;
      size_t e = line.find_last_not_of(" \t\r");
      std::string entry = line.substr(b, e - b + 1), file = entry;
      int label = -1;
      size_t sp = entry.find_last_of(" \t");
      if (sp != std::string::npos) {
        label = label_of(entry.substr(sp + 1));
        if (label < 0) throw Error(fmt::format("{}:{}: '{}' is not a class index", path, lineno, entry.substr(sp + 1)));
        file = entry.substr(0, entry.find_last_not_of(" \t", sp) + 1);
      }
      fs::path p = fs::path(file).is_absolute() ? fs::path(file) : base / file;
      if (!is_pnm(lower_ext(p.string())))
        throw Error(fmt::format("{}:{}: '{}' is not a .pgm/.ppm image", path, lineno, file));
      if (!fs::exists(p)) throw Error(fmt::format("{}:{}: no such image '{}'", path, lineno, p.string()));
      add(read_pnm(p.string()), label);
    }
  }

  void path(const std::string& p, bool single) {
    if (full()) return;
    std::string ext = lower_ext(p);
    if (!o.labels.empty() && !single)
      throw Error("--labels names the labels of one IDX or .npy images file: give one input with it");
    if (fs::is_directory(p)) {
      folder(p);
    } else if (ext == ".bin") {
      add_all(read_cifar(p, o.cifar, left()));
    } else if (is_pnm(ext)) {
      add(read_pnm(p));
    } else if (ext == ".npy") {
      add_all(read_npy_images(p, o.labels, left()));
    } else if (ext == ".txt" || ext == ".lst") {
      list(p);
    } else if (p.find("idx3") != std::string::npos || ext == ".idx") {
      add_all(read_idx(p, o.labels, left()));
    } else {
      throw Error(fmt::format(
          "input '{}': unknown kind (expected a folder, an IDX images file (*-idx3-ubyte[.gz]), a .npy image stack, "
          "a CIFAR .bin batch, a .pgm/.ppm image or a .txt list of images)",
          p));
    }
  }
};

}  // namespace

std::vector<Image> read_idx(const std::string& images_path, const std::string& labels_path, int64_t limit) {
  GzFile f(images_path);
  std::vector<uint32_t> dims = idx_header(f, images_path, 3);
  const uint32_t n = dims[0], rows = dims[1], cols = dims[2];
  if (rows == 0 || cols == 0 || rows > 8192 || cols > 8192)
    throw Error(fmt::format("{}: image size {}x{} out of range (1..8192)", images_path, cols, rows));
  size_t count = limit < 0 ? size_t(n) : std::min<size_t>(n, size_t(limit));
  std::vector<Image> out;
  const size_t px = size_t(rows) * cols;
  for (size_t i = 0; i < count; ++i) {  // image by image: the data, not the header, sizes the vector
    Image img;
    img.shape = Shape{int(rows), int(cols), 1};
    img.pixels.resize(px);
    f.read(img.pixels.data(), px, fmt::format("image {} of {}", i, n));
    img.source = fmt::format("{}#{}", images_path, i);
    out.push_back(std::move(img));
  }
  if (count == n && !f.at_end())
    throw Error(fmt::format("{}: bytes past the {} images its header declares", images_path, n));
  std::string lp = labels_path.empty() ? sibling_labels(images_path) : labels_path;
  if (!lp.empty()) {
    std::vector<int> labels = read_idx_labels(lp, out.size());
    for (size_t i = 0; i < out.size(); ++i) out[i].label = labels[i];
  }
  return out;
}

std::vector<Image> read_npy_images(const std::string& path, const std::string& labels_path, int64_t limit) {
  NpyArray a = read_npy(path);
  if (a.dtype != "u1")
    throw Error(fmt::format("{}: image stack of dtype {}, expected uint8 pixels", path, a.dtype));
  if (a.shape.size() != 3 && a.shape.size() != 4)
    throw Error(fmt::format("{}: image stack of shape {}, expected (N, H, W) or (N, H, W, C)", path, a.shape_str()));
  const int64_t n = a.shape[0], h = a.shape[1], w = a.shape[2], c = a.shape.size() == 4 ? a.shape[3] : 1;
  if (h < 1 || w < 1 || h > 8192 || w > 8192 || c < 1 || c > 4)
    throw Error(fmt::format("{}: image stack of shape {}: H, W must be 1..8192 and C 1..4", path, a.shape_str()));
  std::vector<int> labels;
  if (!labels_path.empty()) {
    NpyArray l = read_npy(labels_path);
    if (l.shape.size() != 1 || l.shape[0] != n)
      throw Error(fmt::format("{}: labels of shape {}, expected ({},) for {}", labels_path, l.shape_str(), n, path));
    std::vector<int64_t> v = l.as<int64_t>(labels_path);
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] < 0 || v[i] > 65535)
        throw Error(fmt::format("{}: label {} of image {} out of range 0..65535", labels_path, v[i], i));
      labels.push_back(int(v[i]));
    }
  }
  const size_t count = limit < 0 ? size_t(n) : std::min<size_t>(size_t(n), size_t(limit));
  const size_t px = size_t(h * w * c);
  std::vector<Image> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Image img;
    img.shape = Shape{int(h), int(w), int(c)};
    img.pixels.assign(a.bytes.begin() + std::ptrdiff_t(i * px), a.bytes.begin() + std::ptrdiff_t((i + 1) * px));
    img.source = fmt::format("{}#{}", path, i);
    if (!labels.empty()) img.label = labels[i];
    out.push_back(std::move(img));
  }
  return out;
}

std::vector<Image> read_inputs(const std::vector<std::string>& paths, const Shape& want, const InputOptions& o) {
  Reader r{want, o, {}};
  for (const auto& p : paths) r.path(p, paths.size() == 1);
  return std::move(r.out);
}

std::vector<Image> read_images(const std::string& path, const Shape& want, CifarKind kind, int64_t limit) {
  InputOptions o;
  o.cifar = kind, o.limit = limit;
  return read_inputs({path}, want, o);
}

std::vector<std::string> dataset_names() { return {"fashion-mnist"}; }

DatasetFiles dataset_files(const std::string& name, const std::string& split) {
  if (name != "fashion-mnist")
    throw Error(fmt::format("unknown dataset '{}' (known: fashion-mnist; other data: --input)", name));
  if (split != "test" && split != "train") throw Error(fmt::format("unknown split '{}' (test or train)", split));
  DatasetFiles d;
  d.name = name, d.split = split, d.classes = 10;
  d.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  const char* env = std::getenv("NB_DATASETS_DIR");
  fs::path dir = fs::path(env && *env ? env : "/usr/share/datasets") / name;
  std::string stem = split == "test" ? "t10k" : "train";
  d.images = (dir / (stem + "-images-idx3-ubyte.gz")).string();
  d.labels = (dir / (stem + "-labels-idx1-ubyte.gz")).string();
  if (!fs::exists(d.images) || !fs::exists(d.labels))
    throw Error(fmt::format("dataset {}: {} not found (install the Debian package dataset-fashion-mnist: "
                            "bash scripts/install-deps.sh)",
                            name, fs::exists(d.images) ? d.labels : d.images));
  return d;
}

std::vector<Image> read_dataset(const std::string& name, const std::string& split, const Shape& want, int64_t limit) {
  DatasetFiles d = dataset_files(name, split);
  InputOptions o;
  o.labels = d.labels;
  o.limit = limit;
  return read_inputs({d.images}, want, o);
}

std::vector<size_t> pick_subset(size_t total, size_t n, uint64_t seed) {
  std::vector<size_t> idx(total);
  std::iota(idx.begin(), idx.end(), size_t(0));
  if (n >= total) return idx;
  Rng r(seed);
  for (size_t i = 0; i < n; ++i) std::swap(idx[i], idx[i + size_t(r.range(0, int64_t(total - i - 1)))]);
  idx.resize(n);
  std::sort(idx.begin(), idx.end());
  return idx;
}

}  // namespace nb
