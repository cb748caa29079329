#!/usr/bin/env python3
#===- utils/make_small_cnn.py - build the small CNN example model ----------===#
#
# Writes a small image classifier as an ONNX test folder:
#
#   OUT_DIR/model.onnx
#   OUT_DIR/test_data_set_{0,1}/{input_0.pb,output_0.pb}
#
# image [1,3,32,32] -> Conv(3->8, 3x3, pad 1) -> BatchNormalization -> Relu
#   -> MaxPool 2x2 -> Conv(8->16, 3x3, pad 1) -> BatchNormalization -> Relu
#   -> GlobalAveragePool -> Flatten -> Gemm(16->10, transB=1) -> Softmax
#   -> probs [1,10]
#
# Weights and inputs come from numpy seed 0, so reruns write identical files.
# Expected outputs come from the numpy reference below, not from running the
# model, so the folder checks qmlir against an independent implementation.
# Usage:
#
#   /usr/bin/python3 utils/make_small_cnn.py examples/small_cnn
#
#===------------------------------------------------------------------------===#

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
BN_EPSILON = 1e-5
INPUT_SHAPE = (1, 3, 32, 32)
NUM_CLASSES = 10

#===------------------------------------------------------------------------===#
# Weights.
#===------------------------------------------------------------------------===#


def make_weights(rng):
  """Returns the initializers as an ordered dict of float32 arrays."""

  def conv(out_c, in_c, k):
    fan_in = in_c * k * k
    w = rng.standard_normal((out_c, in_c, k, k)) * np.sqrt(2.0 / fan_in)
    b = rng.standard_normal(out_c) * 0.1
    return w, b

  def bn(c):
    # Non-trivial statistics so a BatchNormalization folded wrongly (or
    # dropped) changes the output.
    scale = rng.uniform(0.5, 1.5, c)
    bias = rng.standard_normal(c) * 0.1
    mean = rng.standard_normal(c) * 0.2
    var = rng.uniform(0.5, 2.0, c)
    return scale, bias, mean, var

  w = {}
  w["conv1.w"], w["conv1.b"] = conv(8, 3, 3)
  w["bn1.scale"], w["bn1.bias"], w["bn1.mean"], w["bn1.var"] = bn(8)
  w["conv2.w"], w["conv2.b"] = conv(16, 8, 3)
  w["bn2.scale"], w["bn2.bias"], w["bn2.mean"], w["bn2.var"] = bn(16)
  w["fc.w"] = rng.standard_normal((NUM_CLASSES, 16)) * np.sqrt(2.0 / 16)
  w["fc.b"] = rng.standard_normal(NUM_CLASSES) * 0.1
  return {k: v.astype(np.float32) for k, v in w.items()}


#===------------------------------------------------------------------------===#
# The ONNX model.
#===------------------------------------------------------------------------===#


def make_model(w):
  nodes = [
      helper.make_node("Conv", ["image", "conv1.w", "conv1.b"], ["c1"],
                       name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
      helper.make_node("BatchNormalization",
                       ["c1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"],
                       ["n1"], name="bn1", epsilon=BN_EPSILON),
      helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
      helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1",
                       kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("Conv", ["p1", "conv2.w", "conv2.b"], ["c2"],
                       name="conv2", kernel_shape=[3, 3], strides=[1, 1],
                       pads=[1, 1, 1, 1]),
      helper.make_node("BatchNormalization",
                       ["c2", "bn2.scale", "bn2.bias", "bn2.mean", "bn2.var"],
                       ["n2"], name="bn2", epsilon=BN_EPSILON),
      helper.make_node("Relu", ["n2"], ["r2"], name="relu2"),
      helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
      helper.make_node("Flatten", ["g"], ["f"], name="flatten", axis=1),
      helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["logits"], name="fc",
                       transB=1),
      helper.make_node("Softmax", ["logits"], ["probs"], name="softmax",
                       axis=-1),
  ]
  graph = helper.make_graph(
      nodes, "small_cnn",
      [helper.make_tensor_value_info("image", TensorProto.FLOAT, INPUT_SHAPE)],
      [helper.make_tensor_value_info("probs", TensorProto.FLOAT,
                                     (1, NUM_CLASSES))],
      initializer=[numpy_helper.from_array(v, k) for k, v in w.items()])
  model = helper.make_model(graph, producer_name="qmlir make_small_cnn.py",
                            opset_imports=[helper.make_opsetid("", OPSET)])
  model.doc_string = "Small CNN example for qmlir (utils/make_small_cnn.py)."
  return model


#===------------------------------------------------------------------------===#
# Numpy reference, float64 throughout; written from the ONNX op specs.
#===------------------------------------------------------------------------===#


