// RUN: qopt %s -split-input-file -verify-diagnostics

// One case per verifier message of QDataMovementOps.cpp, then the ODS
// constraints of these ops.

//===----------------------------------------------------------------------===//
// q.slice
//===----------------------------------------------------------------------===//

func.func @slice_counts(%x: tensor<2x5xf32>) {
  // expected-error @+1 {{'q.slice' op needs one start and one step per dimension (rank 2), got 1 starts and 2 steps}}
  %y = q.slice %x {starts = array<i64: 0>, steps = array<i64: 1, 1>} : tensor<2x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @slice_rank(%x: tensor<2x5xf32>) {
  // expected-error @+1 {{'q.slice' op result rank 1 differs from the input rank 2}}
  %y = q.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x5xf32> -> tensor<10xf32>
  return
}

// -----

func.func @slice_zero_step(%x: tensor<2x5xf32>) {
  // expected-error @+1 {{'q.slice' op step of dimension 1 is zero}}
  %y = q.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 0>} : tensor<2x5xf32> -> tensor<2x1xf32>
  return
}

// -----

func.func @slice_out_of_bounds(%x: tensor<2x5xf32>) {
  // expected-error @+1 {{'q.slice' op dimension 1 reads indices 3 to 5, outside [0, 5)}}
  %y = q.slice %x {starts = array<i64: 0, 3>, steps = array<i64: 1, 1>} : tensor<2x5xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_backwards_out_of_bounds(%x: tensor<2x5xf32>) {
  // expected-error @+1 {{'q.slice' op dimension 1 reads indices 2 to -2, outside [0, 5)}}
  %y = q.slice %x {starts = array<i64: 0, 2>, steps = array<i64: 1, -2>} : tensor<2x5xf32> -> tensor<2x3xf32>
  return
}

// -----

// Per-axis scales would have to move with the elements.
func.func @slice_per_axis(%x: tensor<2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.slice' op operand #0 must be statically shaped tensor of floating-point or integer or per-tensor uniform quantized type values}}
  %y = q.slice %x {starts = array<i64: 0>, steps = array<i64: 1>} : tensor<2x!quant.uniform<i8:f32:0, {1.0, 2.0}>> -> tensor<1x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  return
}

//===----------------------------------------------------------------------===//
// q.pad
//===----------------------------------------------------------------------===//

// -----

func.func @pad_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.pad' op needs a begin and an end pad per dimension (4 values), got 2}}
  %y = q.pad %x {pads = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @pad_value_mode(%x: tensor<2x3xf32>, %v: tensor<f32>) {
  // expected-error @+1 {{'q.pad' op a pad value needs mode "constant", not "edge"}}
  %y = q.pad %x, %v {mode = "edge", pads = array<i64: 1, 0, 0, 0>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.pad' op pad -1 of dimension 0 is negative (crop with q.slice)}}
  %y = q.pad %x {pads = array<i64: -1, 0, 0, 0>} : (tensor<2x3xf32>) -> tensor<1x3xf32>
  return
}

// -----

func.func @pad_reflect_too_wide(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.pad' op reflect pad 3 of dimension 1 needs a larger dimension, got size 3}}
  %y = q.pad %x {mode = "reflect", pads = array<i64: 0, 0, 0, 3>} : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @pad_edge_empty(%x: tensor<0x3xf32>) {
  // expected-error @+1 {{'q.pad' op edge pad of dimension 0, which is empty}}
  %y = q.pad %x {mode = "edge", pads = array<i64: 1, 0, 0, 0>} : (tensor<0x3xf32>) -> tensor<1x3xf32>
  return
}

// -----

func.func @pad_result_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.pad' op result shape [3x3] differs from the expected [2x5]}}
  %y = q.pad %x {pads = array<i64: 0, 1, 0, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.pad' op attribute 'mode' failed to satisfy constraint: string attribute whose value is one of constant, reflect, edge}}
  %y = q.pad %x {mode = "wrap", pads = array<i64: 0, 0, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @pad_value_rank(%x: tensor<2x3xf32>, %v: tensor<1xf32>) {
  // expected-error @+1 {{'q.pad' op operand #1 must be 0D tensor of floating-point or integer or per-tensor uniform quantized type values}}
  %y = q.pad %x, %v {pads = array<i64: 0, 0, 0, 0>} : (tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return
}

//===----------------------------------------------------------------------===//
// q.gather, q.gather_elements
//===----------------------------------------------------------------------===//

// -----

func.func @gather_axis(%x: tensor<3x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{'q.gather' op axis 2 out of range for rank 2}}
  %y = q.gather %x, %i {axis = 2 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @gather_result_shape(%x: tensor<3x4xf32>, %i: tensor<2x2xi64>) {
  // expected-error @+1 {{'q.gather' op result shape [2x2x3] differs from the expected [3x2x2]}}
  %y = q.gather %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2x2xi64>) -> tensor<2x2x3xf32>
  return
}

// -----

func.func @gather_index_type(%x: tensor<3x4xf32>, %i: tensor<2xi16>) {
  // expected-error @+1 {{'q.gather' op operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %y = q.gather %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2xi16>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gather_elements_rank(%x: tensor<3x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{'q.gather_elements' op indices must have the input's rank 2, got 1}}
  %y = q.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_elements_size(%x: tensor<3x4xf32>, %i: tensor<2x5xi64>) {
  // expected-error @+1 {{'q.gather_elements' op indices dimension 1 of size 5 exceeds the input's 4}}
  %y = q.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x5xi64>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gather_elements_axis(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>) {
  // expected-error @+1 {{'q.gather_elements' op axis -1 out of range for rank 2}}
  %y = q.gather_elements %x, %i {axis = -1 : i64} : (tensor<3x4xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gather_elements_shape(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>) {
  // expected-error @+1 {{'q.gather_elements' op failed to verify that all of {indices, output} have same shape}}
  %y = q.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xi64>) -> tensor<4x2xf32>
  return
}

//===----------------------------------------------------------------------===//
// q.expand, q.trilu
//===----------------------------------------------------------------------===//

// -----

func.func @expand_shape(%x: tensor<3x2xf32>) {
  // expected-error @+1 {{'q.expand' op input shape [3x2] does not broadcast to [3x4]}}
  %y = q.expand %x : tensor<3x2xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @trilu_rank(%x: tensor<4xf32>) {
  // expected-error @+1 {{'q.trilu' op needs an input of rank >= 2, got rank 1}}
  %y = q.trilu %x : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @trilu_k_type(%x: tensor<4x4xf32>, %k: tensor<i32>) {
  // expected-error @+1 {{'q.trilu' op operand #1 must be 0D tensor of 64-bit signless integer values}}
  %y = q.trilu %x, %k : (tensor<4x4xf32>, tensor<i32>) -> tensor<4x4xf32>
  return
}

//===----------------------------------------------------------------------===//
// q.resize
//===----------------------------------------------------------------------===//

// -----

func.func @resize_rank(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{'q.resize' op result rank 3 differs from the input rank 4}}
  %y = q.resize %x {scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x2x2xf32> -> tensor<1x4x4xf32>
  return
}

// -----

func.func @resize_scale_count(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{'q.resize' op needs one scale per dimension (rank 4), got 2}}
  %y = q.resize %x {scales = array<f64: 2.0, 2.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @resize_scale_positive(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{'q.resize' op scale -2.000000e+00 of dimension 2 is not positive}}
  %y = q.resize %x {scales = array<f64: 1.0, 1.0, -2.0, 2.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @resize_empty(%x: tensor<1x1x0x2xf32>) {
  // expected-error @+1 {{'q.resize' op cannot resize the empty dimension 2 to size 3}}
  %y = q.resize %x {scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x0x2xf32> -> tensor<1x1x3x4xf32>
  return
}

// -----

func.func @resize_roi_needed(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{'q.resize' op coordinate_transformation_mode "tf_crop_and_resize" needs a roi}}
  %y = q.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @resize_roi_count(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{'q.resize' op roi needs a start and an end per dimension (8 values), got 4}}
  %y = q.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @resize_linear_int(%x: tensor<1x1x2x2xi32>) {
  // expected-error @+1 {{'q.resize' op mode "linear" needs a float element type, got 'i32'}}
  %y = q.resize %x {mode = "linear", scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x2x2xi32> -> tensor<1x1x4x4xi32>
  return
}

// -----

func.func @resize_coordinate_mode(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{'q.resize' op attribute 'coordinate_transformation_mode' failed to satisfy constraint}}
  %y = q.resize %x {coordinate_transformation_mode = "corners", scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return
}
