// Error type used for every user-facing failure (bad model, params, image,
// overflow). The CLI prints what() and exits non-zero.
#pragma once
#include <stdexcept>
#include <string>

namespace nb {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

}  // namespace nb
