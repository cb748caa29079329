// RUN: qopt %s -split-input-file -verify-diagnostics

// One case per verifier message of QQuantOps.cpp (q.storage_cast and the
// *_linear forms) and of the integer matmul and convolution in
// QLinearOps.cpp, then the ODS constraints of a few of them.

//===----------------------------------------------------------------------===//
// q.storage_cast
//===----------------------------------------------------------------------===//

func.func @storage_cast_two_integers(%x: tensor<4xui8>) {
  // expected-error @+1 {{'q.storage_cast' op expects one quantized and one integer tensor, got 'tensor<4xui8>' and 'tensor<4xi8>'}}
  %0 = q.storage_cast %x : tensor<4xui8> -> tensor<4xi8>
  return
}

// -----

func.func @storage_cast_shape(%x: tensor<4xui8>) {
  // expected-error @+1 {{'q.storage_cast' op input and output shapes differ: [4] vs [2x2]}}
  %0 = q.storage_cast %x : tensor<4xui8> -> tensor<2x2x!quant.uniform<u8:f32, 0.5>>
  return
}

// -----

// ONNX's int8 is the signless i8: it cannot hold u8 storage values.
func.func @storage_cast_signedness(%x: tensor<4xi8>) {
  // expected-error @+1 {{'q.storage_cast' op integer type 'i8' does not hold the storage values of '!quant.uniform<u8:f32, 5.000000e-01>'}}
  %0 = q.storage_cast %x : tensor<4xi8> -> tensor<4x!quant.uniform<u8:f32, 0.5>>
  return
}

// -----

func.func @storage_cast_per_axis(%x: tensor<2x4xi8>) {
  // expected-error @+1 {{'q.storage_cast' op per-axis type '!quant.uniform<i8:f32:1, {1.000000e+00,2.000000e+00}>' does not fit the shape [2x4]}}
  %0 = q.storage_cast %x : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
  return
}

//===----------------------------------------------------------------------===//
// q.quantize_linear, q.dequantize_linear, q.requantize_linear
//===----------------------------------------------------------------------===//

// -----

func.func @quantize_linear_shape(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'q.quantize_linear' op input and output shapes differ: [4] vs [2x2]}}
  %0 = q.quantize_linear %x, %s : (tensor<4xf32>, tensor<f32>) -> tensor<2x2xui8>
  return
}

// -----

func.func @quantize_linear_zero_point_type(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{'q.quantize_linear' op zero point element type 'i8' differs from the integer element type 'ui8'}}
  %0 = q.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xui8>
  return
}

// -----

func.func @dequantize_linear_axis(%x: tensor<2x3xi8>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'q.dequantize_linear' op axis 2 out of range for rank 2}}
  %0 = q.dequantize_linear %x, %s {axis = 2 : i64} : (tensor<2x3xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Without axis, scales are per tensor.
func.func @dequantize_linear_scale(%x: tensor<2x3xi8>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'q.dequantize_linear' op scale must have one element, got 'tensor<3xf32>'}}
  %0 = q.dequantize_linear %x, %s : (tensor<2x3xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @quantize_linear_zero_point_per_axis(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<2xi8>) {
  // expected-error @+1 {{'q.quantize_linear' op zero point must have one element or one per index of dimension 1 (3), got 'tensor<2xi8>'}}
  %0 = q.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<2xi8>) -> tensor<2x3xi8>
  return
}

// -----

func.func @requantize_linear_multiplier(%x: tensor<1x4x2xi32>, %m: tensor<2xf32>) {
  // expected-error @+1 {{'q.requantize_linear' op multiplier must have one element or one per index of dimension 1 (4), got 'tensor<2xf32>'}}
  %0 = q.requantize_linear %x, %m {axis = 1 : i64} : (tensor<1x4x2xi32>, tensor<2xf32>) -> tensor<1x4x2xi8>
  return
}

// -----

// ODS: results are 8- or 4-bit (ONNX's int8, uint8, int4 and uint4).
func.func @quantize_linear_i16(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'q.quantize_linear' op result #0 must be statically shaped tensor of 4-bit signless integer or 4-bit unsigned integer or 8-bit signless integer or 8-bit unsigned integer values}}
  %0 = q.quantize_linear %x, %s : (tensor<4xf32>, tensor<f32>) -> tensor<4xi16>
  return
}

