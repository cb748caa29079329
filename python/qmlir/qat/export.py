"""Writes a QATModel back as a QDQ ONNX model.

Part of qmlir. The graph is the one the model was read from, with the
trained values: every node the model ran is written as it was read (names,
attributes, order), every float weight and bias with its trained value, and
every fake-quantization point as

    weights="float" (the default; what `qopt --emit=onnx` writes):
      x -> QuantizeLinear -> [Clip] -> DequantizeLinear
      for activations and float weights alike;
    weights="int8":
      w_quantized (int8/uint8 initializer) -> [Clip] -> DequantizeLinear
      for weights (the levels round_half_even(w / s) + zp, clamped), the
      activations as above.

with the (trained) scales and the zero points as initializers, per tensor
or per axis, and a Clip with integer bounds where the range is narrower
than the storage's ([-127, 127], [-7, 7] for int4 in int8), so that
reading the file back gives the same model. Biases stay float (q-fold-qdq
quantizes them to int32 with scale s_x * s_w). qcompile compiles the
result to integer kernels; ONNX Runtime runs it.

The file is written to a temporary name next to `path` and renamed into
place, so a failure leaves nothing behind.
"""

import os

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

from .graph import STORAGE, QATError

_STORAGE_BY_NAME = {v[0]: (k, v[1], v[2], v[3]) for k, v in STORAGE.items()}


class _Names:
    """Fresh tensor and node names, unique in the model."""

    def __init__(self, model):
        g = model.proto.graph
        self.taken = {t.name for t in g.initializer}
        self.taken |= {n.name for n in g.node}
        self.taken |= {o for n in g.node for o in n.output}
        self.taken |= {i.name for i in g.input}
        self.taken |= set(model.param_names)
        self.taken |= set(model._constants)

    def fresh(self, base):
        name, k = base, 1
        while name in self.taken:
            name, k = f"{base}_{k}", k + 1
        self.taken.add(name)
        return name


def _array(value):
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) \
        else np.asarray(value)


def export_onnx(model, path, *, weights="float"):
    """Writes `model` (a QATModel) to `path`; see the module's description.
    Returns the written onnx.ModelProto."""
    if weights not in ("float", "int8"):
        raise ValueError(f"weights must be 'float' or 'int8', not {weights!r}")
    names = _Names(model)
    params = dict(zip(model.param_names, model.params))
    nodes = []
    initializers = {}

    def tensor(name):
        """Writes the constant or parameter `name` if it is one."""
        if name in initializers or not name:
            return
        if name in params:
            value = _array(params[name]).astype(np.float32)
        elif name in model._constants:
            value = model._constants[name]
        else:
            return
        initializers[name] = numpy_helper.from_array(value, name)

    def constant(value, base):
        name = names.fresh(base)
        initializers[name] = numpy_helper.from_array(value, name)
        return name

    # A weight read by a chain and by nothing else is written quantized.
    readers = {}
    for step in model.steps:
        for name in step.inputs:
            readers[name] = readers.get(name, 0) + 1
    for step in model.steps:
        if step.chain is None:
            node = onnx.NodeProto()
            node.CopyFrom(step.node)
            nodes.append(node)
            for name in node.input:
                tensor(name)
            continue
        chain = step.chain
        fq = model.fake_quants[chain.index]
        storage, lo, hi, np_type = _STORAGE_BY_NAME[fq.storage]
        scale = _array(fq.effective_scale()).astype(np.float32)
        zp = _array(fq.zero_point).astype(np.int64).astype(np_type)
        if fq.axis is None:
            scale, zp = scale.reshape(()), zp.reshape(())
        base = chain.output
        scale_name = constant(scale, f"{base}_scale")
        zp_name = constant(zp, f"{base}_zero_point")
        axis = {} if fq.axis is None else {"axis": fq.axis}
        quantized = (weights == "int8" and chain.weight is not None and
                     readers.get(chain.weight) == 1 and
                     chain.weight not in model.output_names)
        if quantized:
            levels = fq.quantize(params[chain.weight].detach()).numpy()
            origin = model.param_origin.get(chain.weight)
            q = origin if origin and origin not in readers and \
                origin not in initializers else \
                names.fresh(f"{chain.weight}_quantized")
            initializers[q] = numpy_helper.from_array(levels.astype(np_type),
                                                      q)
        else:
            tensor(chain.input)
            q = names.fresh(f"{base}_quantized")
            nodes.append(helper.make_node(
                "QuantizeLinear", [chain.input, scale_name, zp_name], [q],
                name=chain.quantize_name or names.fresh("QuantizeLinear"),
                **axis))
        if (fq.qmin, fq.qmax) != (lo, hi):
            clipped = names.fresh(f"{base}_clipped")
            nodes.append(helper.make_node(
                "Clip", [q, constant(np.array(fq.qmin, np_type), f"{base}_qmin"),
                         constant(np.array(fq.qmax, np_type), f"{base}_qmax")],
                [clipped], name=names.fresh(f"{base}_clip")))
            q = clipped
        nodes.append(helper.make_node(
            "DequantizeLinear", [q, scale_name, zp_name], [chain.output],
            name=chain.dequantize_name or names.fresh("DequantizeLinear"),
            **axis))
    for name in model.output_names:
        tensor(name)

    out = onnx.ModelProto()
    out.CopyFrom(model.proto)
    graph = out.graph
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(initializers.values())
    del graph.value_info[:]
    inputs = [i for i in model.proto.graph.input
              if i.name in model.input_names]
    del graph.input[:]
    graph.input.extend(inputs)
    out.producer_name = "qmlir.qat"
    try:
        onnx.checker.check_model(out)
    except onnx.checker.ValidationError as e:
        raise QATError(f"{path}: the exported model is not valid ONNX: {e}") \
            from None
    _write(out, os.fspath(path))
    return out


def _write(proto, path):
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)),
                       f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(proto.SerializeToString())
        os.replace(tmp, path)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise QATError(f"{path}: cannot write: {e.strerror}") from None
