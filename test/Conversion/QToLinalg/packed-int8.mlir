// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg),canonicalize)' | FileCheck %s

// Integer matmuls and single-group 2-D convolutions with constant weights
// (LinearToLinalg.cpp, PackedInt8.cpp): the packed int8 contraction
// (zext(u8) * sext(s8) into a zero-filled i32 accumulator), the weight
// packed at compile time, the zero points applied element-wise after.

// u8 activation with a zero point, K = 5 and N = 18 (not multiples of 4 and
// 16): the [5, 18] weight becomes [2][2][16][4] tiles (16 columns x 4 steps,
// the 4 steps of a column adjacent, zero padded); acc - za * colsum.
// Tile (0, 0) column 0 holds w[0..3][0] = 1, -1, 0, -128; tile (0, 1)
// column 0 holds w[4][0] = 1 and zeros; tile (1, 0) columns 0 and 1 hold
// w[0..3][16] = 17, -17, 0, 0 and w[0..3][17] = 18, -18, 127, 0.
// Column sums: 1 - 1 + 0 - 128 + 1 = -127, ..., 18 - 18 + 127 + 0 + 1 = 128.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2 floordiv 4, d1 mod 16, d2 mod 4)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @matmul_u8
// CHECK-SAME: (%[[X:.*]]: tensor<3x5xi8>, %[[ZP:.*]]: tensor<i8>)
// CHECK-DAG: %[[PACKED:.*]] = arith.constant dense_resource<[[BLOB:int8_packed]]> : tensor<2x2x16x4xi8>
// CHECK-DAG: %[[SUMS:.*]] = arith.constant dense_resource<[[SUMSBLOB:int8_packed_sums]]> : tensor<18xi32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<3x18xi32>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[A]], #[[W]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[PACKED]] : tensor<3x5xi8>, tensor<2x2x16x4xi8>) outs(%[[Z]] : tensor<3x18xi32>)
// CHECK-NEXT: ^bb0(%[[IA:.*]]: i8, %[[IW:.*]]: i8, %[[IC:.*]]: i32):
// CHECK-NEXT:   %[[EA:.*]] = arith.extui %[[IA]] : i8 to i32
// CHECK-NEXT:   %[[EW:.*]] = arith.extsi %[[IW]] : i8 to i32
// CHECK-NEXT:   %[[P:.*]] = arith.muli %[[EA]], %[[EW]] : i32
// CHECK-NEXT:   %[[S:.*]] = arith.addi %[[IC]], %[[P]] : i32
// CHECK-NEXT:   linalg.yield %[[S]] : i32
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[SCALAR]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[ACC]], %[[SUMS]], %[[ZP]] : tensor<3x18xi32>, tensor<18xi32>, tensor<i8>)
// CHECK-NEXT: ^bb0(%[[EACC:.*]]: i32, %[[ESUM:.*]]: i32, %[[EZP:.*]]: i8, %{{.*}}: i32):
// CHECK-NEXT:   %[[ZA:.*]] = arith.extui %[[EZP]] : i8 to i32
// CHECK-NEXT:   %[[T:.*]] = arith.muli %[[ZA]], %[[ESUM]] : i32
// CHECK-NEXT:   %[[R:.*]] = arith.subi %[[EACC]], %[[T]] : i32
// CHECK-NEXT:   linalg.yield %[[R]] : i32
// CHECK: return %[[Y]]
// CHECK-DAG: [[BLOB]]: "0x4000000001FF008002FE000003FD0000{{.*}}10F0000001000000{{.*}}11EF000012EE7F0000000000
// CHECK-DAG: [[SUMSBLOB]]: "0x4000000081FFFFFF{{(01000000)+}}80000000"
func.func @matmul_u8(%a: tensor<3x5xui8>, %zp: tensor<ui8>) -> tensor<3x18xi32> {
  %w = q.constant dense<[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127], [-128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]> : tensor<5x18xi8> : tensor<5x18xi8>
  %y = q.matmul_integer %a, %w lhs_zero_point(%zp) : (tensor<3x5xui8>, tensor<5x18xi8>, tensor<ui8>) -> tensor<3x18xi32>
  return %y : tensor<3x18xi32>
}

// -----

