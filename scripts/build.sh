#!/usr/bin/env bash
# Configures (once) and builds into build/ (or $NB_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${NB_BUILD_DIR:-build}
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
# When the RTL changed, Verilator may generate differently named files; the
# first build then re-runs CMake's configure step and the second links.
cmake --build "$BUILD" -j "$(nproc)" -- --no-print-directory >/dev/null 2>"$BUILD/build.log" ||
  cmake --build "$BUILD" -j "$(nproc)" -- --no-print-directory >/dev/null 2>"$BUILD/build.log" ||
  { cat "$BUILD/build.log" >&2; exit 1; }
