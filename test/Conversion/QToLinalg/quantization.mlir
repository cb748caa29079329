// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg))' | FileCheck %s

// The integer quantization forms (QuantizationToLinalg.cpp) and the integer
// matmul and convolution (LinearToLinalg.cpp).

// Run-time scales and zero points are operands of the generic: a per-axis
// scale reads the index along the axis, a 0-d zero point has an empty map.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[AXIS:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-LABEL: func.func @quantize_linear
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AXIS]], #[[SCALAR]], #[[ID]]]
// CHECK: %[[DIV:.*]] = arith.divf
// CHECK: %[[ZP:.*]] = arith.uitofp %{{.*}} : i8 to f32
// CHECK: %[[R:.*]] = math.roundeven %[[DIV]]
// CHECK: %[[S:.*]] = arith.addf %[[R]], %[[ZP]]
// CHECK: arith.maximumf %[[S]], %{{.*}}
// CHECK: arith.minimumf
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @quantize_linear(%x: tensor<1x3x2xf32>, %s: tensor<3xf32>, %z: tensor<ui8>) -> tensor<1x3x2xui8> {
  %0 = q.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<1x3x2xf32>, tensor<3xf32>, tensor<ui8>) -> tensor<1x3x2xui8>
  return %0 : tensor<1x3x2xui8>
}

// -----

