// RUN: qopt %s | qopt | FileCheck %s
// RUN: qopt %s --mlir-print-op-generic | qopt | FileCheck %s

// Round trip of every q op and of the !q.codebook type, in the custom and
// the generic form.

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @constant_f32
func.func @constant_f32() -> (tensor<2x2xf32>, tensor<3xf32>) {
  // CHECK-DAG: q.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32> : tensor<2x2xf32>
  // CHECK-DAG: q.constant dense<-5.000000e-01> : tensor<3xf32> : tensor<3xf32>
  %a = q.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> : tensor<2x2xf32>
  %b = q.constant dense<-0.5> : tensor<3xf32> : tensor<3xf32>
  return %a, %b : tensor<2x2xf32>, tensor<3xf32>
}

// A ui8 tensor may hold a signless i8 attribute (the importer's form) or a
// ui8 one.
// CHECK-LABEL: func.func @constant_ui8
func.func @constant_ui8() -> (tensor<2xui8>, tensor<2xui8>) {
  // CHECK-DAG: q.constant dense<[1, -1]> : tensor<2xi8> : tensor<2xui8>
  // CHECK-DAG: q.constant dense<[0, 255]> : tensor<2xui8> : tensor<2xui8>
  %a = q.constant dense<[1, 255]> : tensor<2xi8> : tensor<2xui8>
  %b = q.constant dense<[0, 255]> : tensor<2xui8> : tensor<2xui8>
  return %a, %b : tensor<2xui8>, tensor<2xui8>
}

// CHECK-LABEL: func.func @constant_i1_i64
func.func @constant_i1_i64() -> (tensor<2xi1>, tensor<2xi64>) {
  // CHECK-DAG: q.constant dense<[true, false]> : tensor<2xi1> : tensor<2xi1>
  // CHECK-DAG: q.constant dense<[1, -1]> : tensor<2xi64> : tensor<2xi64>
  %a = q.constant dense<[true, false]> : tensor<2xi1> : tensor<2xi1>
  %b = q.constant dense<[1, -1]> : tensor<2xi64> : tensor<2xi64>
  return %a, %b : tensor<2xi1>, tensor<2xi64>
}

// A quantized constant holds its storage values.
// CHECK-LABEL: func.func @constant_quantized
func.func @constant_quantized()
    -> (tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>,
        tensor<2x3x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01}>>,
        tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>>) {
  // CHECK-DAG: q.constant dense<[-128, 0, 1, 127]> : tensor<4xi8> : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
  // CHECK-DAG: q.constant dense<{{\[\[}}1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8> : tensor<2x3x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01}>>
  // CHECK-DAG: q.constant dense<[0, 1, -128, -1]> : tensor<4xi8> : tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>>
  %a = q.constant dense<[-128, 0, 1, 127]> : tensor<4xi8> : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %b = q.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8> : tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %c = q.constant dense<[0, 1, 128, 255]> : tensor<4xi8> : tensor<4x!quant.uniform<u8:f32, 0.25:128>>
  return %a, %b, %c : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>,
                      tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>,
                      tensor<4x!quant.uniform<u8:f32, 0.25:128>>
}

