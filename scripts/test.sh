#!/usr/bin/env bash
# The test suite: install what is needed, build, run every default test.
# Extra arguments go to ctest (e.g. -R unit, or -L long for the long regressions).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD=${NB_BUILD_DIR:-build}
cd "$BUILD"
if [ $# -eq 0 ]; then
  ctest --output-on-failure -j "$(nproc)" -LE 'long|regress'   # the default suite; -L long, -L regress: the long ones
  cd - > /dev/null
  # a short fuzz run of every parser (ASan + UBSan), after its regression inputs
  bash scripts/fuzz.sh "${NB_FUZZ_SECONDS:-15}"
  # the C++ side's tests again, built with ASan + UBSan
  bash scripts/test-sanitized.sh
else
  ctest --output-on-failure -j "$(nproc)" "$@"
fi
