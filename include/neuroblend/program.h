// The compiled program file (.nbp): layer descriptors plus one memory image,
// laid out for the accelerator to load through its memory port. Format in
// docs/program-format.md.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "neuroblend/compiler.h"

namespace nb {

constexpr uint32_t kProgramVersion = 1;
constexpr uint32_t kDescWords = 32;
constexpr int kDspWordBits = 48;  // a DSP48E2 logic-unit operand

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
  std::vector<std::array<uint32_t, kDescWords>> desc;
};
ProgramLayout layout_program(const CompiledModel& cm);

std::vector<uint8_t> serialize_program(const CompiledModel& cm);
CompiledModel parse_program(const std::vector<uint8_t>& bytes, const std::string& source);
void write_program(const CompiledModel& cm, const std::string& path);
CompiledModel read_program(const std::string& path);

}  // namespace nb
