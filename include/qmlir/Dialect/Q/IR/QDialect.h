//===- QDialect.h - the q dialect -------------------------------*- C++ -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QDIALECT_H
#define QMLIR_DIALECT_Q_IR_QDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "qmlir/Dialect/Q/IR/QDialect.h.inc"

#endif // QMLIR_DIALECT_Q_IR_QDIALECT_H
