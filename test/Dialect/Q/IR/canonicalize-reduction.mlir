// RUN: qopt %s -canonicalize -split-input-file | FileCheck %s

// The folders of QReductionOps.td's ops (QFolds.cpp), with the cases that
// must not fold.

// Reducing dimensions of size 1, kept: each result is its one element.
// CHECK-LABEL: func.func @reduce_unit_dims
// CHECK-SAME: (%[[X:.*]]: tensor<3x1x2xf32>)
// CHECK-NOT: q.reduce
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @reduce_unit_dims(%x: tensor<3x1x2xf32>) -> (tensor<3x1x2xf32>, tensor<3x1x2xf32>, tensor<3x1x2xf32>, tensor<3x1x2xf32>, tensor<3x1x2xf32>) {
  %a = q.reduce "sum" %x {axes = array<i64: 1>} : tensor<3x1x2xf32> -> tensor<3x1x2xf32>
  %b = q.reduce "mean" %x {axes = array<i64: 1>} : tensor<3x1x2xf32> -> tensor<3x1x2xf32>
  %c = q.reduce "max" %x {axes = array<i64: 1>} : tensor<3x1x2xf32> -> tensor<3x1x2xf32>
  %d = q.reduce "min" %x {axes = array<i64: 1>} : tensor<3x1x2xf32> -> tensor<3x1x2xf32>
  %e = q.reduce "prod" %x {axes = array<i64: 1>} : tensor<3x1x2xf32> -> tensor<3x1x2xf32>
  return %a, %b, %c, %d, %e : tensor<3x1x2xf32>, tensor<3x1x2xf32>, tensor<3x1x2xf32>, tensor<3x1x2xf32>, tensor<3x1x2xf32>
}

// -----

// The other kinds change a single element: |x|, x * x, log x...
// CHECK-LABEL: func.func @reduce_unit_dims_other_kinds
// CHECK: q.reduce "l1"
// CHECK: q.reduce "l2"
// CHECK: q.reduce "sum_square"
// CHECK: q.reduce "log_sum"
// CHECK: q.reduce "log_sum_exp"
func.func @reduce_unit_dims_other_kinds(%x: tensor<3x1xf32>) -> (tensor<3x1xf32>, tensor<3x1xf32>, tensor<3x1xf32>, tensor<3x1xf32>, tensor<3x1xf32>) {
  %a = q.reduce "l1" %x {axes = array<i64: 1>} : tensor<3x1xf32> -> tensor<3x1xf32>
  %b = q.reduce "l2" %x {axes = array<i64: 1>} : tensor<3x1xf32> -> tensor<3x1xf32>
  %c = q.reduce "sum_square" %x {axes = array<i64: 1>} : tensor<3x1xf32> -> tensor<3x1xf32>
  %d = q.reduce "log_sum" %x {axes = array<i64: 1>} : tensor<3x1xf32> -> tensor<3x1xf32>
  %e = q.reduce "log_sum_exp" %x {axes = array<i64: 1>} : tensor<3x1xf32> -> tensor<3x1xf32>
  return %a, %b, %c, %d, %e : tensor<3x1xf32>, tensor<3x1xf32>, tensor<3x1xf32>, tensor<3x1xf32>, tensor<3x1xf32>
}

// -----

// A size-1 dimension dropped changes the type: a reshape's job, not a fold.
// CHECK-LABEL: func.func @reduce_unit_dim_dropped
// CHECK: q.reduce "sum"
func.func @reduce_unit_dim_dropped(%x: tensor<3x1xf32>) -> tensor<3xf32> {
  %y = q.reduce "sum" %x {axes = array<i64: 1>} : tensor<3x1xf32> -> tensor<3xf32>
  return %y : tensor<3xf32>
}
