#!/usr/bin/env python3
"""Turns graph inputs of an ONNX backend node test into initializers.

The ONNX backend tests of the quantization operators feed scales, zero
points and weights as graph inputs; a deployed model has them as
initializers, which qmlir imports differently (!quant.uniform types,
constant weights). This writes OUT/model.onnx with the named inputs frozen
to their test_data_set_0 values and OUT/test_data_set_0 with the remaining
inputs (renumbered) and the unchanged expected outputs.

  freeze_inputs.py TEST_DIR OUT NAME...
"""

import os
import shutil
import sys

import onnx


def main():
    test_dir, out, names = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    data = os.path.join(test_dir, "test_data_set_0")
    out_data = os.path.join(out, "test_data_set_0")
    os.makedirs(out_data, exist_ok=True)
    kept = []
    for i, vi in enumerate(model.graph.input):
        tensor = onnx.load_tensor(os.path.join(data, "input_%d.pb" % i))
        if vi.name in names:
            tensor.name = vi.name
            model.graph.initializer.append(tensor)
            names.discard(vi.name)
        else:
            shutil.copy(os.path.join(data, "input_%d.pb" % i),
                        os.path.join(out_data, "input_%d.pb" % len(kept)))
            kept.append(vi)
    if names:
        sys.exit("no graph input named " + ", ".join(sorted(names)))
    del model.graph.input[:]
    model.graph.input.extend(kept)
    for f in os.listdir(data):
        if f.startswith("output_"):
            shutil.copy(os.path.join(data, f), os.path.join(out_data, f))
    onnx.save(model, os.path.join(out, "model.onnx"))


if __name__ == "__main__":
    main()
