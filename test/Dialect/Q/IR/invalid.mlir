// RUN: qopt %s -split-input-file -verify-diagnostics

// One case per verifier message of QOps.cpp and QTypes.cpp, then the ODS
// constraints of a few ops.

//===----------------------------------------------------------------------===//
// Shared quantized-type checks (per axis, sub-channel)
//===----------------------------------------------------------------------===//

func.func @per_axis_dim_out_of_range(%x: tensor<2xf32>) {
  // expected-error @+1 {{'q.quantize' op quantized dimension 1 is out of range for rank 1}}
  %q = q.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
  return
}

// -----

func.func @per_axis_scale_count(%x: tensor<3x2xf32>) {
  // expected-error @+1 {{'q.quantize' op per-axis type has 2 scales but dimension 0 has size 3}}
  %q = q.quantize %x : tensor<3x2xf32> -> tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  return
}

// -----

func.func @sub_channel_dim_out_of_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{'q.quantize' op quantized dimension 1 is out of range for rank 1}}
  %q = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32:{1:2}, {{1.0, 2.0}}>>
  return
}

// -----

func.func @sub_channel_block_divides(%x: tensor<5x2xf32>) {
  // expected-error @+1 {{'q.quantize' op dimension 0 of size 5 is not a multiple of its block size 2}}
  %q = q.quantize %x : tensor<5x2xf32> -> tensor<5x2x!quant.uniform<i8:f32:{0:2}, {{1.0}, {2.0}}>>
  return
}

// -----

func.func @sub_channel_scales_shape(%x: tensor<6x2xf32>) {
  // expected-error @+1 {{'q.quantize' op sub-channel type has scales of shape [2x1] but a tensor of shape [6x2] needs [3x1]}}
  %q = q.quantize %x : tensor<6x2xf32> -> tensor<6x2x!quant.uniform<i8:f32:{0:2}, {{1.0}, {2.0}}>>
  return
}

//===----------------------------------------------------------------------===//
// q.constant
//===----------------------------------------------------------------------===//

// -----

func.func @constant_shape() {
  // expected-error @+1 {{'q.constant' op value shape [2] differs from result shape [3]}}
  %c = q.constant dense<[1.0, 2.0]> : tensor<2xf32> : tensor<3xf32>
  return
}

// -----

func.func @constant_element_type() {
  // expected-error @+1 {{'q.constant' op value element type 'f32' does not match 'i32'}}
  %c = q.constant dense<[1.0, 2.0]> : tensor<2xf32> : tensor<2xi32>
  return
}

// -----

// The storage of a quantized tensor, not its expressed type.
func.func @constant_quantized_storage() {
  // expected-error @+1 {{'q.constant' op value element type 'f32' does not match '!quant.uniform<i8:f32, 5.000000e-01>'}}
  %c = q.constant dense<[1.0, 2.0]> : tensor<2xf32> : tensor<2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @constant_integer_width() {
  // expected-error @+1 {{'q.constant' op value element type 'i16' does not match 'ui8'}}
  %c = q.constant dense<[1, 2]> : tensor<2xi16> : tensor<2xui8>
  return
}

// -----

func.func @constant_per_axis() {
  // expected-error @+1 {{'q.constant' op per-axis type has 2 scales but dimension 1 has size 3}}
  %c = q.constant dense<0> : tensor<2x3xi8> : tensor<2x3x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
  return
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

// -----

func.func @quantize_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{'q.quantize' op input and output shapes differ: [4] vs [2x2]}}
  %q = q.quantize %x : tensor<4xf32> -> tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @quantize_expressed_type(%x: tensor<4xf16>) {
  // expected-error @+1 {{'q.quantize' op expressed type 'f32' of the quantized type differs from the float element type 'f16'}}
  %q = q.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @dequantize_shape(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'q.dequantize' op input and output shapes differ: [4] vs [1x4]}}
  %x = q.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<1x4xf32>
  return
}

// -----

func.func @dequantize_expressed_type(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'q.dequantize' op expressed type 'f32' of the quantized type differs from the float element type 'bf16'}}
  %x = q.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xbf16>
  return
}

// -----

func.func @dequantize_per_axis(%q: tensor<4x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.dequantize' op per-axis type has 2 scales but dimension 0 has size 4}}
  %x = q.dequantize %q : tensor<4x!quant.uniform<i8:f32:0, {1.0, 2.0}>> -> tensor<4xf32>
  return
}

