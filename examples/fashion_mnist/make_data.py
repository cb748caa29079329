#!/usr/bin/env python3
#===- examples/fashion_mnist/make_data.py - calibration and test data -----===#
#
# Writes, from Debian's dataset-fashion-mnist, the data the Fashion-MNIST
# model is calibrated and evaluated on (numpy and onnx only, no torch):
#
#   OUT_DIR/calibration/sample_0000/image.npy ...   float32 [1, 1, 28, 28]
#       --calibration-count training images (default 256) drawn without
#       replacement with --seed, one folder per sample, each file named
#       after the model's input (the layout q-calibrate reads);
#   OUT_DIR/test/images_0000.npy, labels_0000.npy ...
#       the first --test-count test images (default all 10,000) in batches
#       of --batch (default 500): float32 [B, 1, 28, 28] and int64 [B],
#       what evaluate.py reads. evaluate.py starts qrun and ONNX Runtime
#       once per batch, so large batches are faster (10,000 images: 20
#       batches of 500 take about a fifth of the time of 100 of 100).
#
# Images are normalized as fmnist_data.py says. OUT_DIR must not exist or be
# empty; it is written in a temporary sibling folder and renamed at the
# end, so an error leaves nothing behind.
#
#   /usr/bin/python3 examples/fashion_mnist/make_data.py /tmp/fmnist
#
#===------------------------------------------------------------------------===#

import argparse
import os
import shutil
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fmnist_data  # pylint: disable=wrong-import-position


def main():
  p = argparse.ArgumentParser(
      description="Write Fashion-MNIST calibration samples and test batches.")
  p.add_argument("out_dir", metavar="OUT_DIR")
  p.add_argument("--model", default=os.path.join(HERE, "model.onnx"),
                 help="the model whose input names the calibration files "
                 "(default: %(default)s)")
  p.add_argument("--dataset-dir", default=fmnist_data.DEFAULT_DIR,
                 help="folder of the gzipped IDX files (default: %(default)s)")
  p.add_argument("--calibration-count", type=int, default=256,
                 help="training images to sample (default: %(default)s)")
  p.add_argument("--test-count", type=int, default=10000,
                 help="first test images to write (default: %(default)s)")
  p.add_argument("--batch", type=int, default=500,
                 help="test images per file (default: %(default)s)")
  p.add_argument("--seed", type=int, default=0,
                 help="seed of the calibration sample (default: %(default)s)")
  args = p.parse_args()

  def fail(message):
    print("error: %s" % message, file=sys.stderr)
    return 1

  if args.calibration_count < 0 or args.test_count < 0 or args.batch < 1:
    return fail("--calibration-count and --test-count must not be negative, "
                "--batch must be positive")
  if args.test_count % args.batch:
    return fail("--test-count %d is not a multiple of --batch %d" %
                (args.test_count, args.batch))
  out = os.path.abspath(args.out_dir)
  if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
    return fail("%s: exists and is not an empty folder" % args.out_dir)

  try:
    input_name = fmnist_data.load_model(args.model)[1].name
    train_images, _ = fmnist_data.load("train", args.dataset_dir)
    test_images, test_labels = fmnist_data.load("test", args.dataset_dir)
  except fmnist_data.DataError as e:
    return fail(e)
  if args.calibration_count > len(train_images):
    return fail("--calibration-count %d: the training set has %d images" %
                (args.calibration_count, len(train_images)))
  if args.test_count > len(test_images):
    return fail("--test-count %d: the test set has %d images" %
                (args.test_count, len(test_images)))

  parent = os.path.dirname(out)
  os.makedirs(parent, exist_ok=True)
  work = tempfile.mkdtemp(prefix="." + os.path.basename(out) + ".", dir=parent)
  try:
    rng = np.random.default_rng(args.seed)
    picks = rng.choice(len(train_images), args.calibration_count, replace=False)
    calibration = fmnist_data.normalize(train_images[picks])
    for k, sample in enumerate(calibration):
      folder = os.path.join(work, "calibration", "sample_%04d" % k)
      os.makedirs(folder)
      np.save(os.path.join(folder, input_name + ".npy"), sample[None])
    test = os.path.join(work, "test")
    os.makedirs(test)
    images = fmnist_data.normalize(test_images[:args.test_count])
    for b in range(args.test_count // args.batch):
      rows = slice(b * args.batch, (b + 1) * args.batch)
      np.save(os.path.join(test, "images_%04d.npy" % b), images[rows])
      np.save(os.path.join(test, "labels_%04d.npy" % b), test_labels[rows])
    if os.path.isdir(out):
      os.rmdir(out)
    os.rename(work, out)
  except BaseException:
    shutil.rmtree(work, ignore_errors=True)
    raise
  batches = args.test_count // args.batch
  print("wrote %s: %d calibration samples (input '%s'), %d test images in "
        "%d batch%s of %d" %
        (args.out_dir, args.calibration_count, input_name, args.test_count,
         batches, "" if batches == 1 else "es", args.batch))
  return 0


if __name__ == "__main__":
  sys.exit(main())
