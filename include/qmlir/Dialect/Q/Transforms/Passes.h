//===- Passes.h - passes on the q dialect -----------------------*- C++ -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_TRANSFORMS_PASSES_H
#define QMLIR_DIALECT_Q_TRANSFORMS_PASSES_H

#include "qmlir/Dialect/Q/IR/QDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace qmlir {
#define GEN_PASS_DECL
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
/// Static int8 post-training quantization of a float q module: batch norm
/// folded, calibrated on `data` (or read from `cache`), convolutions and
/// matmuls rewritten to integer compute: `q-ptq-int8`.
struct PTQPipelineOptions
    : public mlir::PassPipelineOptions<PTQPipelineOptions> {
  Option<std::string> data{*this, "data",
                           llvm::cl::desc("Folder of calibration samples")};
  Option<std::string> method{
      *this, "method",
      llvm::cl::desc("minmax, avg-minmax, percentile, entropy or mse"),
      llvm::cl::init("minmax")};
  Option<double> percentile{
      *this, "percentile",
      llvm::cl::desc("Percentile of |x| kept by the percentile method"),
      llvm::cl::init(99.999)};
  Option<std::string> cache{
      *this, "cache",
      llvm::cl::desc("Calibration statistics: read if present, else written")};
  Option<std::string> activations{
      *this, "activations", llvm::cl::desc("Activation storage: uint8 or int8"),
      llvm::cl::init("uint8")};
  Option<std::string> mode{
      *this, "mode",
      llvm::cl::desc("static (calibrated) or dynamic (matmuls quantized at "
                     "run time, no calibration)"),
      llvm::cl::init("static")};
  Option<bool> perChannel{*this, "per-channel",
                          llvm::cl::desc("One weight scale per output channel"),
                          llvm::cl::init(true)};
  Option<std::string> weights{
      *this, "weights",
      llvm::cl::desc("Weight precision: int8, or int4 (static W4A8)"),
      llvm::cl::init("int8")};
  ListOption<std::string> exclude{
      *this, "exclude", llvm::cl::desc("ONNX node names to keep in float")};
};
void buildPTQInt8Pipeline(mlir::OpPassManager &pm,
                          const PTQPipelineOptions &options);
void registerPTQPipeline();

} // namespace qmlir

#endif // QMLIR_DIALECT_Q_TRANSFORMS_PASSES_H
