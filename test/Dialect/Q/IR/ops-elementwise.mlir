// RUN: qopt %s | qopt | FileCheck %s
// RUN: qopt %s --mlir-print-op-generic | qopt | FileCheck %s

// Round trip of the element-wise ops QElementwiseOps.td adds to q.add,
// q.relu, q.clip and q.softmax (those are in ops.mlir).

// CHECK-LABEL: func.func @min_max_pow
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<3xf32>, %[[U:.*]]: tensor<2x1xui8>, %[[V:.*]]: tensor<3xui8>, %[[E:.*]]: tensor<3xi64>)
func.func @min_max_pow(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %u: tensor<2x1xui8>,
                       %v: tensor<3xui8>, %e: tensor<3xi64>)
    -> (tensor<2x3xf32>, tensor<2x3xui8>, tensor<2x3xf32>, tensor<2x3xui8>) {
  // CHECK: q.min %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %a = q.min %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: q.max %[[U]], %[[V]] : (tensor<2x1xui8>, tensor<3xui8>) -> tensor<2x3xui8>
  %b = q.max %u, %v : (tensor<2x1xui8>, tensor<3xui8>) -> tensor<2x3xui8>
  // The exponent may have another element type than the base.
  // CHECK: q.pow %[[X]], %[[E]] : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  %c = q.pow %x, %e : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  // CHECK: q.pow %[[U]], %[[Y]] : (tensor<2x1xui8>, tensor<3xf32>) -> tensor<2x3xui8>
  %d = q.pow %u, %y : (tensor<2x1xui8>, tensor<3xf32>) -> tensor<2x3xui8>
  return %a, %b, %c, %d : tensor<2x3xf32>, tensor<2x3xui8>, tensor<2x3xf32>, tensor<2x3xui8>
}

// CHECK-LABEL: func.func @unary_numeric
// CHECK-SAME: (%[[X:.*]]: tensor<4xi32>, %[[F:.*]]: tensor<4xf16>)
func.func @unary_numeric(%x: tensor<4xi32>, %f: tensor<4xf16>)
    -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xf16>) {
  // CHECK: q.neg %[[X]] : tensor<4xi32>
  %a = q.neg %x : tensor<4xi32>
  // CHECK: q.abs %[[X]] : tensor<4xi32>
  %b = q.abs %x : tensor<4xi32>
  // CHECK: q.sign %[[X]] : tensor<4xi32>
  %c = q.sign %x : tensor<4xi32>
  // CHECK: q.sign %[[F]] : tensor<4xf16>
  %d = q.sign %f : tensor<4xf16>
  return %a, %b, %c, %d : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xf16>
}

