//===- CInterface.h - the C ABI of compiled models --------------*- C++ -*-===//
//
// Part of qmlir. A model lowered by the shared CPU pipeline is one function
// `void @main(T *in..., T *out..., i8 *workspace)`; this exports it as
//
//   int    NAME_run(const T *in..., T *out..., void *workspace);
//   size_t NAME_workspace_size(void);
//   int    NAME_run_packed(const void *const *inputs, void *const *outputs,
//                          void *workspace);
//
// with the body internal, so an object defines no other global symbol. The
// JIT (qrun) and the objects qcompile writes go through this same code.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_OBJECT_CINTERFACE_H
#define QMLIR_TARGET_OBJECT_CINTERFACE_H

#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Target/Object/ModelSignature.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace qmlir {

/// Bumped whenever the calling convention or the manifest changes
/// incompatibly.
inline constexpr int64_t kAbiVersion = 1;
/// Inputs, outputs and the workspace must be aligned to this many bytes.
inline constexpr int64_t kBufferAlignment = 64;

/// What NAME_run and NAME_run_packed return.
enum class AbiStatus : int {
  Ok = 0,
  NullBuffer = 1,          // an input or output pointer (or array) is NULL
  MisalignedBuffer = 2,    // an input or output is not 64-byte aligned
  NullWorkspace = 3,       // NULL workspace, but the model needs one
  MisalignedWorkspace = 4, // the workspace is not 64-byte aligned
};
inline constexpr int kNumAbiStatuses = 5;
/// "QMLIR_ERR_NULL_BUFFER" (the header's macro) and a sentence.
llvm::StringRef abiStatusMacro(int status);
llvm::StringRef abiStatusMessage(int status);

std::string runSymbol(llvm::StringRef name);
std::string runPackedSymbol(llvm::StringRef name);
std::string workspaceSizeSymbol(llvm::StringRef name);

/// Whether `name` is a C identifier (and no C keyword).
bool isCIdentifier(llvm::StringRef name);
/// A C identifier from a file name: the stem with every character that
/// cannot be in an identifier replaced by `_`, prefixed with `_` when it
/// starts with a digit ("ch_PP-OCRv4_det_infer.onnx" -> ch_PP_OCRv4_det_infer).
std::string modelNameFromPath(llvm::StringRef path);

/// Lowers the q-level `module` (with `@main`) to the LLVM dialect with
/// buildQToLLVMPipeline and exports `@main` under the C ABI as `name`.
/// Fills `signature`'s name, ABI version, inputs, outputs and workspace
/// size. On failure diagnostics have been emitted.
mlir::LogicalResult lowerToCInterface(mlir::ModuleOp module,
                                      llvm::StringRef name,
                                      const CPUPipelineOptions &options,
                                      ModelSignature &signature);

} // namespace qmlir

#endif // QMLIR_TARGET_OBJECT_CINTERFACE_H
