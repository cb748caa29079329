//===- WeightOnlyKernels.h - dequantize-in-register matmuls -----*- C++ -*-===//
//
// Part of qmlir. The part of q-microkernels that lowers weight-only matmuls
// (qmlir/Conversion/QToLinalg/WeightOnly.h) on buffers.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CONVERSION_LINALGTOCPU_WEIGHTONLYKERNELS_H
#define QMLIR_LIB_CONVERSION_LINALGTOCPU_WEIGHTONLYKERNELS_H

#include "qmlir/Conversion/QToLinalg/WeightOnly.h"

#include "mlir/IR/Builders.h"

namespace qmlir {

/// What the kernels may use of the target.
struct WeightOnlyKernelTarget {
  /// Bits per vector register and how many registers there are.
  int64_t vectorBits = 512, vectorRegisters = 32;
  /// x86 AVX-512 vpermps looks a 16-entry codebook up in a register; else
  /// codes are gathered from the table in memory.
  bool permuteTable = false;
};

/// Replaces `op` (on buffers) by loops that read each weight's code once per
/// block of rows, turn it into f32 in registers (convert, or look it up in
/// the codebook), and accumulate x * code per block of `group` steps, scaled
/// (and corrected by the zero point times the sum of x) at the end of the
/// block. With `zeroInit` the old contents of `op.out` are not read. Fails,
/// leaving the IR unchanged, for operands the kernels cannot address or
/// blocks that do not hold whole chunks of codes.
mlir::LogicalResult lowerWeightOnly(mlir::OpBuilder &b, mlir::Location loc,
                                    const WeightOnlyMatmul &op,
                                    const WeightOnlyKernelTarget &target,
                                    bool zeroInit);

} // namespace qmlir

#endif // QMLIR_LIB_CONVERSION_LINALGTOCPU_WEIGHTONLYKERNELS_H
