"""ONNX operators in PyTorch, for the QAT graph (graph.py).

Part of qmlir. Each builder reads one ONNX node's attributes and constant
inputs once, rejects what it does not implement with an error naming the
node, and returns the function the forward calls: a list of input tensors
(None for an absent optional input) to a list of output tensors. Only the
float32 operators of convolutional classifiers are here: Conv, Gemm,
MatMul, the elementwise arithmetic, ReLU/Clip/LeakyRelu/Sigmoid/Tanh/
HardSigmoid/HardSwish, max and average pooling, global pooling, Flatten,
Reshape, Transpose, Concat, Softmax, BatchNormalization (inference form,
its statistics frozen) and Identity. QuantizeLinear/DequantizeLinear are
read by graph.py as fake-quantization points, not here.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from onnx import helper


class OpContext:
    """What a builder knows of its node: attributes, constant inputs, and
    how to report an error (graph.py supplies `error` and `constant`)."""

    def __init__(self, node, opset, constant, error):
        self.node = node
        self.opset = opset
        self._constant = constant
        self._error = error
        self._attrs = {a.name: a for a in node.attribute}

    def error(self, message):
        """Raises the graph's error for this node."""
        self._error(self.node, message)

    def attr(self, name, default=None):
        a = self._attrs.get(name)
        if a is None:
            return default
        value = helper.get_attribute_value(a)
        if isinstance(value, bytes):
            value = value.decode()
        return value

    def num_inputs(self):
        """Inputs given, trailing absent ones ('') not counted."""
        names = list(self.node.input)
        while names and not names[-1]:
            names.pop()
        return len(names)

    def has_input(self, i):
        return i < len(self.node.input) and bool(self.node.input[i])

    def constant(self, i, what):
        """The value of input i (a numpy array), which must be a constant."""
        value = self._constant(self.node.input[i]) if self.has_input(i) \
            else None
        if value is None:
            self.error(f"{what} (input {i}, "
                       f"'{self.node.input[i] if self.has_input(i) else ''}') "
                       "must be a constant")
        return value

    def constant_or_none(self, i):
        return self._constant(self.node.input[i]) if self.has_input(i) \
            else None

    def check_outputs(self, count):
        used = [o for o in self.node.output if o]
        if len(used) > count:
            self.error(f"only its first {count} output"
                       f"{'' if count == 1 else 's'} can be computed "
                       f"(it has {len(used)})")


def _spatial_attrs(ctx):
    """(kernel_shape, strides, dilations, pads) with ONNX's defaults; pads as
    (begin, end) lists; auto_pad NOTSET or VALID only."""
    auto_pad = ctx.attr("auto_pad", "NOTSET")
    if auto_pad not in ("NOTSET", "VALID"):
        ctx.error(f"auto_pad {auto_pad} is not supported (only NOTSET and "
                  "VALID; write explicit pads)")
    kernel = ctx.attr("kernel_shape")
    n = len(kernel) if kernel is not None else None
    strides = ctx.attr("strides")
    dilations = ctx.attr("dilations")
    pads = ctx.attr("pads")
    if n is None:
        for v in (strides, dilations):
            if v is not None:
                n = len(v)
        if pads is not None:
            n = len(pads) // 2
    if n is not None and not 1 <= n <= 3:
        ctx.error(f"{n} spatial dimensions (1 to 3 are supported)")
    if auto_pad == "VALID" or pads is None:
        pads = None if n is None else [0] * (2 * n)
    if pads is not None and (n is None or len(pads) != 2 * n):
        ctx.error(f"pads has {len(pads)} values for {n} spatial dimensions")
    begin = None if pads is None else list(pads[:n])
    end = None if pads is None else list(pads[n:])
    return kernel, strides, dilations, begin, end, n


def _torch_pad(begin, end):
    """F.pad's argument (last dimension first) for ONNX begin/end pads."""
    out = []
    for b, e in zip(reversed(begin), reversed(end)):
        out += [b, e]
    return out


def build_conv(ctx):
    ctx.check_outputs(1)
    _, strides, dilations, begin, end, _ = _spatial_attrs(ctx)
    group = ctx.attr("group", 1)
    convs = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}

    def conv(args):
        x, w = args[0], args[1]
        b = args[2] if len(args) > 2 else None
        k = x.dim() - 2
        if k not in convs:
            ctx.error(f"input of rank {x.dim()} (1 to 3 spatial dimensions "
                      "are supported)")
        pb = begin if begin is not None else [0] * k
        pe = end if end is not None else [0] * k
        if pb != pe:
            x = F.pad(x, _torch_pad(pb, pe))
            pb = [0] * k
        return [convs[k](x, w, b, stride=strides or 1, padding=pb,
                         dilation=dilations or 1, groups=group)]
    return conv


