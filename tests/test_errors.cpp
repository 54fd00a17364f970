// Bad input gets a clear error naming the file, key, layer or value.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "helpers.h"
#include "neuroblend/compiler/compiler.h"
#include "neuroblend/error.h"
#include "neuroblend/dataset.h"
#include "neuroblend/image.h"
#include "neuroblend/json_file.h"
#include "neuroblend/model.h"
#include "neuroblend/npy.h"
#include "neuroblend/params.h"

using namespace nb;
using nb::test::error_of;
namespace fs = std::filesystem;

namespace {

#define CHECK_ERROR(expr, ...)                                                                    \
  do {                                                                                            \
    std::string msg_ = error_of([&] { expr; });                                                   \
    for (const std::string& want_ : std::initializer_list<std::string>{__VA_ARGS__})              \
      CHECK_MESSAGE(msg_.find(want_) != std::string::npos, "'" << want_ << "' not in: " << msg_); \
  } while (0)

const char* kTiny = R"({
  "format": "neuroblend-model-1", "name": "tiny", "classes": 4,
  "input": {"height": 8, "width": 8, "channels": 3},
  "layers": [
    {"name": "stem", "type": "conv", "out": 8},
    {"name": "b1", "type": "blend_conv", "out": 8},
    {"name": "pool", "type": "avgpool"},
    {"name": "fc", "type": "dense", "out": 4}
  ]})";

