// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg))' | FileCheck %s

// q.conv_transpose (LinearToLinalg.cpp): the input spread by the strides
// inside its full padding (dilation * (K - 1) on both sides, plus
// output_padding at the end), the window the cropped output reads, and a
// stride-1 convolution reading the [C, M / group, K...] weight flipped.

// Rows: (3 - 1) * 3 + 1 + 2 * 2 + 1 = 12, columns (3 - 1) * 2 + 1 + 2 * 2 + 1
// = 10; pads [1, 0, 0, 0] crop one row at the start.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 + d6, d4 + d7)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d5, d2, -d6 + 2, -d7 + 2)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d6, d7)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x3x3xf32>, %[[WT:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<6xf32>)
// CHECK: %[[Z:.*]] = linalg.fill {{.*}} -> tensor<1x4x12x10xf32>
// CHECK: %[[S:.*]] = tensor.insert_slice %[[X]] into %[[Z]][0, 0, 2, 2] [1, 4, 3, 3] [1, 1, 3, 2]
// CHECK: %[[C:.*]] = tensor.extract_slice %[[S]][0, 0, 1, 0] [1, 4, 11, 10] [1, 1, 1, 1]
// CHECK: %[[IN5:.*]] = tensor.expand_shape %[[C]] {{.*}} into tensor<1x2x2x11x10xf32>
// CHECK: %[[W5:.*]] = tensor.expand_shape %[[WT]] {{.*}} into tensor<2x2x3x3x3xf32>
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[WIN]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[IN5]], %[[W5]], %[[WINDOW]] : {{.*}}) outs(%{{.*}} : tensor<1x2x3x9x8xf32>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x6x9x8xf32>
func.func @conv_transpose(%x: tensor<1x4x3x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x9x8xf32> {
  %0 = q.conv_transpose %x, %w, %b {dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 0, 0, 0>, strides = array<i64: 3, 2>} : (tensor<1x4x3x3xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x9x8xf32>
  return %0 : tensor<1x6x9x8xf32>
}

// -----

// 1-D with dilation 2: the full padding is 2 * (3 - 1) = 4 on both sides.
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d4, d2, -d5 + 2)>
// CHECK-LABEL: func.func @conv_transpose_1d
// CHECK: linalg.fill {{.*}} -> tensor<1x1x13xf32>
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 4] [1, 1, 5] [1, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[W]], #{{.*}}, #{{.*}}]
// CHECK-NOT: q.
func.func @conv_transpose_1d(%x: tensor<1x1x5xf32>, %w: tensor<1x2x3xf32>) -> tensor<1x2x9xf32> {
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 2>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x1x5xf32>, tensor<1x2x3xf32>) -> tensor<1x2x9xf32>
  return %0 : tensor<1x2x9xf32>
}
