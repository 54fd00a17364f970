#!/usr/bin/env bash
# The default test suite's C++ side built with AddressSanitizer and UBSan
# (g++; any report fails the test): build-asan/, no verilated RTL (the
# co-simulation tests need the RTL build; the parsers, compiler, golden
# model, cycle, resource and power models and every CLI test run here).
# Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${NB_ASAN_BUILD_DIR:-build-asan}
echo "sanitized: building the C++ side with ASan + UBSan in $B/ (a few minutes the first time)"
cmake -S . -B "$B" -DNB_BUILD_RTL=OFF -DNB_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  > "$B.configure.log" 2>&1 || { cat "$B.configure.log"; exit 1; }
cmake --build "$B" -j "$(nproc)" > "$B.build.log" 2>&1 || { tail -40 "$B.build.log"; exit 1; }
cd "$B"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$(nproc)" -LE long "$@"
