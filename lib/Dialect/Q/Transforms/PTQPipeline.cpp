//===- PTQPipeline.cpp - the q-ptq-int8 pipeline --------------------------===//
//
// Part of qmlir. Lives with the q passes rather than in lib/Pipelines:
// calibration runs compiled code, so this pipeline depends on the runtime,
// which itself depends on the lowering pipelines.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void qmlir::buildPTQInt8Pipeline(OpPassManager &pm,
                                 const PTQPipelineOptions &options) {
  QQuantizeOptions quantize;
  quantize.activations = options.activations;
  quantize.perChannel = options.perChannel;
  quantize.weights = options.weights;
  quantize.mode = options.mode;
  quantize.exclude.assign(options.exclude.begin(), options.exclude.end());
  if (options.mode != "dynamic") {
    pm.addNestedPass<func::FuncOp>(createQFoldBatchNorm());
    QCalibrateOptions calibrate;
    calibrate.data = options.data;
    calibrate.method = options.method;
    calibrate.percentile = options.percentile;
    calibrate.cache = options.cache;
    pm.addPass(createQCalibrate(calibrate));
  }
  pm.addNestedPass<func::FuncOp>(createQQuantize(quantize));
  pm.addPass(createCanonicalizerPass());
}

void qmlir::registerPTQPipeline() {
  PassPipelineRegistration<PTQPipelineOptions>(
      "q-ptq-int8",
      "Static int8 post-training quantization: fold batch norm, calibrate, "
      "quantize convolutions and matmuls",
      buildPTQInt8Pipeline);
}
