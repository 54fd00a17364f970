#!/bin/sh
# The C++ layers include only the layers below them (README, "Layout"):
#   model (model/, include/neuroblend/*.h) -> compiler -> perfmodel | cosim -> report -> cli
# CMake links each layer's library to the one below; this check keeps the
# headers, which all sit under include/, from reaching upwards or sideways.
# Usage: check_layers.sh SOURCE_DIR
set -eu
cd "$1"
bad=0
# layer  sources and headers  include folders of include/neuroblend/ it may use
check() {
  layer=$1 allowed=$2
  shift 2
  for f in "$@"; do
    [ -f "$f" ] || continue
    for sub in $(sed -n 's|^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]neuroblend/\([a-z_]*\)/.*|\1|p' "$f" | sort -u); do
      case " $allowed " in
        *" $sub "*) ;;
        *) echo "$f: the $layer layer includes neuroblend/$sub/" >&2; bad=1 ;;
      esac
    done
    if grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]\.\./' "$f"; then
      echo "$f: includes a file outside its layer by a relative path" >&2
      bad=1
    fi
  done
}
check model "" model/*.cpp include/neuroblend/*.h
check compiler "compiler" compiler/*.cpp compiler/*.h include/neuroblend/compiler/*.h
check perfmodel "compiler perfmodel" perfmodel/*.cpp include/neuroblend/perfmodel/*.h
check cosim "compiler cosim" cosim/*.cpp include/neuroblend/cosim/*.h
check report "compiler perfmodel report" report/*.cpp include/neuroblend/report/*.h
[ "$bad" = 0 ] && echo "layers: every include points down"
exit "$bad"