// An i8 activation is made u8 by flipping its sign bit (a + 128); its zero
// point (none: 0) moves by 128: acc - 128 * colsum.
// CHECK-LABEL: func.func @matmul_s8
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xi8>)
// CHECK-DAG: %[[SIGN:.*]] = arith.constant -128 : i8
// CHECK-DAG: %[[K128:.*]] = arith.constant 128 : i32
// CHECK-DAG: %[[SUMS:.*]] = arith.constant dense<[22, 26, 30]> : tensor<3xi32>
// CHECK: %[[U:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<2x4xi8>)
// CHECK: arith.xori %{{.*}}, %[[SIGN]] : i8
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[U]], %{{.*}} : tensor<2x4xi8>, tensor<1x1x16x4xi8>)
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %[[SUMS]] : tensor<2x3xi32>, tensor<3xi32>)
// CHECK: arith.muli %{{.*}}, %[[K128]] : i32
func.func @matmul_s8(%a: tensor<2x4xi8>) -> tensor<2x3xi32> {
  %w = q.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]> : tensor<4x3xi8> : tensor<4x3xi8>
  %y = q.matmul_integer %a, %w : (tensor<2x4xi8>, tensor<4x3xi8>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// A u8 weight is stored minus 128 (1 -> 0x81) and its zero point (one per
// column) moves alike: acc - (zw - 128) * rowsum(a), the row sums computed
// at run time.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @matmul_u8_weight
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xi8>, %[[ZW:.*]]: tensor<3xi8>)
// CHECK-DAG: %[[PACKED:.*]] = arith.constant dense_resource<[[BLOB:int8_packed]]> : tensor<1x1x16x4xi8>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[PACKED]]
// CHECK: %[[ROWSUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<2x4xi8>) outs(%{{.*}} : tensor<2xi32>)
// CHECK: arith.extui
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[COL]], #[[ID]]], {{.*}} ins(%[[ACC]], %[[ROWSUM]], %[[ZW]] : tensor<2x3xi32>, tensor<2xi32>, tensor<3xi8>)
// CHECK: %[[E:.*]] = arith.extui %{{.*}} : i8 to i32
// CHECK: arith.subi %[[E]], %{{.*}} : i32
// CHECK: [[BLOB]]: "0x400000008184878A8285888B8386898C
func.func @matmul_u8_weight(%a: tensor<2x4xui8>, %zw: tensor<3xui8>) -> tensor<2x3xi32> {
  %w = q.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]> : tensor<4x3xi8> : tensor<4x3xui8>
  %y = q.matmul_integer %a, %w rhs_zero_point(%zw) : (tensor<2x4xui8>, tensor<4x3xui8>, tensor<3xui8>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// Zero points that are constant zeros (as ONNX Runtime's quantizer writes
// for int8 weights) add no terms: the contraction is the result.
// CHECK-LABEL: func.func @zero_zero_points
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK-NOT: linalg.generic
// CHECK: return %[[ACC]]
func.func @zero_zero_points(%a: tensor<2x4xui8>) -> tensor<2x3xi32> {
  %w = q.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]> : tensor<4x3xi8> : tensor<4x3xi8>
  %za = q.constant dense<0> : tensor<i8> : tensor<ui8>
  %zw = q.constant dense<0> : tensor<3xi8> : tensor<3xi8>
  %y = q.matmul_integer %a, %w lhs_zero_point(%za) rhs_zero_point(%zw) : (tensor<2x4xui8>, tensor<4x3xi8>, tensor<ui8>, tensor<3xi8>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// Leading dimensions of the activation are rows; no zero point, no
// element-wise pass after.
// CHECK-LABEL: func.func @matmul_batched
// CHECK: %[[A2:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<2x3x4xi8> into tensor<6x4xi8>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[A2]], %{{.*}} : tensor<6x4xi8>, tensor<1x1x16x4xi8>) outs(%{{.*}} : tensor<6x3xi32>)
// CHECK-NOT: linalg.generic
// CHECK: tensor.expand_shape %[[ACC]] {{\[}}[0, 1], [2]] output_shape [2, 3, 3]
func.func @matmul_batched(%a: tensor<2x3x4xui8>) -> tensor<2x3x3xi32> {
  %w = q.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]> : tensor<4x3xi8> : tensor<4x3xi8>
  %y = q.matmul_integer %a, %w : (tensor<2x3x4xui8>, tensor<4x3xi8>) -> tensor<2x3x3xi32>
  return %y : tensor<2x3x3xi32>
}

// -----

// A zero point per row of the activation, or a weight that is not a
// constant: the generic lowering (i32 operands, linalg.matmul).
// CHECK-LABEL: func.func @matmul_fallbacks
// CHECK-NOT: floordiv
// CHECK-COUNT-2: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xi32>, tensor<4x3xi32>)
func.func @matmul_fallbacks(%a: tensor<2x4xui8>, %zr: tensor<2xui8>, %b: tensor<4x3xi8>) -> (tensor<2x3xi32>, tensor<2x3xi32>) {
  %w = q.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]> : tensor<4x3xi8> : tensor<4x3xi8>
  %y = q.matmul_integer %a, %w lhs_zero_point(%zr) : (tensor<2x4xui8>, tensor<4x3xi8>, tensor<2xui8>) -> tensor<2x3xi32>
  %z = q.matmul_integer %a, %b : (tensor<2x4xui8>, tensor<4x3xi8>) -> tensor<2x3xi32>
  return %y, %z : tensor<2x3xi32>, tensor<2x3xi32>
}

