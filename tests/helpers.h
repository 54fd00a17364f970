// Helpers shared by the test files.
#pragma once
#include <functional>
#include <string>

#include "neuroblend/error.h"

namespace nb::test {

// The message of the nb::Error that f throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace nb::test
