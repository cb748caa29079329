//===- Import.h - ONNX model importer ---------------------------*- C++ -*-===//
//
// Part of qmlir. Reads an ONNX model (binary protobuf, or ONNX's textual
// syntax in a `.onnxtxt` file) into a module holding `func.func @main` in
// the q dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_ONNX_IMPORT_H
#define QMLIR_TARGET_ONNX_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace qmlir {

struct ImportOptions {
  /// Dimensions pinned by `--input-shape NAME=1x3x48x192`, by input name.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
};

/// Parses one `NAME=D1xD2x...` specification into `options`; on failure
/// returns false and sets `error` to a message naming the specification.
bool parseInputShapeSpec(llvm::StringRef spec, ImportOptions &options,
                         std::string &error);

/// Imports the model at `path`. On failure, diagnostics naming the file or
/// the ONNX node have been emitted and a null module is returned.
mlir::OwningOpRef<mlir::ModuleOp> importONNXFile(llvm::StringRef path,
                                                 mlir::MLIRContext *context,
                                                 const ImportOptions &options);

/// The name of the attribute holding an ONNX input/output name on the
/// arguments and results of the imported function.
inline constexpr llvm::StringLiteral kONNXNameAttr = "q.name";

} // namespace qmlir

#endif // QMLIR_TARGET_ONNX_IMPORT_H
