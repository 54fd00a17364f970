# Hardware configurations built as verilated models: the one source of the
# RTL parameters. Each entry: NAME LANES WPL MACS XNOR_DSP ACT_BYTES MAX_KW
# MAX_FIX_ENTRIES MAX_CLASSES MERGE_LANES. CMake passes them to Verilator (-G) and to the
# C++ harness (compile definitions), so the two cannot disagree.
#   LANES      output channels computed in parallel (binary and fixed-point lanes)
#   WPL        48-bit words (DSP48E2 slices) per binary lane per cycle (1, 2, 4)
#   MACS       int8 MACs per fixed-point lane per cycle (1, 2, 4, 8)
#   XNOR_DSP   1: XNOR in DSP48E2 logic mode, 0: in LUTs
#   ACT_BYTES  bytes of each int8 activation buffer (and bits of each bit buffer)
#   MAX_KW     48-bit binary weight words per lane (9 * max channels / 48)
#   MAX_FIX_ENTRIES  8-byte int8 weight entries per lane
#   MAX_CLASSES      logits the logits memory holds
#   MERGE_LANES      merge / requantize units shared by the lanes (divides LANES)
set(NB_RTL_CONFIGS
  "default 32 1 8 1 65536 96 128 128 8"
  "lane1 1 1 1 1 65536 96 128 128 1"
  "odd5 5 2 2 1 65536 96 128 128 1"
  "lut24 24 4 4 0 65536 96 128 128 6"
)
