"""A QDQ ONNX model rebuilt as a trainable torch.nn.Module.

Part of qmlir. `QATModel(model)` reads an ONNX model in the form `qopt
--emit=onnx` writes after q-insert-fake-quant (or any QDQ model of the same
shape) and runs it in PyTorch:

- Every fake-quantization point is a chain ending in DequantizeLinear:

      x (float) -> QuantizeLinear -> [Clip] -> DequantizeLinear
      w (int8/uint8/int32 initializer) -> [Clip] -> DequantizeLinear

  with constant scales and zero points, the same on both nodes (per tensor,
  or per axis). The zero point's type (int8, uint8) gives the storage
  range; a Clip on the integer tensor, with constant bounds, narrows it:
  that is how the exported model says [-127, 127] (symmetric int8) or
  [-7, 7] (int4 weights held in int8), and it is kept while training. Each
  chain becomes a FakeQuant module (fake_quant.py) with q.fake_quant's
  numerics. An int32 initializer read by a DequantizeLinear (a quantized
  bias) becomes its float value. The float bias of a Conv or Gemm that
  q-fold-qdq will compile to integers is rounded to its int32 grid in the
  forward, as the compiled model rounds it.
- Float weights and biases (inputs 1 and 2 of Conv and Gemm, input 1 of
  MatMul, and whatever a fake-quantization chain reads from an initializer)
  are parameters; every other constant is a fixed buffer.
- The other nodes run as ops.py builds them; an operator without a builder
  is an error listing every such node, naming the file.

The forward takes the graph's inputs (tensors or numpy arrays, in order or
by name; any batch size the operators allow) and returns its outputs (one
tensor, or a tuple in the graph's order). export.py writes the trained
model back as QDQ ONNX.
"""

import os

import numpy as np
import onnx
import torch
from onnx import TensorProto as TP
from onnx import numpy_helper
from torch import nn

from ..errors import QmlirError
from . import ops
from .fake_quant import FakeQuant, fake_quantize_bias


class QATError(QmlirError):
    """A model qmlir.qat cannot train or write; the message names the file
    and, where there is one, the ONNX node."""


# ONNX element types of zero points: (name, qmin, qmax, numpy type).
STORAGE = {
    TP.INT8: ("int8", -128, 127, np.int8),
    TP.UINT8: ("uint8", 0, 255, np.uint8),
}
_NP_STORAGE = {np.dtype(np.int8): TP.INT8, np.dtype(np.uint8): TP.UINT8}


def _node_label(node):
    return f"node '{node.name}' ({node.op_type})" if node.name else \
        f"{node.op_type} node writing '{node.output[0]}'"


class FakeQuantChain:
    """Where a FakeQuant came from: its input tensor, output tensor (the
    DequantizeLinear's), and the names of its nodes (kept on export)."""

    def __init__(self, index, input, output, quantize_name,
                 dequantize_name, weight):
        self.index = index          # into QATModel.fake_quants
        self.input = input          # the float tensor it reads
        self.output = output        # the DequantizeLinear output
        self.quantize_name = quantize_name
        self.dequantize_name = dequantize_name
        self.weight = weight        # the parameter name it reads, or None


class Step:
    """One computation of the forward: an ONNX node, or a fake quant."""

    def __init__(self, inputs, outputs, fn=None, node=None, chain=None,
                 bias_quant=None):
        self.inputs = inputs
        self.outputs = outputs
        self.fn = fn
        self.node = node
        self.chain = chain
        # (input chain, weight chain) when input 2, the bias, is rounded to
        # their int32 grid.
        self.bias_quant = bias_quant


