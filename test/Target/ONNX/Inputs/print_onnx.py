#!/usr/bin/env python3
"""Prints an ONNX model one line per item, for FileCheck: the header (IR
version, opsets, producer, graph name), inputs, outputs, initializers (with
their values when small), nodes with their attributes, and value_info.

  print_onnx.py MODEL.onnx [--check]

--check first runs onnx.checker.check_model with full shape inference and
prints "checker: ok" (Debian's onnx 1.12 knows opsets up to 17).
"""

import argparse
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def type_str(tp):
  tt = tp.tensor_type
  dtype = onnx.TensorProto.DataType.Name(tt.elem_type).lower()
  dims = ", ".join(str(d.dim_value) if d.HasField("dim_value") else
                   d.dim_param for d in tt.shape.dim)
  return "%s[%s]" % (dtype, dims)


def attr_str(a):
  v = onnx.helper.get_attribute_value(a)
  if isinstance(v, bytes):
    return '"%s"' % v.decode()
  if isinstance(v, float):
    return "%.9g" % v
  if isinstance(v, list):
    return "[%s]" % ", ".join("%.9g" % x if isinstance(x, float) else str(x)
                              for x in v)
  return str(v)


def main():
  p = argparse.ArgumentParser()
  p.add_argument("model")
  p.add_argument("--check", action="store_true")
  args = p.parse_args()
  model = onnx.load(args.model)
  if args.check:
    onnx.checker.check_model(model, full_check=True)
    print("checker: ok")
  opsets = ", ".join("%s:%d" % (o.domain or "ai.onnx", o.version)
                     for o in model.opset_import)
  print("model ir_version=%d opset_import=[%s] producer=%s graph=%s" %
        (model.ir_version, opsets, model.producer_name, model.graph.name))
  g = model.graph
  for vi in g.input:
    print("input %s %s" % (vi.name, type_str(vi.type)))
  for vi in g.output:
    print("output %s %s" % (vi.name, type_str(vi.type)))
  for t in g.initializer:
    a = numpy_helper.to_array(t)
    dtype = onnx.TensorProto.DataType.Name(t.data_type).lower()
    line = "initializer %s %s[%s]" % (t.name, dtype,
                                      ", ".join(str(d) for d in t.dims))
    if a.size <= 16:
      line += " = %s" % np.array2string(a.reshape(-1), separator=", ")
    print(line)
  for n in g.node:
    attrs = ", ".join("%s=%s" % (a.name, attr_str(a))
                      for a in sorted(n.attribute, key=lambda a: a.name))
    print("node '%s' %s(%s) -> (%s)%s" %
          (n.name, n.op_type, ", ".join(n.input), ", ".join(n.output),
           " {%s}" % attrs if attrs else ""))
  for vi in g.value_info:
    print("value_info %s %s" % (vi.name, type_str(vi.type)))
  return 0


if __name__ == "__main__":
  sys.exit(main())
