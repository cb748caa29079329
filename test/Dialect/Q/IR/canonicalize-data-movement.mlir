// RUN: qopt %s -canonicalize -split-input-file | FileCheck %s

// The folders of the data movement ops added with the shape family
// (QFolds.cpp), with the cases that must not fold.

// A slice of everything, forward, is its input.
// CHECK-LABEL: func.func @slice_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: q.slice
// CHECK: return %[[X]]
func.func @slice_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = q.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Backwards, the same elements are in another order.
// CHECK-LABEL: func.func @slice_reversed
// CHECK: q.slice
func.func @slice_reversed(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = q.slice %x {starts = array<i64: 0, 2>, steps = array<i64: 1, -1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @pad_zero
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %{{.*}}: tensor<f32>)
// CHECK-NOT: q.pad
// CHECK: return %[[X]], %[[X]]
func.func @pad_zero(%x: tensor<2x3xf32>, %v: tensor<f32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %a = q.pad %x, %v {pads = array<i64: 0, 0, 0, 0>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %b = q.pad %x {mode = "reflect", pads = array<i64: 0, 0, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %a, %b : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @pad_nonzero
// CHECK: q.pad
func.func @pad_nonzero(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %y = q.pad %x {pads = array<i64: 0, 0, 0, 1>} : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @expand_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: q.expand
// CHECK: return %[[X]]
func.func @expand_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = q.expand %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @expand_broadcast
// CHECK: q.expand
func.func @expand_broadcast(%x: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %y = q.expand %x : tensor<1x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Scale 1 with half_pixel, align_corners or asymmetric coordinates maps
// every element to itself.
// CHECK-LABEL: func.func @resize_identity
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3xf32>)
// CHECK-NOT: q.resize
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @resize_identity(%x: tensor<1x2x3xf32>) -> (tensor<1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>) {
  %a = q.resize %x {mode = "cubic", scales = array<f64: 1.0, 1.0, 1.0>} : tensor<1x2x3xf32> -> tensor<1x2x3xf32>
  %b = q.resize %x {coordinate_transformation_mode = "align_corners", mode = "linear", scales = array<f64: 1.0, 1.0, 1.0>} : tensor<1x2x3xf32> -> tensor<1x2x3xf32>
  %c = q.resize %x {coordinate_transformation_mode = "asymmetric", scales = array<f64: 1.0, 1.0, 1.0>} : tensor<1x2x3xf32> -> tensor<1x2x3xf32>
  return %a, %b, %c : tensor<1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>
}

// -----

// pytorch_half_pixel reads -0.5 for an output of size 1, tf_half_pixel_for_nn
// shifts by half an element, and tf_crop_and_resize follows its roi.
// CHECK-LABEL: func.func @resize_not_identity
// CHECK-COUNT-3: q.resize
func.func @resize_not_identity(%x: tensor<1x2x3xf32>) -> (tensor<1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>) {
  %a = q.resize %x {coordinate_transformation_mode = "pytorch_half_pixel", mode = "cubic", scales = array<f64: 1.0, 1.0, 1.0>} : tensor<1x2x3xf32> -> tensor<1x2x3xf32>
  %b = q.resize %x {coordinate_transformation_mode = "tf_half_pixel_for_nn", scales = array<f64: 1.0, 1.0, 1.0>} : tensor<1x2x3xf32> -> tensor<1x2x3xf32>
  %c = q.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", roi = array<f64: 0.0, 0.0, 0.5, 1.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0, 1.0>} : tensor<1x2x3xf32> -> tensor<1x2x3xf32>
  return %a, %b, %c : tensor<1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>
}

// -----

// A scale that is not 1 with an unchanged size (a size given with sizes
// rounds) still moves elements.
// CHECK-LABEL: func.func @resize_scale_not_one
// CHECK: q.resize
func.func @resize_scale_not_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = q.resize %x {mode = "linear", scales = array<f64: 1.1>} : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}
