// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-fold-qdq))' | FileCheck %s

// A QDQ conv with per-channel weights and an int32 bias of scale s_x * s_w:
// integer conv on the storage values, the bias added in i32, requantized
// with s_x * s_w / s_y per channel (0.02 * 0.01 / 0.05 = 0.004, 0.008).
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[ZX:.*]] = q.constant dense<-128> : tensor<i8> : tensor<ui8>
// CHECK-DAG: %[[ZY:.*]] = q.constant dense<100> : tensor<i8> : tensor<ui8>
// CHECK-DAG: %[[M:.*]] = q.constant dense<[0.00399999972, 0.00799999944]> : tensor<2xf32>
// CHECK-DAG: %[[XS:.*]] = q.storage_cast %arg0 : {{.*}} -> tensor<1x3x8x8xui8>
// CHECK-DAG: %[[WS:.*]] = q.storage_cast %arg1 : {{.*}} -> tensor<2x3x3x3xi8>
// CHECK-DAG: %[[ACC:.*]] = q.conv_integer %[[XS]], %[[WS]] input_zero_point(%[[ZX]])
// CHECK-DAG: %[[B:.*]] = q.reshape %{{.*}} : tensor<2xi32> -> tensor<2x1x1xi32>
// CHECK-DAG: %[[SUM:.*]] = q.add %[[ACC]], %[[B]]
// CHECK-DAG: %[[YS:.*]] = q.requantize_linear %[[SUM]], %[[M]], %[[ZY]] {axis = 1 : i64} : (tensor<1x2x8x8xi32>, tensor<2xf32>, tensor<ui8>) -> tensor<1x2x8x8xui8>
// CHECK: %[[Y:.*]] = q.storage_cast %[[YS]] : tensor<1x2x8x8xui8> -> tensor<1x2x8x8x!quant.uniform<u8:f32, 5.000000e-02:100>>
// CHECK: return %[[Y]]
// CHECK-NOT: q.conv %
func.func @conv(%xq: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, %wq: tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>, %bq: tensor<2x!quant.uniform<i32:f32:0, {0.0002, 0.0004}>>) -> tensor<1x2x8x8x!quant.uniform<u8:f32, 0.05:100>> {
  %x = q.dequantize %xq : tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>> -> tensor<1x3x8x8xf32>
  %w = q.dequantize %wq : tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>> -> tensor<2x3x3x3xf32>
  %b = q.dequantize %bq : tensor<2x!quant.uniform<i32:f32:0, {0.0002, 0.0004}>> -> tensor<2xf32>
  %c = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) -> tensor<1x2x8x8xf32>
  %y = q.quantize %c : tensor<1x2x8x8xf32> -> tensor<1x2x8x8x!quant.uniform<u8:f32, 0.05:100>>
  return %y : tensor<1x2x8x8x!quant.uniform<u8:f32, 0.05:100>>
}

// -----

