// RUN: qopt %s | qopt | FileCheck %s
// RUN: qopt %s --mlir-print-op-generic | qopt | FileCheck %s

// Round trip of the ops of QReductionOps.td.

// CHECK-LABEL: func.func @reduce
// CHECK-SAME: (%[[X:.*]]: tensor<3x2x2xf32>, %[[I:.*]]: tensor<3x4xui8>)
func.func @reduce(%x: tensor<3x2x2xf32>, %i: tensor<3x4xui8>)
    -> (tensor<3x1x2xf32>, tensor<2xf32>, tensor<1x1x1xf32>, tensor<3xui8>) {
  // CHECK: q.reduce "mean" %[[X]] {axes = array<i64: 1>} : tensor<3x2x2xf32> -> tensor<3x1x2xf32>
  %a = q.reduce "mean" %x {axes = array<i64: 1>} : tensor<3x2x2xf32> -> tensor<3x1x2xf32>
  // CHECK: q.reduce "max" %[[X]] {axes = array<i64: 0, 2>} : tensor<3x2x2xf32> -> tensor<2xf32>
  %b = q.reduce "max" %x {axes = array<i64: 0, 2>} : tensor<3x2x2xf32> -> tensor<2xf32>
  // CHECK: q.reduce "log_sum_exp" %[[X]] {axes = array<i64: 0, 1, 2>} : tensor<3x2x2xf32> -> tensor<1x1x1xf32>
  %c = q.reduce "log_sum_exp" %x {axes = array<i64: 0, 1, 2>} : tensor<3x2x2xf32> -> tensor<1x1x1xf32>
  // CHECK: q.reduce "sum" %[[I]] {axes = array<i64: 1>} : tensor<3x4xui8> -> tensor<3xui8>
  %d = q.reduce "sum" %i {axes = array<i64: 1>} : tensor<3x4xui8> -> tensor<3xui8>
  return %a, %b, %c, %d : tensor<3x1x2xf32>, tensor<2xf32>, tensor<1x1x1xf32>, tensor<3xui8>
}

// CHECK-LABEL: func.func @reduce_kinds
func.func @reduce_kinds(%x: tensor<4xf32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  // CHECK: q.reduce "min"
  // CHECK: q.reduce "prod"
  // CHECK: q.reduce "l1"
  // CHECK: q.reduce "l2"
  // CHECK: q.reduce "sum_square"
  // CHECK: q.reduce "log_sum"
  %a = q.reduce "min" %x {axes = array<i64: 0>} : tensor<4xf32> -> tensor<f32>
  %b = q.reduce "prod" %x {axes = array<i64: 0>} : tensor<4xf32> -> tensor<f32>
  %c = q.reduce "l1" %x {axes = array<i64: 0>} : tensor<4xf32> -> tensor<f32>
  %d = q.reduce "l2" %x {axes = array<i64: 0>} : tensor<4xf32> -> tensor<f32>
  %e = q.reduce "sum_square" %x {axes = array<i64: 0>} : tensor<4xf32> -> tensor<f32>
  %f = q.reduce "log_sum" %x {axes = array<i64: 0>} : tensor<4xf32> -> tensor<f32>
  return %a, %b, %c, %d, %e, %f : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// CHECK-LABEL: func.func @arg_reduce
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @arg_reduce(%x: tensor<2x3xf32>) -> (tensor<2x1xi64>, tensor<3xi64>) {
  // CHECK: q.argmax %[[X]] {axis = 1 : i64} : tensor<2x3xf32> -> tensor<2x1xi64>
  %a = q.argmax %x {axis = 1 : i64} : tensor<2x3xf32> -> tensor<2x1xi64>
  // CHECK: q.argmin %[[X]] {axis = 0 : i64, select_last_index} : tensor<2x3xf32> -> tensor<3xi64>
  %b = q.argmin %x {axis = 0 : i64, select_last_index} : tensor<2x3xf32> -> tensor<3xi64>
  return %a, %b : tensor<2x1xi64>, tensor<3xi64>
}
