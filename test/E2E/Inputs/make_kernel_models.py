#!/usr/bin/env python3
"""Writes small models that exercise every path of the CPU kernels
(q-microkernels) for ../kernels-vs-ort.test, one OUT/NAME.onnx each:
full and partial register blocks, strided and dilated windows, padding,
upsampling ConvTranspose with and without pads, batched and 3-D x 2-D
MatMul, and vectorized reductions with masked tails.

  make_kernel_models.py OUT
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(0)


def weight(name, shape):
  return nh.from_array(rng.standard_normal(shape).astype(np.float32), name)


def save(name, nodes, inputs, outputs, inits, opset=17):
  g = h.make_graph(nodes, name, inputs, outputs, inits)
  m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
  onnx.checker.check_model(m)
  onnx.save(m, os.path.join(OUT, name + ".onnx"))


def fvi(name, shape):
  return h.make_tensor_value_info(name, TP.FLOAT, shape)


# Convolutions: 1x1 (matmul over pixels, 13 filters = 2 row blocks + 1),
# 3x3 stride 2 with padding, dilated 3x3, depthwise 5x5 stride 2 and 3x3
# stride 1 with bias, a grouped conv (generic path), then a chain.
save("convs", [
    h.make_node("Conv", ["x", "w1", "b1"], ["c1"]),
    h.make_node("Conv", ["c1", "w2"], ["c2"], strides=[2, 2], pads=[1, 1, 1, 1]),
    h.make_node("Conv", ["c2", "w3", "b3"], ["c3"], dilations=[2, 2], pads=[2, 2, 2, 2]),
    h.make_node("Conv", ["c3", "w4", "b4"], ["c4"], group=13, strides=[2, 2], pads=[2, 2, 2, 2]),
    h.make_node("Conv", ["c4", "w5", "b5"], ["c5"], group=13, pads=[1, 1, 1, 1]),
    h.make_node("Conv", ["c5", "w6"], ["y"], group=13),
], [fvi("x", [2, 5, 37, 45])], [fvi("y", [2, 13, 10, 12])], [
    weight("w1", [13, 5, 1, 1]), weight("b1", [13]),
    weight("w2", [9, 13, 3, 3]),
    weight("w3", [13, 9, 3, 3]), weight("b3", [13]),
    weight("w4", [13, 1, 5, 5]), weight("b4", [13]),
    weight("w5", [13, 1, 3, 3]), weight("b5", [13]),
    weight("w6", [13, 1, 1, 1]),
])

# Upsampling ConvTranspose (kernel = stride), with and without pads, and a
# general one (kernel 3, stride 2) on the old path.
save("conv_transpose", [
    h.make_node("ConvTranspose", ["x", "w1", "b1"], ["t1"], strides=[2, 2]),
    h.make_node("ConvTranspose", ["t1", "w2"], ["t2"], strides=[3, 3], pads=[1, 2, 1, 2]),
    h.make_node("ConvTranspose", ["x", "w3"], ["y2"], strides=[2, 2], pads=[1, 1, 1, 1]),
    h.make_node("Identity", ["t2"], ["y1"]),
], [fvi("x", [1, 6, 7, 9])], [fvi("y1", [1, 4, 40, 50]), fvi("y2", [1, 3, 13, 17])], [
    weight("w1", [6, 5, 2, 2]), weight("b1", [5]),
    weight("w2", [5, 4, 3, 3]),
    weight("w3", [6, 3, 3, 3]),
])

# MatMul: [B, M, K] x [K, N] (rows of all batches), [B, H, M, K] x
# [B, H, K, N] (batched), odd sizes for partial blocks.
save("matmuls", [
    h.make_node("MatMul", ["x", "w"], ["p"]),
    h.make_node("Reshape", ["p", "shape"], ["heads"]),
    h.make_node("Transpose", ["heads"], ["q"], perm=[0, 2, 1, 3]),
    h.make_node("Transpose", ["heads"], ["k"], perm=[0, 2, 3, 1]),
    h.make_node("MatMul", ["q", "k"], ["y"]),
], [fvi("x", [2, 19, 23])], [fvi("y", [2, 3, 19, 19])], [
    weight("w", [23, 21]),
    nh.from_array(np.array([2, 19, 3, 7], np.int64), "shape"),
])

# Reductions over the innermost axes: GlobalAveragePool (a masked tail),
# ReduceMax, Softmax over 37 elements, ReduceMean keeping dims.
save("reductions", [
    h.make_node("GlobalAveragePool", ["x"], ["y1"]),
    h.make_node("ReduceMax", ["x"], ["y2"], axes=[2, 3], keepdims=0),
    h.make_node("Softmax", ["x"], ["y3"], axis=-1),
    h.make_node("ReduceMean", ["x"], ["y4"], axes=[3], keepdims=1),
], [fvi("x", [2, 5, 3, 37])],
   [fvi("y1", [2, 5, 1, 1]), fvi("y2", [2, 5]), fvi("y3", [2, 5, 3, 37]),
    fvi("y4", [2, 5, 3, 1])], [], opset=13)