def build_gemm(ctx):
    ctx.check_outputs(1)
    alpha = ctx.attr("alpha", 1.0)
    beta = ctx.attr("beta", 1.0)
    trans_a = ctx.attr("transA", 0)
    trans_b = ctx.attr("transB", 0)

    def gemm(args):
        a, b = args[0], args[1]
        c = args[2] if len(args) > 2 else None
        if trans_a:
            a = a.t()
        if trans_b:
            b = b.t()
        y = a @ b
        if alpha != 1.0:
            y = y * alpha
        if c is not None:
            y = y + (c if beta == 1.0 else c * beta)
        return [y]
    return gemm


def _unary(fn):
    def build(ctx):
        ctx.check_outputs(1)
        return lambda args: [fn(args[0])]
    return build


def _binary(fn):
    def build(ctx):
        ctx.check_outputs(1)
        return lambda args: [fn(args[0], args[1])]
    return build


def build_leaky_relu(ctx):
    ctx.check_outputs(1)
    alpha = ctx.attr("alpha", 0.01)
    return lambda args: [F.leaky_relu(args[0], alpha)]


def build_clip(ctx):
    ctx.check_outputs(1)
    if ctx.opset < 11:
        lo = ctx.attr("min", -math.inf)
        hi = ctx.attr("max", math.inf)
        return lambda args: [torch.clamp(args[0], lo, hi)]
    bounds = []
    for i in (1, 2):
        value = ctx.constant_or_none(i)
        bounds.append(None if value is None else float(value.reshape(-1)[0]))

    def clip(args):
        x = args[0]
        lo = args[1] if len(args) > 1 else None
        hi = args[2] if len(args) > 2 else None
        if bounds[0] is not None:
            x = torch.clamp(x, min=bounds[0])
        elif lo is not None:
            x = torch.maximum(x, lo)
        if bounds[1] is not None:
            x = torch.clamp(x, max=bounds[1])
        elif hi is not None:
            x = torch.minimum(x, hi)
        return [x]
    return clip


def build_hard_sigmoid(ctx):
    ctx.check_outputs(1)
    alpha = ctx.attr("alpha", 0.2)
    beta = ctx.attr("beta", 0.5)
    return lambda args: [torch.clamp(args[0] * alpha + beta, 0.0, 1.0)]


def build_hard_swish(ctx):
    ctx.check_outputs(1)
    alpha = 1.0 / 6.0
    return lambda args: [args[0] * torch.clamp(args[0] * alpha + 0.5, 0.0,
                                               1.0)]


def build_max_pool(ctx):
    ctx.check_outputs(1)
    kernel, strides, dilations, begin, end, n = _spatial_attrs(ctx)
    if kernel is None:
        ctx.error("kernel_shape is required")
    ceil_mode = bool(ctx.attr("ceil_mode", 0))
    pools = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
    padding = begin
    pre_pad = None
    if begin != end or any(2 * b > k for b, k in zip(begin, kernel)):
        pre_pad, padding = _torch_pad(begin, end), [0] * n

    def max_pool(args):
        x = args[0]
        if x.dim() - 2 != n:
            ctx.error(f"input of rank {x.dim()} for a {n}-D kernel")
        if pre_pad is not None:
            x = F.pad(x, pre_pad, value=-math.inf)
        return [pools[n](x, kernel, stride=strides or 1, padding=padding,
                         dilation=dilations or 1, ceil_mode=ceil_mode)]
    return max_pool


def build_average_pool(ctx):
    ctx.check_outputs(1)
    kernel, strides, dilations, begin, end, n = _spatial_attrs(ctx)
    if kernel is None:
        ctx.error("kernel_shape is required")
    if dilations is not None and any(d != 1 for d in dilations):
        ctx.error("dilations other than 1 are not supported")
    if begin != end or any(2 * b > k for b, k in zip(begin, kernel)):
        ctx.error("asymmetric pads, or pads over half the kernel, are not "
                  "supported")
    ceil_mode = bool(ctx.attr("ceil_mode", 0))
    include = bool(ctx.attr("count_include_pad", 0))
    pools = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}

    def average_pool(args):
        x = args[0]
        if x.dim() - 2 != n:
            ctx.error(f"input of rank {x.dim()} for a {n}-D kernel")
        return [pools[n](x, kernel, stride=strides or 1, padding=begin,
                         ceil_mode=ceil_mode, count_include_pad=include)]
    return average_pool


