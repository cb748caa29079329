//===- QLinearOps.td - matmul, gemm, conv, normalization ---*- tablegen -*-===//
//
// Part of qmlir. Included by QOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QLINEAROPS_TD
#define QMLIR_DIALECT_Q_IR_QLINEAROPS_TD

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

def Q_ConvTransposeOp : Q_Op<"conv_transpose", [Pure]> {
  let summary = "N-d transposed convolution (NCHW), with groups";
  let description = [{
    ONNX ConvTranspose with explicit `pads`, `strides`, `dilations`,
    `output_padding` and `group` (the importer resolves `auto_pad` and
    `output_shape` into `pads` and `output_padding`). Input
    `[N, C, D1, ...]`, weight `[C, M / group, K1, ...]`, optional bias `[M]`.
    Every input element scatters `x * w` into the full output, of size
    `stride * (D - 1) + dilation * (K - 1) + 1 + output_padding` along each
    spatial dimension; `pads` (`[x1_begin, ..., x1_end, ...]`) crop it, so
    the output dims are
    `stride * (D - 1) + output_padding + dilation * (K - 1) + 1 - pad_begin - pad_end`.

    ```mlir
    %y = q.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                                  output_padding = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                  strides = array<i64: 3, 2>}
        : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x10x8xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, Q_FloatTensor:$weight,
                   Optional<Q_FloatTensor>:$bias, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$output_padding,
                   ConfinedAttr<I64Attr, [IntPositive]>:$group);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Q_MatMulIntegerOp : Q_Op<"matmul_integer",
                             [Pure, AttrSizedOperandSegments]> {
  let summary = "8-bit integer matrix product accumulated exactly in i32";
  let description = [{
    ONNX MatMulInteger: `y = (a - a_zero_point) @ (b - b_zero_point)` with
    numpy `matmul` shapes (as `q.matmul`), every product and sum exact in
    i32. A missing zero point is 0. `lhs_zero_point` is per tensor (one
    element) or one per row of `lhs` (`[M]`); `rhs_zero_point` is per
    tensor or one per column of `rhs` (`[N]`). The zero points have the
    element type of their operand.

    ```mlir
    %y = q.matmul_integer %a, %b lhs_zero_point(%azp) rhs_zero_point(%bzp)
        : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<1xui8>, tensor<2xi8>) -> tensor<4x2xi32>
    %y0 = q.matmul_integer %a, %b : (tensor<4x3xui8>, tensor<3x2xi8>) -> tensor<4x2xi32>
    ```
  }];
  let arguments = (ins Q_Int8Tensor:$lhs, Q_Int8Tensor:$rhs,
                   Optional<Q_Int8Tensor>:$lhs_zero_point,
                   Optional<Q_Int8Tensor>:$rhs_zero_point);
  let results = (outs Q_I32Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`lhs_zero_point` `(` $lhs_zero_point^ `)`)?
    (`rhs_zero_point` `(` $rhs_zero_point^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Q_ConvIntegerOp : Q_Op<"conv_integer", [Pure, AttrSizedOperandSegments]> {
  let summary = "8-bit integer N-d convolution accumulated exactly in i32";
  let description = [{
    ONNX ConvInteger: `q.conv` of `x - x_zero_point` and `w - w_zero_point`
    (same attributes and shapes), every product and sum exact in i32. The
    input is padded with its zero point, so padding contributes 0. A
    missing zero point is 0; `input_zero_point` is per tensor (one
    element), `weight_zero_point` per tensor or one per output channel
    (`[M]`). The zero points have the element type of their operand.

    ```mlir
    %y = q.conv_integer %x, %w input_zero_point(%xzp) {dilations = array<i64: 1, 1>, group = 1 : i64,
                                                       pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
        : (tensor<1x1x3x3xui8>, tensor<1x1x2x2xui8>, tensor<ui8>) -> tensor<1x1x4x4xi32>
    ```
  }];
  let arguments = (ins Q_Int8Tensor:$input, Q_Int8Tensor:$weight,
                   Optional<Q_Int8Tensor>:$input_zero_point,
                   Optional<Q_Int8Tensor>:$weight_zero_point,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations,
                   ConfinedAttr<I64Attr, [IntPositive]>:$group);
  let results = (outs Q_I32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`input_zero_point` `(` $input_zero_point^ `)`)?
    (`weight_zero_point` `(` $weight_zero_point^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
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
// Normalization over trailing dimensions
//===----------------------------------------------------------------------===//

def Q_LayerNormOp : Q_Op<"layer_norm", [Pure]> {
  let summary = "normalization over the dimensions from `axis` on";
  let description = [{
    ONNX LayerNormalization: for each index of the dimensions before `axis`,
    over the elements of the dimensions from `axis` on,
    `mean = sum(x) / n`, `var = sum((x - mean)^2) / n`,
    `inv_std_dev = 1 / sqrt(var + epsilon)` and
    `y = (x - mean) * inv_std_dev * scale + bias`. The statistics are
    computed in the element type of the `mean` and `inv_std_dev` results
    (ONNX's `stash_type`), which have the input's dimensions before `axis`
    followed by 1s. `scale` and the optional `bias` broadcast (numpy) to the
    input's shape: ONNX LayerNormalization gives them the normalized shape;
    InstanceNormalization is this op with `axis = 2` and `[C, 1, ...]`
    scale and bias.

    ```mlir
    %y, %mean, %inv = q.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<2x3x4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>)
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, Q_FloatTensor:$scale,
                   Optional<Q_FloatTensor>:$bias,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$axis,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Q_FloatTensor:$output, Q_FloatTensor:$mean,
                  Q_FloatTensor:$inv_std_dev);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // QMLIR_DIALECT_Q_IR_QLINEAROPS_TD
