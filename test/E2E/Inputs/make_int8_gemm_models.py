#!/usr/bin/env python3
"""Writes models with MatMulInteger and ConvInteger on constant int8 weights
for ../int8-kernels.test, with inputs (.npy) and exact expected outputs
(numpy, in int64):

  OUT/matmuls.onnx   uint8 and int8 activations with zero points, odd K and
                     N (not multiples of 4 or 16), a batched 3-D activation,
                     uint8 weights with per-column zero points, an int8
                     weight zero point, a K long enough for several depth
                     blocks, a zero point computed at run time
                     (DynamicQuantizeLinear), extreme values (0/255 x
                     -128/127)
  OUT/convs.onnx     ConvInteger: 1x1 (stride 1) with uint8 and int8
                     activations, a batch of 2, odd channel counts; 3x3 with
                     padding, with stride 2 and asymmetric padding, a 3x2
                     dilated one with uint8 weights and per-channel weight
                     zero points, a strided 1x1, and a grouped one (the
                     generic lowering)
  OUT/convs_per_channel.onnx  per-channel weight zero points (1x1 and 3x3)
  OUT/inputs/NAME.npy, OUT/expected/OUTPUT.npy

  make_int8_gemm_models.py OUT
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

OUT = sys.argv[1]
os.makedirs(os.path.join(OUT, "inputs"), exist_ok=True)
os.makedirs(os.path.join(OUT, "expected"), exist_ok=True)
rng = np.random.default_rng(7)


def u8(shape, extremes=True):
  x = rng.integers(0, 256, shape).astype(np.uint8)
  if extremes:
    x.flat[::5] = 255
    x.flat[1::7] = 0
  return x


def s8(shape, extremes=True):
  x = rng.integers(-128, 128, shape).astype(np.int8)
  if extremes:
    x.flat[::3] = 127
    x.flat[1::4] = -128
  return x


def save(model, name, feeds, expected):
  onnx.checker.check_model(model)
  onnx.save(model, os.path.join(OUT, name))
  for k, v in feeds.items():
    np.save(os.path.join(OUT, "inputs", k + ".npy"), v)
  for k, v in expected.items():
    assert v.min() >= -2**31 and v.max() < 2**31, k
    np.save(os.path.join(OUT, "expected", k + ".npy"), v.astype(np.int32))


def i64(x):
  return np.asarray(x).astype(np.int64)


# MatMulInteger.
inits, nodes, inputs, outputs, feeds, expected = [], [], [], [], {}, {}


def const(name, value):
  inits.append(nh.from_array(value, name))
  return name


def graph_input(name, value, elem):
  inputs.append(h.make_tensor_value_info(name, elem, value.shape))
  feeds[name] = value
  return name


def matmul(out, a, b, azp=None, bzp=None, ref=None):
  args = [a, b] + ([azp] if azp or bzp else []) + ([bzp] if bzp else [])
  if bzp and not azp:
    args = [a, b, "", bzp]
  nodes.append(h.make_node("MatMulInteger", args, [out], name=out))
  outputs.append(h.make_tensor_value_info(out, T.INT32, ref.shape))
  expected[out] = ref


xu = u8((7, 37))
xs = s8((7, 37))
xb = u8((2, 5, 37))
xl = u8((13, 600))
xf = rng.normal(0, 1, (6, 37)).astype(np.float32)
graph_input("xu", xu, T.UINT8)
graph_input("xs", xs, T.INT8)
graph_input("xb", xb, T.UINT8)
graph_input("xl", xl, T.UINT8)
graph_input("xf", xf, T.FLOAT)
w1 = s8((37, 45))
w2 = u8((37, 45))
w3 = s8((600, 70))
const("w1", w1)
const("w2", w2)
const("w3", w3)
const("zu", np.array(131, np.uint8))
const("zs", np.array(-7, np.int8))
const("zl", np.array(17, np.uint8))
zw2 = rng.integers(0, 256, 45).astype(np.uint8)
const("zw2", zw2)
const("zw1", np.array(3, np.int8))

matmul("y_u8", "xu", "w1", "zu", ref=(i64(xu) - 131) @ i64(w1))
matmul("y_s8", "xs", "w1", "zs", ref=(i64(xs) + 7) @ i64(w1))
matmul("y_batch", "xb", "w1", ref=i64(xb) @ i64(w1))
matmul("y_u8w", "xu", "w2", "zu", "zw2",
       ref=(i64(xu) - 131) @ (i64(w2) - i64(zw2)))
matmul("y_s8_wzp", "xs", "w1", "zs", "zw1",
       ref=(i64(xs) + 7) @ (i64(w1) - 3))
matmul("y_long", "xl", "w3", "zl", ref=(i64(xl) - 17) @ i64(w3))
nodes.append(h.make_node("DynamicQuantizeLinear", ["xf"],
                         ["xq", "xq_scale", "xq_zp"]))
# DynamicQuantizeLinear as ONNX defines it, for the expected output.
lo, hi = min(0.0, float(xf.min())), max(0.0, float(xf.max()))
scale = np.float32((hi - lo) / 255.0)
zp = np.uint8(np.clip(np.round(np.float32(0 - lo) / scale), 0, 255))
xq = np.clip(np.round(xf / scale) + zp, 0, 255).astype(np.uint8)
matmul("y_dynamic", "xq", "w1", "xq_zp", ref=(i64(xq) - i64(zp)) @ i64(w1))
graph = h.make_graph(nodes, "int8_matmuls", inputs, outputs, inits)
save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]),
     "matmuls.onnx", feeds, expected)

# ConvInteger.
inits, nodes, inputs, outputs, feeds, expected = [], [], [], [], {}, {}


def conv_ref(x, w, xzp, wzp=0, pads=(0, 0, 0, 0), strides=(1, 1),
             dilations=(1, 1), group=1):
  """Exact NCHW convolution; pads (top, left, bottom, right) hold the zero
  point, so (x - xzp) is padded with 0."""
  x = i64(x) - xzp
  w = i64(w) - np.reshape(i64(wzp), (-1, 1, 1, 1))
  x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
  n, c, hh, ww = x.shape
  m, cg, kh, kw = w.shape
  sy, sx = strides
  dy, dx = dilations
  oh = (hh - dy * (kh - 1) - 1) // sy + 1
  ow = (ww - dx * (kw - 1) - 1) // sx + 1
  y = np.zeros((n, m, oh, ow), np.int64)
  mg = m // group
  for g in range(group):
    xs = x[:, g * cg:(g + 1) * cg]
    for i in range(kh):
      for j in range(kw):
        win = xs[:, :, i * dy:i * dy + sy * (oh - 1) + 1:sy,
                 j * dx:j * dx + sx * (ow - 1) + 1:sx]
        y[:, g * mg:(g + 1) * mg] += np.einsum(
            "mc,nchw->nmhw", w[g * mg:(g + 1) * mg, :, i, j], win)
  return y


def conv(out, x, w, xzp, ref, wzp=None, **attrs):
  args = [x, w, xzp] + ([wzp] if wzp else [])
  nodes.append(h.make_node("ConvInteger", args, [out], name=out, **attrs))
  outputs.append(h.make_tensor_value_info(out, T.INT32, ref.shape))
  expected[out] = ref


cu = u8((2, 19, 5, 7))
cs = s8((1, 22, 9, 9))
cw = u8((2, 7, 11, 13))
graph_input("cu", cu, T.UINT8)
graph_input("cs", cs, T.INT8)
graph_input("cw", cw, T.UINT8)
k1 = s8((21, 19, 1, 1))
k2 = s8((35, 22, 1, 1))
k3 = s8((6, 22, 3, 3))
k4 = s8((18, 7, 3, 3))
k5 = u8((5, 7, 3, 2))
k6 = s8((4, 7, 1, 1))
k7 = s8((6, 11, 3, 3))
# Depthwise 5x5 at the extremes: every |x - zp| and |w| as large as they
# get, so the sums are the largest a depthwise conv makes (computed in f32,
# which holds them exactly).
k8 = np.where(np.arange(22 * 25).reshape(22, 1, 5, 5) % 2 == 0, -128,
              127).astype(np.int8)
for name, value in [("k1", k1), ("k2", k2), ("k3", k3), ("k4", k4),
                    ("k5", k5), ("k6", k6), ("k7", k7), ("k8", k8)]:
  const(name, value)
const("zcu", np.array(200, np.uint8))
const("zcs", np.array(-100, np.int8))
const("zcw", np.array(37, np.uint8))
const("zk5", np.array(131, np.uint8))
# 1x1, stride 1, no padding: per image, weight rows x flattened pixels.
conv("c_u8", "cu", "k1", "zcu", conv_ref(cu, k1, 200))
conv("c_s8", "cs", "k2", "zcs", conv_ref(cs, k2, -100))
# Windows: padded 3x3; strided with asymmetric padding; dilated with uint8
# weights and a weight zero point; a strided 1x1.
conv("c_3x3", "cs", "k3", "zcs", conv_ref(cs, k3, -100, pads=(1, 1, 1, 1)),
     pads=[1, 1, 1, 1])
conv("c_strided", "cw", "k4", "zcw",
     conv_ref(cw, k4, 37, pads=(1, 0, 2, 1), strides=(2, 2)),
     pads=[1, 0, 2, 1], strides=[2, 2])
conv("c_dilated", "cw", "k5", "zcw",
     conv_ref(cw, k5, 37, wzp=131, dilations=(2, 3)), wzp="zk5",
     dilations=[2, 3])
conv("c_1x1_s2", "cw", "k6", "zcw", conv_ref(cw, k6, 37, strides=(2, 3)),
     strides=[2, 3])
# Two groups: the generic lowering.
conv("c_grouped", "cs", "k7", "zcs",
     conv_ref(cs, k7, -100, pads=(1, 1, 1, 1), group=2), pads=[1, 1, 1, 1],
     group=2)
conv("c_depthwise", "cs", "k8", "zcs",
     conv_ref(cs, k8, -100, pads=(2, 2, 2, 2), group=22), pads=[2, 2, 2, 2],
     group=22)
graph = h.make_graph(nodes, "int8_convs", inputs, outputs, inits)
save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]),
     "convs.onnx", feeds, expected)

# Per-channel weight zero points (which ONNX Runtime's ConvInteger rejects),
# on a 1x1 and on a padded 3x3 convolution.
inits, nodes, inputs, outputs, feeds, expected = [], [], [], [], {}, {}
graph_input("cw", cw, T.UINT8)
k8 = u8((9, 7, 1, 1))
k9 = u8((5, 7, 3, 3))
const("k8", k8)
const("k9", k9)
const("zcw", np.array(37, np.uint8))
zk8 = rng.integers(0, 256, 9).astype(np.uint8)
zk9 = rng.integers(0, 256, 5).astype(np.uint8)
const("zk8", zk8)
const("zk9", zk9)
conv("c_pc_1x1", "cw", "k8", "zcw", conv_ref(cw, k8, 37, wzp=zk8), wzp="zk8")
conv("c_pc_3x3", "cw", "k9", "zcw",
     conv_ref(cw, k9, 37, wzp=zk9, pads=(1, 1, 1, 1)), wzp="zk9",
     pads=[1, 1, 1, 1])
graph = h.make_graph(nodes, "int8_convs_per_channel", inputs, outputs, inits)
save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]),
     "convs_per_channel.onnx", feeds, expected)