def ref_conv(x, w, b, pad, stride=1):
  """NCHW x FCHW convolution, symmetric zero padding."""
  n, c, h, wd = x.shape
  f, c2, kh, kw = w.shape
  assert c == c2
  xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
  oh = (h + 2 * pad - kh) // stride + 1
  ow = (wd + 2 * pad - kw) // stride + 1
  y = np.zeros((n, f, oh, ow))
  # One kernel tap at a time: a strided window of the input times w[:, :, i, j].
  for i in range(kh):
    for j in range(kw):
      win = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
      y += np.einsum("nchw,fc->nfhw", win, w[:, :, i, j])
  return y + b.reshape(1, f, 1, 1)


def ref_batchnorm(x, scale, bias, mean, var, eps):
  shape = (1, -1, 1, 1)
  return ((x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) *
          scale.reshape(shape) + bias.reshape(shape))


def ref_relu(x):
  return np.maximum(x, 0)


def ref_maxpool(x, k, stride):
  n, c, h, w = x.shape
  oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
  y = np.full((n, c, oh, ow), -np.inf)
  for i in range(k):
    for j in range(k):
      y = np.maximum(y, x[:, :, i:i + stride * oh:stride,
                          j:j + stride * ow:stride])
  return y


def ref_global_avgpool(x):
  return x.mean(axis=(2, 3), keepdims=True)


def ref_flatten(x, axis):
  return x.reshape(int(np.prod(x.shape[:axis])), -1)


def ref_gemm(a, b, c, trans_b):
  return a @ (b.T if trans_b else b) + c


def ref_softmax(x, axis=-1):
  e = np.exp(x - x.max(axis=axis, keepdims=True))  # Shifted: no overflow.
  return e / e.sum(axis=axis, keepdims=True)


def reference(image, w):
  w = {k: v.astype(np.float64) for k, v in w.items()}
  x = image.astype(np.float64)
  x = ref_conv(x, w["conv1.w"], w["conv1.b"], pad=1)
  x = ref_batchnorm(x, w["bn1.scale"], w["bn1.bias"], w["bn1.mean"],
                    w["bn1.var"], BN_EPSILON)
  x = ref_maxpool(ref_relu(x), k=2, stride=2)
  x = ref_conv(x, w["conv2.w"], w["conv2.b"], pad=1, stride=1)
  x = ref_batchnorm(x, w["bn2.scale"], w["bn2.bias"], w["bn2.mean"],
                    w["bn2.var"], BN_EPSILON)
  x = ref_global_avgpool(ref_relu(x))
  x = ref_gemm(ref_flatten(x, 1), w["fc.w"], w["fc.b"], trans_b=True)
  return ref_softmax(x, axis=-1).astype(np.float32)


#===------------------------------------------------------------------------===#
# Writing the test folder.
#===------------------------------------------------------------------------===#


def write_tensor(path, array, name):
  with open(path, "wb") as f:
    f.write(numpy_helper.from_array(array, name).SerializeToString())


def check_model(model):
  onnx.checker.check_model(model, full_check=True)
  inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
  shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
            for v in list(inferred.graph.value_info) +
            list(inferred.graph.output)}
  expected = {"c1": [1, 8, 32, 32], "p1": [1, 8, 16, 16],
              "c2": [1, 16, 16, 16], "g": [1, 16, 1, 1], "f": [1, 16],
              "probs": [1, NUM_CLASSES]}
  for name, shape in expected.items():
    if shapes.get(name) != shape:
      sys.exit("error: shape inference gave %s: %s, expected %s" %
               (name, shapes.get(name), shape))


def main():
  parser = argparse.ArgumentParser(
      description="Build the small CNN example (ONNX opset 13) with expected "
      "outputs from a numpy reference, as an ONNX test folder.")
  parser.add_argument("out_dir", metavar="OUT_DIR",
                      help="folder to write model.onnx and test_data_set_N/ to")
  parser.add_argument("--data-sets", type=int, default=2,
                      help="number of test_data_set_N folders "
                      "(default: %(default)s)")
  args = parser.parse_args()

  rng = np.random.default_rng(0)
  weights = make_weights(rng)
  model = make_model(weights)
  check_model(model)

  os.makedirs(args.out_dir, exist_ok=True)
  onnx.save(model, os.path.join(args.out_dir, "model.onnx"))
  for k in range(args.data_sets):
    image = rng.standard_normal(INPUT_SHAPE).astype(np.float32)
    probs = reference(image, weights)
    if probs.shape != (1, NUM_CLASSES) or abs(probs.sum() - 1) > 1e-5:
      sys.exit("error: reference softmax output is not a distribution")
    ds = os.path.join(args.out_dir, "test_data_set_%d" % k)
    os.makedirs(ds, exist_ok=True)
    write_tensor(os.path.join(ds, "input_0.pb"), image, "image")
    write_tensor(os.path.join(ds, "output_0.pb"), probs, "probs")
    print("%s: argmax %d, max %.4f" % (ds, probs.argmax(), probs.max()))
  return 0


if __name__ == "__main__":
  sys.exit(main())
