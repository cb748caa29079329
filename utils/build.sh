#!/usr/bin/env bash
#===- utils/build.sh - configure and build qmlir --------------------------===#
#
# Configures (once) and builds qmlir in build/ (or $QMLIR_BUILD_DIR) with
# Ninja against Debian's LLVM/MLIR 22; $QMLIR_CMAKE_ARGS are added to the
# configuration. Extra arguments go to ninja.
#
#===------------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QMLIR_BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit ${QMLIR_CMAKE_ARGS:-}
fi
ninja -C "$build" "$@"
