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

struct CPUPipelineOptions
    : public mlir::PassPipelineOptions<CPUPipelineOptions> {
  Option<bool> vectorize{*this, "vectorize",
                         llvm::cl::desc("Tile and vectorize linalg ops"),
                         llvm::cl::init(true)};
};

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
