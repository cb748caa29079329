#!/usr/bin/env python3
"""Runs libraries from qcompile --emit=shared (through the qmlir Python
package) or reads qrun's .npy outputs, and compares every output with the
exact expected one that make_int8_gemm_models.py wrote:

  compare_int8_outputs.py DIR --library LIB.so ...   (inputs from DIR/inputs)
  compare_int8_outputs.py DIR --npy-dir OUT ...      (qrun --output-dir OUT)
  compare_int8_outputs.py DIR --raw-dir OUT ...      (OUT/OUTPUT.bin, raw int32
                                                      from utils/harness)

Prints "SOURCE OUTPUT: equal" per output (or the largest difference) and
exits 1 if any differs.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
import qmlir  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--library", action="append", default=[])
p.add_argument("--npy-dir", action="append", default=[])
p.add_argument("--raw-dir", action="append", default=[])
args = p.parse_args()
expected_dir = os.path.join(args.dir, "expected")
ok = True


def compare(source, name, got):
  global ok
  want = np.load(os.path.join(expected_dir, name + ".npy"))
  if got.shape == want.shape and got.dtype == want.dtype and np.array_equal(
      got, want):
    print("%s %s: equal" % (source, name))
    return
  ok = False
  diff = (np.abs(got.astype(np.int64) - want).max()
          if got.shape == want.shape else "shape %s" % (got.shape,))
  print("%s %s: MISMATCH (%s)" % (source, name, diff))


for lib in args.library:
  model = qmlir.load(lib)
  feeds = {i.name: np.load(os.path.join(args.dir, "inputs", i.name + ".npy"))
           for i in model.inputs}
  for name, value in model.run(feeds).items():
    compare(os.path.basename(os.path.dirname(lib)), name, value)
for out in args.npy_dir:
  for f in sorted(os.listdir(out)):
    compare(os.path.basename(out), f[:-4], np.load(os.path.join(out, f)))
for out in args.raw_dir:
  for f in sorted(os.listdir(out)):
    if f.endswith(".bin"):
      want = np.load(os.path.join(expected_dir, f[:-4] + ".npy"))
      got = np.fromfile(os.path.join(out, f), np.int32)
      compare(os.path.basename(out), f[:-4],
              got.reshape(want.shape) if got.size == want.size else got)
sys.exit(0 if ok else 1)
