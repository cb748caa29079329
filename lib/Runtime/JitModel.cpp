//===- JitModel.cpp - a model compiled in-process for qrun ----------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/JitModel.h"
#include "qmlir/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;

namespace qmlir {

std::string TensorSignature::describe() const {
  std::string s = elementName(kind).str() + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s + "]";
}

static LogicalResult readSignature(func::FuncOp func, bool results,
                                   SmallVectorImpl<TensorSignature> &out) {
  ArrayRef<Type> types =
      results ? func.getResultTypes() : func.getArgumentTypes();
  for (auto [i, type] : llvm::enumerate(types)) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    std::optional<ElementKind> kind =
        tensor ? elementKindOf(tensor.getElementType()) : std::nullopt;
    if (!tensor || !tensor.hasStaticShape() || !kind)
      return func.emitError() << (results ? "result " : "argument ") << i
                              << " has type " << type
                              << "; qrun needs statically shaped tensors of "
                                 "float, integer or bool elements";
    StringAttr name = results ? func.getResultAttrOfType<StringAttr>(
                                    i, kONNXNameAttr)
                              : func.getArgAttrOfType<StringAttr>(
                                    i, kONNXNameAttr);
    out.push_back({name ? name.str()
                        : (results ? "output_" : "input_") + std::to_string(i),
                   *kind,
                   SmallVector<int64_t>(tensor.getShape())});
  }
  return success();
}

FailureOr<std::unique_ptr<JitModel>>
JitModel::create(ModuleOp module, const CPUPipelineOptions &options) {
  auto model = std::unique_ptr<JitModel>(new JitModel());
  auto func = module.lookupSymbol<func::FuncOp>("main");
  if (!func)
    return module.emitError("the module has no function @main");
  if (failed(readSignature(func, false, model->inputs)) ||
      failed(readSignature(func, true, model->outputs)))
    return failure();

  // Names were read; LLVM has no use for them on parameters.
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    func.removeArgAttr(i, StringAttr::get(module.getContext(), kONNXNameAttr));
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    func.removeResultAttr(i,
                          StringAttr::get(module.getContext(), kONNXNameAttr));

  PassManager pm(module.getContext());
  buildQToLLVMPipeline(pm, options);
  if (failed(pm.run(module)))
    return failure();

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = makeOptimizingTransformer(
      /*optLevel=*/3, /*sizeLevel=*/0, /*targetMachine=*/nullptr);
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  auto engine = ExecutionEngine::create(module, engineOptions);
  if (!engine) {
    std::string msg = llvm::toString(engine.takeError());
    return module.emitError("JIT compilation failed: ") << msg;
  }
  model->engine = std::move(*engine);
  return model;
}

LogicalResult JitModel::run(ArrayRef<const HostTensor *> in,
                            ArrayRef<HostTensor *> out) {
  // The bare-pointer convention: one pointer per input, then per output.
  SmallVector<void *> pointers;
  for (const HostTensor *t : in)
    pointers.push_back(const_cast<void *>(t->data()));
  for (HostTensor *t : out)
    pointers.push_back(t->data());
  SmallVector<void *> args;
  for (void *&p : pointers)
    args.push_back(&p);
  if (llvm::Error err = engine->invokePacked("main", args)) {
    llvm::consumeError(std::move(err));
    return failure();
  }
  return success();
}

} // namespace qmlir
