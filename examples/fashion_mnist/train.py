#!/usr/bin/env python3
#===- examples/fashion_mnist/train.py - train the Fashion-MNIST CNN -------===#
#
# Trains the small CNN below on Fashion-MNIST's 60,000 training images, prints
# its accuracy on the 10,000 test images, and exports it to ONNX (opset 13,
# input 'image' float32 [1, 1, 28, 28] normalized as fmnist_data.py says,
# output 'logits' float32 [1, 10]). BatchNormalization stays in the graph
# (exported in inference mode, not folded into the convs), so the
# quantization passes see it as a user's model would have it.
#
#   image -> Conv 3x3 1->16, BN, ReLU                                  28x28
#         -> depthwise 3x3 (groups 16), BN, ReLU6 -> Conv 1x1 16->32, BN, ReLU
#         -> MaxPool 2x2                                               14x14
#         -> depthwise 3x3 (groups 32), BN, ReLU6 -> Conv 1x1 32->64, BN,
#            HardSwish
#         -> MaxPool 2x2                                                 7x7
#         -> Conv 3x3 64->64, BN, ReLU -> GlobalAveragePool -> Linear 64->10
#
# Deterministic: fixed seeds, torch.use_deterministic_algorithms, one thread;
# a rerun on the same machine writes the same model. The committed model took
# about 5 minutes of CPU time and scores 90.95% (docs/accuracy.md). Needs
# Debian's python3-torch (1.13, CPU) and dataset-fashion-mnist (utils/setup.sh
# installs both):
#
#   /usr/bin/python3 examples/fashion_mnist/train.py
#
#===------------------------------------------------------------------------===#

import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist_data  # pylint: disable=wrong-import-position

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 13


def conv_bn(cin, cout, kernel, act, groups=1):
  return [nn.Conv2d(cin, cout, kernel, padding=kernel // 2, groups=groups,
                    bias=False),
          nn.BatchNorm2d(cout), act()]


class FashionCNN(nn.Module):

  def __init__(self):
    super().__init__()
    self.features = nn.Sequential(
        *conv_bn(1, 16, 3, nn.ReLU),
        *conv_bn(16, 16, 3, nn.ReLU6, groups=16),
        *conv_bn(16, 32, 1, nn.ReLU),
        nn.MaxPool2d(2),
        *conv_bn(32, 32, 3, nn.ReLU6, groups=32),
        *conv_bn(32, 64, 1, nn.Hardswish),
        nn.MaxPool2d(2),
        *conv_bn(64, 64, 3, nn.ReLU),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten())
    self.classifier = nn.Linear(64, 10)

  def forward(self, x):
    return self.classifier(self.features(x))


def accuracy(model, x, y, batch=1000):
  model.eval()
  correct = 0
  with torch.no_grad():
    for i in range(0, len(x), batch):
      correct += int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum())
  return correct / len(x)


def main():
  p = argparse.ArgumentParser(
      description="Train the Fashion-MNIST CNN and export it to ONNX.")
  p.add_argument("--output", default=os.path.join(HERE, "model.onnx"),
                 help="where to write the ONNX model (default: %(default)s)")
  p.add_argument("--dataset-dir", default=fmnist_data.DEFAULT_DIR,
                 help="folder of the gzipped IDX files (default: %(default)s)")
  p.add_argument("--epochs", type=int, default=5)
  p.add_argument("--batch-size", type=int, default=128)
  p.add_argument("--lr", type=float, default=0.01,
                 help="peak learning rate of the one-cycle schedule")
  p.add_argument("--seed", type=int, default=0)
  args = p.parse_args()
  if args.epochs < 1 or args.batch_size < 1:
    p.error("--epochs and --batch-size must be positive")

  try:
    train_images, train_labels = fmnist_data.load("train", args.dataset_dir)
    test_images, test_labels = fmnist_data.load("test", args.dataset_dir)
  except fmnist_data.DataError as e:
    sys.exit("error: %s" % e)

  torch.set_num_threads(1)
  torch.set_num_interop_threads(1)
  torch.use_deterministic_algorithms(True)
  torch.manual_seed(args.seed)
  rng = np.random.default_rng(args.seed)

  x = torch.from_numpy(fmnist_data.normalize(train_images))
  y = torch.from_numpy(train_labels)
  tx = torch.from_numpy(fmnist_data.normalize(test_images))
  ty = torch.from_numpy(test_labels)

  model = FashionCNN()
  steps = args.epochs * ((len(x) + args.batch_size - 1) // args.batch_size)
  opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
  sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr,
                                              total_steps=steps)
  loss_fn = nn.CrossEntropyLoss()
  start = time.time()
  for epoch in range(args.epochs):
    model.train()
    order = torch.from_numpy(rng.permutation(len(x)))
    total = 0.0
    for i in range(0, len(x), args.batch_size):
      idx = order[i:i + args.batch_size]
      xb = x[idx]
      # Horizontal flips: clothes look the same mirrored.
      flip = torch.from_numpy(rng.random(len(idx)) < 0.5)
      xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
      opt.zero_grad()
      loss = loss_fn(model(xb), y[idx])
      loss.backward()
      opt.step()
      sched.step()
      total += float(loss) * len(idx)
    print("epoch %d: loss %.4f, test accuracy %.2f%% (%.0f s)" %
          (epoch + 1, total / len(x), 100 * accuracy(model, tx, ty),
           time.time() - start), flush=True)

  model.eval()
  acc = accuracy(model, tx, ty)
  os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
  # PRESERVE exports the eval-mode graph as it is: EVAL would fold each
  # BatchNormalization into the conv before it. Nothing is left to fold.
  torch.onnx.export(model, torch.zeros(1, 1, 28, 28), args.output,
                    opset_version=OPSET, input_names=["image"],
                    output_names=["logits"],
                    training=torch.onnx.TrainingMode.PRESERVE,
                    do_constant_folding=False)
  print("wrote %s (%d bytes)" % (args.output, os.path.getsize(args.output)))
  print("test accuracy (torch, FP32): %.2f%% (%d/%d)" %
        (100 * acc, round(acc * len(tx)), len(tx)))
  return 0


if __name__ == "__main__":
  sys.exit(main())
