//===- QOps.td - q dialect operations ----------------------*- tablegen -*-===//
//
// Part of qmlir. Graph ops follow the ONNX operator of the same name; the
// importer resolves defaults and auto_pad so attributes here are explicit.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QOPS_TD
#define QMLIR_DIALECT_Q_IR_QOPS_TD

include "qmlir/Dialect/Q/IR/QDialect.td"
include "qmlir/Dialect/Q/IR/QTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Affine quantized element types: `!quant.uniform` per tensor, per axis or
// per block (sub-channel). `!quant.any` and `!quant.calibrated` carry no
// scale, so no q op can compute with them.
def Q_UniformQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType, "
          "::mlir::quant::UniformQuantizedSubChannelType>($_self)">,
    "uniform quantized type">;

// Shapes are static in q (the importer pins symbolic dimensions), and the
// verifiers compute with every dimension size.
def Q_FloatTensor : StaticShapeTensorOf<[AnyFloat]>;
def Q_NumericTensor : StaticShapeTensorOf<[AnyFloat, AnyInteger]>;
def Q_QuantizedTensor : StaticShapeTensorOf<[Q_UniformQuantizedType]>;
def Q_IntegerTensor : StaticShapeTensorOf<[AnyInteger]>;
def Q_F32Tensor : StaticShapeTensorOf<[F32]>;
def Q_AnyTensor : StaticShapeTensorOf<[AnyType]>;

def Q_QuantizedTypeAttr : TypeAttrOf<Q_UniformQuantizedType>;

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
// Element-wise ops
//===----------------------------------------------------------------------===//

class Q_BinaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : Q_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultElementType])> {
  let summary = "element-wise " # mnemonic # " with numpy broadcasting";
  let description = desc # [{

