#!/usr/bin/env python3
"""Writes a model with numpy reference outputs for ../aot-aarch64.test.

Transcendentals (Exp, Log, Tanh, Erf, Sigmoid, Softmax), f16 and bf16 casts,
and the element types of the C ABI besides f32: a float16 input, float16 and
bfloat16 (stored as UINT16, as ONNX's test data does), bool and int64
outputs. Goes to OUT/model.onnx and OUT/test_data_set_0/.

  make_transcendental_model.py OUT
"""

import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

OUT = sys.argv[1]
rng = np.random.default_rng(1)
erf = np.vectorize(math.erf)
R, C = 4, 40

x = rng.uniform(-6, 6, (R, C)).astype(np.float32)
x[0, :4] = [0.0, -0.0, 20.0, -20.0]
hx = rng.uniform(-3, 3, (R, C)).astype(np.float16)
x64 = x.astype(np.float64)


def to_bf16_bits(a):
    """float32 -> bfloat16 bits, round to nearest even (no NaNs here)."""
    bits = a.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits += 0x7FFF + ((bits >> 16) & 1)
    return (bits >> 16).astype(np.uint16)


sig = 1 / (1 + np.exp(-x64))
s = x64 - x64.max(axis=1, keepdims=True)
inputs = [("x", x, TP.FLOAT), ("h", hx, TP.FLOAT16)]
# (name, nodes, reference, ONNX element type)
outputs = [
    ("exp", [h.make_node("Exp", ["x"], ["exp"])],
     np.exp(x64).astype(np.float32), TP.FLOAT),
    ("tanh_f16", [h.make_node("Tanh", ["x"], ["tanh"]),
                  h.make_node("Cast", ["tanh"], ["tanh_f16"], to=TP.FLOAT16)],
     np.tanh(x64).astype(np.float32).astype(np.float16), TP.FLOAT16),
    ("sigmoid_bf16", [h.make_node("Sigmoid", ["x"], ["sig"]),
                      h.make_node("Cast", ["sig"], ["sigmoid_bf16"],
                                  to=TP.BFLOAT16)],
     to_bf16_bits(sig.astype(np.float32)), TP.BFLOAT16),
    ("log_sigmoid", [h.make_node("Log", ["sig"], ["log_sigmoid"])],
     np.log(sig.astype(np.float32).astype(np.float64)).astype(np.float32),
     TP.FLOAT),
    ("erf_h", [h.make_node("Cast", ["h"], ["hf"], to=TP.FLOAT),
               h.make_node("Erf", ["hf"], ["erf_h"])],
     erf(hx.astype(np.float64)).astype(np.float32), TP.FLOAT),
    ("softmax", [h.make_node("Softmax", ["x"], ["softmax"], axis=-1)],
     (np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)).astype(np.float32),
     TP.FLOAT),
    ("positive", [h.make_node("Greater", ["x", "zero"], ["positive"])],
     x > 0, TP.BOOL),
    ("argmax", [h.make_node("ArgMax", ["x"], ["argmax"], axis=1, keepdims=0)],
     x.argmax(axis=1).astype(np.int64), TP.INT64),
]
zero = h.make_node("Constant", [], ["zero"],
                   value=nh.from_array(np.array(0, np.float32)))
nodes = [zero] + [n for _, ns, _, _ in outputs for n in ns]
graph = h.make_graph(
    nodes, "transcendental",
    [h.make_tensor_value_info(n, t, a.shape) for n, a, t in inputs],
    [h.make_tensor_value_info(n, t, a.shape) for n, _, a, t in outputs])
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
model.ir_version = 8
os.makedirs(os.path.join(OUT, "test_data_set_0"), exist_ok=True)
onnx.save(model, os.path.join(OUT, "model.onnx"))
for k, (_, a, _) in enumerate(inputs):
    onnx.save_tensor(nh.from_array(a), f"{OUT}/test_data_set_0/input_{k}.pb")
for k, (_, _, a, _) in enumerate(outputs):
    onnx.save_tensor(nh.from_array(a), f"{OUT}/test_data_set_0/output_{k}.pb")
