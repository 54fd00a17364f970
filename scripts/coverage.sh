#!/usr/bin/env bash
# Coverage of the RTL over the co-simulation regression (docs/coverage.md):
# builds the coverage models nb_rtl_<config>_cov of the configurations in
# rtl/configs.cmake (Verilator line, toggle and user coverage: the RTL's
# cover statements), runs every co-simulation test of the default suite
# (ctest -LE long) on them, $NB_COVERAGE_JOBS (2) at a time, each writing
# its own coverage data, and merges and reports it in out/coverage/
# ($NB_COVERAGE_OUT):
#   merged.dat       every run's points summed (verilator_coverage --write)
#   coverage.info    the line coverage as lcov data (--write-info)
#   annotated/       the RTL sources with their counts (--annotate)
#   html/index.html  the line coverage as a page (genhtml)
#   summary.txt      the table printed at the end: line and toggle coverage
#                    per RTL file, the cover points hit; the uncovered lines
#                    and cover points (and summary.json)
#   logs/            each run's output
# Building the four coverage models takes about 20 minutes of CPU the first
# time; the runs and the report about 6 minutes on 2 cores. Options: --long
# also runs the long regressions; --report-only merges and reports the data
# already in out/coverage/dat/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${NB_BUILD_DIR:-build}
OUT=${NB_COVERAGE_OUT:-out/coverage}
JOBS=${NB_COVERAGE_JOBS:-2}
PY=/usr/bin/python3
select=(-LE long)
report_only=0
for a in "$@"; do
  case "$a" in
    --long) select=() ;;
    --report-only) report_only=1 ;;
    *) echo "usage: scripts/coverage.sh [--long] [--report-only]" >&2; exit 2 ;;
  esac
done
t0=$(date +%s)

if [ "$report_only" = 0 ]; then
  bash scripts/install-deps.sh
  bash scripts/build.sh
  configs=$(sed -n 's/^ *"\([A-Za-z0-9_]*\) .*/\1/p' rtl/configs.cmake)
  targets=()
  for c in $configs; do targets+=("nb_rtl_${c}_cov"); done
  echo "coverage: building ${targets[*]} (the first time: about 20 minutes of CPU)"
  bash scripts/build.sh "${targets[@]}"
  rm -rf "$OUT"
  mkdir -p "$OUT/dat" "$OUT/logs"
  n=$($PY scripts/rtl_coverage.py runs "$BUILD" "$OUT" "${select[@]}")
  echo "coverage: $n co-simulation runs, $JOBS at a time"
  # the longest first, so that the two workers end together
  fails=0
  $PY -c "import json,sys; r=json.load(open(sys.argv[1])); \
print('\n'.join(str(i) for i in sorted(range(len(r)), key=lambda i: 'nb20' not in r[i]['name'])))" "$OUT/runs.json" |
    xargs -P "$JOBS" -I{} $PY scripts/rtl_coverage.py run "$OUT" {} || fails=1
  [ "$fails" = 0 ] || echo "coverage: some runs FAILED (logs in $OUT/logs/); their coverage is reported all the same" >&2
fi

echo "coverage: merging $(ls "$OUT"/dat/*.dat | wc -l) coverage files"
verilator_coverage --write "$OUT/merged.dat" "$OUT"/dat/*.dat
$PY scripts/rtl_coverage.py lines "$OUT/merged.dat" "$OUT/lines.dat"
verilator_coverage --write-info "$OUT/coverage.info" "$OUT/lines.dat"
rm -rf "$OUT/annotated" "$OUT/html"
verilator_coverage --annotate "$OUT/annotated" --annotate-all "$OUT/merged.dat" >/dev/null
genhtml --quiet --title "NeuroBlend RTL line coverage" --output-directory "$OUT/html" "$OUT/coverage.info" >/dev/null
$PY scripts/rtl_coverage.py table "$OUT/merged.dat" "$OUT/coverage.info" "$OUT"
echo "coverage: $OUT/html/index.html, $OUT/annotated/, $OUT/summary.txt ($(( $(date +%s) - t0 )) s)"
exit "${fails:-0}"
