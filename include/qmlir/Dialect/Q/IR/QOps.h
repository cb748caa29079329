//===- QOps.h - q dialect operations ----------------------------*- C++ -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QOPS_H
#define QMLIR_DIALECT_Q_IR_QOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "qmlir/Dialect/Q/IR/QDialect.h"
#include "qmlir/Dialect/Q/IR/QTypes.h"

namespace qmlir::q {
/// The output spatial size of a sliding window (conv, pooling) along one
/// dimension, following ONNX's formula; `ceilMode` drops windows that would
/// start in the end padding.
int64_t windowOutputSize(int64_t inputSize, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode);

/// Checks `result` against numpy matmul of shapes `a` and `b` (ONNX MatMul
/// and MatMulInteger); emits the error on `op`.
mlir::LogicalResult verifyMatMulShapes(mlir::Operation *op,
                                       llvm::ArrayRef<int64_t> a,
                                       llvm::ArrayRef<int64_t> b,
                                       llvm::ArrayRef<int64_t> result);

/// A shape as verifier messages print it: "[2x3x4]".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// The numpy-broadcast shape of two shapes, or failure if incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);
} // namespace qmlir::q

#define GET_OP_CLASSES
#include "qmlir/Dialect/Q/IR/QOps.h.inc"

#endif // QMLIR_DIALECT_Q_IR_QOPS_H
