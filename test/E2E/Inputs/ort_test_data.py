#!/usr/bin/env python3
"""Runs MODEL with ONNX Runtime (utils/ort/ort_run.js) on an ONNX test data
set (input_N.pb for the model's Nth input) and compares each output with
output_N.pb exactly, printing one line per output.

  ort_test_data.py MODEL DATA_SET_DIR
"""

import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def read_pb(path):
  t = onnx.TensorProto()
  with open(path, "rb") as f:
    t.ParseFromString(f.read())
  return numpy_helper.to_array(t)


def main():
  model_path, data_dir = sys.argv[1:3]
  model = onnx.load(model_path)
  inits = {t.name for t in model.graph.initializer}
  inputs = [vi.name for vi in model.graph.input if vi.name not in inits]
  with tempfile.TemporaryDirectory() as work:
    feeds = []
    for k, name in enumerate(inputs):
      path = os.path.join(work, "input_%d.npy" % k)
      np.save(path, read_pb(os.path.join(data_dir, "input_%d.pb" % k)))
      feeds += ["--input", "%s=%s" % (name, path)]
    out_dir = os.path.join(work, "out")
    subprocess.run(["node", os.path.join(ROOT, "utils", "ort", "ort_run.js"),
                    model_path, "--output-dir", out_dir] + feeds, check=True,
                   stdout=subprocess.DEVNULL)
    expected = sorted(glob.glob(os.path.join(data_dir, "output_*.pb")))
    ok = len(expected) == len(model.graph.output)
    for out, ref_path in zip(model.graph.output, expected):
      ref = read_pb(ref_path)
      got = np.load(os.path.join(out_dir, out.name + ".npy"))
      same = ref.dtype == got.dtype and ref.shape == got.shape and \
          np.array_equal(ref, got)
      ok &= same
      print("output '%s' %s%s: %s" % (out.name, got.dtype, list(got.shape),
                                      "equal" if same else "DIFFERENT"))
  return 0 if ok else 1


if __name__ == "__main__":
  sys.exit(main())
