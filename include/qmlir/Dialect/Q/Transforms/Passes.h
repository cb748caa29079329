//===- Passes.h - passes on the q dialect -----------------------*- C++ -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_TRANSFORMS_PASSES_H
#define QMLIR_DIALECT_Q_TRANSFORMS_PASSES_H

#include "qmlir/Dialect/Q/IR/QDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace qmlir {
#define GEN_PASS_DECL
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
} // namespace qmlir

#endif // QMLIR_DIALECT_Q_TRANSFORMS_PASSES_H
