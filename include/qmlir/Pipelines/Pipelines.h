//===- Pipelines.h - pass pipelines shared by the tools ---------*- C++ -*-===//
//
// Part of qmlir. qopt, qrun (and qcompile) build their pass managers with
// these functions, so a pipeline means the same thing in every tool.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_PIPELINES_PIPELINES_H
#define QMLIR_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace qmlir {

/// The int8 kernels' dot-product instruction (CPUPipelineOptions::int8Dot).
enum class Int8Dot { Host, None, VNNI, USDOT };

struct CPUPipelineOptions
    : public mlir::PassPipelineOptions<CPUPipelineOptions> {
  Option<bool> vectorize{*this, "vectorize",
                         llvm::cl::desc("Tile and vectorize linalg ops"),
                         llvm::cl::init(true)};
  Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Bits per vector register for the matmul and "
                     "convolution kernels (0: the host's)"),
      llvm::cl::init(0)};
  Option<int64_t> vectorRegisters{
      *this, "vector-registers",
      llvm::cl::desc("Vector registers of the target (0: the host's)"),
      llvm::cl::init(0)};
  Option<Int8Dot> int8Dot{
      *this, "int8-dot",
      llvm::cl::desc("Dot-product instruction of the int8 kernels"),
      llvm::cl::init(Int8Dot::Host),
      llvm::cl::values(clEnumValN(Int8Dot::Host, "host", "the host's"),
                       clEnumValN(Int8Dot::None, "none",
                                  "multiplies and adds on i32 "
                                  "vectors"),
                       clEnumValN(Int8Dot::VNNI, "vnni",
                                  "x86 vpdpbusd (AVX512-VNNI, "
                                  "AVX-VNNI)"),
                       clEnumValN(Int8Dot::USDOT, "usdot",
                                  "AArch64 usdot (FEAT_I8MM)"))};
};

/// The vector shape of a target's kernels: bits per register and number of
/// registers, and the int8 dot product it has at that width (None, VNNI
/// or USDOT).
struct VectorShape {
  int64_t bits = 128, registers = 16;
  Int8Dot dot = Int8Dot::None;
};
/// The shape for an LLVM triple, a CPU name ("" or "generic": none) and a
/// feature list ("+avx512f,-avx2,..."), which adds to or removes from the
/// CPU's features.
VectorShape vectorShapeFor(llvm::StringRef triple, llvm::StringRef cpu,
                           llvm::ArrayRef<std::string> features);
/// The same for the machine running the compiler.
VectorShape hostVectorShape();

/// q (float or quantized) -> linalg/tensor/arith/math, element-wise chains
/// fused: `q-lower-to-linalg`.
void buildQToLinalgPipeline(mlir::OpPassManager &pm);

/// linalg on tensors -> LLVM dialect: tiling and vectorization, one-shot
/// bufferization with results as out-parameters, then LLVM with bare
/// pointers at the function boundary (`void main(T *in..., T *out...)`).
void buildLinalgToLLVMPipeline(mlir::OpPassManager &pm,
                               const CPUPipelineOptions &options);

/// The whole CPU lowering: `q-lower-to-llvm`.
void buildQToLLVMPipeline(mlir::OpPassManager &pm,
                          const CPUPipelineOptions &options);

/// Registers the pipelines above with their names for qopt.
void registerPipelines();

} // namespace qmlir

#endif // QMLIR_PIPELINES_PIPELINES_H
