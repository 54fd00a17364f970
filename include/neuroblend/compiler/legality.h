// The one legality check of a compiled program: the rules that make the RTL
// and the golden model execute it identically (its layer forms, field ranges,
// shapes, tap counts, and value bounds recomputed from its own weights), from
// the hardware specification's tables (rtl/spec/nb_hw.json: layer_kinds,
// skip_kinds, widths, shift). The program reader applies it to every file it
// reads and the compiler to every program it makes; the RTL refuses the same
// forms, shifts and dot widths with its `layer` error. What it does not check
// is whether a program fits one hardware configuration (buffer sizes, token
// mixing): that is the configuration's fit check (hw_config.h).
#pragma once
#include <string>

#include "neuroblend/compiler/compiler.h"

namespace nb {

// Throws an Error naming `source`, the layer, the field and its value for the
// first rule the program breaks.
void check_program(const CompiledModel& cm, const std::string& source);

}  // namespace nb
