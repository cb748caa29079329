//===- CompiledModel.cpp - a model behind the C ABI, for qrun -------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/CompiledModel.h"
#include "qmlir/Target/Object/CInterface.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cstdlib>

using namespace mlir;

namespace qmlir {

std::string TensorSignature::describe() const {
  std::string s = elementName(kind).str() + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s + "]";
}

std::optional<ElementKind> elementKindOfDType(StringRef dtype) {
  return llvm::StringSwitch<std::optional<ElementKind>>(dtype)
      .Case("float16", ElementKind::F16)
      .Case("bfloat16", ElementKind::BF16)
      .Case("float32", ElementKind::F32)
      .Case("float64", ElementKind::F64)
      .Case("bool", ElementKind::Bool)
      .Case("int8", ElementKind::I8)
      .Case("int16", ElementKind::I16)
      .Case("int32", ElementKind::I32)
      .Case("int64", ElementKind::I64)
      .Case("uint8", ElementKind::U8)
      .Case("uint16", ElementKind::U16)
      .Case("uint32", ElementKind::U32)
      .Case("uint64", ElementKind::U64)
      .Default(std::nullopt);
}

CompiledModel::~CompiledModel() = default;

void CompiledModel::Free::operator()(void *p) const { std::free(p); }

bool CompiledModel::initialize(ModelSignature sig, RunPackedFn entry,
                               std::string &error) {
  auto convert = [&](const std::vector<TensorInfo> &from,
                     SmallVectorImpl<TensorSignature> &to) {
    for (const TensorInfo &t : from) {
      std::optional<ElementKind> kind = elementKindOfDType(t.dtype);
      if (!kind) {
        error = "'" + t.name + "' has the dtype '" + t.dtype +
                "', which qrun cannot hold";
        return false;
      }
      to.push_back({t.name, *kind, t.shape});
    }
    return true;
  };
  if (!convert(sig.inputs, inputs) || !convert(sig.outputs, outputs))
    return false;
  if (sig.workspaceSize > 0) {
    size_t bytes = llvm::alignTo(sig.workspaceSize, kBufferAlignment);
    workspace.reset(std::aligned_alloc(kBufferAlignment, bytes));
    if (!workspace) {
      error = "cannot allocate the model's workspace of " +
              std::to_string(sig.workspaceSize) + " bytes";
      return false;
    }
  }
  signature = std::move(sig);
  runPacked = entry;
  return true;
}

bool CompiledModel::run(ArrayRef<const HostTensor *> in,
                        ArrayRef<HostTensor *> out, std::string &error) {
  if (in.size() != inputs.size() || out.size() != outputs.size()) {
    error = "the model takes " + std::to_string(inputs.size()) +
            " inputs and " + std::to_string(outputs.size()) + " outputs";
    return false;
  }
  SmallVector<const void *> inPtrs;
  for (const HostTensor *t : in)
    inPtrs.push_back(t->data());
  SmallVector<void *> outPtrs;
  for (HostTensor *t : out)
    outPtrs.push_back(t->data());
  int status = runPacked(inPtrs.data(), outPtrs.data(), workspace.get());
  if (status == 0)
    return true;
  error = runPackedSymbol(signature.name) + " returned " +
          std::to_string(status) + " (" + abiStatusMacro(status).str() + ": " +
          abiStatusMessage(status).str() + ")";
  return false;
}

} // namespace qmlir
