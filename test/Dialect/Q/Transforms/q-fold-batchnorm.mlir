// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-fold-batchnorm))' | FileCheck %s
// Tests lib/Dialect/Q/Transforms/FoldBatchNorm.cpp.

// W'[m] = W[m] * s[m] / sqrt(v[m] + eps), b'[m] = (b[m] - mean[m]) * s[m] /
// sqrt(v[m] + eps) + t[m]: channel 0 has factor 2 / sqrt(3 + 1) = 1, channel
// 1 has factor 3 / sqrt(0 + 1) = 3.
// CHECK-LABEL: func.func @fold
// CHECK-DAG: %[[W:.*]] = q.constant dense<{{.*}}1.000000e+00]], {{.*}}2.000000e+00]]], {{.*}}9.000000e+00]], {{.*}}1.200000e+01]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: %[[B:.*]] = q.constant dense<[1.500000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = q.conv %arg0, %[[W]], %[[B]]
// CHECK-NOT: q.batch_norm
// CHECK: return %[[Y]]
func.func @fold(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = q.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32> : tensor<2x2x1x1xf32>
  %b = q.constant dense<[1.0, 2.0]> : tensor<2xf32> : tensor<2xf32>
  %s = q.constant dense<[2.0, 3.0]> : tensor<2xf32> : tensor<2xf32>
  %t = q.constant dense<[0.5, -1.0]> : tensor<2xf32> : tensor<2xf32>
  %m = q.constant dense<[0.0, 2.0]> : tensor<2xf32> : tensor<2xf32>
  %v = q.constant dense<[3.0, 0.0]> : tensor<2xf32> : tensor<2xf32>
  %c = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = q.batch_norm %c, %s, %t, %m, %v {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A conv without bias gets one: b' = -mean * factor + t.
// CHECK-LABEL: func.func @no_bias
// CHECK-DAG: q.constant dense<[-2.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK-NOT: q.batch_norm
func.func @no_bias(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = q.constant dense<1.0> : tensor<2x2x1x1xf32> : tensor<2x2x1x1xf32>
  %s = q.constant dense<[1.0, 1.0]> : tensor<2xf32> : tensor<2xf32>
  %t = q.constant dense<[0.0, 1.0]> : tensor<2xf32> : tensor<2xf32>
  %m = q.constant dense<[2.0, 0.0]> : tensor<2xf32> : tensor<2xf32>
  %v = q.constant dense<[1.0, 1.0]> : tensor<2xf32> : tensor<2xf32>
  %c = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = q.batch_norm %c, %s, %t, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A conv with another use, or parameters that are not constants, stays.
// CHECK-LABEL: func.func @not_folded
// CHECK-COUNT-2: q.batch_norm
func.func @not_folded(%x: tensor<1x2x4x4xf32>, %s: tensor<2xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = q.constant dense<1.0> : tensor<2x2x1x1xf32> : tensor<2x2x1x1xf32>
  %p = q.constant dense<[1.0, 1.0]> : tensor<2xf32> : tensor<2xf32>
  %c = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = q.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %c2 = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y2 = q.batch_norm %c2, %s, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c, %y2 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
