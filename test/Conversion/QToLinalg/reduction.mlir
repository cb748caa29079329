// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg))' | FileCheck %s

// Reductions (ReductionToLinalg.cpp): one generic with reduction loops into
// the kept dimensions, an element-wise generic after it where the kind needs
// one, and a reshape when the reduced dimensions are kept.

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEPT:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @mean
// CHECK-SAME: (%[[X:.*]]: tensor<3x2x4xf32>)
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%{{.*}} : tensor<3x4xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[KEPT]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<3x2x4xf32>) outs(%[[INIT]] : tensor<3x4xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<3x4xf32>)
// CHECK: %[[N:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: arith.divf %{{.*}}, %[[N]]
// CHECK: tensor.expand_shape {{.*}} output_shape [3, 1, 4] : tensor<12xf32> into tensor<3x1x4xf32>
func.func @mean(%x: tensor<3x2x4xf32>) -> tensor<3x1x4xf32> {
  %y = q.reduce "mean" %x {axes = array<i64: 1>} : tensor<3x2x4xf32> -> tensor<3x1x4xf32>
  return %y : tensor<3x1x4xf32>
}

// -----

// Unsigned integers start from 0 and compare unsigned.
// CHECK-LABEL: func.func @max_u8
// CHECK: %[[Z:.*]] = arith.constant 0 : i8
// CHECK: linalg.fill ins(%[[Z]] : i8)
// CHECK: arith.maxui
func.func @max_u8(%x: tensor<3x4xui8>) -> tensor<3xui8> {
  %y = q.reduce "max" %x {axes = array<i64: 1>} : tensor<3x4xui8> -> tensor<3xui8>
  return %y : tensor<3xui8>
}

// -----

// CHECK-LABEL: func.func @min_i32
// CHECK: %[[M:.*]] = arith.constant 2147483647 : i32
// CHECK: linalg.fill ins(%[[M]] : i32)
// CHECK: arith.minsi
func.func @min_i32(%x: tensor<3x4xi32>) -> tensor<3xi32> {
  %y = q.reduce "min" %x {axes = array<i64: 1>} : tensor<3x4xi32> -> tensor<3xi32>
  return %y : tensor<3xi32>
}

// -----

// CHECK-LABEL: func.func @prod
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: linalg.fill ins(%[[ONE]] : f32)
// CHECK: arith.mulf
func.func @prod(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  %y = q.reduce "prod" %x {axes = array<i64: 1>} : tensor<3x4xf32> -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @l1_l2_sum_square_log_sum
// CHECK: math.absf
// CHECK: arith.addf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: math.sqrt
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: math.log
func.func @l1_l2_sum_square_log_sum(%x: tensor<3x4xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %a = q.reduce "l1" %x {axes = array<i64: 1>} : tensor<3x4xf32> -> tensor<3xf32>
  %b = q.reduce "l2" %x {axes = array<i64: 1>} : tensor<3x4xf32> -> tensor<3xf32>
  %c = q.reduce "sum_square" %x {axes = array<i64: 1>} : tensor<3x4xf32> -> tensor<3xf32>
  %d = q.reduce "log_sum" %x {axes = array<i64: 1>} : tensor<3x4xf32> -> tensor<3xf32>
  return %a, %b, %c, %d : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// log_sum_exp shifts by the maximum (zero when infinite): m + log(sum(exp(x - m))).
// CHECK-LABEL: func.func @log_sum_exp
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: %[[SHIFT:.*]] = linalg.generic {{.*}} ins(%[[MAX]]
// CHECK: arith.select
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[SHIFT]] : tensor<3x4xf32>, tensor<3xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[SHIFT]]
// CHECK: math.log
// CHECK: arith.addf
func.func @log_sum_exp(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  %y = q.reduce "log_sum_exp" %x {axes = array<i64: 1>} : tensor<3x4xf32> -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// ArgMax carries the best value and its index; with select_last_index an
// equal value wins too (oge rather than ogt).
// CHECK-LABEL: func.func @argmax_last
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[BEST:.*]]: f32, %[[IDX:.*]]: i64):
// CHECK: %[[BETTER:.*]] = arith.cmpf oge, %[[IN]], %[[BEST]]
// CHECK: %[[I:.*]] = linalg.index 1
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: arith.select %[[BETTER]], %[[IN]], %[[BEST]]
// CHECK: arith.select %[[BETTER]], %[[I64]], %[[IDX]]
// CHECK: tensor.expand_shape %[[R]]#1
func.func @argmax_last(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
  %y = q.argmax %x {axis = 1 : i64, select_last_index} : tensor<2x3xf32> -> tensor<2x1xi64>
  return %y : tensor<2x1xi64>
}

// -----

// CHECK-LABEL: func.func @argmin_u8
// CHECK: %[[M:.*]] = arith.constant -1 : i8
// CHECK: linalg.fill ins(%[[M]] : i8)
// CHECK: arith.cmpi ult
func.func @argmin_u8(%x: tensor<2x3xui8>) -> tensor<3xi64> {
  %y = q.argmin %x {axis = 0 : i64} : tensor<2x3xui8> -> tensor<3xi64>
  return %y : tensor<3xi64>
}
