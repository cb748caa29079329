// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-fuse-elementwise))' | FileCheck %s

// A named matmul stays named: the reshape of its result is not folded into
// it (upstream's fusion would make it a 4-loop linalg.generic).
// CHECK-LABEL: func.func @matmul_keeps_its_name
// CHECK: %[[M:.*]] = linalg.matmul
// CHECK: tensor.expand_shape %[[M]]
// CHECK-NOT: linalg.generic
func.func @matmul_keeps_its_name(%a: tensor<128x256xf32>, %b: tensor<256x256xf32>) -> tensor<128x4x64xf32> {
  %z = tensor.empty() : tensor<128x256xf32>
  %m = linalg.matmul ins(%a, %b : tensor<128x256xf32>, tensor<256x256xf32>) outs(%z : tensor<128x256xf32>) -> tensor<128x256xf32>
  %e = tensor.expand_shape %m [[0], [1, 2]] output_shape [128, 4, 64] : tensor<128x256xf32> into tensor<128x4x64xf32>
  return %e : tensor<128x4x64xf32>
}

// -----

// Nor is a collapsed operand of a batch_matmul folded into it.
// CHECK-LABEL: func.func @batch_matmul_keeps_its_name
// CHECK: tensor.collapse_shape
// CHECK: linalg.batch_matmul
func.func @batch_matmul_keeps_its_name(%a: tensor<2x3x5x4xf32>, %b: tensor<6x4x7xf32>, %c: tensor<6x5x7xf32>) -> tensor<6x5x7xf32> {
  %ac = tensor.collapse_shape %a [[0, 1], [2], [3]] : tensor<2x3x5x4xf32> into tensor<6x5x4xf32>
  %m = linalg.batch_matmul ins(%ac, %b : tensor<6x5x4xf32>, tensor<6x4x7xf32>) outs(%c : tensor<6x5x7xf32>) -> tensor<6x5x7xf32>
  return %m : tensor<6x5x7xf32>
}

// -----

// Chains of element-wise generics fuse into one, as upstream fuses them.
// CHECK-LABEL: func.func @elementwise_chain
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
#id = affine_map<(d0) -> (d0)>
func.func @elementwise_chain(%x: tensor<64xf32>, %y: tensor<64xf32>) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%x, %y : tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %p = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%s, %y : tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  return %p : tensor<64xf32>
}
