//===- QPoolingOps.td - pooling ops ------------------------*- tablegen -*-===//
//
// Part of qmlir. Included by QOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QPOOLINGOPS_TD
#define QMLIR_DIALECT_Q_IR_QPOOLINGOPS_TD

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

#endif // QMLIR_DIALECT_Q_IR_QPOOLINGOPS_TD
