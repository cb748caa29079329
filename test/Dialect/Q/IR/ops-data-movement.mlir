// RUN: qopt %s | qopt | FileCheck %s
// RUN: qopt %s --mlir-print-op-generic | qopt | FileCheck %s

// Round trip of the data movement ops of QDataMovementOps.td added with the
// shape family: slice, pad, gather, gather_elements, expand, trilu, resize.

// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.*]]: tensor<2x5xf32>)
func.func @slice(%x: tensor<2x5xf32>) -> tensor<2x3xf32> {
  // CHECK: q.slice %[[X]] {starts = array<i64: 0, 4>, steps = array<i64: 1, -2>} : tensor<2x5xf32> -> tensor<2x3xf32>
  %y = q.slice %x {starts = array<i64: 0, 4>, steps = array<i64: 1, -2>} : tensor<2x5xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Per-tensor quantized elements move as they are.
// CHECK-LABEL: func.func @slice_quantized
func.func @slice_quantized(%x: tensor<4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<2x!quant.uniform<u8:f32, 0.5:3>> {
  // CHECK: q.slice %{{.*}} {starts = array<i64: 1>, steps = array<i64: 2>} : tensor<4x!quant.uniform<u8:f32, 5.000000e-01:3>> -> tensor<2x!quant.uniform<u8:f32, 5.000000e-01:3>>
  %y = q.slice %x {starts = array<i64: 1>, steps = array<i64: 2>} : tensor<4x!quant.uniform<u8:f32, 0.5:3>> -> tensor<2x!quant.uniform<u8:f32, 0.5:3>>
  return %y : tensor<2x!quant.uniform<u8:f32, 0.5:3>>
}

// The default mode, constant, is not printed.
// CHECK-LABEL: func.func @pad
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[V:.*]]: tensor<f32>)
func.func @pad(%x: tensor<2x3xf32>, %v: tensor<f32>) -> (tensor<2x6xf32>, tensor<2x5xf32>, tensor<4x3xf32>, tensor<3x3xf32>) {
  // CHECK: q.pad %[[X]], %[[V]] {pads = array<i64: 0, 1, 0, 2>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x6xf32>
  %a = q.pad %x, %v {pads = array<i64: 0, 1, 0, 2>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x6xf32>
  // CHECK: q.pad %[[X]] {mode = "reflect", pads = array<i64: 0, 2, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  %b = q.pad %x {mode = "reflect", pads = array<i64: 0, 2, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  // CHECK: q.pad %[[X]] {mode = "edge", pads = array<i64: 1, 0, 1, 0>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  %c = q.pad %x {mode = "edge", pads = array<i64: 1, 0, 1, 0>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  // CHECK: q.pad %[[X]] {pads = array<i64: 1, 0, 0, 0>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  %d = q.pad %x {mode = "constant", pads = array<i64: 1, 0, 0, 0>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return %a, %b, %c, %d : tensor<2x6xf32>, tensor<2x5xf32>, tensor<4x3xf32>, tensor<3x3xf32>
}

// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[I:.*]]: tensor<2x2xi64>, %[[J:.*]]: tensor<i32>)
func.func @gather(%x: tensor<3x4xf32>, %i: tensor<2x2xi64>, %j: tensor<i32>) -> (tensor<3x2x2xf32>, tensor<4xf32>) {
  // CHECK: q.gather %[[X]], %[[I]] {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2x2xi64>) -> tensor<3x2x2xf32>
  %a = q.gather %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2x2xi64>) -> tensor<3x2x2xf32>
  // CHECK: q.gather %[[X]], %[[J]] {axis = 0 : i64} : (tensor<3x4xf32>, tensor<i32>) -> tensor<4xf32>
  %b = q.gather %x, %j {axis = 0 : i64} : (tensor<3x4xf32>, tensor<i32>) -> tensor<4xf32>
  return %a, %b : tensor<3x2x2xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi8>, %[[I:.*]]: tensor<2x2xi64>)
func.func @gather_elements(%x: tensor<2x3xi8>, %i: tensor<2x2xi64>) -> tensor<2x2xi8> {
  // CHECK: q.gather_elements %[[X]], %[[I]] {axis = 1 : i64} : (tensor<2x3xi8>, tensor<2x2xi64>) -> tensor<2x2xi8>
  %y = q.gather_elements %x, %i {axis = 1 : i64} : (tensor<2x3xi8>, tensor<2x2xi64>) -> tensor<2x2xi8>
  return %y : tensor<2x2xi8>
}

// CHECK-LABEL: func.func @expand
// CHECK-SAME: (%[[X:.*]]: tensor<3x1xf32>)
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  // CHECK: q.expand %[[X]] : tensor<3x1xf32> -> tensor<2x3x4xf32>
  %y = q.expand %x : tensor<3x1xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @trilu
// CHECK-SAME: (%[[X:.*]]: tensor<4x5xf32>, %[[K:.*]]: tensor<i64>, %[[Y:.*]]: tensor<2x3x3xi64>)
func.func @trilu(%x: tensor<4x5xf32>, %k: tensor<i64>, %y: tensor<2x3x3xi64>) -> (tensor<4x5xf32>, tensor<2x3x3xi64>) {
  // CHECK: q.trilu %[[X]], %[[K]] {upper} : (tensor<4x5xf32>, tensor<i64>) -> tensor<4x5xf32>
  %a = q.trilu %x, %k {upper} : (tensor<4x5xf32>, tensor<i64>) -> tensor<4x5xf32>
  // CHECK: q.trilu %[[Y]] : (tensor<2x3x3xi64>) -> tensor<2x3x3xi64>
  %b = q.trilu %y : (tensor<2x3x3xi64>) -> tensor<2x3x3xi64>
  return %a, %b : tensor<4x5xf32>, tensor<2x3x3xi64>
}

// Defaults (nearest, half_pixel, round_prefer_floor, -0.75, 0.0) are not
// printed.
// CHECK-LABEL: func.func @resize
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x2x2xf32>)
func.func @resize(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x3x1xf32>, tensor<1x1x4x6xf32>) {
  // CHECK: q.resize %[[X]] {coordinate_transformation_mode = "align_corners", mode = "linear", scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  %a = q.resize %x {coordinate_transformation_mode = "align_corners", mode = "linear",
                    scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  // CHECK: q.resize %[[X]] {coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -5.000000e-01 : f32, exclude_outside, extrapolation_value = 1.000000e+01 : f32, mode = "cubic", roi = array<f64: 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00>, scales = array<f64: 1.000000e+00, 1.000000e+00, 1.500000e+00, 5.000000e-01>} : tensor<1x1x2x2xf32> -> tensor<1x1x3x1xf32>
  %b = q.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -0.5 : f32,
                    exclude_outside, extrapolation_value = 10.0 : f32, mode = "cubic",
                    roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>,
                    scales = array<f64: 1.0, 1.0, 1.5, 0.5>} : tensor<1x1x2x2xf32> -> tensor<1x1x3x1xf32>
  // CHECK: q.resize %[[X]] {nearest_mode = "ceil", scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x6xf32>
  %c = q.resize %x {nearest_mode = "ceil", scales = array<f64: 1.0, 1.0, 2.0, 3.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x6xf32>
  return %a, %b, %c : tensor<1x1x4x4xf32>, tensor<1x1x3x1xf32>, tensor<1x1x4x6xf32>
}
