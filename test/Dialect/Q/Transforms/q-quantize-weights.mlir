// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{weights=int4 group-size=2 symmetric=true}))' | FileCheck %s --check-prefix=SYM4
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{weights=int4 group-size=0}))' | FileCheck %s --check-prefix=CHAN4
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{weights=nf4 group-size=2}))' | FileCheck %s --check-prefix=NF4
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{weights=int8 group-size=2}))' | FileCheck %s --check-prefix=ASYM8
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{weights=int8 ops=gemm}))' | FileCheck %s --check-prefix=GEMMONLY
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{exclude=mm}))' | FileCheck %s --check-prefix=EXCL
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{weights=int2}))' 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{ops=conv}))' 2>&1 | FileCheck %s --check-prefix=OPS
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{weights=nf4 group-size=0}))' 2>&1 | FileCheck %s --check-prefix=NF4CHAN
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize-weights{weights=nf4 symmetric=true}))' 2>&1 | FileCheck %s --check-prefix=NF4SYM

// BITS: error: q-quantize-weights: weights must be int8, int4 or nf4, not 'int2'
// OPS: error: q-quantize-weights: unknown op kind 'conv' in ops (expected matmul or gemm)
// NF4CHAN: error: q-quantize-weights: nf4 needs blocks (group-size > 0)
// NF4SYM: error: q-quantize-weights: symmetric applies to int8 and int4, not nf4

// W [K=4, N=2]. Symmetric int4 in blocks of 2 along K: s = absmax / 7 per
// block and column; 0.5 / (1/7) is 3.49999997 in f32, so 3. Attributes
// print 4-bit values signless.
// SYM4-LABEL: func.func @matmul
// SYM4-DAG: %[[Q:.*]] = q.constant dense<{{\[}}[7, -3], [3, 7], [-4, 7], [7, 0]]> : tensor<4x2xi4> : tensor<4x2xi4>
// SYM4-DAG: %[[S:.*]] = q.constant dense<{{\[}}[0.142857149, 0.571428597], [0.857142865, 0.142857149]]> : tensor<2x2xf32>
// SYM4: %[[W:.*]] = q.dequantize_linear %[[Q]], %[[S]] {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x2xi4>, tensor<2x2xf32>) -> tensor<4x2xf32>
// SYM4: q.matmul %arg0, %[[W]]

// Per output channel, asymmetric uint4: column 0 spans [-3, 6] (s = 0.6,
// zp = 5), column 1 [-2, 4] (s = 0.4, zp = 5).
// CHAN4-LABEL: func.func @matmul
// CHAN4-DAG: %[[Q:.*]] = q.constant dense<{{\[}}[7, 0], [6, -1], [0, 7], [-1, 5]]> : tensor<4x2xi4> : tensor<4x2xui4>
// CHAN4-DAG: %[[S:.*]] = q.constant dense<[6.000000e-01, 4.000000e-01]> : tensor<2xf32>
// CHAN4-DAG: %[[Z:.*]] = q.constant dense<5> : tensor<2xi4> : tensor<2xui4>
// CHAN4: q.dequantize_linear %[[Q]], %[[S]], %[[Z]] {axis = 1 : i64} : (tensor<4x2xui4>, tensor<2xf32>, tensor<2xui4>) -> tensor<4x2xf32>

// NF4 in blocks of 2: absmax per block; 0.5 of absmax 1 is nearest to code
// 12 (0.4407), -2 of 4 to code 2 (-0.5251), 0 to code 7.
// NF4-LABEL: func.func @matmul
// NF4-DAG: %[[C:.*]] = q.constant dense<{{\[}}[-1, 2], [-4, -1], [2, -1], [-1, 7]]> : tensor<4x2xi4> : tensor<4x2xui4>
// NF4-DAG: %[[A:.*]] = q.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [6.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
// NF4: q.dequantize_codebook %[[C]], %[[A]] {axis = 0 : i64, codebook = !q.codebook<nf4, i4:f32, block = 2>} : (tensor<4x2xui4>, tensor<2x2xf32>) -> tensor<4x2xf32>

// Asymmetric uint8 per block: column 0, block 1 spans [-3, 6]:
// s = 9 / 255, zp = 85.
// ASYM8-LABEL: func.func @matmul
// ASYM8: q.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x2xui8>, tensor<2x2xf32>, tensor<2x2xui8>) -> tensor<4x2xf32>

// GEMMONLY-LABEL: func.func @matmul
// GEMMONLY-NOT: q.dequantize_linear
// EXCL-LABEL: func.func @matmul
// EXCL-NOT: q.dequantize_linear
func.func @matmul(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = q.constant dense<[[1.0, -2.0], [0.5, 4.0], [-3.0, 1.0], [6.0, 0.0]]> : tensor<4x2xf32> : tensor<4x2xf32>
  %y = q.matmul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32> loc("mm")
  return %y : tensor<3x2xf32>
}

// -----

// A gemm with trans_b keeps its [N, K] weight: blocks along dimension 1.
// EXCL-LABEL: func.func @gemm
// SYM4-LABEL: func.func @gemm
// SYM4: q.dequantize_linear %{{.*}}, %{{.*}} {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x4xi4>, tensor<2x2xf32>) -> tensor<2x4xf32>
// SYM4: q.gemm %arg0, %{{.*}}, %{{.*}} {trans_b}
// GEMMONLY-LABEL: func.func @gemm
// GEMMONLY: q.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, block_size = 128 : i64} : (tensor<2x4xui8>, tensor<2x1xf32>, tensor<2x1xui8>) -> tensor<2x4xf32>
// A non-constant weight is left alone.
// SYM4: q.matmul %arg0, %arg1
func.func @gemm(%x: tensor<3x4xf32>, %v: tensor<4x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = q.constant dense<[[1.0, 0.5, -3.0, 6.0], [-2.0, 4.0, 1.0, 0.0]]> : tensor<2x4xf32> : tensor<2x4xf32>
  %b = q.constant dense<1.0> : tensor<2xf32> : tensor<2xf32>
  %y = q.gemm %x, %w, %b {trans_b} : (tensor<3x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %z = q.matmul %x, %v : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %y, %z : tensor<3x2xf32>, tensor<3x2xf32>
}
