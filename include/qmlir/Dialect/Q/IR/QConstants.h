//===- QConstants.h - reading and writing weight constants ------*- C++ -*-===//
//
// Part of qmlir. The one place passes read and rewrite weights (BN folding,
// quantization, packing, LoRA merge): `q.constant` values held as dense
// attributes or dense_resource blobs.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_Q_IR_QCONSTANTS_H
#define QMLIR_DIALECT_Q_IR_QCONSTANTS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <vector>

namespace qmlir::q {

/// The elements of an f32 dense or dense_resource attribute (row-major).
std::optional<std::vector<float>> readF32Elements(mlir::Attribute attr);

/// The elements of `value` when it is an f32 `q.constant` (row-major).
std::optional<std::vector<float>> readF32Constant(mlir::Value value);

/// The elements of `value` when it is an integer `q.constant` (row-major),
/// sign- or zero-extended as its element type (or a quantized type's
/// storage type) says.
std::optional<std::vector<int64_t>> readIntConstant(mlir::Value value);

/// A `q.constant` of `type` (f32) holding `data`: a dense attribute when
/// small, else a dense_resource blob named `name` (64-byte aligned).
mlir::Value buildF32Constant(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType type,
                             llvm::ArrayRef<float> data, llvm::StringRef name);

/// A `q.constant` of `type` (any integer element type; `ui8` stored as the
/// same bits) holding `data` narrowed to the element width, dense when
/// small, else a dense_resource blob named `name` (4-bit values take a byte
/// each in the blob, extended as their type says).
mlir::Value buildIntConstant(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType type,
                             llvm::ArrayRef<int64_t> data,
                             llvm::StringRef name);

/// A `q.constant` of `type` (f16 or bf16 elements) holding `data` rounded
/// to nearest even, dense when small, else a dense_resource blob named
/// `name`.
mlir::Value buildHalfConstant(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::RankedTensorType type,
                              llvm::ArrayRef<float> data,
                              llvm::StringRef name);

} // namespace qmlir::q

#endif // QMLIR_DIALECT_Q_IR_QCONSTANTS_H
