// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize),canonicalize)' | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize),canonicalize)' | FileCheck %s --check-prefix=SHARED
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{per-channel=false activations=int8}),canonicalize)' | FileCheck %s --check-prefix=TENSOR
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{ops=matmul}))' | FileCheck %s --check-prefix=ONLYMM
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{exclude=conv1}))' | FileCheck %s --check-prefix=EXCL
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{mode=dynamic}))' | FileCheck %s --check-prefix=DYN
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{mode=dynamic granularity=row}))' | FileCheck %s --check-prefix=ROW
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{weights=int4}),canonicalize)' | FileCheck %s --check-prefix=W4
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{mode=late}))' 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{weights=int2}))' 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{mode=dynamic granularity=block}))' 2>&1 | FileCheck %s --check-prefix=GRAN
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{activations=int4}))' 2>&1 | FileCheck %s --check-prefix=ACT
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-quantize{ops=pool}))' 2>&1 | FileCheck %s --check-prefix=OPS

// ACT: error: q-quantize: activations must be uint8 or int8, not 'int4'
// WEIGHTS: error: q-quantize: weights must be int8 or int4, not 'int2'
// MODE: error: q-quantize: mode must be static or dynamic, not 'late'
// GRAN: error: q-quantize: granularity must be tensor or row, not 'block'
// OPS: error: q-quantize: unknown op kind 'pool' in ops (expected conv, matmul or gemm)

// Input range [-20, 1000] gives uint8 scale 4 and zero point 5 (DESIGN.md
// §4). Weights per output channel: channel 0 absmax 1.27 -> scale 0.01,
// channel 1 absmax 2.54 -> 0.02; bias / (4 * s_w) -> i32. The result is
// the QDQ form: the float conv reads dequantized values.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[XQ:.*]] = q.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 4.000000e+00:5>>
// CHECK-DAG: %[[X:.*]] = q.dequantize %[[XQ]]
// CHECK-DAG: %[[W:.*]] = q.constant dense<{{\[\[\[\[}}127]], {{\[\[}}-64]]], {{\[\[\[}}127]], {{\[\[}}0]]]]> : tensor<2x2x1x1xi8> : tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.0099999997764825821,0.019999999552965164}>>
// CHECK-DAG: %[[WD:.*]] = q.dequantize %[[W]]
// CHECK-DAG: %[[B:.*]] = q.constant dense<[10, -25]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32:0, {0.039999999105930328,0.079999998211860657}>>
// CHECK-DAG: %[[BD:.*]] = q.dequantize %[[B]]
// CHECK: %[[Y:.*]] = q.conv %[[X]], %[[WD]], %[[BD]]
// CHECK: return %[[Y]]
// Per tensor: one weight scale (2.54 / 127), int8 activations.
// TENSOR-LABEL: func.func @conv
// TENSOR-DAG: q.constant dense<{{\[\[\[\[}}64]], {{\[\[}}-32]]], {{\[\[\[}}127]], {{\[\[}}0]]]]> : tensor<2x2x1x1xi8> : tensor<2x2x1x1x!quant.uniform<i8:f32, 0.019999999552965164>>
// TENSOR-DAG: q.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<i8:f32, 4.000000e+00:-123>>
// W4A8: int4 weights per channel, 1.27 / 7 and 2.54 / 7, held in i8.
// W4-LABEL: func.func @conv
// W4: q.constant dense<{{\[\[\[\[}}7]], {{\[\[}}-4]]], {{\[\[\[}}7]], {{\[\[}}0]]]]> : tensor<2x2x1x1xi8> : tensor<2x2x1x1x!quant.uniform<i8<-7:7>:f32:0, {0.18142856657505035,0.36285713315010071}>>
// EXCL-LABEL: func.func @conv
// EXCL: q.conv
// ONLYMM-LABEL: func.func @conv
// ONLYMM: q.conv
// Dynamic mode leaves convolutions in float.
// DYN-LABEL: func.func @conv
// DYN: q.conv %
func.func @conv(%x: tensor<1x2x4x4xf32> {q.calibration = {lo = -20.0 : f32, hi = 1000.0 : f32}}) -> tensor<1x2x4x4xf32> {
  %w = q.constant dense<[[[[1.27]], [[-0.64]]], [[[2.54]], [[0.0]]]]> : tensor<2x2x1x1xf32> : tensor<2x2x1x1xf32>
  %b = q.constant dense<[0.4, -2.0]> : tensor<2xf32> : tensor<2xf32>
  %y = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv1")
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A gemm with transposed B: per output column scales, the weight stored as
// [K, N]; the bias per column. The input range comes from its producer.
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: q.constant dense<{{\[}}[42, -127], [85, 64], [127, 32]]> : tensor<3x2xi8> : tensor<3x2x!quant.uniform<i8:f32:1, {0.023622047156095505,0.0078740157186985015}>>
// CHECK-DAG: q.constant dense<[540, 3238]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32:0, {1.8527096835896373E-4,6.1756989452987909E-5}>>
// CHECK-DAG: %[[R:.*]] = q.relu
// CHECK: %[[Q:.*]] = q.quantize %[[R]] : tensor<1x3xf32> -> tensor<1x3x!quant.uniform<u8:f32, 0.0078431377187371254>>
// CHECK: %[[X:.*]] = q.dequantize %[[Q]]
// CHECK: q.gemm %[[X]], %{{.*}}, %{{.*}} : (tensor<1x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// ONLYMM-LABEL: func.func @gemm
// ONLYMM: q.gemm
// Dynamic: the input's scale and zero point at run time; f32 scaling by
// s_x * s_w and the bias in f32.
// DYN-LABEL: func.func @gemm
// DYN: %[[Q:.*]], %[[S:.*]], %[[Z:.*]] = q.dynamic_quantize %{{.*}} : tensor<1x3xf32> -> tensor<1x3xui8>, tensor<f32>, tensor<ui8>
// DYN: %[[ACC:.*]] = q.matmul_integer %[[Q]], %{{.*}} lhs_zero_point(%[[Z]])
// DYN: %[[SC:.*]] = q.mul %[[S]], %{{.*}} : (tensor<f32>, tensor<2xf32>) -> tensor<2xf32>
// DYN: %[[F:.*]] = q.cast %[[ACC]] : tensor<1x2xi32> -> tensor<1x2xf32>
// DYN: %[[Y:.*]] = q.mul %[[F]], %[[SC]]
// DYN: q.add %[[Y]], %{{.*}} : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// One scale per row: [M] scales times [N] weight scales.
// ROW-LABEL: func.func @gemm
// ROW: q.dynamic_quantize %{{.*}} {axis = 0 : i64} : tensor<1x3xf32> -> tensor<1x3xui8>, tensor<1xf32>, tensor<1xui8>
// ROW: q.mul {{.*}} : (tensor<1x1xf32>, tensor<2xf32>) -> tensor<1x2xf32>
func.func @gemm(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %r = q.relu %x {q.calibration = [{lo = 0.0 : f32, hi = 2.0 : f32}]} : tensor<1x3xf32>
  %w = q.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.5, 0.25]]> : tensor<2x3xf32> : tensor<2x3xf32>
  %b = q.constant dense<[0.1, 0.2]> : tensor<2xf32> : tensor<2xf32>
  %y = q.gemm %r, %w, %b {trans_b} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A 3-D x 2-D matmul: scales along the last axis.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: q.quantize %arg0 {{.*}} -> tensor<2x4x3x!quant.uniform<u8:f32, 0.0078431377187371254:127>>
