//===- LegacyBroadcast.h - pre-opset-7 broadcast attributes -----*- C++ -*-===//
//
// Part of qmlir. Before opset 7 the binary element-wise ops (Add, Pow,
// Equal, And, ...) broadcast only when `broadcast=1`, aligning the second
// input at `axis`. Shared by Elementwise.cpp and Logic.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_TARGET_ONNX_OPS_LEGACYBROADCAST_H
#define QMLIR_LIB_TARGET_ONNX_OPS_LEGACYBROADCAST_H

#include "../NodeImporter.h"

namespace qmlir::onnx_import {

/// Fails with an error when a node of opset < 7 broadcasts along an `axis`
/// other than the trailing alignment, the only one that means the same as
/// numpy broadcasting (what q ops do).
inline mlir::LogicalResult
checkLegacyBroadcast(NodeImporter &n, mlir::Value lhs, mlir::Value rhs) {
  if (n.getOpset() >= 7 || !n.attrInt("broadcast", 0) || !n.hasAttr("axis"))
    return mlir::success();
  int64_t lhsRank = llvm::cast<mlir::RankedTensorType>(lhs.getType()).getRank();
  int64_t rhsRank = llvm::cast<mlir::RankedTensorType>(rhs.getType()).getRank();
  std::optional<int64_t> axis = normalizeAxis(n.attrInt("axis", 0), lhsRank);
  if (axis && *axis == lhsRank - rhsRank)
    return mlir::success();
  return n.emitError() << "legacy broadcasting along axis "
                       << n.attrInt("axis", 0)
                       << " is unsupported (only trailing alignment, axis "
                       << lhsRank - rhsRank << " here); re-export with "
                       << "opset >= 7";
}

} // namespace qmlir::onnx_import

#endif // QMLIR_LIB_TARGET_ONNX_OPS_LEGACYBROADCAST_H
