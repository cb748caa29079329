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

//===----------------------------------------------------------------------===//
// More binary arithmetic
//===----------------------------------------------------------------------===//

def Q_MinOp : Q_BinaryOp<"min", [{
    `result = min(lhs, rhs)` (ONNX Min of two inputs; the importer chains
    more). Floats propagate NaN; integers compare signed, `ui*` unsigned.

    ```mlir
    %z = q.min %x, %y : (tensor<2x3xui8>, tensor<3xui8>) -> tensor<2x3xui8>
    ```
}], [Commutative]>;
def Q_MaxOp : Q_BinaryOp<"max", [{
    `result = max(lhs, rhs)` (ONNX Max of two inputs; the importer chains
    more). Floats propagate NaN; integers compare signed, `ui*` unsigned.

    ```mlir
    %z = q.max %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    ```
}], [Commutative]>;

def Q_PowOp : Q_Op<"pow", [Pure]> {
  let summary = "element-wise power with numpy broadcasting";
  let description = [{
    `result = lhs ^ rhs` (ONNX Pow). The result has the element type of
    `lhs`; `rhs` may have any numeric element type. With an integer base
    and an integral exponent the power is exact (wrapping on overflow; a
    negative exponent gives the integer part of the real power: 1, -1 or
    0). Otherwise it is computed in floating point (an integer base in
    f64, the result truncated toward zero); a negative float base with a
    non-integral exponent gives NaN.

    ```mlir
    %z = q.pow %x, %y : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
    ```
  }];
  let arguments = (ins Q_NumericTensor:$lhs, Q_NumericTensor:$rhs);
  let results = (outs Q_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Unary math
//===----------------------------------------------------------------------===//

class Q_UnaryNumericOp<string mnemonic, string sum, string desc>
    : Q_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = sum;
  let description = desc;
  let arguments = (ins Q_NumericTensor:$input);
  let results = (outs Q_NumericTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Q_NegOp : Q_UnaryNumericOp<"neg", "negation", [{
    `-x` per element (ONNX Neg). Integers wrap around (`-INT_MIN` is
    `INT_MIN`).

    ```mlir
    %y = q.neg %x : tensor<2x3xi32>
    ```
  }]>;
def Q_AbsOp : Q_UnaryNumericOp<"abs", "absolute value", [{
    `|x|` per element (ONNX Abs); `ui*` tensors are unchanged.

    ```mlir
    %y = q.abs %x : tensor<2x3xf32>
    ```
  }]>;
def Q_SignOp : Q_UnaryNumericOp<"sign", "sign", [{
    -1, 0 or 1 per element as x is negative, zero or positive (ONNX Sign);
    NaN stays NaN.

    ```mlir
    %y = q.sign %x : tensor<11xf32>
    ```
  }]>;

class Q_UnaryMathOp<string mnemonic, string sum, string desc>
    : Q_UnaryFloatOp<mnemonic, desc> {
  let summary = sum;
}

def Q_ExpOp : Q_UnaryMathOp<"exp", "exponential", [{
    `e^x` per element (ONNX Exp).

    ```mlir
    %y = q.exp %x : tensor<3x4xf32>
    ```
  }]>;
def Q_LogOp : Q_UnaryMathOp<"log", "natural logarithm", [{
    `ln(x)` per element (ONNX Log): -inf at 0, NaN below.

    ```mlir
    %y = q.log %x : tensor<3x4xf32>
    ```
  }]>;
def Q_SqrtOp : Q_UnaryMathOp<"sqrt", "square root", [{
    `sqrt(x)` per element (ONNX Sqrt); NaN below 0.

    ```mlir
    %y = q.sqrt %x : tensor<3x4xf32>
    ```
  }]>;
def Q_ErfOp : Q_UnaryMathOp<"erf", "error function", [{
    `erf(x)` per element (ONNX Erf, float tensors).

    ```mlir
    %y = q.erf %x : tensor<3x4xf32>
    ```
  }]>;
def Q_SinOp : Q_UnaryMathOp<"sin", "sine", [{
    `sin(x)` per element, x in radians (ONNX Sin).

    ```mlir
    %y = q.sin %x : tensor<3x4xf32>
    ```
  }]>;
def Q_CosOp : Q_UnaryMathOp<"cos", "cosine", [{
    `cos(x)` per element, x in radians (ONNX Cos).

    ```mlir
    %y = q.cos %x : tensor<3x4xf32>
    ```
  }]>;
def Q_TanhOp : Q_UnaryMathOp<"tanh", "hyperbolic tangent", [{
    `tanh(x)` per element (ONNX Tanh).

    ```mlir
    %y = q.tanh %x : tensor<3x4xf32>
    ```
  }]>;
def Q_FloorOp : Q_UnaryMathOp<"floor", "round toward -inf", [{
    The largest integral value not above x, per element (ONNX Floor).

    ```mlir
    %y = q.floor %x : tensor<3x4xf32>
    ```
  }]>;
def Q_CeilOp : Q_UnaryMathOp<"ceil", "round toward +inf", [{
    The smallest integral value not below x, per element (ONNX Ceil).

    ```mlir
    %y = q.ceil %x : tensor<3x4xf32>
    ```
  }]>;
def Q_RoundOp : Q_UnaryMathOp<"round", "round half to even", [{
    The nearest integral value per element, halves to the even one (ONNX
    Round): 2.5 -> 2, -1.5 -> -2.

    ```mlir
    %y = q.round %x : tensor<15xf32>
    ```
  }]>;

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

def Q_SoftplusOp : Q_UnaryMathOp<"softplus", "softplus", [{
    `ln(1 + e^x)` per element (ONNX Softplus), evaluated as
    `max(x, 0) + ln(1 + e^-|x|)` so large inputs do not overflow.

    ```mlir
    %y = q.softplus %x : tensor<3x4xf32>
    ```
  }]>;
def Q_HardSwishOp : Q_UnaryMathOp<"hard_swish", "hard swish", [{
    `x * max(0, min(1, x / 6 + 1/2))` per element (ONNX HardSwish).

    ```mlir
    %y = q.hard_swish %x : tensor<3x4xf32>
    ```
  }]>;

def Q_LeakyReluOp : Q_Op<"leaky_relu", [Pure, SameOperandsAndResultType]> {
  let summary = "leaky rectified linear unit";
  let description = [{
    `x < 0 ? alpha * x : x` per element (ONNX LeakyRelu).

    ```mlir
    %y = q.leaky_relu %x {alpha = 1.000000e-01 : f32} : tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, F32Attr:$alpha);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Q_PReluOp : Q_Op<"prelu", [Pure, SameOperandsElementType]> {
  let summary = "leaky ReLU with a slope tensor";
  let description = [{
    `x < 0 ? slope * x : x` per element (ONNX PRelu); `slope` broadcasts
    to the shape of `input` (numpy rules, in one direction), and the result
    has the type of `input`.

    ```mlir
    %y = q.prelu %x, %slope : (tensor<3x4x5xf32>, tensor<5xf32>) -> tensor<3x4x5xf32>
    ```
  }];
  let arguments = (ins Q_NumericTensor:$input, Q_NumericTensor:$slope);
  let results = (outs Q_NumericTensor:$output);
  let assemblyFormat = [{
    $input `,` $slope attr-dict `:` `(` type($input) `,` type($slope) `)` `->` type($output)
  }];
  let hasVerifier = 1;
}

def Q_HardSigmoidOp : Q_Op<"hard_sigmoid", [Pure, SameOperandsAndResultType]> {
  let summary = "piecewise linear sigmoid";
  let description = [{
    `max(0, min(1, alpha * x + beta))` per element (ONNX HardSigmoid).

    ```mlir
    %y = q.hard_sigmoid %x {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, F32Attr:$alpha, F32Attr:$beta);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Q_EluOp : Q_Op<"elu", [Pure, SameOperandsAndResultType]> {
  let summary = "exponential linear unit";
  let description = [{
    `x < 0 ? alpha * (e^x - 1) : x` per element (ONNX Elu).

    ```mlir
    %y = q.elu %x {alpha = 1.000000e+00 : f32} : tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, F32Attr:$alpha);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Q_SeluOp : Q_Op<"selu", [Pure, SameOperandsAndResultType]> {
  let summary = "scaled exponential linear unit";
  let description = [{
    `x > 0 ? gamma * x : gamma * (alpha * e^x - alpha)` per element (ONNX
    Selu; the importer spells out ONNX's defaults).

    ```mlir
    %y = q.selu %x {alpha = 1.67326319 : f32, gamma = 1.05070102 : f32} : tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, F32Attr:$alpha, F32Attr:$gamma);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Q_GeluOp : Q_Op<"gelu", [Pure, SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `x / 2 * (1 + erf(x / sqrt(2)))` per element (ONNX Gelu, opset 20), or
    with `approximate_tanh` (ONNX `approximate = "tanh"`)
    `x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.

    ```mlir
    %y = q.gelu %x : tensor<3x4xf32>
    %z = q.gelu %x {approximate_tanh} : tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, UnitAttr:$approximate_tanh);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Q_LogSoftmaxOp : Q_Op<"log_softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "logarithm of softmax along one axis";
  let description = [{
    `x - max - ln(sum(exp(x - max)))` along `axis` (ONNX LogSoftmax, opset
    13 meaning; the importer rewrites the older "flatten to 2-D" meaning
    into reshapes around this op). `axis` is normalized to `[0, rank)`.

    ```mlir
    %y = q.log_softmax %x {axis = 1 : i64} : tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Q_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Q_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Comparisons and logic
//===----------------------------------------------------------------------===//

// ONNX bool is `i1`.
def Q_BoolTensor : StaticShapeTensorOf<[I1]>;

class Q_CompareOp<string mnemonic, string relation, list<Trait> traits = []>
    : Q_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsElementType])> {
  let summary = "element-wise `" # relation # "` with numpy broadcasting";
  let description = [{
    `result = lhs }] # relation # [{ rhs` per element, an `i1` tensor of the
    broadcast shape (ONNX's comparison of the same name). Floats compare
    ordered (anything involving NaN is false); integers compare signed,
    `ui*` unsigned.

    ```mlir
    %z = q.}] # mnemonic # [{ %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
    ```
  }];
  let arguments = (ins Q_NumericTensor:$lhs, Q_NumericTensor:$rhs);
  let results = (outs Q_BoolTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def Q_EqualOp : Q_CompareOp<"equal", "==", [Commutative]>;
def Q_LessOp : Q_CompareOp<"less", "<">;
def Q_LessOrEqualOp : Q_CompareOp<"less_or_equal", "<=">;
def Q_GreaterOp : Q_CompareOp<"greater", ">">;
def Q_GreaterOrEqualOp : Q_CompareOp<"greater_or_equal", ">=">;

class Q_LogicOp<string mnemonic, string desc>
    : Q_Op<mnemonic, [Pure, Commutative, SameOperandsAndResultElementType]> {
  let summary = "element-wise logical " # mnemonic # " with numpy broadcasting";
  let description = desc;
  let arguments = (ins Q_BoolTensor:$lhs, Q_BoolTensor:$rhs);
  let results = (outs Q_BoolTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def Q_AndOp : Q_LogicOp<"and", [{
    `lhs && rhs` per element (ONNX And).

    ```mlir
    %z = q.and %x, %y : (tensor<3x4xi1>, tensor<4xi1>) -> tensor<3x4xi1>
    ```
  }]>;
def Q_OrOp : Q_LogicOp<"or", [{
    `lhs || rhs` per element (ONNX Or).

    ```mlir
    %z = q.or %x, %y : (tensor<3x4xi1>, tensor<4xi1>) -> tensor<3x4xi1>
    ```
  }]>;
def Q_XorOp : Q_LogicOp<"xor", [{
    `lhs != rhs` per element (ONNX Xor).

    ```mlir
    %z = q.xor %x, %y : (tensor<3x4xi1>, tensor<4xi1>) -> tensor<3x4xi1>
    ```
  }]>;

def Q_NotOp : Q_Op<"not", [Pure, SameOperandsAndResultType]> {
  let summary = "logical negation";
  let description = [{
    `!x` per element (ONNX Not).

    ```mlir
    %y = q.not %x : tensor<3x4xi1>
    ```
  }];
  let arguments = (ins Q_BoolTensor:$input);
  let results = (outs Q_BoolTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Q_WhereOp : Q_Op<"where", [Pure,
    AllElementTypesMatch<["true_value", "false_value", "result"]>]> {
  let summary = "element-wise selection with numpy broadcasting";
  let description = [{
    `condition ? true_value : false_value` per element (ONNX Where); the
    three operands broadcast together to the result's shape.

    ```mlir
    %z = q.where %c, %x, %y : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Q_BoolTensor:$condition, Q_NumericTensor:$true_value,
                   Q_NumericTensor:$false_value);
  let results = (outs Q_NumericTensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Conversion
//===----------------------------------------------------------------------===//

def Q_CastOp : Q_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "element type conversion";
  let description = [{
    Converts every element to the result's element type (ONNX Cast and
    CastLike):
    - float to float rounds to nearest even (f32 to bf16 included);
    - float to integer truncates toward zero; NaN, infinities and values
      out of the integer's range give an unspecified value (undefined in
      ONNX);
    - integer to integer truncates or extends by the source's signedness
      (`ui*` zero-extends);
    - integer to float rounds to nearest (`ui*` read as unsigned);
    - anything to `i1` is `x != 0` (NaN is true); `i1` to a number is 0 or 1.

    ```mlir
    %y = q.cast %x : tensor<3x4xf32> -> tensor<3x4xi32>
    ```
  }];
  let arguments = (ins Q_NumericTensor:$input);
  let results = (outs Q_NumericTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

#endif // QMLIR_DIALECT_Q_IR_QELEMENTWISEOPS_TD
