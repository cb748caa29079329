// RUN: qopt %s -canonicalize -split-input-file | FileCheck %s

// The folders and patterns of QFolds.cpp for the integer quantization forms,
// with the cases that must not fold.

// A storage cast and its inverse cancel out: quantize -> dequantize remains.
// CHECK-LABEL: func.func @storage_cast_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[Q:.*]] = q.quantize %[[X]]
// CHECK-NEXT: %[[D:.*]] = q.dequantize %[[Q]]
// CHECK-NEXT: return %[[D]]
func.func @storage_cast_round_trip(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  %i = q.storage_cast %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>> -> tensor<4xui8>
  %q2 = q.storage_cast %i : tensor<4xui8> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  %d = q.dequantize %q2 : tensor<4x!quant.uniform<u8:f32, 0.5:3>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Different quantized types on both sides: both casts stay.
// CHECK-LABEL: func.func @storage_cast_other_type
// CHECK-COUNT-2: q.storage_cast
func.func @storage_cast_other_type(%q: tensor<4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<u8:f32, 0.25:3>> {
  %i = q.storage_cast %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>> -> tensor<4xui8>
  %q2 = q.storage_cast %i : tensor<4xui8> -> tensor<4x!quant.uniform<u8:f32, 0.25:3>>
  return %q2 : tensor<4x!quant.uniform<u8:f32, 0.25:3>>
}

// -----

// A constant's storage values become a constant of the quantized type.
// CHECK-LABEL: func.func @storage_cast_constant
// CHECK: %[[C:.*]] = q.constant dense<[1, -1]> : tensor<2xi8> : tensor<2x!quant.uniform<u8:f32, 5.000000e-01>>
// CHECK-NOT: q.storage_cast
// CHECK: return %[[C]]
func.func @storage_cast_constant() -> tensor<2x!quant.uniform<u8:f32, 0.5>> {
  %c = q.constant dense<[1, 255]> : tensor<2xi8> : tensor<2xui8>
  %q = q.storage_cast %c : tensor<2xui8> -> tensor<2x!quant.uniform<u8:f32, 0.5>>
  return %q : tensor<2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// Zero points that are constant zeros are dropped: x - 0 is x.
// CHECK-LABEL: func.func @matmul_integer_zero_zero_points
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xui8>, %[[B:.*]]: tensor<3x2xi8>, %[[Z:.*]]: tensor<ui8>)
// CHECK: q.matmul_integer %[[A]], %[[B]] : (tensor<4x3xui8>, tensor<3x2xi8>) -> tensor<4x2xi32>
// CHECK: q.matmul_integer %[[A]], %[[B]] lhs_zero_point(%[[Z]]) : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<ui8>) -> tensor<4x2xi32>
func.func @matmul_integer_zero_zero_points(%a: tensor<4x3xui8>, %b: tensor<3x2xi8>, %z: tensor<ui8>) -> (tensor<4x2xi32>, tensor<4x2xi32>) {
  %za = q.constant dense<0> : tensor<1xi8> : tensor<1xui8>
  %zb = q.constant dense<0> : tensor<2xi8> : tensor<2xi8>
  %0 = q.matmul_integer %a, %b lhs_zero_point(%za) rhs_zero_point(%zb) : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<1xui8>, tensor<2xi8>) -> tensor<4x2xi32>
  %1 = q.matmul_integer %a, %b lhs_zero_point(%z) rhs_zero_point(%zb) : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<ui8>, tensor<2xi8>) -> tensor<4x2xi32>
  return %0, %1 : tensor<4x2xi32>, tensor<4x2xi32>
}

// -----

// A non-zero or non-splat zero point stays.
// CHECK-LABEL: func.func @conv_integer_zero_points
// CHECK: q.conv_integer %{{.*}}, %{{.*}} weight_zero_point(%{{.*}}) {
// CHECK: q.conv_integer %{{.*}}, %{{.*}} input_zero_point(%{{.*}}) {
func.func @conv_integer_zero_points(%x: tensor<1x2x3xui8>, %w: tensor<2x2x1xi8>) -> (tensor<1x2x3xi32>, tensor<1x2x3xi32>) {
  %zero = q.constant dense<0> : tensor<i8> : tensor<ui8>
  %one = q.constant dense<1> : tensor<i8> : tensor<ui8>
  %wz = q.constant dense<[0, 1]> : tensor<2xi8> : tensor<2xi8>
  %0 = q.conv_integer %x, %w input_zero_point(%zero) weight_zero_point(%wz) {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x2x3xui8>, tensor<2x2x1xi8>, tensor<ui8>, tensor<2xi8>) -> tensor<1x2x3xi32>
  %1 = q.conv_integer %x, %w input_zero_point(%one) {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x2x3xui8>, tensor<2x2x1xi8>, tensor<ui8>) -> tensor<1x2x3xi32>
  return %0, %1 : tensor<1x2x3xi32>, tensor<1x2x3xi32>
}

// -----

// A quantized constant (a QAT model's QuantizeLinear of a float weight)
// folds to its storage values with the run-time arithmetic: 0.26 / 0.1 =
// 2.6 -> 3, 0.25 / 0.1 -> 2 (half to even), -20 saturates at -127; per axis
// 1: column scales 0.1 and 1.0.
// CHECK-LABEL: func.func @quantize_constant
// CHECK-DAG: q.constant dense<[3, 2, -127, 0]> : tensor<4xi8> : tensor<4x!quant.uniform<i8<-127:127>:f32, 1.000000e-01>>
// CHECK-DAG: q.constant dense<{{\[}}[3, 0], [-127, 5]]> : tensor<2x2xi8> : tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {1.000000e-01,1.000000e+00}>>
// CHECK-NOT: q.quantize
func.func @quantize_constant() -> (tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1>>, tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 1.0}>>) {
  %c = q.constant dense<[0.26, 0.25, -20.0, 0.0]> : tensor<4xf32> : tensor<4xf32>
  %q = q.quantize %c : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1>>
  %d = q.constant dense<[[0.26, 0.3], [-20.0, 5.0]]> : tensor<2x2xf32> : tensor<2x2xf32>
  %e = q.quantize %d : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 1.0}>>
  return %q, %e : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1>>, tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 1.0}>>
}
