#!/usr/bin/env python3
#===- test/E2E/Inputs/make_fake_fmnist.py - small Fashion-MNIST look-alikes ===#
#
# Writes folders laid out like Debian's dataset-fashion-mnist (gzipped IDX
# files) but tiny and random, so the Fashion-MNIST tools can be tested
# without the package:
#
#   OUT/good/          40 training and 30 test images, labels 0..9
#   OUT/bad-magic/     the training images' header says 2 dimensions
#   OUT/truncated/     the test images' header promises more than follows
#   OUT/few-labels/    29 test labels for 30 test images
#   OUT/bad-label/     a test label of 10
#   OUT/fixed-batch.onnx  a classifier of [1, 1, 28, 28] images whose Reshape
#                      to [1, 784] ties it to a batch of one
#   OUT/unsupported.onnx  the same classifier of any batch, after a MaxPool
#                      whose Indices output qmlir does not import
#   OUT/two-outputs.onnx  the classifier of any batch, the flattened image
#                      as a second output
#   OUT/two-inputs.onnx   the classifier of any batch, a second input added
#                      to the image
#   OUT/bad-shapes.onnx   a [N, 784] x [700, 10] MatMul: shape inference fails
#
#===------------------------------------------------------------------------===#

import gzip
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def idx(array, rank=None, extra=0):
  """IDX bytes of a uint8 array; `rank` and `extra` make broken headers."""
  rank = array.ndim if rank is None else rank
  dims = list(array.shape) + [1] * (rank - array.ndim)
  dims[0] += extra
  head = bytes([0, 0, 0x08, rank]) + b"".join(
      int(d).to_bytes(4, "big") for d in dims[:rank])
  return head + array.astype(np.uint8).tobytes()


def write(folder, files):
  os.makedirs(folder, exist_ok=True)
  for name, data in files.items():
    with gzip.GzipFile(os.path.join(folder, name), "wb", mtime=0) as f:
      f.write(data)


def classifier(path, first_nodes, shape, rows=784, inputs=(), outputs=()):
  """image -> first_nodes -> 'pooled' -> Reshape(shape) -> 'flat' ->
  MatMul [rows, 10] -> logits, with `inputs` and `outputs` added."""
  w = np.random.default_rng(1).normal(size=(rows, 10)).astype(np.float32)
  value = lambda name, dims: helper.make_tensor_value_info(
      name, TensorProto.FLOAT, dims)
  graph = helper.make_graph(
      first_nodes +
      [helper.make_node("Reshape", ["pooled", "shape"], ["flat"]),
       helper.make_node("MatMul", ["flat", "w"], ["logits"])],
      os.path.splitext(os.path.basename(path))[0],
      [value("image", [1, 1, 28, 28])] + [value(n, d) for n, d in inputs],
      [value("logits", [1, 10])] + [value(n, d) for n, d in outputs],
      [numpy_helper.from_array(np.array(shape, np.int64), "shape"),
       numpy_helper.from_array(w, "w")])
  model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
  onnx.save(model, path)


def main():
  out = sys.argv[1]
  rng = np.random.default_rng(0)
  train = rng.integers(0, 256, (40, 28, 28))
  test = rng.integers(0, 256, (30, 28, 28))
  good = {
      "train-images-idx3-ubyte.gz": idx(train),
      "train-labels-idx1-ubyte.gz": idx(np.arange(40) % 10),
      "t10k-images-idx3-ubyte.gz": idx(test),
      "t10k-labels-idx1-ubyte.gz": idx(np.arange(30) % 10),
  }
  write(os.path.join(out, "good"), good)
  write(os.path.join(out, "bad-magic"),
        dict(good, **{"train-images-idx3-ubyte.gz": idx(train, rank=2)}))
  write(os.path.join(out, "truncated"),
        dict(good, **{"t10k-images-idx3-ubyte.gz": idx(test, extra=1)}))
  write(os.path.join(out, "few-labels"),
        dict(good, **{"t10k-labels-idx1-ubyte.gz": idx(np.arange(29) % 10)}))
  labels = np.arange(30) % 10
  labels[3] = 10
  write(os.path.join(out, "bad-label"),
        dict(good, **{"t10k-labels-idx1-ubyte.gz": idx(labels)}))
  classifier(os.path.join(out, "fixed-batch.onnx"),
             [helper.make_node("Identity", ["image"], ["pooled"])], [1, 784])
  classifier(os.path.join(out, "unsupported.onnx"), [
      helper.make_node("MaxPool", ["image"], ["pooled", "indices"],
                       kernel_shape=[1, 1])
  ], [-1, 784])
  identity = [helper.make_node("Identity", ["image"], ["pooled"])]
  classifier(os.path.join(out, "two-outputs.onnx"), identity, [-1, 784],
             outputs=[("flat", [1, 784])])
  classifier(os.path.join(out, "two-inputs.onnx"),
             [helper.make_node("Add", ["image", "offset"], ["pooled"])],
             [-1, 784], inputs=[("offset", [1, 1, 28, 28])])
  classifier(os.path.join(out, "bad-shapes.onnx"), identity, [-1, 784],
             rows=700)


if __name__ == "__main__":
  main()
