// RUN: qopt %s | qopt | FileCheck %s

// CHECK-LABEL: func.func @relu
func.func @relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: q.relu %{{.*}} : tensor<4xf32>
  %y = q.relu %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