// -----

// A 1x1 convolution per image: the weight's rows [M, C] padded to groups of
// 4 ([2][2][4]) times the image as [C, H * W]; acc - zx * rowsum(w) per
// output channel (1 + 2 + 3 + 4 + 5 = 15, -1 - 2 - 3 - 4 - 128 = -138).
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3 floordiv 4, d3 mod 4)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[CHAN:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @conv_1x1
// CHECK-SAME: (%[[IN:.*]]: tensor<2x5x3x4xi8>, %[[ZX:.*]]: tensor<i8>)
// CHECK-DAG: %[[PACKED:.*]] = arith.constant dense<{{\[\[\[}}1, 2, 3, 4], [5, 0, 0, 0]], {{\[\[}}-1, -2, -3, -4], [-128, 0, 0, 0]]]> : tensor<2x2x4xi8>
// CHECK-DAG: %[[SUMS:.*]] = arith.constant dense<[15, -138]> : tensor<2xi32>
// CHECK: %[[X3:.*]] = tensor.collapse_shape %[[IN]] {{\[}}[0], [1], [2, 3]] : tensor<2x5x3x4xi8> into tensor<2x5x12xi8>
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[X3]], %[[PACKED]] : tensor<2x5x12xi8>, tensor<2x2x4xi8>) outs(%{{.*}} : tensor<2x2x12xi32>)
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[CHAN]], #{{.*}}, #{{.*}}], {{.*}} ins(%[[ACC]], %[[SUMS]], %[[ZX]]
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0], [1], [2, 3]] output_shape [2, 2, 3, 4]
func.func @conv_1x1(%x: tensor<2x5x3x4xui8>, %zx: tensor<ui8>) -> tensor<2x2x3x4xi32> {
  %w = q.constant dense<[[[[1]], [[2]], [[3]], [[4]], [[5]]], [[[-1]], [[-2]], [[-3]], [[-4]], [[-128]]]]> : tensor<2x5x1x1xi8> : tensor<2x5x1x1xi8>
  %y = q.conv_integer %x, %w input_zero_point(%zx) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x5x3x4xui8>, tensor<2x5x1x1xi8>, tensor<ui8>) -> tensor<2x2x3x4xi32>
  return %y : tensor<2x2x3x4xi32>
}

// -----