// -----

// ODS: the accumulator of q.requantize_linear is i32.
func.func @requantize_linear_i8(%x: tensor<4xi8>, %m: tensor<f32>) {
  // expected-error @+1 {{'q.requantize_linear' op operand #0 must be statically shaped tensor of 32-bit signless integer values}}
  %0 = q.requantize_linear %x, %m : (tensor<4xi8>, tensor<f32>) -> tensor<4xi8>
  return
}

//===----------------------------------------------------------------------===//
// q.matmul_integer
//===----------------------------------------------------------------------===//

// -----

func.func @matmul_integer_rank0(%a: tensor<ui8>, %b: tensor<3xui8>) {
  // expected-error @+1 {{'q.matmul_integer' op operands must have rank >= 1}}
  %0 = q.matmul_integer %a, %b : (tensor<ui8>, tensor<3xui8>) -> tensor<i32>
  return
}

// -----

func.func @matmul_integer_contraction(%a: tensor<4x3xui8>, %b: tensor<2x2xui8>) {
  // expected-error @+1 {{'q.matmul_integer' op contraction dimensions differ: 3 vs 2}}
  %0 = q.matmul_integer %a, %b : (tensor<4x3xui8>, tensor<2x2xui8>) -> tensor<4x2xi32>
  return
}

// -----

func.func @matmul_integer_batch(%a: tensor<2x4x3xui8>, %b: tensor<3x3x2xui8>) {
  // expected-error @+1 {{'q.matmul_integer' op batch dimensions do not broadcast}}
  %0 = q.matmul_integer %a, %b : (tensor<2x4x3xui8>, tensor<3x3x2xui8>) -> tensor<2x4x2xi32>
  return
}

// -----

func.func @matmul_integer_result(%a: tensor<4x3xui8>, %b: tensor<3x2xui8>) {
  // expected-error @+1 {{'q.matmul_integer' op result shape [4x3] differs from the expected [4x2]}}
  %0 = q.matmul_integer %a, %b : (tensor<4x3xui8>, tensor<3x2xui8>) -> tensor<4x3xi32>
  return
}

// -----

func.func @matmul_integer_zero_point_type(%a: tensor<4x3xui8>, %b: tensor<3x2xi8>, %z: tensor<ui8>) {
  // expected-error @+1 {{'q.matmul_integer' op rhs_zero_point has element type 'ui8' but its operand 'i8'}}
  %0 = q.matmul_integer %a, %b rhs_zero_point(%z) : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<ui8>) -> tensor<4x2xi32>
  return
}

// -----

func.func @matmul_integer_zero_point_rows(%a: tensor<4x3xui8>, %b: tensor<3x2xi8>, %z: tensor<3xui8>) {
  // expected-error @+1 {{'q.matmul_integer' op lhs_zero_point must have one element or one per row of lhs (4), got 'tensor<3xui8>'}}
  %0 = q.matmul_integer %a, %b lhs_zero_point(%z) : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<3xui8>) -> tensor<4x2xi32>
  return
}

// -----

// A vector operand has no rows: its zero point is per tensor.
func.func @matmul_integer_zero_point_vector(%a: tensor<3xui8>, %b: tensor<3x2xi8>, %z: tensor<3xui8>) {
  // expected-error @+1 {{'q.matmul_integer' op lhs_zero_point must have one element, got 'tensor<3xui8>'}}
  %0 = q.matmul_integer %a, %b lhs_zero_point(%z) : (tensor<3xui8>, tensor<3x2xi8>, tensor<3xui8>) -> tensor<2xi32>
  return
}

//===----------------------------------------------------------------------===//
// q.conv_integer
//===----------------------------------------------------------------------===//

// -----

