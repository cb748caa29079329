"""Fake quantization in PyTorch with q.fake_quant's numerics.

Part of qmlir. Forward, as q.fake_quant and ONNX's QuantizeLinear ->
DequantizeLinear define it (../shared/docs/DESIGN.md section 4):

    q = clamp(round_half_even(x / s) + zp, qmin, qmax)
    y = (q - zp) * s

computed in float32 in that order: one IEEE division, torch.round (half to
even), exact integer-valued additions and clamping, one product. The
result is the same float32 value qmlir's compiled q.fake_quant gives.

torch's own torch.fake_quantize_per_tensor_affine / _per_channel_affine is
not used: it multiplies by the reciprocal, round(x * (1 / s)), which rounds
differently from round(x / s) near every tie (x close to (k + 0.5) * s), so
an element there lands one quantization step away from ONNX and qmlir.

Backward: the straight-through estimator with clipping, dx = dy where
qmin <= round(x / s) + zp <= qmax and 0 elsewhere (torch.ao's cachemask
rule). A Conv or Gemm whose input and weight are both fake-quantized also
has its float bias rounded to the grid of s_x * s_w (fake_quantize_bias),
as q-fold-qdq does when it compiles the op. With a learnable scale, LSQ's gradient (Esser et al., 2020):
dy/ds = round(x / s) - x / s inside the range, (qmin - zp) or (qmax - zp)
where clamped, summed over each scale's elements and multiplied by
1 / sqrt(elements per scale * qmax). The scale is learned as s0 * exp(t),
t starting at 0: it stays positive, starts at exactly the model's s0, and
Adam's steps (about the learning rate in size) change it by a relative
amount whatever its magnitude.
"""

import math

import torch
from torch import nn

def _param_shape(x, axis):
    """The shape a per-axis parameter broadcasts with against x."""
    return [-1 if d == axis else 1 for d in range(x.dim())]


class _FakeQuantFunction(torch.autograd.Function):
    """y = fake_quant(x); gradients for x and (when it requires one) s."""

    @staticmethod
    def forward(ctx, x, scale, zero_point, qmin, qmax, axis, grad_factor):
        if axis is not None:
            axis %= x.dim()
            scale = scale.reshape(_param_shape(x, axis))
            zero_point = zero_point.reshape(_param_shape(x, axis))
        v = torch.round(x / scale) + zero_point
        inside = (v >= qmin) & (v <= qmax)
        q = torch.clamp(v, qmin, qmax)
        y = (q - zero_point) * scale
        ctx.axis = axis
        ctx.grad_factor = grad_factor
        if ctx.needs_input_grad[1]:
            ctx.save_for_backward(inside, x, scale, q - zero_point)
        else:
            ctx.save_for_backward(inside)
        return y

    @staticmethod
    def backward(ctx, dy):
        saved = ctx.saved_tensors
        inside = saved[0]
        dx = dy * inside if ctx.needs_input_grad[0] else None
        dscale = None
        if ctx.needs_input_grad[1]:
            _, x, scale, q_centered = saved
            # Inside: round(x/s) - x/s; clamped: the clamped level - zp.
            ds = torch.where(inside, q_centered - x / scale, q_centered) * dy
            if ctx.axis is None:
                ds = ds.sum()
            else:
                dims = [d for d in range(x.dim()) if d != ctx.axis]
                ds = ds.sum(dim=dims)
            dscale = ds * ctx.grad_factor
        return dx, dscale, None, None, None, None, None


def fake_quantize(x, scale, zero_point, qmin, qmax, axis=None):
    """Fake-quantizes float32 `x` with q.fake_quant's forward (no learned
    scale): `scale` and `zero_point` are float32 tensors with one element,
    or one per index of dimension `axis`."""
    return _FakeQuantFunction.apply(x, scale, zero_point, qmin, qmax, axis,
                                    1.0)


