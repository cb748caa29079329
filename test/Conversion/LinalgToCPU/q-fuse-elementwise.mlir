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

// -----

// A packed int8 contraction (PackedInt8.h) takes in neither the element-wise
// producer of its activation nor the reshape of its result; the element-wise
// consumer after it fuses with the one after that as usual.
// CHECK-LABEL: func.func @packed_int8_keeps_its_form
// CHECK: %[[U:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: arith.xori
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[U]], %{{.*}} : tensor<6x8xi8>, tensor<1x2x16x4xi8>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.extui
// CHECK: %[[E:.*]] = tensor.expand_shape %[[ACC]]
// CHECK: linalg.generic {{.*}} ins(%[[E]] : tensor<2x3x5xi32>)
// CHECK: arith.addi
// CHECK: arith.sitofp
// CHECK-NOT: linalg.generic
#ea = affine_map<(d0, d1) -> (d0, d1)>
#pa = affine_map<(d0, d1, d2) -> (d0, d2)>
#pw = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2 floordiv 4, d1 mod 16, d2 mod 4)>
#pc = affine_map<(d0, d1, d2) -> (d0, d1)>
#e3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @packed_int8_keeps_its_form(%a: tensor<6x8xi8>, %w: tensor<1x2x16x4xi8>) -> tensor<2x3x5xf32> {
  %c0 = arith.constant 0 : i32
  %sign = arith.constant -128 : i8
  %one = arith.constant 1 : i32
  %ea = tensor.empty() : tensor<6x8xi8>
  %u = linalg.generic {indexing_maps = [#ea, #ea], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<6x8xi8>) outs(%ea : tensor<6x8xi8>) {
  ^bb0(%x: i8, %o: i8):
    %r = arith.xori %x, %sign : i8
    linalg.yield %r : i8
  } -> tensor<6x8xi8>
  %ec = tensor.empty() : tensor<6x5xi32>
  %z = linalg.fill ins(%c0 : i32) outs(%ec : tensor<6x5xi32>) -> tensor<6x5xi32>
  %acc = linalg.generic {indexing_maps = [#pa, #pw, #pc], iterator_types = ["parallel", "parallel", "reduction"]} ins(%u, %w : tensor<6x8xi8>, tensor<1x2x16x4xi8>) outs(%z : tensor<6x5xi32>) {
  ^bb0(%x: i8, %y: i8, %o: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %o, %p : i32
    linalg.yield %s : i32
  } -> tensor<6x5xi32>
  %e = tensor.expand_shape %acc [[0, 1], [2]] output_shape [2, 3, 5] : tensor<6x5xi32> into tensor<2x3x5xi32>
  %ei = tensor.empty() : tensor<2x3x5xi32>
  %corr = linalg.generic {indexing_maps = [#e3, #e3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%e : tensor<2x3x5xi32>) outs(%ei : tensor<2x3x5xi32>) {
  ^bb0(%x: i32, %o: i32):
    %r = arith.addi %x, %one : i32
    linalg.yield %r : i32
  } -> tensor<2x3x5xi32>
  %ef = tensor.empty() : tensor<2x3x5xf32>
  %f = linalg.generic {indexing_maps = [#e3, #e3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%corr : tensor<2x3x5xi32>) outs(%ef : tensor<2x3x5xf32>) {
  ^bb0(%x: i32, %o: f32):
    %r = arith.sitofp %x : i32 to f32
    linalg.yield %r : f32
  } -> tensor<2x3x5xf32>
  return %f : tensor<2x3x5xf32>
}