// -----

func.func @requantize_shape(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'q.requantize' op input and output shapes differ: [4] vs [8]}}
  %r = q.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<8x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @requantize_expressed_type(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'q.requantize' op input and output expressed types differ: 'f32' vs 'f16'}}
  %r = q.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f16, 0.25>>
  return
}

// -----

func.func @requantize_per_axis_result(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'q.requantize' op per-axis type has 3 scales but dimension 0 has size 4}}
  %r = q.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32:0, {1.0, 2.0, 3.0}>>
  return
}

// -----

func.func @fake_quant_expressed_type(%x: tensor<8xf16>) {
  // expected-error @+1 {{'q.fake_quant' op expressed type 'f32' of quant_type differs from 'f16'}}
  %y = q.fake_quant %x {quant_type = !quant.uniform<i8:f32, 0.1>} : tensor<8xf16>
  return
}

// -----

func.func @fake_quant_per_axis(%x: tensor<8xf32>) {
  // expected-error @+1 {{'q.fake_quant' op quantized dimension 1 is out of range for rank 1}}
  %y = q.fake_quant %x {quant_type = !quant.uniform<i8:f32:1, {0.1, 0.2}>} : tensor<8xf32>
  return
}

// -----

func.func @dynamic_quantize_shape(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'q.dynamic_quantize' op input and output shapes differ: [2x8] vs [16]}}
  %q, %s, %zp = q.dynamic_quantize %x : tensor<2x8xf32> -> tensor<16xui8>, tensor<f32>, tensor<ui8>
  return
}

// -----

func.func @dynamic_quantize_width(%x: tensor<8xf32>) {
  // expected-error @+1 {{'q.dynamic_quantize' op storage type must be 8 bits wide, got 'i16'}}
  %q, %s, %zp = q.dynamic_quantize %x : tensor<8xf32> -> tensor<8xi16>, tensor<f32>, tensor<i16>
  return
}

// -----

func.func @dynamic_quantize_zero_point_type(%x: tensor<8xf32>) {
  // expected-error @+1 {{'q.dynamic_quantize' op zero point element type 'i8' differs from the storage type 'ui8'}}
  %q, %s, %zp = q.dynamic_quantize %x : tensor<8xf32> -> tensor<8xui8>, tensor<f32>, tensor<i8>
  return
}

// -----

func.func @dynamic_quantize_symmetric_unsigned(%x: tensor<8xf32>) {
  // expected-error @+1 {{'q.dynamic_quantize' op symmetric quantization needs a signed storage type}}
  %q, %s, %zp = q.dynamic_quantize %x {symmetric} : tensor<8xf32> -> tensor<8xui8>, tensor<f32>, tensor<ui8>
  return
}

// -----

func.func @dynamic_quantize_axis(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'q.dynamic_quantize' op axis 2 out of range for rank 2}}
  %q, %s, %zp = q.dynamic_quantize %x {axis = 2 : i64} : tensor<2x8xf32> -> tensor<2x8xi8>, tensor<2xf32>, tensor<2xi8>
  return
}

// -----

func.func @dynamic_quantize_param_shape(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'q.dynamic_quantize' op scale and zero point must have shape [8]}}
  %q, %s, %zp = q.dynamic_quantize %x {axis = 1 : i64} : tensor<2x8xf32> -> tensor<2x8xi8>, tensor<2xf32>, tensor<2xi8>
  return
}

// -----

func.func @dynamic_quantize_per_tensor_param_shape(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'q.dynamic_quantize' op scale and zero point must have shape []}}
  %q, %s, %zp = q.dynamic_quantize %x : tensor<2x8xf32> -> tensor<2x8xi8>, tensor<f32>, tensor<1xi8>
  return
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

// -----

