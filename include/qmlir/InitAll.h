//===- InitAll.h - everything qmlir's tools register ------------*- C++ -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_INITALL_H
#define QMLIR_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace qmlir {
/// The q dialect and the upstream dialects (with their bufferization,
/// tiling and LLVM-translation interfaces) that qmlir's pipelines use.
void registerAllDialects(mlir::DialectRegistry &registry);
/// qmlir's passes, its pipelines, and the upstream passes they use.
void registerAllPasses();
} // namespace qmlir

#endif // QMLIR_INITALL_H