// CHECK-DAG: q.constant {{.*}} : tensor<3x2xi8> : tensor<3x2x!quant.uniform<i8:f32:1, {0.023622047156095505,0.015748031437397003}>>
// CHECK: q.matmul %{{.*}}, %{{.*}} : (tensor<2x4x3xf32>, tensor<3x2xf32>) -> tensor<2x4x2xf32>
// ONLYMM-LABEL: func.func @matmul
// ONLYMM: q.quantize
// DYN-LABEL: func.func @matmul
// DYN: q.dynamic_quantize
// Per-row needs a 2-D input: this 3-D one stays float.
// ROW-LABEL: func.func @matmul
// ROW: q.matmul %
func.func @matmul(%x: tensor<2x4x3xf32> {q.calibration = {lo = -1.0 : f32, hi = 1.0 : f32}}) -> tensor<2x4x2xf32> {
  %w = q.constant dense<[[1.0, 2.0], [3.0, -1.0], [0.5, 0.25]]> : tensor<3x2xf32> : tensor<3x2xf32>
  %y = q.matmul %x, %w : (tensor<2x4x3xf32>, tensor<3x2xf32>) -> tensor<2x4x2xf32>
  return %y : tensor<2x4x2xf32>
}

// -----

// Without a calibrated input, or with a weight that is not a constant, the
// op stays in float.
// CHECK-LABEL: func.func @left_in_float
// CHECK-NOT: q.quantize
// CHECK: q.matmul
// CHECK: q.matmul
// CHECK-NOT: q.quantize
func.func @left_in_float(%x: tensor<4x3xf32>, %w2: tensor<3x2xf32>, %c: tensor<4x3xf32> {q.calibration = {lo = -1.0 : f32, hi = 1.0 : f32}}) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = q.constant dense<1.0> : tensor<3x2xf32> : tensor<3x2xf32>
  %y = q.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %z = q.matmul %c, %w2 : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y, %z : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// One activation read by two convolutions is quantized once; a value that
// is already dequantized keeps its parameters.
// CHECK-LABEL: func.func @shared
// SHARED-LABEL: func.func @shared
// SHARED-COUNT-1: q.quantize %arg0
// SHARED-NOT: q.quantize %arg0
// SHARED-COUNT-2: q.conv %
func.func @shared(%x: tensor<1x2x4x4xf32> {q.calibration = {lo = -1.0 : f32, hi = 1.0 : f32}}) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = q.constant dense<0.5> : tensor<2x2x1x1xf32> : tensor<2x2x1x1xf32>
  %a = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %b = q.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %a, %b : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
