// RUN: qopt %s --q-lower-to-llvm | FileCheck %s
// RUN: qopt %s --q-lower-to-llvm="vectorize=false" | FileCheck %s --check-prefix=SCALAR

// The whole CPU lowering: one LLVM function taking a bare pointer per input
// and per output (the C ABI of emitted objects), vector code inside, and no
// call to libm or to MLIR's runtime library (exp is a polynomial); the
// result is written straight into the caller's buffer (no malloc).
// CHECK-LABEL: llvm.func @main
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
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
