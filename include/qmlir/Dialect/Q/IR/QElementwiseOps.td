//===- QElementwiseOps.td - element-wise ops ---------------*- tablegen -*-===//
//
// Part of qmlir. Included by QOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QELEMENTWISEOPS_TD
#define QMLIR_DIALECT_Q_IR_QELEMENTWISEOPS_TD

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

#endif // QMLIR_DIALECT_Q_IR_QELEMENTWISEOPS_TD
