#!/bin/sh
# isa_symbols.sh NM OBJECT...: the kernel objects built with a wide
# instruction set define no code another object could link to (no global or
# weak function): an inline or template function emitted there would be
# built for that instruction set, and the linker could pick that copy for
# code that runs on any CPU (compiler/kernels_isa.h).
nm=$1; shift
status=0
for o in "$@"; do
  bad=$("$nm" -C -g --defined-only "$o" | awk '$2 ~ /^[TWi]$/')
  if [ -n "$bad" ]; then
    echo "$o defines code other objects could link to:"
    echo "$bad"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "ok: no shared code in $*"
exit "$status"
