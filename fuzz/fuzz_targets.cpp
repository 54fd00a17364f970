// libFuzzer targets of every input parser (issue: robustness). One source,
// one target per NB_FUZZ_TARGET value; built with AddressSanitizer and
// UBSan by scripts/fuzz.sh (docs: README, "Fuzzing").
//
// A parser may refuse an input only with nb::Error (the clean error every
// command prints with the file's name); any other exception, a crash, a
// sanitizer report, a leak or an allocation past libFuzzer's -malloc_limit_mb
// is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "neuroblend/dataset.h"
#include "neuroblend/error.h"
#include "neuroblend/image.h"
#include "neuroblend/json_file.h"
#include "neuroblend/model.h"
#include "neuroblend/npy.h"
#include "neuroblend/onnx_import.h"
#include "neuroblend/compiler/program.h"
#include "neuroblend/compiler/hw_config.h"
#if NB_FUZZ_SWEEP
#include "neuroblend/report/sweep_table.h"
#endif

namespace {

#define NB_STR2(x) #x
#define NB_STR(x) NB_STR2(x)
constexpr const char* kTarget = NB_STR(NB_FUZZ_TARGET);

// File-based readers get the input through a file of their own.
std::string temp_file(const uint8_t* data, size_t size, const char* ext) {
  static const std::string path = std::string("/tmp/nb-fuzz-") + std::to_string(getpid()) + ext;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

void run(const uint8_t* data, size_t size) {
  static const std::string t = kTarget;  // once, not per input
  if (t == "model") {
    (void)nb::parse_model(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
  } else if (t == "config") {  // a configuration file, or a sweep list of them
    const nlohmann::json j = nb::parse_json(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    for (const auto& e : j.is_array() ? j : nlohmann::json::array({j})) {
      nb::Hw hw;
      nb::apply_config(e, "fuzz.json", hw);
      nb::check_hw(hw, "fuzz.json: ");
      (void)hw.key();
    }
  } else if (t == "json") {
    (void)nb::parse_json(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
  } else if (t == "program") {
    (void)nb::parse_program(std::vector<uint8_t>(data, data + size), "fuzz.nbp");
  } else if (t == "onnx") {
    (void)nb::import_onnx_bytes(data, size, "fuzz.onnx");
  } else if (t == "npy") {
    (void)nb::npy_parse(data, size, "fuzz.npy");
  } else if (t == "npz") {
    (void)nb::read_npz(temp_file(data, size, ".npz"));
  } else if (t == "pnm") {
    (void)nb::read_pnm(temp_file(data, size, ".pgm"));
  } else if (t == "cifar") {
    (void)nb::read_cifar(temp_file(data, size, ".bin"), nb::CifarKind::Cifar10, 64);
#if NB_FUZZ_SWEEP
  } else if (t == "sweep_shard") {  // sweep-merge: the shard twice (a duplicate), then alone
    const nlohmann::json j = nb::parse_json(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    const nb::Sweep s = nb::sweep_from_json(j, "fuzz.json");
    try {
      nb::SweepMerge m;
      m.add(s, "a.json");
      m.add(s, "b.json");
      (void)m.result();
    } catch (const nb::Error&) {
    }
    nb::SweepMerge m;
    m.add(s, "fuzz.json");
    (void)nb::to_json(m.result()).dump();
    (void)nb::sweep_csv(m.result().rows);
#endif
  } else if (t == "idx") {  // IDX images, gzip-compressed or not (zlib reads both)
    (void)nb::read_idx(temp_file(data, size, "-images-idx3-ubyte"), "", 1000);
  } else {
    std::fprintf(stderr, "unknown fuzz target %s\n", kTarget);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    run(data, size);
  } catch (const nb::Error&) {
    // refused cleanly
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_%s: not an nb::Error: %s\n", kTarget, e.what());
    std::abort();
  }
  return 0;
}
