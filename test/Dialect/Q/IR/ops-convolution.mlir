// RUN: qopt %s | qopt | FileCheck %s
// RUN: qopt %s --mlir-print-op-generic | qopt | FileCheck %s

// Round trip of q.conv_transpose and q.layer_norm (QLinearOps.td).

// CHECK-LABEL: func.func @conv_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x3x3xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<6xf32>)
func.func @conv_transpose(%x: tensor<1x4x3x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<6xf32>) -> (tensor<1x6x10x8xf32>, tensor<1x6x1x1xf32>) {
  // CHECK: q.conv_transpose %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 3, 2>} : (tensor<1x4x3x3xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x10x8xf32>
  // CHECK: q.conv_transpose %[[X]], %[[W]] {dilations = array<i64: 2, 2>, group = 2 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 3, 2, 3, 4>, strides = array<i64: 1, 1>} : (tensor<1x4x3x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x6x1x1xf32>
  %0 = q.conv_transpose %x, %w, %b {dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 3, 2>} : (tensor<1x4x3x3xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x10x8xf32>
  %1 = q.conv_transpose %x, %w {dilations = array<i64: 2, 2>, group = 2 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 3, 2, 3, 4>, strides = array<i64: 1, 1>} : (tensor<1x4x3x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x6x1x1xf32>
  return %0, %1 : tensor<1x6x10x8xf32>, tensor<1x6x1x1xf32>
}

// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf32>, %[[S:.*]]: tensor<4x5xf32>, %[[B:.*]]: tensor<4x5xf32>, %[[C:.*]]: tensor<3x1x1xf32>, %[[H:.*]]: tensor<2x8xf16>, %[[HS:.*]]: tensor<8xf16>)
func.func @layer_norm(%x: tensor<2x3x4x5xf32>, %s: tensor<4x5xf32>, %b: tensor<4x5xf32>, %c: tensor<3x1x1xf32>, %h: tensor<2x8xf16>, %hs: tensor<8xf16>) -> (tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x4x5xf32>, tensor<2x8xf16>, tensor<2x1xf32>, tensor<1x1x1x1xf32>) {
  // CHECK: q.layer_norm %[[X]], %[[S]], %[[B]] {axis = 2 : i64} : (tensor<2x3x4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>)
  // InstanceNormalization's form: a per-channel scale and bias.
  // CHECK: q.layer_norm %[[X]], %[[C]], %[[C]] {axis = 2 : i64, epsilon = 0.00999999977 : f32}
  // f16 data, f32 statistics (stash_type); the bias is optional and the
  // default epsilon (1e-5) is not printed.
  // CHECK: q.layer_norm %[[H]], %[[HS]] {axis = 1 : i64} : (tensor<2x8xf16>, tensor<8xf16>) -> (tensor<2x8xf16>, tensor<2x1xf32>, tensor<2x1xf32>)
  // Axis 0: one set of statistics for the whole tensor.
  // CHECK: q.layer_norm %[[X]], %[[S]] {axis = 0 : i64} : (tensor<2x3x4x5xf32>, tensor<4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>)
  %y, %m, %i = q.layer_norm %x, %s, %b {axis = 2 : i64} : (tensor<2x3x4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>)
  %y2, %m2, %i2 = q.layer_norm %x, %c, %c {axis = 2 : i64, epsilon = 0.01 : f32} : (tensor<2x3x4x5xf32>, tensor<3x1x1xf32>, tensor<3x1x1xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>)
  %y3, %m3, %i3 = q.layer_norm %h, %hs {axis = 1 : i64} : (tensor<2x8xf16>, tensor<8xf16>) -> (tensor<2x8xf16>, tensor<2x1xf32>, tensor<2x1xf32>)
  %y4, %m4, %i4 = q.layer_norm %x, %s {axis = 0 : i64} : (tensor<2x3x4x5xf32>, tensor<4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>)
  return %y, %m, %y2, %y3, %m3, %m4 : tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x4x5xf32>, tensor<2x8xf16>, tensor<2x1xf32>, tensor<1x1x1x1xf32>
}
