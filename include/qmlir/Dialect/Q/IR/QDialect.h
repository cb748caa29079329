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

namespace qmlir::q {
/// Discardable attribute on the ops of a LoRA branch that q-lora-merge
/// (mode=unmerged) adds: the adapter's name. Weight quantization leaves
/// these ops in f32.
inline constexpr llvm::StringLiteral kLoraAdapterAttr = "q.lora_adapter";
} // namespace qmlir::q

#endif // QMLIR_DIALECT_Q_IR_QDIALECT_H
