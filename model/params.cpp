#include "neuroblend/params.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "neuroblend/error.h"
#include "neuroblend/float_model.h"
#include "neuroblend/image.h"
#include "neuroblend/rng.h"

namespace nb {

Affine affine_of(const BatchNorm& bn, double eps) {
  Affine f;
  for (int c = 0; c < bn.size(); ++c) {
    double a = double(bn.gamma[size_t(c)]) / std::sqrt(double(bn.var[size_t(c)]) + eps);
    double b = double(bn.beta[size_t(c)]) - a * double(bn.mean[size_t(c)]);
    f.a.push_back(float(a));
    f.b.push_back(float(b));
  }
  return f;
}

namespace {

void add_bn(std::vector<ParamRef>& r, const std::string& prefix, BatchNorm& bn, int64_t n) {
  r.push_back({prefix + ".gamma", {n}, &bn.gamma});
  r.push_back({prefix + ".beta", {n}, &bn.beta});
  r.push_back({prefix + ".mean", {n}, &bn.mean});
  r.push_back({prefix + ".var", {n}, &bn.var});
}

bool is_var(const std::string& key) {
  return key.size() > 4 && key.substr(key.size() - 4) == ".var";
}

}  // namespace

std::vector<ParamRef> param_refs(const ModelSpec& m, Params& p) {
  p.layers.resize(m.layers.size());
  std::vector<ParamRef> r;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const LayerSpec& l = m.layers[i];
    LayerParams& lp = p.layers[i];
    const std::string& n = l.name;
    int64_t cin = l.in.c, cout = l.out;
    switch (l.kind) {
      case LayerKind::Conv:
        r.push_back({n + ".w", {cout, l.kernel, l.kernel, cin}, &lp.w});
        add_bn(r, n + ".bn", lp.bn, cout);
        break;
      case LayerKind::BlendConv:
        r.push_back({n + ".main.w", {cout, 3, 3, cin}, &lp.w});
        if (l.skip == SkipKind::Conv1x1) r.push_back({n + ".skip.w", {cout, 1, 1, cin}, &lp.skip_w});
        if (l.skip == SkipKind::Conv3x3) r.push_back({n + ".skip.w", {cout, 3, 3, cin}, &lp.skip_w});
        add_bn(r, n + ".bn_a", lp.bn_a, cin);
        add_bn(r, n + ".bn_m", lp.bn_m, cout);
        add_bn(r, n + ".bn_s", lp.bn_s, cout);
        add_bn(r, n + ".bn_o", lp.bn_o, cout);
        break;
      case LayerKind::BlendDense: {
        int64_t fin = l.axis == Axis::Token ? l.in.tokens() : cin;
        r.push_back({n + ".main.w", {cout, fin}, &lp.w});
        if (l.skip == SkipKind::Dense) r.push_back({n + ".skip.w", {cout, fin}, &lp.skip_w});
        // Batch norms are always over the channel axis (NHWC's C).
        int64_t cb_in = cin, cb_out = l.axis == Axis::Token ? cin : cout;
        add_bn(r, n + ".bn_a", lp.bn_a, cb_in);
        add_bn(r, n + ".bn_m", lp.bn_m, cb_out);
        add_bn(r, n + ".bn_s", lp.bn_s, cb_out);
        add_bn(r, n + ".bn_o", lp.bn_o, cb_out);
        break;
      }
      case LayerKind::AvgPool:
        break;
      case LayerKind::Dense:
        r.push_back({n + ".w", {cout, cin}, &lp.w});
        r.push_back({n + ".b", {cout}, &lp.b});
        break;
    }
  }
  return r;
}

void validate_params(const ModelSpec& m, const Params& p, const std::string& source) {
  Params& pp = const_cast<Params&>(p);  // param_refs only hands out pointers
  if (p.layers.size() != m.layers.size())
    throw Error(fmt::format("{}: {} layers of parameters for a model of {}", source, p.layers.size(), m.layers.size()));
  for (auto& ref : param_refs(m, pp)) {
    int64_t n = 1;
    for (auto d : ref.shape) n *= d;
    if (int64_t(ref.data->size()) != n)
      throw Error(fmt::format("{}: '{}' has {} values, expected {}", source, ref.key, ref.data->size(), n));
    for (size_t i = 0; i < ref.data->size(); ++i) {
      float v = (*ref.data)[i];
      if (!std::isfinite(v)) throw Error(fmt::format("{}: '{}'[{}] is not finite ({})", source, ref.key, i, v));
      if (is_var(ref.key) && v < 0)
        throw Error(fmt::format("{}: '{}'[{}] = {} is a negative variance", source, ref.key, i, v));
    }
  }
}

Params load_params(const ModelSpec& m, const std::string& path) {
  return params_from_arrays(m, read_npz(path), path);
}

Params params_from_arrays(const ModelSpec& m, const NpzMap& arrays, const std::string& path) {
  Params p;
  std::set<std::string> used;
  for (auto& ref : param_refs(m, p)) {
    auto it = arrays.find(ref.key);
    if (it == arrays.end())
      throw Error(fmt::format("{}: missing array '{}' (shape {}) for model '{}'", path, ref.key,
                              NpyArray{"f4", ref.shape, {}}.shape_str(), m.name));
    if (it->second.shape != ref.shape)
      throw Error(fmt::format("{}: array '{}' has shape {}, expected {}", path, ref.key, it->second.shape_str(),
                              NpyArray{"f4", ref.shape, {}}.shape_str()));
    *ref.data = it->second.as<float>(path + ":" + ref.key);
    used.insert(ref.key);
  }
  for (auto& [k, a] : arrays)
    if (!used.count(k))
      throw Error(fmt::format("{}: unknown array '{}' (not a parameter of model '{}')", path, k, m.name));
  validate_params(m, p, path);
  return p;
}

