// RUN: qopt %s -canonicalize -split-input-file | FileCheck %s

// Every folder and pattern of QFolds.cpp, with the cases that must not fold.
// A fold never changes a result bit.

//===----------------------------------------------------------------------===//
// q.constant
//===----------------------------------------------------------------------===//

// Equal constants are uniqued.
// CHECK-LABEL: func.func @constant_unique
// CHECK: %[[C:.*]] = q.constant dense<1.000000e+00> : tensor<4xf32> : tensor<4xf32>
// CHECK-NOT: q.constant
// CHECK: return %[[C]], %[[C]]
func.func @constant_unique() -> (tensor<4xf32>, tensor<4xf32>) {
  %a = q.constant dense<1.0> : tensor<4xf32> : tensor<4xf32>
  %b = q.constant dense<1.0> : tensor<4xf32> : tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// The same attribute as i8 and as ui8 tensors are two constants.
// CHECK-LABEL: func.func @constant_unique_by_type
// CHECK-DAG: q.constant dense<1> : tensor<4xi8> : tensor<4xi8>
// CHECK-DAG: q.constant dense<1> : tensor<4xi8> : tensor<4xui8>
func.func @constant_unique_by_type() -> (tensor<4xi8>, tensor<4xui8>) {
  %a = q.constant dense<1> : tensor<4xi8> : tensor<4xi8>
  %b = q.constant dense<1> : tensor<4xi8> : tensor<4xui8>
  return %a, %b : tensor<4xi8>, tensor<4xui8>
}

// -----

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @quantize_of_dequantize
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>>)
// CHECK-NOT: q.dequantize
// CHECK-NOT: q.quantize
// CHECK: return %[[Q]]
func.func @quantize_of_dequantize(%q: tensor<4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:3>> {
  %x = q.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
  %r = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
}

// CHECK-LABEL: func.func @quantize_of_dequantize_per_axis
// CHECK-SAME: (%[[Q:.*]]: tensor<2x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>)
// CHECK-NOT: q.quantize
// CHECK: return %[[Q]]
func.func @quantize_of_dequantize_per_axis(%q: tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>)
    -> tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>> {
  %x = q.dequantize %q : tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x3xf32>
  %r = q.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return %r : tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
}

// Another scale rounds: no fold.
// CHECK-LABEL: func.func @quantize_of_dequantize_other_scale
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>>)
// CHECK: %[[X:.*]] = q.dequantize %[[Q]]
// CHECK: %[[R:.*]] = q.quantize %[[X]] : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 2.500000e-01:3>>
// CHECK: return %[[R]]
func.func @quantize_of_dequantize_other_scale(%q: tensor<4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.25:3>> {
  %x = q.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
  %r = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.25:3>>
}

// Another storage range clamps: no fold.
// CHECK-LABEL: func.func @quantize_of_dequantize_other_range
// CHECK: q.dequantize
// CHECK: q.quantize
func.func @quantize_of_dequantize_other_range(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>> {
  %x = q.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf32>
  %r = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
  return %r : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
}

// dequantize(quantize(x)) rounds x: no fold.
// CHECK-LABEL: func.func @dequantize_of_quantize
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[Q:.*]] = q.quantize %[[X]]
// CHECK: %[[Y:.*]] = q.dequantize %[[Q]]
// CHECK: return %[[Y]]
func.func @dequantize_of_quantize(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  %y = q.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// CHECK-LABEL: func.func @requantize_same_type
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>)
// CHECK-NOT: q.requantize
// CHECK: return %[[Q]]
func.func @requantize_same_type(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  %r = q.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// CHECK-LABEL: func.func @requantize_other_zero_point
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>)
// CHECK: %[[R:.*]] = q.requantize %[[Q]] : tensor<4x!quant.uniform<i8:f32, 5.000000e-01>> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01:1>>
// CHECK: return %[[R]]
func.func @requantize_other_zero_point(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:1>> {
  %r = q.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5:1>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.5:1>>
}

// CHECK-LABEL: func.func @fake_quant_idempotent
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>)
// CHECK: %[[Y:.*]] = q.fake_quant %[[X]] {quant_type = !quant.uniform<i8:f32, 1.000000e-01>}
// CHECK-NOT: q.fake_quant
// CHECK: return %[[Y]]
func.func @fake_quant_idempotent(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = q.fake_quant %x {quant_type = !quant.uniform<i8:f32, 0.1>} : tensor<8xf32>
  %z = q.fake_quant %y {quant_type = !quant.uniform<i8:f32, 0.1>} : tensor<8xf32>
  return %z : tensor<8xf32>
}

// CHECK-LABEL: func.func @fake_quant_other_type
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>)
// CHECK: %[[Y:.*]] = q.fake_quant %[[X]] {quant_type = !quant.uniform<i8:f32, 1.000000e-01>}
// CHECK: %[[Z:.*]] = q.fake_quant %[[Y]] {quant_type = !quant.uniform<i8:f32, 2.000000e-01>}
// CHECK: return %[[Z]]
func.func @fake_quant_other_type(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = q.fake_quant %x {quant_type = !quant.uniform<i8:f32, 0.1>} : tensor<8xf32>
  %z = q.fake_quant %y {quant_type = !quant.uniform<i8:f32, 0.2>} : tensor<8xf32>
  return %z : tensor<8xf32>
}