    Operands broadcast as in numpy (and ONNX): shapes are aligned on the
    right and a dimension of 1 stretches. Float and integer element types;
    integer `ui*` types use unsigned semantics.
  }];
  let arguments = (ins Q_NumericTensor:$lhs, Q_NumericTensor:$rhs);
  let results = (outs Q_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def Q_AddOp : Q_BinaryOp<"add", [{
    `result = lhs + rhs` (ONNX Add). Integers wrap around.

    ```mlir
    %z = q.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
}], [Commutative]> {
  let hasFolder = 1;
}
def Q_SubOp : Q_BinaryOp<"sub", [{
    `result = lhs - rhs` (ONNX Sub). Integers wrap around.

    ```mlir
    %z = q.sub %x, %y : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
    ```
}]> {
  let hasFolder = 1;
}
def Q_MulOp : Q_BinaryOp<"mul", [{
    `result = lhs * rhs` (ONNX Mul). Integers wrap around.

    ```mlir
    %z = q.mul %x, %y : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    ```
}], [Commutative]> {
  let hasFolder = 1;
}
def Q_DivOp : Q_BinaryOp<"div", [{
    `result = lhs / rhs` (ONNX Div): IEEE division for floats, division
    truncating toward zero for integers.

    ```mlir
    %z = q.div %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    ```
}]> {
  let hasFolder = 1;
}

class Q_UnaryFloatOp<string mnemonic, string desc>
    : Q_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let description = desc;
  let arguments = (ins Q_FloatTensor:$input);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Q_ReluOp : Q_Op<"relu", [Pure, SameOperandsAndResultType]> {
  let summary = "rectified linear unit";
  let description = [{
    `max(x, 0)` per element (ONNX Relu). NaN stays NaN.

    ```mlir
    %y = q.relu %x : tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Q_NumericTensor:$input);
  let results = (outs Q_NumericTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasFolder = 1;
}

def Q_SigmoidOp : Q_UnaryFloatOp<"sigmoid", [{
    `1 / (1 + exp(-x))` per element (ONNX Sigmoid), evaluated with MLIR's
    polynomial approximation of exp so every target gives the same bits.

    ```mlir
    %y = q.sigmoid %x : tensor<3x4xf32>
    ```
  }]> {
  let summary = "logistic sigmoid";
}

def Q_ClipOp : Q_Op<"clip", [Pure, AttrSizedOperandSegments]> {
  let summary = "clamp to [min, max]";
  let description = [{
    `min(max(x, lo), hi)` per element (ONNX Clip, opset 11+ form). `min` and
    `max` are optional 0-d tensors of the input's element type; a missing
    bound is the type's lowest/highest value. They are operands, not
    attributes, because ONNX allows run-time bounds.

    ```mlir
    %y = q.clip %x min %lo max %hi : (tensor<8xf32>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
    %z = q.clip %x max %hi : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins Q_NumericTensor:$input, Optional<Q_NumericTensor>:$min,
                   Optional<Q_NumericTensor>:$max);
  let results = (outs Q_NumericTensor:$output);
  let assemblyFormat = [{
    $input (`min` $min^)? (`max` $max^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Q_SoftmaxOp : Q_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "softmax along one axis";
  let description = [{
    `exp(x - max) / sum(exp(x - max))` along `axis` (ONNX Softmax, opset 13
    meaning; the importer rewrites the older "flatten to 2-D" meaning into
    reshapes around this op). `axis` is normalized to `[0, rank)`.

    ```mlir
    %y = q.softmax %x {axis = 1 : i64} : tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Q_MatMulOp : Q_Op<"matmul", [Pure, SameOperandsAndResultElementType]> {
  let summary = "matrix product with numpy semantics";
  let description = [{
    ONNX MatMul (numpy `matmul`): the last two dimensions multiply, leading
    dimensions broadcast; a 1-D operand is promoted to a matrix and the
    promoted dimension removed from the result.

    ```mlir
    %c = q.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$lhs, Q_FloatTensor:$rhs);
  let results = (outs Q_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def Q_GemmOp : Q_Op<"gemm", [Pure]> {
  let summary = "general matrix multiply: alpha * op(A) op(B) + beta * C";
  let description = [{
    ONNX Gemm: `op(X)` transposes `X` when `trans_a`/`trans_b` is set; `C`
    is optional and broadcasts (unidirectionally) to the `[M, N]` result.

    ```mlir
    %y = q.gemm %a, %b, %c {trans_b} : (tensor<1x16xf32>, tensor<10x16xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$a, Q_FloatTensor:$b,
                   Optional<Q_FloatTensor>:$c,
                   DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                   UnitAttr:$trans_a, UnitAttr:$trans_b);
  let results = (outs Q_FloatTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Q_ConvOp : Q_Op<"conv", [Pure]> {
  let summary = "N-d convolution (NCHW), with groups";
  let description = [{
    ONNX Conv with explicit `pads` (`[x1_begin, x2_begin, ..., x1_end,
    x2_end, ...]`), `strides`, `dilations` and `group`. Input
    `[N, C, D1, ...]`, weight `[M, C / group, K1, ...]`, optional bias `[M]`.
    Output dims are `floor((D + pad_begin + pad_end - dilation * (K - 1) - 1)
    / stride) + 1`.

    ```mlir
    %y = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                            pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
        : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x32x32xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, Q_FloatTensor:$weight,
                   Optional<Q_FloatTensor>:$bias, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   ConfinedAttr<I64Attr, [IntPositive]>:$group);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Q_BatchNormOp : Q_Op<"batch_norm", [Pure]> {
  let summary = "batch normalization, inference form";
  let description = [{
    ONNX BatchNormalization in inference mode:
    `y = (x - mean) / sqrt(var + epsilon) * scale + bias`, the four
    parameters being `[C]` vectors applied along dimension 1.

    ```mlir
    %y = q.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, Q_FloatTensor:$scale,
                   Q_FloatTensor:$bias, Q_FloatTensor:$mean,
                   Q_FloatTensor:$variance,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

class Q_PoolOp<string mnemonic, list<Trait> traits = []>
    : Q_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultElementType])> {
  let results = (outs Q_NumericTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Q_MaxPoolOp : Q_PoolOp<"max_pool"> {
  let summary = "N-d max pooling (NCHW)";
  let description = [{
    ONNX MaxPool with explicit `pads`. Padding never wins the maximum. With
    `ceil_mode` the output size rounds up, and windows that would start in
    the end padding are dropped (as ONNX Runtime and PyTorch do).

    ```mlir
    %y = q.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
        : tensor<1x8x32x32xf32> -> tensor<1x8x16x16xf32>
    ```
  }];
  let arguments = (ins Q_NumericTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode);
}

def Q_AveragePoolOp : Q_PoolOp<"average_pool"> {
  let summary = "N-d average pooling (NCHW)";
  let description = [{
    ONNX AveragePool with explicit `pads`. The divisor is the window size
    when `count_include_pad` is set, otherwise the number of window
    elements inside the input. With `ceil_mode`, windows that would start
    in the end padding are dropped and the part of a window past the end
    padding is never counted.

    ```mlir
    %y = q.average_pool %x {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>,
                            kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
                            strides = array<i64: 1, 1>}
        : tensor<1x8x8x8xf32> -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode,
                   BoolAttr:$count_include_pad);
}

def Q_GlobalAveragePoolOp : Q_Op<"global_average_pool",
                                 [Pure, SameOperandsAndResultElementType]> {
  let summary = "mean over all spatial dimensions";
  let description = [{
    ONNX GlobalAveragePool: `[N, C, D1, ...] -> [N, C, 1, ...]`.

    ```mlir
    %y = q.global_average_pool %x : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Q_ReshapeOp : Q_Op<"reshape", [Pure, SameOperandsAndResultElementType]> {
  let summary = "reinterpret the shape; element order unchanged";
  let description = [{
    ONNX Reshape with the target shape known at compile time: the result
    type is the new shape (the importer resolves `0` and `-1` entries).
    With a per-axis or per-block element type, each quantized dimension and
    the number of elements after it must stay, so every element keeps its
    scale.

    ```mlir
    %y = q.reshape %x : tensor<1x16x1x1xf32> -> tensor<1x16xf32>
    ```
  }];
  let arguments = (ins Q_AnyTensor:$input);
  let results = (outs Q_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Q_FlattenOp : Q_Op<"flatten", [Pure, SameOperandsAndResultElementType]> {
  let summary = "flatten to 2-D at an axis";
  let description = [{
    ONNX Flatten: dimensions before `axis` multiply into the first result
    dimension, the rest into the second. Canonicalizes to `q.reshape`, and
    follows its rule for per-axis and per-block element types.

    ```mlir
    %y = q.flatten %x {axis = 1 : i64} : tensor<1x16x1x1xf32> -> tensor<1x16xf32>
    ```
  }];
  let arguments = (ins Q_AnyTensor:$input, I64Attr:$axis);
  let results = (outs Q_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Q_TransposeOp : Q_Op<"transpose", [Pure, SameOperandsAndResultElementType]> {
  let summary = "permute dimensions";
  let description = [{
    ONNX Transpose: result dimension `i` is input dimension `perm[i]`.
    The element type is unchanged, so `perm` keeps the quantized dimensions
    of a per-axis or per-block type in place.

    ```mlir
    %y = q.transpose %x {perm = array<i64: 0, 2, 3, 1>} : tensor<1x3x4x5xf32> -> tensor<1x4x5x3xf32>
    ```
  }];
  let arguments = (ins Q_AnyTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Q_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Q_ConcatOp : Q_Op<"concat", [Pure, SameOperandsAndResultElementType]> {
  let summary = "concatenate along an axis";
  let description = [{
    ONNX Concat; `axis` is normalized to `[0, rank)`. Inputs of a per-axis
    or per-block type cannot be concatenated along a quantized dimension
    (the result would need more scales than its element type has).

    ```mlir
    %y = q.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins Variadic<Q_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs Q_AnyTensor:$output);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // QMLIR_DIALECT_Q_IR_QOPS_TD