void save_params(const ModelSpec& m, const Params& p, const std::string& path) {
  NpzMap out;
  Params copy = p;
  for (auto& ref : param_refs(m, copy)) out[ref.key] = NpyArray::from(*ref.data, ref.shape);
  write_npz(path, out);
}

namespace {

void fill_normal(std::vector<float>& v, size_t n, Rng& r, double sd) {
  v.resize(n);
  for (auto& x : v) x = float(r.normal(0, sd));
}

// gamma: mostly positive, about 10 % negative and 3 % exactly zero, so every
// branch of the binarization and folding runs.
void random_bn(BatchNorm& bn, int n, Rng& r, double beta_sd) {
  bn.gamma.resize(size_t(n));
  bn.beta.resize(size_t(n));
  bn.mean.assign(size_t(n), 0.0f);
  bn.var.assign(size_t(n), 1.0f);
  for (int c = 0; c < n; ++c) {
    double u = r.uniform();
    double mag = r.uniform(0.6, 1.4);
    bn.gamma[size_t(c)] = u < 0.03 ? 0.0f : float(u < 0.13 ? -mag : mag);
    bn.beta[size_t(c)] = float(r.normal(0, beta_sd));
  }
}

// Sets mean and var of `bn` to the per-channel statistics of `ts`.
void fit_bn(BatchNorm& bn, const std::vector<TensorF>& ts) {
  int C = bn.size();
  std::vector<double> s(size_t(C), 0), s2(size_t(C), 0);
  double n = 0;
  for (auto& t : ts) {
    for (size_t e = 0; e < t.data.size(); ++e) {
      double v = t.data[e];
      s[e % size_t(C)] += v;
      s2[e % size_t(C)] += v * v;
    }
    n += double(t.shape.tokens());
  }
  std::vector<double> var(static_cast<size_t>(C));
  double avg = 0;
  for (int c = 0; c < C; ++c) {
    double mean = s[size_t(c)] / n;
    var[size_t(c)] = std::max(0.0, s2[size_t(c)] / n - mean * mean);
    avg += var[size_t(c)] / C;
    bn.mean[size_t(c)] = float(mean);
  }
  // A channel that barely moved on the few fitting images (a constant bit,
  // a dead relu) would get a gain of 1/sqrt(eps) that no trained network
  // has; floor the variance at 1 % of the layer's average and at 0.01.
  for (int c = 0; c < C; ++c) bn.var[size_t(c)] = float(std::max({var[size_t(c)], 0.01 * avg, 0.01}));
}

}  // namespace

Params random_params(const ModelSpec& m, uint64_t seed, int fit_images) {
  Params p;
  p.layers.resize(m.layers.size());
  Rng rng(seed);
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const LayerSpec& l = m.layers[i];
    LayerParams& lp = p.layers[i];
    Rng r = rng.fork(i);
    size_t cout = size_t(l.out), cin = size_t(l.in.c);
    switch (l.kind) {
      case LayerKind::Conv: {
        size_t fan = size_t(l.kernel) * size_t(l.kernel) * cin;
        fill_normal(lp.w, cout * fan, r, std::sqrt(2.0 / double(fan)));
        random_bn(lp.bn, l.out, r, 0.1);
        break;
      }
      case LayerKind::BlendConv:
      case LayerKind::BlendDense: {
        size_t fan = size_t(l.k_binary());
        fill_normal(lp.w, cout * fan, r, 1.0);
        if (l.skip != SkipKind::Identity) {
          size_t sfan = size_t(l.k_fixed());
          fill_normal(lp.skip_w, cout * sfan, r, std::sqrt(1.0 / double(sfan)));
        }
        int cb_out = (l.kind == LayerKind::BlendDense && l.axis == Axis::Token) ? l.in.c : l.out;
        random_bn(lp.bn_a, l.in.c, r, 0.3);
        random_bn(lp.bn_m, cb_out, r, 0.1);
        random_bn(lp.bn_s, cb_out, r, 0.1);
        random_bn(lp.bn_o, cb_out, r, 0.1);
        break;
      }
      case LayerKind::AvgPool:
        break;
      case LayerKind::Dense:
        fill_normal(lp.w, cout * cin, r, std::sqrt(1.0 / double(cin)));
        fill_normal(lp.b, cout, r, 0.1);
        break;
    }
  }
  // Fit batch-norm statistics layer by layer on synthetic images, as a
  // trained network's running statistics would match its data.
  std::vector<TensorF> xs;
  for (auto& img : synthetic_images(m.input.shape, fit_images, seed ^ 0xF17u)) xs.push_back(float_input(m, img));
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const LayerSpec& l = m.layers[i];
    LayerParams& lp = p.layers[i];
    std::vector<TensorF> a, b;
    if (l.kind == LayerKind::Conv) {
      for (auto& x : xs) {
        FloatInternals in;
        float_layer(m, i, lp, x, &in);
        a.push_back(std::move(in.pre));
      }
      fit_bn(lp.bn, a);
    } else if (l.has_binary()) {
      fit_bn(lp.bn_a, xs);
      for (auto& x : xs) {
        FloatInternals in;
        float_layer(m, i, lp, x, &in);
        a.push_back(std::move(in.main));
        b.push_back(std::move(in.skip));
      }
      fit_bn(lp.bn_m, a);
      fit_bn(lp.bn_s, b);
      a.clear();
      for (auto& x : xs) {
        FloatInternals in;
        float_layer(m, i, lp, x, &in);
        a.push_back(std::move(in.pre));
      }
      fit_bn(lp.bn_o, a);
    }
    for (auto& x : xs) x = float_layer(m, i, lp, x);
  }
  return p;
}

}  // namespace nb