// A QDQ matmul with a per-tensor int8 weight: one multiplier, no axis.
// CHECK-LABEL: func.func @matmul
// CHECK: q.matmul_integer {{.*}} : (tensor<4x3xi8>, tensor<3x5xi8>, tensor<i8>) -> tensor<4x5xi32>
// CHECK: q.requantize_linear {{.*}} : (tensor<4x5xi32>, tensor<f32>) -> tensor<4x5xi8>
func.func @matmul(%xq: tensor<4x3x!quant.uniform<i8:f32, 0.1:3>>, %wq: tensor<3x5x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x5x!quant.uniform<i8:f32, 0.25>> {
  %x = q.dequantize %xq : tensor<4x3x!quant.uniform<i8:f32, 0.1:3>> -> tensor<4x3xf32>
  %w = q.dequantize %wq : tensor<3x5x!quant.uniform<i8:f32, 0.5>> -> tensor<3x5xf32>
  %c = q.matmul %x, %w : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  %y = q.quantize %c : tensor<4x5xf32> -> tensor<4x5x!quant.uniform<i8:f32, 0.25>>
  return %y : tensor<4x5x!quant.uniform<i8:f32, 0.25>>
}

// -----

// A bias whose scale is not s_x * s_w keeps the float op. A float result
// used elsewhere too is computed once in integers and dequantized; the
// quantize reads that.
// CHECK-LABEL: func.func @not_folded
// CHECK: q.conv %
// CHECK-NOT: q.conv_integer
// CHECK: %[[ACC:.*]] = q.matmul_integer
// CHECK: %[[F:.*]] = q.dequantize_linear %[[ACC]]
// CHECK: %[[Q:.*]] = q.quantize %[[F]]
// CHECK: return %{{.*}}, %[[Q]], %[[F]]
func.func @not_folded(%xq: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, %wq: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %bq: tensor<2x!quant.uniform<i32:f32, 0.5>>,
                      %mq: tensor<4x3x!quant.uniform<i8:f32, 0.1>>, %nq: tensor<3x5x!quant.uniform<i8:f32, 0.5>>) -> (tensor<1x2x8x8x!quant.uniform<u8:f32, 0.05:100>>, tensor<4x5x!quant.uniform<i8:f32, 0.25>>, tensor<4x5xf32>) {
  %x = q.dequantize %xq : tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>> -> tensor<1x3x8x8xf32>
  %w = q.dequantize %wq : tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>> -> tensor<2x3x3x3xf32>
  %b = q.dequantize %bq : tensor<2x!quant.uniform<i32:f32, 0.5>> -> tensor<2xf32>
  %c = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) -> tensor<1x2x8x8xf32>
  %y = q.quantize %c : tensor<1x2x8x8xf32> -> tensor<1x2x8x8x!quant.uniform<u8:f32, 0.05:100>>
  %m = q.dequantize %mq : tensor<4x3x!quant.uniform<i8:f32, 0.1>> -> tensor<4x3xf32>
  %n = q.dequantize %nq : tensor<3x5x!quant.uniform<i8:f32, 0.5>> -> tensor<3x5xf32>
  %p = q.matmul %m, %n : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  %pq = q.quantize %p : tensor<4x5xf32> -> tensor<4x5x!quant.uniform<i8:f32, 0.25>>
  return %y, %pq, %p : tensor<1x2x8x8x!quant.uniform<u8:f32, 0.05:100>>, tensor<4x5x!quant.uniform<i8:f32, 0.25>>, tensor<4x5xf32>
}

// -----

