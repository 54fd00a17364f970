// Input sets (include/neuroblend/dataset.h): IDX (gzip or not) with labels,
// .npy stacks, folders, list files, the subset pick; malformed files.
#include <doctest/doctest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "helpers.h"
#include "neuroblend/dataset.h"
#include "neuroblend/npy.h"

using namespace nb;
namespace fs = std::filesystem;

namespace {

fs::path dir() {
  fs::path d = fs::temp_directory_path() / "nb_test_dataset";
  fs::create_directories(d);
  return d;
}

std::string be32(uint32_t v) {
  return {char(v >> 24), char((v >> 16) & 0xff), char((v >> 8) & 0xff), char(v & 0xff)};
}

// IDX images: n images of h x w, pixel value = image index * 10 + row.
std::string idx_images(uint32_t n, uint32_t h, uint32_t w, uint32_t declared) {
  std::string s = be32(0x803) + be32(declared) + be32(h) + be32(w);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t y = 0; y < h; ++y) s += std::string(w, char(i * 10 + y));
  return s;
}

std::string idx_labels(std::vector<uint8_t> l) { return be32(0x801) + be32(uint32_t(l.size())) + std::string(l.begin(), l.end()); }

std::string write(const std::string& name, const std::string& bytes, bool gz = false) {
  std::string p = (dir() / name).string();
  if (gz) {
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, bytes.data(), unsigned(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(p, std::ios::binary) << bytes;
  }
  return p;
}

std::string pgm(uint8_t v) { return "P5\n2 2\n255\n" + std::string(4, char(v)); }

}  // namespace

TEST_CASE("IDX images and labels, gzip or not, labels found beside the images") {
  for (bool gz : {false, true}) {
    std::string ext = gz ? ".gz" : "";
    std::string img = write("a-images-idx3-ubyte" + ext, idx_images(3, 2, 4, 3), gz);
    write("a-labels-idx1-ubyte" + ext, idx_labels({7, 0, 9}), gz);
    auto v = read_idx(img, "");
    REQUIRE(v.size() == 3);
    CHECK(v[1].shape == Shape{2, 4, 1});
    CHECK(v[1].pixels[0] == 10);
    CHECK(v[2].pixels[4] == 21);  // image 2, row 1
    CHECK(v[0].label == 7);
    CHECK(v[2].label == 9);
    CHECK(v[1].source == img + "#1");
    CHECK(read_idx(img, "", 2).size() == 2);
    // through read_inputs: adapted to a 3-channel model, limited
    InputOptions o;
    o.limit = 2;
    auto w = read_inputs({img}, Shape{2, 4, 3}, o);
    REQUIRE(w.size() == 2);
    CHECK(w[1].pixels.size() == 24);
    CHECK(w[1].label == 0);
  }
}

TEST_CASE("malformed IDX files are errors naming the file") {
  using test::error_of;
  std::string trunc = write("t-images-idx3-ubyte", idx_images(2, 2, 2, 3));
  CHECK(error_of([&] { read_idx(trunc, ""); }).find("truncated: the file ends inside image 2 of 3") != std::string::npos);
  std::string extra = write("x-images-idx3-ubyte", idx_images(3, 2, 2, 2));
  CHECK(error_of([&] { read_idx(extra, ""); }).find("bytes past the 2 images") != std::string::npos);
  std::string magic = write("m-images-idx3-ubyte", be32(0x801) + be32(1) + "x");
  CHECK(error_of([&] { read_idx(magic, ""); }).find("not an IDX images file") != std::string::npos);
  std::string huge = write("h-images-idx3-ubyte", be32(0x803) + be32(0xffffffffu) + be32(28) + be32(28) + "abc");
  CHECK(error_of([&] { read_idx(huge, ""); }).find("truncated") != std::string::npos);  // no allocation of 3 TB
  std::string big = write("b-images-idx3-ubyte", be32(0x803) + be32(1) + be32(100000) + be32(28));
  CHECK(error_of([&] { read_idx(big, ""); }).find("out of range") != std::string::npos);
  std::string img = write("s-images-idx3-ubyte", idx_images(3, 2, 2, 3));
  std::string few = write("s-labels-idx1-ubyte", idx_labels({1, 2}));
  CHECK(error_of([&] { read_idx(img, ""); }).find("2 labels, the images file has 3 images") != std::string::npos);
  CHECK(error_of([&] { read_idx(img, few); }).find(few) != std::string::npos);
  std::string plain = write("n-images-idx3-ubyte", idx_images(3, 2, 2, 3));  // no labels beside it
  CHECK(error_of([&] { read_inputs({plain}, Shape{3, 3, 1}, {}); }).find("the model expects 3x3") != std::string::npos);
}

