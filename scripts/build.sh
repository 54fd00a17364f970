#!/usr/bin/env bash
# Configures (once) and builds into build/ (or $NB_BUILD_DIR), showing each
# step that does work (the first build verilates the RTL configurations:
# a few minutes on 2 cores); the compilers' own output goes to build.log.
# Arguments name targets to build instead of the default ones (e.g. the
# coverage models, scripts/coverage.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${NB_BUILD_DIR:-build}
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  echo "build: configuring $BUILD (the first build verilates the RTL configurations: a few minutes on 2 cores)"
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
targets=()
[ $# -gt 0 ] && targets=(--target "$@")
build_once() {
  cmake --build "$BUILD" -j "$(nproc)" "${targets[@]}" -- --no-print-directory 2>"$BUILD/build.log" |
    { grep --line-buffered -E '^\[ *[0-9]+%\] (Building|Linking|Profiling)|^-- Executing Verilator' | sed -u 's/^/build: /' || true; }
}
# (after an RTL edit the build configures again first and re-verilates every
# model there, each shown as "-- Executing Verilator...": CMakeLists.txt)
build_once || { cat "$BUILD/build.log" >&2; exit 1; }