// CHECK-LABEL: func.func @fake_quant_other_zero_point
// CHECK: q.fake_quant
// CHECK: q.fake_quant
func.func @fake_quant_other_zero_point(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = q.fake_quant %x {quant_type = !quant.uniform<i8:f32, 0.1>} : tensor<8xf32>
  %z = q.fake_quant %y {quant_type = !quant.uniform<i8:f32, 0.1:5>} : tensor<8xf32>
  return %z : tensor<8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// q.add
//===----------------------------------------------------------------------===//

// x + (-0.0) is x for every x, -0.0 included.
// CHECK-LABEL: func.func @add_neg_zero
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: q.add
// CHECK: return %[[X]]
func.func @add_neg_zero(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = q.constant dense<-0.0> : tensor<2x3xf32> : tensor<2x3xf32>
  %y = q.add %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// On either side, and broadcast from a scalar that leaves x's type.
// CHECK-LABEL: func.func @add_neg_zero_lhs_scalar
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf16>)
// CHECK-NOT: q.add
// CHECK: return %[[X]]
func.func @add_neg_zero_lhs_scalar(%x: tensor<2x3xf16>) -> tensor<2x3xf16> {
  %c = q.constant dense<-0.0> : tensor<f16> : tensor<f16>
  %y = q.add %c, %x : (tensor<f16>, tensor<2x3xf16>) -> tensor<2x3xf16>
  return %y : tensor<2x3xf16>
}

// -0.0 + +0.0 is +0.0: adding +0.0 is not the identity for floats.
// CHECK-LABEL: func.func @add_pos_zero
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[C:.*]] = q.constant dense<0.000000e+00>
// CHECK: %[[Y:.*]] = q.add %[[X]], %[[C]]
// CHECK: return %[[Y]]
func.func @add_pos_zero(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = q.constant dense<0.0> : tensor<2x3xf32> : tensor<2x3xf32>
  %y = q.add %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Not from the left either; the constant moves to the right.
// CHECK-LABEL: func.func @add_pos_zero_lhs
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[C:.*]] = q.constant dense<0.000000e+00>
// CHECK: %[[Y:.*]] = q.add %[[X]], %[[C]]
// CHECK: return %[[Y]]
func.func @add_pos_zero_lhs(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = q.constant dense<0.0> : tensor<4xf32> : tensor<4xf32>
  %y = q.add %c, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// CHECK-LABEL: func.func @add_zero_i32
// CHECK-SAME: (%[[X:.*]]: tensor<4xi32>)
// CHECK-NOT: q.add
// CHECK: return %[[X]]
func.func @add_zero_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  %c = q.constant dense<0> : tensor<4xi32> : tensor<4xi32>
  %y = q.add %x, %c : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %y : tensor<4xi32>
}

// A ui8 tensor whose constant is a signless i8 attribute.
// CHECK-LABEL: func.func @add_zero_ui8
// CHECK-SAME: (%[[X:.*]]: tensor<4xui8>)
// CHECK-NOT: q.add
// CHECK: return %[[X]]
func.func @add_zero_ui8(%x: tensor<4xui8>) -> tensor<4xui8> {
  %c = q.constant dense<0> : tensor<i8> : tensor<ui8>
  %y = q.add %c, %x : (tensor<ui8>, tensor<4xui8>) -> tensor<4xui8>
  return %y : tensor<4xui8>
}

