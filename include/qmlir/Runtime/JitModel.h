//===- JitModel.h - a model compiled in-process for qrun --------*- C++ -*-===//
//
// Part of qmlir. Lowers a q module with the shared CPU pipeline, exports it
// under the C ABI of emitted objects (lowerToCInterface) and compiles it with
// MLIR's ExecutionEngine; runs go through the exported NAME_run_packed, as
// they do for a shared library written by qcompile.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_JITMODEL_H
#define QMLIR_RUNTIME_JITMODEL_H

#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Runtime/CompiledModel.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>

namespace qmlir {

class JitModel : public CompiledModel {
public:
  /// Reads the signature of `@main`, lowers `module` in place and compiles
  /// it; on failure diagnostics have been emitted.
  static mlir::FailureOr<std::unique_ptr<JitModel>>
  create(mlir::ModuleOp module, const CPUPipelineOptions &options);

private:
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

} // namespace qmlir

#endif // QMLIR_RUNTIME_JITMODEL_H