def build_global_average_pool(ctx):
    ctx.check_outputs(1)
    return lambda args: [args[0].mean(dim=tuple(range(2, args[0].dim())),
                                      keepdim=True)]


def build_global_max_pool(ctx):
    ctx.check_outputs(1)
    return lambda args: [args[0].amax(dim=tuple(range(2, args[0].dim())),
                                      keepdim=True)]


def build_flatten(ctx):
    ctx.check_outputs(1)
    axis = ctx.attr("axis", 1)

    def flatten(args):
        x = args[0]
        a = axis + x.dim() if axis < 0 else axis
        if not 0 <= a <= x.dim():
            ctx.error(f"axis {axis} out of range for rank {x.dim()}")
        return [x.reshape(int(np.prod(x.shape[:a], dtype=np.int64)), -1)]
    return flatten


def build_reshape(ctx):
    ctx.check_outputs(1)
    shape = [int(d) for d in ctx.constant(1, "the shape").reshape(-1)]
    allow_zero = ctx.attr("allowzero", 0)

    def reshape(args):
        x = args[0]
        dims = [x.shape[i] if d == 0 and not allow_zero else d
                for i, d in enumerate(shape)]
        return [x.reshape(dims)]
    return reshape


def build_transpose(ctx):
    ctx.check_outputs(1)
    perm = ctx.attr("perm")
    return lambda args: [args[0].permute(
        perm if perm is not None else list(reversed(range(args[0].dim()))))]


def build_concat(ctx):
    ctx.check_outputs(1)
    axis = ctx.attr("axis")
    if axis is None:
        ctx.error("axis is required")
    return lambda args: [torch.cat([a for a in args if a is not None],
                                   dim=axis)]


def build_softmax(ctx):
    ctx.check_outputs(1)
    axis = ctx.attr("axis", -1 if ctx.opset >= 13 else 1)

    def softmax(args):
        x = args[0]
        a = axis + x.dim() if axis < 0 else axis
        # Before opset 13 Softmax normalizes the flattened [axis:] block;
        # that is one dimension only when axis is the last.
        if ctx.opset < 13 and a != x.dim() - 1:
            ctx.error(f"opset {ctx.opset} Softmax over the dimensions from "
                      f"axis {axis} is not supported (only the last one)")
        return [torch.softmax(x, dim=a)]
    return softmax


def build_batch_normalization(ctx):
    ctx.check_outputs(1)
    if ctx.attr("training_mode", 0):
        ctx.error("training_mode 1 is not supported (the inference form "
                  "only; its statistics stay frozen)")
    eps = ctx.attr("epsilon", 1e-5)
    scale, bias, mean, var = (ctx.constant(i, what) for i, what in
                              ((1, "the scale"), (2, "the bias"),
                               (3, "the mean"), (4, "the variance")))
    # y = x * a + c with a = scale / sqrt(var + eps), c = bias - mean * a.
    a = (scale.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps))
    c = bias.astype(np.float64) - mean.astype(np.float64) * a
    a = torch.from_numpy(a.astype(np.float32))
    c = torch.from_numpy(c.astype(np.float32))

    def batch_normalization(args):
        x = args[0]
        shape = [1, -1] + [1] * (x.dim() - 2)
        return [x * a.reshape(shape) + c.reshape(shape)]
    return batch_normalization


def build_identity(ctx):
    ctx.check_outputs(1)
    return lambda args: [args[0]]


BUILDERS = {
    "Conv": build_conv,
    "Gemm": build_gemm,
    "MatMul": _binary(torch.matmul),
    "Add": _binary(torch.add),
    "Sub": _binary(torch.sub),
    "Mul": _binary(torch.mul),
    "Div": _binary(torch.div),
    "Relu": _unary(F.relu),
    "LeakyRelu": build_leaky_relu,
    "Sigmoid": _unary(torch.sigmoid),
    "Tanh": _unary(torch.tanh),
    "Clip": build_clip,
    "HardSigmoid": build_hard_sigmoid,
    "HardSwish": build_hard_swish,
    "MaxPool": build_max_pool,
    "AveragePool": build_average_pool,
    "GlobalAveragePool": build_global_average_pool,
    "GlobalMaxPool": build_global_max_pool,
    "Flatten": build_flatten,
    "Reshape": build_reshape,
    "Transpose": build_transpose,
    "Concat": build_concat,
    "Softmax": build_softmax,
    "BatchNormalization": build_batch_normalization,
    "Identity": build_identity,
}

# Inputs of these operators that are trained (weights and biases) when they
# are float initializers; other constant inputs stay fixed.
TRAINABLE_INPUTS = {"Conv": (1, 2), "Gemm": (1, 2), "MatMul": (1,)}