class QATModel(nn.Module):
    """A QDQ ONNX model as a torch module (see the module's description).

    model: an onnx.ModelProto, or the path of an .onnx file.
    learn_scales: also train every fake-quant scale (LSQ); else they stay
        as in the model.
    """

    def __init__(self, model, *, learn_scales=False):
        super().__init__()
        if isinstance(model, onnx.ModelProto):
            self.source = "<ModelProto>"
        else:
            self.source = os.fspath(model)
            model = _load(self.source)
        self.proto = model
        self.opset = next((o.version for o in model.opset_import
                           if o.domain in ("", "ai.onnx")), None)
        if self.opset is None:
            self._fail("imports no default ONNX opset")
        graph = model.graph
        self.fake_quants = nn.ModuleList()
        self.chains = []
        self.params = nn.ParameterList()
        self.param_names = []         # tensor name of each parameter
        self.param_origin = {}        # name -> initializer it came from
        self._const_attrs = {}        # tensor name -> buffer attribute
        self._constants = {}          # tensor name -> numpy value
        self._read_constants(graph)
        self._producer = {}
        self._consumers = {}
        for node in graph.node:
            for o in node.output:
                if o:
                    self._producer[o] = node
            for i, name in enumerate(node.input):
                if name:
                    self._consumers.setdefault(name, []).append((node, i))
        inits = {t.name for t in graph.initializer}
        self.input_names = [i.name for i in graph.input
                            if i.name not in inits]
        self.output_names = [o.name for o in graph.output]
        self._check_supported(graph)
        absorbed = self._read_chains(graph, learn_scales)
        self._trainable = self._trainable_tensors(graph, absorbed)
        self.steps = self._build_steps(graph, absorbed)
        self._register_tensors()

    # -- reading --------------------------------------------------------

    def _fail(self, message, node=None):
        where = f"{self.source}: " + (f"{_node_label(node)}: " if node else "")
        raise QATError(where + message)

    def _read_constants(self, graph):
        for t in graph.initializer:
            if t.data_location == TP.EXTERNAL and not t.raw_data:
                self._fail(f"initializer '{t.name}' has external data; load "
                           "the model with its data first (onnx.load does)")
            self._constants[t.name] = numpy_helper.to_array(t)
        for node in graph.node:
            if node.op_type != "Constant" or node.domain not in ("",
                                                                 "ai.onnx"):
                continue
            attrs = {a.name: a for a in node.attribute}
            if "value" not in attrs:
                self._fail("only the 'value' attribute is supported, not "
                           f"{sorted(attrs)}", node)
            self._constants[node.output[0]] = numpy_helper.to_array(
                attrs["value"].t)

    def _check_supported(self, graph):
        known = set(ops.BUILDERS) | {"QuantizeLinear", "DequantizeLinear",
                                     "Constant"}
        bad = [n for n in graph.node
               if n.domain not in ("", "ai.onnx") or n.op_type not in known]
        if bad:
            listed = ", ".join(
                (f"{n.domain}." if n.domain not in ("", "ai.onnx") else "") +
                f"{n.op_type} ('{n.name or n.output[0]}')" for n in bad)
            self._fail(f"{len(bad)} node{'' if len(bad) == 1 else 's'} "
                       f"with no QAT (PyTorch) form: {listed}; supported: "
                       + ", ".join(sorted(ops.BUILDERS)) +
                       ", and QuantizeLinear -> [Clip] -> DequantizeLinear")
        for value in list(graph.input) + list(graph.output):
            t = value.type.tensor_type
            if value.name not in self._constants and t.elem_type != TP.FLOAT:
                self._fail(f"graph {'input' if value in graph.input else 'output'}"
                           f" '{value.name}' is "
                           f"{TP.DataType.Name(t.elem_type)}, not FLOAT")

    def _only_consumer(self, name, node):
        users = self._consumers.get(name, [])
        if name in self.output_names or any(u is not node for u, _ in users):
            other = next((u for u, _ in users if u is not node), None)
            what = f"{_node_label(other)}" if other else "a graph output"
            self._fail(f"its integer result '{name}' is also read by {what}; "
                       "QAT models hold only QuantizeLinear -> [Clip] -> "
                       "DequantizeLinear chains", self._producer[name])

    def _quant_params(self, node, storage_hint=None):
        """(scale float32 [C], zero points int64 [C], storage, axis)."""
        scale = self._constants.get(node.input[1]) if len(node.input) > 1 \
            else None
        if scale is None:
            self._fail(f"the scale '{node.input[1]}' must be a constant", node)
        scale = scale.astype(np.float32).reshape(-1)
        if not np.all(np.isfinite(scale)) or np.any(scale <= 0):
            self._fail("scales must be positive and finite", node)
        if len(node.input) > 2 and node.input[2]:
            zp = self._constants.get(node.input[2])
            if zp is None:
                self._fail(f"the zero point '{node.input[2]}' must be a "
                           "constant", node)
            storage = _NP_STORAGE.get(zp.dtype)
            if storage is None and zp.dtype != np.int32:
                self._fail(f"zero point of type {zp.dtype}; QAT handles int8 "
                           "and uint8 (and int32 biases)", node)
            if zp.dtype == np.int32:
                storage = TP.INT32
            zp = zp.astype(np.int64).reshape(-1)
        else:
            storage = storage_hint if storage_hint is not None else TP.UINT8
            zp = np.zeros(1, np.int64)
        axis = None
        if max(scale.size, zp.size) > 1:
            attrs = {a.name: a.i for a in node.attribute}
            axis = attrs.get("axis", 1)
        return scale, zp, storage, axis

    def _read_chains(self, graph, learn_scales):
        """Finds every DequantizeLinear's chain; returns the ids of the
        nodes the chains absorb."""
        absorbed = set()
        for node in graph.node:
            if node.op_type != "DequantizeLinear":
                continue
            absorbed.add(id(node))
            src = node.input[0]
            producer = self._producer.get(src)
            lo = hi = None
            clip = None
            if producer is not None and producer.op_type == "Clip":
                clip = producer
                self._only_consumer(src, node)
                bounds = []
                for i in (1, 2):
                    if len(clip.input) <= i or not clip.input[i]:
                        bounds.append(None)
                        continue
                    b = self._constants.get(clip.input[i])
                    if b is None:
                        self._fail("a Clip of quantized values needs constant "
                                   "bounds", clip)
                    bounds.append(int(b.reshape(-1)[0]))
                lo, hi = bounds
                absorbed.add(id(clip))
                src = clip.input[0]
                producer = self._producer.get(src)
            storage_hint = None
            if producer is not None and producer.op_type == "QuantizeLinear":
                quantize = producer
                self._only_consumer(src, clip or node)
                absorbed.add(id(quantize))
                x = quantize.input[0]
                if quantize.input[1] != node.input[1] or \
                        quantize.input[2:3] != node.input[2:3]:
                    qs, qz, qt, qa = self._quant_params(quantize)
                    ds, dz, dt, da = self._quant_params(node, qt)
                    if not (np.array_equal(qs, ds) and np.array_equal(qz, dz)
                            and qt == dt and qa == da):
                        self._fail(
                            f"its scale and zero point differ from those of "
                            f"{_node_label(quantize)}: a fake-quantization "
                            "chain uses the same ones on both", node)
                weight = x if x in self._constants else None
                if weight is not None and \
                        self._constants[weight].dtype != np.float32:
                    self._fail(f"quantizes '{weight}' of type "
                               f"{self._constants[weight].dtype}, not "
                               "float32", quantize)
            elif src in self._constants:
                quantize = None
                values = self._constants[src]
                storage_hint = {np.dtype(np.int8): TP.INT8,
                                np.dtype(np.uint8): TP.UINT8,
                                np.dtype(np.int32): TP.INT32}.get(values.dtype)
                if storage_hint is None:
                    self._fail(f"dequantizes '{src}' of type {values.dtype} "
                               "(int8, uint8 or int32 expected)", node)
                weight = x = None
            else:
                self._fail(f"reads '{src}', which is neither a "
                           "QuantizeLinear output nor an integer "
                           "initializer", node)
            scale, zp, storage, axis = self._quant_params(node, storage_hint)
            if quantize is None and storage_hint != storage:
                self._fail(f"the zero point's type differs from that of "
                           f"'{src}'", node)
            if storage == TP.INT32:
                if quantize is not None or clip is not None:
                    self._fail("int32 values are only read from an "
                               "initializer (a quantized bias)", node)
                self._int32_bias(node, src, scale, zp, axis)
                continue
            name, qmin, qmax, _ = STORAGE[storage]
            if lo is not None:
                qmin = max(qmin, lo)
            if hi is not None:
                qmax = min(qmax, hi)
            if quantize is None:
                # An integer weight: train its float value.
                x = weight = self._fresh_float_name(src)
                values = np.clip(self._constants[src].astype(np.int64), qmin,
                                 qmax).astype(np.float32)
                shape = _axis_shape(values.ndim, axis)
                self._constants[x] = (
                    (values - zp.reshape(shape).astype(np.float32)) *
                    scale.reshape(shape)).astype(np.float32)
                self.param_origin[x] = src
            fq = FakeQuant(scale, zp, qmin, qmax, axis, storage=name,
                           name=node.output[0], learn_scale=learn_scales)
            self.fake_quants.append(fq)
            self.chains.append(FakeQuantChain(
                len(self.fake_quants) - 1, x, node.output[0],
                quantize.name if quantize is not None else "",
                node.name, weight))
        for node in graph.node:
            if node.op_type == "QuantizeLinear" and id(node) not in absorbed:
                self._fail("its result is not read by a DequantizeLinear "
                           "(directly or through a Clip): QAT models hold "
                           "only QuantizeLinear -> [Clip] -> "
                           "DequantizeLinear chains", node)
        return absorbed

    def _fresh_float_name(self, base):
        taken = set(self._constants) | set(self._producer)
        name, k = f"{base}_float", 1
        while name in taken:
            name, k = f"{base}_float_{k}", k + 1
        return name

    def _int32_bias(self, node, src, scale, zp, axis):
        if np.any(zp != 0):
            self._fail("an int32 zero point other than 0", node)
        values = self._constants[src].astype(np.float64)
        shape = _axis_shape(values.ndim, axis)
        out = node.output[0]
        self._constants[out] = (values * scale.reshape(shape).astype(
            np.float64)).astype(np.float32)
        self.param_origin[out] = src

    def _trainable_tensors(self, graph, absorbed):
        trainable = set()
        for chain in self.chains:
            if chain.weight is not None:
                trainable.add(chain.weight)
        for node in graph.node:
            if id(node) in absorbed:
                continue
            for i in ops.TRAINABLE_INPUTS.get(node.op_type, ()):
                if i < len(node.input) and node.input[i] in self._constants \
                        and self._constants[node.input[i]].dtype == np.float32:
                    trainable.add(node.input[i])
        return trainable

    def _build_steps(self, graph, absorbed):
        chain_of = {c.output: c for c in self.chains}
        steps = []
        for node in graph.node:
            if node.op_type == "Constant":
                continue
            if node.op_type == "DequantizeLinear":
                chain = chain_of.get(node.output[0])
                if chain is not None:
                    steps.append(Step([chain.input], [chain.output],
                                      chain=chain))
                continue
            if id(node) in absorbed:
                continue
            ctx = ops.OpContext(node, self.opset, self._constants.get,
                                lambda n, m: self._fail(m, n))
            steps.append(Step(list(node.input), list(node.output),
                              fn=ops.BUILDERS[node.op_type](ctx), node=node,
                              bias_quant=self._bias_quant(node, ctx,
                                                          chain_of)))
        return steps

    def _bias_quant(self, node, ctx, chain_of):
        """(input chain, weight chain) of a Conv or Gemm that q-fold-qdq
        compiles to integers with its float bias quantized to int32: input
        per tensor, weight per tensor or per output channel, bias 1-D."""
        if node.op_type not in ("Conv", "Gemm") or not ctx.has_input(2):
            return None
        x, w = (chain_of.get(node.input[i]) for i in (0, 1))
        bias = self._constants.get(node.input[2])
        if x is None or w is None or bias is None or bias.ndim != 1 or \
                bias.dtype != np.float32:
            return None
        fx, fw = self.fake_quants[x.index], self.fake_quants[w.index]
        if fx.axis is not None:
            return None
        if node.op_type == "Gemm":
            if ctx.attr("alpha", 1.0) != 1.0 or ctx.attr("beta", 1.0) != 1.0 \
                    or ctx.attr("transA", 0):
                return None
            out_axis = 0 if ctx.attr("transB", 0) else 1
            rank = 2
        else:
            out_axis, rank = 0, None
        if fw.axis is not None:
            if w.weight is None:
                return None
            rank = self._constants[w.weight].ndim
            if fw.axis % rank != out_axis:
                return None
        return x.index, w.index

    def _register_tensors(self):
        used = {n for s in self.steps for n in s.inputs if n}
        used |= set(self.output_names)
        for name in sorted(used & set(self._constants)):
            value = self._constants[name]
            if name in self._trainable:
                self.params.append(nn.Parameter(
                    torch.from_numpy(value.astype(np.float32).copy())))
                self.param_names.append(name)
            else:
                attr = f"const{len(self._const_attrs)}"
                self.register_buffer(attr, torch.from_numpy(value.copy()),
                                     persistent=False)
                self._const_attrs[name] = attr

    # -- running --------------------------------------------------------

    def parameter(self, name):
        """The trained parameter of tensor `name`."""
        return self.params[self.param_names.index(name)]

    def scale_parameters(self):
        """The parameters of the learned scales, log(s / s0) (empty unless
        learn_scales)."""
        return [fq.log_scale for fq in self.fake_quants if fq.learn_scale]

    def weight_parameters(self):
        return list(self.params)

    def forward(self, *args, **kwargs):
        if len(args) + len(kwargs) != len(self.input_names):
            raise TypeError(f"{self.source} takes {len(self.input_names)} "
                            f"input{'s' if len(self.input_names) != 1 else ''}"
                            f" ({', '.join(self.input_names)}), got "
                            f"{len(args) + len(kwargs)}")
        env = {}
        for name, value in zip(self.input_names, args):
            env[name] = value
        for name, value in kwargs.items():
            if name not in self.input_names or name in env:
                raise TypeError(f"{self.source}: unexpected or repeated "
                                f"input '{name}'")
            env[name] = value
        for name in self.input_names:
            value = env[name]
            if not isinstance(value, torch.Tensor):
                value = torch.as_tensor(np.asarray(value))
            if value.dtype != torch.float32:
                raise TypeError(f"input '{name}' must be float32, not "
                                f"{value.dtype}")
            env[name] = value
        for name, attr in self._const_attrs.items():
            env[name] = getattr(self, attr)
        for name, p in zip(self.param_names, self.params):
            env[name] = p
        for step in self.steps:
            if step.chain is not None:
                env[step.chain.output] = self.fake_quants[step.chain.index](
                    env[step.chain.input])
                continue
            args = [env[n] if n else None for n in step.inputs]
            if step.bias_quant is not None:
                x, w = (self.fake_quants[i] for i in step.bias_quant)
                args[2] = fake_quantize_bias(args[2], x, w)
            outs = step.fn(args)
            for name, value in zip(step.outputs, outs):
                if name:
                    env[name] = value
        outputs = tuple(env[n] for n in self.output_names)
        return outputs[0] if len(outputs) == 1 else outputs

    def export_onnx(self, path, *, weights="float"):
        """Writes the model as QDQ ONNX; see export.py."""
        from .export import export_onnx
        return export_onnx(self, path, weights=weights)


def _axis_shape(ndim, axis):
    if axis is None:
        return ()
    return tuple(-1 if d == axis % ndim else 1 for d in range(ndim))


def _load(path):
    if not os.path.isfile(path):
        raise QATError(f"{path}: no such file")
    try:
        return onnx.load(path)
    except Exception as e:  # protobuf's DecodeError, onnx's own errors.
        raise QATError(f"{path}: cannot read the ONNX model: {e}") from None


def from_onnx(model, *, learn_scales=False):
    """QATModel(model, learn_scales=...)."""
    return QATModel(model, learn_scales=learn_scales)
