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

//===----------------------------------------------------------------------===//
// Integer compute forms: ONNX's quantization operators with run-time scales
//===----------------------------------------------------------------------===//

// ONNX's 8-bit tensors: int8 is signless `i8`, uint8 is `ui8`.
def Q_Int8Tensor : StaticShapeTensorOf<[I8, UI8]>;
// ... and its 4-bit ones (opset 21): int4 is `i4`, uint4 is `ui4`.
def Q_IntNTensor : StaticShapeTensorOf<[I<4>, UI<4>, I8, UI8]>;
def Q_I32Tensor : StaticShapeTensorOf<[I32]>;

def Q_StorageCastOp : Q_Op<"storage_cast", [Pure]> {
  let summary = "reinterpret quantized values as their integer storage, or back";
  let description = [{
    Converts between a tensor of a `!quant.uniform` type and the integer
    tensor of its storage values, without touching the data: one side is
    quantized, the other an integer tensor of the same shape, width and
    signedness (`ui8` for `u8` storage, `i8` for `i8`). The importer puts
    it where ONNX's integer tensors meet q's quantized types (the result
    of QuantizeLinear, the input of DequantizeLinear), so that a
    QuantizeLinear/DequantizeLinear pair folds to `q.quantize` followed by
    `q.dequantize`.

    ```mlir
    %q = q.storage_cast %x : tensor<4xui8> -> tensor<4x!quant.uniform<u8:f32, 5.000000e-01:3>>
    %i = q.storage_cast %q : tensor<4x!quant.uniform<u8:f32, 5.000000e-01:3>> -> tensor<4xui8>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[AnyInteger, Q_UniformQuantizedType]>:$input);
  let results = (outs StaticShapeTensorOf<[AnyInteger, Q_UniformQuantizedType]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Q_QuantizeLinearOp : Q_Op<"quantize_linear", [Pure]> {
  let summary = "ONNX QuantizeLinear with run-time scale and zero point";
  let description = [{
    `y = saturate(round_half_even(x / scale) + zero_point)`, the division
    in f32 (an `i32` input is converted to f32 first), saturating to the
    range of the result's element type (`ui8`: [0, 255], `i8`:
    [-128, 127]). Without `zero_point` it is 0.

    `scale` and `zero_point` are each per tensor (one element: 0-d or
    `[1]`) or, when `axis` is set, 1-D with one value per index along
    `axis` of the input. With `block_size` too (ONNX opset 21 blocked
    quantization) they have the input's rank and shape except along `axis`,
    where they have `ceil(dim / block_size)` entries: element `i` along
    `axis` uses entry `i floordiv block_size`. The result may be 4-bit
    (`i4`: [-8, 7], `ui4`: [0, 15]). This is the form of ONNX QuantizeLinear
    when its scale or zero point are not constants, or are blocked or
    4-bit; with per-tensor or per-axis constants the importer builds
    `q.quantize` to a `!quant.uniform` type instead.

    ```mlir
    %y = q.quantize_linear %x, %s, %zp : (tensor<6xf32>, tensor<f32>, tensor<ui8>) -> tensor<6xui8>
    %ya = q.quantize_linear %x4, %sa, %zpa {axis = 1 : i64}
        : (tensor<1x3x2xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x3x2xi8>
    %yb = q.quantize_linear %w, %sb {axis = 0 : i64, block_size = 32 : i64}
        : (tensor<64x8xf32>, tensor<2x8xf32>) -> tensor<64x8xi4>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[F32, I32]>:$input,
                   Q_F32Tensor:$scale, Optional<Q_IntNTensor>:$zero_point,
                   OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$axis,
                   OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$block_size);
  let results = (outs Q_IntNTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Q_DequantizeLinearOp : Q_Op<"dequantize_linear", [Pure]> {
  let summary = "ONNX DequantizeLinear with run-time scale and zero point";
  let description = [{
    `y = (x - zero_point) * scale`, the subtraction exact in i32 and the
    product in f32. Without `zero_point` it is 0 (an `i32` input has no
    zero point in ONNX). `scale` and `zero_point` are per tensor, per axis
    or per block along `axis` (`block_size`) as for `q.quantize_linear`;
    the input may be 4-bit. With constant per-tensor or per-axis scale and
    zero point the importer builds `q.dequantize` of a `!quant.uniform`
    type instead. Blocked 4-bit weights in this form are what weight-only
    quantization (`q-quantize{mode=weight-only}`) writes and what ONNX
    Runtime's MatMulNBits imports as.

    ```mlir
    %y = q.dequantize_linear %x, %s, %zp {axis = 1 : i64}
        : (tensor<1x3x2xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<1x3x2xf32>
    %w = q.dequantize_linear %q4, %s4 {axis = 0 : i64, block_size = 128 : i64}
        : (tensor<256x64xi4>, tensor<2x64xf32>) -> tensor<256x64xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I<4>, UI<4>, I8, UI8, I32]>:$input,
                   Q_F32Tensor:$scale,
                   Optional<StaticShapeTensorOf<[I<4>, UI<4>, I8, UI8, I32]>>:$zero_point,
                   OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$axis,
                   OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$block_size);
  let results = (outs Q_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Q_RequantizeLinearOp : Q_Op<"requantize_linear", [Pure]> {
  let summary = "scale i32 accumulators to 8 bits with a run-time multiplier";
  let description = [{
    `y = saturate(round_half_even(f32(x) * multiplier) + zero_point)`:
    the requantization step of ONNX QLinearMatMul and QLinearConv as ONNX
    Runtime computes it (MLAS `RequantizeOutput`), the multiplier being
    `x_scale * w_scale / y_scale` in f32. The product is one f32
    multiplication (no fused multiply-add), so every target gives the same
    bits. `multiplier` and `zero_point` are per tensor or, with `axis`,
    per index along `axis`, as for `q.quantize_linear`.

    ```mlir
    %y = q.requantize_linear %acc, %m, %zp {axis = 1 : i64}
        : (tensor<1x8x4x4xi32>, tensor<8xf32>, tensor<ui8>) -> tensor<1x8x4x4xui8>
    ```
  }];
  let arguments = (ins Q_I32Tensor:$input, Q_F32Tensor:$multiplier,
                   Optional<Q_Int8Tensor>:$zero_point,
                   OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$axis);
  let results = (outs Q_Int8Tensor:$output);
  let assemblyFormat = [{
    $input `,` $multiplier (`,` $zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Q_DequantizeCodebookOp : Q_Op<"dequantize_codebook", [Pure]> {
  let summary = "table lookup dequantization of NF4/FP4 codes (QLoRA)";
  let description = [{
    `y = table[code] * absmax[block]` per element, the `table` and block
    size those of the `codebook` type (`!q.codebook`, e.g. QLoRA's NF4 with
    blocks of 64). Blocks run along `axis` (a weight's contraction
    dimension): element `i` along `axis` uses `absmax` entry
    `i floordiv block`, so `absmax` has the shape of `codes` except
    `ceil(dim / block)` along `axis`. Codes are unsigned indices of the
    codebook's storage width (`ui4` for 4-bit tables).

    ```mlir
    %w = q.dequantize_codebook %codes, %absmax {axis = 0 : i64,
            codebook = !q.codebook<nf4, i4:f32, block = 64>}
        : (tensor<256x64xui4>, tensor<4x64xf32>) -> tensor<256x64xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[UI<4>, UI8]>:$codes,
                   Q_F32Tensor:$absmax,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$axis,
                   TypeAttrOf<Q_CodebookType>:$codebook);
  let results = (outs Q_F32Tensor:$output);
  let assemblyFormat = [{
    $codes `,` $absmax attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // QMLIR_DIALECT_Q_IR_QQUANTOPS_TD
