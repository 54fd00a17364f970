// ONNX import: the exported test network equals its model file + .npz, and
// broken files (built here with the ONNX protobuf classes from the good one)
// give an nb::Error naming the file, node or tensor, never a crash.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "helpers.h"
#include "neuroblend/compiler/compiler.h"
#include "neuroblend/onnx_import.h"
#include "neuroblend/compiler/program.h"

#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#include <onnx/onnx_pb.h>

using namespace nb;
using nb::test::error_of;

namespace {

const std::string kDir = std::string(NB_TEST_DATA_DIR) + "/onnx/";

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

onnx::ModelProto tiny() {
  onnx::ModelProto m;
  std::string b = read_bytes(kDir + "tiny.onnx");
  REQUIRE(m.ParseFromString(b));
  return m;
}

std::string import_error(const onnx::ModelProto& m) {
  std::string b = m.SerializeAsString();
  return error_of([&] { import_onnx_bytes(b.data(), b.size(), "t.onnx"); });
}

onnx::NodeProto* find_node(onnx::ModelProto& m, const std::string& name) {
  for (auto& n : *m.mutable_graph()->mutable_node())
    if (n.name() == name) return &n;
  FAIL("no node " << name);
  return nullptr;
}

onnx::TensorProto* find_init(onnx::ModelProto& m, const std::string& name) {
  for (auto& t : *m.mutable_graph()->mutable_initializer())
    if (t.name() == name) return &t;
  FAIL("no initializer " << name);
  return nullptr;
}

onnx::AttributeProto* find_attr(onnx::NodeProto* n, const std::string& name) {
  for (auto& a : *n->mutable_attribute())
    if (a.name() == name) return &a;
  auto* a = n->add_attribute();
  a->set_name(name);
  return a;
}

}  // namespace

TEST_CASE("onnx: the exported networks compile to the programs of their model files + npz") {
  for (std::string stem : {"tiny", "tiny_dense", "tiny_mixer", "tiny_raw"}) {
    CAPTURE(stem);
    OnnxModel o = import_onnx(kDir + stem + ".onnx");
    ModelSpec m = load_model(kDir + stem + ".json");
    Params p = load_params(m, kDir + stem + ".npz");
    REQUIRE(o.spec.layers.size() == m.layers.size());
    CHECK(o.spec.name == stem);
    CHECK(o.spec.bn_eps == m.bn_eps);
    CHECK(o.spec.input.mean == m.input.mean);
    CHECK(o.spec.input.std == m.input.std);
    for (size_t i = 0; i < m.layers.size(); ++i) {
      CHECK(o.spec.layers[i].name == m.layers[i].name);
      CHECK(o.spec.layers[i].kind == m.layers[i].kind);
      CHECK(o.spec.layers[i].skip == m.layers[i].skip);
      CHECK(o.spec.layers[i].act == m.layers[i].act);
      CHECK(o.spec.layers[i].outs.str() == m.layers[i].outs.str());
      const LayerParams &a = o.params.layers[i], &b = p.layers[i];
      CHECK(a.skip_w == b.skip_w);
      CHECK(a.bn.gamma == b.bn.gamma);
      CHECK(a.bn_o.var == b.bn_o.var);
      CHECK(a.bn_s.mean == b.bn_s.mean);  // a skip bias folded as the .npz has it
      if (m.layers[i].has_binary()) {
        // ONNX Sign(W) is folded with the project's sign(0) = +1.
        REQUIRE(a.w.size() == b.w.size());
        for (size_t k = 0; k < a.w.size(); ++k) CHECK(a.w[k] == (b.w[k] >= 0 ? 1.0f : -1.0f));
      } else {
        CHECK(a.w == b.w);  // OIHW -> OHWI as the interchange
      }
    }
    CompileOptions co;
    co.calib_images = 4;
    CHECK(serialize_program(compile(o.spec, o.params, co)) == serialize_program(compile(m, p, co)));
  }
}

TEST_CASE("onnx: files that are not ONNX models") {
  CHECK(error_of([] { import_onnx_bytes("", 0, "e.onnx"); }) == "e.onnx: empty file, not an ONNX model");
  CHECK(error_of([] { import_onnx_bytes("\xff\xff\xff\xff", 4, "r.onnx"); }).find("r.onnx: not a valid ONNX model") ==
        0);
  CHECK(error_of([] { import_onnx("/no/such.onnx"); }).find("cannot open model '/no/such.onnx'") == 0);
  // Every prefix of a good file: parses or is refused, never crashes.
  std::string b = read_bytes(kDir + "tiny.onnx");
  int refused = 0;
  for (size_t n = 1; n < b.size(); n += 37) {
    std::string e = error_of([&] { import_onnx_bytes(b.data(), n, "p.onnx"); });
    CHECK(e.find("p.onnx") != std::string::npos);
    refused += e != "(no error)";
  }
  CHECK(refused > 0);
}

