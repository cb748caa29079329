//===- StaticInputs.h - inputs known at compile time ------------*- C++ -*-===//
//
// Part of qmlir. Inputs that fix an output shape (axes, pads, repeats,
// sizes, scales...) must be initializers or Constant outputs: shapes are
// static in qmlir. Shared by the importers of Shape.cpp, Reduction.cpp and
// Resize.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_TARGET_ONNX_OPS_STATICINPUTS_H
#define QMLIR_LIB_TARGET_ONNX_OPS_STATICINPUTS_H

#include "../NodeImporter.h"

namespace qmlir::onnx_import {

/// The error for input `i` when it is computed at run time; `what` names its
/// role ("axes", "pads").
inline mlir::LogicalResult runtimeShapeInputError(NodeImporter &n, int i,
                                                  llvm::StringRef what) {
  return n.emitError() << "the " << what << " input '" << n.proto().input(i)
                       << "' depends on run-time data; qmlir needs static "
                          "shapes (make it an initializer or a Constant)";
}

/// The integer values of input `i`, or an error (run-time value, or not an
/// int32/int64 tensor).
inline std::optional<llvm::SmallVector<int64_t>>
staticInts(NodeImporter &n, int i, llvm::StringRef what) {
  if (!n.constantInput(i)) {
    (void)runtimeShapeInputError(n, i, what);
    return std::nullopt;
  }
  std::optional<llvm::SmallVector<int64_t>> values = n.constantInts(i);
  if (!values)
    n.emitError() << "the " << what << " input '" << n.proto().input(i)
                  << "' must be an int32 or int64 tensor";
  return values;
}

/// The float values of input `i`, or an error (run-time value, or not a
/// float/double tensor).
inline std::optional<llvm::SmallVector<double>>
staticFloats(NodeImporter &n, int i, llvm::StringRef what) {
  if (!n.constantInput(i)) {
    (void)runtimeShapeInputError(n, i, what);
    return std::nullopt;
  }
  std::optional<llvm::SmallVector<double>> values = n.constantFloats(i);
  if (!values)
    n.emitError() << "the " << what << " input '" << n.proto().input(i)
                  << "' must be a float or double tensor";
  return values;
}

} // namespace qmlir::onnx_import

#endif // QMLIR_LIB_TARGET_ONNX_OPS_STATICINPUTS_H