// Weights are dense_resource blobs: 4 bytes of alignment (a little-endian
// u32), then the elements in little-endian order.
// CHECK-LABEL: func.func @constant_resource
func.func @constant_resource() -> (tensor<4xf32>, tensor<2x2xui8>) {
  // CHECK-DAG: q.constant dense_resource<q_weight_f32> : tensor<4xf32> : tensor<4xf32>
  // CHECK-DAG: q.constant dense_resource<q_weight_u8> : tensor<2x2xi8> : tensor<2x2xui8>
  %a = q.constant dense_resource<q_weight_f32> : tensor<4xf32> : tensor<4xf32>
  %b = q.constant dense_resource<q_weight_u8> : tensor<2x2xi8> : tensor<2x2xui8>
  return %a, %b : tensor<4xf32>, tensor<2x2xui8>
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @quantize
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
func.func @quantize(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 3.920000e+00>> {
  // CHECK: %[[Q:.*]] = q.quantize %[[X]] : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 3.920000e+00>>
  // CHECK: return %[[Q]]
  %q = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 3.92:0>>
  return %q : tensor<4x!quant.uniform<u8:f32, 3.92:0>>
}

// CHECK-LABEL: func.func @quantize_per_axis
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf16>)
func.func @quantize_per_axis(%x: tensor<2x3xf16>)
    -> tensor<2x3x!quant.uniform<i8<-127:127>:f16:0, {1.000000e-01:1,2.000000e-01:-1}>> {
  // CHECK: q.quantize %[[X]] : tensor<2x3xf16> -> tensor<2x3x!quant.uniform<i8<-127:127>:f16:0, {1.000000e-01:1,2.000000e-01:-1}>>
  %q = q.quantize %x : tensor<2x3xf16> -> tensor<2x3x!quant.uniform<i8<-127:127>:f16:0, {0.1:1, 0.2:-1}>>
  return %q : tensor<2x3x!quant.uniform<i8<-127:127>:f16:0, {0.1:1, 0.2:-1}>>
}

// Sub-channel (block) quantization: blocks of 2 rows along dimension 0, one
// scale per column.
// CHECK-LABEL: func.func @quantize_sub_channel
// CHECK-SAME: (%[[X:.*]]: tensor<4x2xf32>)
func.func @quantize_sub_channel(%x: tensor<4x2xf32>)
    -> tensor<4x2x!quant.uniform<i4:f32:{0:2, 1:1}, {{2.0:1, 3.0:2}, {4.0:3, 5.0:4}}>> {
  // CHECK: q.quantize %[[X]] : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<i4:f32:{0:2, 1:1}, {{\{\{}}2.000000e+00:1, 3.000000e+00:2}, {4.000000e+00:3, 5.000000e+00:4}}>>
  %q = q.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<i4:f32:{0:2, 1:1}, {{2.0:1, 3.0:2}, {4.0:3, 5.0:4}}>>
  return %q : tensor<4x2x!quant.uniform<i4:f32:{0:2, 1:1}, {{2.0:1, 3.0:2}, {4.0:3, 5.0:4}}>>
}

// CHECK-LABEL: func.func @dequantize
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<u8:f32, 3.920000e+00>>)
func.func @dequantize(%q: tensor<4x!quant.uniform<u8:f32, 3.92:0>>) -> tensor<4xf32> {
  // CHECK: %[[X:.*]] = q.dequantize %[[Q]] : tensor<4x!quant.uniform<u8:f32, 3.920000e+00>> -> tensor<4xf32>
  // CHECK: return %[[X]]
  %x = q.dequantize %q : tensor<4x!quant.uniform<u8:f32, 3.92:0>> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// CHECK-LABEL: func.func @dequantize_per_axis
// CHECK-SAME: (%[[Q:.*]]: tensor<2x3x!quant.uniform<i8:bf16:1, {1.000000e+00,2.000000e+00,4.000000e+00}>>)
func.func @dequantize_per_axis(%q: tensor<2x3x!quant.uniform<i8:bf16:1, {1.0, 2.0, 4.0}>>) -> tensor<2x3xbf16> {
  // CHECK: q.dequantize %[[Q]] : tensor<2x3x!quant.uniform<i8:bf16:1, {1.000000e+00,2.000000e+00,4.000000e+00}>> -> tensor<2x3xbf16>
  %x = q.dequantize %q : tensor<2x3x!quant.uniform<i8:bf16:1, {1.0, 2.0, 4.0}>> -> tensor<2x3xbf16>
  return %x : tensor<2x3xbf16>
}

// CHECK-LABEL: func.func @requantize
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>)
func.func @requantize(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<u8:f32, 2.500000e-01:3>> {
  // CHECK: q.requantize %[[Q]] : tensor<4x!quant.uniform<i8:f32, 5.000000e-01>> -> tensor<4x!quant.uniform<u8:f32, 2.500000e-01:3>>
  %r = q.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<u8:f32, 0.25:3>>
  return %r : tensor<4x!quant.uniform<u8:f32, 0.25:3>>
}

// CHECK-LABEL: func.func @requantize_per_axis
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>)
func.func @requantize_per_axis(%q: tensor<2x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>>)
    -> tensor<2x4x!quant.uniform<i8:f32, 1.250000e-01>> {
  // CHECK: q.requantize %[[Q]] : tensor<2x4x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>> -> tensor<2x4x!quant.uniform<i8:f32, 1.250000e-01>>
  %r = q.requantize %q : tensor<2x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x4x!quant.uniform<i8:f32, 0.125>>
  return %r : tensor<2x4x!quant.uniform<i8:f32, 0.125>>
}

// CHECK-LABEL: func.func @fake_quant
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>)
func.func @fake_quant(%x: tensor<8xf32>) -> tensor<8xf32> {
  // CHECK: %[[Y:.*]] = q.fake_quant %[[X]] {quant_type = !quant.uniform<i8:f32, 1.000000e-01>} : tensor<8xf32>
  // CHECK: return %[[Y]]
  %y = q.fake_quant %x {quant_type = !quant.uniform<i8:f32, 0.1>} : tensor<8xf32>
  return %y : tensor<8xf32>
}

