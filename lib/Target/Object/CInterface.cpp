//===- CInterface.cpp - the C ABI of compiled models ----------------------===//
//
// Part of qmlir. The exported functions are built in the LLVM dialect, so the
// JIT and the emitted objects share them bit for bit.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/Object/CInterface.h"
#include "qmlir/Conversion/LinalgToCPU/PlanWorkspace.h"
#include "qmlir/Target/ONNX/Import.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace qmlir {

static_assert(kBufferAlignment == kWorkspaceAlignment,
              "one alignment for every buffer of the ABI");

StringRef abiStatusMacro(int status) {
  switch (static_cast<AbiStatus>(status)) {
  case AbiStatus::Ok:
    return "QMLIR_OK";
  case AbiStatus::NullBuffer:
    return "QMLIR_ERR_NULL_BUFFER";
  case AbiStatus::MisalignedBuffer:
    return "QMLIR_ERR_MISALIGNED_BUFFER";
  case AbiStatus::NullWorkspace:
    return "QMLIR_ERR_NULL_WORKSPACE";
  case AbiStatus::MisalignedWorkspace:
    return "QMLIR_ERR_MISALIGNED_WORKSPACE";
  }
  return "";
}

StringRef abiStatusMessage(int status) {
  switch (static_cast<AbiStatus>(status)) {
  case AbiStatus::Ok:
    return "success";
  case AbiStatus::NullBuffer:
    return "an input or output pointer is NULL";
  case AbiStatus::MisalignedBuffer:
    return "an input or output is not 64-byte aligned";
  case AbiStatus::NullWorkspace:
    return "the workspace is NULL but the model needs one";
  case AbiStatus::MisalignedWorkspace:
    return "the workspace is not 64-byte aligned";
  }
  return "unknown status";
}

std::string runSymbol(StringRef name) { return (name + "_run").str(); }
std::string runPackedSymbol(StringRef name) {
  return (name + "_run_packed").str();
}
std::string workspaceSizeSymbol(StringRef name) {
  return (name + "_workspace_size").str();
}

