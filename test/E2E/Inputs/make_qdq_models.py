#!/usr/bin/env python3
"""Writes QDQ models (as ONNX Runtime's quantizer writes them) for
../qdq-vs-ort.test: OUT/qdq_cnn.onnx, a uint8 conv (per-channel int8 weights,
int32 bias) -> ReLU -> int8-activation conv (per-tensor weights) chain and a
QDQ MatMul head.

  make_qdq_models.py OUT
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(0)
inits, nodes = [], []


def const(name, value):
  inits.append(nh.from_array(value, name))
  return name


def qdq(x, scale, zp, name, axis=None):
  """x -> QuantizeLinear -> DequantizeLinear."""
  s = const(name + "_s", np.array(scale, np.float32))
  z = const(name + "_z", zp)
  nodes.append(h.make_node("QuantizeLinear", [x, s, z], [name + "_q"]))
  nodes.append(h.make_node("DequantizeLinear", [name + "_q", s, z],
                           [name + "_dq"]))
  return name + "_dq"


def weight(name, q, scales, axis):
  s = const(name + "_s", np.array(scales, np.float32))
  z = const(name + "_z", np.zeros(np.shape(scales), np.int8))
  w = const(name + "_q", q)
  attrs = {"axis": axis} if np.ndim(scales) else {}
  nodes.append(h.make_node("DequantizeLinear", [w, s, z], [name], **attrs))
  return name


x = qdq("x", 0.02, np.array(128, np.uint8), "xin")
w1s = rng.uniform(0.002, 0.01, 8).astype(np.float32)
w1 = weight("w1", rng.integers(-127, 128, (8, 3, 3, 3)).astype(np.int8), w1s, 0)
b1s = (0.02 * w1s).astype(np.float32)
b1q = const("b1_q", rng.integers(-2000, 2000, 8).astype(np.int32))
const("b1_s", b1s)
const("b1_z", np.zeros(8, np.int32))
nodes.append(h.make_node("DequantizeLinear", ["b1_q", "b1_s", "b1_z"], ["b1"],
                         axis=0))
nodes.append(h.make_node("Conv", [x, w1, "b1"], ["c1"], pads=[1, 1, 1, 1],
                         name="conv1"))
c1 = qdq("c1", 0.04, np.array(110, np.uint8), "c1o")
nodes.append(h.make_node("Relu", [c1], ["r1"]))
r1 = qdq("r1", 0.03, np.array(-20, np.int8), "r1o")
w2 = weight("w2", rng.integers(-127, 128, (4, 8, 3, 3)).astype(np.int8),
            0.004, 0)
nodes.append(h.make_node("Conv", [r1, w2], ["c2"], strides=[2, 2],
                         pads=[1, 1, 1, 1], name="conv2"))
c2 = qdq("c2", 0.05, np.array(3, np.int8), "c2o")
nodes.append(h.make_node("Reshape", [c2, const("shape", np.array([4, 16],
                                                                 np.int64))],
                         ["flat"]))
w3 = weight("w3", rng.integers(-127, 128, (16, 5)).astype(np.int8),
            rng.uniform(0.01, 0.03, 5).astype(np.float32), 1)
nodes.append(h.make_node("MatMul", ["flat", w3], ["m"], name="head"))
y = qdq("m", 0.1, np.array(0, np.int8), "mo")
nodes.append(h.make_node("Identity", [y], ["y"]))
g = h.make_graph(nodes, "qdq_cnn", [h.make_tensor_value_info("x", T.FLOAT,
                                                             [1, 3, 8, 8])],
                 [h.make_tensor_value_info("y", T.FLOAT, [4, 5])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
onnx.checker.check_model(m)
onnx.save(m, os.path.join(OUT, "qdq_cnn.onnx"))
