//===- QQuantOps.td - constants and quantization ops -------*- tablegen -*-===//
//
// Part of qmlir. Included by QOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QQUANTOPS_TD
#define QMLIR_DIALECT_Q_IR_QQUANTOPS_TD

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Q_ConstantOp : Q_Op<"constant", [ConstantLike, Pure]> {
  let summary = "tensor constant (weights, initializers, ONNX Constant nodes)";
  let description = [{
    A constant tensor of any element type q accepts, including `ui8` and
    quantized types (whose attribute holds the storage values). Large
    weights are `dense_resource` blobs so the context holds no copy of them;
    small ones are dense attributes that folders can read.

    ```mlir
    %w = q.constant dense_resource<conv1.weight> : tensor<8x3x3x3xf32> : tensor<8x3x3x3xf32>
    %s = q.constant dense<[1, 2]> : tensor<2xi8> : tensor<2xui8>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Q_AnyTensor:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasFolder = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether `value` can be the value of a constant of type `type` (what
    /// the verifier accepts, for the dialect's constant materializer).
    static bool isBuildableWith(::mlir::Attribute value, ::mlir::Type type);
  }];
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

def Q_QuantizeOp : Q_Op<"quantize", [Pure]> {
  let summary = "affine quantization of a float tensor";
  let description = [{
    `q = clamp(round_half_even(x / s) + zp, qmin, qmax)` per element, with
    the scale `s` and zero point `zp` of the result's `!quant.uniform` type
    (per tensor, per axis with the scale of the element's channel, or per
    block). `!quant.any` and `!quant.calibrated` types are rejected.
    This is ONNX QuantizeLinear.

    ```mlir
    %q = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 3.92:0>>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input);
  let results = (outs Q_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Q_DequantizeOp : Q_Op<"dequantize", [Pure]> {
  let summary = "affine dequantization to the expressed float type";
  let description = [{
    `x = (q - zp) * s` per element (ONNX DequantizeLinear).

    ```mlir
    %x = q.dequantize %q : tensor<4x!quant.uniform<u8:f32, 3.92:0>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Q_QuantizedTensor:$input);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Q_RequantizeOp : Q_Op<"requantize", [Pure]> {
  let summary = "change the scale and zero point of a quantized tensor";
  let description = [{
    `q' = clamp(round_half_even((q - zp) * (s / s')) + zp', qmin', qmax')`,
    with the multiplier `s / s'` computed and applied in f32 and no fused
    multiply-add, so every target produces the same bits.

    ```mlir
    %r = q.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.25:3>>
    ```
  }];
  let arguments = (ins Q_QuantizedTensor:$input);
  let results = (outs Q_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Q_FakeQuantOp : Q_Op<"fake_quant", [Pure, SameOperandsAndResultType]> {
  let summary = "quantize-dequantize in float, for quantization-aware training";
  let description = [{
    Forward: `x' = (clamp(round_half_even(x / s) + zp, qmin, qmax) - zp) * s`
    with `s`, `zp`, `qmin`, `qmax` from `quant_type` (per tensor or per
    axis). Backward (what a trainer must implement): the straight-through
    estimator with clipping, `dx = dy` where `qmin <= round(x / s) + zp <= qmax`
    and 0 elsewhere. Rounding is half to even, as in torch.ao and ONNX.

    ```mlir
    %y = q.fake_quant %x {quant_type = !quant.uniform<i8:f32, 0.1>} : tensor<8xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, Q_QuantizedTypeAttr:$quant_type);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Q_DynamicQuantizeOp : Q_Op<"dynamic_quantize", [Pure]> {
  let summary = "quantize with a scale and zero point computed at run time";
  let description = [{
    Computes the range of the input (whole tensor, or each slice along
    `axis` when it is set), extends it to include 0, and quantizes with
    `scale = (max - min) / (qmax - qmin)` and
    `zp = clamp(round_half_even(qmin - min / scale))` (zp is 0 for signed
    storage with `symmetric`). For `ui8` per tensor this is ONNX
    DynamicQuantizeLinear. Results: the integer tensor, the scales (0-d, or
    one per slice) and the zero points (same shape as the scales).

    ```mlir
    %q, %s, %zp = q.dynamic_quantize %x : tensor<2x8xf32> -> tensor<2x8xui8>, tensor<f32>, tensor<ui8>
    %qa, %sa, %zpa = q.dynamic_quantize %x {axis = 0 : i64} : tensor<2x8xf32> -> tensor<2x8xi8>, tensor<2xf32>, tensor<2xi8>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, OptionalAttr<I64Attr>:$axis,
                   UnitAttr:$symmetric);
  let results = (outs Q_IntegerTensor:$output, Q_F32Tensor:$scale,
                  Q_IntegerTensor:$zero_point);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output) `,` type($scale) `,`
    type($zero_point)
  }];
  let hasVerifier = 1;
}

#endif // QMLIR_DIALECT_Q_IR_QQUANTOPS_TD
