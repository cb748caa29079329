// RUN: qopt %s --q-plan-workspace --split-input-file | FileCheck %s

// Buffers become views into one workspace, the new last argument; a buffer
// allocated after another's last use takes its bytes; deallocs go.
// CHECK-LABEL: func.func @reuse
// CHECK-SAME: (%[[X:.*]]: memref<64xf32>, %[[Y:.*]]: memref<64xf32>, %[[WS:.*]]: memref<512xi8>)
// CHECK-SAME: attributes {q.workspace_size = 512 : i64}
// CHECK: %[[W:.*]] = memref.assume_alignment %[[WS]], 64 : memref<512xi8>
// CHECK: %[[O1:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[W]][%[[O1]]][] : memref<512xi8> to memref<64xf32>
// CHECK: %[[O2:.*]] = arith.constant 256 : index
// CHECK: %[[B:.*]] = memref.view %[[W]][%[[O2]]][] : memref<512xi8> to memref<64xf32>
// CHECK: linalg.copy ins(%[[X]] : memref<64xf32>) outs(%[[A]] : memref<64xf32>)
// CHECK: linalg.copy ins(%[[A]] : memref<64xf32>) outs(%[[B]] : memref<64xf32>)
// CHECK: %[[O3:.*]] = arith.constant 0 : index
// CHECK: %[[C:.*]] = memref.view %[[W]][%[[O3]]][] : memref<512xi8> to memref<64xf32>
// CHECK: linalg.copy ins(%[[B]] : memref<64xf32>) outs(%[[C]] : memref<64xf32>)
// CHECK: linalg.copy ins(%[[C]] : memref<64xf32>) outs(%[[Y]] : memref<64xf32>)
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @reuse(%x: memref<64xf32>, %y: memref<64xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%a : memref<64xf32>)
  linalg.copy ins(%a : memref<64xf32>) outs(%b : memref<64xf32>)
  memref.dealloc %a : memref<64xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  linalg.copy ins(%b : memref<64xf32>) outs(%c : memref<64xf32>)
  memref.dealloc %b : memref<64xf32>
  linalg.copy ins(%c : memref<64xf32>) outs(%y : memref<64xf32>)
  memref.dealloc %c : memref<64xf32>
  return
}

// -----

// Offsets are multiples of 64 bytes whatever the buffers' sizes; element
// sizes come from the data layout (i1 and i8 take a byte, index 8).
// CHECK-LABEL: func.func @alignment
// CHECK-SAME: %[[WS:[^:]*]]: memref<192xi8>) attributes {q.workspace_size = 192 : i64}
// CHECK: %[[W:.*]] = memref.assume_alignment %[[WS]]
// CHECK: arith.constant 128 : index
// CHECK-NEXT: memref.view {{.*}} to memref<3xi1>
// CHECK: arith.constant 64 : index
// CHECK-NEXT: memref.view {{.*}} to memref<5xf16>
// CHECK: arith.constant 0 : index
// CHECK-NEXT: memref.view {{.*}} to memref<2x3xindex>
func.func @alignment(%x: memref<f32>) {
  %c0 = arith.constant 0 : index
  %t = arith.constant true
  %h = arith.constant 1.0 : f16
  %a = memref.alloc() : memref<3xi1>
  %b = memref.alloc() : memref<5xf16>
  %c = memref.alloc() : memref<2x3xindex>
  memref.store %t, %a[%c0] : memref<3xi1>
  memref.store %h, %b[%c0] : memref<5xf16>
  memref.store %c0, %c[%c0, %c0] : memref<2x3xindex>
  return
}

// -----

// A buffer stays live while any alias of it is used: here a reshape of %a
// is read after %b is allocated, so %b cannot take %a's bytes.
// CHECK-LABEL: func.func @alias
// CHECK-SAME: %[[WS:[^:]*]]: memref<128xi8>
// CHECK: arith.constant 0 : index
// CHECK-NEXT: memref.view {{.*}} to memref<2x8xf32>
// CHECK: arith.constant 64 : index
// CHECK-NEXT: memref.view {{.*}} to memref<16xf32>
func.func @alias(%x: memref<2x8xf32>, %y: memref<16xf32>) {
  %a = memref.alloc() : memref<2x8xf32>
  linalg.copy ins(%x : memref<2x8xf32>) outs(%a : memref<2x8xf32>)
  %flat = memref.collapse_shape %a [[0, 1]] : memref<2x8xf32> into memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  %sub = memref.subview %flat[0] [16] [1] : memref<16xf32> to memref<16xf32, strided<[1]>>
  linalg.copy ins(%sub : memref<16xf32, strided<[1]>>) outs(%b : memref<16xf32>)
  linalg.copy ins(%b : memref<16xf32>) outs(%y : memref<16xf32>)
  return
}

// -----

