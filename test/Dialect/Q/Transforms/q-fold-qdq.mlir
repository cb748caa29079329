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

// A bias whose scale is not s_x * s_w, or a float result used elsewhere,
// keeps the float op.
// CHECK-LABEL: func.func @not_folded
// CHECK: q.conv %
// CHECK: q.matmul %
// CHECK-NOT: _integer
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
