// RUN: qopt %s --split-input-file --verify-diagnostics --q-plan-workspace

// Shapes are static at compile time; a dynamic buffer has no fixed place.
func.func @dynamic(%n: index) {
  // expected-error @+1 {{cannot plan the workspace: the buffer has the dynamic shape 'memref<?xf32>'; every shape must be static (pin symbolic input dimensions with --input-shape)}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

// Each iteration would allocate the buffer over the one it carries.
func.func @carried(%x: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %x) -> (memref<4xf32>) {
    // expected-error @+1 {{cannot plan the workspace: the buffer is allocated in a loop and carried into its next iteration by scf.for}}
    %a = memref.alloc() : memref<4xf32>
    linalg.copy ins(%acc : memref<4xf32>) outs(%a : memref<4xf32>)
    scf.yield %a : memref<4xf32>
  }
  return
}

// -----

// Results are out-parameters after q-bufferize; a returned buffer is not.
func.func @returned() -> memref<4xf32> {
  // expected-error @+1 {{cannot plan the workspace: the buffer is returned from the function (results must be out-parameters, see q-bufferize)}}
  %a = memref.alloc() : memref<4xf32>
  return %a : memref<4xf32>
}

// -----

func.func @overaligned() {
  // expected-error @+1 {{cannot plan the workspace: the buffer asks for 128-byte alignment; the workspace guarantees 64}}
  %a = memref.alloc() {alignment = 128 : i64} : memref<4xf32>
  return
}

// -----

// The workspace is an argument only entry functions get.
// expected-error @+1 {{cannot plan the workspace of @callee: it is called within the module; only entry functions take a workspace}}
func.func @callee() {
  return
}
func.func @caller() {
  func.call @callee() : () -> ()
  return
}

// -----

// expected-error @+1 {{cannot plan the workspace of @blocks: the function has more than one block (plan before lowering structured control flow)}}
func.func @blocks(%c: i1) {
  cf.cond_br %c, ^bb1, ^bb2
^bb1:
  return
^bb2:
  return
}

// -----

func.func @strided() {
  // expected-error @+1 {{cannot plan the workspace: the buffer 'memref<4xf32, strided<[2]>>' has a non-identity layout}}
  %a = memref.alloc() : memref<4xf32, strided<[2]>>
  return
}