// An i32 input is converted to f32 before the division.
// CHECK-LABEL: func.func @quantize_linear_i32
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: arith.divf
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @quantize_linear_i32(%x: tensor<4xi32>, %s: tensor<f32>) -> tensor<4xi8> {
  %0 = q.quantize_linear %x, %s : (tensor<4xi32>, tensor<f32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// x - zp is exact in i32, then one f32 product; a [1] scale reads index 0.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[FIRST:.*]] = affine_map<(d0) -> (0)>
// CHECK-LABEL: func.func @dequantize_linear
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[FIRST]], #[[FIRST]], #[[ID]]]
// CHECK: %[[X:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[Z:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[D:.*]] = arith.subi %[[X]], %[[Z]] : i32
// CHECK: %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: arith.mulf %[[F]], %{{.*}} : f32
func.func @dequantize_linear(%x: tensor<4xi8>, %s: tensor<1xf32>, %z: tensor<1xi8>) -> tensor<4xf32> {
  %0 = q.dequantize_linear %x, %s, %z : (tensor<4xi8>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// round_half_even(f32(acc) * multiplier) + zp, saturated.
// CHECK-LABEL: func.func @requantize_linear
// CHECK: %[[F:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK: %[[M:.*]] = arith.mulf %[[F]], %{{.*}} : f32
// CHECK: math.roundeven %[[M]]
// CHECK: arith.constant -1.280000e+02 : f32
// CHECK: arith.constant 1.270000e+02 : f32
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @requantize_linear(%x: tensor<2x4xi32>, %m: tensor<f32>) -> tensor<2x4xi8> {
  %0 = q.requantize_linear %x, %m : (tensor<2x4xi32>, tensor<f32>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

// A storage cast disappears: both sides lower to the signless i8 tensor.
// CHECK-LABEL: func.func @storage_cast
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK-NEXT: return %[[X]]
func.func @storage_cast(%x: tensor<4xui8>) -> tensor<4xui8> {
  %q = q.storage_cast %x : tensor<4xui8> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  %i = q.storage_cast %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>> -> tensor<4xui8>
  return %i : tensor<4xui8>
}

// -----

// Operands are extended by their q-level signedness and their zero points
// subtracted (per row of lhs, per column of rhs) before an i32 matmul.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @matmul_integer
// CHECK: %[[A:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]]
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: -> tensor<4x3xi32>
// CHECK: %[[B:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: -> tensor<3x2xi32>
// CHECK: linalg.matmul ins(%[[A]], %[[B]] : tensor<4x3xi32>, tensor<3x2xi32>) outs(%{{.*}} : tensor<4x2xi32>)
func.func @matmul_integer(%a: tensor<4x3xui8>, %b: tensor<3x2xi8>, %za: tensor<4xui8>, %zb: tensor<2xi8>) -> tensor<4x2xi32> {
  %0 = q.matmul_integer %a, %b lhs_zero_point(%za) rhs_zero_point(%zb) : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<4xui8>, tensor<2xi8>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// Batched by a 2-D right side: one i32 linalg.matmul over all rows.
// CHECK-LABEL: func.func @matmul_integer_batched
// CHECK: tensor.collapse_shape %{{.*}} : tensor<2x4x3xi32> into tensor<8x3xi32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x3xi32>, tensor<3x2xi32>)
func.func @matmul_integer_batched(%a: tensor<2x4x3xi8>, %b: tensor<3x2xi8>) -> tensor<2x4x2xi32> {
  %0 = q.matmul_integer %a, %b : (tensor<2x4x3xi8>, tensor<3x2xi8>) -> tensor<2x4x2xi32>
  return %0 : tensor<2x4x2xi32>
}

// -----

// x - x_zp padded with 0 is x padded with its zero point. With few terms
// per output (here 4) every product and partial sum is an integer below
// 2^24, so the convolution runs in f32, exactly, on the f32 kernels.
// CHECK-LABEL: func.func @conv_integer
// CHECK: %[[X:.*]] = linalg.generic
// CHECK: arith.subi
// CHECK: -> tensor<1x1x3x3xi32>
// CHECK: %[[W:.*]] = linalg.generic
// CHECK: -> tensor<1x1x2x2xi32>
// CHECK: %[[XF:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<1x1x3x3xi32>)
// CHECK: arith.sitofp
// CHECK: %[[WF:.*]] = linalg.generic {{.*}} ins(%[[W]] : tensor<1x1x2x2xi32>)
// CHECK: %[[P:.*]] = tensor.pad %[[XF]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %{{.*}} : f32
// CHECK: %[[Y:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[P]], %[[WF]] : tensor<1x1x5x5xf32>, tensor<1x1x2x2xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[Y]] : tensor<1x1x4x4xf32>)
// CHECK: arith.fptosi
func.func @conv_integer(%x: tensor<1x1x3x3xui8>, %w: tensor<1x1x2x2xui8>, %z: tensor<ui8>) -> tensor<1x1x4x4xi32> {
  %0 = q.conv_integer %x, %w input_zero_point(%z) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xui8>, tensor<1x1x2x2xui8>, tensor<ui8>) -> tensor<1x1x4x4xi32>
  return %0 : tensor<1x1x4x4xi32>
}

// -----

// 300 terms per output could pass 2^24: the convolution stays in i32.
// CHECK-LABEL: func.func @conv_integer_wide
// CHECK-NOT: arith.sitofp
// CHECK: tensor.yield %{{.*}} : i32
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x300x4x4xi32>, tensor<2x300x1x1xi32>)
func.func @conv_integer_wide(%x: tensor<1x300x2x2xui8>, %w: tensor<2x300x1x1xi8>, %z: tensor<ui8>) -> tensor<1x2x4x4xi32> {
  %0 = q.conv_integer %x, %w input_zero_point(%z) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x300x2x2xui8>, tensor<2x300x1x1xi8>, tensor<ui8>) -> tensor<1x2x4x4xi32>
  return %0 : tensor<1x2x4x4xi32>
}

// -----

// A per-output-channel weight zero point reads dimension 0 of the weight.
// CHECK-DAG: #[[CHAN:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-LABEL: func.func @conv_integer_per_channel
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CHAN]], #{{.*}}]
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: -> tensor<2x2x1xi32>
func.func @conv_integer_per_channel(%x: tensor<1x2x3xi8>, %w: tensor<2x2x1xi8>, %z: tensor<2xi8>) -> tensor<1x2x3xi32> {
  %0 = q.conv_integer %x, %w weight_zero_point(%z) {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x2x3xi8>, tensor<2x2x1xi8>, tensor<2xi8>) -> tensor<1x2x3xi32>
  return %0 : tensor<1x2x3xi32>
}
