#!/usr/bin/env python3
"""Writes models with numpy reference outputs for ../reference-numerics.test.

Larger cases than ONNX's backend tests (batches, groups, per-channel
weights, bias, strides, pads, dilations, output_padding): MatMulInteger,
QLinearConv with ONNX Runtime's requantization (multiplier
x_scale * w_scale / y_scale in f32, round half to even, saturate), and
ConvTranspose. Each goes to OUT/<name>/{model.onnx,test_data_set_0/}.

  make_reference_models.py OUT
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

OUT = sys.argv[1]
rng = np.random.default_rng(0)
def save(name, nodes, inputs, outputs, feeds, expected, inits=[], opset=13):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    d = os.path.join(OUT, name); os.makedirs(d + "/test_data_set_0", exist_ok=True)
    onnx.save(m, d + "/model.onnx")
    for i, a in enumerate(feeds): onnx.save_tensor(nh.from_array(a), f"{d}/test_data_set_0/input_{i}.pb")
    for i, a in enumerate(expected): onnx.save_tensor(nh.from_array(a), f"{d}/test_data_set_0/output_{i}.pb")

# MatMulInteger, batched, per-column b zp
A = rng.integers(0, 256, (2, 33, 70), dtype=np.uint8); B = rng.integers(-128, 128, (70, 40), dtype=np.int8)
az = np.array(7, np.uint8); bz = rng.integers(-5, 5, (40,), dtype=np.int8)
Y = ((A.astype(np.int32) - az) @ (B.astype(np.int32) - bz)).astype(np.int32)
save("mmi", [h.make_node("MatMulInteger", ["A","B","az","bz"], ["Y"])],
     [h.make_tensor_value_info("A", TP.UINT8, A.shape), h.make_tensor_value_info("B", TP.INT8, B.shape),
      h.make_tensor_value_info("az", TP.UINT8, []), h.make_tensor_value_info("bz", TP.INT8, bz.shape)],
     [h.make_tensor_value_info("Y", TP.INT32, Y.shape)], [A, B, az, bz], [Y])

# QLinearConv with groups, per-channel weights, bias, stride, pads: ORT semantics
N, C, H, W, M, G, K = 1, 8, 13, 11, 12, 2, 3
x = rng.integers(0, 256, (N, C, H, W), dtype=np.uint8); xs = np.float32(0.02); xz = np.uint8(120)
w = rng.integers(-128, 128, (M, C // G, K, K), dtype=np.int8); ws = rng.uniform(0.001, 0.01, M).astype(np.float32); wz = np.zeros(M, np.int8)
bias = rng.integers(-2000, 2000, M, dtype=np.int32); ys = np.float32(0.15); yz = np.uint8(100)
pads = [1, 2, 1, 0]; strides = [2, 1]
xp = np.pad(x.astype(np.int32) - int(xz), ((0,0),(0,0),(pads[0],pads[2]),(pads[1],pads[3])))
OH = (xp.shape[2] - K) // strides[0] + 1; OW = (xp.shape[3] - K) // strides[1] + 1
acc = np.zeros((N, M, OH, OW), np.int64)
for m in range(M):
    g = m // (M // G)
    for c in range(C // G):
        for kh in range(K):
            for kw in range(K):
                acc[:, m] += xp[:, g*(C//G)+c, kh:kh+strides[0]*OH:strides[0], kw:kw+strides[1]*OW:strides[1]] * int(w[m, c, kh, kw])
acc = (acc + bias[None, :, None, None]).astype(np.int32)
mult = ((xs * ws) / ys).astype(np.float32)
v = acc.astype(np.float32) * mult[None, :, None, None]
y = np.clip(np.rint(v) + int(yz), 0, 255).astype(np.uint8)
save("qlc", [h.make_node("QLinearConv", ["x","xs","xz","w","ws","wz","ys","yz","bias"], ["y"], group=G, pads=pads, strides=strides)],
     [h.make_tensor_value_info("x", TP.UINT8, x.shape)], [h.make_tensor_value_info("y", TP.UINT8, y.shape)], [x], [y],
     inits=[nh.from_array(np.array(xs), "xs"), nh.from_array(np.array(xz), "xz"), nh.from_array(w, "w"), nh.from_array(ws, "ws"),
            nh.from_array(wz, "wz"), nh.from_array(np.array(ys), "ys"), nh.from_array(np.array(yz), "yz"), nh.from_array(bias, "bias")])

# ConvTranspose, groups + dilation + stride + pads + output_padding, 2-D
N, C, H, W, Mg, G, K = 2, 4, 5, 6, 3, 2, 3
X = rng.standard_normal((N, C, H, W)).astype(np.float32); Wt = rng.standard_normal((C, Mg, K, K)).astype(np.float32)
Bt = rng.standard_normal(Mg * G).astype(np.float32)
s = [2, 3]; d = [2, 1]; p = [1, 0, 2, 1]; op = [1, 2]
full = [ (H-1)*s[0] + d[0]*(K-1) + 1 + op[0], (W-1)*s[1] + d[1]*(K-1) + 1 + op[1]]
F = np.zeros((N, Mg*G, full[0], full[1]), np.float64)
for n in range(N):
  for c in range(C):
    g = c // (C // G)
    for i in range(H):
      for j in range(W):
        for m in range(Mg):
          for kh in range(K):
            for kw in range(K):
              F[n, g*Mg+m, i*s[0]+kh*d[0], j*s[1]+kw*d[1]] += X[n,c,i,j]*Wt[c,m,kh,kw]
Yt = (F[:, :, p[0]:full[0]-p[2], p[1]:full[1]-p[3]] + Bt[None,:,None,None]).astype(np.float32)
save("ct", [h.make_node("ConvTranspose", ["X","W","B"], ["Y"], group=G, strides=s, dilations=d, pads=p, output_padding=op)],
     [h.make_tensor_value_info("X", TP.FLOAT, X.shape), h.make_tensor_value_info("W", TP.FLOAT, Wt.shape), h.make_tensor_value_info("B", TP.FLOAT, Bt.shape)],
     [h.make_tensor_value_info("Y", TP.FLOAT, Yt.shape)], [X, Wt, Bt], [Yt])
