// RUN: qopt %s --q-lower-to-llvm="vector-bits=512 vector-registers=32 int8-dot=vnni" | FileCheck %s --check-prefix=VNNI
// RUN: qopt %s --q-lower-to-llvm="vector-bits=256 vector-registers=16 int8-dot=vnni" | FileCheck %s --check-prefix=VNNI256
// RUN: qopt %s --q-lower-to-llvm="vector-bits=512 vector-registers=32 int8-dot=none" | FileCheck %s --check-prefix=NONE
// RUN: not qopt %s --q-lower-to-llvm="int8-dot=sdot" 2>&1 | FileCheck %s --check-prefix=BAD

// q-lower-to-llvm's int8-dot option picks the instruction of the int8
// kernels (host: the machine running the compiler; qcompile sets it from
// --cpu/--features).

// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// VNNI256: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%{{.*}}) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// NONE-NOT: llvm.call_intrinsic
// NONE: llvm.mul %{{.*}} : vector<16xi32>
// BAD: for the --int8-dot option: Cannot find option named 'sdot'!
func.func @main(%a: tensor<8x64xui8>) -> tensor<8x32xi32> {
  %w = q.constant dense<3> : tensor<64x32xi8> : tensor<64x32xi8>
  %y = q.matmul_integer %a, %w : (tensor<8x64xui8>, tensor<64x32xi8>) -> tensor<8x32xi32>
  return %y : tensor<8x32xi32>
}
