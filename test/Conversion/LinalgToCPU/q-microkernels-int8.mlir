// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-microkernels{vector-bits=512 vnni=1}),canonicalize,cse)' | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-microkernels{vector-bits=256 vector-registers=16 vnni=1}),canonicalize,cse)' | FileCheck %s --check-prefix=AVX2
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-microkernels{vector-bits=512}),canonicalize,cse)' | FileCheck %s --check-prefix=GENERIC
// vpdpbusd has no 128-bit form: vnni is ignored there.
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-microkernels{vector-bits=128 vnni=1}),canonicalize,cse)' | FileCheck %s --check-prefix=NARROW
// AArch64 usdot (FEAT_I8MM) exists at 128 bits only.
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-microkernels{vector-bits=128 usdot=1}),canonicalize,cse)' | FileCheck %s --check-prefix=USDOT
// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(q-microkernels{vector-bits=256 vector-registers=16 usdot=1}),canonicalize,cse)' | FileCheck %s --check-prefix=NOUSDOT

// Packed int8 contractions (Int8Kernels.cpp) on buffers.

#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2 floordiv 4, d1 mod 16, d2 mod 4)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// A matmul, K = 37 (9 groups of 4 and 1 step), N = 45 (one block of 3
// vectors, 13 lanes in the last), M = 8 (blocks of 6 and 2 rows). The zero
// fill is dropped: accumulators start at zero. Per group, 3 vectors of the
// packed weight, and per row the activation's 4 bytes broadcast as an i32:
// one vpdpbusd per accumulator (u8 activation first, s8 weight second). The
// last group reads 1 byte of each row (the rest zero); stores are masked to
// the 13 columns of the last vector.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: memref<8x37xi8>, %[[W:.*]]: memref<3x10x16x4xi8>, %[[C:.*]]: memref<8x45xi32>)
// CHECK-NOT: linalg.fill
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0> : vector<16xi32>
// CHECK-DAG: %[[WT:.*]] = memref.collapse_shape %[[W]] {{\[}}[0], [1], [2, 3]] : memref<3x10x16x4xi8> into memref<3x10x64xi8>
// CHECK: scf.for %[[G:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC0:[^ ]*]] = %[[ZERO]], {{.*}}) -> (vector<16xi32>, {{.*}}) {
// CHECK: %[[V0:.*]] = vector.load %[[WT]][%{{.*}}, %[[G]], %{{.*}}] : memref<3x10x64xi8>, vector<64xi8>
// CHECK: %[[K:.*]] = arith.muli %[[G]], %{{.*}} : index
// CHECK: %[[S:.*]] = vector.load %[[A]][%{{.*}}, %[[K]]] : memref<8x37xi8>, vector<4xi8>
// CHECK: %[[SW:.*]] = vector.bitcast %[[S]] : vector<4xi8> to vector<1xi32>
// CHECK: %[[WORD:.*]] = vector.extract %[[SW]][0] : i32 from vector<1xi32>
// CHECK: %[[SPLAT:.*]] = vector.broadcast %[[WORD]] : i32 to vector<16xi32>
// CHECK: %[[BYTES:.*]] = vector.bitcast %[[SPLAT]] : vector<16xi32> to vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[ACC0]], %[[BYTES]], %[[V0]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-COUNT-17: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: scf.yield
// CHECK: %[[ONE:.*]] = vector.constant_mask [1] : vector<4xi1>
// CHECK: vector.maskedload %[[A]][%{{.*}}, %{{.*}}], %[[ONE]]
// CHECK: %[[LAST:.*]] = vector.constant_mask [13] : vector<16xi1>
// CHECK: vector.maskedstore %[[C]][%{{.*}}, %{{.*}}], %[[LAST]]
// CHECK-NOT: linalg.generic
//
// 256 bits: vectors of 8 lanes; 2 per block row with 16 registers.
// AVX2-LABEL: func.func @matmul
// AVX2: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
//
// Without VNNI: each weight vector split into its 4 steps (lanes q, q + 4,
// ...) and sign-extended; each activation byte zero-extended and broadcast;
// multiplies and adds on i32.
// GENERIC-LABEL: func.func @matmul
// GENERIC-NOT: llvm.call_intrinsic
// GENERIC: %[[V:.*]] = vector.load %{{.*}} : memref<3x10x64xi8>, vector<64xi8>
// GENERIC: %[[Q0:.*]] = vector.shuffle %[[V]], %[[V]] [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60] : vector<64xi8>, vector<64xi8>
// GENERIC: arith.extsi %[[Q0]] : vector<16xi8> to vector<16xi32>
// GENERIC: %[[B:.*]] = vector.extract %{{.*}}[0] : i8 from vector<4xi8>
// GENERIC: %[[BE:.*]] = arith.extui %[[B]] : i8 to i32
// GENERIC: vector.broadcast %[[BE]] : i32 to vector<16xi32>
// GENERIC: arith.muli %{{.*}} : vector<16xi32>
// GENERIC: arith.addi %{{.*}} : vector<16xi32>
// USDOT-LABEL: func.func @matmul
// USDOT: llvm.call_intrinsic "llvm.aarch64.neon.usdot.v4i32.v16i8"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// NOUSDOT-LABEL: func.func @matmul
// NOUSDOT-NOT: llvm.call_intrinsic
// NARROW-LABEL: func.func @matmul
// NARROW-NOT: llvm.call_intrinsic
// NARROW: arith.muli %{{.*}} : vector<4xi32>
func.func @matmul(%a: memref<8x37xi8>, %w: memref<3x10x16x4xi8>, %c: memref<8x45xi32>) {
  %z = arith.constant 0 : i32
  linalg.fill ins(%z : i32) outs(%c : memref<8x45xi32>)
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %w : memref<8x37xi8>, memref<3x10x16x4xi8>) outs(%c : memref<8x45xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2 floordiv 4, d1 mod 16, d2 mod 4)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// No zero fill before: the products add to C's contents (loaded first).
// K = 1100 is 275 groups, more than one depth block of 256 (64 KiB of the
// weight's 4 x 16-column vectors): a loop over 2 depth blocks, each block
// of rows over its groups, C loaded and stored around each.
// CHECK-LABEL: func.func @accumulate
// CHECK-SAME: (%[[A:.*]]: memref<6x1100xi8>, %[[W:.*]]: memref<4x275x16x4xi8>, %[[C:.*]]: memref<6x64xi32>)
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[C275:.*]] = arith.constant 275 : index
// CHECK: scf.for %[[KB:.*]] = %{{.*}} to %[[C2]] step %{{.*}} {
// CHECK: %[[BEGIN:.*]] = arith.muli %[[KB]], %[[C256]] : index
// CHECK: %[[NEXT:.*]] = arith.addi %[[BEGIN]], %[[C256]] : index
// CHECK: %[[END:.*]] = arith.minsi %[[NEXT]], %[[C275]] : index
// CHECK-COUNT-24: vector.load %[[C]]
// CHECK: scf.for %{{.*}} = %[[BEGIN]] to %[[END]] step
// CHECK-COUNT-24: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK-COUNT-24: vector.store %{{.*}}, %[[C]]
func.func @accumulate(%a: memref<6x1100xi8>, %w: memref<4x275x16x4xi8>, %c: memref<6x64xi32>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %w : memref<6x1100xi8>, memref<4x275x16x4xi8>) outs(%c : memref<6x64xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2 floordiv 4, d1 mod 16, d2 mod 4)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// The same with a zero fill and several depth blocks: the first starts from
// zero, the others from what the previous one stored.
// CHECK-LABEL: func.func @zero_then_accumulate
// CHECK-NOT: linalg.fill
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0> : vector<16xi32>
// CHECK: scf.for %[[KB:.*]] =
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[KB]], %{{.*}} : index
// CHECK: scf.if %[[FIRST]] -> (vector<16xi32>,
// CHECK-NEXT: scf.yield %[[ZERO]], %[[ZERO]],
// CHECK-NEXT: } else {
// CHECK-COUNT-24: vector.load
func.func @zero_then_accumulate(%a: memref<6x1100xi8>, %w: memref<4x275x16x4xi8>, %c: memref<6x64xi32>) {
  %z = arith.constant 0 : i32
  linalg.fill ins(%z : i32) outs(%c : memref<6x64xi32>)
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %w : memref<6x1100xi8>, memref<4x275x16x4xi8>) outs(%c : memref<6x64xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#x = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
#w = affine_map<(d0, d1, d2, d3) -> (d1, d3 floordiv 4, d3 mod 4)>
#c = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// A 1x1 convolution (2 images, C = 6, 20 pixels, 3 output channels): per
// image and column block, a panel of the image ([2 groups][2 x 64 bytes])
// packed into groups of 4
// channels per pixel (rows loaded 16 pixels at a time, masked to the 4 of
// the last chunk; channels 6 and 7 of the last group zero), interleaved
// byte by byte, then 2 bytes by 2; then per output channel the weight's 4 bytes broadcast,
// the panel's vectors first (unsigned), the broadcast weight second.
// CHECK-LABEL: func.func @conv_1x1
// CHECK-SAME: (%[[X:.*]]: memref<2x6x20xi8>, %[[W:.*]]: memref<3x2x4xi8>, %[[C:.*]]: memref<2x3x20xi32>)
// CHECK: %[[PANEL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x128xi8>
// CHECK: scf.for %[[IMG:.*]] =
// CHECK: vector.load %[[X]][%[[IMG]], %{{.*}}, %{{.*}}] : memref<2x6x20xi8>, vector<16xi8>
// CHECK: %[[P01:.*]] = vector.interleave %{{.*}}, %{{.*}} : vector<16xi8> -> vector<32xi8>
// CHECK: %[[P23:.*]] = vector.interleave
// CHECK: %[[T:.*]] = vector.shuffle %[[P01]], %[[P23]] [0, 1, 32, 33, 2, 3, 34, 35, {{.*}}] : vector<32xi8>, vector<32xi8>
// CHECK: vector.store %[[T]], %[[PANEL]]
// CHECK: vector.maskedload %[[X]]{{.*}} : memref<2x6x20xi8>, vector<16xi1>, vector<16xi8> into vector<16xi8>
// CHECK: %[[V:.*]] = vector.load %[[PANEL]][%{{.*}}, %{{.*}}] : memref<2x128xi8>, vector<64xi8>
// CHECK: %[[S:.*]] = vector.load %[[W]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<3x2x4xi8>, vector<4xi8>
// CHECK: %[[SW:.*]] = vector.bitcast %[[S]]
// CHECK: %[[WORD:.*]] = vector.extract %[[SW]][0]
// CHECK: %[[SPLAT:.*]] = vector.broadcast %[[WORD]]
// CHECK: %[[BYTES:.*]] = vector.bitcast %[[SPLAT]]
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.*}}, %[[V]], %[[BYTES]])
// CHECK: vector.maskedstore %[[C]][%[[IMG]], %{{.*}}, %{{.*}}]
//
// GENERIC-LABEL: func.func @conv_1x1
// GENERIC: vector.shuffle
// GENERIC: arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// GENERIC: arith.extsi %{{.*}} : i8 to i32
func.func @conv_1x1(%x: memref<2x6x20xi8>, %w: memref<3x2x4xi8>, %c: memref<2x3x20xi32>) {
  %z = arith.constant 0 : i32
  linalg.fill ins(%z : i32) outs(%c : memref<2x3x20xi32>)
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : memref<2x6x20xi8>, memref<3x2x4xi8>) outs(%c : memref<2x3x20xi32>) {
  ^bb0(%in: i8, %wt: i8, %acc: i32):
    %xe = arith.extui %in : i8 to i32
    %we = arith.extsi %wt : i8 to i32
    %p = arith.muli %xe, %we : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#x = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 * 2 + d5, d3 * 2 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, ((d4 * 3 + d5) * 3 + d6) floordiv 4, ((d4 * 3 + d5) * 3 + d6) mod 4)>
#win = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d5, d6)>
#c = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// A 3x3 convolution with stride 2 (C = 2, so 18 reduction steps in 5
// groups, the last one half zero; 4 x 20 outputs): per output row a panel
// of [5 groups][2 x 64 bytes], step r = (c * 3 + i) * 3 + j read from input
// row 2 y + i at columns 2 x + j: a wide load of 32 bytes (31 of them,
// then 7 for the last 4 columns) and every second byte picked.
// CHECK-LABEL: func.func @conv_3x3
// CHECK-SAME: (%[[X:.*]]: memref<1x2x9x41xi8>, %[[W:.*]]: memref<5x5x4xi8>, %{{.*}}: memref<3x3xi8>, %[[C:.*]]: memref<1x5x4x20xi32>)
// CHECK-DAG: %[[C9:.*]] = arith.constant 9 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[PANEL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<5x128xi8>
// CHECK: scf.for %[[Y:.*]] =
// CHECK: scf.for %[[G:.*]] =
// CHECK: %[[R:.*]] = arith.muli %[[G]], %{{.*}} : index
// CHECK: %[[CH:.*]] = arith.divui %[[R]], %[[C9]] : index
// CHECK: %[[RI:.*]] = arith.divui %[[R]], %[[C3]] : index
// CHECK: %[[I:.*]] = arith.remui %[[RI]], %[[C3]] : index
// CHECK: %[[J:.*]] = arith.remui %[[R]], %[[C3]] : index
// CHECK: %[[Y2:.*]] = arith.muli %[[Y]], %{{.*}} : index
// CHECK: %[[IY:.*]] = arith.addi %[[Y2]], %[[I]] : index
// CHECK: %[[M31:.*]] = vector.constant_mask [31] : vector<32xi1>
// CHECK: %[[WIDE:.*]] = vector.maskedload %[[X]][%{{.*}}, %[[CH]], %[[IY]], %[[J]]], %[[M31]]
// CHECK: vector.shuffle %[[WIDE]], %[[WIDE]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xi8>, vector<32xi8>
// CHECK: vector.store %{{.*}}, %[[PANEL]][%[[G]], %{{.*}}] : memref<5x128xi8>, vector<64xi8>
// CHECK: vector.constant_mask [7] : vector<32xi1>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: vector.maskedstore %[[C]][%{{.*}}, %{{.*}}, %[[Y]], %{{.*}}]
func.func @conv_3x3(%x: memref<1x2x9x41xi8>, %w: memref<5x5x4xi8>, %win: memref<3x3xi8>, %c: memref<1x5x4x20xi32>) {
  %z = arith.constant 0 : i32
  linalg.fill ins(%z : i32) outs(%c : memref<1x5x4x20xi32>)
  linalg.generic {indexing_maps = [#x, #w, #win, #c], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w, %win : memref<1x2x9x41xi8>, memref<5x5x4xi8>, memref<3x3xi8>) outs(%c : memref<1x5x4x20xi32>) {
  ^bb0(%in: i8, %wt: i8, %wi: i8, %acc: i32):
    %xe = arith.extui %in : i8 to i32
    %we = arith.extsi %wt : i8 to i32
    %p = arith.muli %xe, %we : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2 floordiv 4, d1 mod 16, d2 mod 4)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// Not the form: a signed activation (extsi) is a plain generic, left for
// convert-linalg-to-loops; and so is the form on a column-strided view.
// CHECK-LABEL: func.func @not_packed
// CHECK-NOT: llvm.call_intrinsic
// CHECK-COUNT-2: linalg.generic
func.func @not_packed(%a: memref<8x37xi8>, %w: memref<3x10x16x4xi8>, %c: memref<8x45xi32>, %s: memref<8x37xi8, strided<[74, 2]>>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %w : memref<8x37xi8>, memref<3x10x16x4xi8>) outs(%c : memref<8x45xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  }
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%s, %w : memref<8x37xi8, strided<[74, 2]>>, memref<3x10x16x4xi8>) outs(%c : memref<8x45xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  }
  return
}
