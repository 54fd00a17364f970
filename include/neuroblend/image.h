// Image files: CIFAR-10/100 binary batches, PGM/PPM, and seeded synthetic
// images for random runs (every input kind, folders and datasets: dataset.h). All give uint8 HWC images checked against the model.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "neuroblend/tensor.h"

namespace nb {

enum class CifarKind { Cifar10, Cifar100 };

// Reads every record of a CIFAR binary batch file (CIFAR-10: 1 label byte +
// 3072 pixel bytes; CIFAR-100: coarse and fine label bytes + 3072). The label
// kept is the CIFAR-10 label or the CIFAR-100 fine label.
std::vector<Image> read_cifar(const std::string& path, CifarKind kind, int64_t limit = -1);
// Reads a PGM or PPM file (P2, P3, P5, P6; maxval <= 255).
Image read_pnm(const std::string& path);
// Smooth synthetic images (a few low-frequency waves and noise per channel).
std::vector<Image> synthetic_images(const Shape& shape, int count, uint64_t seed);
void write_pnm(const std::string& path, const Image& img);

}  // namespace nb
