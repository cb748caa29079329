// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg))' | FileCheck %s

// Numpy broadcasting becomes indexing maps; size-1 dims read index 0.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[C:.*]]: tensor<2x1xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]]
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK: arith.subf
// CHECK-NOT: q.
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %0 = q.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = q.sub %0, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Unsigned tensors become signless with unsigned arithmetic, signatures too.
// CHECK-LABEL: func.func @div_u8
// CHECK-SAME: (%{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK: arith.divui
func.func @div_u8(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = q.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @div_i32
// CHECK: arith.divsi
func.func @div_i32(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = q.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @clip_u8
// CHECK: arith.maxui
// CHECK: arith.minui
func.func @clip_u8(%x: tensor<4xui8>, %lo: tensor<ui8>, %hi: tensor<ui8>) -> tensor<4xui8> {
  %0 = q.clip %x min %lo max %hi : (tensor<4xui8>, tensor<ui8>, tensor<ui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @relu_sigmoid
// CHECK: arith.maximumf
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: arith.divf
func.func @relu_sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = q.relu %x : tensor<4xf32>
  %1 = q.sigmoid %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Softmax: max, exp(x - max), sum, divide.
// CHECK-LABEL: func.func @softmax
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = q.softmax %x {axis = 1 : i64} : tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// 2-D matmul is linalg.matmul; batched numpy matmul a single contraction
// generic whose size-1 batch dim is broadcast.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d3, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
func.func @matmul(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<2x3x4xf32>, %d: tensor<1x4x5xf32>) -> (tensor<3x5xf32>, tensor<2x3x5xf32>) {
  %0 = q.matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %1 = q.matmul %c, %d : (tensor<2x3x4xf32>, tensor<1x4x5xf32>) -> tensor<2x3x5xf32>
  return %0, %1 : tensor<3x5xf32>, tensor<2x3x5xf32>
}

// -----

// Gemm with trans_b reads B as (n, k); alpha and beta scale in an epilogue.
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @gemm
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BT]], #{{.*}}]
// CHECK: arith.constant 2.500000e-01 : f32
// CHECK: arith.constant 3.500000e-01 : f32
func.func @gemm(%a: tensor<3x5xf32>, %b: tensor<4x5xf32>, %c: tensor<4xf32>) -> tensor<3x4xf32> {
  %0 = q.gemm %a, %b, %c {alpha = 0.25 : f32, beta = 0.35 : f32, trans_b} : (tensor<3x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// A 2-D ungrouped conv is linalg.conv_2d_nchw_fchw after explicit padding,
// accumulating into the broadcast bias.
// CHECK-LABEL: func.func @conv2d
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
func.func @conv2d(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Depthwise conv (one filter per channel): the named op, weight [C, 1, K]
// viewed as [C, K].
// CHECK-LABEL: func.func @conv_depthwise
// CHECK: %[[W:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x4x6x6xf32>, tensor<4x3x3xf32>)
func.func @conv_depthwise(%x: tensor<1x4x6x6xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %0 = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Max pooling pads with -inf; average pooling divides by a compile-time
// table of window counts (here count_include_pad = false: 4 at corners).
// CHECK-LABEL: func.func @pools
// CHECK: tensor.pad {{.*}} high[0, 0, 1, 1]
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00
// CHECK: arith.divf
func.func @pools(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>) {
  %0 = q.max_pool %x {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  %1 = q.average_pool %x {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xf32>
  return %0, %1 : tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @global_average_pool
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.constant 1.600000e+01 : f32
// CHECK: tensor.expand_shape
func.func @global_average_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32> {
  %0 = q.global_average_pool %x : tensor<1x2x4x4xf32> -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}

// -----

// Batch norm folds its parameters per channel: y = x * a + c.
// CHECK-LABEL: func.func @batch_norm
// CHECK: math.sqrt
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH:.*]], #[[CH]], #{{.*}}]
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @batch_norm(%x: tensor<1x2x3x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %0 = q.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @data_movement
// CHECK: tensor.collapse_shape
// CHECK: tensor.expand_shape
// CHECK: linalg.transpose {{.*}} permutation = [1, 0]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [2, 3] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[2, 0] [3, 3] [1, 1]
func.func @data_movement(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>, tensor<5x3xf32>) {
  %0 = q.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = q.transpose %0 {perm = array<i64: 1, 0>} : tensor<3x2xf32> -> tensor<2x3xf32>
  %2 = q.concat %x, %y {axis = 0 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<5x3xf32>
  return %0, %1, %2 : tensor<3x2xf32>, tensor<2x3xf32>, tensor<5x3xf32>
}

// -----

// Quantize divides by the scale, rounds half to even, adds the zero point
// and saturates; dequantize subtracts and multiplies. Per-axis parameters
// are vectors indexed by the quantized dimension.
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @quantize
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.addf
// CHECK: arith.constant -1.280000e+02 : f32
// CHECK: arith.constant 1.270000e+02 : f32
// CHECK: arith.fptosi %{{.*}} : f32 to i8
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[AX]], #[[AX]], #{{.*}}]
// CHECK: arith.sitofp
// CHECK: arith.subf
// CHECK: arith.mulf
func.func @quantize(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %q = q.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.5:1>>
  %w = q.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8> : tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %d = q.dequantize %w : tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @requantize_fake_quant
// CHECK: arith.constant dense<2.000000e+00> : tensor<1xf32>
// CHECK: math.roundeven
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: math.roundeven
// CHECK: arith.subf
// CHECK: arith.mulf
func.func @requantize_fake_quant(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>, %x: tensor<4xf32>) -> (tensor<4x!quant.uniform<u8:f32, 0.25:128>>, tensor<4xf32>) {
  %r = q.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<u8:f32, 0.25:128>>
  %f = q.fake_quant %x {quant_type = !quant.uniform<i8:f32, 0.1>} : tensor<4xf32>
  return %r, %f : tensor<4x!quant.uniform<u8:f32, 0.25:128>>, tensor<4xf32>
}

// -----

// Dynamic quantization: one min/max reduction, then scale and zero point,
// then the quantization itself.
// CHECK-LABEL: func.func @dynamic_quantize
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: arith.fptoui
func.func @dynamic_quantize(%x: tensor<2x4xf32>) -> (tensor<2x4xui8>, tensor<f32>, tensor<ui8>) {
  %q, %s, %zp = q.dynamic_quantize %x : tensor<2x4xf32> -> tensor<2x4xui8>, tensor<f32>, tensor<ui8>
  return %q, %s, %zp : tensor<2x4xui8>, tensor<f32>, tensor<ui8>
}

// -----

// Other grouped convs: one generic over [N, G, Cg, D] input and
// [G, Mg, Cg, K] weight, collapsed back to [N, M, D].
// CHECK-LABEL: func.func @conv_grouped
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 6, 6]
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: tensor.collapse_shape
func.func @conv_grouped(%x: tensor<1x4x6x6xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %0 = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// ConvTranspose with kernel = stride: one 1x1 convolution per kernel tap,
// interleaved into the output with strided inserts.
// CHECK-LABEL: func.func @conv_transpose_upsample
// CHECK-COUNT-4: linalg.conv_2d_nchw_fchw
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 1] [1, 3, 5, 7] [1, 1, 2, 2]
func.func @conv_transpose_upsample(%x: tensor<1x8x5x7xf32>, %w: tensor<8x3x2x2xf32>) -> tensor<1x3x10x14xf32> {
  %0 = q.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x5x7xf32>, tensor<8x3x2x2xf32>) -> tensor<1x3x10x14xf32>
  return %0 : tensor<1x3x10x14xf32>
}

// -----

// numpy matmul of [B..., M, K] by [K, N]: one linalg.matmul over all rows;
// equal batch dims: one linalg.batch_matmul.
// CHECK-LABEL: func.func @matmul_rows
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<2x5x3xf32> into tensor<10x3xf32>
// CHECK: linalg.matmul
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [2, 5, 4]
// CHECK-LABEL: func.func @matmul_batches
// CHECK: linalg.batch_matmul {{.*}} tensor<6x5x3xf32>, tensor<6x3x4xf32>
func.func @matmul_rows(%a: tensor<2x5x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x5x4xf32> {
  %0 = q.matmul %a, %b : (tensor<2x5x3xf32>, tensor<3x4xf32>) -> tensor<2x5x4xf32>
  return %0 : tensor<2x5x4xf32>
}
func.func @matmul_batches(%a: tensor<2x3x5x3xf32>, %b: tensor<2x3x3x4xf32>) -> tensor<2x3x5x4xf32> {
  %0 = q.matmul %a, %b : (tensor<2x3x5x3xf32>, tensor<2x3x3x4xf32>) -> tensor<2x3x5x4xf32>
  return %0 : tensor<2x3x5x4xf32>
}
