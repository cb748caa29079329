//===- JitModel.h - a model compiled in-process for qrun --------*- C++ -*-===//
//
// Part of qmlir. Lowers a q module with the shared CPU pipeline and compiles
// it with MLIR's ExecutionEngine; the entry point takes plain pointers, the
// same convention as the C ABI of emitted objects.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_JITMODEL_H
#define QMLIR_RUNTIME_JITMODEL_H

#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Runtime/HostTensor.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <string>

namespace qmlir {

/// One input or output of a model, as the q-level function declares it.
struct TensorSignature {
  std::string name;
  ElementKind kind;
  llvm::SmallVector<int64_t> shape;
  std::string describe() const;
};

class JitModel {
public:
  /// Reads the signature of `@main`, lowers `module` in place and compiles
  /// it; on failure diagnostics have been emitted.
  static mlir::FailureOr<std::unique_ptr<JitModel>>
  create(mlir::ModuleOp module, const CPUPipelineOptions &options);

  llvm::ArrayRef<TensorSignature> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSignature> getOutputs() const { return outputs; }

  /// Runs the model; the tensors must match the signature.
  mlir::LogicalResult run(llvm::ArrayRef<const HostTensor *> in,
                          llvm::ArrayRef<HostTensor *> out);

private:
  std::unique_ptr<mlir::ExecutionEngine> engine;
  llvm::SmallVector<TensorSignature> inputs, outputs;
};

} // namespace qmlir

#endif // QMLIR_RUNTIME_JITMODEL_H
