// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg))' | FileCheck %s

// The element-wise ops of ElementwiseToLinalg.cpp past add/relu/clip/softmax
// (those are in convert-q-to-linalg.mlir): one linalg.generic per op whose
// operands broadcast numpy-style and whose body is the scalar function.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @min_max
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<3xf32>, %[[U:.*]]: tensor<2x3xi8>, %[[V:.*]]: tensor<3xi8>, %[[S:.*]]: tensor<2x3xi8>, %[[W:.*]]: tensor<3xi8>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[Y]] : tensor<2x3xf32>, tensor<3xf32>)
// Floats propagate NaN.
// CHECK: arith.minimumf
// CHECK: ins(%[[X]], %[[Y]]
// CHECK: arith.maximumf
// ui8 compares unsigned, i8 signed.
// CHECK: ins(%[[U]], %[[V]]
// CHECK: arith.minui
// CHECK: ins(%[[S]], %[[W]]
// CHECK: arith.maxsi
// CHECK-NOT: q.
func.func @min_max(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %u: tensor<2x3xui8>,
                   %v: tensor<3xui8>, %s: tensor<2x3xi8>, %w: tensor<3xi8>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xui8>, tensor<2x3xi8>) {
  %a = q.min %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %b = q.max %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %c = q.min %u, %v : (tensor<2x3xui8>, tensor<3xui8>) -> tensor<2x3xui8>
  %d = q.max %s, %w : (tensor<2x3xi8>, tensor<3xi8>) -> tensor<2x3xi8>
  return %a, %b, %c, %d : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xui8>, tensor<2x3xi8>
}

// -----

