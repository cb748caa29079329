// RUN: qopt %s | qopt | FileCheck %s
// RUN: qopt %s --mlir-print-op-generic | qopt | FileCheck %s

// Round trip of the integer quantization forms (QQuantOps.td) and of the
// integer matmul and convolution (QLinearOps.td).

// CHECK-LABEL: func.func @storage_cast
// CHECK-SAME: (%[[X:.*]]: tensor<4xui8>, %[[Y:.*]]: tensor<2x3xi8>)
func.func @storage_cast(%x: tensor<4xui8>, %y: tensor<2x3xi8>) -> (tensor<4xui8>, tensor<2x3x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>) {
  // CHECK: %[[Q:.*]] = q.storage_cast %[[X]] : tensor<4xui8> -> tensor<4x!quant.uniform<u8:f32, 5.000000e-01:3>>
  // CHECK: q.storage_cast %[[Q]] : tensor<4x!quant.uniform<u8:f32, 5.000000e-01:3>> -> tensor<4xui8>
  // CHECK: q.storage_cast %[[Y]] : tensor<2x3xi8> -> tensor<2x3x!quant.uniform<i8:f32:1, {1.000000e+00,2.000000e+00,3.000000e+00}>>
  %q = q.storage_cast %x : tensor<4xui8> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  %i = q.storage_cast %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>> -> tensor<4xui8>
  %a = q.storage_cast %y : tensor<2x3xi8> -> tensor<2x3x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>
  return %i, %a : tensor<4xui8>, tensor<2x3x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>
}

