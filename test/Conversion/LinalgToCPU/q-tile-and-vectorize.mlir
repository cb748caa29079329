// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-tile-and-vectorize))' | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-tile-and-vectorize{matmul-tile-sizes=4,16,8}))' | FileCheck %s --check-prefix=SMALL

// An integer matmul is tiled to (8, 32, 16) register blocks and each block becomes a
// vector.contract.
// CHECK-LABEL: func.func @matmul
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C8:.*]] iter_args
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C32:.*]] iter_args
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C16:.*]] iter_args
// CHECK: vector.contract {{.*}} : vector<8x32x16xi32>, vector<8x32x16xi32> into vector<8x32xi32>
// CHECK-NOT: linalg.matmul
// SMALL-LABEL: func.func @matmul
// SMALL: vector.contract {{.*}} into vector<4x16xi32>
func.func @matmul(%a: tensor<16x64xi32>, %b: tensor<64x64xi32>, %c: tensor<16x64xi32>) -> tensor<16x64xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x64xi32>, tensor<64x64xi32>) outs(%c : tensor<16x64xi32>) -> tensor<16x64xi32>
  return %0 : tensor<16x64xi32>
}

// -----

// Tiles divide their loops evenly (no masking): 12 = 6 x 2 rows, 7 columns
// stay whole.
// CHECK-LABEL: func.func @matmul_uneven
// CHECK: vector.contract {{.*}} into vector<6x7xi32>
func.func @matmul_uneven(%a: tensor<12x5xi32>, %b: tensor<5x7xi32>, %c: tensor<12x7xi32>) -> tensor<12x7xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<12x5xi32>, tensor<5x7xi32>) outs(%c : tensor<12x7xi32>) -> tensor<12x7xi32>
  return %0 : tensor<12x7xi32>
}

// -----

// Element-wise generics are tiled to one row of 16 lanes.
// CHECK-LABEL: func.func @elementwise
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} vector<1x16xf32>
// CHECK: arith.addf {{.*}} : vector<1x16xf32>
func.func @elementwise(%a: tensor<4x64xf32>, %b: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %e = tensor.empty() : tensor<4x64xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<4x64xf32>, tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

// An integer 2-D convolution is tiled to one output row and one kernel row, which
// makes each tile a 1-D convolution, vectorized as one contraction per
// kernel column over 16 output columns x 8 filters x 8 channels.
// CHECK-LABEL: func.func @conv2d
// CHECK-NOT: linalg.conv_2d
// CHECK-COUNT-3: vector.contract {{.*}} : vector<1x16x8xi32>, vector<8x8xi32> into vector<1x16x8xi32>
// CHECK-NOT: linalg.conv_1d
func.func @conv2d(%x: tensor<1x16x10x34xi32>, %w: tensor<16x16x3x3xi32>, %o: tensor<1x16x8x32xi32>) -> tensor<1x16x8x32xi32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x16x10x34xi32>, tensor<16x16x3x3xi32>) outs(%o : tensor<1x16x8x32xi32>) -> tensor<1x16x8x32xi32>
  return %0 : tensor<1x16x8x32xi32>
}

// -----

// Bools stay scalar: LLVM packs vector<Nxi1> into bits in memory, while a
// bool tensor holds a byte per element.
// CHECK-LABEL: func.func @bool_stays_scalar
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
// CHECK-NOT: vector.
// CHECK: return
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @bool_stays_scalar(%a: tensor<4x64xf32>, %b: tensor<4x64xf32>) -> tensor<4x64xi1> {
  %init = tensor.empty() : tensor<4x64xi1>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x64xf32>, tensor<4x64xf32>) outs(%init : tensor<4x64xi1>) {
  ^bb0(%x: f32, %y: f32, %o: i1):
    %s = arith.cmpf olt, %x, %y : f32
    linalg.yield %s : i1
  } -> tensor<4x64xi1>
  return %0 : tensor<4x64xi1>
}

// -----

// f32 matmuls and convolutions are left for q-microkernels.
// CHECK-LABEL: func.func @f32_kernels_left_alone
// CHECK-NOT: vector.
// CHECK: linalg.matmul
// CHECK: linalg.depthwise_conv_2d_nchw_chw
// CHECK-NOT: vector.
// CHECK: return
func.func @f32_kernels_left_alone(%a: tensor<16x64xf32>, %b: tensor<64x64xf32>, %c: tensor<16x64xf32>,
                                  %x: tensor<1x4x6x6xf32>, %w: tensor<4x3x3xf32>, %o: tensor<1x4x4x4xf32>) -> (tensor<16x64xf32>, tensor<1x4x4x4xf32>) {
  %0 = linalg.matmul ins(%a, %b : tensor<16x64xf32>, tensor<64x64xf32>) outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  %1 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x6x6xf32>, tensor<4x3x3xf32>) outs(%o : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %0, %1 : tensor<16x64xf32>, tensor<1x4x4x4xf32>
}
