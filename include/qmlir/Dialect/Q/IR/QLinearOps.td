//===- QLinearOps.td - matmul, gemm, conv, batch norm ------*- tablegen -*-===//
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

#endif // QMLIR_DIALECT_Q_IR_QLINEAROPS_TD
