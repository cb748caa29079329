//===- Bufferize.cpp - the q-bufferize pass -------------------------------===//
//
// Part of qmlir. One-shot bufferization plus results-to-out-parameters, with
// copies as linalg.copy so that lowering never calls MLIR's runtime library.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotModuleBufferize.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace qmlir {
#define GEN_PASS_DEF_QBUFFERIZE
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

static LogicalResult linalgCopy(OpBuilder &b, Location loc, Value from,
                                Value to) {
  linalg::CopyOp::create(b, loc, from, to);
  return success();
}

namespace {
struct QBufferizePass : qmlir::impl::QBufferizeBase<QBufferizePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bufferization::OneShotBufferizationOptions options;
    options.bufferizeFunctionBoundaries = true;
    options.setFunctionBoundaryTypeConversion(
        bufferization::LayoutMapOption::IdentityLayoutMap);
    options.bufferAlignment = 64;
    options.memCpyFn = linalgCopy;
    bufferization::BufferizationState state;
    if (failed(bufferization::runOneShotModuleBufferize(module, options,
                                                        state)))
      return signalPassFailure();

    // Loops that carried a tensor now carry its buffer unchanged; folding
    // them lets a returned value be the allocation itself, which the
    // promotion below replaces by the caller's buffer.
    OpPassManager cleanup("builtin.module");
    cleanup.addPass(createCanonicalizerPass());
    if (failed(runPipeline(cleanup, module)))
      return signalPassFailure();

    bufferization::BufferResultsToOutParamsOpts outParams;
    outParams.hoistStaticAllocs = true;
    outParams.modifyPublicFunctions = true;
    // memref.copy here: the promotion recognizes it when it hoists a result
    // allocation into the out-parameter and drops the copy.
    if (failed(bufferization::promoteBufferResultsToOutParams(module,
                                                              outParams)))
      return signalPassFailure();
    SmallVector<memref::CopyOp> copies;
    module.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      (void)linalgCopy(b, copy.getLoc(), copy.getSource(), copy.getTarget());
      copy.erase();
    }
  }
};
} // namespace