TEST_CASE(".npy image stacks with labels") {
  using test::error_of;
  std::vector<uint8_t> px(2 * 3 * 3 * 1);
  for (size_t i = 0; i < px.size(); ++i) px[i] = uint8_t(i);
  std::string p = (dir() / "stack.npy").string(), l = (dir() / "labels.npy").string();
  write_npy(p, NpyArray::from(px, {2, 3, 3}));
  write_npy(l, NpyArray::from(std::vector<int64_t>{4, 5}, {2}));
  auto v = read_npy_images(p, l);
  REQUIRE(v.size() == 2);
  CHECK(v[1].pixels[0] == 9);
  CHECK(v[1].label == 5);
  InputOptions o;
  o.labels = l;
  CHECK(read_inputs({p}, Shape{3, 3, 1}, o).at(0).label == 4);
  CHECK(error_of([&] { read_inputs({p, p}, Shape{3, 3, 1}, o); }).find("give one input") != std::string::npos);
  std::string bad = (dir() / "bad_labels.npy").string();
  write_npy(bad, NpyArray::from(std::vector<int64_t>{4, 5, 6}, {3}));
  CHECK(error_of([&] { read_npy_images(p, bad); }).find("expected (2,)") != std::string::npos);
  std::string f = (dir() / "floats.npy").string();
  write_npy(f, NpyArray::from(std::vector<float>(18, 0.f), {2, 3, 3}));
  CHECK(error_of([&] { read_npy_images(f, ""); }).find("expected uint8") != std::string::npos);
}

TEST_CASE("folders (class sub-folders label their images) and list files") {
  using test::error_of;
  fs::path root = dir() / "folder";
  fs::remove_all(root);
  fs::create_directories(root / "3");
  fs::create_directories(root / "1");
  write("folder/b.pgm", pgm(2));
  write("folder/a.pgm", pgm(1));
  write("folder/3/z.pgm", pgm(30));
  write("folder/1/y.pgm", pgm(10));
  auto v = read_inputs({root.string()}, Shape{2, 2, 1}, {});
  REQUIRE(v.size() == 4);
  CHECK(v[0].pixels[0] == 1);  // unlabelled files first, by name
  CHECK(v[0].label == -1);
  CHECK(v[2].label == 1);
  CHECK(v[3].label == 3);
  CHECK(v[3].pixels[0] == 30);
  InputOptions lim;
  lim.limit = 3;
  CHECK(read_inputs({root.string(), root.string()}, Shape{2, 2, 1}, lim).size() == 3);

  std::string list = write("folder/list.txt", "# images\nb.pgm 4\n  3/z.pgm\n\na.pgm\t7\n");
  auto w = read_inputs({list}, Shape{2, 2, 1}, {});
  REQUIRE(w.size() == 3);
  CHECK(w[0].label == 4);
  CHECK(w[0].pixels[0] == 2);
  CHECK(w[1].label == -1);
  CHECK(w[2].label == 7);
  std::string bad = write("folder/bad.txt", "a.pgm cat\n");
  CHECK(error_of([&] { read_inputs({bad}, Shape{2, 2, 1}, {}); }).find("bad.txt:1: 'cat' is not a class index") !=
        std::string::npos);
  std::string missing = write("folder/missing.txt", "nothere.pgm\n");
  CHECK(error_of([&] { read_inputs({missing}, Shape{2, 2, 1}, {}); }).find("missing.txt:1: no such image") !=
        std::string::npos);
  fs::create_directories(dir() / "empty");
  CHECK(error_of([&] { read_inputs({(dir() / "empty").string()}, Shape{2, 2, 1}, {}); }).find("has no .pgm/.ppm") !=
        std::string::npos);
}

TEST_CASE("pick_subset is reproducible and spread over the set") {
  auto a = pick_subset(60000, 32, 1), b = pick_subset(60000, 32, 1), c = pick_subset(60000, 32, 2);
  CHECK(a == b);
  CHECK(a != c);
  REQUIRE(a.size() == 32);
  CHECK(std::is_sorted(a.begin(), a.end()));
  CHECK(std::adjacent_find(a.begin(), a.end()) == a.end());
  CHECK(a.back() > 30000);  // not the first 32
  CHECK(pick_subset(5, 10, 1).size() == 5);
}
