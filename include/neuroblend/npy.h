// NumPy .npy / .npz reading and writing (format version 1.0, little-endian,
// C order). The interchange with users' NumPy/PyTorch code (docs/interchange.md).
#pragma once
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "neuroblend/error.h"

namespace nb {

template <typename T>
struct NpyType;
template <>
struct NpyType<float> {
  static constexpr const char* code = "f4";
};
template <>
struct NpyType<double> {
  static constexpr const char* code = "f8";
};
template <>
struct NpyType<int8_t> {
  static constexpr const char* code = "i1";
};
template <>
struct NpyType<uint8_t> {
  static constexpr const char* code = "u1";
};
template <>
struct NpyType<int16_t> {
  static constexpr const char* code = "i2";
};
template <>
struct NpyType<int32_t> {
  static constexpr const char* code = "i4";
};
template <>
struct NpyType<int64_t> {
  static constexpr const char* code = "i8";
};
template <>
struct NpyType<uint64_t> {
  static constexpr const char* code = "u8";
};

struct NpyArray {
  std::string dtype;  // "f4", "i1", ... (kind and byte size; always little-endian)
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  int64_t count() const {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
  std::string shape_str() const;

  template <typename T>
  static NpyArray from(const std::vector<T>& v, std::vector<int64_t> shape) {
    NpyArray a;
    a.dtype = NpyType<T>::code;
    a.shape = std::move(shape);
    if (a.count() != int64_t(v.size())) throw Error("NpyArray::from: shape does not match data size");
    a.bytes.resize(v.size() * sizeof(T));
    if (!v.empty()) std::memcpy(a.bytes.data(), v.data(), a.bytes.size());
    return a;
  }
  // Converts to T; floats convert to float types only, integers to integer types
  // only, checking every value fits. `where` names the file and key in errors.
  template <typename T>
  std::vector<T> as(const std::string& where) const;
};

std::string npy_serialize(const NpyArray& a);
NpyArray npy_parse(const uint8_t* data, size_t size, const std::string& where);

void write_npy(const std::string& path, const NpyArray& a);
NpyArray read_npy(const std::string& path);

using NpzMap = std::map<std::string, NpyArray>;  // key without the ".npy" suffix
void write_npz(const std::string& path, const NpzMap& arrays);
NpzMap read_npz(const std::string& path);

}  // namespace nb
