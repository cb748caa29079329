// RUN: qopt %s --q-expand-math | FileCheck %s

// Transcendentals become arithmetic, for scalars and vectors, f32 and f16
// alike; what remains (floor, copysign, fma) maps to LLVM intrinsics.
// CHECK-LABEL: func.func @transcendentals
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK-NOT: math.log
// CHECK-NOT: math.roundeven
// CHECK: return
func.func @transcendentals(%x: f32, %v: vector<8xf32>, %h: f16) -> (f32, f32, f32, f32, vector<8xf32>, f16, f32) {
  %0 = math.exp %x : f32
  %1 = math.tanh %x : f32
  %2 = math.erf %x : f32
  %3 = math.log %x : f32
  %4 = math.exp %v : vector<8xf32>
  %5 = math.exp %h : f16
  %6 = math.roundeven %x : f32
  return %0, %1, %2, %3, %4, %5, %6 : f32, f32, f32, f32, vector<8xf32>, f16, f32
}

// bf16 conversions become integer arithmetic (round to nearest even), so no
// libgcc helper (__truncsfbf2) is called.
// CHECK-LABEL: func.func @bf16
// CHECK-NOT: arith.truncf
// CHECK-NOT: arith.extf
// CHECK: arith.shrui
// CHECK: return
func.func @bf16(%x: f32, %y: bf16) -> (bf16, f32) {
  %0 = arith.truncf %x : f32 to bf16
  %1 = arith.extf %y : bf16 to f32
  return %0, %1 : bf16, f32
}

// vector.fma becomes math.fma (LLVM's fma, always fused), not left for the
// fmuladd lowering that fuses only where the CPU has FMA.
// CHECK-LABEL: func.func @fused_multiply_add
// CHECK: math.fma %arg0, %arg1, %arg2 : vector<16xf32>
// CHECK-NOT: vector.fma
func.func @fused_multiply_add(%a: vector<16xf32>, %b: vector<16xf32>, %c: vector<16xf32>) -> vector<16xf32> {
  %0 = vector.fma %a, %b, %c : vector<16xf32>
  return %0 : vector<16xf32>
}

// roundeven (what every quantize rounds with) exactly: |x| + 2^23 - 2^23
// rounds to the nearest even integer below 2^23, the sign comes back with
// copysign, and larger values, NaN and infinities are their own result.
// The expansion that adds copysign(0.5, x) and truncates is not used: it
// rounds 0.49999997 to 1.
// CHECK-LABEL: func.func @roundeven
// CHECK-DAG: %[[BIG:.*]] = arith.constant dense<0x4B000000> : vector<4xf32>
// CHECK: %[[A:.*]] = math.absf %arg0
// CHECK: %[[S:.*]] = arith.addf %[[A]], %[[BIG]]
// CHECK: %[[R:.*]] = arith.subf %[[S]], %[[BIG]]
// CHECK: %[[C:.*]] = math.copysign %[[R]], %arg0
// CHECK: %[[SMALL:.*]] = arith.cmpf olt, %[[A]], %[[BIG]]
// CHECK: arith.select %[[SMALL]], %[[C]], %arg0
// CHECK-NOT: math.roundeven
func.func @roundeven(%x: vector<4xf32>) -> vector<4xf32> {
  %r = math.roundeven %x : vector<4xf32>
  return %r : vector<4xf32>
}
