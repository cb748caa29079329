//===- QReductionOps.td - reductions, argmax, argmin -------*- tablegen -*-===//
//
// Part of qmlir. Included by QOps.td, after QDataMovementOps.td (whose
// constraints it uses).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QREDUCTIONOPS_TD
#define QMLIR_DIALECT_Q_IR_QREDUCTIONOPS_TD

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Q_ReduceOp : Q_Op<"reduce", [Pure, SameOperandsAndResultElementType]> {
  let summary = "reduce over a set of dimensions";
  let description = [{
    The ONNX Reduce* family in one op; `kind` names the member:

    | kind          | result                   | ONNX            |
    |---------------|--------------------------|-----------------|
    | `sum`         | `sum(x)`                 | ReduceSum       |
    | `mean`        | `sum(x) / n`             | ReduceMean      |
    | `max`, `min`  | `max(x)`, `min(x)`       | ReduceMax/Min   |
    | `prod`        | `prod(x)`                | ReduceProd      |
    | `l1`          | `sum(abs(x))`            | ReduceL1        |
    | `l2`          | `sqrt(sum(x * x))`       | ReduceL2        |
    | `sum_square`  | `sum(x * x)`             | ReduceSumSquare |
    | `log_sum`     | `log(sum(x))`            | ReduceLogSum    |
    | `log_sum_exp` | `log(sum(exp(x)))`       | ReduceLogSumExp |

    `axes` lists the reduced dimensions, sorted and distinct (the importer
    resolves negative axes, "all axes" and `noop_with_empty_axes`). The
    result either keeps them with size 1 (ONNX `keepdims=1`) or drops them;
    its type says which. `l2`, `log_sum` and `log_sum_exp` need a float
    element type; integer `mean` divides truncating toward zero, and `ui*`
    types compare and divide unsigned.

    ```mlir
    %y = q.reduce "mean" %x {axes = array<i64: 1>} : tensor<3x2x2xf32> -> tensor<3x1x2xf32>
    %z = q.reduce "max" %x {axes = array<i64: 0, 2>} : tensor<3x2x2xf32> -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Q_StrEnumAttr<["sum", "mean", "max", "min", "prod",
                                      "l1", "l2", "sum_square", "log_sum",
                                      "log_sum_exp"]>:$kind,
                   Q_NumericTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs Q_NumericTensor:$output);
  let assemblyFormat = [{
    $kind $input attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

class Q_ArgReduceOp<string mnemonic, string desc>
    : Q_Op<mnemonic, [Pure]> {
  let description = desc # [{

    The result keeps dimension `axis` with size 1 (ONNX `keepdims=1`) or
    drops it; its type says which. Ties resolve to the first index, or to
    the last with `select_last_index`. `ui*` types compare unsigned.
  }];
  let arguments = (ins Q_NumericTensor:$input, I64Attr:$axis,
                   UnitAttr:$select_last_index);
  let results = (outs StaticShapeTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Q_ArgMaxOp : Q_ArgReduceOp<"argmax", [{
    ONNX ArgMax: the `i64` index of the largest element along `axis`.

    ```mlir
    %i = q.argmax %x {axis = 1 : i64} : tensor<2x3xf32> -> tensor<2x1xi64>
    ```
}]> {
  let summary = "index of the largest element along an axis";
}

def Q_ArgMinOp : Q_ArgReduceOp<"argmin", [{
    ONNX ArgMin: the `i64` index of the smallest element along `axis`.

    ```mlir
    %i = q.argmin %x {axis = 0 : i64, select_last_index} : tensor<2x3xf32> -> tensor<3xi64>
    ```
}]> {
  let summary = "index of the smallest element along an axis";
}

#endif // QMLIR_DIALECT_Q_IR_QREDUCTIONOPS_TD