// The constant broadcasts x to another shape: the op stays.
// CHECK-LABEL: func.func @add_neg_zero_broadcasts_x
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK: %[[C:.*]] = q.constant dense<-0.000000e+00> : tensor<2x3xf32>
// CHECK: %[[Y:.*]] = q.add %[[X]], %[[C]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @add_neg_zero_broadcasts_x(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %c = q.constant dense<-0.0> : tensor<2x3xf32> : tensor<2x3xf32>
  %y = q.add %x, %c : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Not every element is -0.0.
// CHECK-LABEL: func.func @add_mixed_zeros
// CHECK: q.add
func.func @add_mixed_zeros(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = q.constant dense<[-0.0, 0.0]> : tensor<2xf32> : tensor<2xf32>
  %y = q.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// q.sub
//===----------------------------------------------------------------------===//

// x - (+0.0) is x for every x: -0.0 - +0.0 is -0.0.
// CHECK-LABEL: func.func @sub_pos_zero
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT: q.sub
// CHECK: return %[[X]]
func.func @sub_pos_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = q.constant dense<0.0> : tensor<f32> : tensor<f32>
  %y = q.sub %x, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -0.0 - -0.0 is +0.0: subtracting -0.0 is not the identity.
// CHECK-LABEL: func.func @sub_neg_zero
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[Y:.*]] = q.sub %[[X]], %{{.*}}
// CHECK: return %[[Y]]
func.func @sub_neg_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = q.constant dense<-0.0> : tensor<4xf32> : tensor<4xf32>
  %y = q.sub %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// 0 - x is a negation.
