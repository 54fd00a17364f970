// Activation tensors: H x W x C, NHWC with channel innermost (DESIGN §4).
// Dense layers see the same tensor as T = H*W tokens of C channels.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace nb {

struct Shape {
  int h = 0, w = 0, c = 0;
  int64_t tokens() const { return int64_t(h) * w; }
  int64_t size() const { return int64_t(h) * w * c; }
  bool operator==(const Shape& o) const { return h == o.h && w == o.w && c == o.c; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const { return std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c); }
};

template <typename T>
struct Tensor {
  Shape shape;
  std::vector<T> data;
  Tensor() = default;
  explicit Tensor(Shape s, T fill = T()) : shape(s), data(size_t(s.size()), fill) {}
  T& at(int y, int x, int c) { return data[(size_t(y) * shape.w + x) * shape.c + c]; }
  const T& at(int y, int x, int c) const { return data[(size_t(y) * shape.w + x) * shape.c + c]; }
};

// Index of the largest value, the lowest index on ties (DESIGN §4 logits).
template <typename T>
int argmax(const T* v, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i)
    if (v[i] > v[best]) best = i;
  return best;
}

using TensorF = Tensor<float>;
using TensorI8 = Tensor<int8_t>;
using TensorI64 = Tensor<int64_t>;

// An input image: uint8 pixels, H x W x C (HWC), with an optional label.
struct Image {
  Shape shape;
  std::vector<uint8_t> pixels;
  int label = -1;      // -1 when unknown
  std::string source;  // file and record, for messages
};

}  // namespace nb