// Any other single-group 2-D convolution: the input (made u8: signed,
// flipped) padded with its zero point (flipped alike), then the
// contraction over windows, r = (c KH + i) KW + j for a [2, 3, 3, 2]
// weight, strides (2, 3) and dilations (1, 2); a [3, 2] window operand
// gives the loops over i and j their ranges. The 18 weights of each filter
// are [5][4] groups, the last two bytes zero; acc - (zx + 128) * 18.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 * 2 + d5, d3 * 3 + d6 * 2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, ((d4 * 3 + d5) * 2 + d6) floordiv 4, ((d4 * 3 + d5) * 2 + d6) mod 4)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d5, d6)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_window
// CHECK-SAME: (%[[IN:.*]]: tensor<1x3x6x7xi8>, %[[ZX:.*]]: tensor<i8>)
// CHECK-DAG: %[[SIGN:.*]] = arith.constant -128 : i8
// CHECK-DAG: %[[PACKED:.*]] = arith.constant dense_resource<[[BLOB:int8_packed]]> : tensor<2x5x4xi8>
// CHECK-DAG: %[[SUMS:.*]] = arith.constant dense<18> : tensor<2xi32>
// CHECK: %[[U:.*]] = linalg.generic {{.*}} ins(%[[IN]] : tensor<1x3x6x7xi8>)
// CHECK: %[[Z:.*]] = tensor.extract %[[ZX]][] : tensor<i8>
// CHECK: %[[PADV:.*]] = arith.xori %[[Z]], %[[SIGN]] : i8
// CHECK: %[[P:.*]] = tensor.pad %[[U]] low[0, 0, 1, 0] high[0, 0, 0, 1]
// CHECK: tensor.yield %[[PADV]] : i8
// CHECK: } : tensor<1x3x6x7xi8> to tensor<1x3x7x8xi8>
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<3x2xi8>
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[WIN]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[P]], %[[PACKED]], %[[WINDOW]] : tensor<1x3x7x8xi8>, tensor<2x5x4xi8>, tensor<3x2xi8>) outs(%{{.*}} : tensor<1x2x3x2xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %[[SUMS]], %[[ZX]] :
// CHECK: [[BLOB]]: "0x4000000001010101010101010101010101010101010100000101010101010101010101010101010101010000"
func.func @conv_window(%x: tensor<1x3x6x7xi8>, %zx: tensor<i8>) -> tensor<1x2x3x2xi32> {
  %w = q.constant dense<1> : tensor<2x3x3x2xi8> : tensor<2x3x3x2xi8>
  %y = q.conv_integer %x, %w input_zero_point(%zx) {dilations = array<i64: 1, 2>, group = 1 : i64, pads = array<i64: 1, 0, 0, 1>, strides = array<i64: 2, 3>} : (tensor<1x3x6x7xi8>, tensor<2x3x3x2xi8>, tensor<i8>) -> tensor<1x2x3x2xi32>
  return %y : tensor<1x2x3x2xi32>
}

// -----

// A weight zero point (uint8 weights: zw - 128) needs the sums of each
// window of the padded input, over (c, i, j) per output pixel.
// CHECK-DAG: #[[XW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 + d4, d2 + d5)>
// CHECK-DAG: #[[SW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @conv_weight_zero_point
// CHECK: %[[P:.*]] = tensor.pad
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[P]]
// CHECK: %[[WS:.*]] = linalg.generic {indexing_maps = [#[[XW]], #{{.*}}, #[[SW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[P]], %{{.*}} : tensor<1x2x6x6xi8>, tensor<3x3xi8>) outs(%{{.*}} : tensor<1x4x4xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %[[WS]], %{{.*}} : tensor<1x3x4x4xi32>, tensor<1x4x4xi32>, tensor<3xi8>)
func.func @conv_weight_zero_point(%x: tensor<1x2x4x4xui8>, %zw: tensor<3xui8>) -> tensor<1x3x4x4xi32> {
  %w = q.constant dense<200> : tensor<3x2x3x3xi8> : tensor<3x2x3x3xui8>
  %y = q.conv_integer %x, %w weight_zero_point(%zw) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xui8>, tensor<3x2x3x3xui8>, tensor<3xui8>) -> tensor<1x3x4x4xi32>
  return %y : tensor<1x3x4x4xi32>
}

// -----

// Grouped convolutions and weights that are not constants: the generic
// lowering, here in f32 (few terms per output: exact).
// CHECK-LABEL: func.func @conv_fallbacks
// CHECK-NOT: floordiv
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x2x4x4xf32>, tensor<2x1x2x1x1xf32>) outs(%{{.*}} : tensor<1x2x1x4x4xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x4x4xf32>, tensor<2x4x1x1xf32>)
func.func @conv_fallbacks(%x: tensor<1x4x4x4xui8>, %v: tensor<2x4x1x1xi8>) -> (tensor<1x2x4x4xi32>, tensor<1x2x4x4xi32>) {
  %w = q.constant dense<1> : tensor<2x2x1x1xi8> : tensor<2x2x1x1xi8>
  %a = q.conv_integer %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xui8>, tensor<2x2x1x1xi8>) -> tensor<1x2x4x4xi32>
  %b = q.conv_integer %x, %v {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xui8>, tensor<2x4x1x1xi8>) -> tensor<1x2x4x4xi32>
  return %a, %b : tensor<1x2x4x4xi32>, tensor<1x2x4x4xi32>
}
