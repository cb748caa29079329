#!/usr/bin/env python3
"""PP-OCR models in static int8 against FP32, on rendered text.

Compiles the model twice with qcompile into shared libraries, FP32 and
static int8 (calibrated on CALIB_DIR), and runs both through the Python
package (qmlir.load) on every sample of EVAL_DIR (text_lines.py's layout).
For the direction classifier (--task cls, lines with labels.npy) it prints
each one's accuracy against the true orientation, their top-1 agreement
and the largest probability difference; for the detector (--task det,
pages) the mean and largest probability-map difference and how well the
text masks (probability > 0.3, PP-OCR's threshold) agree.

  evaluate_int8.py MODEL EVAL_DIR --calib-data CALIB_DIR [--task cls|det]
                   [--calib-method M] [--qmlir-bin build/bin]
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


def compile_model(qcompile, model, shape, out, extra):
  cmd = [qcompile, model, "--input-shape", "x=" + shape, "--emit=shared",
         "-o", out, "--name", os.path.splitext(os.path.basename(out))[0]]
  r = subprocess.run(cmd + extra, capture_output=True, text=True)
  if r.returncode != 0:
    sys.exit("error: %s failed:\n%s" % (" ".join(cmd + extra), r.stderr))
  return qmlir.load(out)


def samples(eval_dir):
  i = 0
  while os.path.isfile(os.path.join(eval_dir, "sample_%04d" % i, "x.npy")):
    yield np.load(os.path.join(eval_dir, "sample_%04d" % i, "x.npy"))
    i += 1


def evaluate_cls(fp32, int8, eval_dir, method):
  labels_file = os.path.join(eval_dir, "labels.npy")
  if not os.path.isfile(labels_file):
    sys.exit("error: %s: no labels.npy (write it with text_lines.py)" %
             eval_dir)
  labels = np.load(labels_file)
  right = {"fp32": 0, "int8": 0}
  same, max_diff = 0, 0.0
  for x, label in zip(samples(eval_dir), labels):
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
        (method, 100.0 * same / n, same, n, max_diff))


def evaluate_det(fp32, int8, eval_dir, method):
  n, diff_sum, max_diff, pixels = 0, 0.0, 0.0, 0
  inter, union, agree, text = 0, 0, 0, 0
  for x in samples(eval_dir):
    a, b = fp32(x), int8(x)
    n += 1
    diff = np.abs(a - b)
    diff_sum += float(diff.sum())
    pixels += diff.size
    max_diff = max(max_diff, float(diff.max()))
    ma, mb = a > 0.3, b > 0.3
    text += int(ma.sum())
    inter += int((ma & mb).sum())
    union += int((ma | mb).sum())
    agree += int((ma == mb).sum())
  if n == 0:
    sys.exit("error: %s: no samples (write them with text_lines.py --page)" %
             eval_dir)
  print("fp32 text mask (p > 0.3): %.2f%% of the pixels" %
        (100.0 * text / pixels))
  print("int8 (calibration %s) vs fp32 on %d pages: probability map mean "
        "|difference| %.4f, max %.3f; text mask IoU %.4f, pixel agreement "
        "%.2f%%" % (method, n, diff_sum / pixels, max_diff,
                    inter / max(union, 1), 100.0 * agree / pixels))


def main():
  p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  p.add_argument("model")
  p.add_argument("eval_dir")
  p.add_argument("--calib-data", required=True)
  p.add_argument("--calib-method", default="minmax")
  p.add_argument("--task", choices=["cls", "det"], default="cls")
  p.add_argument("--qmlir-bin", default=os.path.join(ROOT, "build", "bin"))
  args = p.parse_args()
  qcompile = os.path.join(args.qmlir_bin, "qcompile")
  shape = "1x3x48x192" if args.task == "cls" else None
  if args.task == "det":
    first = next(samples(args.eval_dir), None)
    if first is None:
      sys.exit("error: %s: no samples (write them with text_lines.py "
               "--page)" % args.eval_dir)
    shape = "x".join(str(d) for d in first.shape)
  with tempfile.TemporaryDirectory(prefix="qmlir-ppocr-") as work:
    fp32 = compile_model(qcompile, args.model, shape,
                         os.path.join(work, "fp32.so"), [])
    int8 = compile_model(qcompile, args.model, shape,
                         os.path.join(work, "int8.so"),
                         ["--quant=int8", "--calib-data", args.calib_data,
                          "--calib-method", args.calib_method])
    if args.task == "cls":
      evaluate_cls(fp32, int8, args.eval_dir, args.calib_method)
    else:
      evaluate_det(fp32, int8, args.eval_dir, args.calib_method)


if __name__ == "__main__":
  main()
