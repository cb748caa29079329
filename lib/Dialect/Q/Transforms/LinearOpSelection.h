//===- LinearOpSelection.h - which convs and matmuls a pass takes -*- C++ -*-===//
//
// Part of qmlir. q-quantize, q-cast-float and q-insert-fake-quant rewrite
// the same ops (q.conv, q.matmul, q.gemm) chosen the same way: `ops=` lists
// kinds (conv, matmul, gemm; empty: all), `exclude=` ONNX node names.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_Q_TRANSFORMS_LINEAROPSELECTION_H
#define QMLIR_LIB_DIALECT_Q_TRANSFORMS_LINEAROPSELECTION_H

#include "NodeNames.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace qmlir {

/// Fails after an error "PASS: unknown op kind 'K' in ops (...)" when `ops`
/// names a kind other than conv, matmul or gemm.
inline mlir::LogicalResult checkLinearOpKinds(mlir::Operation *root,
                                              llvm::StringRef pass,
                                              llvm::ArrayRef<std::string> ops) {
  for (const std::string &kind : ops)
    if (kind != "conv" && kind != "matmul" && kind != "gemm") {
      root->emitError() << pass << ": unknown op kind '" << kind
                        << "' in ops (expected conv, matmul or gemm)";
      return mlir::failure();
    }
  return mlir::success();
}

/// The q.conv, q.matmul and q.gemm ops under `root`, in order, whose kind
/// `ops` selects and whose ONNX node name `exclude` does not list.
inline llvm::SmallVector<mlir::Operation *>
selectLinearOps(mlir::Operation *root, llvm::ArrayRef<std::string> ops,
                llvm::ArrayRef<std::string> exclude) {
  llvm::SmallVector<mlir::Operation *> selected;
  root->walk([&](mlir::Operation *op) {
    const char *kind = mlir::isa<q::ConvOp>(op)     ? "conv"
                       : mlir::isa<q::MatMulOp>(op) ? "matmul"
                       : mlir::isa<q::GemmOp>(op)   ? "gemm"
                                                    : nullptr;
    if (!kind || (!ops.empty() && !llvm::is_contained(ops, kind)))
      return;
    std::string name = nodeName(op->getLoc());
    if (name.empty() || !llvm::is_contained(exclude, name))
      selected.push_back(op);
  });
  return selected;
}

} // namespace qmlir

#endif // QMLIR_LIB_DIALECT_Q_TRANSFORMS_LINEAROPSELECTION_H
