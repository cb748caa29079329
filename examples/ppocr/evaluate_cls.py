#!/usr/bin/env python3
"""PP-OCR's direction classifier in int8 against FP32, on text lines.

Compiles the classifier twice with qcompile into shared libraries, FP32 and
static int8 (calibrated on CALIB_DIR), runs both through the Python package
(qmlir.load) on every sample of EVAL_DIR (text_lines.py's layout), and
prints each one's accuracy against the true orientation, their top-1
agreement and the largest probability difference.

  evaluate_cls.py MODEL EVAL_DIR --calib-data CALIB_DIR [--calib-method M]
                  [--qmlir-bin build/bin]
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
import qmlir  # noqa: E402


def compile_cls(qcompile, model, out, extra):
  cmd = [qcompile, model, "--input-shape", "x=1x3x48x192", "--emit=shared",
         "-o", out, "--name", os.path.splitext(os.path.basename(out))[0]]
  r = subprocess.run(cmd + extra, capture_output=True, text=True)
  if r.returncode != 0:
    sys.exit("error: %s failed:\n%s" % (" ".join(cmd + extra), r.stderr))
  return qmlir.load(out)


def main():
  p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  p.add_argument("model")
  p.add_argument("eval_dir")
  p.add_argument("--calib-data", required=True)
  p.add_argument("--calib-method", default="minmax")
  p.add_argument("--qmlir-bin", default=os.path.join(ROOT, "build", "bin"))
  args = p.parse_args()
  qcompile = os.path.join(args.qmlir_bin, "qcompile")
  labels_file = os.path.join(args.eval_dir, "labels.npy")
  if not os.path.isfile(labels_file):
    sys.exit("error: %s: no labels.npy (write it with text_lines.py)" %
             args.eval_dir)
  labels = np.load(labels_file)
  with tempfile.TemporaryDirectory(prefix="qmlir-cls-") as work:
    fp32 = compile_cls(qcompile, args.model, os.path.join(work, "fp32.so"), [])
    int8 = compile_cls(qcompile, args.model, os.path.join(work, "int8.so"),
                       ["--quant=int8", "--calib-data", args.calib_data,
                        "--calib-method", args.calib_method])
    right = {"fp32": 0, "int8": 0}
    same, max_diff = 0, 0.0
    for i, label in enumerate(labels):
      x = np.load(os.path.join(args.eval_dir, "sample_%04d" % i, "x.npy"))
      a, b = fp32(x), int8(x)
      right["fp32"] += int(a.argmax() == label)
      right["int8"] += int(b.argmax() == label)
      same += int(a.argmax() == b.argmax())
      max_diff = max(max_diff, float(np.abs(a - b).max()))
  n = len(labels)
  for k in ("fp32", "int8"):
    print("%s: orientation accuracy %.2f%% (%d/%d)" %
          (k, 100.0 * right[k] / n, right[k], n))
  print("int8 (calibration %s) vs fp32: top-1 agreement %.2f%% (%d/%d), "
        "max |probability difference| %.3g" %
        (args.calib_method, 100.0 * same / n, same, n, max_diff))


if __name__ == "__main__":
  main()
