#include "neuroblend/perfmodel/pareto.h"

namespace nb {

std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& pts) {
  std::vector<size_t> out;
  for (size_t a = 0; a < pts.size(); ++a) {
    bool dominated = false;
    for (size_t b = 0; b < pts.size() && !dominated; ++b) {
      if (a == b) continue;
      bool le = true, lt = false;
      for (size_t k = 0; k < pts[a].size(); ++k) {
        le = le && pts[b][k] <= pts[a][k];
        lt = lt || pts[b][k] < pts[a][k];
      }
      dominated = le && lt;
    }
    if (!dominated) out.push_back(a);
  }
  return out;
}

}  // namespace nb
