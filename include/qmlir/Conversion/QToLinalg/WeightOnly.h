//===- WeightOnly.h - matmuls on packed low-bit weights ---------*- C++ -*-===//
//
// Part of qmlir. The form convert-q-to-linalg gives a matmul whose weight is
// a dequantized constant (q-quantize-weights, MatMulNBits): a
// linalg.generic reading f32 activations and the packed weight codes, which
// dequantizes each code (an integer, or a codebook entry such as NF4) with
// its block's scale and zero point and accumulates in f32. q-microkernels
// turns it into loops that dequantize in registers; elsewhere it runs as
// written.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_QTOLINALG_WEIGHTONLY_H
#define QMLIR_CONVERSION_QTOLINALG_WEIGHTONLY_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

#include <optional>
#include <vector>

namespace qmlir {

/// Bytes of one column's codes per chunk: 32 reduction steps of 4-bit
/// codes (byte j holding step j in its low nibble and step j + 16 in its
/// high one, so that one vector of bytes gives two vectors of consecutive
/// steps without shuffles), or 16 steps of 8-bit codes.
inline constexpr int64_t kWeightOnlyChunkBytes = 16;
/// Columns interleaved chunk by chunk, so that a block of columns streams
/// from one contiguous range of memory.
inline constexpr int64_t kWeightOnlyColumns = 4;

/// Reduction steps per chunk.
inline int64_t weightOnlyChunkSteps(int64_t bits) {
  return bits == 4 ? 2 * kWeightOnlyChunkBytes : kWeightOnlyChunkBytes;
}

/// The packed codes of an [N, K] weight: [ceil(N/4)][ceil(K/steps)][4][16]
/// bytes, tile (t, c) holding chunk c of columns 4t .. 4t + 3.
llvm::SmallVector<int64_t> weightOnlyPackedShape(int64_t bits, int64_t k,
                                                 int64_t n);

/// `codes` ([N, K] row-major, unsigned, below 2^bits) in that layout, the
/// padding zero.
std::vector<int8_t> packWeightOnly(llvm::ArrayRef<int64_t> codes,
                                   int64_t bits, int64_t k, int64_t n);

/// out[m][n] += a[m][k] * w(n, k) with
///   w(n, k) = (v(code(n, k)) - zeroPoint[n][k / group]) * scale[n][k / group]
/// where v is `table[code]` (a codebook) or the code itself (empty table),
/// `zeroPoint` (f32, null: none) and `scale` are [N, ceil(K/group)],
/// `a` is [M, K] f32 and `packed` is weightOnlyPackedShape(bits, K, N) i8.
mlir::Value buildWeightOnlyMatmul(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value a, mlir::Value packed,
                                  mlir::Value scale, mlir::Value zeroPoint,
                                  llvm::ArrayRef<float> table, int64_t bits,
                                  int64_t group, mlir::Value init);

/// A recognized weight-only matmul (on tensors or on buffers).
struct WeightOnlyMatmul {
  mlir::Value a, packed, scale, zeroPoint, out; // zeroPoint may be null
  int64_t m = 0, n = 0, k = 0, bits = 4, group = 0;
  llvm::SmallVector<float, 16> table; // empty: integer codes
  /// What the body reads the table from: a tensor or memref constant.
  mlir::Value tableSource;
};

/// `op` as a weight-only matmul, if it is one: the maps, iterators, body
/// and shapes buildWeightOnlyMatmul gives.
std::optional<WeightOnlyMatmul> matchWeightOnly(mlir::Operation *op);

} // namespace qmlir

#endif // QMLIR_CONVERSION_QTOLINALG_WEIGHTONLY_H
