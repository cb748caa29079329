//===- JitModel.cpp - a model compiled in-process for qrun ----------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/JitModel.h"
#include "qmlir/Target/Object/CInterface.h"
#include "qmlir/Target/Object/EmitObject.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;

namespace qmlir {

/// The C-interface name of JIT-compiled models.
static constexpr llvm::StringLiteral kJitModelName = "qmlir_jit";

FailureOr<std::unique_ptr<JitModel>>
JitModel::create(ModuleOp module, const CPUPipelineOptions &options) {
  auto model = std::unique_ptr<JitModel>(new JitModel());
  ModelSignature signature;
  if (failed(lowerToCInterface(module, kJitModelName, options, signature)))
    return failure();

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  // LLVM's optimizations tuned for this machine, as qcompile's defaults.
  std::string error;
  std::unique_ptr<ObjectTarget> host = createObjectTarget({}, error);
  if (!host)
    return module.emitError(error);
  // The options hold a function_ref: the transformer must outlive create().
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0,
                                host->machine.get());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = optimize;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  auto engine = ExecutionEngine::create(module, engineOptions);
  if (!engine) {
    std::string msg = llvm::toString(engine.takeError());
    return module.emitError("JIT compilation failed: ") << msg;
  }
  model->engine = std::move(*engine);
  auto entry = model->engine->lookup(runPackedSymbol(kJitModelName));
  if (!entry) {
    std::string msg = llvm::toString(entry.takeError());
    return module.emitError("the JIT-compiled model has no ")
           << runPackedSymbol(kJitModelName) << ": " << msg;
  }
  if (!model->initialize(std::move(signature),
                         reinterpret_cast<RunPackedFn>(*entry), error))
    return module.emitError(error);
  return model;
}

} // namespace qmlir