// CHECK-LABEL: func.func @fake_quant_per_axis
// CHECK-SAME: (%[[X:.*]]: tensor<3x2xf32>)
func.func @fake_quant_per_axis(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // CHECK: q.fake_quant %[[X]] {quant_type = !quant.uniform<u8:f32:1, {1.000000e-01:128,2.000000e-01:120}>} : tensor<3x2xf32>
  %y = q.fake_quant %x {quant_type = !quant.uniform<u8:f32:1, {0.1:128, 0.2:120}>} : tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @dynamic_quantize
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
func.func @dynamic_quantize(%x: tensor<2x8xf32>) -> (tensor<2x8xui8>, tensor<f32>, tensor<ui8>) {
  // CHECK: %[[Q:.*]], %[[S:.*]], %[[ZP:.*]] = q.dynamic_quantize %[[X]] : tensor<2x8xf32> -> tensor<2x8xui8>, tensor<f32>, tensor<ui8>
  // CHECK: return %[[Q]], %[[S]], %[[ZP]]
  %q, %s, %zp = q.dynamic_quantize %x : tensor<2x8xf32> -> tensor<2x8xui8>, tensor<f32>, tensor<ui8>
  return %q, %s, %zp : tensor<2x8xui8>, tensor<f32>, tensor<ui8>
}

// CHECK-LABEL: func.func @dynamic_quantize_axis_symmetric
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf16>)
func.func @dynamic_quantize_axis_symmetric(%x: tensor<2x8xf16>) -> (tensor<2x8xi8>, tensor<8xf32>, tensor<8xi8>) {
  // CHECK: q.dynamic_quantize %[[X]] {axis = 1 : i64, symmetric} : tensor<2x8xf16> -> tensor<2x8xi8>, tensor<8xf32>, tensor<8xi8>
  %q, %s, %zp = q.dynamic_quantize %x {axis = 1 : i64, symmetric} : tensor<2x8xf16> -> tensor<2x8xi8>, tensor<8xf32>, tensor<8xi8>
  return %q, %s, %zp : tensor<2x8xi8>, tensor<8xf32>, tensor<8xi8>
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @add
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<3xf32>)
func.func @add(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[Z:.*]] = q.add %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: return %[[Z]]
  %z = q.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// Both operands stretch.
// CHECK-LABEL: func.func @add_i32_two_sided_broadcast
// CHECK-SAME: (%[[X:.*]]: tensor<4x1xi32>, %[[Y:.*]]: tensor<1x5xi32>)
func.func @add_i32_two_sided_broadcast(%x: tensor<4x1xi32>, %y: tensor<1x5xi32>) -> tensor<4x5xi32> {
  // CHECK: q.add %[[X]], %[[Y]] : (tensor<4x1xi32>, tensor<1x5xi32>) -> tensor<4x5xi32>
  %z = q.add %x, %y : (tensor<4x1xi32>, tensor<1x5xi32>) -> tensor<4x5xi32>
  return %z : tensor<4x5xi32>
}