std::string tiny_with(const std::string& from, const std::string& to) {
  std::string s = kTiny;
  auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

std::string tmp(const std::string& name) {
  return (fs::temp_directory_path() / ("nb_err_" + name)).string();
}

void write(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

}  // namespace

TEST_CASE("malformed model files") {
  CHECK_NOTHROW(parse_model(kTiny, "tiny.json"));
  CHECK_ERROR(parse_model("{ \"format\": ", "m.json"), "m.json: not valid JSON");
  CHECK_ERROR(
      parse_model(tiny_with("\"blend_conv\", \"out\": 8}", "\"blend_conv\", \"out\": 8, \"strid\": 2}"), "m.json"),
      "m.json", "layers[1]", "'b1'", "unknown key 'strid'");
  CHECK_ERROR(parse_model(tiny_with("\"classes\": 4,", ""), "m.json"), "m.json", "missing required key 'classes'");
  CHECK_ERROR(parse_model(tiny_with("\"type\": \"blend_conv\"", "\"type\": \"blend\""), "m.json"),
              "key 'type' = 'blend' is not one of");
  CHECK_ERROR(parse_model(tiny_with("\"out\": 8}", "\"out\": \"eight\"}"), "m.json"), "'out' must be an integer");
  CHECK_ERROR(parse_model(tiny_with("\"out\": 8}", "\"out\": 0}"), "m.json"), "'out' = 0 is out of range");
  CHECK_ERROR(
      parse_model(tiny_with("\"blend_conv\", \"out\": 8}", "\"blend_conv\", \"out\": 16, \"skip\": \"identity\"}"),
                  "m.json"),
      "layer 1 ('b1')", "skip 'identity' needs in == out");
  CHECK_ERROR(parse_model(tiny_with("\"name\": \"b1\"", "\"name\": \"stem\""), "m.json"), "duplicate layer name");
  CHECK_ERROR(parse_model(tiny_with("\"out\": 4}", "\"out\": 5}"), "m.json"), "has 5 outputs but the model has 4");
  CHECK_ERROR(parse_model(tiny_with("{\"name\": \"pool\", \"type\": \"avgpool\"},", ""), "m.json"),
              "the last layer must be a 'dense' layer on a pooled");
  CHECK_ERROR(parse_model(tiny_with("\"out\": 8},", "\"out\": 8, \"kernel\": 15, \"pad\": 0},"), "m.json"),
              "kernel 15 does not fit input 8x8x3");
  CHECK_ERROR(parse_model(tiny_with("\"channels\": 3}", "\"channels\": 3, \"std\": [1, 0, 1]}"), "m.json"),
              "'std' must be > 0");
  CHECK_ERROR(load_model("no-such-model"), "cannot open model 'no-such-model'", "neuroblend-20");
}

TEST_CASE("malformed parameter files") {
  ModelSpec m = parse_model(kTiny, "tiny.json");
  Params p = random_params(m, 1, 2);
  std::string good = tmp("good.npz");
  save_params(m, p, good);
  CHECK_NOTHROW(load_params(m, good));
  NpzMap a = read_npz(good);

  auto with = [&](const std::string& name, const std::function<void(NpzMap&)>& edit) {
    NpzMap b = a;
    edit(b);
    std::string path = tmp(name);
    write_npz(path, b);
    return path;
  };
  std::string f = with("missing.npz", [](NpzMap& b) { b.erase("b1.bn_a.var"); });
  CHECK_ERROR(load_params(m, f), f, "missing array 'b1.bn_a.var'", "shape (8,)");
  f = with("shape.npz", [](NpzMap& b) {
    b["stem.w"].shape = {8, 3, 3, 3};
    b["stem.w"].shape[3] = 3;
    b["stem.w"].shape[0] = 3;
    b["stem.w"].shape[1] = 8;
  });
  CHECK_ERROR(load_params(m, f), "array 'stem.w' has shape (3, 8, 3, 3), expected (8, 3, 3, 3)");
  f = with("unknown.npz", [](NpzMap& b) { b["b1.bn_x.gamma"] = b["b1.bn_a.gamma"]; });
  CHECK_ERROR(load_params(m, f), "unknown array 'b1.bn_x.gamma'");
  f = with("nan.npz", [](NpzMap& b) {
    auto v = b["fc.b"].as<float>("x");
    v[2] = std::nanf("");
    b["fc.b"] = NpyArray::from(v, {4});
  });
  CHECK_ERROR(load_params(m, f), "'fc.b'[2] is not finite");
  f = with("negvar.npz", [](NpzMap& b) {
    auto v = b["b1.bn_o.var"].as<float>("x");
    v[1] = -1;
    b["b1.bn_o.var"] = NpyArray::from(v, {8});
  });
  CHECK_ERROR(load_params(m, f), "'b1.bn_o.var'[1] = -1 is a negative variance");
  f = with("int.npz", [](NpzMap& b) { b["fc.b"] = NpyArray::from(std::vector<int32_t>{1, 2, 3, 4}, {4}); });
  CHECK_ERROR(load_params(m, f), "fc.b: dtype 'i4' is not a float type");
  std::string junk = tmp("junk.npz");
  write(junk, "this is not a zip file");
  CHECK_ERROR(load_params(m, junk), junk, "as .npz");
  CHECK_ERROR(read_npy(junk), "not a .npy file");
  NpyArray arr = NpyArray::from(std::vector<float>{1, 2, 3}, {3});
  std::string s = npy_serialize(arr);
  write(junk, s.substr(0, s.size() - 2));
  CHECK_ERROR(read_npy(junk), "does not match shape (3,)");
}

TEST_CASE("malformed images") {
  Shape want{32, 32, 3};
  std::string f = tmp("a.pgm");
  write(f, "P5\n32 32\n255\n" + std::string(100, 'x'));
  CHECK_ERROR(read_images(f, want, CifarKind::Cifar10), f, "truncated");
  write(f, "P5\n32 32\n65535\n");
  CHECK_ERROR(read_images(f, want, CifarKind::Cifar10), "maxval 65535 unsupported");
  write(f, "P5\n28 28\n255\n" + std::string(28 * 28, 'x'));
  CHECK_ERROR(read_images(f, want, CifarKind::Cifar10), "image is 28x28, the model expects 32x32");
  write(f, "P9\n");
  CHECK_ERROR(read_images(f, want, CifarKind::Cifar10), "not a PGM/PPM file");
  write(f, "P2\n32 32\n255\n1 2 3");
  CHECK_ERROR(read_images(f, want, CifarKind::Cifar10), "bad pixel value (file truncated?)");
  // A grey PGM becomes three equal channels.
  write(f, "P5\n32 32\n255\n" + std::string(32 * 32, char(200)));
  auto imgs = read_images(f, want, CifarKind::Cifar10);
  REQUIRE(imgs.size() == 1);
  CHECK(imgs[0].shape == want);
  CHECK(imgs[0].pixels[5] == 200);
  std::string bin = tmp("data_batch.bin");
  write(bin, std::string(3073 * 2 + 5, '\0'));
  CHECK_ERROR(read_images(bin, want, CifarKind::Cifar10), bin, "not a whole number of CIFAR-10 records");
  std::string rec(3073, '\0');
  rec[0] = 12;
  write(bin, rec);
  CHECK_ERROR(read_images(bin, want, CifarKind::Cifar10), "record 0: label 12 out of range 0..9");
  CHECK_ERROR(read_images(tmp("x.jpg"), want, CifarKind::Cifar10), "unknown kind");
  CHECK_ERROR(read_images(tmp("missing.bin"), want, CifarKind::Cifar10), "cannot open input");
}

TEST_CASE("CIFAR batch layout: planar RGB to HWC, CIFAR-100 fine label") {
  std::string rec(3074, '\0');
  rec[0] = 3, rec[1] = 42;                                  // coarse, fine
  rec[2 + 0] = 10, rec[2 + 1024] = 20, rec[2 + 2048] = 30;  // pixel (0,0) R,G,B
  std::string bin = tmp("c100.bin");
  write(bin, rec + rec);
  auto imgs = read_cifar(bin, CifarKind::Cifar100, 1);
  REQUIRE(imgs.size() == 1);
  CHECK(imgs[0].label == 42);
  CHECK(imgs[0].pixels[0] == 10);
  CHECK(imgs[0].pixels[1] == 20);
  CHECK(imgs[0].pixels[2] == 30);
}

TEST_CASE("a layer whose values would overflow is refused, naming the layer") {
  ModelSpec m = parse_model(kTiny, "tiny.json");
  Params p = random_params(m, 1, 2);
  // Logits whose factor no 18-bit M2 can hold at any shift (z is not shifted).
  for (auto& v : p.layers[3].w) v *= 1e12f;
  CHECK_ERROR(compile(m, p), "layer 3 ('fc', dense)", "overflow", "do not fit signed 18 bits");
  // An int32 accumulator a wide layer could overflow: 128 * 127 * 9 * 65536 > 2^31.
  std::string wide = R"({"format": "neuroblend-model-1", "name": "wide", "classes": 2,
    "input": {"height": 3, "width": 3, "channels": 1},
    "layers": [{"name": "fan", "type": "conv", "out": 65536, "kernel": 1},
               {"name": "big", "type": "conv", "out": 1, "kernel": 3},
               {"name": "pool", "type": "avgpool"},
               {"name": "fc", "type": "dense", "out": 2}]})";
  ModelSpec w = parse_model(wide, "wide.json");
  Params pw = random_params(w, 1, 1);
  for (auto& v : pw.layers[1].w) v = 1.0f;
  CompileOptions o;
  o.calib_images = 1;
  CHECK_ERROR(compile(w, pw, o), "layer 1 ('big', conv)", "overflow", "int32 accumulator");
  // Inconsistent parameters (wrong count) name the key.
  Params bad = random_params(m, 1, 2);
  bad.layers[1].w.pop_back();
  CHECK_ERROR(compile(m, bad), "'b1.main.w' has 575 values, expected 576");
}

