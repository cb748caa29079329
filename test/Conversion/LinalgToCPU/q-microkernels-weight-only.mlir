// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg),canonicalize,q-bufferize,canonicalize,func.func(q-microkernels{vector-bits=512}),canonicalize,cse)' | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg),canonicalize,q-bufferize,canonicalize,func.func(q-microkernels{vector-bits=256 vector-registers=16}),canonicalize,cse)' | FileCheck %s --check-prefix=AVX2
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg),canonicalize,q-bufferize,canonicalize,func.func(q-microkernels{vector-bits=128 vector-registers=32}),canonicalize,cse)' | FileCheck %s --check-prefix=NEON

// Weight-only matmuls (WeightOnlyKernels.cpp) on buffers: the generic and
// its zero fill become loops over blocks of rows and 4 columns, per block
// of K a loop over 32-step chunks (K = 256, blocks of 64: 4 blocks of 2
// chunks), the tile prefetched 8 chunks ahead, 16 code bytes per column
// widened to i32, split into nibbles, and looked up in the NF4 table (a
// vpermps with 512-bit vectors, a gather else); per block the scale
// multiplies the accumulators; the rows' sums reduce at the end.
// CHECK-LABEL: func.func @nf4
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.fill
// CHECK: scf.for
// CHECK: memref.prefetch
// CHECK: vector.load %{{.*}} : memref<2x8x4x16xi8>, vector<16xi8>
// CHECK: arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"
// CHECK: vector.fma
// CHECK: vector.reduction <add>
// AVX2-LABEL: func.func @nf4
// AVX2: arith.andi %{{.*}} : vector<8xi32>
// AVX2: vector.gather
// AVX2-NOT: llvm.call_intrinsic
// AVX2: vector.fma
// NEON-LABEL: func.func @nf4
// NEON: vector.gather {{.*}} vector<4xf32>
func.func @nf4(%x: tensor<2x256xf32>, %c: tensor<256x8xui4>) -> tensor<2x8xf32> {
  %cst = q.constant dense<3> : tensor<256x8xui4> : tensor<256x8xui4>
  %a = q.constant dense<0.5> : tensor<4x8xf32> : tensor<4x8xf32>
  %w = q.dequantize_codebook %cst, %a {axis = 0 : i64, codebook = !q.codebook<nf4, i4:f32, block = 64>} : (tensor<256x8xui4>, tensor<4x8xf32>) -> tensor<256x8xf32>
  %y = q.matmul %x, %w : (tensor<2x256xf32>, tensor<256x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// int4 with zero points: codes converted (AVX2) or looked up in 0..15
// (AVX-512); each block subtracts zp * sum(x).
// CHECK-LABEL: func.func @int4
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"
// CHECK: arith.addf %{{.*}} : vector<16xf32>
// CHECK: arith.negf
// AVX2-LABEL: func.func @int4
// AVX2: arith.uitofp %{{.*}} : vector<8xi32> to vector<8xf32>
func.func @int4(%x: tensor<1x128xf32>) -> tensor<1x8xf32> {
  %q = q.constant dense<3> : tensor<128x8xui4> : tensor<128x8xui4>
  %s = q.constant dense<0.5> : tensor<1x8xf32> : tensor<1x8xf32>
  %z = q.constant dense<8> : tensor<1x8xui4> : tensor<1x8xui4>
  %w = q.dequantize_linear %q, %s, %z {axis = 0 : i64, block_size = 128 : i64} : (tensor<128x8xui4>, tensor<1x8xf32>, tensor<1x8xui4>) -> tensor<128x8xf32>
  %y = q.matmul %x, %w : (tensor<1x128xf32>, tensor<128x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}
