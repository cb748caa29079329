#!/usr/bin/env bash
#===- utils/check.sh - set up, build and run every test -------------------===#
#
# The second command of the README, and what CI runs: installs what qmlir
# needs, builds everything, runs the lit suite (dialect, passes, importer,
# tools, end-to-end and the ONNX conformance suite) and prints one summary
# line "qmlir: N passed, M failed".
#
# --sanitize builds in build-asan/ with AddressSanitizer and UBSan and runs
# the same suite there.
#
#===------------------------------------------------------------------------===#
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = "--sanitize" ]; then
  export QMLIR_BUILD_DIR=$root/build-asan
  export QMLIR_CMAKE_ARGS="-DQMLIR_SANITIZE=ON"
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
fi
build=${QMLIR_BUILD_DIR:-$root/build}
"$root/utils/setup.sh" || exit 1
"$root/utils/build.sh" || exit 1

log=$(mktemp)
/usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() { grep -E "^ *$1: *[0-9]+" "$log" | grep -oE '[0-9]+' | head -1; }
passed=$(( $(count Passed || true) + 0 ))
failed=$(( $(count Failed || true) + $(count 'Unresolved' || true) + $(count 'Timed Out' || true) + 0 ))
rm -f "$log"
echo "qmlir: $passed passed, $failed failed"
if [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
