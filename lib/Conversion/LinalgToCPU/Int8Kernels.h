//===- Int8Kernels.h - register-tiled int8 dot-product kernels --*- C++ -*-===//
//
// Part of qmlir. The part of q-microkernels that lowers packed int8
// contractions (qmlir/Conversion/QToLinalg/PackedInt8.h) on buffers.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CONVERSION_LINALGTOCPU_INT8KERNELS_H
#define QMLIR_LIB_CONVERSION_LINALGTOCPU_INT8KERNELS_H

#include "qmlir/Conversion/QToLinalg/PackedInt8.h"

#include "mlir/IR/Builders.h"

namespace qmlir {

/// What the kernels may use of the target.
struct Int8KernelTarget {
  /// Bits per vector register and how many registers there are.
  int64_t vectorBits = 512, vectorRegisters = 32;
  /// x86 vpdpbusd (AVX512-VNNI at 512 bits; AVX-VNNI or AVX512-VNNI with
  /// AVX512VL at 256 bits; ignored at 128); else multiplies and adds on i32
  /// vectors.
  bool vnni = false;
  /// AArch64 usdot (FEAT_I8MM; 128 bits only): the same u8 x s8 dot product
  /// of 4 bytes into each i32 lane.
  bool usdot = false;
};

/// Replaces `op` (on buffers) by loops around register blocks that
/// accumulate the products into `op.out`; when `zeroInit`, `op.out`'s old
/// contents are not read (the products are its new value). Fails, leaving
/// the IR unchanged, for operands the kernels cannot address (rows that are
/// not contiguous) or vector shapes they do not support.
mlir::LogicalResult lowerPackedInt8(mlir::OpBuilder &b, mlir::Location loc,
                                    const PackedInt8Op &op,
                                    const Int8KernelTarget &target,
                                    bool zeroInit);

/// Whether `v` is a statically shaped buffer whose innermost dimension is
/// contiguous (what the kernels' vector loads and stores need).
bool hasContiguousRows(mlir::Value v);

/// Stores the first `lanes` of the `vl`-lane vector `v` into `mem` at
/// `indices` (a masked store when `lanes < vl`); the f32 and int8 kernels
/// both write their rows with it.
void storeMasked(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                 mlir::Value mem, mlir::ValueRange indices, int64_t vl,
                 int64_t lanes);

} // namespace qmlir

#endif // QMLIR_LIB_CONVERSION_LINALGTOCPU_INT8KERNELS_H