func.func @conv_integer_rank(%x: tensor<1x4xui8>, %w: tensor<2x4xui8>) {
  // expected-error @+1 {{'q.conv_integer' op input must be [N, C, D1, ...], got rank 2}}
  %0 = q.conv_integer %x, %w {dilations = array<i64>, group = 1 : i64, pads = array<i64>, strides = array<i64>} : (tensor<1x4xui8>, tensor<2x4xui8>) -> tensor<1x2xi32>
  return
}

// -----

func.func @conv_integer_weight_rank(%x: tensor<1x4x5xui8>, %w: tensor<2x4x3x3xui8>) {
  // expected-error @+1 {{'q.conv_integer' op input, weight and output must have the same rank}}
  %0 = q.conv_integer %x, %w {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x5xui8>, tensor<2x4x3x3xui8>) -> tensor<1x2x3xi32>
  return
}

// -----

func.func @conv_integer_attrs(%x: tensor<1x4x5xui8>, %w: tensor<2x4x3xui8>) {
  // expected-error @+1 {{'q.conv_integer' op expects 1 strides and dilations and 2 pads}}
  %0 = q.conv_integer %x, %w {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0>, strides = array<i64: 1>} : (tensor<1x4x5xui8>, tensor<2x4x3xui8>) -> tensor<1x2x3xi32>
  return
}

// -----

func.func @conv_integer_stride(%x: tensor<1x4x5xui8>, %w: tensor<2x4x3xui8>) {
  // expected-error @+1 {{'q.conv_integer' op strides and dilations must be positive and pads non-negative}}
  %0 = q.conv_integer %x, %w {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 0>} : (tensor<1x4x5xui8>, tensor<2x4x3xui8>) -> tensor<1x2x3xi32>
  return
}

// -----

func.func @conv_integer_channels(%x: tensor<1x4x5xui8>, %w: tensor<2x3x3xui8>) {
  // expected-error @+1 {{'q.conv_integer' op input has 4 channels but weight expects 3 per group x 1 groups}}
  %0 = q.conv_integer %x, %w {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x5xui8>, tensor<2x3x3xui8>) -> tensor<1x2x3xi32>
  return
}

// -----

func.func @conv_integer_group(%x: tensor<1x4x5xui8>, %w: tensor<3x2x3xui8>) {
  // expected-error @+1 {{'q.conv_integer' op output channels 3 are not divisible by group 2}}
  %0 = q.conv_integer %x, %w {dilations = array<i64: 1>, group = 2 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x5xui8>, tensor<3x2x3xui8>) -> tensor<1x3x3xi32>
  return
}

// -----

func.func @conv_integer_input_zero_point(%x: tensor<1x4x5xui8>, %w: tensor<2x4x3xui8>, %z: tensor<4xui8>) {
  // expected-error @+1 {{'q.conv_integer' op input_zero_point must have one element, got 'tensor<4xui8>'}}
  %0 = q.conv_integer %x, %w input_zero_point(%z) {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x5xui8>, tensor<2x4x3xui8>, tensor<4xui8>) -> tensor<1x2x3xi32>
  return
}

// -----

func.func @conv_integer_weight_zero_point(%x: tensor<1x4x5xui8>, %w: tensor<2x4x3xui8>, %z: tensor<4xui8>) {
  // expected-error @+1 {{'q.conv_integer' op weight_zero_point must have one element or one per output channel (2), got 'tensor<4xui8>'}}
  %0 = q.conv_integer %x, %w weight_zero_point(%z) {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x5xui8>, tensor<2x4x3xui8>, tensor<4xui8>) -> tensor<1x2x3xi32>
  return
}

// -----

func.func @conv_integer_window(%x: tensor<1x4x2xui8>, %w: tensor<2x4x3xui8>) {
  // expected-error @+1 {{'q.conv_integer' op window of 3 elements does not fit in dimension 2 of size 2 padded to 2}}
  %0 = q.conv_integer %x, %w {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x2xui8>, tensor<2x4x3xui8>) -> tensor<1x2x1xi32>
  return
}

// -----

func.func @conv_integer_result(%x: tensor<1x4x5xui8>, %w: tensor<2x4x3xui8>) {
  // expected-error @+1 {{'q.conv_integer' op result shape [1x2x5] differs from the expected [1x2x3]}}
  %0 = q.conv_integer %x, %w {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x5xui8>, tensor<2x4x3xui8>) -> tensor<1x2x5xi32>
  return
}

