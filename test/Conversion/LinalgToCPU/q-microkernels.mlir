// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-microkernels{vector-bits=512}),canonicalize,cse)' | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-microkernels{vector-bits=128 vector-registers=32}),canonicalize,cse)' | FileCheck %s --check-prefix=NEON
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-microkernels{vector-bits=100}))' 2>&1 | FileCheck %s --check-prefix=BITS

// BITS: error: vector-bits must be a multiple of 32

// A matmul: 70 columns are one block of 4 x 16 lanes and a masked block of
// 6; 8 rows are one block of 6 and one of 2. Accumulators start from C,
// the k loop carries them, A is broadcast, B loaded once per k.
// CHECK-LABEL: func.func @matmul
// CHECK-COUNT-24: vector.load %arg2
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (vector<16xf32>,
// CHECK: vector.load %arg1[%[[K]], %{{.*}}] : memref<5x70xf32>, vector<16xf32>
// CHECK: memref.load %arg0[%{{.*}}, %[[K]]] : memref<8x5xf32>
// CHECK: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK: vector.fma
// CHECK: vector.store
// CHECK: %[[MASK:.*]] = vector.constant_mask [6] : vector<16xi1>
// CHECK: vector.maskedload %arg2{{.*}}, %[[MASK]]
// CHECK: vector.maskedstore %arg2{{.*}}, %[[MASK]]
// CHECK-NOT: linalg.matmul
// NEON-LABEL: func.func @matmul
// NEON: vector.fma {{.*}} : vector<4xf32>
func.func @matmul(%a: memref<8x5xf32>, %b: memref<5x70xf32>, %c: memref<8x70xf32>) {
  linalg.matmul ins(%a, %b : memref<8x5xf32>, memref<5x70xf32>) outs(%c : memref<8x70xf32>)
  return
}

// -----

// batch_matmul: a loop over the batch around the same kernel.
// CHECK-LABEL: func.func @batch_matmul
// CHECK: scf.for %[[B:.*]] =
// CHECK: vector.load %arg1[%[[B]], %{{.*}}, %{{.*}}] : memref<3x4x32xf32>, vector<16xf32>
// CHECK: vector.fma
// CHECK-NOT: linalg.batch_matmul
func.func @batch_matmul(%a: memref<3x8x4xf32>, %b: memref<3x4x32xf32>, %c: memref<3x8x32xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x8x4xf32>, memref<3x4x32xf32>) outs(%c : memref<3x8x32xf32>)
  return
}

// -----

// A 1x1 stride-1 convolution is a matmul over the flattened image.
// CHECK-LABEL: func.func @conv_1x1
// CHECK-DAG: memref.collapse_shape %arg0 {{\[}}[0], [1], [2, 3]] : memref<1x8x4x8xf32> into memref<1x8x32xf32>
// CHECK-DAG: memref.collapse_shape %arg1 {{\[}}[0], [1, 2, 3]] : memref<6x8x1x1xf32> into memref<6x8xf32>
// CHECK: vector.fma
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv_1x1(%x: memref<1x8x4x8xf32>, %w: memref<6x8x1x1xf32>, %o: memref<1x6x4x8xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x4x8xf32>, memref<6x8x1x1xf32>) outs(%o : memref<1x6x4x8xf32>)
  return
}

// -----

// A 3x3 stride-2 convolution: per output row, filters x columns over
// (channel, kernel row, kernel column); the strided input row is loaded
// wide (masked so it never reads past the last needed element) and
// de-interleaved.
// CHECK-LABEL: func.func @conv_3x3_stride2
// CHECK: scf.for %[[ROW:.*]] =
// CHECK: scf.for %[[C:.*]] = {{.*}} iter_args
// CHECK: scf.for %[[KH:.*]] = {{.*}} iter_args
// CHECK: scf.for %[[KW:.*]] = {{.*}} iter_args
// CHECK: vector.constant_mask [15] : vector<32xi1>
// CHECK: %[[WIDE:.*]] = vector.maskedload %arg0{{.*}} into vector<32xf32>
// CHECK: vector.shuffle %[[WIDE]], %[[WIDE]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xf32>, vector<32xf32>
// CHECK: vector.fma
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv_3x3_stride2(%x: memref<1x2x17x17xf32>, %w: memref<4x2x3x3xf32>, %o: memref<1x4x8x8xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : memref<1x2x17x17xf32>, memref<4x2x3x3xf32>) outs(%o : memref<1x4x8x8xf32>)
  return
}

// -----

// Depthwise: per channel, rows of the output are the block's rows, each
// reading its own input row.
// CHECK-LABEL: func.func @depthwise
// CHECK: scf.for %[[CH:.*]] =
// CHECK: memref.load %arg1[%[[CH]], %{{.*}}, %{{.*}}] : memref<4x3x3xf32>
// CHECK: vector.fma
// CHECK-NOT: linalg.depthwise_conv_2d_nchw_chw
func.func @depthwise(%x: memref<1x4x10x34xf32>, %w: memref<4x3x3xf32>, %o: memref<1x4x8x32xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x4x10x34xf32>, memref<4x3x3xf32>) outs(%o : memref<1x4x8x32xf32>)
  return
}

// -----

