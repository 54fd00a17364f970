// Input sets: every kind of image input the commands take, with labels when
// the input has them (docs/inputs.md).
//
//   - IDX files (MNIST / Fashion-MNIST layout, gzip or not): the images file
//     (magic 0x803, N x rows x cols) and its labels file (magic 0x801), found
//     beside it by name (`...images-idx3-ubyte[.gz]` -> `...labels-idx1-ubyte[.gz]`)
//     or given with `labels`;
//   - `.npy` image stacks (uint8, N x H x W or N x H x W x C, HWC) with an
//     optional labels `.npy` (integers, N);
//   - CIFAR-10/100 binary batches (`.bin`, labels inside);
//   - PGM/PPM images, folders of them (sorted by name; a sub-folder named by
//     a class index labels its images), and list files (`.txt`: a path and
//     an optional label per line, paths relative to the list);
//   - a named dataset installed by Debian (`fashion-mnist`, `mnist`).
// Every reader checks the sizes a header declares against the bytes that
// remain, and reads image by image, so a file never makes it allocate more
// than its own contents.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "neuroblend/image.h"
#include "neuroblend/tensor.h"

namespace nb {

struct InputOptions {
  std::string labels;                  // labels file for a single IDX or .npy images file
  CifarKind cifar = CifarKind::Cifar10;  // record layout of .bin batches
  int64_t limit = -1;                  // at most this many images in all (-1: all)
};

// Reads the images of every path in order (files, folders, list files) and
// adapts them to the model's input shape (grey to RGB when the model has 3
// channels); a size or channel mismatch is an error naming the image.
std::vector<Image> read_inputs(const std::vector<std::string>& paths, const Shape& want, const InputOptions& o);

// One input path (read_inputs of one path, CIFAR layout `kind`).
std::vector<Image> read_images(const std::string& path, const Shape& want, CifarKind kind, int64_t limit = -1);

// IDX images (and labels: `labels_path`, or the file beside it when empty and
// it exists). `limit` < 0: all.
std::vector<Image> read_idx(const std::string& images_path, const std::string& labels_path, int64_t limit = -1);
// A uint8 .npy image stack and an optional labels .npy.
std::vector<Image> read_npy_images(const std::string& path, const std::string& labels_path, int64_t limit = -1);

// A dataset installed as a Debian package: its split's images and labels files.
struct DatasetFiles {
  std::string name, split, images, labels;
  int classes = 0;
  std::vector<std::string> class_names;
};
// `name`: fashion-mnist | mnist; `split`: test | train. Throws naming the
// package to install when the files are not there.
DatasetFiles dataset_files(const std::string& name, const std::string& split);
std::vector<std::string> dataset_names();
// The images and labels of a dataset's split, at most `limit` (-1: all).
std::vector<Image> read_dataset(const std::string& name, const std::string& split, const Shape& want, int64_t limit);

// `n` of `total` indices, chosen reproducibly from `seed` (a seeded
// shuffle's first n, in increasing order); all when n >= total.
std::vector<size_t> pick_subset(size_t total, size_t n, uint64_t seed);

}  // namespace nb
