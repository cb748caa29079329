//===- QDataMovementOps.td - reshapes, transpose, concat ---*- tablegen -*-===//
//
// Part of qmlir. Included by QOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QDATAMOVEMENTOPS_TD
#define QMLIR_DIALECT_Q_IR_QDATAMOVEMENTOPS_TD

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

#endif // QMLIR_DIALECT_Q_IR_QDATAMOVEMENTOPS_TD