bool isCIdentifier(StringRef name) {
  static const llvm::StringSet<> keywords = {
      "auto",     "break",    "case",     "char",      "const",   "continue",
      "default",  "do",       "double",   "else",      "enum",    "extern",
      "float",    "for",      "goto",     "if",        "inline",  "int",
      "long",     "register", "restrict", "return",    "short",   "signed",
      "sizeof",   "static",   "struct",   "switch",    "typedef", "union",
      "unsigned", "void",     "volatile", "while",     "bool",    "true",
      "false",    "_Bool",    "_Complex", "_Imaginary"};
  if (name.empty() || llvm::isDigit(name.front()) || keywords.contains(name))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

std::string modelNameFromPath(StringRef path) {
  std::string name = llvm::sys::path::stem(path).str();
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  if (name.empty() || llvm::isDigit(name.front()) || !isCIdentifier(name))
    name = "_" + name;
  return name;
}

namespace {
/// Builds the exported functions around the lowered model body.
class InterfaceBuilder {
public:
  InterfaceBuilder(ModuleOp module, LLVM::LLVMFuncOp body, StringRef name,
                   unsigned numInputs, unsigned numOutputs,
                   int64_t workspaceSize)
      : module(module), body(body), name(name), numInputs(numInputs),
        numOutputs(numOutputs), workspaceSize(workspaceSize),
        b(module.getContext()), loc(body.getLoc()),
        ptrType(LLVM::LLVMPointerType::get(module.getContext())),
        i32(b.getI32Type()), i64(b.getI64Type()) {}

  void build() {
    LLVM::LLVMFuncOp run = buildRun();
    buildRunPacked(run);
    buildWorkspaceSize();
  }

private:
  LLVM::LLVMFuncOp declare(StringRef symbol, Type result,
                           ArrayRef<Type> params) {
    b.setInsertionPointToEnd(module.getBody());
    auto func = LLVM::LLVMFuncOp::create(
        b, loc, symbol, LLVM::LLVMFunctionType::get(result, params));
    return func;
  }

  Value constant(Type type, int64_t value) {
    return LLVM::ConstantOp::create(b, loc, type,
                                    b.getIntegerAttr(type, value));
  }

  Value isNull(Value p) {
    Value null = LLVM::ZeroOp::create(b, loc, ptrType);
    return LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, p, null);
  }

  Value isMisaligned(Value p) {
    Value bits = LLVM::PtrToIntOp::create(b, loc, i64, p);
    Value low =
        LLVM::AndOp::create(b, loc, bits, constant(i64, kBufferAlignment - 1));
    return LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, low,
                                constant(i64, 0));
  }

  Value any(ArrayRef<Value> flags) {
    Value result = constant(b.getI1Type(), 0);
    for (Value f : flags)
      result = LLVM::OrOp::create(b, loc, result, f);
    return result;
  }

  /// Returns `status` when it is not 0, else falls through to a new block
  /// where the insertion point is left.
  void returnIfError(LLVM::LLVMFuncOp func, Value status) {
    Region &region = func.getBody();
    Block *current = b.getInsertionBlock();
    Block *fail = b.createBlock(&region, region.end(), {i32}, {loc});
    LLVM::ReturnOp::create(b, loc, fail->getArgument(0));
    Block *ok = b.createBlock(&region, region.end());
    b.setInsertionPointToEnd(current);
    Value isOk = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, status,
                                      constant(i32, 0));
    LLVM::CondBrOp::create(b, loc, isOk, ok, ValueRange(), fail,
                           ValueRange{status});
    b.setInsertionPointToEnd(ok);
  }

  /// int NAME_run(const T *in..., T *out..., void *workspace)
  LLVM::LLVMFuncOp buildRun() {
    unsigned numBuffers = numInputs + numOutputs;
    SmallVector<Type> params(numBuffers + 1, ptrType);
    LLVM::LLVMFuncOp run = declare(runSymbol(name), i32, params);
    Block *entry = run.addEntryBlock(b);
    b.setInsertionPointToEnd(entry);
    ValueRange args = entry->getArguments();
    ValueRange buffers = args.take_front(numBuffers);
    Value workspace = args.back();

    SmallVector<Value> nulls, misaligned;
    for (Value p : buffers) {
      nulls.push_back(isNull(p));
      misaligned.push_back(isMisaligned(p));
    }
    // The first failing check in the order of AbiStatus wins.
    Value status = constant(i32, 0);
    if (workspaceSize > 0) {
      status = LLVM::SelectOp::create(
          b, loc, isMisaligned(workspace),
          constant(i32, int(AbiStatus::MisalignedWorkspace)), status);
      status = LLVM::SelectOp::create(
          b, loc, isNull(workspace),
          constant(i32, int(AbiStatus::NullWorkspace)), status);
    }
    status = LLVM::SelectOp::create(
        b, loc, any(misaligned),
        constant(i32, int(AbiStatus::MisalignedBuffer)), status);
    status = LLVM::SelectOp::create(
        b, loc, any(nulls), constant(i32, int(AbiStatus::NullBuffer)), status);
    returnIfError(run, status);
    LLVM::CallOp::create(b, loc, body, args);
    LLVM::ReturnOp::create(b, loc, constant(i32, 0));
    return run;
  }

  /// int NAME_run_packed(const void *const *inputs, void *const *outputs,
  ///                     void *workspace)
  void buildRunPacked(LLVM::LLVMFuncOp run) {
    LLVM::LLVMFuncOp packed =
        declare(runPackedSymbol(name), i32, {ptrType, ptrType, ptrType});
    Block *entry = packed.addEntryBlock(b);
    b.setInsertionPointToEnd(entry);
    Value inputs = entry->getArgument(0), outputs = entry->getArgument(1);
    SmallVector<Value> nulls;
    if (numInputs)
      nulls.push_back(isNull(inputs));
    if (numOutputs)
      nulls.push_back(isNull(outputs));
    Value status = LLVM::SelectOp::create(
        b, loc, any(nulls), constant(i32, int(AbiStatus::NullBuffer)),
        constant(i32, 0));
    returnIfError(packed, status);
    SmallVector<Value> args;
    auto load = [&](Value array, unsigned count) {
      for (unsigned i = 0; i < count; ++i) {
        Value address = LLVM::GEPOp::create(
            b, loc, ptrType, ptrType, array,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
        args.push_back(LLVM::LoadOp::create(b, loc, ptrType, address));
      }
    };
    load(inputs, numInputs);
    load(outputs, numOutputs);
    args.push_back(entry->getArgument(2));
    Value result = LLVM::CallOp::create(b, loc, run, args).getResult();
    LLVM::ReturnOp::create(b, loc, result);
  }

  /// size_t NAME_workspace_size(void)
  void buildWorkspaceSize() {
    LLVM::LLVMFuncOp func = declare(workspaceSizeSymbol(name), i64, {});
    Block *entry = func.addEntryBlock(b);
    b.setInsertionPointToEnd(entry);
    LLVM::ReturnOp::create(b, loc, constant(i64, workspaceSize));
  }

  ModuleOp module;
  LLVM::LLVMFuncOp body;
  StringRef name;
  unsigned numInputs, numOutputs;
  int64_t workspaceSize;
  OpBuilder b;
  Location loc;
  Type ptrType;
  IntegerType i32, i64;
};
} // namespace

