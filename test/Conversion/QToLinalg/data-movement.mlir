// RUN: qopt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-q-to-linalg))' | FileCheck %s

// The data movement ops added with the shape family (DataMovementToLinalg.cpp).

// A slice reads its elements in increasing order with tensor.extract_slice;
// dimensions with a negative step are then reversed.
// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.*]]: tensor<4x5xf32>)
// CHECK: %[[S:.*]] = tensor.extract_slice %[[X]][1, 0] [2, 3] [2, 2] : tensor<4x5xf32> to tensor<2x3xf32>
// CHECK: linalg.generic
// CHECK-DAG: %[[I:.*]] = linalg.index 0
// CHECK-DAG: %[[J:.*]] = linalg.index 1
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[R:.*]] = arith.subi %[[C2]], %[[J]]
// CHECK: tensor.extract %[[S]][%[[I]], %[[R]]]
func.func @slice(%x: tensor<4x5xf32>) -> tensor<2x3xf32> {
  %y = q.slice %x {starts = array<i64: 1, 4>, steps = array<i64: 2, -2>} : tensor<4x5xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @slice_forward
// CHECK: tensor.extract_slice %{{.*}}[0, 1] [2, 2] [1, 1]
// CHECK-NOT: linalg.generic
func.func @slice_forward(%x: tensor<2x5xf32>) -> tensor<2x2xf32> {
  %y = q.slice %x {starts = array<i64: 0, 1>, steps = array<i64: 1, 1>} : tensor<2x5xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// A constant pad is tensor.pad with the run-time value; ui8 becomes i8.
// CHECK-LABEL: func.func @pad_constant
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi8>, %[[V:.*]]: tensor<i8>)
// CHECK: %[[E:.*]] = tensor.extract %[[V]][] : tensor<i8>
// CHECK: tensor.pad %[[X]] low[1, 0] high[0, 2]
// CHECK: tensor.yield %[[E]] : i8
func.func @pad_constant(%x: tensor<2x3xui8>, %v: tensor<ui8>) -> tensor<3x5xui8> {
  %y = q.pad %x, %v {pads = array<i64: 1, 0, 0, 2>} : (tensor<2x3xui8>, tensor<ui8>) -> tensor<3x5xui8>
  return %y : tensor<3x5xui8>
}

// -----

// CHECK-LABEL: func.func @pad_zero
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: tensor.pad
// CHECK: tensor.yield %[[Z]] : f32
func.func @pad_zero(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %y = q.pad %x {pads = array<i64: 0, 0, 0, 1>} : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Reflect: source index last - |last - |i - begin||, along padded
// dimensions only.
// CHECK-LABEL: func.func @pad_reflect
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 0
// CHECK: arith.maxsi
// CHECK: arith.maxsi
// CHECK: %[[J:.*]] = arith.subi
// CHECK: tensor.extract %[[X]][%[[I]], %[[J]]] : tensor<2x3xf32>
func.func @pad_reflect(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %y = q.pad %x {mode = "reflect", pads = array<i64: 0, 2, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

// Edge: the source index clamped to the input.
// CHECK-LABEL: func.func @pad_edge
// CHECK: linalg.generic
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract
func.func @pad_edge(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %y = q.pad %x {mode = "edge", pads = array<i64: 1, 0, 1, 0>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Indices are read through the generic's maps, wrapped when negative and
// clamped into the input.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[I:.*]]: tensor<2xi64>)
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #[[ID]]]{{.*}} ins(%[[I]] : tensor<2xi64>)
// CHECK: %[[D0:.*]] = linalg.index 0
// CHECK: arith.index_cast
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: %[[K:.*]] = arith.minsi
// CHECK: tensor.extract %[[X]][%[[D0]], %[[K]]] : tensor<3x4xf32>
func.func @gather(%x: tensor<3x4xf32>, %i: tensor<2xi64>) -> tensor<3x2xf32> {
  %y = q.gather %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[I:.*]]: tensor<2x4xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<2x4xi32>)
// CHECK: %[[D1:.*]] = linalg.index 1
// CHECK: %[[K:.*]] = arith.minsi
// CHECK: tensor.extract %[[X]][%[[K]], %[[D1]]] : tensor<3x4xf32>
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<2x4xi32>) -> tensor<2x4xf32> {
  %y = q.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xi32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @expand
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]]
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[A]]
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %y = q.expand %x : tensor<3x1xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @trilu
// CHECK-SAME: (%[[X:.*]]: tensor<4x5xf32>, %[[K:.*]]: tensor<i64>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #{{.*}}]{{.*}} ins(%[[X]], %[[K]] : tensor<4x5xf32>, tensor<i64>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[KV:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[I:.*]] = linalg.index 0
// CHECK: %[[J:.*]] = linalg.index 1
// CHECK: %[[D:.*]] = arith.subi %[[J]], %[[I]]
// CHECK: %[[D64:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK: %[[KEEP:.*]] = arith.cmpi sge, %[[D64]], %[[KV]]
// CHECK: arith.select %[[KEEP]], %[[A]]
func.func @trilu(%x: tensor<4x5xf32>, %k: tensor<i64>) -> tensor<4x5xf32> {
  %y = q.trilu %x, %k {upper} : (tensor<4x5xf32>, tensor<i64>) -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// -----

// Lower triangle with k = 0.
// CHECK-LABEL: func.func @tril
// CHECK: %[[Z:.*]] = arith.constant 0 : i64
// CHECK: arith.cmpi sle, %{{.*}}, %[[Z]]
func.func @tril(%x: tensor<3x3xi64>) -> tensor<3x3xi64> {
  %y = q.trilu %x : (tensor<3x3xi64>) -> tensor<3x3xi64>
  return %y : tensor<3x3xi64>
}

// -----

// A result with no elements needs no computation.
// CHECK-LABEL: func.func @empty_result
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3x0xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[E]]
func.func @empty_result(%x: tensor<3x0xf32>) -> tensor<3x0xf32> {
  %y = q.trilu %x : (tensor<3x0xf32>) -> tensor<3x0xf32>
  return %y : tensor<3x0xf32>
}

// -----

// The zero of a quantized type is its zero point.
// CHECK-LABEL: func.func @pad_quantized
// CHECK: %[[ZP:.*]] = arith.constant 3 : i8
// CHECK: tensor.pad
// CHECK: tensor.yield %[[ZP]] : i8
func.func @pad_quantized(%x: tensor<4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<5x!quant.uniform<u8:f32, 0.5:3>> {
  %y = q.pad %x {pads = array<i64: 1, 0>} : (tensor<4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<5x!quant.uniform<u8:f32, 0.5:3>>
  return %y : tensor<5x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// CHECK-LABEL: func.func @trilu_quantized
// CHECK: %[[ZP:.*]] = arith.constant -5 : i8
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[ZP]] : i8
func.func @trilu_quantized(%x: tensor<2x2x!quant.uniform<i8:f32, 0.5:-5>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.5:-5>> {
  %y = q.trilu %x : (tensor<2x2x!quant.uniform<i8:f32, 0.5:-5>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.5:-5>>
  return %y : tensor<2x2x!quant.uniform<i8:f32, 0.5:-5>>
}
