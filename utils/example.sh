#!/usr/bin/env bash
#===- utils/example.sh - set up, build and run the bundled example --------===#
#
# The first command of the README: installs what qmlir needs, builds it, and
# runs the bundled small CNN through qrun, printing its outputs against the
# expected ones.
#
#===------------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/utils/setup.sh"
"$root/utils/build.sh" qrun
for set in 0 1; do
  echo "== examples/small_cnn, test_data_set_$set"
  "$root/build/bin/qrun" "$root/examples/small_cnn/model.onnx" \
    --test-data "$root/examples/small_cnn/test_data_set_$set" --benchmark 20
done
