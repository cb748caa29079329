// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg))' | FileCheck %s

// q.resize (ResizeToLinalg.cpp): where each output reads and with which
// weights is computed at compile time and becomes constant tables.

// Nearest: one generic reading the input at the tabulated index of each
// resized dimension; the others read their own position.
// CHECK-DAG: #[[H:.*]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @nearest
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x2x2xf32>)
// CHECK-DAG: %[[TH:.*]] = arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK-DAG: %[[TW:.*]] = arith.constant dense<[0, 0, 0, 1, 1, 1]> : tensor<6xi64>
// CHECK: linalg.generic {indexing_maps = [#[[H]], #[[W]], #{{.*}}]{{.*}} ins(%[[TH]], %[[TW]] : tensor<4xi64>, tensor<6xi64>)
// CHECK: ^bb0(%[[IH:.*]]: i64, %[[IW:.*]]: i64, %{{.*}}: f32):
// CHECK-DAG: %[[N:.*]] = linalg.index 0
// CHECK-DAG: %[[C:.*]] = linalg.index 1
// CHECK-DAG: %[[H2:.*]] = arith.index_cast %[[IH]] : i64 to index
// CHECK-DAG: %[[W2:.*]] = arith.index_cast %[[IW]] : i64 to index
// CHECK: tensor.extract %[[X]][%[[N]], %[[C]], %[[H2]], %[[W2]]]
func.func @nearest(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32> {
  %y = q.resize %x {scales = array<f64: 1.0, 1.0, 2.0, 3.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x6xf32>
  return %y : tensor<1x1x4x6xf32>
}

// -----

// round_prefer_ceil with half_pixel, 2 -> 3: x_in = (x + 0.5) * 2 / 3 - 0.5
// is -1/6, 1/2, 7/6, rounded to 0, 1, 1.
// CHECK-LABEL: func.func @nearest_ceil
// CHECK: arith.constant dense<[0, 1, 1]> : tensor<3xi64>
func.func @nearest_ceil(%x: tensor<2x2xf32>) -> tensor<2x3xf32> {
  %y = q.resize %x {nearest_mode = "round_prefer_ceil", scales = array<f64: 1.0, 1.5>} : tensor<2x2xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Linear: a weighted sum over two taps per output along each resized
// dimension; align_corners maps 4 -> 3 as x_in = 1.5 x.
// CHECK-DAG: #[[TABLE:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4xf32>)
// CHECK-DAG: %[[WT:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00], [5.000000e-01, 5.000000e-01], [0.000000e+00, 1.000000e+00]]> : tensor<3x2xf32>
// CHECK-DAG: %[[IT:.*]] = arith.constant dense<{{\[\[}}0, 0], [1, 2], [2, 3]]> : tensor<3x2xi64>
// CHECK: linalg.generic {indexing_maps = [#[[TABLE]], #[[TABLE]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[IT]], %[[WT]] : tensor<3x2xi64>, tensor<3x2xf32>)
// CHECK: ^bb0(%[[I:.*]]: i64, %[[WEIGHT:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK: %[[IDX:.*]] = arith.index_cast %[[I]] : i64 to index
// CHECK: %[[V:.*]] = tensor.extract %[[X]][%{{.*}}, %{{.*}}, %[[IDX]]]
// CHECK: %[[P:.*]] = arith.mulf %[[WEIGHT]], %[[V]]
// CHECK: arith.addf %[[ACC]], %[[P]]
// CHECK-NOT: linalg.generic
func.func @linear(%x: tensor<1x2x4xf32>) -> tensor<1x2x3xf32> {
  %y = q.resize %x {mode = "linear", coordinate_transformation_mode = "align_corners", scales = array<f64: 1.0, 1.0, 0.75>} : tensor<1x2x4xf32> -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

// -----

// Cubic: four taps; the innermost dimension first, then the next.
// CHECK-LABEL: func.func @cubic
// CHECK: tensor<4x4xi64>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: tensor<4x4xi64>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x4xf32>)
func.func @cubic(%x: tensor<2x2xf32>) -> tensor<4x4xf32> {
  %y = q.resize %x {mode = "cubic", scales = array<f64: 2.0, 2.0>} : tensor<2x2xf32> -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

// tf_crop_and_resize: outputs past the input (index -1 in the table) take
// the extrapolation value.
// CHECK-LABEL: func.func @crop_extrapolate
// CHECK: arith.constant dense<[1, 3, -1]> : tensor<3xi64>
// CHECK: %[[OUT:.*]] = arith.cmpi slt
// CHECK: %[[V:.*]] = tensor.extract
// CHECK: %[[E:.*]] = arith.constant 7.000000e+00 : f32
// CHECK: arith.select %[[OUT]], %[[E]], %[[V]]
func.func @crop_extrapolate(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %y = q.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", extrapolation_value = 7.0 : f32, roi = array<f64: 0.0, 0.5, 1.0, 1.5>, scales = array<f64: 1.0, 0.75>} : tensor<2x4xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Linear with extrapolation: the accumulator starts at the extrapolation
// value where the output is outside (its weights are zero).
// CHECK-LABEL: func.func @crop_linear
// CHECK: %[[BIAS:.*]] = arith.constant dense<[0.000000e+00, 0.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[BIAS]] : tensor<3xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[INIT]] : tensor<2x3xf32>)
func.func @crop_linear(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %y = q.resize %x {mode = "linear", coordinate_transformation_mode = "tf_crop_and_resize", extrapolation_value = 3.0 : f32, roi = array<f64: 0.0, 0.5, 1.0, 1.5>, scales = array<f64: 1.0, 0.75>} : tensor<2x4xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Same size and scale 1: nothing to compute.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[X]]
func.func @identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = q.resize %x {mode = "linear", scales = array<f64: 1.0, 1.0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
