// RUN: qopt %s --q-lower-to-linalg | FileCheck %s

// The pipeline lowers q to linalg and fuses element-wise chains: the bias
// add, the clip and the relu below become one linalg.generic.
// CHECK-LABEL: func.func @chain
// CHECK: linalg.matmul
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @chain(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<4x16xf32> {
  %0 = q.matmul %a, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = q.add %0, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %2 = q.clip %1 min %lo max %hi : (tensor<4x16xf32>, tensor<f32>, tensor<f32>) -> tensor<4x16xf32>
  %3 = q.relu %2 : tensor<4x16xf32>
  return %3 : tensor<4x16xf32>
}