TEST_CASE("JSON input: nesting limited, numbers in range, errors name the source") {
  auto nest = [](int n) { return std::string(size_t(n), '[') + std::string(size_t(n), ']'); };
  CHECK(parse_json(nest(kMaxJsonDepth), "ok.json").is_array());
  CHECK_THROWS_WITH_AS(parse_json(nest(kMaxJsonDepth + 1), "deep.json"),
                       "deep.json: values nested deeper than 64 levels", Error);
  // a deep value inside an object, far past the limit: refused before it is built
  CHECK_THROWS_AS(parse_json("{\"a\": " + nest(100000) + "}", "x"), Error);
  CHECK_THROWS_WITH_AS(parse_json("{\"lanes\": 1e400}", "cfg.json"),
                       "cfg.json: not valid JSON: number overflow parsing '1e400'", Error);
  CHECK_THROWS_WITH_AS(read_json_file("/nonexistent/x.json", "configuration"),
                       "cannot open configuration '/nonexistent/x.json'", Error);
  // a model file goes through the same reader
  CHECK_THROWS_AS(parse_model("{\"format\": " + nest(200) + "}", "m.json"), Error);
}

TEST_CASE("npy: a shape whose element count overflows is refused, not multiplied") {
  // found by fuzzing (fuzz/regressions/npy/shape_overflow.npy): the count
  // was a signed 64-bit product of the dimensions
  std::string hdr = "{'descr': '<i8', 'fortran_order': False, 'shape': (222222222222222222, 672), }";
  hdr += std::string(63 - (10 + hdr.size()) % 64, ' ') + "\n";
  std::string file = std::string("\x93NUMPY\x01\x00", 8) + char(hdr.size() & 0xff) + char(hdr.size() >> 8) + hdr + "12345678";
  CHECK(error_of([&] { npy_parse(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "x.npy"); })
            .find("x.npy: data size 8 bytes does not match shape") != std::string::npos);
}
