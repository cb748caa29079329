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

def QFuseElementwise : Pass<"q-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse element-wise linalg ops, keeping named kernels intact";
  let description = [{
    Upstream's element-wise fusion (producer into consumer when the
    producer has one use) and reshape propagation by expansion, with one
    difference: named linalg ops (`linalg.matmul`, `linalg.batch_matmul`,
    convolutions) are never rewritten into `linalg.generic` to absorb a
    neighbouring `tensor.expand_shape` / `tensor.collapse_shape`, and
    packed int8 contractions take in no producer nor reshape, so they
    reach `q-microkernels` as the ops it recognizes.

    Before:
    ```mlir
    %m = linalg.matmul ins(%a, %b : tensor<128x256xf32>, tensor<256x256xf32>) outs(%z : tensor<128x256xf32>) -> tensor<128x256xf32>
    %e = tensor.expand_shape %m [[0], [1, 2]] output_shape [128, 4, 64] : tensor<128x256xf32> into tensor<128x4x64xf32>
    ```
    After: unchanged (upstream's pass would make the matmul a 4-loop
    `linalg.generic` producing `tensor<128x4x64xf32>`); chains of
    element-wise generics are fused as upstream fuses them.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::affine::AffineDialect"
  ];
}

def QTileAndVectorize : Pass<"q-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile matmuls and convolutions and vectorize linalg ops";
  let description = [{
    CPU code generation on tensors. f32 `linalg.matmul`,
    `linalg.batch_matmul` and 2-D convolutions are left alone for
    `q-microkernels`, which handles them on buffers. Other contractions
    (integer `linalg.matmul`, matmul-like `linalg.generic`) are tiled into
    register-sized blocks
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

def QMicroKernels : Pass<"q-microkernels", "mlir::func::FuncOp"> {
  let summary = "Register-tiled vector kernels for f32 matmuls and convolutions";
  let description = [{
    Runs on buffers (after `q-bufferize`). Every f32 `linalg.matmul`,
    `linalg.batch_matmul`, `linalg.conv_2d_nchw_fchw` and
    `linalg.depthwise_conv_2d_nchw_chw` with static shapes and unit-stride
    rows becomes loops around one register block: `MR` output rows times
    `U` vectors of `vector-bits / 32` lanes along the output's innermost
    dimension, accumulated with `vector.fma` over the reduction loops
    (channels, kernel rows, kernel columns) and stored once. Weights are
    broadcast from memory; the activation row is loaded once per
    reduction step and reused by all `MR` rows. A 1x1 stride-1
    convolution is a matmul over the flattened image; strided windows are
    loaded wide and de-interleaved with `vector.shuffle`; partial blocks
    at the edges use masked loads and stores. Each output element is the
    same chain of fused multiply-adds whatever the vector width, so every
    target computes the same bits. Ops of other element types or layouts
    are left for `convert-linalg-to-loops`.

    Packed int8 contractions (the `linalg.generic`s convert-q-to-linalg
    gives integer matmuls and single-group 2-D convolutions with constant
    weights: `zext(u8) * sext(s8)` accumulated in i32, the weight grouped
    by 4 reduction steps, a matmul's in tiles of 16 columns) become loops
    over depth blocks, column blocks and row blocks around a register block
    of i32 accumulators, updated per 4 reduction steps by one `vpdpbusd`
    per vector (`llvm.call_intrinsic` of `llvm.x86.avx512.vpdpbusd.512` or
    `.256`) when `vnni` is set, of AArch64's `usdot` (the same u8 x s8 dot
    product of 4 bytes per i32 lane, `llvm.aarch64.neon.usdot`, FEAT_I8MM)
    at 128 bits when `usdot` is set, else by multiplies and adds of i32
    vectors.
    A convolution's activation is packed on the fly into a panel per
    column block (the image's pixels for a 1x1 convolution, the windows of
    one output row otherwise). A `linalg.fill` of zero right before into
    the accumulator is dropped: the first depth block starts from zero.
    Integer sums are exact, so every path gives the same bits.

    Before:
    ```mlir
    linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x100xf32>) outs(%c : memref<64x100xf32>)
    ```
    After: `scf.for` over column blocks and row blocks; the body loads
    `MR x U` accumulators from `%c`, runs an `scf.for` over `k` carrying
    them (`vector.load` of a row of `%b`, `memref.load` + `vector.broadcast`
    of `%a`, `vector.fma`), then stores them; the last column block uses
    `vector.maskedload` / `vector.maskedstore`.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Bits per vector register (512 AVX-512, 256 AVX2, 128 NEON)">,
    Option<"vectorRegisters", "vector-registers", "int64_t",
           /*default=*/"32", "Vector registers the target has">,
    Option<"vnni", "vnni", "bool", /*default=*/"false",
           "Use x86 vpdpbusd in the int8 kernels (AVX512-VNNI at "
           "vector-bits=512; AVX-VNNI or AVX512-VNNI+VL at 256)">,
    Option<"usdot", "usdot", "bool", /*default=*/"false",
           "Use AArch64 usdot (FEAT_I8MM) in the int8 kernels at "
           "vector-bits=128">,
  ];
  let dependentDialects = [
    "mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
    "mlir::memref::MemRefDialect", "mlir::arith::ArithDialect",
    "mlir::LLVM::LLVMDialect"
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

def QPlanWorkspace : Pass<"q-plan-workspace", "mlir::ModuleOp"> {
  let summary = "Place every buffer of a function in one caller-provided "
                "workspace";
  let description = [{
    Runs after bufferization. In every function that nothing in the module
    calls, each `memref.alloc` (static shapes; also allocations nested in
    loops) becomes a `memref.view` into one `memref<Nxi8>` workspace, a new
    last argument; `memref.dealloc`s of those buffers are removed, so the
    function calls no allocator. Offsets are multiples of 64 bytes, the
    alignment the caller guarantees. Buffers whose live ranges do not
    overlap share bytes: a buffer is live from its allocation to the last
    use of it or of any alias (views, casts, reshapes, loop arguments),
    measured in the order of the function's top-level ops (an allocation
    inside a loop is live for the whole loop). Buffers are placed greedily,
    largest first, each in the best-fitting gap. The size in bytes is
    recorded as the function's `q.workspace_size` attribute.

    Dynamic shapes, a buffer a loop carries from the iteration that
    allocated it into the next, returned buffers and called functions are
    rejected with an error.

    Before:
    ```mlir
    func.func @main(%x: memref<64xf32>, %y: memref<64xf32>) {
      %a = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
      ...
      memref.dealloc %a : memref<64xf32>
      return
    }
    ```
    After:
    ```mlir
    func.func @main(%x: memref<64xf32>, %y: memref<64xf32>,
                    %ws: memref<256xi8>) attributes {q.workspace_size = 256 : i64} {
      %w = memref.assume_alignment %ws, 64 : memref<256xi8>
      %c0 = arith.constant 0 : index
      %a = memref.view %w[%c0][] : memref<256xi8> to memref<64xf32>
      ...
      return
    }
    ```
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::memref::MemRefDialect"
  ];
}

def QExpandMath : Pass<"q-expand-math", "mlir::ModuleOp"> {
  let summary = "Replace transcendental math ops by portable polynomials";
  let description = [{
    `math.exp`, `math.tanh`, `math.erf`, `math.log` and friends become
    MLIR's polynomial approximations in `arith`, so no libm call remains
    and x86-64, AArch64 and the GPU evaluate the same arithmetic. bf16
    conversions become integer arithmetic (round to nearest even), so no
    libgcc helper is called either. Last, `vector.fma` becomes `math.fma`
    (LLVM's `fma`, always fused) rather than the `fmuladd` vector lowering
    would give, which a backend fuses only when the CPU has FMA: the
    kernels' accumulations round the same way on every target.

    Before: `%y = math.exp %x : f32`
    After: a sequence of `arith.mulf`/`arith.addf`/bit manipulation.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::vector::VectorDialect"
  ];
}

#endif // QMLIR_CONVERSION_PASSES_TD
