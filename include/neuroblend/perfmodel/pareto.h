// The Pareto front of a sweep's points.
#pragma once
#include <cstddef>
#include <vector>

namespace nb {

// Indices of the points no other point dominates (<= in every objective,
// < in one); all objectives minimized.
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& points);

}  // namespace nb
