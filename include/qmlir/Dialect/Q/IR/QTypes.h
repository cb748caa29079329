//===- QTypes.h - q dialect types -------------------------------*- C++ -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QTYPES_H
#define QMLIR_DIALECT_Q_IR_QTYPES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#define GET_TYPEDEF_CLASSES
#include "qmlir/Dialect/Q/IR/QTypes.h.inc"

#endif // QMLIR_DIALECT_Q_IR_QTYPES_H