// CHECK-LABEL: func.func @sub_from_zero
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>)
// CHECK: %[[C:.*]] = q.constant dense<0>
// CHECK: %[[Y:.*]] = q.sub %[[C]], %[[X]]
// CHECK: return %[[Y]]
func.func @sub_from_zero(%x: tensor<4xi8>) -> tensor<4xi8> {
  %c = q.constant dense<0> : tensor<4xi8> : tensor<4xi8>
  %y = q.sub %c, %x : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// CHECK-LABEL: func.func @sub_zero_i64
// CHECK-SAME: (%[[X:.*]]: tensor<4xi64>)
// CHECK-NOT: q.sub
// CHECK: return %[[X]]
func.func @sub_zero_i64(%x: tensor<4xi64>) -> tensor<4xi64> {
  %c = q.constant dense<0> : tensor<1xi64> : tensor<1xi64>
  %y = q.sub %x, %c : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

//===----------------------------------------------------------------------===//
// q.mul and q.div
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @mul_one
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: q.mul
// CHECK: return %[[X]]
func.func @mul_one(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = q.constant dense<1.0> : tensor<3xf32> : tensor<3xf32>
  %y = q.mul %x, %c : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @mul_one_lhs_bf16
// CHECK-SAME: (%[[X:.*]]: tensor<4xbf16>)
// CHECK-NOT: q.mul
// CHECK: return %[[X]]
func.func @mul_one_lhs_bf16(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %c = q.constant dense<1.0> : tensor<4xbf16> : tensor<4xbf16>
  %y = q.mul %c, %x : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}

// CHECK-LABEL: func.func @mul_one_integers
// CHECK-SAME: (%[[X:.*]]: tensor<4xi32>, %[[U:.*]]: tensor<4xui8>, %[[B:.*]]: tensor<4xi1>)
// CHECK-NOT: q.mul
// CHECK: return %[[X]], %[[U]], %[[B]]
func.func @mul_one_integers(%x: tensor<4xi32>, %u: tensor<4xui8>, %b: tensor<4xi1>)
    -> (tensor<4xi32>, tensor<4xui8>, tensor<4xi1>) {
  %c = q.constant dense<1> : tensor<i32> : tensor<i32>
  %y = q.mul %x, %c : (tensor<4xi32>, tensor<i32>) -> tensor<4xi32>
  %cu = q.constant dense<1> : tensor<4xi8> : tensor<4xui8>
  %v = q.mul %u, %cu : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %ct = q.constant dense<true> : tensor<4xi1> : tensor<4xi1>
  %w = q.mul %b, %ct : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %y, %v, %w : tensor<4xi32>, tensor<4xui8>, tensor<4xi1>
}

// 255 is not one, whichever way its bits are read.
// CHECK-LABEL: func.func @mul_255_ui8
// CHECK: q.mul
func.func @mul_255_ui8(%u: tensor<4xui8>) -> tensor<4xui8> {
  %c = q.constant dense<255> : tensor<4xui8> : tensor<4xui8>
  %v = q.mul %u, %c : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %v : tensor<4xui8>
}

// CHECK-LABEL: func.func @mul_two
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[Y:.*]] = q.mul %[[X]], %{{.*}}
// CHECK: return %[[Y]]
func.func @mul_two(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = q.constant dense<2.0> : tensor<4xf32> : tensor<4xf32>
  %y = q.mul %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// The ones broadcast x to [2, 4]: the op stays.
// CHECK-LABEL: func.func @mul_one_broadcasts_x
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[Y:.*]] = q.mul %[[X]], %{{.*}} : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: return %[[Y]]
func.func @mul_one_broadcasts_x(%x: tensor<4xf32>) -> tensor<2x4xf32> {
  %c = q.constant dense<1.0> : tensor<2x4xf32> : tensor<2x4xf32>
  %y = q.mul %x, %c : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @div_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi16>)
// CHECK-NOT: q.div
// CHECK: return %[[X]], %[[I]]
func.func @div_one(%x: tensor<4xf32>, %i: tensor<4xi16>) -> (tensor<4xf32>, tensor<4xi16>) {
  %c = q.constant dense<1.0> : tensor<f32> : tensor<f32>
  %y = q.div %x, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %ci = q.constant dense<1> : tensor<4xi16> : tensor<4xi16>
  %j = q.div %i, %ci : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  return %y, %j : tensor<4xf32>, tensor<4xi16>
}

// 1 / x is a reciprocal.
// CHECK-LABEL: func.func @div_of_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[C:.*]] = q.constant dense<1.000000e+00>
// CHECK: %[[Y:.*]] = q.div %[[C]], %[[X]]
// CHECK: return %[[Y]]
func.func @div_of_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = q.constant dense<1.0> : tensor<4xf32> : tensor<4xf32>
  %y = q.div %c, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// q.relu and q.clip
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @relu_of_relu
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[Y:.*]] = q.relu %[[X]]
// CHECK-NOT: q.relu
// CHECK: return %[[Y]]
func.func @relu_of_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = q.relu %x : tensor<4xf32>
  %z = q.relu %y : tensor<4xf32>
  return %z : tensor<4xf32>
}

// CHECK-LABEL: func.func @relu_alone
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>)
// CHECK: %[[Y:.*]] = q.relu %[[X]]
// CHECK: return %[[Y]]
func.func @relu_alone(%x: tensor<4xi8>) -> tensor<4xi8> {
  %y = q.relu %x : tensor<4xi8>
  return %y : tensor<4xi8>
}