// Best fit: %g (128 bytes, allocated once %b and %e are dead) could go in
// the 512-byte hole %b left at 1024 or the 128-byte hole %e left at 2304;
// it takes the smaller.
// CHECK-LABEL: func.func @best_fit
// CHECK-SAME: memref<2560xi8>) attributes {q.workspace_size = 2560 : i64}
// CHECK: %[[OA:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %{{.*}}[%[[OA]]][] : memref<2560xi8> to memref<256xf32>
// CHECK: %[[OB:.*]] = arith.constant 1024 : index
// CHECK-NEXT: memref.view %{{.*}}[%[[OB]]][] : memref<2560xi8> to memref<128xf32>
// CHECK: %[[OC:.*]] = arith.constant 1536 : index
// CHECK-NEXT: memref.view %{{.*}}[%[[OC]]][] : memref<2560xi8> to memref<128xf32>
// CHECK: %[[OD:.*]] = arith.constant 2048 : index
// CHECK-NEXT: memref.view %{{.*}}[%[[OD]]][] : memref<2560xi8> to memref<64xf32>
// CHECK: %[[OE:.*]] = arith.constant 2304 : index
// CHECK-NEXT: memref.view %{{.*}}[%[[OE]]][] : memref<2560xi8> to memref<32xf32>
// CHECK: %[[OF:.*]] = arith.constant 2432 : index
// CHECK-NEXT: memref.view %{{.*}}[%[[OF]]][] : memref<2560xi8> to memref<32xf32>
// CHECK: %[[OG:.*]] = arith.constant 2304 : index
// CHECK-NEXT: %[[G:.*]] = memref.view %{{.*}}[%[[OG]]][] : memref<2560xi8> to memref<32xf32>
func.func @best_fit(%out: memref<f32>) {
  %a = memref.alloc() : memref<256xf32>
  %b = memref.alloc() : memref<128xf32>
  %c = memref.alloc() : memref<128xf32>
  %d = memref.alloc() : memref<64xf32>
  %e = memref.alloc() : memref<32xf32>
  %f = memref.alloc() : memref<32xf32>
  %i = arith.constant 0 : index
  %vb = memref.load %b[%i] : memref<128xf32>
  %ve = memref.load %e[%i] : memref<32xf32>
  %g = memref.alloc() : memref<32xf32>
  memref.store %vb, %g[%i] : memref<32xf32>
  %va = memref.load %a[%i] : memref<256xf32>
  %vc = memref.load %c[%i] : memref<128xf32>
  %vd = memref.load %d[%i] : memref<64xf32>
  %vf = memref.load %f[%i] : memref<32xf32>
  %vg = memref.load %g[%i] : memref<32xf32>
  %s0 = arith.addf %va, %vc : f32
  %s1 = arith.addf %vd, %vf : f32
  %s2 = arith.addf %vg, %ve : f32
  %s3 = arith.addf %s0, %s1 : f32
  %s4 = arith.addf %s3, %s2 : f32
  memref.store %s4, %out[] : memref<f32>
  return
}

// -----

// An allocation inside a loop is planned too and is live for the whole
// loop (%later takes its bytes after the loop); a buffer a loop carries
// (iter_args) is live until the loop's result is last used (%later cannot
// take %acc's).
// CHECK-LABEL: func.func @loops
// CHECK-SAME: memref<128xi8>) attributes {q.workspace_size = 128 : i64}
// CHECK: arith.constant 0 : index
// CHECK-NEXT: %[[ACC:.*]] = memref.view {{.*}} to memref<16xf32>
// CHECK: scf.for {{.*}} iter_args(%[[ARG:.*]] = %[[ACC]])
// CHECK: arith.constant 64 : index
// CHECK-NEXT: memref.view {{.*}} to memref<16xf32>
// CHECK: scf.yield %[[ARG]]
// CHECK: arith.constant 64 : index
// CHECK-NEXT: memref.view {{.*}} to memref<16xf32>
// CHECK-NOT: memref.alloc
func.func @loops(%x: memref<16xf32>, %y: memref<16xf32>) {
  %acc = memref.alloc() : memref<16xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %acc) -> (memref<16xf32>) {
    %tmp = memref.alloc() : memref<16xf32>
    linalg.copy ins(%x : memref<16xf32>) outs(%tmp : memref<16xf32>)
    linalg.copy ins(%tmp : memref<16xf32>) outs(%a : memref<16xf32>)
    memref.dealloc %tmp : memref<16xf32>
    scf.yield %a : memref<16xf32>
  }
  %later = memref.alloc() : memref<16xf32>
  linalg.copy ins(%r : memref<16xf32>) outs(%later : memref<16xf32>)
  linalg.copy ins(%later : memref<16xf32>) outs(%y : memref<16xf32>)
  return
}

// -----

// Nothing to place: the workspace is empty but still the last argument,
// so every compiled model has the same calling convention.
// CHECK-LABEL: func.func @none
// CHECK-SAME: (%{{.*}}: memref<4xf32>, %{{.*}}: memref<0xi8>) attributes {q.workspace_size = 0 : i64}
// CHECK-NOT: memref.assume_alignment
func.func @none(%x: memref<4xf32>) {
  return
}

// -----

// Declarations are left alone.
// CHECK-LABEL: func.func private @external(memref<4xf32>)
// CHECK-NOT: q.workspace_size
func.func private @external(memref<4xf32>)
