#!/usr/bin/env python3
"""Agreement of two runs' outputs (folders of NAME.npy, as compare_ort.py
--keep writes them) in units of one quantization step: max and mean
|a - b| / STEP, the share of elements within one step, and the share of
elements on the same side of THRESHOLD (a probability map's text mask).

  output_agreement.py DIR_A DIR_B --step 0.00392 [--threshold 0.3]
"""

import argparse
import os
import sys

import numpy as np


def main():
  p = argparse.ArgumentParser()
  p.add_argument("a")
  p.add_argument("b")
  p.add_argument("--step", type=float, required=True)
  p.add_argument("--threshold", type=float)
  args = p.parse_args()
  names = sorted(f for f in os.listdir(args.a) if f.endswith(".npy"))
  if not names:
    print("error: %s: no .npy outputs" % args.a, file=sys.stderr)
    return 1
  for name in names:
    a = np.load(os.path.join(args.a, name)).astype(np.float64)
    b = np.load(os.path.join(args.b, name)).astype(np.float64)
    d = np.abs(a - b) / args.step
    line = ("%s: max %.3g steps, mean %.3g steps, within one step %.2f%%" %
            (name[:-4], d.max(), d.mean(), 100.0 * (d <= 1.0).mean()))
    if args.threshold is not None:
      same = ((a > args.threshold) == (b > args.threshold)).mean()
      line += ", same side of %g %.2f%%" % (args.threshold, 100.0 * same)
    print(line)
  return 0


if __name__ == "__main__":
  sys.exit(main())