// CHECK-LABEL: func.func @clip_without_bounds
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>)
// CHECK-NOT: q.clip
// CHECK: return %[[X]]
func.func @clip_without_bounds(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = q.clip %x : (tensor<8xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// CHECK-LABEL: func.func @clip_with_bounds
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>, %[[LO:.*]]: tensor<f32>, %[[HI:.*]]: tensor<f32>)
// CHECK: %[[A:.*]] = q.clip %[[X]] min %[[LO]] :
// CHECK: %[[B:.*]] = q.clip %[[A]] max %[[HI]] :
// CHECK: return %[[B]]
func.func @clip_with_bounds(%x: tensor<8xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<8xf32> {
  %y = q.clip %x min %lo : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %z = q.clip %y max %hi : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %z : tensor<8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// q.reshape and q.flatten
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reshape_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: q.reshape
// CHECK: return %[[X]]
func.func @reshape_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = q.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[Y:.*]] = q.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
// CHECK-NOT: q.reshape
// CHECK: return %[[Y]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %y = q.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %z = q.reshape %y : tensor<24xf32> -> tensor<4x6xf32>
  return %z : tensor<4x6xf32>
}

// Back to the original shape: nothing is left.
// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: q.reshape
// CHECK: return %[[X]]
func.func @reshape_round_trip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = q.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %z = q.reshape %y : tensor<6xf32> -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// A reshape whose input is still used keeps it.
// CHECK-LABEL: func.func @reshape_of_reshape_shared
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-DAG: %[[Y:.*]] = q.reshape %[[X]] : tensor<2x3xf32> -> tensor<6xf32>
// CHECK-DAG: %[[Z:.*]] = q.reshape %[[X]] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK: return %[[Y]], %[[Z]]
func.func @reshape_of_reshape_shared(%x: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<3x2xf32>) {
  %y = q.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %z = q.reshape %y : tensor<6xf32> -> tensor<3x2xf32>
  return %y, %z : tensor<6xf32>, tensor<3x2xf32>
}

// CHECK-LABEL: func.func @reshape_of_constant
// CHECK: %[[C:.*]] = q.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32> : tensor<3x2xf32>
// CHECK-NOT: q.reshape
// CHECK: return %[[C]]
func.func @reshape_of_constant() -> tensor<3x2xf32> {
  %c = q.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32> : tensor<2x3xf32>
  %y = q.reshape %c : tensor<2x3xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @reshape_of_splat
// CHECK: %[[C:.*]] = q.constant dense<7> : tensor<2x2xi32> : tensor<2x2xi32>
// CHECK-NOT: q.reshape
// CHECK: return %[[C]]
func.func @reshape_of_splat() -> tensor<2x2xi32> {
  %c = q.constant dense<7> : tensor<4xi32> : tensor<4xi32>
  %y = q.reshape %c : tensor<4xi32> -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// The attribute of a ui8 constant stays signless.
// CHECK-LABEL: func.func @reshape_of_ui8_constant
// CHECK: %[[C:.*]] = q.constant dense<{{\[\[}}1, 2], [3, -1]]> : tensor<2x2xi8> : tensor<2x2xui8>
// CHECK-NOT: q.reshape
// CHECK: return %[[C]]
func.func @reshape_of_ui8_constant() -> tensor<2x2xui8> {
  %c = q.constant dense<[1, 2, 3, 255]> : tensor<4xi8> : tensor<4xui8>
  %y = q.reshape %c : tensor<4xui8> -> tensor<2x2xui8>
  return %y : tensor<2x2xui8>
}

// The attribute of a quantized constant holds the storage values.
// CHECK-LABEL: func.func @reshape_of_quantized_constant
// CHECK: %[[C:.*]] = q.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi8> : tensor<2x2x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK-NOT: q.reshape
// CHECK: return %[[C]]
func.func @reshape_of_quantized_constant() -> tensor<2x2x!quant.uniform<i8:f32, 0.5>> {
  %c = q.constant dense<[1, 2, 3, 4]> : tensor<4xi8> : tensor<4x!quant.uniform<i8:f32, 0.5>>
  %y = q.reshape %c : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  return %y : tensor<2x2x!quant.uniform<i8:f32, 0.5>>
}

// CHECK-LABEL: func.func @reshape_of_per_axis_constant
// CHECK: %[[C:.*]] = q.constant dense<{{\[\[}}1, 2, 3, 4], [5, 6, 7, 8]]> : tensor<2x4xi8> : tensor<2x4x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>
// CHECK-NOT: q.reshape
// CHECK: return %[[C]]
func.func @reshape_of_per_axis_constant() -> tensor<2x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>> {
  %c = q.constant dense<[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]> : tensor<2x2x2xi8> : tensor<2x2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %y = q.reshape %c : tensor<2x2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return %y : tensor<2x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
}

// A weight blob is shared, not copied.
// CHECK-LABEL: func.func @reshape_of_resource
// CHECK: %[[C:.*]] = q.constant dense_resource<blob> : tensor<2x2xf32> : tensor<2x2xf32>
// CHECK-NOT: q.reshape
// CHECK: return %[[C]]
func.func @reshape_of_resource() -> tensor<2x2xf32> {
  %c = q.constant dense_resource<blob> : tensor<4xf32> : tensor<4xf32>
  %y = q.reshape %c : tensor<4xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @reshape_of_ui8_resource
// CHECK: %[[C:.*]] = q.constant dense_resource<blob_u8> : tensor<2x2xi8> : tensor<2x2xui8>
// CHECK-NOT: q.reshape
// CHECK: return %[[C]]
func.func @reshape_of_ui8_resource() -> tensor<2x2xui8> {
  %c = q.constant dense_resource<blob_u8> : tensor<4xi8> : tensor<4xui8>
  %y = q.reshape %c : tensor<4xui8> -> tensor<2x2xui8>
  return %y : tensor<2x2xui8>
}

// CHECK: blob: "0x040000000000803F000000400000404000008040"
// CHECK: blob_u8: "0x0400000001FF7F80"
{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000000803F000000400000404000008040",
      blob_u8: "0x0400000001FF7F80"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @flatten_to_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[Y:.*]] = q.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK-NOT: q.flatten
// CHECK: return %[[Y]]
func.func @flatten_to_reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %y = q.flatten %x {axis = 2 : i64} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// A flatten that changes nothing disappears.
// CHECK-LABEL: func.func @flatten_identity
// CHECK-SAME: (%[[X:.*]]: tensor<1x6xui8>)
// CHECK-NOT: q.flatten
// CHECK-NOT: q.reshape
// CHECK: return %[[X]]
func.func @flatten_identity(%x: tensor<1x6xui8>) -> tensor<1x6xui8> {
  %y = q.flatten %x {axis = 1 : i64} : tensor<1x6xui8> -> tensor<1x6xui8>
  return %y : tensor<1x6xui8>
}

// Flatten of a constant becomes a constant.
// CHECK-LABEL: func.func @flatten_of_constant
// CHECK: %[[C:.*]] = q.constant dense<{{\[\[}}1, 2, 3, 4]]> : tensor<1x4xi64> : tensor<1x4xi64>
// CHECK-NOT: q.flatten
// CHECK: return %[[C]]
func.func @flatten_of_constant() -> tensor<1x4xi64> {
  %c = q.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64> : tensor<2x2xi64>
  %y = q.flatten %c {axis = 0 : i64} : tensor<2x2xi64> -> tensor<1x4xi64>
  return %y : tensor<1x4xi64>
}

// -----

//===----------------------------------------------------------------------===//
// q.transpose and q.concat
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: q.transpose
// CHECK: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = q.transpose %x {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Same shape, but a real permutation.
// CHECK-LABEL: func.func @transpose_square
// CHECK-SAME: (%[[X:.*]]: tensor<3x3xf32>)
// CHECK: %[[Y:.*]] = q.transpose %[[X]] {perm = array<i64: 1, 0>}
// CHECK: return %[[Y]]
func.func @transpose_square(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %y = q.transpose %x {perm = array<i64: 1, 0>} : tensor<3x3xf32> -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}

// Result dim i of the second is dim perm2[i] of the first, which is input
// dim perm1[perm2[i]]: [1, 2, 0] then [0, 2, 1] is [1, 0, 2].
// CHECK-LABEL: func.func @transpose_of_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[Y:.*]] = q.transpose %[[X]] {perm = array<i64: 1, 0, 2>} : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
// CHECK-NOT: q.transpose
// CHECK: return %[[Y]]
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %y = q.transpose %x {perm = array<i64: 1, 2, 0>} : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %z = q.transpose %y {perm = array<i64: 0, 2, 1>} : tensor<3x4x2xf32> -> tensor<3x2x4xf32>
  return %z : tensor<3x2x4xf32>
}

// A permutation and its inverse cancel.
// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4x5xf32>)
// CHECK-NOT: q.transpose
// CHECK: return %[[X]]
func.func @transpose_inverse(%x: tensor<1x3x4x5xf32>) -> tensor<1x3x4x5xf32> {
  %y = q.transpose %x {perm = array<i64: 0, 2, 3, 1>} : tensor<1x3x4x5xf32> -> tensor<1x4x5x3xf32>
  %z = q.transpose %y {perm = array<i64: 0, 3, 1, 2>} : tensor<1x4x5x3xf32> -> tensor<1x3x4x5xf32>
  return %z : tensor<1x3x4x5xf32>
}

// CHECK-LABEL: func.func @concat_of_one
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: q.concat
// CHECK: return %[[X]]
func.func @concat_of_one(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = q.concat %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @concat_of_two
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = q.concat %[[X]], %[[X]] {axis = 0 : i64}
// CHECK: return %[[Y]]
func.func @concat_of_two(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %y = q.concat %x, %x {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}
