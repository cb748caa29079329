// RUN: qopt %s -split-input-file -verify-diagnostics

// One case per verifier message of QElementwiseOps.cpp, then the ODS
// constraints of these ops.

func.func @min_no_broadcast(%x: tensor<2x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{'q.min' op operand shapes [2x3], [4] do not broadcast}}
  %z = q.min %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @max_result_shape(%x: tensor<2x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{'q.max' op result shape [3] differs from the broadcast shape [2x3]}}
  %z = q.max %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @pow_result_type(%x: tensor<3xf32>, %y: tensor<3xi32>) {
  // expected-error @+1 {{'q.pow' op result element type 'i32' differs from the base's 'f32'}}
  %z = q.pow %x, %y : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi32>
  return
}

// -----

func.func @where_no_broadcast(%c: tensor<2xi1>, %x: tensor<3xf32>, %y: tensor<f32>) {
  // expected-error @+1 {{'q.where' op operand shapes [2], [3], [] do not broadcast}}
  %z = q.where %c, %x, %y : (tensor<2xi1>, tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return
}

// -----

func.func @compare_result_shape(%x: tensor<2x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{'q.less' op result shape [3] differs from the broadcast shape [2x3]}}
  %z = q.less %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xi1>
  return
}

// -----

func.func @prelu_result_type(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'q.prelu' op result type 'tensor<3xf32>' differs from input type 'tensor<2x3xf32>'}}
  %y = q.prelu %x, %s : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @prelu_slope(%x: tensor<3xf32>, %s: tensor<2x3xf32>) {
  // The slope stretches to the input, not the other way.
  // expected-error @+1 {{'q.prelu' op slope of shape [2x3] does not broadcast to the input shape [3]}}
  %y = q.prelu %x, %s : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @log_softmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.log_softmax' op axis 2 out of range for rank 2}}
  %y = q.log_softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return
}

// -----

func.func @log_softmax_negative_axis(%x: tensor<2x3xf32>) {
  // The importer normalizes axes: q has none below 0.
  // expected-error @+1 {{'q.log_softmax' op axis -1 out of range for rank 2}}
  %y = q.log_softmax %x {axis = -1 : i64} : tensor<2x3xf32>
  return
}

// -----

func.func @and_not_bool(%x: tensor<3xi8>) {
  // expected-error @+1 {{'q.and' op operand #0 must be statically shaped tensor of 1-bit signless integer values}}
  %y = q.and %x, %x : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  return
}

// -----

func.func @compare_result_not_bool(%x: tensor<3xf32>) {
  // expected-error @+1 {{'q.equal' op result #0 must be statically shaped tensor of 1-bit signless integer values}}
  %y = q.equal %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @compare_element_types(%x: tensor<3xf32>, %y: tensor<3xi32>) {
  // expected-error @+1 {{'q.greater' op requires the same element type for all operands}}
  %z = q.greater %x, %y : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi1>
  return
}

// -----

func.func @where_element_types(%c: tensor<3xi1>, %x: tensor<3xf32>, %y: tensor<3xf16>) {
  // expected-error @+1 {{'q.where' op failed to verify that all of {true_value, false_value, result} have same element type}}
  %z = q.where %c, %x, %y : (tensor<3xi1>, tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return
}

// -----

func.func @exp_integer(%x: tensor<3xi32>) {
  // expected-error @+1 {{'q.exp' op operand #0 must be statically shaped tensor of floating-point values}}
  %y = q.exp %x : tensor<3xi32>
  return
}

// -----

func.func @cast_shape(%x: tensor<3xf32>) {
  // expected-error @+1 {{'q.cast' op requires the same shape for all operands and results}}
  %y = "q.cast"(%x) : (tensor<3xf32>) -> tensor<4xi32>
  return
}

// -----

func.func @leaky_relu_alpha(%x: tensor<3xf32>) {
  // expected-error @+1 {{'q.leaky_relu' op requires attribute 'alpha'}}
  %y = "q.leaky_relu"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @gelu_shape(%x: tensor<3xf32>) {
  // expected-error @+1 {{'q.gelu' op requires the same type for all operands and results}}
  %y = "q.gelu"(%x) : (tensor<3xf32>) -> tensor<4xf32>
  return
}