// CHECK-LABEL: func.func @sub
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<1x3xf32>)
func.func @sub(%x: tensor<2x3xf32>, %y: tensor<1x3xf32>) -> tensor<2x3xf32> {
  // CHECK: q.sub %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  %z = q.sub %x, %y : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sub_ui8
// CHECK-SAME: (%[[X:.*]]: tensor<4xui8>, %[[Y:.*]]: tensor<ui8>)
func.func @sub_ui8(%x: tensor<4xui8>, %y: tensor<ui8>) -> tensor<4xui8> {
  // CHECK: q.sub %[[X]], %[[Y]] : (tensor<4xui8>, tensor<ui8>) -> tensor<4xui8>
  %z = q.sub %x, %y : (tensor<4xui8>, tensor<ui8>) -> tensor<4xui8>
  return %z : tensor<4xui8>
}

// CHECK-LABEL: func.func @mul
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<f32>)
func.func @mul(%x: tensor<2x3xf32>, %y: tensor<f32>) -> tensor<2x3xf32> {
  // CHECK: q.mul %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %z = q.mul %x, %y : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @div
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<2x3xf32>)
func.func @div(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: q.div %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %z = q.div %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @div_i8_scalars
// CHECK-SAME: (%[[X:.*]]: tensor<i8>, %[[Y:.*]]: tensor<i8>)
func.func @div_i8_scalars(%x: tensor<i8>, %y: tensor<i8>) -> tensor<i8> {
  // CHECK: q.div %[[X]], %[[Y]] : (tensor<i8>, tensor<i8>) -> tensor<i8>
  %z = q.div %x, %y : (tensor<i8>, tensor<i8>) -> tensor<i8>
  return %z : tensor<i8>
}

// CHECK-LABEL: func.func @relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x4x4xf32>)
func.func @relu(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  // CHECK: %[[Y:.*]] = q.relu %[[X]] : tensor<1x8x4x4xf32>
  // CHECK: return %[[Y]]
  %y = q.relu %x : tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// CHECK-LABEL: func.func @relu_i8
// CHECK-SAME: (%[[X:.*]]: tensor<16xi8>)
func.func @relu_i8(%x: tensor<16xi8>) -> tensor<16xi8> {
  // CHECK: q.relu %[[X]] : tensor<16xi8>
  %y = q.relu %x : tensor<16xi8>
  return %y : tensor<16xi8>
}

// CHECK-LABEL: func.func @sigmoid
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[H:.*]]: tensor<3xbf16>)
func.func @sigmoid(%x: tensor<3x4xf32>, %h: tensor<3xbf16>) -> (tensor<3x4xf32>, tensor<3xbf16>) {
  // CHECK: q.sigmoid %[[X]] : tensor<3x4xf32>
  // CHECK: q.sigmoid %[[H]] : tensor<3xbf16>
  %y = q.sigmoid %x : tensor<3x4xf32>
  %g = q.sigmoid %h : tensor<3xbf16>
  return %y, %g : tensor<3x4xf32>, tensor<3xbf16>
}