// CHECK-LABEL: func.func @quantize_linear
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x2xf32>, %[[I:.*]]: tensor<6xi32>, %[[S:.*]]: tensor<f32>, %[[Z:.*]]: tensor<ui8>, %[[SA:.*]]: tensor<3xf32>, %[[ZA:.*]]: tensor<3xi8>)
func.func @quantize_linear(%x: tensor<1x3x2xf32>, %i: tensor<6xi32>, %s: tensor<f32>, %z: tensor<ui8>, %sa: tensor<3xf32>, %za: tensor<3xi8>) -> (tensor<1x3x2xui8>, tensor<6xui8>, tensor<1x3x2xi8>, tensor<1x3x2xi8>) {
  // CHECK: q.quantize_linear %[[X]], %[[S]], %[[Z]] : (tensor<1x3x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x3x2xui8>
  // CHECK: q.quantize_linear %[[I]], %[[S]] : (tensor<6xi32>, tensor<f32>) -> tensor<6xui8>
  // CHECK: q.quantize_linear %[[X]], %[[SA]], %[[ZA]] {axis = 1 : i64} : (tensor<1x3x2xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x3x2xi8>
  // A per-tensor zero point next to per-axis scales.
  // CHECK: q.quantize_linear %[[X]], %[[SA]] {axis = 1 : i64} : (tensor<1x3x2xf32>, tensor<3xf32>) -> tensor<1x3x2xi8>
  %0 = q.quantize_linear %x, %s, %z : (tensor<1x3x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x3x2xui8>
  %1 = q.quantize_linear %i, %s : (tensor<6xi32>, tensor<f32>) -> tensor<6xui8>
  %2 = q.quantize_linear %x, %sa, %za {axis = 1 : i64} : (tensor<1x3x2xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x3x2xi8>
  %3 = q.quantize_linear %x, %sa {axis = 1 : i64} : (tensor<1x3x2xf32>, tensor<3xf32>) -> tensor<1x3x2xi8>
  return %0, %1, %2, %3 : tensor<1x3x2xui8>, tensor<6xui8>, tensor<1x3x2xi8>, tensor<1x3x2xi8>
}

// CHECK-LABEL: func.func @dequantize_linear
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x2xui8>, %[[I:.*]]: tensor<4xi32>, %[[S:.*]]: tensor<1xf32>, %[[SA:.*]]: tensor<3xf32>, %[[ZA:.*]]: tensor<3xui8>)
func.func @dequantize_linear(%x: tensor<1x3x2xui8>, %i: tensor<4xi32>, %s: tensor<1xf32>, %sa: tensor<3xf32>, %za: tensor<3xui8>) -> (tensor<1x3x2xf32>, tensor<4xf32>) {
  // CHECK: q.dequantize_linear %[[X]], %[[SA]], %[[ZA]] {axis = 1 : i64} : (tensor<1x3x2xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<1x3x2xf32>
  // CHECK: q.dequantize_linear %[[I]], %[[S]] : (tensor<4xi32>, tensor<1xf32>) -> tensor<4xf32>
  %0 = q.dequantize_linear %x, %sa, %za {axis = 1 : i64} : (tensor<1x3x2xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<1x3x2xf32>
  %1 = q.dequantize_linear %i, %s : (tensor<4xi32>, tensor<1xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<1x3x2xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @requantize_linear
// CHECK-SAME: (%[[A:.*]]: tensor<1x8x4x4xi32>, %[[M:.*]]: tensor<8xf32>, %[[Z:.*]]: tensor<ui8>, %[[M1:.*]]: tensor<f32>)
func.func @requantize_linear(%acc: tensor<1x8x4x4xi32>, %m: tensor<8xf32>, %zp: tensor<ui8>, %m1: tensor<f32>) -> (tensor<1x8x4x4xui8>, tensor<1x8x4x4xi8>) {
  // CHECK: q.requantize_linear %[[A]], %[[M]], %[[Z]] {axis = 1 : i64} : (tensor<1x8x4x4xi32>, tensor<8xf32>, tensor<ui8>) -> tensor<1x8x4x4xui8>
  // CHECK: q.requantize_linear %[[A]], %[[M1]] : (tensor<1x8x4x4xi32>, tensor<f32>) -> tensor<1x8x4x4xi8>
  %0 = q.requantize_linear %acc, %m, %zp {axis = 1 : i64} : (tensor<1x8x4x4xi32>, tensor<8xf32>, tensor<ui8>) -> tensor<1x8x4x4xui8>
  %1 = q.requantize_linear %acc, %m1 : (tensor<1x8x4x4xi32>, tensor<f32>) -> tensor<1x8x4x4xi8>
  return %0, %1 : tensor<1x8x4x4xui8>, tensor<1x8x4x4xi8>
}

// CHECK-LABEL: func.func @matmul_integer
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xui8>, %[[B:.*]]: tensor<2x3x2xi8>, %[[AZ:.*]]: tensor<4xui8>, %[[BZ:.*]]: tensor<2xi8>, %[[V:.*]]: tensor<3xui8>)
func.func @matmul_integer(%a: tensor<4x3xui8>, %b: tensor<2x3x2xi8>, %azp: tensor<4xui8>, %bzp: tensor<2xi8>, %v: tensor<3xui8>) -> (tensor<2x4x2xi32>, tensor<2x4x2xi32>, tensor<2x4x2xi32>, tensor<2x2xi32>) {
  // CHECK: q.matmul_integer %[[A]], %[[B]] : (tensor<4x3xui8>, tensor<2x3x2xi8>) -> tensor<2x4x2xi32>
  // CHECK: q.matmul_integer %[[A]], %[[B]] lhs_zero_point(%[[AZ]]) rhs_zero_point(%[[BZ]]) : (tensor<4x3xui8>, tensor<2x3x2xi8>, tensor<4xui8>, tensor<2xi8>) -> tensor<2x4x2xi32>
  // CHECK: q.matmul_integer %[[A]], %[[B]] rhs_zero_point(%[[BZ]]) : (tensor<4x3xui8>, tensor<2x3x2xi8>, tensor<2xi8>) -> tensor<2x4x2xi32>
  // CHECK: q.matmul_integer %[[V]], %[[B]] : (tensor<3xui8>, tensor<2x3x2xi8>) -> tensor<2x2xi32>
  %0 = q.matmul_integer %a, %b : (tensor<4x3xui8>, tensor<2x3x2xi8>) -> tensor<2x4x2xi32>
  %1 = q.matmul_integer %a, %b lhs_zero_point(%azp) rhs_zero_point(%bzp) : (tensor<4x3xui8>, tensor<2x3x2xi8>, tensor<4xui8>, tensor<2xi8>) -> tensor<2x4x2xi32>
  %2 = q.matmul_integer %a, %b rhs_zero_point(%bzp) : (tensor<4x3xui8>, tensor<2x3x2xi8>, tensor<2xi8>) -> tensor<2x4x2xi32>
  %3 = q.matmul_integer %v, %b : (tensor<3xui8>, tensor<2x3x2xi8>) -> tensor<2x2xi32>
  return %0, %1, %2, %3 : tensor<2x4x2xi32>, tensor<2x4x2xi32>, tensor<2x4x2xi32>, tensor<2x2xi32>
}

// CHECK-LABEL: func.func @conv_integer
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x5x5xui8>, %[[W:.*]]: tensor<6x2x3x3xi8>, %[[XZ:.*]]: tensor<ui8>, %[[WZ:.*]]: tensor<6xi8>)
func.func @conv_integer(%x: tensor<1x4x5x5xui8>, %w: tensor<6x2x3x3xi8>, %xzp: tensor<ui8>, %wzp: tensor<6xi8>) -> (tensor<1x6x5x5xi32>, tensor<1x6x2x2xi32>) {
  // CHECK: q.conv_integer %[[X]], %[[W]] input_zero_point(%[[XZ]]) weight_zero_point(%[[WZ]]) {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xui8>, tensor<6x2x3x3xi8>, tensor<ui8>, tensor<6xi8>) -> tensor<1x6x5x5xi32>
  // CHECK: q.conv_integer %[[X]], %[[W]] {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xui8>, tensor<6x2x3x3xi8>) -> tensor<1x6x2x2xi32>
  %0 = q.conv_integer %x, %w input_zero_point(%xzp) weight_zero_point(%wzp) {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xui8>, tensor<6x2x3x3xi8>, tensor<ui8>, tensor<6xi8>) -> tensor<1x6x5x5xi32>
  %1 = q.conv_integer %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xui8>, tensor<6x2x3x3xi8>) -> tensor<1x6x2x2xi32>
  return %0, %1 : tensor<1x6x5x5xi32>, tensor<1x6x2x2xi32>
}

// Blocked and 4-bit forms (ONNX opset 21) and codebook dequantization.
// CHECK-LABEL: func.func @blocked_and_codebook
// CHECK-SAME: (%[[W4:.*]]: tensor<64x8xi4>, %[[S4:.*]]: tensor<2x8xf32>, %[[U4:.*]]: tensor<64x8xui4>, %[[Z4:.*]]: tensor<2x8xui4>, %[[C:.*]]: tensor<64x8xui4>, %[[A:.*]]: tensor<1x8xf32>, %[[X:.*]]: tensor<64x8xf32>)
func.func @blocked_and_codebook(%w4: tensor<64x8xi4>, %s4: tensor<2x8xf32>, %u4: tensor<64x8xui4>, %z4: tensor<2x8xui4>, %c: tensor<64x8xui4>, %a: tensor<1x8xf32>, %x: tensor<64x8xf32>) -> (tensor<64x8xf32>, tensor<64x8xf32>, tensor<64x8xf32>, tensor<64x8xi4>) {
  // CHECK: q.dequantize_linear %[[W4]], %[[S4]] {axis = 0 : i64, block_size = 32 : i64} : (tensor<64x8xi4>, tensor<2x8xf32>) -> tensor<64x8xf32>
  %0 = q.dequantize_linear %w4, %s4 {axis = 0 : i64, block_size = 32 : i64} : (tensor<64x8xi4>, tensor<2x8xf32>) -> tensor<64x8xf32>
  // CHECK: q.dequantize_linear %[[U4]], %[[S4]], %[[Z4]] {axis = 0 : i64, block_size = 32 : i64} : (tensor<64x8xui4>, tensor<2x8xf32>, tensor<2x8xui4>) -> tensor<64x8xf32>
  %1 = q.dequantize_linear %u4, %s4, %z4 {axis = 0 : i64, block_size = 32 : i64} : (tensor<64x8xui4>, tensor<2x8xf32>, tensor<2x8xui4>) -> tensor<64x8xf32>
  // CHECK: q.dequantize_codebook %[[C]], %[[A]] {axis = 0 : i64, codebook = !q.codebook<nf4, i4:f32, block = 64>} : (tensor<64x8xui4>, tensor<1x8xf32>) -> tensor<64x8xf32>
  %2 = q.dequantize_codebook %c, %a {axis = 0 : i64, codebook = !q.codebook<nf4, i4:f32, block = 64>} : (tensor<64x8xui4>, tensor<1x8xf32>) -> tensor<64x8xf32>
  // CHECK: q.quantize_linear %[[X]], %[[S4]] {axis = 0 : i64, block_size = 32 : i64} : (tensor<64x8xf32>, tensor<2x8xf32>) -> tensor<64x8xi4>
  %3 = q.quantize_linear %x, %s4 {axis = 0 : i64, block_size = 32 : i64} : (tensor<64x8xf32>, tensor<2x8xf32>) -> tensor<64x8xi4>
  return %0, %1, %2, %3 : tensor<64x8xf32>, tensor<64x8xf32>, tensor<64x8xf32>, tensor<64x8xi4>
}
