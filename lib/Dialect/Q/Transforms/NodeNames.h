//===- NodeNames.h - ONNX node names of q ops -------------------*- C++ -*-===//
//
// Part of qmlir. The importer keeps each ONNX node's name as the location
// of the ops it becomes; passes select ops by it (`exclude=`) and name the
// weight blobs they write after it.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_Q_TRANSFORMS_NODENAMES_H
#define QMLIR_LIB_DIALECT_Q_TRANSFORMS_NODENAMES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringExtras.h"

#include <string>

namespace qmlir {

/// The ONNX node name of `loc` (the first name of a fused location), or "".
inline std::string nodeName(mlir::Location loc) {
  if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc))
    return name.getName().str();
  if (auto fused = mlir::dyn_cast<mlir::FusedLoc>(loc))
    for (mlir::Location l : fused.getLocations())
      if (auto name = mlir::dyn_cast<mlir::NameLoc>(l))
        return name.getName().str();
  return "";
}

/// A blob name for a constant written for the op at `loc`: its node name
/// ("weight" without one) with characters other than [A-Za-z0-9_.] made
/// `_`, then `suffix`.
inline std::string blobName(mlir::Location loc, llvm::StringRef suffix) {
  std::string base = nodeName(loc);
  if (base.empty())
    base = "weight";
  for (char &c : base)
    if (!llvm::isAlnum(c) && c != '_' && c != '.')
      c = '_';
  return base + suffix.str();
}

} // namespace qmlir

#endif // QMLIR_LIB_DIALECT_Q_TRANSFORMS_NODENAMES_H
