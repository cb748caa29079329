//===- QDataMovementOps.td - shapes, slices, gathers -------*- tablegen -*-===//
//
// Part of qmlir. Included by QOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QDATAMOVEMENTOPS_TD
#define QMLIR_DIALECT_Q_IR_QDATAMOVEMENTOPS_TD

//===----------------------------------------------------------------------===//
// Constraints of the data movement and reduction ops
//===----------------------------------------------------------------------===//

// The element types that slices, gathers, pads and broadcasts move as they
// are: floats, integers and per-tensor quantized types. A per-axis or
// per-block type is left out: its scales would have to move with the data.
def Q_PerTensorQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType>($_self)">,
    "per-tensor uniform quantized type">;
def Q_DataTensor
    : StaticShapeTensorOf<[AnyFloat, AnyInteger, Q_PerTensorQuantizedType]>;
def Q_IndexTensor : StaticShapeTensorOf<[I32, I64]>;

// A string attribute restricted to `cases`: ONNX's mode attributes, kept
// readable in the IR.
class Q_StrEnumAttr<list<string> cases>
    : ConfinedAttr<StrAttr, [AttrConstraint<
          CPred<"::llvm::is_contained(::llvm::ArrayRef<::llvm::StringRef>{"
                # !interleave(!foreach(c, cases, "\"" # c # "\""), ", ")
                # "}, ::llvm::cast<::mlir::StringAttr>($_self).getValue())">,
          "whose value is one of " # !interleave(cases, ", ")>]>;

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

def Q_SliceOp : Q_Op<"slice", [Pure, SameOperandsAndResultElementType]> {
  let summary = "strided slice: a start and a step per dimension";
  let description = [{
    Result element `(i0, i1, ...)` is input element
    `(starts[0] + i0 * steps[0], starts[1] + i1 * steps[1], ...)`; the
    result type gives the number of elements along each dimension. A step
    may be negative (the slice runs backwards from its start) but not zero,
    and every element read lies inside the input. ONNX Slice (its starts
    and ends clamped as ONNX says) and Split import to it.

    ```mlir
    %y = q.slice %x {starts = array<i64: 0, 4>, steps = array<i64: 1, -2>}
        : tensor<2x5xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Q_DataTensor:$input, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$steps);
  let results = (outs Q_DataTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Q_PadOp : Q_Op<"pad", [Pure, SameOperandsAndResultElementType]> {
  let summary = "pad with a constant, by reflection or by the edge values";
  let description = [{
    ONNX Pad with non-negative `pads` (`[x1_begin, x2_begin, ...,
    x1_end, x2_end, ...]`, one pair per dimension; the importer turns
    negative pads into a `q.slice`). `mode` is

    - `constant`: new elements are `value`, a 0-d operand that may be
      computed at run time, or zero without it (the zero point of a
      quantized type);
    - `reflect`: the input mirrored at its first and last element, which
      are not repeated (a pad must be smaller than its dimension);
    - `edge`: the first or last element repeated.

    ```mlir
    %y = q.pad %x, %v {pads = array<i64: 0, 1, 0, 2>}
        : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x6xf32>
    %z = q.pad %x {mode = "reflect", pads = array<i64: 0, 2, 0, 0>}
        : (tensor<2x3xf32>) -> tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Q_DataTensor:$input,
                   Optional<0DTensorOf<[AnyFloat, AnyInteger,
                                        Q_PerTensorQuantizedType]>>:$value,
                   DenseI64ArrayAttr:$pads,
                   DefaultValuedStrAttr<
                       Q_StrEnumAttr<["constant", "reflect", "edge"]>,
                       "constant">:$mode);
  let results = (outs Q_DataTensor:$output);
  let assemblyFormat = [{
    $input (`,` $value^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Q_GatherOp : Q_Op<"gather",
                      [Pure, AllElementTypesMatch<["input", "output"]>]> {
  let summary = "take slices along an axis at run-time indices";
  let description = [{
    ONNX Gather: the result is the input with dimension `axis` replaced by
    the dimensions of `indices`, each index selecting a slice along `axis`:
    `out[a..., j..., b...] = input[a..., indices[j...], b...]`. A negative
    index counts from the end; an index outside `[-n, n)` reads the nearest
    slice (ONNX leaves it undefined).

    ```mlir
    %y = q.gather %x, %i {axis = 1 : i64}
        : (tensor<3x4xf32>, tensor<2x2xi64>) -> tensor<3x2x2xf32>
    ```
  }];
  let arguments = (ins Q_DataTensor:$input, Q_IndexTensor:$indices,
                   I64Attr:$axis);
  let results = (outs Q_DataTensor:$output);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` `(` type($input) `,` type($indices) `)`
    `->` type($output)
  }];
  let hasVerifier = 1;
}

def Q_GatherElementsOp
    : Q_Op<"gather_elements",
           [Pure, AllElementTypesMatch<["input", "output"]>,
            AllShapesMatch<["indices", "output"]>]> {
  let summary = "take elements along an axis at run-time indices";
  let description = [{
    ONNX GatherElements: `indices` has the input's rank and the result's
    shape, and `out[i..., j, k...] = input[i..., indices[i..., j, k...],
    k...]` with `j` at position `axis`. Along the other dimensions
    `indices` may be shorter than the input. Negative indices count from
    the end; one outside `[-n, n)` reads the nearest element.

    ```mlir
    %y = q.gather_elements %x, %i {axis = 1 : i64}
        : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Q_DataTensor:$input, Q_IndexTensor:$indices,
                   I64Attr:$axis);
  let results = (outs Q_DataTensor:$output);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` `(` type($input) `,` type($indices) `)`
    `->` type($output)
  }];
  let hasVerifier = 1;
}

def Q_ExpandOp : Q_Op<"expand", [Pure, SameOperandsAndResultElementType]> {
  let summary = "broadcast to a larger shape (numpy rules)";
  let description = [{
    ONNX Expand: the input broadcasts to the result shape, aligned on the
    right, each dimension of size 1 repeated. The importer computes the
    result shape (ONNX's target shape broadcast with the input's). Tile
    imports as reshapes around this op.

    ```mlir
    %y = q.expand %x : tensor<3x1xf32> -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins Q_DataTensor:$input);
  let results = (outs Q_DataTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Q_TriluOp : Q_Op<"trilu", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "keep the upper or lower triangle of each matrix";
  let description = [{
    ONNX Trilu: each matrix of the last two dimensions keeps the elements
    with `j - i >= k` (`upper`) or `j - i <= k` (lower) and the others
    become zero (the zero point of a quantized type). `k` is an optional 0-d
    `i64` operand (zero without it); it may be computed at run time.

    ```mlir
    %y = q.trilu %x, %k {upper}
        : (tensor<4x5xf32>, tensor<i64>) -> tensor<4x5xf32>
    %z = q.trilu %x : (tensor<2x3x3xi64>) -> tensor<2x3x3xi64>
    ```
  }];
  let arguments = (ins Q_DataTensor:$input, Optional<0DTensorOf<[I64]>>:$k,
                   UnitAttr:$upper);
  let results = (outs Q_DataTensor:$output);
  let assemblyFormat = [{
    $input (`,` $k^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Q_ResizeOp : Q_Op<"resize", [Pure, SameOperandsAndResultElementType]> {
  let summary = "resample with nearest, linear or cubic interpolation";
  let description = [{
    ONNX Resize (and Upsample) with the output size known: the result type
    is the output size, `scales` (one per dimension, positive) the scale
    factors the coordinate transformation uses, which may differ slightly
    from output / input size. An output coordinate `x` maps to the input
    coordinate `x_in` by `coordinate_transformation_mode`:

    - `half_pixel`: `(x + 0.5) / scale - 0.5`;
    - `pytorch_half_pixel`: as `half_pixel`, or `-0.5` when the output
      size is 1;
    - `align_corners`: `x * (in - 1) / (in * scale - 1)`;
    - `asymmetric`: `x / scale`;
    - `tf_half_pixel_for_nn`: `(x + 0.5) / scale`;
    - `tf_crop_and_resize`: `roi` (starts then ends, as fractions of
      `in - 1`) selects a box; outside the input the result is
      `extrapolation_value`.

    `mode` interpolates between input elements: `nearest` (rounded as
    `nearest_mode` says), `linear`, or `cubic` (coefficient
    `cubic_coeff_a`; with `exclude_outside`, taps outside the input get
    weight 0 and the others are renormalized). Dimensions are interpolated
    independently, as ONNX's reference does; neighbours past the input's
    edges repeat the edge elements. `linear` and `cubic` need a float
    element type.

    ```mlir
    %y = q.resize %x {coordinate_transformation_mode = "align_corners",
                      mode = "linear", scales = array<f64: 1.0, 1.0, 2.0, 2.0>}
        : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
    ```
  }];
  let arguments = (ins Q_NumericTensor:$input,
                   DefaultValuedStrAttr<
                       Q_StrEnumAttr<["nearest", "linear", "cubic"]>,
                       "nearest">:$mode,
                   DefaultValuedStrAttr<
                       Q_StrEnumAttr<["half_pixel", "pytorch_half_pixel",
                                      "align_corners", "asymmetric",
                                      "tf_half_pixel_for_nn",
                                      "tf_crop_and_resize"]>,
                       "half_pixel">:$coordinate_transformation_mode,
                   DefaultValuedStrAttr<
                       Q_StrEnumAttr<["round_prefer_floor",
                                      "round_prefer_ceil", "floor", "ceil"]>,
                       "round_prefer_floor">:$nearest_mode,
                   DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                   UnitAttr:$exclude_outside,
                   DefaultValuedAttr<F32Attr, "0.0f">:$extrapolation_value,
                   DenseF64ArrayAttr:$scales,
                   OptionalAttr<DenseF64ArrayAttr>:$roi);
  let results = (outs Q_NumericTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // QMLIR_DIALECT_Q_IR_QDATAMOVEMENTOPS_TD
