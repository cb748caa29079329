#!/usr/bin/env bash
#===- utils/example.sh - set up, build and run the bundled example --------===#
#
# The first command of the README: installs what qmlir needs, builds
# qcompile, compiles the bundled small CNN into an object file with a C
# header, links it into a small C program (examples/small_cnn/main.c) and
# runs that on both data sets, comparing with their expected outputs.
# Everything goes to build/example/ (or $QMLIR_BUILD_DIR/example/).
#
#===------------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QMLIR_BUILD_DIR:-$root/build}
"$root/utils/setup.sh"
"$root/utils/build.sh" qcompile
cd "$root"
out=$build/example
mkdir -p "$out"

# The model becomes small_cnn.o and small_cnn.h (int small_cnn_run(...)).
echo "== qcompile examples/small_cnn/model.onnx -> small_cnn.o, small_cnn.h"
"$build/bin/qcompile" examples/small_cnn/model.onnx -o "$out/small_cnn.o" \
  --name small_cnn
cc -std=c11 -O2 -Wall -I "$out" examples/small_cnn/main.c "$out/small_cnn.o" \
  -lm -o "$out/small_cnn"

for set in 0 1; do
  data=examples/small_cnn/test_data_set_$set
  # The data set's ONNX tensors (.pb) as raw float32 files for the C program.
  /usr/bin/python3 -c 'import sys, onnx, onnx.numpy_helper as nh
for pb, raw in zip(sys.argv[1::2], sys.argv[2::2]):
    nh.to_array(onnx.load_tensor(pb)).astype("<f4").tofile(raw)' \
    "$data/input_0.pb" "$out/image_$set.bin" \
    "$data/output_0.pb" "$out/expected_$set.bin"
  echo "== $data"
  "$out/small_cnn" "$out/image_$set.bin" "$out/expected_$set.bin"
done
