#include "neuroblend/random_model.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "neuroblend/rng.h"

namespace nb {

std::string random_model_json(uint64_t seed) {
  Rng r(seed * 7919 + 1);
  nlohmann::json m;
  m["format"] = "neuroblend-model-1";
  m["name"] = fmt::format("random-{}", seed);
  int h = int(r.range(3, 12)), w = int(r.range(3, 12)), c = int(r.range(1, 4));
  m["input"] = {{"height", h}, {"width", w}, {"channels", c}};
  int classes = int(r.range(2, 20));
  m["classes"] = classes;
  auto& L = m["layers"];
  int k0 = r.chance(0.7) ? 3 : 1;
  // Channel counts: often half of a built configuration's lanes (16 of the
  // default's 32, 12 of lut24's 24), the layers computed in position pairs.
  auto width = [&r]() { return r.chance(0.3) ? (r.chance(0.6) ? 16 : 12) : int(r.range(1, 70)); };
  int ch = width();
  L.push_back({{"name", "stem"}, {"type", "conv"}, {"out", ch}, {"kernel", k0}, {"stride", int(r.range(1, 2))},
               {"act", r.chance(0.5) ? "relu" : "none"}, {"wbits", int(r.range(4, 8))}});
  // Tokens of the last layer's output: its shape, from the model so far.
  auto tokens = [&m, classes]() {
    nlohmann::json t = m;
    t["layers"].push_back({{"name", "pool"}, {"type", "avgpool"}});
    t["layers"].push_back({{"name", "fc"}, {"type", "dense"}, {"out", classes}});
    ModelSpec s = parse_model(t.dump(), "random model");
    return s.layers[s.layers.size() - 3].outs.tokens();
  };
  int blends = int(r.range(1, 2));
  for (int b = 0; b < blends; ++b) {
    int out = r.chance(0.3) ? ch : width();
    int stride = r.chance(0.3) ? 2 : 1;
    std::string act = r.chance(0.3) ? "relu" : "none";
    std::string name = fmt::format("b{}", b + 1);
    if (r.chance(0.75)) {
      std::string skip = r.chance(0.5) ? "conv1x1" : "conv3x3";
      if (out == ch && stride == 1 && r.chance(0.5)) skip = "identity";
      L.push_back({{"name", name}, {"type", "blend_conv"}, {"out", out}, {"stride", stride}, {"skip", skip},
                   {"act", act}});
    } else if (r.chance(0.5)) {
      std::string skip = (out == ch && r.chance(0.5)) ? "identity" : "dense";
      L.push_back({{"name", name}, {"type", "blend_dense"}, {"out", out}, {"skip", skip}, {"act", act}});
    } else {  // token mixing: `out` tokens, the channels kept
      const int t = int(tokens());
      const int outt = r.chance(0.3) ? t : int(r.range(1, 150));
      std::string skip = (outt == t && r.chance(0.5)) ? "identity" : "dense";
      L.push_back({{"name", name}, {"type", "blend_dense"}, {"axis", "token"}, {"out", outt}, {"skip", skip},
                   {"act", act}});
      out = ch;
    }
    ch = out;
  }
  L.push_back({{"name", "pool"}, {"type", "avgpool"}});
  L.push_back({{"name", "fc"}, {"type", "dense"}, {"out", classes}});
  return m.dump();
}

ModelSpec random_model(uint64_t seed) {
  return parse_model(random_model_json(seed), fmt::format("random model {}", seed));
}

}  // namespace nb