// CHECK-LABEL: func.func @unary_math
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @unary_math(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[A:.*]] = q.exp %[[X]] : tensor<2x3xf32>
  // CHECK: %[[B:.*]] = q.log %[[A]] : tensor<2x3xf32>
  // CHECK: %[[C:.*]] = q.sqrt %[[B]] : tensor<2x3xf32>
  // CHECK: %[[D:.*]] = q.erf %[[C]] : tensor<2x3xf32>
  // CHECK: %[[E:.*]] = q.sin %[[D]] : tensor<2x3xf32>
  // CHECK: %[[F:.*]] = q.cos %[[E]] : tensor<2x3xf32>
  // CHECK: %[[G:.*]] = q.tanh %[[F]] : tensor<2x3xf32>
  // CHECK: %[[H:.*]] = q.floor %[[G]] : tensor<2x3xf32>
  // CHECK: %[[I:.*]] = q.ceil %[[H]] : tensor<2x3xf32>
  // CHECK: q.round %[[I]] : tensor<2x3xf32>
  %a = q.exp %x : tensor<2x3xf32>
  %b = q.log %a : tensor<2x3xf32>
  %c = q.sqrt %b : tensor<2x3xf32>
  %d = q.erf %c : tensor<2x3xf32>
  %e = q.sin %d : tensor<2x3xf32>
  %f = q.cos %e : tensor<2x3xf32>
  %g = q.tanh %f : tensor<2x3xf32>
  %h = q.floor %g : tensor<2x3xf32>
  %i = q.ceil %h : tensor<2x3xf32>
  %j = q.round %i : tensor<2x3xf32>
  return %j : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @activations
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[S:.*]]: tensor<3xf32>)
func.func @activations(%x: tensor<2x3xf32>, %s: tensor<3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
        tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
        tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: q.softplus %[[X]] : tensor<2x3xf32>
  %a = q.softplus %x : tensor<2x3xf32>
  // CHECK: q.hard_swish %[[X]] : tensor<2x3xf32>
  %b = q.hard_swish %x : tensor<2x3xf32>
  // CHECK: q.leaky_relu %[[X]] {alpha = 1.000000e-01 : f32} : tensor<2x3xf32>
  %c = q.leaky_relu %x {alpha = 0.1 : f32} : tensor<2x3xf32>
  // CHECK: q.prelu %[[X]], %[[S]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %d = q.prelu %x, %s : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: q.hard_sigmoid %[[X]] {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : tensor<2x3xf32>
  %e = q.hard_sigmoid %x {alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<2x3xf32>
  // CHECK: q.elu %[[X]] {alpha = 1.000000e+00 : f32} : tensor<2x3xf32>
  %f = q.elu %x {alpha = 1.0 : f32} : tensor<2x3xf32>
  // CHECK: q.selu %[[X]] {alpha = 2.000000e+00 : f32, gamma = 3.000000e+00 : f32} : tensor<2x3xf32>
  %g = q.selu %x {alpha = 2.0 : f32, gamma = 3.0 : f32} : tensor<2x3xf32>
  // CHECK: q.gelu %[[X]] : tensor<2x3xf32>
  %h = q.gelu %x : tensor<2x3xf32>
  // CHECK: q.gelu %[[X]] {approximate_tanh} : tensor<2x3xf32>
  %i = q.gelu %x {approximate_tanh} : tensor<2x3xf32>
  // CHECK: q.log_softmax %[[X]] {axis = 1 : i64} : tensor<2x3xf32>
  %j = q.log_softmax %x {axis = 1 : i64} : tensor<2x3xf32>
  return %a, %b, %c, %d, %e, %f, %g, %h, %i, %j
      : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
        tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
        tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @prelu_integer
func.func @prelu_integer(%x: tensor<2x3xi32>, %s: tensor<i32>) -> tensor<2x3xi32> {
  // CHECK: q.prelu %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi32>
  %y = q.prelu %x, %s : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @compare
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<3xf32>, %[[U:.*]]: tensor<3xui16>)
func.func @compare(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %u: tensor<3xui16>)
    -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>,
        tensor<2x3xi1>, tensor<3xi1>) {
  // CHECK: q.equal %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %a = q.equal %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: q.less %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %b = q.less %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: q.less_or_equal %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %c = q.less_or_equal %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: q.greater %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %d = q.greater %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: q.greater_or_equal %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %e = q.greater_or_equal %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: q.less %[[U]], %[[U]] : (tensor<3xui16>, tensor<3xui16>) -> tensor<3xi1>
  %f = q.less %u, %u : (tensor<3xui16>, tensor<3xui16>) -> tensor<3xi1>
  return %a, %b, %c, %d, %e, %f : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>,
      tensor<2x3xi1>, tensor<2x3xi1>, tensor<3xi1>
}

// CHECK-LABEL: func.func @logic
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi1>, %[[B:.*]]: tensor<3xi1>, %[[X:.*]]: tensor<2x3xi64>, %[[Y:.*]]: tensor<i64>)
func.func @logic(%a: tensor<2x3xi1>, %b: tensor<3xi1>, %x: tensor<2x3xi64>, %y: tensor<i64>)
    -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi64>) {
  // CHECK: q.and %[[A]], %[[B]] : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %c = q.and %a, %b : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  // CHECK: q.or %[[A]], %[[B]] : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %d = q.or %a, %b : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  // CHECK: q.xor %[[A]], %[[B]] : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %e = q.xor %a, %b : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  // CHECK: q.not %[[A]] : tensor<2x3xi1>
  %f = q.not %a : tensor<2x3xi1>
  // CHECK: q.where %[[B]], %[[X]], %[[Y]] : (tensor<3xi1>, tensor<2x3xi64>, tensor<i64>) -> tensor<2x3xi64>
  %g = q.where %b, %x, %y : (tensor<3xi1>, tensor<2x3xi64>, tensor<i64>) -> tensor<2x3xi64>
  return %c, %d, %e, %f, %g : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi64>
}

// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x3xi1>)
func.func @cast(%x: tensor<2x3xf32>, %b: tensor<2x3xi1>)
    -> (tensor<2x3xui8>, tensor<2x3xbf16>, tensor<2x3xf64>, tensor<2x3xi1>) {
  // CHECK: q.cast %[[X]] : tensor<2x3xf32> -> tensor<2x3xui8>
  %a = q.cast %x : tensor<2x3xf32> -> tensor<2x3xui8>
  // CHECK: q.cast %[[X]] : tensor<2x3xf32> -> tensor<2x3xbf16>
  %c = q.cast %x : tensor<2x3xf32> -> tensor<2x3xbf16>
  // CHECK: q.cast %[[B]] : tensor<2x3xi1> -> tensor<2x3xf64>
  %d = q.cast %b : tensor<2x3xi1> -> tensor<2x3xf64>
  // CHECK: q.cast %[[X]] : tensor<2x3xf32> -> tensor<2x3xi1>
  %e = q.cast %x : tensor<2x3xf32> -> tensor<2x3xi1>
  return %a, %c, %d, %e : tensor<2x3xui8>, tensor<2x3xbf16>, tensor<2x3xf64>, tensor<2x3xi1>
}
