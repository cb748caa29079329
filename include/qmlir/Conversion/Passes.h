//===- Passes.h - qmlir lowering passes -------------------------*- C++ -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PASSES_H
#define QMLIR_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace qmlir {
#define GEN_PASS_DECL
#include "qmlir/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

#endif // QMLIR_CONVERSION_PASSES_H
