// RUN: qopt %s -split-input-file -verify-diagnostics

// One case per verifier message of QReductionOps.cpp, then the ODS
// constraints of these ops.

func.func @reduce_axes_order(%x: tensor<3x2x2xf32>) {
  // expected-error @+1 {{'q.reduce' op axes must be sorted, distinct and in [0, 3)}}
  %y = q.reduce "sum" %x {axes = array<i64: 2, 1>} : tensor<3x2x2xf32> -> tensor<3xf32>
  return
}

// -----

func.func @reduce_axes_range(%x: tensor<3x2x2xf32>) {
  // expected-error @+1 {{'q.reduce' op axes must be sorted, distinct and in [0, 3)}}
  %y = q.reduce "sum" %x {axes = array<i64: -1>} : tensor<3x2x2xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @reduce_float_kind(%x: tensor<3x2xi32>) {
  // expected-error @+1 {{'q.reduce' op kind "l2" needs a float element type, got 'i32'}}
  %y = q.reduce "l2" %x {axes = array<i64: 1>} : tensor<3x2xi32> -> tensor<3xi32>
  return
}

// -----

func.func @reduce_result_shape(%x: tensor<3x2x2xf32>) {
  // expected-error @+1 {{'q.reduce' op result shape [3x2x1] is neither [3x1x2] (reduced dimensions kept) nor [3x2] (dropped)}}
  %y = q.reduce "sum" %x {axes = array<i64: 1>} : tensor<3x2x2xf32> -> tensor<3x2x1xf32>
  return
}

// -----

func.func @reduce_kind(%x: tensor<3x2xf32>) {
  // expected-error @+1 {{'q.reduce' op attribute 'kind' failed to satisfy constraint: string attribute whose value is one of sum, mean, max, min, prod, l1, l2, sum_square, log_sum, log_sum_exp}}
  %y = q.reduce "avg" %x {axes = array<i64: 1>} : tensor<3x2xf32> -> tensor<3xf32>
  return
}

// -----

func.func @reduce_element_type(%x: tensor<3x2xf32>) {
  // expected-error @+1 {{'q.reduce' op requires the same element type for all operands and results}}
  %y = q.reduce "sum" %x {axes = array<i64: 1>} : tensor<3x2xf32> -> tensor<3xf16>
  return
}

// -----

func.func @argmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.argmax' op axis 2 out of range for rank 2}}
  %y = q.argmax %x {axis = 2 : i64} : tensor<2x3xf32> -> tensor<2x3xi64>
  return
}

// -----

func.func @argmin_result_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.argmin' op result shape [2x3] is neither [1x3] (reduced dimensions kept) nor [3] (dropped)}}
  %y = q.argmin %x {axis = 0 : i64} : tensor<2x3xf32> -> tensor<2x3xi64>
  return
}

// -----

func.func @argmax_result_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.argmax' op result #0 must be statically shaped tensor of 64-bit signless integer values}}
  %y = q.argmax %x {axis = 0 : i64} : tensor<2x3xf32> -> tensor<3xi32>
  return
}