func.func @add_no_broadcast(%x: tensor<2x3xf32>, %y: tensor<2xf32>) {
  // expected-error @+1 {{'q.add' op operand shapes [2x3] and [2] do not broadcast}}
  %z = q.add %x, %y : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @sub_result_shape(%x: tensor<2x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{'q.sub' op result shape [3] differs from the broadcast shape [2x3]}}
  %z = q.sub %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @mul_no_broadcast(%x: tensor<4x1xi32>, %y: tensor<3x5xi32>) {
  // expected-error @+1 {{'q.mul' op operand shapes [4x1] and [3x5] do not broadcast}}
  %z = q.mul %x, %y : (tensor<4x1xi32>, tensor<3x5xi32>) -> tensor<4x5xi32>
  return
}

// -----

func.func @div_result_shape(%x: tensor<4x1xf32>, %y: tensor<1x5xf32>) {
  // expected-error @+1 {{'q.div' op result shape [4x1] differs from the broadcast shape [4x5]}}
  %z = q.div %x, %y : (tensor<4x1xf32>, tensor<1x5xf32>) -> tensor<4x1xf32>
  return
}

// -----

func.func @clip_result_type(%x: tensor<8xf32>) {
  // expected-error @+1 {{'q.clip' op result type 'tensor<4x2xf32>' differs from input type 'tensor<8xf32>'}}
  %y = q.clip %x : (tensor<8xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @clip_bound_rank(%x: tensor<8xf32>, %lo: tensor<1xf32>) {
  // expected-error @+1 {{'q.clip' op bounds must be 0-d tensors of 'f32', got 'tensor<1xf32>'}}
  %y = q.clip %x min %lo : (tensor<8xf32>, tensor<1xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @clip_bound_type(%x: tensor<8xi8>, %hi: tensor<i32>) {
  // expected-error @+1 {{'q.clip' op bounds must be 0-d tensors of 'i8', got 'tensor<i32>'}}
  %y = q.clip %x max %hi : (tensor<8xi8>, tensor<i32>) -> tensor<8xi8>
  return
}

// -----

func.func @softmax_axis(%x: tensor<1x10xf32>) {
  // expected-error @+1 {{'q.softmax' op axis 2 out of range for rank 2}}
  %y = q.softmax %x {axis = 2 : i64} : tensor<1x10xf32>
  return
}

// -----

// The importer normalizes negative axes.
func.func @softmax_negative_axis(%x: tensor<1x10xf32>) {
  // expected-error @+1 {{'q.softmax' op axis -1 out of range for rank 2}}
  %y = q.softmax %x {axis = -1 : i64} : tensor<1x10xf32>
  return
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

// -----

func.func @matmul_rank(%a: tensor<f32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'q.matmul' op operands must have rank >= 1}}
  %c = q.matmul %a, %b : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'q.matmul' op contraction dimensions differ: 3 vs 4}}
  %c = q.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) {
  // expected-error @+1 {{'q.matmul' op batch dimensions do not broadcast}}
  %c = q.matmul %a, %b : (tensor<2x3x4xf32>, tensor<3x4x5xf32>) -> tensor<2x3x5xf32>
  return
}

// -----

func.func @matmul_result_shape(%a: tensor<4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'q.matmul' op result shape [1x5] differs from the expected [5]}}
  %c = q.matmul %a, %b : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<1x5xf32>
  return
}

// -----

func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'q.gemm' op A, B and the result must be 2-D}}
  %y = q.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @gemm_element_type(%a: tensor<3x4xf32>, %b: tensor<4x5xf16>) {
  // expected-error @+1 {{'q.gemm' op operands and result must share the element type}}
  %y = q.gemm %a, %b : (tensor<3x4xf32>, tensor<4x5xf16>) -> tensor<3x5xf32>
  return
}

// -----

func.func @gemm_c_element_type(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf16>) {
  // expected-error @+1 {{'q.gemm' op operands and result must share the element type}}
  %y = q.gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf16>) -> tensor<3x5xf32>
  return
}

// -----

// trans_b makes B [5, 4]: K is 4 on one side and 5 on the other.
func.func @gemm_contraction(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+1 {{'q.gemm' op contraction dimensions differ: 5 vs 4}}
  %y = q.gemm %a, %b {trans_b} : (tensor<3x5xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @gemm_result_shape(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'q.gemm' op result shape [4x5] differs from the expected [3x5]}}
  %y = q.gemm %a, %b {trans_a} : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @gemm_c_broadcast(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{'q.gemm' op C of shape [3] does not broadcast to [3x5]}}
  %y = q.gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3xf32>) -> tensor<3x5xf32>
  return
}

// -----

