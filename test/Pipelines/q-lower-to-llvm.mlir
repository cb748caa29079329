// RUN: qopt %s --split-input-file --q-lower-to-llvm | FileCheck %s
// RUN: qopt %s --split-input-file --q-lower-to-llvm="vectorize=false" | FileCheck %s --check-prefix=SCALAR

// The whole CPU lowering: one LLVM function taking a bare pointer per input
// and per output, then the workspace (the C ABI of emitted objects), vector
// code inside, and no call to libm or to MLIR's runtime library (exp is a
// polynomial); the result is written straight into the caller's buffer (no
// malloc), and this model needs no workspace.
// CHECK-LABEL: llvm.func @main
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-SAME: attributes {q.workspace_size = 0 : i64}
// CHECK: llvm.fmul {{.*}} : vector<16xf32>
// CHECK-NOT: llvm.call @expf
// CHECK-NOT: llvm.call @memrefCopy
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.return
// SCALAR-LABEL: llvm.func @main
// SCALAR-NOT: vector<
// SCALAR: llvm.return
func.func @main(%a: tensor<4x32xf32>, %b: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %0 = q.mul %a, %b : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %1 = q.sigmoid %0 : tensor<4x32xf32>
  return %1 : tensor<4x32xf32>
}

// -----

// Intermediate buffers live in the workspace (q-plan-workspace): no
// allocator is called, and the entry records how many bytes it needs.
// CHECK-LABEL: llvm.func @main
// CHECK-SAME: attributes {q.workspace_size = {{[1-9][0-9]*}} : i64}
// CHECK-NOT: llvm.call @malloc
// CHECK-NOT: llvm.call @free
// CHECK: llvm.return
// SCALAR-LABEL: llvm.func @main
// SCALAR-SAME: attributes {q.workspace_size = {{[1-9][0-9]*}} : i64}
func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = q.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = q.softmax %0 {axis = 1 : i64} : tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}
