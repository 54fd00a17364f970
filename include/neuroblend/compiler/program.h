// The compiled program file (.nbp): layer descriptors plus one memory image,
// laid out for the accelerator to load through its memory port. Format in
// docs/program-format.md.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "neuroblend/compiler/compiler.h"
#include "neuroblend/hw_spec.h"

namespace nb {

constexpr uint32_t kProgramVersion = hw::kProgramVersion;
constexpr uint32_t kDescWords = hw::kDescWords;
constexpr int kDspWordBits = 48;  // a DSP48E2 logic-unit operand

// A layer descriptor: kDescWords u32 words, fields as rtl/spec/nb_hw.json
// lays them out (hw::desc::k...), never by bare index.
struct Desc {
  std::array<uint32_t, kDescWords> w{};
  uint32_t operator[](const hw::Field& f) const {
    uint32_t v = w[size_t(f.word)] >> f.lsb;
    return f.width >= 32 ? v : v & uint32_t(f.max());
  }
  // Throws when v does not fit the field (the compiler never writes a
  // truncated value).
  void set(const hw::Field& f, uint64_t v);
  uint64_t get64(const hw::Field& lo, const hw::Field& hi) const { return uint64_t((*this)[lo]) | uint64_t((*this)[hi]) << 32; }
  // The layer has a binary path (binary weight rows, the dot FIFO).
  bool uses_binary() const { return (*this)[hw::desc::kKbin] != 0; }
  // The layer runs the int8 MACs on int8 weight rows: every layer but an
  // average pool and a Blend layer with an identity skip (whose skip is the
  // input selected as it is).
  bool uses_int8_weights() const {
    return (*this)[hw::desc::kKind] != hw::kind::kAvgpool && (*this)[hw::desc::kSkip] != hw::skip::kIdentity;
  }
};

// Binary weight rows packed into 48-bit words (each in the low bits of a
// uint64): bit j of word w is tap w*48 + j; tail bits are 0.
std::vector<uint64_t> pack48(const std::vector<uint8_t>& bits, int64_t rows, int64_t k);
std::vector<uint8_t> unpack48(const std::vector<uint64_t>& words, int64_t rows, int64_t k);

// Where everything of a program lies: the 32-word descriptors (offsets
// relative to the memory image) and the image's place in the file, without
// the weights themselves. What the cycle model reads.
struct ProgramLayout {
  uint32_t desc_off = 64, image_off = 0, name_off = 0;
  uint64_t image_bytes = 0;
  std::vector<Desc> desc;
};
ProgramLayout layout_program(const CompiledModel& cm);

// The descriptor fields derived from a layer's shapes (the pitches and sizes
// the accelerator steps its counters by instead of multiplying).
void set_derived_fields(const QLayer& q, Desc& d);

// Whether the accelerator writes layer q's output transposed (descriptor
// field out_t): its successor `next` (null for the last layer) computes on
// the other axis. A layer's output is stored channels x tokens exactly when
// its successor is a token-mixing layer.
bool writes_transposed(const QLayer& q, const QLayer* next);

std::vector<uint8_t> serialize_program(const CompiledModel& cm);
CompiledModel parse_program(const std::vector<uint8_t>& bytes, const std::string& source);
void write_program(const CompiledModel& cm, const std::string& path);
CompiledModel read_program(const std::string& path);

}  // namespace nb