// C broadcasts to the result, not the result to C.
func.func @gemm_c_larger(%a: tensor<1x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x5xf32>) {
  // expected-error @+1 {{'q.gemm' op C of shape [3x5] does not broadcast to [1x5]}}
  %y = q.gemm %a, %b, %c : (tensor<1x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<1x5xf32>
  return
}

// -----

func.func @gemm_c_rank(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<1x3x5xf32>) {
  // expected-error @+1 {{'q.gemm' op C of shape [1x3x5] does not broadcast to [3x5]}}
  %y = q.gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<1x3x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<3x8xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+1 {{'q.conv' op input must be [N, C, D1, ...], got rank 2}}
  %y = q.conv %x, %w {dilations = array<i64>, group = 1 : i64, pads = array<i64>, strides = array<i64>} : (tensor<3x8xf32>, tensor<4x3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @conv_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op input, weight and output must have the same rank}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_element_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{'q.conv' op operands and result must share the element type}}
  %y = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf16>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_attr_sizes(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op expects 2 strides and dilations and 4 pads}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_stride_positive(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op strides and dilations must be positive and pads non-negative}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_pads_non_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op strides and dilations must be positive and pads non-negative}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: -1, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x5x6xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op input has 4 channels but weight expects 3 per group x 1 groups}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_output_channels_group(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op output channels 6 are not divisible by group 4}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv_bias_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{'q.conv' op bias must be [4], got 'tensor<1x4xf32>'}}
  %y = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_window_too_large(%x: tensor<1x3x2x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op window of 3 elements does not fit in dimension 2 of size 2 padded to 2}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x0x6xf32>
  return
}

// -----

// (8 + 1 + 1 - 3) / 2 + 1 = 4.
func.func @conv_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op result shape [1x4x8x8] differs from the expected [1x4x4x4]}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @batch_norm_rank(%x: tensor<8xf32>, %p: tensor<8xf32>) {
  // expected-error @+1 {{'q.batch_norm' op input must be [N, C, ...]}}
  %y = q.batch_norm %x, %p, %p, %p, %p : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @batch_norm_result_type(%x: tensor<1x8x4x4xf32>, %p: tensor<8xf32>) {
  // expected-error @+1 {{'q.batch_norm' op result type must equal the input type}}
  %y = q.batch_norm %x, %p, %p, %p, %p : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<1x8x4x4xf32>, %p: tensor<8xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'q.batch_norm' op scale, bias, mean and variance must be [8] of 'f32', got 'tensor<4xf32>'}}
  %y = q.batch_norm %x, %p, %p, %p, %v : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @batch_norm_param_type(%x: tensor<1x8x4x4xf32>, %p: tensor<8xf32>, %s: tensor<8xf16>) {
  // expected-error @+1 {{'q.batch_norm' op scale, bias, mean and variance must be [8] of 'f32', got 'tensor<8xf16>'}}
  %y = q.batch_norm %x, %s, %p, %p, %p : (tensor<1x8x4x4xf32>, tensor<8xf16>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// -----

func.func @max_pool_rank(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'q.max_pool' op input and output must be [N, C, D1, ...]}}
  %y = q.max_pool %x {ceil_mode = false, dilations = array<i64>, kernel_shape = array<i64>, pads = array<i64>, strides = array<i64>} : tensor<8x8xf32> -> tensor<8x8xf32>
  return
}

// -----

func.func @max_pool_output_rank(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{'q.max_pool' op input and output must be [N, C, D1, ...]}}
  %y = q.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x4x4xf32> -> tensor<1x8x4xf32>
  return
}

// -----

func.func @max_pool_attr_sizes(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{'q.max_pool' op expects 2 kernel sizes, strides and dilations and 4 pads}}
  %y = q.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x4x4xf32> -> tensor<1x8x2x2xf32>
  return
}

// -----

func.func @max_pool_kernel_positive(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{'q.max_pool' op kernel sizes, strides and dilations must be positive and pads non-negative}}
  %y = q.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 0, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x4x4xf32> -> tensor<1x8x2x2xf32>
  return
}

// -----

func.func @max_pool_pads_smaller_than_kernel(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{'q.max_pool' op pads must be smaller than the kernel}}
  %y = q.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 2>, strides = array<i64: 2, 2>} : tensor<1x8x4x4xf32> -> tensor<1x8x2x3xf32>
  return
}

// -----