// q-quantize's form: the float result is used as is. Integer conv, the i32
// bias, then dequantize_linear by s_x * s_w per channel (4 * 0.01, 4 * 0.02).
// CHECK-LABEL: func.func @float_output
// CHECK-DAG: %[[S:.*]] = q.constant dense<[4.000000e-02, 8.000000e-02]> : tensor<2xf32>
// CHECK: %[[ACC:.*]] = q.conv_integer
// CHECK: %[[SUM:.*]] = q.add %[[ACC]], %{{.*}} : (tensor<1x2x4x4xi32>, tensor<2x1x1xi32>) -> tensor<1x2x4x4xi32>
// CHECK: %[[Y:.*]] = q.dequantize_linear %[[SUM]], %[[S]] {axis = 1 : i64} : (tensor<1x2x4x4xi32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
// CHECK: return %[[Y]]
func.func @float_output(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %xq = q.quantize %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 4.0:5>>
  %xd = q.dequantize %xq : tensor<1x2x4x4x!quant.uniform<u8:f32, 4.0:5>> -> tensor<1x2x4x4xf32>
  %w = q.constant dense<[[[[127]], [[-64]]], [[[127]], [[0]]]]> : tensor<2x2x1x1xi8> : tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %wd = q.dequantize %w : tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>> -> tensor<2x2x1x1xf32>
  %b = q.constant dense<[10, -25]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32:0, {0.04, 0.08}>>
  %bd = q.dequantize %b : tensor<2x!quant.uniform<i32:f32:0, {0.04, 0.08}>> -> tensor<2xf32>
  %y = q.conv %xd, %wd, %bd {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A gemm (no transposes) with an i32 bias folds like a matmul.
// CHECK-LABEL: func.func @gemm
// CHECK: %[[ACC:.*]] = q.matmul_integer {{.*}} : (tensor<1x3xui8>, tensor<3x2xi8>) -> tensor<1x2xi32>
// CHECK: %[[SUM:.*]] = q.add %[[ACC]], %{{.*}} : (tensor<1x2xi32>, tensor<2xi32>) -> tensor<1x2xi32>
// CHECK: q.dequantize_linear %[[SUM]], %{{.*}} {axis = 1 : i64}
// CHECK-NOT: q.gemm
func.func @gemm(%x: tensor<1x3x!quant.uniform<u8:f32, 0.5>>) -> tensor<1x2xf32> {
  %xd = q.dequantize %x : tensor<1x3x!quant.uniform<u8:f32, 0.5>> -> tensor<1x3xf32>
  %w = q.constant dense<[[42, -127], [85, 64], [127, 32]]> : tensor<3x2xi8> : tensor<3x2x!quant.uniform<i8:f32:1, {0.25, 0.125}>>
  %wd = q.dequantize %w : tensor<3x2x!quant.uniform<i8:f32:1, {0.25, 0.125}>> -> tensor<3x2xf32>
  %b = q.constant dense<[540, 3238]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %bd = q.dequantize %b : tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>> -> tensor<2xf32>
  %y = q.gemm %xd, %wd, %bd : (tensor<1x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A requantize chain: conv -> relu -> quantize -> conv. The ReLU is what
// the uint8 output (zero point 0) saturates anyway, so it goes; the first
// conv requantizes straight to the second one's input.
// CHECK-LABEL: func.func @relu_chain
// CHECK: %[[A:.*]] = q.conv_integer
// CHECK: %[[AQ:.*]] = q.requantize_linear %[[A]], %{{.*}} {axis = 1 : i64} : (tensor<1x2x4x4xi32>, tensor<2xf32>) -> tensor<1x2x4x4xui8>
// CHECK: %[[B:.*]] = q.conv_integer %[[AQ]]
// CHECK: q.dequantize_linear %[[B]]
// CHECK-NOT: q.relu
// CHECK-NOT: q.quantize
func.func @relu_chain(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:10>>) -> tensor<1x2x4x4xf32> {
  %xd = q.dequantize %x : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:10>> -> tensor<1x2x4x4xf32>
  %w = q.constant dense<[[[[127]], [[-64]]], [[[127]], [[0]]]]> : tensor<2x2x1x1xi8> : tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %wd = q.dequantize %w : tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>> -> tensor<2x2x1x1xf32>
  %a = q.conv %xd, %wd {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = q.relu %a : tensor<1x2x4x4xf32>
  %rq = q.quantize %r : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.05>>
  %rd = q.dequantize %rq : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.05>> -> tensor<1x2x4x4xf32>
  %y = q.conv %rd, %wd {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Clip(0, 6) into uint8 of scale 6/255 and zero point 0 saturates at the
// same bounds: subsumed. Clip(-1, 1) into a wider range [-2, 2] is not, and
// neither is a ReLU before an int8 output whose zero point is not -128.
// CHECK-LABEL: func.func @activations
// CHECK: q.requantize_linear {{.*}} -> tensor<1x2xui8>
// CHECK: q.clip
// CHECK: q.quantize
// CHECK: q.relu
// CHECK: q.quantize
func.func @activations(%x: tensor<1x3x!quant.uniform<u8:f32, 0.5>>) -> (tensor<1x2x!quant.uniform<u8:f32, 0.023529412>>, tensor<1x2x!quant.uniform<u8:f32, 0.015686275:128>>, tensor<1x2x!quant.uniform<i8:f32, 0.1:-100>>) {
  %xd = q.dequantize %x : tensor<1x3x!quant.uniform<u8:f32, 0.5>> -> tensor<1x3xf32>
  %w = q.constant dense<[[42, -127], [85, 64], [127, 32]]> : tensor<3x2xi8> : tensor<3x2x!quant.uniform<i8:f32, 0.25>>
  %wd = q.dequantize %w : tensor<3x2x!quant.uniform<i8:f32, 0.25>> -> tensor<3x2xf32>
  %lo = q.constant dense<0.0> : tensor<f32> : tensor<f32>
  %hi = q.constant dense<6.0> : tensor<f32> : tensor<f32>
  %m1 = q.constant dense<-1.0> : tensor<f32> : tensor<f32>
  %p1 = q.constant dense<1.0> : tensor<f32> : tensor<f32>
  %a = q.matmul %xd, %wd : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %ac = q.clip %a min %lo max %hi : (tensor<1x2xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2xf32>
  %aq = q.quantize %ac : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, 0.023529412>>
  %b = q.matmul %xd, %wd : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %bc = q.clip %b min %m1 max %p1 : (tensor<1x2xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2xf32>
  %bq = q.quantize %bc : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, 0.015686275:128>>
  %c = q.matmul %xd, %wd : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %cr = q.relu %c : tensor<1x2xf32>
  %cq = q.quantize %cr : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1:-100>>
  return %aq, %bq, %cq : tensor<1x2x!quant.uniform<u8:f32, 0.023529412>>, tensor<1x2x!quant.uniform<u8:f32, 0.015686275:128>>, tensor<1x2x!quant.uniform<i8:f32, 0.1:-100>>
}

// -----

// conv -> relu -> max_pool -> reshape -> quantize -> matmul: the quantize
// moves up through the reshape and the max pool (exact: quantization is
// monotonic), the ReLU is subsumed, and the whole chain runs on uint8.
// CHECK-LABEL: func.func @through_pool
// CHECK: %[[A:.*]] = q.conv_integer
// CHECK: %[[AQ:.*]] = q.requantize_linear %[[A]]
// CHECK: %[[P:.*]] = q.max_pool %[[AQ]] {{.*}} : tensor<1x2x4x4xui8> -> tensor<1x2x2x2xui8>
// CHECK: %[[R:.*]] = q.reshape %[[P]] : tensor<1x2x2x2xui8> -> tensor<1x8xui8>
// CHECK: q.matmul_integer %[[R]]
// CHECK-NOT: q.quantize
// CHECK-NOT: q.dequantize %
func.func @through_pool(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:10>>) -> tensor<1x2xf32> {
  %xd = q.dequantize %x : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:10>> -> tensor<1x2x4x4xf32>
  %w = q.constant dense<[[[[127]], [[-64]]], [[[127]], [[0]]]]> : tensor<2x2x1x1xi8> : tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %wd = q.dequantize %w : tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>> -> tensor<2x2x1x1xf32>
  %a = q.conv %xd, %wd {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = q.relu %a : tensor<1x2x4x4xf32>
  %p = q.max_pool %r {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %f = q.reshape %p : tensor<1x2x2x2xf32> -> tensor<1x8xf32>
  %fq = q.quantize %f : tensor<1x8xf32> -> tensor<1x8x!quant.uniform<u8:f32, 0.05>>
  %fd = q.dequantize %fq : tensor<1x8x!quant.uniform<u8:f32, 0.05>> -> tensor<1x8xf32>
  %m = q.constant dense<1> : tensor<8x2xi8> : tensor<8x2x!quant.uniform<i8:f32, 0.5>>
  %md = q.dequantize %m : tensor<8x2x!quant.uniform<i8:f32, 0.5>> -> tensor<8x2xf32>
  %y = q.matmul %fd, %md : (tensor<1x8xf32>, tensor<8x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A dequantized value read through a reshape: the dequantize moves down to
// the matmul (ONNX Runtime's DQ -> Reshape -> MatMul).
// CHECK-LABEL: func.func @dq_reshape
// CHECK: %[[R:.*]] = q.reshape %{{.*}} : tensor<2x2x2xi8> -> tensor<4x2xi8>
// CHECK: q.matmul_integer %[[R]]
func.func @dq_reshape(%x: tensor<2x2x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x2xf32> {
  %xd = q.dequantize %x : tensor<2x2x2x!quant.uniform<i8:f32, 0.1>> -> tensor<2x2x2xf32>
  %f = q.reshape %xd : tensor<2x2x2xf32> -> tensor<4x2xf32>
  %m = q.constant dense<1> : tensor<2x2xi8> : tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  %md = q.dequantize %m : tensor<2x2x!quant.uniform<i8:f32, 0.5>> -> tensor<2x2xf32>
  %y = q.matmul %f, %md : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A float bias (a QAT export's) is quantized to i32 with s_x * s_w,
// saturating: 1e12 / 1e-3 does not fit and becomes INT32_MAX (INT32_MIN).
// CHECK-LABEL: func.func @float_bias_saturates
// CHECK: q.constant dense<{{\[\[\[}}2147483647]], {{\[\[}}-2147483648]]]> : tensor<2x1x1xi32>
// CHECK: q.conv_integer
func.func @float_bias_saturates(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %q = q.quantize %x : tensor<1x1x2x2xf32> -> tensor<1x1x2x2x!quant.uniform<u8:f32, 1.000000e+00>>
  %xd = q.dequantize %q : tensor<1x1x2x2x!quant.uniform<u8:f32, 1.000000e+00>> -> tensor<1x1x2x2xf32>
  %wq = q.constant dense<1> : tensor<2x1x1x1xi8> : tensor<2x1x1x1x!quant.uniform<i8:f32, 1.000000e-03>>
  %wd = q.dequantize %wq : tensor<2x1x1x1x!quant.uniform<i8:f32, 1.000000e-03>> -> tensor<2x1x1x1xf32>
  %b = q.constant dense<[1.0e12, -1.0e12]> : tensor<2xf32> : tensor<2xf32>
  %y = q.conv %xd, %wd, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
