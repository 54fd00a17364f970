#include "neuroblend/compiler/interchange.h"

#include <fmt/format.h>

#include <filesystem>

#include "neuroblend/compiler/program.h"

namespace nb {

namespace {
std::vector<int64_t> hwc(const Shape& s) {
  return {s.h, s.w, s.c};
}
}  // namespace

NpzMap compiled_arrays(const CompiledModel& cm) {
  NpzMap a;
  for (auto& q : cm.layers) {
    const std::string& n = q.name;
    if (q.kbin) {
      a[n + ".wbin"] = NpyArray::from(q.wbin, {q.rows(), q.kbin});
      int64_t words = (q.kbin + kDspWordBits - 1) / kDspWordBits;
      a[n + ".wbin48"] = NpyArray::from(pack48(q.wbin, q.rows(), q.kbin), {q.rows(), words});
      a[n + ".tau"] = NpyArray::from(q.tau, {int64_t(q.tau.size())});
      a[n + ".neg"] = NpyArray::from(q.neg, {int64_t(q.neg.size())});
    }
    if (q.kfix) a[n + ".wfix"] = NpyArray::from(q.wfix, {q.rows(), q.kfix});
    a[n + ".m1"] = NpyArray::from(q.m1, {int64_t(q.m1.size())});
    a[n + ".m2"] = NpyArray::from(q.m2, {int64_t(q.m2.size())});
    a[n + ".bias"] = NpyArray::from(q.bias, {int64_t(q.bias.size())});
    a[n + ".sh"] = NpyArray::from(std::vector<int32_t>{q.sh}, {});
    a[n + ".out_scale"] = NpyArray::from(std::vector<double>{q.out_scale}, {});
  }
  return a;
}

void save_compiled_npz(const CompiledModel& cm, const std::string& path) {
  write_npz(path, compiled_arrays(cm));
}

void dump_tensors(const std::string& dir, const CompiledModel& cm, const Image& img, const TensorI8& input,
                  const GoldenResult& r, const std::vector<TensorF>* float_outs) {
  std::filesystem::create_directories(dir);
  write_npy(dir + "/input.npy", NpyArray::from(img.pixels, hwc(img.shape)));
  const TensorI8* x = &input;
  for (size_t i = 0; i < cm.layers.size(); ++i) {
    const QLayer& q = cm.layers[i];
    std::string base = fmt::format("{}/{:02}_{}", dir, i, q.name);
    write_npy(base + ".in.npy", NpyArray::from(x->data, hwc(x->shape)));
    if (i + 1 < cm.layers.size()) {
      write_npy(base + ".out.npy", NpyArray::from(r.outs[i].data, hwc(q.out)));
      x = &r.outs[i];
    } else {
      write_npy(base + ".out.npy", NpyArray::from(r.logits.data, hwc(q.out)));
    }
    if (float_outs) write_npy(base + ".float.npy", NpyArray::from((*float_outs)[i].data, hwc(q.out)));
    if (!r.internals.empty()) {
      const auto& in = r.internals[i];
      if (!in.dot.empty()) write_npy(base + ".dot.npy", NpyArray::from(in.dot, hwc(q.out)));
      if (!in.acc.empty()) write_npy(base + ".acc.npy", NpyArray::from(in.acc, hwc(q.out)));
    }
  }
}

}  // namespace nb
