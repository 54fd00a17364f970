// The portable kernels: plain loops (kernels_generic.h), built like the rest
// of the library, for any CPU and architecture.
#include "kernels_generic.h"

namespace nb::isa {

extern const Ops kPortable = {"portable", binarize_generic, binary_dot_generic, fixed_dot_generic, merge_generic};

}  // namespace nb::isa
