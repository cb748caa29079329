// RUN: qopt %s -split-input-file -verify-diagnostics

// One case per verifier message of q.conv_transpose (QLinearOps.cpp) and
// q.layer_norm (QNormalizationOps.cpp).

//===----------------------------------------------------------------------===//
// q.conv_transpose
//===----------------------------------------------------------------------===//

func.func @conv_transpose_rank(%x: tensor<1x4xf32>, %w: tensor<4x2xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op input must be [N, C, D1, ...], got rank 2}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64>, group = 1 : i64, output_padding = array<i64>, pads = array<i64>, strides = array<i64>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @conv_transpose_weight_rank(%x: tensor<1x4x3xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op input, weight and output must have the same rank}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x3xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x5xf32>
  return
}

// -----

func.func @conv_transpose_element_type(%x: tensor<1x4x3xf32>, %w: tensor<4x2x3xf16>) {
  // expected-error @+1 {{'q.conv_transpose' op operands and result must share the element type}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x3xf32>, tensor<4x2x3xf16>) -> tensor<1x2x5xf32>
  return
}

// -----

func.func @conv_transpose_attrs(%x: tensor<1x4x3xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op expects 1 strides and dilations and 2 pads}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x3xf32>, tensor<4x2x3xf32>) -> tensor<1x2x5xf32>
  return
}

// -----

func.func @conv_transpose_pads(%x: tensor<1x4x3xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op strides and dilations must be positive and pads non-negative}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: -1, 0>, strides = array<i64: 1>} : (tensor<1x4x3xf32>, tensor<4x2x3xf32>) -> tensor<1x2x6xf32>
  return
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x4x3xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op expects 1 non-negative output_padding values}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: -1>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x3xf32>, tensor<4x2x3xf32>) -> tensor<1x2x4xf32>
  return
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x4x3xf32>, %w: tensor<3x2x3xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op input has 4 channels but the weight is for 3}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x3xf32>, tensor<3x2x3xf32>) -> tensor<1x2x5xf32>
  return
}

// -----

func.func @conv_transpose_group(%x: tensor<1x4x3xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op input channels 4 are not divisible by group 3}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 1>, group = 3 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x3xf32>, tensor<4x2x3xf32>) -> tensor<1x6x5xf32>
  return
}

// -----

// The weight is [C, M / group, K...]: 2 groups of 2 give 4 output channels.
func.func @conv_transpose_bias(%x: tensor<1x4x3xf32>, %w: tensor<4x2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op bias must be [4], got 'tensor<2xf32>'}}
  %0 = q.conv_transpose %x, %w, %b {dilations = array<i64: 1>, group = 2 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x3xf32>, tensor<4x2x3xf32>, tensor<2xf32>) -> tensor<1x4x5xf32>
  return
}

// -----

func.func @conv_transpose_crop(%x: tensor<1x4x3xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op pads crop all 5 elements of output dimension 2}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 3, 2>, strides = array<i64: 1>} : (tensor<1x4x3xf32>, tensor<4x2x3xf32>) -> tensor<1x2x1xf32>
  return
}

// -----

// stride * (D - 1) + output_padding + dilation * (K - 1) + 1 - pads
// = 3 * 2 + 1 + 2 * 2 + 1 - 1 = 11.
func.func @conv_transpose_result(%x: tensor<1x4x3xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{'q.conv_transpose' op result shape [1x2x12] differs from the expected [1x2x11]}}
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 2>, group = 1 : i64, output_padding = array<i64: 1>, pads = array<i64: 1, 0>, strides = array<i64: 3>} : (tensor<1x4x3xf32>, tensor<4x2x3xf32>) -> tensor<1x2x12xf32>
  return
}

//===----------------------------------------------------------------------===//
// q.layer_norm
//===----------------------------------------------------------------------===//

// -----

func.func @layer_norm_axis(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'q.layer_norm' op axis 2 out of range for rank 2}}
  %y, %m, %i = q.layer_norm %x, %s {axis = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @layer_norm_result(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'q.layer_norm' op result type 'tensor<2x3xf16>' differs from the input type 'tensor<2x3xf32>'}}
  %y, %m, %i = q.layer_norm %x, %s {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf16>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x3xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{'q.layer_norm' op scale and bias must be 'f32' tensors that broadcast to [2x3], got 'tensor<2xf32>'}}
  %y, %m, %i = q.layer_norm %x, %s {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_statistics(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'q.layer_norm' op mean and inv_std_dev must have one type of shape [2x1], got 'tensor<2xf32>' and 'tensor<2xf32>'}}
  %y, %m, %i = q.layer_norm %x, %s {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2xf32>, tensor<2xf32>)
  return
}
