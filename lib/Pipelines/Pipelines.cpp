//===- Pipelines.cpp - pass pipelines shared by the tools -----------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void qmlir::buildQToLinalgPipeline(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createConvertQToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void qmlir::buildLinalgToLLVMPipeline(OpPassManager &pm,
                                      const CPUPipelineOptions &options) {
  if (options.vectorize) {
    pm.addNestedPass<func::FuncOp>(createQTileAndVectorize());
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createQBufferize());
  pm.addPass(createCanonicalizerPass());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createQExpandMath());
  // Fully unrolled transfers: the alternative stages them through stack
  // buffers allocated inside loops, which grows the stack on every
  // iteration.
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll(true)));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMultiReductionPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(func));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void qmlir::buildQToLLVMPipeline(OpPassManager &pm,
                                 const CPUPipelineOptions &options) {
  buildQToLinalgPipeline(pm);
  buildLinalgToLLVMPipeline(pm, options);
}

void qmlir::registerPipelines() {
  PassPipelineRegistration<>(
      "q-lower-to-linalg",
      "Lower q to linalg on tensors with element-wise chains fused",
      buildQToLinalgPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "q-lower-to-llvm", "Lower q to the LLVM dialect for the CPU",
      buildQToLLVMPipeline);
}
