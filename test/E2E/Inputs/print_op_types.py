#!/usr/bin/env python3
"""Prints the distinct op types of an ONNX model, one per line, sorted.

  print_op_types.py MODEL.onnx
"""

import sys

import onnx

model = onnx.load(sys.argv[1])
for op in sorted({n.op_type for n in model.graph.node}):
  print(op)