// -----

func.func @blocked_scale_shape(%x: tensor<64x8xi4>, %s: tensor<3x8xf32>) {
  // expected-error @+1 {{'q.dequantize_linear' op scale of blocks of 32 along dimension 0 must have shape [2x8], got 'tensor<3x8xf32>'}}
  %0 = q.dequantize_linear %x, %s {axis = 0 : i64, block_size = 32 : i64} : (tensor<64x8xi4>, tensor<3x8xf32>) -> tensor<64x8xf32>
  return
}

// -----

func.func @blocked_zero_point_shape(%x: tensor<64x8xui4>, %s: tensor<2x8xf32>, %z: tensor<8xui4>) {
  // expected-error @+1 {{'q.dequantize_linear' op zero point of blocks of 32 along dimension 0 must have shape [2x8], got 'tensor<8xui4>'}}
  %0 = q.dequantize_linear %x, %s, %z {axis = 0 : i64, block_size = 32 : i64} : (tensor<64x8xui4>, tensor<2x8xf32>, tensor<8xui4>) -> tensor<64x8xf32>
  return
}

// -----

func.func @block_without_axis(%x: tensor<64x8xf32>, %s: tensor<2x8xf32>) {
  // expected-error @+1 {{'q.quantize_linear' op block_size needs an axis}}
  %0 = q.quantize_linear %x, %s {block_size = 32 : i64} : (tensor<64x8xf32>, tensor<2x8xf32>) -> tensor<64x8xi4>
  return
}

// -----

func.func @block_size_positive(%x: tensor<64x8xi4>, %s: tensor<2x8xf32>) {
  // expected-error @+1 {{'q.dequantize_linear' op attribute 'block_size' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = q.dequantize_linear %x, %s {axis = 0 : i64, block_size = 0 : i64} : (tensor<64x8xi4>, tensor<2x8xf32>) -> tensor<64x8xf32>
  return
}

// -----

func.func @codebook_absmax_shape(%c: tensor<64x8xui4>, %a: tensor<2x8xf32>) {
  // expected-error @+1 {{'q.dequantize_codebook' op absmax of blocks of 64 along dimension 0 must have shape [1x8], got 'tensor<2x8xf32>'}}
  %0 = q.dequantize_codebook %c, %a {axis = 0 : i64, codebook = !q.codebook<nf4, i4:f32, block = 64>} : (tensor<64x8xui4>, tensor<2x8xf32>) -> tensor<64x8xf32>
  return
}

// -----

func.func @codebook_codes_width(%c: tensor<64x8xui8>, %a: tensor<1x8xf32>) {
  // expected-error @+1 {{'q.dequantize_codebook' op codes of type 'ui8' do not index the 16-entry table of '!q.codebook<nf4, i4:f32, block = 64>'}}
  %0 = q.dequantize_codebook %c, %a {axis = 0 : i64, codebook = !q.codebook<nf4, i4:f32, block = 64>} : (tensor<64x8xui8>, tensor<1x8xf32>) -> tensor<64x8xf32>
  return
}

// -----

func.func @codebook_shapes(%c: tensor<64x8xui4>, %a: tensor<1x8xf32>) {
  // expected-error @+1 {{'q.dequantize_codebook' op codes and output shapes differ: [64x8] vs [64x4]}}
  %0 = q.dequantize_codebook %c, %a {axis = 0 : i64, codebook = !q.codebook<nf4, i4:f32, block = 64>} : (tensor<64x8xui4>, tensor<1x8xf32>) -> tensor<64x4xf32>
  return
}

// -----

func.func @codebook_axis(%c: tensor<64x8xui4>, %a: tensor<1x8xf32>) {
  // expected-error @+1 {{'q.dequantize_codebook' op axis 2 out of range for rank 2}}
  %0 = q.dequantize_codebook %c, %a {axis = 2 : i64, codebook = !q.codebook<nf4, i4:f32, block = 64>} : (tensor<64x8xui4>, tensor<1x8xf32>) -> tensor<64x8xf32>
  return
}
