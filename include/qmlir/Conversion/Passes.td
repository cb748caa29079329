//===- Passes.td - qmlir lowering passes -------------------*- tablegen -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PASSES_TD
#define QMLIR_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQToLinalg : Pass<"convert-q-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower q ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every q op becomes linalg (named ops where one fits: `linalg.matmul`,
    `linalg.conv_2d_nchw_fchw`, `linalg.transpose`; `linalg.generic`
    otherwise), `tensor` reshapes/pads/slices and `arith`/`math` bodies.
    Element types become signless: `ui8` becomes `i8` with unsigned
    arithmetic, quantized types become their storage type. Function
    signatures are converted alike.

    Before:
    ```mlir
    %y = q.relu %x : tensor<4xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %r = arith.maximumf %in, %cst : f32
      linalg.yield %r : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::math::MathDialect"
  ];
}

def QTileAndVectorize : Pass<"q-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile matmuls and convolutions and vectorize linalg ops";
  let description = [{
    CPU code generation on tensors: contractions (`linalg.matmul`,
    matmul-like `linalg.generic`) are tiled into register-sized blocks
    with `scf.for` loops and vectorized to `vector.contract`; 2-D
    convolutions are tiled so the window becomes a 1-D convolution, which
    is decomposed and vectorized; element-wise `linalg.generic` ops
    (already fused by `linalg-fuse-elementwise-ops`) are tiled along the
    innermost dimension and vectorized.

    Before:
    ```mlir
    %c = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%z : tensor<64x64xf32>) -> tensor<64x64xf32>
    ```
    After: `scf.for` nests over 8x32x... tiles whose body is
    `vector.transfer_read`, `vector.contract`, `vector.transfer_write`.
  }];
  let options = [
    ListOption<"matmulTileSizes", "matmul-tile-sizes", "int64_t",
               "Tile sizes (M, N, K) of matmul-like contractions">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Elements per vector along the innermost dimension">,
  ];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
    "mlir::vector::VectorDialect", "mlir::tensor::TensorDialect"
  ];
}

def QBufferize : Pass<"q-bufferize", "mlir::ModuleOp"> {
  let summary = "Bufferize a model into a function writing its outputs";
  let description = [{
    One-shot bufferization of the whole module with identity layouts at
    function boundaries, then every returned buffer becomes an
    out-parameter (the allocation of a static result is replaced by the
    caller's buffer). Copies are emitted as `linalg.copy`, which lowers to
    loops, so no `memrefCopy` runtime function is ever called.

    Before:
    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32>
    ```
    After:
    ```mlir
    func.func @main(%x: memref<4xf32>, %out: memref<4xf32>)
    ```
  }];
  let dependentDialects = [
    "mlir::bufferization::BufferizationDialect", "mlir::memref::MemRefDialect",
    "mlir::linalg::LinalgDialect"
  ];
}

def QExpandMath : Pass<"q-expand-math", "mlir::ModuleOp"> {
  let summary = "Replace transcendental math ops by portable polynomials";
  let description = [{
    `math.exp`, `math.tanh`, `math.erf`, `math.log` and friends become
    MLIR's polynomial approximations in `arith`, so no libm call remains
    and x86-64, AArch64 and the GPU evaluate the same arithmetic. bf16
    conversions become integer arithmetic (round to nearest even), so no
    libgcc helper is called either.

    Before: `%y = math.exp %x : f32`
    After: a sequence of `arith.mulf`/`arith.addf`/bit manipulation.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::vector::VectorDialect"
  ];
}

#endif // QMLIR_CONVERSION_PASSES_TD
