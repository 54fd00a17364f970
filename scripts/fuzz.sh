#!/usr/bin/env bash
# Fuzzing of every input parser with libFuzzer, AddressSanitizer and UBSan.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
# builds the targets (clang) in build-fuzz/, replays the regression inputs
# (fuzz/regressions/TARGET/: inputs that once crashed or misbehaved), then
# fuzzes each target for SECONDS (default 20) from its seed corpus
# (fuzz/corpus/TARGET/; new inputs go to build-fuzz/corpus/TARGET/, not into
# the repository). A finding stops the script with the input saved under
# build-fuzz/artifacts/ and the command that replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}
shift || true
TARGETS=${*:-model json config program npy npz pnm cifar idx sweep_shard onnx}
B=${NB_FUZZ_BUILD_DIR:-build-fuzz}
if ! command -v clang++ > /dev/null; then
  echo "fuzz.sh: clang++ not found (Debian: clang)" >&2
  exit 1
fi
echo "fuzz: building the targets with clang, ASan and UBSan in $B/ (a few minutes the first time)"
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DNB_FUZZ=ON -DNB_BUILD_RTL=OFF \
  -DNB_BUILD_TESTS=OFF -DNB_BUILD_BENCH=OFF -DNB_NATIVE=OFF > "$B.configure.log" 2>&1 || { cat "$B.configure.log"; exit 1; }
if ! cmake --build "$B" --target fuzz_all -j "$(nproc)" > "$B.build.log" 2>&1; then
  tail -40 "$B.build.log"
  echo "fuzz.sh: the build failed (log: $B.build.log)" >&2
  exit 1
fi
mkdir -p "$B/artifacts"
for t in $TARGETS; do
  exe="$B/fuzz/fuzz_$t"
  [ -x "$exe" ] || { echo "fuzz.sh: $exe was not built" >&2; exit 1; }
  opts=(-rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 "-artifact_prefix=$B/artifacts/${t}-")
  if [ -d "fuzz/regressions/$t" ] && [ -n "$(ls -A "fuzz/regressions/$t")" ]; then
    "$exe" "${opts[@]}" fuzz/regressions/"$t"/* > "$B/regress_$t.log" 2>&1 ||
      { tail -30 "$B/regress_$t.log"; echo "fuzz: a regression input of $t fails: $exe fuzz/regressions/$t/*" >&2; exit 1; }
    echo "fuzz: $t: $(ls fuzz/regressions/$t | wc -l) regression inputs pass"
  fi
  mkdir -p "$B/corpus/$t"
  if ! "$exe" "${opts[@]}" -max_total_time="$SECS" -print_final_stats=1 "$B/corpus/$t" "fuzz/corpus/$t" \
       > "$B/fuzz_$t.log" 2>&1; then
    tail -40 "$B/fuzz_$t.log"
    echo "fuzz: $t found a problem; replay: $exe $(ls -t $B/artifacts/${t}-* 2>/dev/null | head -1)" >&2
    exit 1
  fi
  echo "fuzz: $t: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$B/fuzz_$t.log" | grep -o '[0-9]*$') runs in ${SECS} s, clean"
done