// CHECK-LABEL: func.func @clip_min_max
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>, %[[LO:.*]]: tensor<f32>, %[[HI:.*]]: tensor<f32>)
func.func @clip_min_max(%x: tensor<8xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<8xf32> {
  // CHECK: q.clip %[[X]] min %[[LO]] max %[[HI]] : (tensor<8xf32>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
  %y = q.clip %x min %lo max %hi : (tensor<8xf32>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// CHECK-LABEL: func.func @clip_min
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>, %[[LO:.*]]: tensor<f32>)
func.func @clip_min(%x: tensor<8xf32>, %lo: tensor<f32>) -> tensor<8xf32> {
  // CHECK: q.clip %[[X]] min %[[LO]] : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %y = q.clip %x min %lo : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// CHECK-LABEL: func.func @clip_max
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>, %[[HI:.*]]: tensor<f32>)
func.func @clip_max(%x: tensor<8xf32>, %hi: tensor<f32>) -> tensor<8xf32> {
  // CHECK: q.clip %[[X]] max %[[HI]] : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %y = q.clip %x max %hi : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// CHECK-LABEL: func.func @clip_none_ui8
// CHECK-SAME: (%[[X:.*]]: tensor<8xui8>)
func.func @clip_none_ui8(%x: tensor<8xui8>) -> tensor<8xui8> {
  // CHECK: q.clip %[[X]] : (tensor<8xui8>) -> tensor<8xui8>
  %y = q.clip %x : (tensor<8xui8>) -> tensor<8xui8>
  return %y : tensor<8xui8>
}

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<1x10xf32>)
func.func @softmax(%x: tensor<1x10xf32>) -> tensor<1x10xf32> {
  // CHECK: q.softmax %[[X]] {axis = 1 : i64} : tensor<1x10xf32>
  %y = q.softmax %x {axis = 1 : i64} : tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4xf32>, %[[B:.*]]: tensor<4x5xf32>)
func.func @matmul(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x3x5xf32> {
  // CHECK: %[[C:.*]] = q.matmul %[[A]], %[[B]] : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  // CHECK: return %[[C]]
  %c = q.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  return %c : tensor<2x3x5xf32>
}

// Batch dimensions broadcast on both sides.
// CHECK-LABEL: func.func @matmul_batch_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x1x3x4xf16>, %[[B:.*]]: tensor<5x4x6xf16>)
func.func @matmul_batch_broadcast(%a: tensor<2x1x3x4xf16>, %b: tensor<5x4x6xf16>) -> tensor<2x5x3x6xf16> {
  // CHECK: q.matmul %[[A]], %[[B]] : (tensor<2x1x3x4xf16>, tensor<5x4x6xf16>) -> tensor<2x5x3x6xf16>
  %c = q.matmul %a, %b : (tensor<2x1x3x4xf16>, tensor<5x4x6xf16>) -> tensor<2x5x3x6xf16>
  return %c : tensor<2x5x3x6xf16>
}

// 1-D operands: the promoted dimensions are dropped from the result.
// CHECK-LABEL: func.func @matmul_vectors
// CHECK-SAME: (%[[V:.*]]: tensor<4xf32>, %[[M:.*]]: tensor<4x5xf32>, %[[N:.*]]: tensor<3x4xf32>)
func.func @matmul_vectors(%v: tensor<4xf32>, %m: tensor<4x5xf32>, %n: tensor<3x4xf32>)
    -> (tensor<5xf32>, tensor<3xf32>, tensor<f32>) {
  // CHECK: q.matmul %[[V]], %[[M]] : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  // CHECK: q.matmul %[[N]], %[[V]] : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3xf32>
  // CHECK: q.matmul %[[V]], %[[V]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  %vm = q.matmul %v, %m : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  %nv = q.matmul %n, %v : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3xf32>
  %vv = q.matmul %v, %v : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return %vm, %nv, %vv : tensor<5xf32>, tensor<3xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @gemm
// CHECK-SAME: (%[[A:.*]]: tensor<1x16xf32>, %[[B:.*]]: tensor<10x16xf32>, %[[C:.*]]: tensor<10xf32>)
func.func @gemm(%a: tensor<1x16xf32>, %b: tensor<10x16xf32>, %c: tensor<10xf32>) -> tensor<1x10xf32> {
  // CHECK: %[[Y:.*]] = q.gemm %[[A]], %[[B]], %[[C]] {trans_b} : (tensor<1x16xf32>, tensor<10x16xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  // CHECK: return %[[Y]]
  %y = q.gemm %a, %b, %c {trans_b} : (tensor<1x16xf32>, tensor<10x16xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// CHECK-LABEL: func.func @gemm_without_c
// CHECK-SAME: (%[[A:.*]]: tensor<16x2xf32>, %[[B:.*]]: tensor<16x10xf32>)
func.func @gemm_without_c(%a: tensor<16x2xf32>, %b: tensor<16x10xf32>) -> tensor<2x10xf32> {
  // CHECK: q.gemm %[[A]], %[[B]] {alpha = 5.000000e-01 : f32, trans_a} : (tensor<16x2xf32>, tensor<16x10xf32>) -> tensor<2x10xf32>
  %y = q.gemm %a, %b {alpha = 0.5 : f32, trans_a} : (tensor<16x2xf32>, tensor<16x10xf32>) -> tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}

// C of the full result shape, and a scalar C.
// CHECK-LABEL: func.func @gemm_alpha_beta
// CHECK-SAME: (%[[A:.*]]: tensor<3x4xf32>, %[[B:.*]]: tensor<4x5xf32>, %[[C:.*]]: tensor<3x5xf32>, %[[S:.*]]: tensor<f32>)
func.func @gemm_alpha_beta(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x5xf32>, %s: tensor<f32>)
    -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  // CHECK: q.gemm %[[A]], %[[B]], %[[C]] {alpha = 2.000000e+00 : f32, beta = 2.500000e-01 : f32} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  // CHECK: q.gemm %[[A]], %[[B]], %[[S]] : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<f32>) -> tensor<3x5xf32>
  %y = q.gemm %a, %b, %c {alpha = 2.0 : f32, beta = 0.25 : f32} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  %z = q.gemm %a, %b, %s : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<f32>) -> tensor<3x5xf32>
  return %y, %z : tensor<3x5xf32>, tensor<3x5xf32>
}

// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x32x32xf32>, %[[W:.*]]: tensor<8x3x3x3xf32>, %[[B:.*]]: tensor<8xf32>)
func.func @conv(%x: tensor<1x3x32x32xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x32x32xf32> {
  // CHECK: %[[Y:.*]] = q.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x32x32xf32>
  // CHECK: return %[[Y]]
  %y = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                          pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x32x32xf32>
  return %y : tensor<1x8x32x32xf32>
}

// Strided, dilated, asymmetric pads, no bias: (9 + 1 + 0 - 2 * 2 - 1) / 2 + 1
// = 3 rows and (9 + 0 + 2 - 2 * 2 - 1) / 2 + 1 = 4 columns.
// CHECK-LABEL: func.func @conv_without_bias
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x9x9xf32>, %[[W:.*]]: tensor<6x4x3x3xf32>)
func.func @conv_without_bias(%x: tensor<2x4x9x9xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<2x6x3x4xf32> {
  // CHECK: q.conv %[[X]], %[[W]] {dilations = array<i64: 2, 2>, group = 1 : i64, pads = array<i64: 1, 0, 0, 2>, strides = array<i64: 2, 2>} : (tensor<2x4x9x9xf32>, tensor<6x4x3x3xf32>) -> tensor<2x6x3x4xf32>
  %y = q.conv %x, %w {dilations = array<i64: 2, 2>, group = 1 : i64,
                      pads = array<i64: 1, 0, 0, 2>, strides = array<i64: 2, 2>}
      : (tensor<2x4x9x9xf32>, tensor<6x4x3x3xf32>) -> tensor<2x6x3x4xf32>
  return %y : tensor<2x6x3x4xf32>
}

// Depthwise (group = channels) and 1-D.
// CHECK-LABEL: func.func @conv_depthwise_1d
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x10xf16>, %[[W:.*]]: tensor<8x1x3xf16>, %[[B:.*]]: tensor<8xf16>)
func.func @conv_depthwise_1d(%x: tensor<1x4x10xf16>, %w: tensor<8x1x3xf16>, %b: tensor<8xf16>) -> tensor<1x8x8xf16> {
  // CHECK: q.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1>, group = 4 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x10xf16>, tensor<8x1x3xf16>, tensor<8xf16>) -> tensor<1x8x8xf16>
  %y = q.conv %x, %w, %b {dilations = array<i64: 1>, group = 4 : i64,
                          pads = array<i64: 0, 0>, strides = array<i64: 1>}
      : (tensor<1x4x10xf16>, tensor<8x1x3xf16>, tensor<8xf16>) -> tensor<1x8x8xf16>
  return %y : tensor<1x8x8xf16>
}

// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x4x4xf32>, %[[S:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>, %[[M:.*]]: tensor<8xf32>, %[[V:.*]]: tensor<8xf32>)
func.func @batch_norm(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>,
                      %m: tensor<8xf32>, %v: tensor<8xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  // CHECK: q.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: q.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] {epsilon = 1.000000e-03 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  %y = q.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  %z = q.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-03 : f32}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %y, %z : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x32x32xf32>)
func.func @max_pool(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32> {
  // CHECK: %[[Y:.*]] = q.max_pool %[[X]] {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x32x32xf32> -> tensor<1x8x16x16xf32>
  // CHECK: return %[[Y]]
  %y = q.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
                      pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : tensor<1x8x32x32xf32> -> tensor<1x8x16x16xf32>
  return %y : tensor<1x8x16x16xf32>
}

// ceil_mode rounds up: (5 - 2 + 1) / 2 + 1 = 3; on i8.
// CHECK-LABEL: func.func @max_pool_ceil_i8
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x5x5xi8>)
func.func @max_pool_ceil_i8(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8> {
  // CHECK: q.max_pool %[[X]] {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x2x5x5xi8> -> tensor<1x2x3x3xi8>
  %y = q.max_pool %x {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
                      pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : tensor<1x2x5x5xi8> -> tensor<1x2x3x3xi8>
  return %y : tensor<1x2x3x3xi8>
}

// CHECK-LABEL: func.func @average_pool
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x8xf32>)
func.func @average_pool(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  // CHECK: q.average_pool %[[X]] {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : tensor<1x8x8x8xf32> -> tensor<1x8x8x8xf32>
  %y = q.average_pool %x {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>,
                          kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
                          strides = array<i64: 1, 1>}
      : tensor<1x8x8x8xf32> -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// ceil_mode drops a window that would start in the end padding: rounding up
// gives ceil((4 + 0 + 1 - 2) / 4) + 1 = 2 windows, but the second would
// start at 4, past the input, so there is 1.
// CHECK-LABEL: func.func @average_pool_ceil_1d
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4xf32>)
func.func @average_pool_ceil_1d(%x: tensor<1x1x4xf32>) -> tensor<1x1x1xf32> {
  // CHECK: q.average_pool %[[X]] {ceil_mode = true, count_include_pad = true, dilations = array<i64: 1>, kernel_shape = array<i64: 2>, pads = array<i64: 0, 1>, strides = array<i64: 4>} : tensor<1x1x4xf32> -> tensor<1x1x1xf32>
  %y = q.average_pool %x {ceil_mode = true, count_include_pad = true, dilations = array<i64: 1>,
                          kernel_shape = array<i64: 2>, pads = array<i64: 0, 1>, strides = array<i64: 4>}
      : tensor<1x1x4xf32> -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// CHECK-LABEL: func.func @global_average_pool
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x8x8xf32>)
func.func @global_average_pool(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  // CHECK: q.global_average_pool %[[X]] : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
  %y = q.global_average_pool %x : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
  return %y : tensor<1x16x1x1xf32>
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x1x1xf32>)
func.func @reshape(%x: tensor<1x16x1x1xf32>) -> tensor<1x16xf32> {
  // CHECK: %[[Y:.*]] = q.reshape %[[X]] : tensor<1x16x1x1xf32> -> tensor<1x16xf32>
  // CHECK: return %[[Y]]
  %y = q.reshape %x : tensor<1x16x1x1xf32> -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// A per-axis tensor keeps its channels: dimension 1 and the element count
// after it stay, the dimensions after it may merge.
// CHECK-LABEL: func.func @reshape_per_axis
// CHECK-SAME: (%[[Q:.*]]: tensor<6x2x2x3x!quant.uniform<i8:f32:1, {1.000000e+00,2.000000e+00}>>)
func.func @reshape_per_axis(%q: tensor<6x2x2x3x!quant.uniform<i8:f32:1, {1.0, 2.0}>>)
    -> tensor<6x2x6x!quant.uniform<i8:f32:1, {1.0, 2.0}>> {
  // CHECK: q.reshape %[[Q]] : tensor<6x2x2x3x!quant.uniform<i8:f32:1, {1.000000e+00,2.000000e+00}>> -> tensor<6x2x6x!quant.uniform<i8:f32:1, {1.000000e+00,2.000000e+00}>>
  %y = q.reshape %q : tensor<6x2x2x3x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
                   -> tensor<6x2x6x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
  return %y : tensor<6x2x6x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
}

// CHECK-LABEL: func.func @flatten
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[U:.*]]: tensor<2x3xui8>)
func.func @flatten(%x: tensor<2x3x4xf32>, %u: tensor<2x3xui8>) -> (tensor<6x4xf32>, tensor<1x6xui8>, tensor<6x1xui8>) {
  // CHECK: q.flatten %[[X]] {axis = 2 : i64} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: q.flatten %[[U]] {axis = 0 : i64} : tensor<2x3xui8> -> tensor<1x6xui8>
  // CHECK: q.flatten %[[U]] {axis = 2 : i64} : tensor<2x3xui8> -> tensor<6x1xui8>
  %y = q.flatten %x {axis = 2 : i64} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %z = q.flatten %u {axis = 0 : i64} : tensor<2x3xui8> -> tensor<1x6xui8>
  %w = q.flatten %u {axis = 2 : i64} : tensor<2x3xui8> -> tensor<6x1xui8>
  return %y, %z, %w : tensor<6x4xf32>, tensor<1x6xui8>, tensor<6x1xui8>
}

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4x5xf32>)
func.func @transpose(%x: tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32> {
  // CHECK: q.transpose %[[X]] {perm = array<i64: 0, 2, 3, 1>} : tensor<1x3x4x5xf32> -> tensor<1x4x5x3xf32>
  %y = q.transpose %x {perm = array<i64: 0, 2, 3, 1>} : tensor<1x3x4x5xf32> -> tensor<1x4x5x3xf32>
  return %y : tensor<1x4x5x3xf32>
}

// The quantized dimension stays in place; per-tensor types move freely.
// CHECK-LABEL: func.func @transpose_quantized
// CHECK-SAME: (%[[P:.*]]: tensor<2x3x4x!quant.uniform<i8:f32:1, {1.000000e+00,2.000000e+00,3.000000e+00}>>, %[[T:.*]]: tensor<2x3x!quant.uniform<u8:f32, 1.000000e+00:7>>)
func.func @transpose_quantized(%p: tensor<2x3x4x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>,
                               %t: tensor<2x3x!quant.uniform<u8:f32, 1.0:7>>)
    -> (tensor<4x3x2x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>, tensor<3x2x!quant.uniform<u8:f32, 1.0:7>>) {
  // CHECK: q.transpose %[[P]] {perm = array<i64: 2, 1, 0>}
  // CHECK: q.transpose %[[T]] {perm = array<i64: 1, 0>}
  %y = q.transpose %p {perm = array<i64: 2, 1, 0>} : tensor<2x3x4x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>
                                                    -> tensor<4x3x2x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>
  %z = q.transpose %t {perm = array<i64: 1, 0>} : tensor<2x3x!quant.uniform<u8:f32, 1.0:7>>
                                                 -> tensor<3x2x!quant.uniform<u8:f32, 1.0:7>>
  return %y, %z : tensor<4x3x2x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>, tensor<3x2x!quant.uniform<u8:f32, 1.0:7>>
}

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<1x2xf32>, %[[B:.*]]: tensor<1x3xf32>)
func.func @concat(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>) -> tensor<1x5xf32> {
  // CHECK: %[[Y:.*]] = q.concat %[[A]], %[[B]] {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  // CHECK: return %[[Y]]
  %y = q.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}

// CHECK-LABEL: func.func @concat_three_i64
// CHECK-SAME: (%[[A:.*]]: tensor<2xi64>, %[[B:.*]]: tensor<1xi64>)
func.func @concat_three_i64(%a: tensor<2xi64>, %b: tensor<1xi64>) -> tensor<5xi64> {
  // CHECK: q.concat %[[A]], %[[B]], %[[A]] {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  %y = q.concat %a, %b, %a {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  return %y : tensor<5xi64>
}

// Along a dimension other than the quantized one.
// CHECK-LABEL: func.func @concat_per_axis
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x!quant.uniform<i8:f32:0, {1.000000e+00,2.000000e+00}>>)
func.func @concat_per_axis(%a: tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>>)
    -> tensor<2x6x!quant.uniform<i8:f32:0, {1.0, 2.0}>> {
  // CHECK: q.concat %[[A]], %[[A]] {axis = 1 : i64} : (tensor<2x3x!quant.uniform<i8:f32:0, {1.000000e+00,2.000000e+00}>>, tensor<2x3x!quant.uniform<i8:f32:0, {1.000000e+00,2.000000e+00}>>) -> tensor<2x6x!quant.uniform<i8:f32:0, {1.000000e+00,2.000000e+00}>>
  %y = q.concat %a, %a {axis = 1 : i64} : (tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>>, tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>>)
      -> tensor<2x6x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  return %y : tensor<2x6x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
}

//===----------------------------------------------------------------------===//
// The codebook type
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @codebook_nf4
// CHECK-SAME: tensor<128x64x!q.codebook<nf4, i4:f32, block = 64>>
func.func @codebook_nf4(%w: tensor<128x64x!q.codebook<nf4, i4:f32, block = 64>>) {
  return
}

// CHECK-LABEL: func.func @codebook_fp4
// CHECK-SAME: !q.codebook<fp4, i4:bf16, block = 32>
func.func @codebook_fp4(%w: !q.codebook<fp4, i4:bf16, block = 32>) {
  return
}

// A 2-bit table written out; the name is quoted.
// CHECK-LABEL: func.func @codebook_custom_i2
// CHECK-SAME: tensor<16x!q.codebook<"ternary_plus", i2:f16, block = 16, [-1.000000e+00, -0.000000e+00, 5.000000e-01, 1.000000e+00]>>
func.func @codebook_custom_i2(%w: tensor<16x!q.codebook<"ternary_plus", i2:f16, block = 16, [-1.0, -0.0, 0.5, 1.0]>>) {
  return
}

// The builtin table spelled out prints in the short form.
// CHECK-LABEL: func.func @codebook_nf4_spelled_out
// CHECK-SAME: !q.codebook<nf4, i4:f32, block = 128>
func.func @codebook_nf4_spelled_out(%w: !q.codebook<"nf4", i4:f32, block = 128, [
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
    0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
    0.7229568362236023, 1.0]>) {
  return
}

// The same for fp4, whose code 8 is -0.0.
// CHECK-LABEL: func.func @codebook_fp4_spelled_out
// CHECK-SAME: !q.codebook<fp4, i4:f16, block = 64>
func.func @codebook_fp4_spelled_out(%w: !q.codebook<"fp4", i4:f16, block = 64, [
    0.0, 0.005208333333333333, 0.6666666666666666, 1.0,
    0.3333333333333333, 0.5, 0.16666666666666666, 0.25,
    -0.0, -0.005208333333333333, -0.6666666666666666, -1.0,
    -0.3333333333333333, -0.5, -0.16666666666666666, -0.25]>) {
  return
}

// Names with characters outside a keyword are escaped; values that print in
// no short decimal survive the round trip.
// CHECK-LABEL: func.func @codebook_escaped_name
// CHECK-SAME: !q.codebook<"my \22table\22", i2:f32, block = 8, [0.000000e+00, 0.33333333333333331, 0.66666666666666663, 1.000000e+00]>
func.func @codebook_escaped_name(%w: !q.codebook<"my \"table\"", i2:f32, block = 8,
                                                 [0.0, 0.33333333333333331, 0.66666666666666663, 1.0]>) {
  return
}

// CHECK: dialect_resources
// CHECK-DAG: q_weight_f32: "0x040000000000803F000000400000404000008040"
// CHECK-DAG: q_weight_u8: "0x0400000001FF7F80"

{-#
  dialect_resources: {
    builtin: {
      q_weight_f32: "0x040000000000803F000000400000404000008040",
      q_weight_u8: "0x0400000001FF7F80"
    }
  }
#-}
