#!/usr/bin/env python3
#===- benchmarks/make_transformer.py - a transformer encoder as ONNX -------===#
#
# Writes a BERT-style (post-norm) transformer encoder as an ONNX model
# (opset 17), the transformer-shaped workload of benchmarks/fp32_vs_ort.py.
# Each layer, on x [1, SEQ, HIDDEN]:
#
#   q, k, v = x @ W + b                       (MatMul + Add)
#   to heads: Reshape [1, SEQ, HEADS, D] -> Transpose (k to [1, HEADS, D, SEQ])
#   p = Softmax((q @ k) * 1/sqrt(D))          (MatMul, Mul, Softmax)
#   a = Transpose/Reshape(p @ v) @ Wo + bo    (MatMul, output projection)
#   h = LayerNormalization(x + a)             (residual Add)
#   f = GELU(h @ W1 + b1) @ W2 + b2           (erf form: Div, Erf, Add, Mul)
#   x = LayerNormalization(h + f)
#
# and the last x is the output y. Weights come from numpy seed 0, so reruns
# write identical files. Usage:
#
#   /usr/bin/python3 benchmarks/make_transformer.py -o transformer.onnx
#       [--layers 2] [--seq 128] [--hidden 256] [--heads 4] [--ffn 1024]
#
#===------------------------------------------------------------------------===#

import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
LN_EPSILON = 1e-5


class GraphBuilder:
  """Collects nodes and initializers with unique, readable names."""

  def __init__(self, rng):
    self.rng = rng
    self.nodes = []
    self.inits = []

  def const(self, name, array):
    self.inits.append(numpy_helper.from_array(array, name))
    return name

  def weight(self, name, shape, fan_in):
    w = self.rng.standard_normal(shape) / np.sqrt(fan_in)
    return self.const(name, w.astype(np.float32))

  def bias(self, name, n):
    return self.const(name, (self.rng.standard_normal(n) * 0.02).astype(
        np.float32))

  def node(self, op, inputs, name, **attrs):
    self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
    return name


def linear(g, x, prefix, n_in, n_out):
  y = g.node("MatMul", [x, g.weight(prefix + ".weight", (n_in, n_out), n_in)],
             prefix + ".matmul")
  return g.node("Add", [y, g.bias(prefix + ".bias", n_out)], prefix + ".add")


def layer_norm(g, x, prefix, hidden):
  scale = g.const(prefix + ".scale", (1.0 + 0.1 * g.rng.standard_normal(
      hidden)).astype(np.float32))
  bias = g.bias(prefix + ".beta", hidden)
  return g.node("LayerNormalization", [x, scale, bias], prefix, axis=-1,
                epsilon=LN_EPSILON)


def gelu(g, x, prefix):
  """0.5 * x * (1 + erf(x / sqrt(2))), as exporters write it."""
  d = g.node("Div", [x, g.const(prefix + ".sqrt2",
                                np.array(np.sqrt(2.0), np.float32))],
             prefix + ".div")
  e = g.node("Erf", [d], prefix + ".erf")
  a = g.node("Add", [e, g.const(prefix + ".one", np.array(1.0, np.float32))],
             prefix + ".add")
  m = g.node("Mul", [x, a], prefix + ".mul")
  return g.node("Mul", [m, g.const(prefix + ".half",
                                   np.array(0.5, np.float32))],
                prefix + ".half_mul")


def encoder_layer(g, x, i, args):
  p = "layer%d" % i
  h, heads = args.hidden, args.heads
  d = h // heads
  to_heads = g.const(p + ".heads_shape",
                     np.array([1, args.seq, heads, d], np.int64))
  from_heads = g.const(p + ".hidden_shape", np.array([1, args.seq, h],
                                                     np.int64))

  def split_heads(name, perm):
    y = linear(g, x, "%s.attn.%s" % (p, name), h, h)
    y = g.node("Reshape", [y, to_heads], "%s.attn.%s.reshape" % (p, name))
    return g.node("Transpose", [y], "%s.attn.%s.transpose" % (p, name),
                  perm=perm)

  q = split_heads("query", [0, 2, 1, 3])   # [1, heads, seq, d]
  k = split_heads("key", [0, 2, 3, 1])     # [1, heads, d, seq]
  v = split_heads("value", [0, 2, 1, 3])   # [1, heads, seq, d]
  s = g.node("MatMul", [q, k], p + ".attn.scores")
  s = g.node("Mul", [s, g.const(p + ".attn.scale", np.array(
      1.0 / np.sqrt(d), np.float32))], p + ".attn.scaled")
  s = g.node("Softmax", [s], p + ".attn.softmax", axis=-1)
  o = g.node("MatMul", [s, v], p + ".attn.context")
  o = g.node("Transpose", [o], p + ".attn.context.transpose",
             perm=[0, 2, 1, 3])
  o = g.node("Reshape", [o, from_heads], p + ".attn.context.reshape")
  o = linear(g, o, p + ".attn.output", h, h)
  x = g.node("Add", [x, o], p + ".attn.residual")
  x = layer_norm(g, x, p + ".attn.norm", h)
  f = linear(g, x, p + ".ffn.up", h, args.ffn)
  f = gelu(g, f, p + ".ffn.gelu")
  f = linear(g, f, p + ".ffn.down", args.ffn, h)
  x2 = g.node("Add", [x, f], p + ".ffn.residual")
  return layer_norm(g, x2, p + ".ffn.norm", h)


def make_model(args):
  g = GraphBuilder(np.random.default_rng(0))
  x = "x"
  for i in range(args.layers):
    x = encoder_layer(g, x, i, args)
  g.nodes.append(helper.make_node("Identity", [x], ["y"], name="output"))
  shape = [1, args.seq, args.hidden]
  graph = helper.make_graph(
      g.nodes, "transformer_encoder",
      [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
      [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
      initializer=g.inits)
  model = helper.make_model(graph, producer_name="qmlir-benchmarks",
                            opset_imports=[helper.make_opsetid("", OPSET)])
  model.ir_version = 8
  onnx.checker.check_model(model, full_check=True)
  return model


def main():
  p = argparse.ArgumentParser(
      description="Write a transformer-encoder-style ONNX model (opset 17).")
  p.add_argument("-o", "--output", required=True, help="the .onnx file")
  p.add_argument("--layers", type=int, default=2)
  p.add_argument("--seq", type=int, default=128)
  p.add_argument("--hidden", type=int, default=256)
  p.add_argument("--heads", type=int, default=4)
  p.add_argument("--ffn", type=int, default=1024)
  args = p.parse_args()
  for name in ("layers", "seq", "hidden", "heads", "ffn"):
    if getattr(args, name) < 1:
      p.error("--%s must be at least 1" % name)
  if args.hidden % args.heads:
    p.error("--hidden (%d) must be a multiple of --heads (%d)" %
            (args.hidden, args.heads))
  model = make_model(args)
  try:
    onnx.save(model, args.output)
  except OSError as e:
    print("error: cannot write '%s': %s" % (args.output, e.strerror),
          file=sys.stderr)
    return 1
  return 0


if __name__ == "__main__":
  sys.exit(main())
