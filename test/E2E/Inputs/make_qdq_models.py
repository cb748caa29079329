#!/usr/bin/env python3
"""Writes quantized models (as ONNX Runtime's quantizer writes them) for
../qdq-vs-ort.test: OUT/qdq_cnn.onnx, a uint8 conv (per-channel int8 weights,
int32 bias) -> ReLU -> int8-activation conv (per-tensor weights) chain and a
QDQ MatMul head; OUT/qoperator.onnx, the QOperator and dynamic forms.

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

# OUT/qoperator.onnx: the QOperator form ONNX Runtime's quantizer writes
# (QuantizeLinear -> QLinearConv -> QLinearMatMul -> DequantizeLinear), and
# its dynamic quantization of a MatMul (DynamicQuantizeLinear ->
# MatMulInteger -> Cast -> Mul by x_scale * w_scale -> Add bias).
inits, nodes = [], []
const("xs", np.array(0.02, np.float32))
const("xz", np.array(128, np.uint8))
nodes.append(h.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]))
const("wq", rng.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8))
const("ws", rng.uniform(0.002, 0.01, 4).astype(np.float32))
const("wz", np.zeros(4, np.int8))
const("ys", np.array(0.05, np.float32))
const("yz", np.array(100, np.uint8))
const("bq", rng.integers(-2000, 2000, 4).astype(np.int32))
nodes.append(h.make_node("QLinearConv", ["xq", "xs", "xz", "wq", "ws", "wz",
                                         "ys", "yz", "bq"], ["cq"],
                         pads=[1, 1, 1, 1], strides=[2, 2], name="qconv"))
nodes.append(h.make_node("Reshape", ["cq", const("shape2",
                                                 np.array([4, 16], np.int64))],
                         ["flatq"]))
const("mq", rng.integers(-127, 128, (16, 6)).astype(np.int8))
const("ms", np.array(0.02, np.float32))
const("mz", np.array(0, np.int8))
const("os", np.array(0.08, np.float32))
const("oz", np.array(120, np.uint8))
nodes.append(h.make_node("QLinearMatMul", ["flatq", "ys", "yz", "mq", "ms",
                                           "mz", "os", "oz"], ["oq"],
                         name="qmatmul"))
nodes.append(h.make_node("DequantizeLinear", ["oq", "os", "oz"], ["y"]))
# Dynamic: the float input z [3, 8] times an int8 weight [8, 5].
nodes.append(h.make_node("DynamicQuantizeLinear", ["z"],
                         ["zq", "zs", "zz"]))
const("dw", rng.integers(-127, 128, (8, 5)).astype(np.int8))
const("dws", np.array(0.01, np.float32))
nodes.append(h.make_node("MatMulInteger", ["zq", "dw", "zz"], ["acc"],
                         name="dyn_matmul"))
nodes.append(h.make_node("Cast", ["acc"], ["accf"], to=T.FLOAT))
nodes.append(h.make_node("Mul", ["zs", "dws"], ["scale"]))
nodes.append(h.make_node("Mul", ["accf", "scale"], ["prod"]))
nodes.append(h.make_node("Add", ["prod", const("db", rng.uniform(
    -1, 1, 5).astype(np.float32))], ["d"]))
g = h.make_graph(nodes, "qoperator",
                 [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8]),
                  h.make_tensor_value_info("z", T.FLOAT, [3, 8])],
                 [h.make_tensor_value_info("y", T.FLOAT, [4, 6]),
                  h.make_tensor_value_info("d", T.FLOAT, [3, 5])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
onnx.checker.check_model(m)
onnx.save(m, os.path.join(OUT, "qoperator.onnx"))
