#!/usr/bin/env python3
"""Renders text-line images for PP-OCR's direction classifier.

Words from a text Debian ships (/usr/share/common-licenses/GPL-3), drawn in
DejaVu fonts of random size, weight and grey level on light, noisy paper;
every other line is turned 180 degrees (the classifier's two classes).
Preprocessed as PP-OCR's classifier expects: resized to height 48 keeping
the aspect ratio (at most 192 wide), padded right to 192, scaled to [-1, 1],
three channels. Writes one folder per sample, OUT/sample_NNNN/x.npy
(q-calibrate's layout), and OUT/labels.npy (0 upright, 1 turned).

With --page HxW it writes pages for the text detector instead: several
upright lines placed at random on an HxW page, normalized with ImageNet's
mean and standard deviation as PP-OCR's detector expects (no labels).

  text_lines.py OUT [--count N] [--seed S] [--page 320x320]
"""

import argparse
import glob
import os
import re
import shutil
import sys
import tempfile

import numpy as np
from PIL import Image, ImageDraw, ImageFont

CORPUS = "/usr/share/common-licenses/GPL-3"
FONTS = "/usr/share/fonts/truetype/dejavu"
H, W = 48, 192


def render(rng, words, fonts):
  n = int(rng.integers(2, 6))
  start = int(rng.integers(0, len(words) - n))
  text = " ".join(words[start:start + n])
  font = ImageFont.truetype(fonts[int(rng.integers(len(fonts)))],
                            int(rng.integers(18, 34)))
  left, top, right, bottom = font.getbbox(text)
  pad = int(rng.integers(2, 10))
  img = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad),
                  int(rng.integers(200, 256)))
  ImageDraw.Draw(img).text((pad - left, pad - top), text,
                           fill=int(rng.integers(0, 90)), font=font)
  return img


def preprocess(img):
  w = min(W, max(1, int(round(img.width * H / img.height))))
  img = img.resize((w, H), Image.BILINEAR)
  a = np.asarray(img, np.float32) / 255.0
  out = np.zeros((3, H, W), np.float32)  # zero after normalization: padding
  out[:, :, :w] = (a - 0.5) / 0.5
  return out[None]


def page(rng, words, fonts, h, w):
  img = Image.new("L", (w, h), int(rng.integers(200, 256)))
  y = int(rng.integers(0, 12))
  while y < h - 16:
    line = render(rng, words, fonts)
    if line.width > w:
      line = line.resize((w, max(1, line.height * w // line.width)))
    x = int(rng.integers(0, max(1, w - line.width)))
    img.paste(line, (x, y))
    y += line.height + int(rng.integers(4, 24))
  a = np.asarray(img.convert("RGB"), np.float32) / 255.0
  mean = np.array([0.485, 0.456, 0.406], np.float32)
  std = np.array([0.229, 0.224, 0.225], np.float32)
  return ((a - mean) / std).transpose(2, 0, 1)[None].astype(np.float32)


def main():
  p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  p.add_argument("out")
  p.add_argument("--count", type=int, default=256)
  p.add_argument("--seed", type=int, default=0)
  p.add_argument("--page", metavar="HxW",
                 help="write detector pages of this size instead of lines")
  args = p.parse_args()
  if args.count < 1:
    sys.exit("error: --count must be positive")
  size = None
  if args.page:
    try:
      size = [int(v) for v in args.page.split("x")]
      assert len(size) == 2 and min(size) >= 32
    except (ValueError, AssertionError):
      sys.exit("error: --page takes HxW, each at least 32 (e.g. 320x320)")
  fonts = sorted(glob.glob(os.path.join(FONTS, "DejaVu*.ttf")))
  if not os.path.isfile(CORPUS) or not fonts:
    sys.exit("error: needs %s and DejaVu fonts in %s (Debian base-files, "
             "fonts-dejavu-core)" % (CORPUS, FONTS))
  words = re.findall(r"[A-Za-z][A-Za-z'-]+", open(CORPUS).read())
  rng = np.random.default_rng(args.seed)
  work = tempfile.mkdtemp(prefix=".text-lines-",
                          dir=os.path.dirname(os.path.abspath(args.out)))
  try:
    labels = []
    for i in range(args.count):
      if size:
        d = os.path.join(work, "sample_%04d" % i)
        os.makedirs(d)
        np.save(os.path.join(d, "x.npy"), page(rng, words, fonts, *size))
        continue
      img = render(rng, words, fonts)
      turned = i % 2
      if turned:
        img = img.rotate(180)
      x = preprocess(img)
      x += rng.normal(0, 0.02, x.shape).astype(np.float32)
      d = os.path.join(work, "sample_%04d" % i)
      os.makedirs(d)
      np.save(os.path.join(d, "x.npy"), x)
      labels.append(turned)
    if not size:
      np.save(os.path.join(work, "labels.npy"), np.array(labels, np.int64))
    if os.path.exists(args.out):
      shutil.rmtree(args.out)
    os.rename(work, args.out)
  finally:
    shutil.rmtree(work, ignore_errors=True)
  if size:
    print("wrote %s: %d pages of %dx%d" % (args.out, args.count, *size))
  else:
    print("wrote %s: %d text lines (%d turned)" %
          (args.out, args.count, sum(labels)))


if __name__ == "__main__":
  main()