// Comparisons give i1; floats compare ordered (false with NaN).
// CHECK-LABEL: func.func @compare
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ole
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oge
// CHECK: arith.cmpi ult
// CHECK: arith.cmpi sge
// Bools compare as unsigned.
// CHECK: arith.cmpi ugt
func.func @compare(%x: tensor<4xf32>, %u: tensor<4xui16>, %i: tensor<4xi32>, %b: tensor<4xi1>)
    -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>,
        tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = q.equal %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %1 = q.less %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %2 = q.less_or_equal %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %3 = q.greater %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %4 = q.greater_or_equal %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %5 = q.less %u, %u : (tensor<4xui16>, tensor<4xui16>) -> tensor<4xi1>
  %6 = q.greater_or_equal %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %7 = q.greater %b, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>,
      tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @logic
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi1>, %[[B:.*]]: tensor<3xi1>, %[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<f32>)
// CHECK: arith.andi
// CHECK: arith.ori
// CHECK: arith.xori
// CHECK: %[[TRUE:.*]] = arith.constant true
// CHECK: arith.xori %{{.*}}, %[[TRUE]] : i1
// CHECK: linalg.generic {indexing_maps = [#[[ROW]], #[[ID]], #[[SCALAR]], #[[ID]]], {{.*}}} ins(%[[B]], %[[X]], %[[Y]] : tensor<3xi1>, tensor<2x3xf32>, tensor<f32>)
// CHECK: ^bb0(%[[C:.*]]: i1, %[[T:.*]]: f32, %[[F:.*]]: f32, %{{.*}}: f32):
// CHECK: arith.select %[[C]], %[[T]], %[[F]] : f32
func.func @logic(%a: tensor<2x3xi1>, %b: tensor<3xi1>, %x: tensor<2x3xf32>, %y: tensor<f32>)
    -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xf32>) {
  %0 = q.and %a, %b : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %1 = q.or %a, %b : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %2 = q.xor %a, %b : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %3 = q.not %a : tensor<2x3xi1>
  %4 = q.where %b, %x, %y : (tensor<3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xf32>
}

// -----

// Casts: unsigned types are signless in linalg, their casts are unsigned.
// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[U:.*]]: tensor<4xi8>, %[[I:.*]]: tensor<4xi8>, %[[L:.*]]: tensor<4xi64>, %[[B:.*]]: tensor<4xi1>, %[[H:.*]]: tensor<4xf16>)
// Narrow integers go through i32, which wraps (out of range is undefined in ONNX).
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK-NEXT: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.fptoui %{{.*}} : f32 to i64
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.trunci %{{.*}} : i64 to i16
// Anything to bool is x != 0, NaN included.
// CHECK: arith.cmpf une
// CHECK: arith.uitofp %{{.*}} : i1 to f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK-NEXT: arith.truncf %{{.*}} : f32 to bf16
func.func @cast(%x: tensor<4xf32>, %u: tensor<4xui8>, %i: tensor<4xi8>, %l: tensor<4xi64>, %b: tensor<4xi1>, %h: tensor<4xf16>)
    -> (tensor<4xui8>, tensor<4xi32>, tensor<4xui64>, tensor<4xf32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi16>, tensor<4xi1>, tensor<4xf32>, tensor<4xbf16>, tensor<4xbf16>) {
  %0 = q.cast %x : tensor<4xf32> -> tensor<4xui8>
  %1 = q.cast %x : tensor<4xf32> -> tensor<4xi32>
  %2 = q.cast %x : tensor<4xf32> -> tensor<4xui64>
  %3 = q.cast %u : tensor<4xui8> -> tensor<4xf32>
  %4 = q.cast %i : tensor<4xi8> -> tensor<4xi32>
  %5 = q.cast %u : tensor<4xui8> -> tensor<4xi32>
  %6 = q.cast %l : tensor<4xi64> -> tensor<4xi16>
  %7 = q.cast %x : tensor<4xf32> -> tensor<4xi1>
  %8 = q.cast %b : tensor<4xi1> -> tensor<4xf32>
  %9 = q.cast %x : tensor<4xf32> -> tensor<4xbf16>
  %10 = q.cast %h : tensor<4xf16> -> tensor<4xbf16>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : tensor<4xui8>, tensor<4xi32>, tensor<4xui64>, tensor<4xf32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi16>, tensor<4xi1>, tensor<4xf32>, tensor<4xbf16>, tensor<4xbf16>
}

// -----

// Float power: |x|^y, negated for a negative base and an odd integral
// exponent, NaN for a non-integral one, 1 for y = 0 or x = 1.
// CHECK-LABEL: func.func @pow_float
// CHECK: ^bb0(%[[X:.*]]: f32, %[[E:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[EF:.*]] = arith.sitofp %[[E]] : i64 to f32
// CHECK: %[[ABS:.*]] = math.absf %[[X]] : f32
// CHECK: math.powf %[[ABS]], %[[EF]] : f32
// CHECK: math.floor %[[EF]]
// CHECK: arith.select
// CHECK-NOT: math.powf
func.func @pow_float(%x: tensor<4xf32>, %e: tensor<4xi64>) -> tensor<4xf32> {
  %0 = q.pow %x, %e : (tensor<4xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer power: square and multiply over the exponent's 31 value bits,
// exact and wrapping; no floating point.
// CHECK-LABEL: func.func @pow_int
// CHECK-COUNT-31: arith.select
// CHECK-NOT: math.
// CHECK-NOT: arith.sitofp
// CHECK: linalg.yield
func.func @pow_int(%x: tensor<4xi64>, %e: tensor<4xi32>) -> tensor<4xi64> {
  %0 = q.pow %x, %e : (tensor<4xi64>, tensor<4xi32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// An integer base with a float exponent: exact when the exponent is
// integral, else in f64, truncated.
// CHECK-LABEL: func.func @pow_int_float
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK: arith.sitofp %{{.*}} : i32 to f64
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: math.powf %{{.*}}, %{{.*}} : f64
// CHECK: arith.fptosi %{{.*}} : f64 to i32
func.func @pow_int_float(%x: tensor<4xi32>, %e: tensor<4xf32>) -> tensor<4xi32> {
  %0 = q.pow %x, %e : (tensor<4xi32>, tensor<4xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @unary_math
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: math.erf
// CHECK: math.sin
// CHECK: math.cos
// CHECK: math.tanh
// CHECK: math.floor
// CHECK: math.ceil
// Round is half to even.
// CHECK: math.roundeven
func.func @unary_math(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = q.exp %x : tensor<4xf32>
  %b = q.log %a : tensor<4xf32>
  %c = q.sqrt %b : tensor<4xf32>
  %d = q.erf %c : tensor<4xf32>
  %e = q.sin %d : tensor<4xf32>
  %f = q.cos %e : tensor<4xf32>
  %g = q.tanh %f : tensor<4xf32>
  %h = q.floor %g : tensor<4xf32>
  %i = q.ceil %h : tensor<4xf32>
  %j = q.round %i : tensor<4xf32>
  return %j : tensor<4xf32>
}

// -----

// f64 erf has no polynomial approximation and no LLVM intrinsic: it is
// evaluated in f32.
// CHECK-LABEL: func.func @erf_f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK-NEXT: math.erf %{{.*}} : f32
// CHECK-NEXT: arith.extf %{{.*}} : f32 to f64
func.func @erf_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = q.erf %x : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// CHECK-LABEL: func.func @unary_numeric
// CHECK-SAME: (%[[X:.*]]: tensor<4xi32>, %[[U:.*]]: tensor<4xi8>, %[[F:.*]]: tensor<4xf32>)
// CHECK: ^bb0(%[[N:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: arith.subi %[[Z]], %[[N]] : i32
// |x| is max(x, -x).
// CHECK: ^bb0(%[[A:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[NEG:.*]] = arith.subi %{{.*}}, %[[A]] : i32
// CHECK: arith.maxsi %[[A]], %[[NEG]] : i32
// |x| of an unsigned type is x.
// CHECK: ^bb0(%[[UA:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: linalg.yield %[[UA]] : i8
// CHECK: arith.negf
// CHECK: math.absf
// Sign of a float: NaN and +-0 stay.
// CHECK: ^bb0(%[[S:.*]]: f32, %{{.*}}: f32):
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf olt
// CHECK: %[[R:.*]] = arith.select %{{.*}}, %{{.*}}, %[[S]] : f32
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[R]] : f32
// CHECK: arith.cmpi ne
// CHECK: arith.cmpi slt
func.func @unary_numeric(%x: tensor<4xi32>, %u: tensor<4xui8>, %f: tensor<4xf32>)
    -> (tensor<4xi32>, tensor<4xi32>, tensor<4xui8>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>) {
  %a = q.neg %x : tensor<4xi32>
  %b = q.abs %x : tensor<4xi32>
  %c = q.abs %u : tensor<4xui8>
  %d = q.neg %f : tensor<4xf32>
  %e = q.abs %f : tensor<4xf32>
  %g = q.sign %f : tensor<4xf32>
  %h = q.sign %x : tensor<4xi32>
  return %a, %b, %c, %d, %e, %g, %h : tensor<4xi32>, tensor<4xi32>, tensor<4xui8>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @activations
// Softplus as max(x, 0) + log1p(exp(-|x|)).
// CHECK: math.absf
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: math.log1p
// CHECK: arith.maximumf
// CHECK: arith.addf
// Hard swish: x * clamp(x / 6 + 1/2, 0, 1).
// CHECK: arith.constant 0.166666672
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: arith.mulf
// CHECK: arith.constant 3.000000e-01 : f32
// CHECK: arith.constant 4.000000e-01 : f32
// Leaky ReLU.
// CHECK: arith.constant 1.000000e-01 : f32
// CHECK: arith.cmpf olt
// CHECK: arith.select
// Elu uses expm1.
// CHECK: math.expm1
// Selu: gamma * x above 0.
// CHECK: math.exp
// CHECK: arith.cmpf ogt
// Gelu: erf and tanh forms.
// CHECK: arith.constant 0.707106769
// CHECK: math.erf
// CHECK: arith.constant 4.471500e-02
// CHECK: arith.constant 0.797884583
// CHECK: math.tanh
func.func @activations(%x: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %a = q.softplus %x : tensor<4xf32>
  %b = q.hard_swish %x : tensor<4xf32>
  %c = q.hard_sigmoid %x {alpha = 0.3 : f32, beta = 0.4 : f32} : tensor<4xf32>
  %d = q.leaky_relu %x {alpha = 0.1 : f32} : tensor<4xf32>
  %e = q.elu %x {alpha = 1.0 : f32} : tensor<4xf32>
  %f = q.selu %x {alpha = 2.0 : f32, gamma = 3.0 : f32} : tensor<4xf32>
  %g = q.gelu %x : tensor<4xf32>
  %h = q.gelu %x {approximate_tanh} : tensor<4xf32>
  return %a, %b, %c, %d, %e, %f, %g, %h : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
      tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @prelu
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[S:.*]]: tensor<3xf32>, %[[I:.*]]: tensor<2x3xi32>, %[[T:.*]]: tensor<3xi32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], {{.*}}} ins(%[[X]], %[[S]] : tensor<2x3xf32>, tensor<3xf32>)
// CHECK: arith.cmpf olt
// CHECK: arith.mulf
// CHECK: arith.select
// CHECK: ins(%[[I]], %[[T]] : tensor<2x3xi32>, tensor<3xi32>)
// CHECK: arith.cmpi slt
// CHECK: arith.muli
// CHECK: arith.select
func.func @prelu(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %i: tensor<2x3xi32>, %t: tensor<3xi32>)
    -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  %0 = q.prelu %x, %s : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = q.prelu %i, %t : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi32>
}

// -----

// Log-softmax: the max and the sum of exponentials are reduced along the
// axis, then (x - max) - log(sum), one term after the other.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[RED:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @log_softmax
// CHECK-SAME: (%[[X:.*]]: tensor<2x5xf32>)
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<2x5xf32>)
// CHECK: arith.maximumf
// CHECK: %[[EXP:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[MAX]] : tensor<2x5xf32>, tensor<2xf32>)
// CHECK: math.exp
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<2x5xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[RED]], #[[ID]]], {{.*}}} ins(%[[X]], %[[MAX]], %[[SUM]] : tensor<2x5xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK: ^bb0(%[[V:.*]]: f32, %[[M:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[D:.*]] = arith.subf %[[V]], %[[M]] : f32
// CHECK: %[[L:.*]] = math.log %[[S]] : f32
// CHECK: arith.subf %[[D]], %[[L]] : f32
func.func @log_softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = q.log_softmax %x {axis = 1 : i64} : tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// The log-softmax of a 0-d tensor is log(1).
// CHECK-LABEL: func.func @log_softmax_scalar
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: linalg.fill ins(%[[Z]] : f32)
func.func @log_softmax_scalar(%x: tensor<f32>) -> tensor<f32> {
  %0 = q.log_softmax %x {axis = 0 : i64} : tensor<f32>
  return %0 : tensor<f32>
}
