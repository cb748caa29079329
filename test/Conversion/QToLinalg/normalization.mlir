// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg))' | FileCheck %s

// q.layer_norm (NormalizationToLinalg.cpp): the sum and the sum of squared
// deviations reduce the dimensions from `axis` on, in the statistics type
// (f32 here, for f16 data); the normalization runs in that type and the
// affine part in the data's.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUTER:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[OUTER]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: -> tensor<2x3xf32>
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]]
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: %[[SQ:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[OUTER]], #[[OUTER]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %[[MEAN]]
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[SQ]]
// CHECK: arith.constant 9.99999974E-6 : f32
// CHECK: math.sqrt
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[OUTER]], #[[OUTER]], #[[LAST]], #[[LAST]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.*}}, %[[MEAN]], %[[INV]], %{{.*}}, %{{.*}} :
// CHECK: %[[N:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: %[[T:.*]] = arith.truncf %[[N]] : f32 to f16
// CHECK: arith.mulf %[[T]], %{{.*}} : f16
// CHECK: arith.addf %{{.*}}, %{{.*}} : f16
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x1xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x1xf32>
func.func @layer_norm(%x: tensor<2x3x4xf16>, %s: tensor<4xf16>, %b: tensor<4xf16>) -> (tensor<2x3x4xf16>, tensor<2x3x1xf32>, tensor<2x3x1xf32>) {
  %y, %m, %i = q.layer_norm %x, %s, %b {axis = 2 : i64} : (tensor<2x3x4xf16>, tensor<4xf16>, tensor<4xf16>) -> (tensor<2x3x4xf16>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  return %y, %m, %i : tensor<2x3x4xf16>, tensor<2x3x1xf32>, tensor<2x3x1xf32>
}

// -----

// Axis 0: 0-d statistics reshaped to [1, 1]; a [C, 1] scale broadcasts
// along rows (InstanceNormalization's form); no bias.
// CHECK-DAG: #[[ALL:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @layer_norm_axis0
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ALL]]], iterator_types = ["reduction", "reduction"]}
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ALL]], #[[ALL]], #[[ROW]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-NOT: arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: tensor.expand_shape {{.*}} : tensor<f32> into tensor<1xf32>
// CHECK: tensor.expand_shape {{.*}} : tensor<1xf32> into tensor<1x1xf32>
func.func @layer_norm_axis0(%x: tensor<2x3xf32>, %s: tensor<2x1xf32>) -> (tensor<2x3xf32>, tensor<1x1xf32>) {
  %y, %m, %i = q.layer_norm %x, %s {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> (tensor<2x3xf32>, tensor<1x1xf32>, tensor<1x1xf32>)
  return %y, %m : tensor<2x3xf32>, tensor<1x1xf32>
}
