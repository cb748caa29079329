#!/usr/bin/env python3
#===- test/E2E/Inputs/check_fmnist_data.py - check make_data.py's output --===#
#
# Checks a folder written by examples/fashion_mnist/make_data.py against the
# dataset it came from, reading the IDX files on its own:
#   - calibration/sample_NNNN/ (numbered from 0) each hold only INPUT.npy,
#     float32 [1, 1, 28, 28], equal to a normalized training image, no two
#     the same image;
#   - test/images_NNNN.npy, labels_NNNN.npy, concatenated, are the first
#     test images (normalized) and their labels.
# Prints "data ok: ..." or fails with an assertion.
#
# usage: check_fmnist_data.py DATA_DIR DATASET_DIR INPUT_NAME
#
#===------------------------------------------------------------------------===#

import glob
import gzip
import os
import sys

import numpy as np


def idx(path, header):
  with gzip.open(path, "rb") as f:
    return np.frombuffer(f.read()[header:], np.uint8)


def normalized(pixels):
  return ((pixels.astype(np.float32) / np.float32(255) - np.float32(0.2860)) /
          np.float32(0.3530))


def main():
  data, dataset, name = sys.argv[1:4]
  train = normalized(
      idx(os.path.join(dataset, "train-images-idx3-ubyte.gz"), 16)).reshape(
          -1, 784)
  test = normalized(
      idx(os.path.join(dataset, "t10k-images-idx3-ubyte.gz"), 16)).reshape(
          -1, 1, 28, 28)
  test_labels = idx(os.path.join(dataset, "t10k-labels-idx1-ubyte.gz"), 8)

  samples = sorted(os.listdir(os.path.join(data, "calibration")))
  assert samples == ["sample_%04d" % k for k in range(len(samples))], samples
  picked = set()
  for s in samples:
    folder = os.path.join(data, "calibration", s)
    assert os.listdir(folder) == [name + ".npy"], os.listdir(folder)
    x = np.load(os.path.join(folder, name + ".npy"))
    assert x.dtype == np.float32 and x.shape == (1, 1, 28, 28), x.shape
    rows = np.nonzero((train == x.reshape(1, 784)).all(axis=1))[0]
    assert len(rows) == 1, "%s: not one training image" % s
    picked.add(int(rows[0]))
  assert len(picked) == len(samples), "a training image is used twice"

  images = sorted(glob.glob(os.path.join(data, "test", "images_*.npy")))
  labels = sorted(glob.glob(os.path.join(data, "test", "labels_*.npy")))
  assert len(images) == len(labels) and images, (images, labels)
  x = np.concatenate([np.load(f) for f in images])
  y = np.concatenate([np.load(f) for f in labels])
  assert x.dtype == np.float32 and y.dtype == np.int64, (x.dtype, y.dtype)
  np.testing.assert_array_equal(x, test[:len(x)])
  np.testing.assert_array_equal(y, test_labels[:len(y)])
  print("data ok: %d calibration samples of %d training images, the first %d "
        "of %d test images in %d files" %
        (len(samples), len(train), len(x), len(test), len(images)))


if __name__ == "__main__":
  main()