// An output view whose rows are not contiguous (an interleaved upsampling
// output) is computed in a contiguous buffer and copied back.
// CHECK-LABEL: func.func @strided_output
// CHECK: %[[TMP:.*]] = memref.alloc() : memref<1x3x5x7xf32>
// CHECK: vector.store %{{.*}}, %{{.*}} : memref<1x3x35xf32>
// CHECK: linalg.copy ins(%[[TMP]] : memref<1x3x5x7xf32>) outs(%{{.*}} : memref<1x3x5x7xf32, strided<[420, 140, 28, 2]>>)
func.func @strided_output(%x: memref<1x8x5x7xf32>, %w: memref<3x8x1x1xf32>, %full: memref<1x3x10x14xf32>) {
  %o = memref.subview %full[0, 0, 0, 0] [1, 3, 5, 7] [1, 1, 2, 2] : memref<1x3x10x14xf32> to memref<1x3x5x7xf32, strided<[420, 140, 28, 2]>>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x5x7xf32>, memref<3x8x1x1xf32>) outs(%o : memref<1x3x5x7xf32, strided<[420, 140, 28, 2]>>)
  return
}

// -----

// Other element types are left for convert-linalg-to-loops.
// CHECK-LABEL: func.func @integer_left_alone
// CHECK: linalg.matmul
func.func @integer_left_alone(%a: memref<8x5xi32>, %b: memref<5x64xi32>, %c: memref<8x64xi32>) {
  linalg.matmul ins(%a, %b : memref<8x5xi32>, memref<5x64xi32>) outs(%c : memref<8x64xi32>)
  return
}

// -----

// Fills and copies move vectors along contiguous runs: a whole buffer is
// one run; a padded interior is one run per row.
// CHECK-LABEL: func.func @fill_and_copy
// CHECK: memref.collapse_shape %arg1 {{\[}}[0, 1, 2]] : memref<2x6x10xf32> into memref<120xf32>
// CHECK: vector.store %{{.*}} : memref<120xf32>, vector<16xf32>
// CHECK: vector.maskedstore {{.*}} : memref<120xf32>
// CHECK: %[[IN:.*]] = memref.subview %arg1[0, 1, 1] [2, 4, 8] [1, 1, 1]
// CHECK: scf.for
// CHECK: vector.maskedload %arg0{{.*}} : memref<2x4x8xf32>
// CHECK: vector.maskedstore %[[IN]]
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.copy
func.func @fill_and_copy(%src: memref<2x4x8xf32>, %padded: memref<2x6x10xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%padded : memref<2x6x10xf32>)
  %in = memref.subview %padded[0, 1, 1] [2, 4, 8] [1, 1, 1] : memref<2x6x10xf32> to memref<2x4x8xf32, strided<[60, 10, 1], offset: 11>>
  linalg.copy ins(%src : memref<2x4x8xf32>) outs(%in : memref<2x4x8xf32, strided<[60, 10, 1], offset: 11>>)
  return
}

// -----

// Rows shorter than half a vector stay scalar loops.
// CHECK-LABEL: func.func @short_rows_stay_scalar
// CHECK: linalg.copy
func.func @short_rows_stay_scalar(%src: memref<8x4xf32>, %big: memref<8x8xf32>) {
  %dst = memref.subview %big[0, 0] [8, 4] [1, 1] : memref<8x8xf32> to memref<8x4xf32, strided<[8, 1]>>
  linalg.copy ins(%src : memref<8x4xf32>) outs(%dst : memref<8x4xf32, strided<[8, 1]>>)
  return
}

// -----

// A sum over the innermost dims (global average pooling): 16 partial sums
// per output along the 40 reduced elements (a masked tail of 8), reduced
// in a fixed order, then added to the output.
// CHECK-LABEL: func.func @sum_innermost
// CHECK: memref.collapse_shape %arg0 {{\[}}[0], [1], [2, 3]] : memref<1x3x5x8xf32> into memref<1x3x40xf32>
// CHECK: scf.for %[[C:.*]] =
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (vector<16xf32>)
// CHECK: arith.addf %[[ACC]], %{{.*}} : vector<16xf32>
// CHECK: vector.constant_mask [8] : vector<16xi1>
// CHECK: vector.reduction <add>, %{{.*}} : vector<16xf32> into f32
// CHECK: memref.store %{{.*}}, %arg1[%{{.*}}, %[[C]]] : memref<1x3xf32>
// NEON-LABEL: func.func @sum_innermost
// NEON: vector.reduction <add>, %{{.*}} : vector<16xf32> into f32
#in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
func.func @sum_innermost(%x: memref<1x3x5x8xf32>, %s: memref<1x3xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : memref<1x3x5x8xf32>) outs(%s : memref<1x3xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %acc, %a : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A max over the last dim (softmax's first step): masked lanes hold -inf.
// CHECK-LABEL: func.func @max_innermost
// CHECK: arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: vector.reduction <maximumf>
#in2 = affine_map<(d0, d1) -> (d0, d1)>
#out2 = affine_map<(d0, d1) -> (d0)>
func.func @max_innermost(%x: memref<4x20xf32>, %m: memref<4xf32>) {
  linalg.generic {indexing_maps = [#in2, #out2], iterator_types = ["parallel", "reduction"]} ins(%x : memref<4x20xf32>) outs(%m : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.maximumf %a, %acc : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A reduction over an outer dim, or a body doing more than combining, is
// left alone.
// CHECK-LABEL: func.func @other_reductions_left_alone
// CHECK-COUNT-2: linalg.generic
#in3 = affine_map<(d0, d1) -> (d1, d0)>
#id3 = affine_map<(d0, d1) -> (d0, d1)>
#out3 = affine_map<(d0, d1) -> (d0)>
func.func @other_reductions_left_alone(%x: memref<20x4xf32>, %y: memref<4x20xf32>, %m: memref<4xf32>) {
  linalg.generic {indexing_maps = [#in3, #out3], iterator_types = ["parallel", "reduction"]} ins(%x : memref<20x4xf32>) outs(%m : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %a, %acc : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id3, #out3], iterator_types = ["parallel", "reduction"]} ins(%y : memref<4x20xf32>) outs(%m : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a : f32
    %r = arith.addf %sq, %acc : f32
    linalg.yield %r : f32
  }
  return
}
