// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant))' | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant{weights=int4 per-channel=false}))' | FileCheck %s --check-prefix=W4
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant{init=minmax activations=int8}))' | FileCheck %s --check-prefix=MINMAX
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant{activations=none exclude=conv1}))' | FileCheck %s --check-prefix=NOACT
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant{weights=int2}))' 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant{activations=fp8}))' 2>&1 | FileCheck %s --check-prefix=ACT
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant{init=mse}))' 2>&1 | FileCheck %s --check-prefix=INIT
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant{ops=pool}))' 2>&1 | FileCheck %s --check-prefix=OPS
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant),func.func(q-fold-qdq),canonicalize)' | FileCheck %s --check-prefix=FOLD
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-insert-fake-quant{weights=int4}),func.func(q-fold-qdq),canonicalize)' | FileCheck %s --check-prefix=W4FOLD

// WEIGHTS: error: q-insert-fake-quant: weights must be int8 or int4, not 'int2'
// ACT: error: q-insert-fake-quant: activations must be uint8, int8 or none, not 'fp8'
// INIT: error: q-insert-fake-quant: init must be calibration or minmax, not 'mse'
// OPS: error: q-insert-fake-quant: unknown op kind 'pool' in ops (expected conv, matmul or gemm)

// The input: uint8 from the calibrated [-20, 1000] (scale 4, zero point 5),
// once for both convs. The weight per output channel (axis 0): absmax 1.27
// and 2.54 over 127. The bias stays float.
// CHECK-LABEL: func.func @conv
// CHECK: %[[X:.*]] = q.fake_quant %arg0 {quant_type = !quant.uniform<u8:f32, 4.000000e+00:5>}
// CHECK: %[[W:.*]] = q.fake_quant %{{.*}} {quant_type = !quant.uniform<i8<-127:127>:f32:0, {0.0099999997764825821,0.019999999552965164}>} : tensor<2x2x1x1xf32>
// CHECK: q.conv %[[X]], %[[W]], %{{.*}} {
// CHECK: %[[W2:.*]] = q.fake_quant
// CHECK: q.conv %[[X]], %[[W2]] {
// CHECK-NOT: q.fake_quant %arg0
// One int4 scale for the tensor: 2.54 / 7.
// W4-LABEL: func.func @conv
// W4: q.fake_quant %{{.*}} {quant_type = !quant.uniform<i8<-7:7>:f32, 0.36285713315010071>}
// init=minmax: the observed [-30, 1200] in int8: scale 4.82..., zero point -122.
// MINMAX-LABEL: func.func @conv
// MINMAX: q.fake_quant %arg0 {quant_type = !quant.uniform<i8:f32, 4.8235292434692383:-122>}
// activations=none; conv1 excluded, the other conv's weight only.
// NOACT-LABEL: func.func @conv
// NOACT-NOT: q.fake_quant %arg0
// NOACT: q.conv %arg0, %{{.*}}, %{{.*}} {
// NOACT: %[[W:.*]] = q.fake_quant
// NOACT: q.conv %arg0, %[[W]]
// Fake quantization compiles like QDQ: integer convs, the float bias
// quantized to i32 with s_x * s_w.
// FOLD-LABEL: func.func @conv
// FOLD-COUNT-2: q.conv_integer
// FOLD-NOT: q.conv %
// FOLD-NOT: q.fake_quant
// W4FOLD-LABEL: func.func @conv
// W4FOLD-COUNT-2: q.conv_integer
func.func @conv(%x: tensor<1x2x4x4xf32> {q.calibration = {lo = -20.0 : f32, hi = 1000.0 : f32, min = -30.0 : f32, max = 1200.0 : f32}}) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = q.constant dense<[[[[1.27]], [[-0.64]]], [[[2.54]], [[0.0]]]]> : tensor<2x2x1x1xf32> : tensor<2x2x1x1xf32>
  %b = q.constant dense<[0.4, -2.0]> : tensor<2xf32> : tensor<2xf32>
  %y = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv1")
  %w2 = q.constant dense<0.5> : tensor<2x2x1x1xf32> : tensor<2x2x1x1xf32>
  %z = q.conv %x, %w2 {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("conv2")
  return %y, %z : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Weight axes: a matmul's [K, N] weight per column (axis 1), a gemm with
// trans_b per row (axis 0). An input without a calibrated range stays; with
// one, the gemm's [N, K] weight is transposed to [K, N] integers at compile
// time.
// CHECK-LABEL: func.func @linear
// CHECK-NOT: q.fake_quant %arg0
// CHECK: q.fake_quant %{{.*}} {quant_type = !quant.uniform<i8<-127:127>:f32:1, {{.*}}>} : tensor<3x2xf32>
// CHECK: q.fake_quant %{{.*}} {quant_type = !quant.uniform<i8<-127:127>:f32:0, {{.*}}>} : tensor<2x3xf32>
// FOLD-LABEL: func.func @linear
// FOLD-DAG: q.constant dense<{{\[}}[42, -127], [85, 64], [127, 32]]> : tensor<3x2xi8> : tensor<3x2xi8>
// FOLD-DAG: q.matmul %arg0
// FOLD: q.matmul_integer {{.*}} : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<ui8>) -> tensor<4x2xi32>
func.func @linear(%x: tensor<4x3xf32>, %c: tensor<4x3xf32> {q.calibration = {lo = -1.0 : f32, hi = 1.0 : f32}}) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = q.constant dense<[[1.0, 2.0], [3.0, -1.0], [0.5, 0.25]]> : tensor<3x2xf32> : tensor<3x2xf32>
  %y = q.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %v = q.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.5, 0.25]]> : tensor<2x3xf32> : tensor<2x3xf32>
  %z = q.gemm %c, %v {trans_b} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %y, %z : tensor<4x2xf32>, tensor<4x2xf32>
}
