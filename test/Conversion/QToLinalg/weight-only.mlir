// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg),canonicalize)' | FileCheck %s

// Matmuls on dequantized constant weights (LinearToLinalg.cpp,
// WeightOnly.cpp): the weight-only form, its codes packed at compile time.

// int4 in blocks of 2 along K (K = 4, N = 2): codes made unsigned (+8, so
// the zero point is 8), packed as [N/4][K/32][4][16] tiles: column 0's
// steps 0..3 (7, 3, -4, 7 -> 15, 11, 4, 15) in the low nibbles of bytes
// 0..3, column 1's (-3, 7, 7, 0 -> 5, 15, 15, 8) at byte 16; scales
// transposed to [N, blocks].
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[P:.*]] = affine_map<(d0, d1, d2) -> (d1 floordiv 4, d2 floordiv 32, d1 mod 4, d2 mod 16)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @int4_blocks
// CHECK-DAG: %[[ZP:.*]] = arith.constant dense<8.000000e+00> : tensor<2x2xf32>
// CHECK-DAG: %[[SC:.*]] = arith.constant dense<{{\[}}[0.142857149, 0.857142865], [0.571428597, 0.142857149]]> : tensor<2x2xf32>
// CHECK-DAG: %[[PK:.*]] = arith.constant dense_resource<weight_packed> : tensor<1x1x4x16xi8>
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[P]], #[[S]], #[[S]], #[[O]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %[[PK]], %[[SC]], %[[ZP]] :
// The high nibble from step 16 of a 32-step chunk on.
// CHECK: arith.remui %{{.*}}, %c32
// CHECK: arith.cmpi uge, %{{.*}}, %c16
// CHECK: arith.uitofp
// CHECK: arith.subf
// CHECK: weight_packed: "0x400000000F0B040F000000000000000000000000050F0F08
func.func @int4_blocks(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %q = q.constant dense<[[7, -3], [3, 7], [-4, 7], [7, 0]]> : tensor<4x2xi4> : tensor<4x2xi4>
  %s = q.constant dense<[[0.142857149, 0.571428597], [0.857142865, 0.142857149]]> : tensor<2x2xf32> : tensor<2x2xf32>
  %w = q.dequantize_linear %q, %s {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x2xi4>, tensor<2x2xf32>) -> tensor<4x2xf32>
  %y = q.matmul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// NF4 through a gemm with trans_b: the codebook is looked up, no zero
// point; codes stay as they are.
// CHECK-LABEL: func.func @nf4_gemm
// CHECK: %[[T:.*]] = arith.constant dense<[-1.000000e+00, -0.6961928, {{.*}}, 1.000000e+00]> : tensor<16xf32>
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<3x4xf32>, tensor<1x1x4x16xi8>, tensor<2x1xf32>)
// CHECK: tensor.extract %[[T]]
// CHECK-NOT: arith.subf
// CHECK: linalg.yield
func.func @nf4_gemm(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %c = q.constant dense<[[15, 2, 12, 7], [7, 7, 0, 1]]> : tensor<2x4xui4> : tensor<2x4xui4>
  %a = q.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32> : tensor<2x1xf32>
  %w = q.dequantize_codebook %c, %a {axis = 1 : i64, codebook = !q.codebook<nf4, i4:f32, block = 64>} : (tensor<2x4xui4>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %y = q.gemm %x, %w {trans_b} : (tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// int8 per output channel with a 3-D activation, collapsed to rows and
// expanded back; 8-bit codes are one per byte in 16-step chunks, the zero
// point of signed codes 128.
// CHECK-LABEL: func.func @int8_channels
// CHECK: tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<1x3x4xf32> into tensor<3x4xf32>
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<3x4xf32>, tensor<1x1x4x16xi8>, tensor<2x1xf32>, tensor<2x1xf32>)
// CHECK-NOT: arith.remui
// CHECK: linalg.yield
// CHECK: tensor.expand_shape
func.func @int8_channels(%x: tensor<1x3x4xf32>) -> tensor<1x3x2xf32> {
  %q = q.constant dense<[[1, -1], [2, -2], [3, -3], [4, -4]]> : tensor<4x2xi8> : tensor<4x2xi8>
  %s = q.constant dense<[0.5, 0.25]> : tensor<2xf32> : tensor<2xf32>
  %w = q.dequantize_linear %q, %s {axis = 1 : i64} : (tensor<4x2xi8>, tensor<2xf32>) -> tensor<4x2xf32>
  %y = q.matmul %x, %w : (tensor<1x3x4xf32>, tensor<4x2xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

// -----

// Dequantizations that feed no matmul are element-wise: a blocked scale is
// read at k floordiv block; 4-bit values are held in i8 and extended as
// their type says; codebook codes index the table.
// CHECK: #[[BL:.*]] = affine_map<(d0, d1) -> (d0 floordiv 32, d1)>
// CHECK-LABEL: func.func @elementwise
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BL]], #[[BL]], #{{.*}}]{{.*}} ins(%arg0, %arg1, %arg2 : tensor<64x8xi8>, tensor<2x8xf32>, tensor<2x8xi8>)
// CHECK: arith.extui
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: linalg.generic
// CHECK: tensor.extract
func.func @elementwise(%q: tensor<64x8xui4>, %s: tensor<2x8xf32>, %z: tensor<2x8xui4>, %c: tensor<64x8xui4>, %a: tensor<1x8xf32>) -> (tensor<64x8xf32>, tensor<64x8xf32>) {
  %0 = q.dequantize_linear %q, %s, %z {axis = 0 : i64, block_size = 32 : i64} : (tensor<64x8xui4>, tensor<2x8xf32>, tensor<2x8xui4>) -> tensor<64x8xf32>
  %1 = q.dequantize_codebook %c, %a {axis = 0 : i64, codebook = !q.codebook<nf4, i4:f32, block = 64>} : (tensor<64x8xui4>, tensor<1x8xf32>) -> tensor<64x8xf32>
  return %0, %1 : tensor<64x8xf32>, tensor<64x8xf32>
}