// Dilation 4 spreads a 2-wide kernel over 5 elements.
func.func @max_pool_dilated_window(%x: tensor<1x8x4xf32>) {
  // expected-error @+1 {{'q.max_pool' op window of 5 elements does not fit in dimension 2 of size 4 padded to 4}}
  %y = q.max_pool %x {ceil_mode = false, dilations = array<i64: 4>, kernel_shape = array<i64: 2>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : tensor<1x8x4xf32> -> tensor<1x8x1xf32>
  return
}

// -----

func.func @max_pool_result_shape(%x: tensor<1x8x5x5xf32>) {
  // expected-error @+1 {{'q.max_pool' op result shape [1x8x3x3] differs from the expected [1x8x2x2]}}
  %y = q.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x5x5xf32> -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @average_pool_dilation_positive(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{'q.average_pool' op kernel sizes, strides and dilations must be positive and pads non-negative}}
  %y = q.average_pool %x {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, -1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x4x4xf32> -> tensor<1x8x2x2xf32>
  return
}

// -----

// ceil_mode: the window that would start in the end padding is dropped.
func.func @average_pool_ceil_result_shape(%x: tensor<1x1x4xf32>) {
  // expected-error @+1 {{'q.average_pool' op result shape [1x1x2] differs from the expected [1x1x1]}}
  %y = q.average_pool %x {ceil_mode = true, count_include_pad = true, dilations = array<i64: 1>, kernel_shape = array<i64: 2>, pads = array<i64: 0, 1>, strides = array<i64: 4>} : tensor<1x1x4xf32> -> tensor<1x1x2xf32>
  return
}

// -----

func.func @global_average_pool_rank(%x: tensor<1x16xf32>) {
  // expected-error @+1 {{'q.global_average_pool' op input must be [N, C, D1, ...]}}
  %y = q.global_average_pool %x : tensor<1x16xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @global_average_pool_result_shape(%x: tensor<1x16x8x8xf32>) {
  // expected-error @+1 {{'q.global_average_pool' op result shape [1x16] differs from the expected [1x16x1x1]}}
  %y = q.global_average_pool %x : tensor<1x16x8x8xf32> -> tensor<1x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.reshape' op cannot reshape [2x3] (6 elements) to [4] (4 elements)}}
  %y = q.reshape %x : tensor<2x3xf32> -> tensor<4xf32>
  return
}

// -----

func.func @reshape_per_axis_scales(%q: tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.reshape' op per-axis type has 2 scales but dimension 0 has size 3}}
  %y = q.reshape %q : tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>> -> tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  return
}

// -----

// Dimension 1 keeps its size, but not the count of elements after it, so
// rows move to other channels.
func.func @reshape_per_axis_channels(%q: tensor<2x2x3x!quant.uniform<i8:f32:1, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.reshape' op reshape from [2x2x3] to [3x2x2] moves elements across quantized dimension 1}}
  %y = q.reshape %q : tensor<2x2x3x!quant.uniform<i8:f32:1, {1.0, 2.0}>> -> tensor<3x2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
  return
}

// -----

func.func @reshape_per_axis_drops_dim(%q: tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.reshape' op quantized dimension 1 is out of range for rank 1}}
  %y = q.reshape %q : tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>> -> tensor<6x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
  return
}

// -----

func.func @flatten_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.flatten' op axis 3 out of range [0, 2]}}
  %y = q.flatten %x {axis = 3 : i64} : tensor<2x3xf32> -> tensor<6x1xf32>
  return
}

// -----

func.func @flatten_result_shape(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'q.flatten' op result shape [2x12] differs from the expected [6x4]}}
  %y = q.flatten %x {axis = 2 : i64} : tensor<2x3x4xf32> -> tensor<2x12xf32>
  return
}

// -----

func.func @flatten_per_axis_scales(%q: tensor<2x3x4x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>) {
  // expected-error @+1 {{'q.flatten' op per-axis type has 3 scales but dimension 1 has size 4}}
  %y = q.flatten %q {axis = 2 : i64} : tensor<2x3x4x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>> -> tensor<6x4x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0}>>
  return
}

// -----

// Both types fit their shapes, but element (0, i, j) lands in channel j.
func.func @flatten_per_axis_channels(%q: tensor<1x2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.flatten' op reshape from [1x2x2] to [2x2] moves elements across quantized dimension 1}}
  %y = q.flatten %q {axis = 2 : i64} : tensor<1x2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>> -> tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
  return
}

// -----

