// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-cast-float))' | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-cast-float{type=bf16}))' | FileCheck %s --check-prefix=BF16
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-cast-float{ops=conv}))' | FileCheck %s --check-prefix=ONLYCONV
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-cast-float{exclude=mm}))' | FileCheck %s --check-prefix=EXCL
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-cast-float{type=f8}))' 2>&1 | FileCheck %s --check-prefix=TYPE
// RUN: not qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-cast-float{ops=pool}))' 2>&1 | FileCheck %s --check-prefix=OPS

// TYPE: error: q-cast-float: type must be f16 or bf16, not 'f8'
// OPS: error: q-cast-float: unknown op kind 'pool' in ops (expected conv, matmul or gemm)

// The weight is stored in f16 (1/3 rounds to 0.333251953 in f16 and to
// 0.333984375 in bf16), the input is rounded once for both consumers, and
// the matmul reads the widened values.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[W:.*]] = q.constant dense<3.332520e-01> : tensor<3x2xf16> : tensor<3x2xf16>
// CHECK-DAG: %[[XH:.*]] = q.cast %arg0 : tensor<4x3xf32> -> tensor<4x3xf16>
// CHECK-DAG: %[[X:.*]] = q.cast %[[XH]] : tensor<4x3xf16> -> tensor<4x3xf32>
// CHECK-DAG: %[[WF:.*]] = q.cast %[[W]] : tensor<3x2xf16> -> tensor<3x2xf32>
// CHECK: q.matmul %[[X]], %[[WF]]
// CHECK: q.gemm %[[X]], %{{.*}}, %{{.*}}
// CHECK-NOT: q.cast %arg0
// BF16-LABEL: func.func @matmul
// BF16-DAG: q.constant dense<3.339840e-01> : tensor<3x2xbf16> : tensor<3x2xbf16>
// BF16-DAG: q.cast %arg0 : tensor<4x3xf32> -> tensor<4x3xbf16>
// BF16-DAG: q.constant dense<[1.000980e-01, 2.001950e-01]> : tensor<2xbf16>
// ONLYCONV-LABEL: func.func @matmul
// ONLYCONV-NOT: q.cast
// EXCL-LABEL: func.func @matmul
// EXCL: q.matmul %arg0
// EXCL: q.gemm %[[X:.*]], %
func.func @matmul(%x: tensor<4x3xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = q.constant dense<0.333333343> : tensor<3x2xf32> : tensor<3x2xf32>
  %y = q.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32> loc("mm")
  %v = q.constant dense<0.333333343> : tensor<2x3xf32> : tensor<2x3xf32>
  %c = q.constant dense<[0.1, 0.2]> : tensor<2xf32> : tensor<2xf32>
  %z = q.gemm %x, %v, %c {trans_b} : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y, %z : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// A conv with its bias; a weight that is not a constant stays f32.
// CHECK-LABEL: func.func @conv
// CHECK: q.constant {{.*}} : tensor<2x2x1x1xf16>
// CHECK: q.constant {{.*}} : tensor<2xf16>
// CHECK: q.conv
// CHECK: q.matmul %{{.*}}, %arg1 :
// ONLYCONV-LABEL: func.func @conv
// ONLYCONV: q.cast
func.func @conv(%x: tensor<1x2x4x4xf32>, %w2: tensor<16x2xf32>) -> (tensor<1x2x4x4xf32>, tensor<2x2xf32>) {
  %w = q.constant dense<[[[[1.27]], [[-0.64]]], [[[2.54]], [[0.0]]]]> : tensor<2x2x1x1xf32> : tensor<2x2x1x1xf32>
  %b = q.constant dense<[0.4, -2.0]> : tensor<2xf32> : tensor<2xf32>
  %y = q.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = q.reshape %y : tensor<1x2x4x4xf32> -> tensor<2x16xf32>
  %z = q.matmul %r, %w2 : (tensor<2x16xf32>, tensor<16x2xf32>) -> tensor<2x2xf32>
  return %y, %z : tensor<1x2x4x4xf32>, tensor<2x2xf32>
}
