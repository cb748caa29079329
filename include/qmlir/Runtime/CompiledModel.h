//===- CompiledModel.h - a model behind the C ABI, for qrun -----*- C++ -*-===//
//
// Part of qmlir. What qrun runs: a model's inputs and outputs and its
// `NAME_run_packed` entry, whether the model was compiled in-process
// (JitModel) or loaded from a shared library written by qcompile
// (SharedModel). Both call the same exported code with a workspace of their
// own.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_COMPILEDMODEL_H
#define QMLIR_RUNTIME_COMPILEDMODEL_H

#include "qmlir/Runtime/HostTensor.h"
#include "qmlir/Target/Object/ModelSignature.h"

#include <memory>
#include <string>

namespace qmlir {

/// One input or output of a model, as qrun's host tensors see it.
struct TensorSignature {
  std::string name;
  ElementKind kind;
  llvm::SmallVector<int64_t> shape;
  std::string describe() const;
};

/// The element kind of a manifest dtype ("float32" -> F32).
std::optional<ElementKind> elementKindOfDType(llvm::StringRef dtype);

class CompiledModel {
public:
  /// `int NAME_run_packed(const void *const *, void *const *, void *)`.
  using RunPackedFn = int (*)(const void *const *, void *const *, void *);

  virtual ~CompiledModel();

  llvm::ArrayRef<TensorSignature> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSignature> getOutputs() const { return outputs; }
  const ModelSignature &getSignature() const { return signature; }

  /// Runs the model on tensors matching the signature; on failure `error`
  /// holds the ABI's status and what it means.
  bool run(llvm::ArrayRef<const HostTensor *> in,
           llvm::ArrayRef<HostTensor *> out, std::string &error);

protected:
  /// Takes the signature and the entry; allocates the workspace.
  bool initialize(ModelSignature signature, RunPackedFn entry,
                  std::string &error);

private:
  struct Free {
    void operator()(void *p) const;
  };
  ModelSignature signature;
  llvm::SmallVector<TensorSignature> inputs, outputs;
  RunPackedFn runPacked = nullptr;
  std::unique_ptr<void, Free> workspace;
};

} // namespace qmlir

#endif // QMLIR_RUNTIME_COMPILEDMODEL_H