func.func @transpose_perm_size(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.transpose' op perm has 3 entries for rank 2}}
  %y = q.transpose %x {perm = array<i64: 1, 0, 2>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.transpose' op perm is not a permutation of [0, 2)}}
  %y = q.transpose %x {perm = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_result_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.transpose' op result shape [2x3] differs from the expected [3x2]}}
  %y = q.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_moves_quantized_dim(%q: tensor<2x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.transpose' op perm moves quantized dimension 0}}
  %y = q.transpose %q {perm = array<i64: 1, 0>} : tensor<2x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>> -> tensor<2x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  return
}

// -----

func.func @transpose_moves_block_dim(%q: tensor<4x4x!quant.uniform<i8:f32:{0:2}, {{1.0}, {2.0}}>>) {
  // expected-error @+1 {{'q.transpose' op perm moves quantized dimension 0}}
  %y = q.transpose %q {perm = array<i64: 1, 0>} : tensor<4x4x!quant.uniform<i8:f32:{0:2}, {{1.0}, {2.0}}>> -> tensor<4x4x!quant.uniform<i8:f32:{0:2}, {{1.0}, {2.0}}>>
  return
}

// -----

func.func @transpose_quantized_scales(%q: tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.transpose' op per-axis type has 2 scales but dimension 0 has size 3}}
  %y = q.transpose %q {perm = array<i64: 1, 0>} : tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>> -> tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  return
}

// -----

// The ODS trait rejects an empty operand list before the verifier's
// "needs at least one input".
func.func @concat_no_input() {
  // expected-error @+1 {{'q.concat' op expected 1 or more operands, but found 0}}
  %y = q.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<1x2xf32>) {
  // expected-error @+1 {{'q.concat' op axis 2 out of range for rank 2}}
  %y = q.concat %a, %a {axis = 2 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<1x2xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'q.concat' op inputs must have the same rank}}
  %y = q.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @concat_other_dim(%a: tensor<1x2xf32>, %b: tensor<3x2xf32>) {
  // expected-error @+1 {{'q.concat' op inputs differ in dimension 0 (1 vs 3)}}
  %y = q.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<3x2xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @concat_result_shape(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>) {
  // expected-error @+1 {{'q.concat' op result shape [1x6] differs from the expected [1x5]}}
  %y = q.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x6xf32>
  return
}

// -----

func.func @concat_quantized_dim(%a: tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.concat' op cannot concatenate along quantized dimension 0 (the scales are part of the element type)}}
  %y = q.concat %a, %a {axis = 0 : i64} : (tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>>, tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) -> tensor<4x3x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  return
}

// -----

func.func @concat_quantized_scales(%a: tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) {
  // expected-error @+1 {{'q.concat' op per-axis type has 2 scales but dimension 0 has size 3}}
  %y = q.concat %a, %a {axis = 1 : i64} : (tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>, tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) -> tensor<3x4x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  return
}

//===----------------------------------------------------------------------===//
// !q.codebook
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{codebook storage must be 2 to 8 bits wide, got 'i1'}}
func.func @codebook_width(%w: !q.codebook<"bits", i1:f32, block = 8, [0.0, 1.0]>)

// -----

// expected-error @+1 {{codebook storage must be 2 to 8 bits wide, got 'i16'}}
func.func @codebook_wide(%w: !q.codebook<"wide", i16:f32, block = 8, [0.0, 1.0]>)

// -----

// expected-error @+1 {{codebook of 'i2' needs 4 values, got 3}}
func.func @codebook_count(%w: !q.codebook<"short", i2:f32, block = 8, [0.0, 0.5, 1.0]>)

// -----

// The builtin tables have 16 entries.
// expected-error @+1 {{codebook of 'i3' needs 8 values, got 16}}
func.func @codebook_named_width(%w: !q.codebook<nf4, i3:f32, block = 64>)

// -----

// expected-error @+1 {{codebook values must be finite}}
func.func @codebook_finite(%w: !q.codebook<"inf", i2:f32, block = 8, [0.0, 0.5, 1.0, 0x7FF0000000000000]>)

// -----

// expected-error @+1 {{codebook block size must be positive, got 0}}
func.func @codebook_block(%w: !q.codebook<nf4, i4:f32, block = 0>)

// -----

// expected-error @+1 {{codebook 'fp4' does not match the builtin table of that name}}
func.func @codebook_named_mismatch(%w: !q.codebook<"fp4", i2:f32, block = 8, [0.0, 0.5, 1.0, 1.5]>)

// -----

// fp4's code 8 is -0.0; +0.0 is another table.
// expected-error @+2 {{codebook 'fp4' does not match the builtin table of that name}}
func.func @codebook_fp4_positive_zero(
    %w: !q.codebook<"fp4", i4:f32, block = 64, [0.0, 0.005208333333333333, 0.6666666666666666, 1.0,
        0.3333333333333333, 0.5, 0.16666666666666666, 0.25, 0.0, -0.005208333333333333, -0.6666666666666666, -1.0, -0.3333333333333333, -0.5, -0.16666666666666666, -0.25]>)

// -----

// expected-error @+1 {{unknown codebook 'nf3': write its values out}}
func.func @codebook_unknown(%w: !q.codebook<nf3, i4:f32, block = 64>)

// -----

// expected-error @+1 {{codebook storage type must be an integer type, got 'f32'}}
func.func @codebook_storage_not_integer(%w: !q.codebook<nf4, f32:f32, block = 64>)

// -----

// expected-error @+1 {{codebook expressed type must be a float type, got 'i32'}}
func.func @codebook_expressed_not_float(%w: !q.codebook<nf4, i4:i32, block = 64>)

//===----------------------------------------------------------------------===//
// ODS constraints
//===----------------------------------------------------------------------===//

// -----

func.func @sigmoid_integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{'q.sigmoid' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<4xi32>'}}
  %y = q.sigmoid %x : tensor<4xi32>
  return
}

// -----

// Shapes are static in q.
func.func @relu_dynamic(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{'q.relu' op operand #0 must be statically shaped tensor of floating-point or integer values, but got 'tensor<?x4xf32>'}}
  %y = q.relu %x : tensor<?x4xf32>
  return
}

// -----

func.func @reshape_dynamic(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'q.reshape' op result #0 must be statically shaped tensor of any type values, but got 'tensor<?xf32>'}}
  %y = q.reshape %x : tensor<2x3xf32> -> tensor<?xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op attribute 'group' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_missing_attr(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'q.conv' op requires attribute 'strides'}}
  %y = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @matmul_integer(%a: tensor<2x3xi8>, %b: tensor<3x4xi8>) {
  // expected-error @+1 {{'q.matmul' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<2x3xi8>'}}
  %c = q.matmul %a, %b : (tensor<2x3xi8>, tensor<3x4xi8>) -> tensor<2x4xi8>
  return
}

// -----

func.func @add_element_types(%x: tensor<4xf32>, %y: tensor<4xf16>) {
  // expected-error @+1 {{'q.add' op requires the same element type for all operands and results}}
  %z = q.add %x, %y : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @add_quantized(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'q.add' op operand #0 must be statically shaped tensor of floating-point or integer values, but got 'tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>'}}
  %z = q.add %x, %x : (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

// !quant.any carries no scale.
func.func @quantize_any(%x: tensor<4xf32>) {
  // expected-error @+1 {{'q.quantize' op result #0 must be statically shaped tensor of uniform quantized type values, but got 'tensor<4x!quant.any<i8:f32>>'}}
  %q = q.quantize %x : tensor<4xf32> -> tensor<4x!quant.any<i8:f32>>
  return
}

// -----

func.func @quantize_integer_input(%x: tensor<4xi32>) {
  // expected-error @+1 {{'q.quantize' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<4xi32>'}}
  %q = q.quantize %x : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @fake_quant_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{'q.fake_quant' op attribute 'quant_type' failed to satisfy constraint: type attribute of uniform quantized type}}
  %y = q.fake_quant %x {quant_type = i8} : tensor<4xf32>
  return
}

// -----

func.func @average_pool_integer(%x: tensor<1x8x4x4xi8>) {
  // expected-error @+1 {{'q.average_pool' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<1x8x4x4xi8>'}}
  %y = q.average_pool %x {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x4x4xi8> -> tensor<1x8x2x2xi8>
  return
}

// -----

func.func @dynamic_quantize_scale_type(%x: tensor<8xf32>) {
  // expected-error @+1 {{'q.dynamic_quantize' op result #1 must be statically shaped tensor of 32-bit float values, but got 'tensor<f16>'}}
  %q, %s, %zp = q.dynamic_quantize %x : tensor<8xf32> -> tensor<8xui8>, tensor<f16>, tensor<ui8>
  return
}