/// Makes every symbol of the lowered model internal (only the interface is
/// exported) and checks that no global is mutable, so that separate
/// workspaces make separate, concurrent runs.
static LogicalResult internalize(ModuleOp module) {
  auto internal =
      LLVM::LinkageAttr::get(module.getContext(), LLVM::Linkage::Internal);
  for (Operation &op : *module.getBody()) {
    if (auto func = dyn_cast<LLVM::LLVMFuncOp>(op)) {
      if (!func.isExternal())
        func.setLinkageAttr(internal);
    } else if (auto global = dyn_cast<LLVM::GlobalOp>(op)) {
      if (!global.getConstant())
        return global.emitError("the lowered model has the mutable global @")
               << global.getSymName() << "; a compiled model must be reentrant";
      if (global.getLinkage() != LLVM::Linkage::Private)
        global.setLinkageAttr(internal);
    }
  }
  return success();
}

LogicalResult lowerToCInterface(ModuleOp module, StringRef name,
                                const CPUPipelineOptions &options,
                                ModelSignature &signature) {
  MLIRContext *ctx = module.getContext();
  if (!isCIdentifier(name))
    return module.emitError("the model name '")
           << name << "' is not a C identifier";
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return module.emitError("the module has no function @main");
  signature.name = name.str();
  signature.abiVersion = kAbiVersion;
  if (failed(readSignature(main, signature)))
    return failure();
  for (StringRef symbol :
       {runSymbol(name), runPackedSymbol(name), workspaceSizeSymbol(name)})
    if (module.lookupSymbol(symbol))
      return module.emitError("the module already defines @")
             << symbol << ", a symbol of the model's C interface";

  // Names were read; LLVM has no use for them, nor for the other q
  // annotations (calibration ranges) on parameters.
  auto qAttrs = [](DictionaryAttr attrs) {
    SmallVector<StringAttr> names;
    if (attrs)
      for (NamedAttribute a : attrs)
        if (a.getName().strref().starts_with("q."))
          names.push_back(a.getName());
    return names;
  };
  for (unsigned i = 0; i < main.getNumArguments(); ++i)
    for (StringAttr attr : qAttrs(main.getArgAttrDict(i)))
      main.removeArgAttr(i, attr);
  for (unsigned i = 0; i < main.getNumResults(); ++i)
    for (StringAttr attr : qAttrs(main.getResultAttrDict(i)))
      main.removeResultAttr(i, attr);

  PassManager pm(ctx);
  buildQToLLVMPipeline(pm, options);
  if (failed(pm.run(module)))
    return failure();

  auto body = module.lookupSymbol<LLVM::LLVMFuncOp>("main");
  unsigned numInputs = signature.inputs.size();
  unsigned numOutputs = signature.outputs.size();
  auto size = body ? body->getAttrOfType<IntegerAttr>(kWorkspaceSizeAttrName)
                   : IntegerAttr();
  if (!body || !size || body.getNumArguments() != numInputs + numOutputs + 1)
    return module.emitError("the lowered module has no entry "
                            "`llvm.func @main(ptr x ")
           << numInputs + numOutputs + 1
           << ")` with a planned workspace; was it lowered by "
              "buildQToLLVMPipeline?";
  signature.workspaceSize = size.getInt();
  body->removeAttr(kWorkspaceSizeAttrName);

  // The body keeps no name of its own that could clash with another
  // model's in the same program.
  std::string bodyName = name.str() + "_body";
  if (module.lookupSymbol(bodyName))
    return module.emitError("the module already defines @") << bodyName;
  if (failed(SymbolTable::replaceAllSymbolUses(
          body, StringAttr::get(ctx, bodyName), module)))
    return module.emitError("cannot rename @main");
  SymbolTable::setSymbolName(body, bodyName);
  if (failed(internalize(module)))
    return failure();

  InterfaceBuilder(module, body, name, numInputs, numOutputs,
                   signature.workspaceSize)
      .build();
  return success();
}

} // namespace qmlir