def fake_quantize_bias(bias, input_quant, weight_quant):
    """`bias` rounded to the int32 grid of scale s_x * s_w (per output
    channel), as q-fold-qdq quantizes a float bias when it compiles the op
    to integers: round_half_even(b / (s_x * s_w)) * (s_x * s_w), the
    product and the division in float32. The gradient passes straight
    through to the bias; the scales get none from it."""
    with torch.no_grad():
        s = input_quant.effective_scale() * weight_quant.effective_scale()
        rounded = torch.round(bias / s) * s
    # Exactly `rounded` forward (bias - bias is 0), identity backward.
    return rounded + (bias - bias.detach())


class FakeQuant(nn.Module):
    """One fake-quantization point of a model: the QuantizeLinear ->
    [Clip] -> DequantizeLinear chain it was read from, or to be written as.

    scale: float32 values (one, or one per channel along `axis`): s0; with
        `learn_scale` the scale is s0 * exp(log_scale), log_scale a
        parameter starting at 0.
    zero_point: integers of the storage type `storage` ("int8", "uint8").
    qmin, qmax: the quantized range: the storage's, or narrower ([-127,
        127] symmetric int8, [-7, 7] for int4 held in int8).
    name: the name of the quantized tensor (the DequantizeLinear output),
        for messages and export.
    """

    def __init__(self, scale, zero_point, qmin, qmax, axis=None, *,
                 storage, name, learn_scale=False):
        super().__init__()
        scale = torch.as_tensor(scale, dtype=torch.float32).reshape(-1)
        zero_point = torch.as_tensor(zero_point,
                                     dtype=torch.float32).reshape(-1)
        if zero_point.numel() == 1 and scale.numel() > 1:
            zero_point = zero_point.expand(scale.numel()).clone()
        if scale.numel() == 1 and zero_point.numel() > 1:
            scale = scale.expand(zero_point.numel()).clone()
        if axis is None and scale.numel() != 1:
            raise ValueError(f"{name}: {scale.numel()} scales without an axis")
        if not qmin <= qmax:
            raise ValueError(f"{name}: empty range [{qmin}, {qmax}]")
        self.qmin = int(qmin)
        self.qmax = int(qmax)
        self.axis = axis
        self.storage = storage
        self.name = name
        self.register_buffer("scale", scale.clone())
        self.register_buffer("zero_point", zero_point.clone())
        self.log_scale = nn.Parameter(torch.zeros_like(scale)) \
            if learn_scale else None

    @property
    def learn_scale(self):
        return self.log_scale is not None

    def effective_scale(self):
        """The float32 scales the forward uses, shaped [] per tensor or [C]
        per axis."""
        s = self.scale
        if self.learn_scale:
            s = s * torch.exp(self.log_scale)
        return s.reshape(()) if self.axis is None else s

    def forward(self, x):
        s = self.effective_scale()
        zp = self.zero_point.reshape(()) if self.axis is None else \
            self.zero_point
        axis = self.axis
        if axis is not None and not -x.dim() <= axis < x.dim():
            raise ValueError(f"{self.name}: axis {axis} out of range for an "
                             f"input of rank {x.dim()}")
        if axis is not None and x.shape[axis] != s.numel():
            raise ValueError(
                f"{self.name}: {s.numel()} scales for dimension {self.axis} "
                f"of size {x.shape[self.axis]}")
        factor = 1.0
        if self.learn_scale:
            per_scale = x.numel() // s.numel()
            factor = 1.0 / math.sqrt(per_scale * max(self.qmax, 1))
        return _FakeQuantFunction.apply(x, s, zp, self.qmin, self.qmax,
                                        self.axis, factor)

    def quantize(self, x):
        """The integer levels of `x` (int64): clamp(round(x / s) + zp)."""
        with torch.no_grad():
            s = self.effective_scale()
            zp = self.zero_point
            if self.axis is not None:
                axis = self.axis % x.dim()
                s = s.reshape(_param_shape(x, axis))
                zp = zp.reshape(_param_shape(x, axis))
            v = torch.clamp(torch.round(x / s) + zp, self.qmin, self.qmax)
            return v.to(torch.int64)

    def extra_repr(self):
        axis = "" if self.axis is None else f", axis={self.axis}"
        learn = ", learned scale" if self.learn_scale else ""
        return (f"'{self.name}', {self.storage} [{self.qmin}, {self.qmax}]"
                f"{axis}{learn}")
