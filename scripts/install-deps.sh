#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs. Idempotent and quiet when
# everything is already there. Needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(
  g++ cmake make pkg-config   # toolchain
  libeigen3-dev               # float reference model (matrix products)
  libfmt-dev                  # formatting of reports and messages
  nlohmann-json3-dev          # model files, --json output
  libcli11-dev                # command-line parsing
  libzip-dev                  # .npz (zip) reading and writing
  zlib1g-dev                  # gzip-compressed IDX datasets (Fashion-MNIST)
  dataset-fashion-mnist       # real test images with labels: eval, run --dataset (docs/inputs.md)
  libonnx-dev libprotobuf-dev # ONNX import: MODEL may be an .onnx file (model/onnx_import.cpp reads it with ONNX's protobuf classes)
  doctest-dev                 # C++ unit tests
  verilator                   # the RTL, verilated to C++
  libsystemc-dev              # the co-simulation testbench and DRAM model
  python3-numpy               # the NumPy interchange test (an independent implementation)
  gnuplot-nox                 # sweep plots (latency vs DSP slices with the Pareto front, power breakdown)
  parallel                    # GNU parallel: sharded sweeps (README), and their test
  lcov                        # genhtml: the RTL coverage report as HTML (scripts/coverage.sh)
  clang libclang-rt-14-dev    # libFuzzer with AddressSanitizer and UBSan: fuzzing of the parsers (scripts/fuzz.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs Yosys 0.55 (WebAssembly, from the npm registry): the machine's
# own Node.js if it has one, else Debian's.
command -v npm >/dev/null || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Yosys 0.55 for the RTL (Debian's 0.23 cannot read its SystemVerilog),
# pinned by tools/yosys/package-lock.json.
YOSYS_DIR="$(dirname "$0")/../tools/yosys"
if [ ! -f "$YOSYS_DIR/node_modules/.package-lock.json" ] ||
   ! cmp -s "$YOSYS_DIR/package-lock.json" "$YOSYS_DIR/node_modules/.nb-lock"; then
  echo "install-deps: installing Yosys 0.55 (npm) into tools/yosys"
  # Only the Yosys read test needs it: a failed download is a warning, and
  # that test is then not registered (tests/CMakeLists.txt).
  (cd "$YOSYS_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && cp package-lock.json node_modules/.nb-lock) ||
    echo "install-deps: WARNING: could not install Yosys 0.55 from npm; the rtl_yosys_read test will be skipped" >&2
fi