TEST_CASE("onnx: malformed tensors are refused, naming the initializer") {
  {
    auto m = tiny();
    find_init(m, "b1.main")->mutable_raw_data()->resize(100);
    CHECK(import_error(m) ==
          "t.onnx: initializer 'b1.main': raw_data has 100 bytes, its shape 288 elements of 4 bytes need 1152");
  }
  {
    auto m = tiny();
    auto* t = find_init(m, "stem.weight");
    t->clear_raw_data();
    t->add_float_data(1.0f);
    CHECK(import_error(m) == "t.onnx: initializer 'stem.weight': float_data has 1 values, its shape needs 108");
  }
  {
    auto m = tiny();
    auto* t = find_init(m, "fc.weight");
    t->set_dims(0, int64_t(1) << 40);
    CHECK(import_error(m).find("t.onnx: initializer 'fc.weight': ") == 0);
  }
  {
    auto m = tiny();
    find_init(m, "fc.bias")->set_data_type(onnx::TensorProto_DataType_STRING);
    CHECK(import_error(m).find("fc.bias': tensor data type 8 is not supported") != std::string::npos);
  }
  {
    auto m = tiny();
    find_init(m, "b2.bn_a.running_var")->set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
    CHECK(import_error(m).find("external file is not supported") != std::string::npos);
  }
  {
    // A batch norm of the wrong size.
    auto m = tiny();
    auto* t = find_init(m, "b1.bn_m.weight");
    t->set_dims(0, 4);
    t->mutable_raw_data()->resize(16);
    CHECK(import_error(m) ==
          "t.onnx: node '/b1/bn_m/BatchNormalization' (BatchNormalization): scale has shape [4], "
          "expected [8]");
  }
}

TEST_CASE("onnx: unsupported attributes and patterns name the node") {
  {
    auto m = tiny();
    auto* a = find_attr(find_node(m, "/stem/Conv"), "dilations");
    a->clear_ints();
    a->add_ints(2);
    a->add_ints(2);
    CHECK(import_error(m) == "t.onnx: node '/stem/Conv' (Conv): unsupported attribute dilations = [2, 2]");
  }
  {
    auto m = tiny();
    auto* a = find_attr(find_node(m, "/b1/skip_conv/Conv"), "auto_pad");
    a->set_type(onnx::AttributeProto_AttributeType_STRING);
    a->set_s("SAME_UPPER");
    CHECK(import_error(m) ==
          "t.onnx: node '/b1/skip_conv/Conv' (Conv): unsupported attribute auto_pad = SAME_UPPER (explicit pads only)");
  }
  {
    // The binary conv padding with zeros itself instead of Pad(-1).
    auto m = tiny();
    auto* conv = find_node(m, "/b2/Conv");
    auto* pad = find_node(m, "/b2/Pad");
    conv->set_input(0, pad->input(0));
    pad->set_input(0, "norm.mean");  // the Pad now hangs off a constant, outside the walk
    auto* a = find_attr(conv, "pads");
    for (int k = 0; k < 4; ++k) a->set_ints(k, 1);
    std::string e = import_error(m);
    CHECK_MESSAGE(e.find("t.onnx: node '/b2/Conv' (Conv): a binary 3x3 convolution padding with 0") == 0, e);
  }
  {
    // Real (not +-1) weights on the binary path.
    auto m = tiny();
    auto* conv = find_node(m, "/b1/Conv");
    conv->set_input(1, "b1.main");
    CHECK(import_error(m).find("t.onnx: node '/b1/Conv' (Conv): the binary convolution's weights must be +-1 or "
                               "Sign(W)") == 0);
  }
  {
    // The module's Add fed by something else: not a Blend module.
    auto m = tiny();
    auto* add = find_node(m, "/b2/Add");
    add->set_input(1, add->input(0));
    std::string e = import_error(m);
    CHECK(e.find("t.onnx: node '/b2/") == 0);
  }
  {
    // A Transpose on the activation path: token mixing.
    auto m = tiny();
    auto* g = m.mutable_graph();
    auto* pool = find_node(m, "/GlobalAveragePool");
    std::string x = pool->input(0);
    pool->set_input(0, "xt");
    auto* t = g->add_node();
    t->set_name("mix_t");
    t->set_op_type("Transpose");
    t->add_input(x);
    t->add_output("xt");
    CHECK(import_error(m).find("t.onnx: node 'mix_t' (Transpose): token mixing not yet supported by the ONNX "
                               "importer (only a Transpose (0, 2, 1) of") == 0);
  }
  {
    // Two batch norms with different epsilons (the model format has one).
    auto m = tiny();
    find_attr(find_node(m, "/b2/bn_o/BatchNormalization"), "epsilon")->set_f(1e-3f);
    CHECK(import_error(m).find("node '/b2/bn_o/BatchNormalization' (BatchNormalization): epsilon 0.001 differs") !=
          std::string::npos);
  }
  {
    // A cycle of constant nodes and a Constant without a value.
    auto m = tiny();
    auto* c = find_node(m, "/b1/Constant_8");
    c->clear_attribute();
    CHECK(import_error(m) == "t.onnx: node '/b1/Constant_8' (Constant): expected exactly one attribute");
  }
}
