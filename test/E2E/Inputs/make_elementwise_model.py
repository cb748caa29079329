#!/usr/bin/env python3
"""Writes a model with numpy reference outputs for ../elementwise-numerics.test.

What ONNX's backend tests leave out of the element-wise ops: integer and
unsigned arithmetic (Pow, Min/Max, comparisons, Sign, Abs), casts between
integer types and from floats (truncation toward zero), round half to even,
bool logic on tensors large enough to vectorize, f16 and f64 math, Gelu
(opset 20), and inputs where a naive formula overflows (Softplus). Goes to
OUT/model.onnx and OUT/test_data_set_0/.

  make_elementwise_model.py OUT
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
rng = np.random.default_rng(0)
erf = np.vectorize(math.erf)
R, C = 4, 24

# Inputs.
x = (rng.standard_normal((R, C)) * 3).astype(np.float32)
x[0, :12] = np.arange(-6, 6) + 0.5          # halves: round to even
x[1, :4] = [80.0, -80.0, 200.0, -200.0]     # softplus must not overflow
y = rng.uniform(-3, 3, C).astype(np.float32)
y[::2] = np.round(y[::2])                   # integral exponents
u = rng.integers(0, 256, (R, C), dtype=np.uint8)
v = rng.integers(0, 256, C, dtype=np.uint8)
i = rng.integers(-6, 7, (R, C), dtype=np.int32)
e = rng.integers(-2, 7, C, dtype=np.int64)
# 0^-n is undefined.
i[:, e < 0] = np.where(i[:, e < 0] == 0, 1, i[:, e < 0])
p = rng.standard_normal((R, C)) > 0
hx = x.astype(np.float16)
dx = x.astype(np.float64)
inputs = [("x", x), ("y", y), ("u", u), ("v", v), ("i", i), ("e", e), ("p", p),
          ("h", hx), ("d", dx)]

# Outputs: (name, node, numpy reference).
x64 = x.astype(np.float64)
with np.errstate(all="ignore"):
    pow_f = np.power(x64, y.astype(np.float64)).astype(np.float32)
ie = np.power(i.astype(np.float64), e.astype(np.float64))
pow_i = np.trunc(ie).astype(np.int32)   # 2^-1 -> 0, (-1)^-1 -> -1
ia, ya = np.abs(i), np.abs(y)
pow_if = np.trunc(np.power(ia.astype(np.float64),
                           ya.astype(np.float64))).astype(np.int32)
lt = u < v
s = x64 - x64.max(axis=1, keepdims=True)
A, G = 1.67326319217681884765625, 1.05070102214813232421875
outputs = [
    ("pow_f", h.make_node("Pow", ["x", "y"], ["pow_f"]), pow_f),
    ("pow_i", h.make_node("Pow", ["i", "e"], ["pow_i"]), pow_i),
    ("pow_if", h.make_node("Pow", ["ia", "ya"], ["pow_if"]), pow_if),
    ("min_u", h.make_node("Min", ["u", "v"], ["min_u"]), np.minimum(u, v)),
    ("max_i", h.make_node("Max", ["i", "ia"], ["max_i"]), np.maximum(i, ia)),
    ("lt_u", h.make_node("Less", ["u", "v"], ["lt_u"]), lt),
    ("ge_f", h.make_node("GreaterOrEqual", ["x", "y"], ["ge_f"]), x >= y),
    ("eq_i", h.make_node("Equal", ["i", "ia"], ["eq_i"]), i == ia),
    ("xor", h.make_node("Xor", ["p", "lt_u"], ["xor"]), p ^ lt),
    ("not", h.make_node("Not", ["p"], ["not"]), ~p),
    ("where", h.make_node("Where", ["p", "x", "y"], ["where"]), np.where(p, x, y)),
    ("sign_i", h.make_node("Sign", ["i"], ["sign_i"]), np.sign(i)),
    ("abs_i", h.make_node("Abs", ["i"], ["abs_i"]), ia),
    ("round", h.make_node("Round", ["x"], ["round"]), np.round(x)),
    ("to_i32", h.make_node("Cast", ["x"], ["to_i32"], to=TP.INT32),
     np.trunc(x).astype(np.int32)),
    ("u_to_i8", h.make_node("Cast", ["u"], ["u_to_i8"], to=TP.INT8),
     u.astype(np.int8)),
    ("i_to_u16", h.make_node("Cast", ["i"], ["i_to_u16"], to=TP.UINT16),
     i.astype(np.uint16)),
    ("u_to_f", h.make_node("Cast", ["u"], ["u_to_f"], to=TP.FLOAT),
     u.astype(np.float32)),
    ("to_bool", h.make_node("Cast", ["i"], ["to_bool"], to=TP.BOOL), i != 0),
    ("gelu", h.make_node("Gelu", ["x"], ["gelu"]),
     (0.5 * x64 * (1 + erf(x64 / math.sqrt(2)))).astype(np.float32)),
    ("gelu_tanh", h.make_node("Gelu", ["x"], ["gelu_tanh"], approximate="tanh"),
     (0.5 * x64 * (1 + np.tanh(math.sqrt(2 / math.pi) *
                               (x64 + 0.044715 * x64**3)))).astype(np.float32)),
    ("softplus", h.make_node("Softplus", ["x"], ["softplus"]),
     np.logaddexp(0, x64).astype(np.float32)),
    ("selu", h.make_node("Selu", ["x"], ["selu"]),
     np.where(x64 > 0, G * x64, G * (A * np.exp(x64) - A)).astype(np.float32)),
    ("hard_swish", h.make_node("HardSwish", ["x"], ["hard_swish"]),
     (x64 * np.clip(x64 / 6 + 0.5, 0, 1)).astype(np.float32)),
    ("log_softmax", h.make_node("LogSoftmax", ["x"], ["log_softmax"]),
     (s - np.log(np.exp(s).sum(axis=1, keepdims=True))).astype(np.float32)),
    ("mean", h.make_node("Mean", ["x", "y"], ["mean"]),
     ((x64 + y) / 2).astype(np.float32)),
    ("erf_f16", h.make_node("Erf", ["h"], ["erf_f16"]),
     erf(hx.astype(np.float64)).astype(np.float16)),
    ("tanh_f64", h.make_node("Tanh", ["d"], ["tanh_f64"]), np.tanh(dx)),
    ("sin_f64", h.make_node("Sin", ["d"], ["sin_f64"]), np.sin(dx)),
]
helpers = [h.make_node("Abs", ["i"], ["ia"]), h.make_node("Abs", ["y"], ["ya"])]
nodes = helpers + [n for _, n, _ in outputs]
np_to_tp = {np.dtype(k): v for k, v in [
    (np.float16, TP.FLOAT16), (np.float32, TP.FLOAT), (np.float64, TP.DOUBLE),
    (np.int8, TP.INT8), (np.int32, TP.INT32), (np.int64, TP.INT64),
    (np.uint8, TP.UINT8), (np.uint16, TP.UINT16), (np.bool_, TP.BOOL)]}
info = lambda name, a: h.make_tensor_value_info(name, np_to_tp[a.dtype], a.shape)
graph = h.make_graph(nodes, "elementwise",
                     [info(n, a) for n, a in inputs],
                     [info(n, a) for n, _, a in outputs])
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 20)])
model.ir_version = 9
os.makedirs(os.path.join(OUT, "test_data_set_0"), exist_ok=True)
onnx.save(model, os.path.join(OUT, "model.onnx"))
for k, (_, a) in enumerate(inputs):
    onnx.save_tensor(nh.from_array(a), f"{OUT}/test_data_set_0/input_{k}.pb")
for k, (_, _, a) in enumerate(outputs):
    onnx.save_tensor(nh.from_array(a), f"{OUT}/test_data_set_0/output_{k}.pb")
