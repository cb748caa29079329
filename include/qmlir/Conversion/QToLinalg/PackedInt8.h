//===- PackedInt8.h - int8 contractions on pre-packed weights ---*- C++ -*-===//
//
// Part of qmlir. The forms convert-q-to-linalg gives integer matmuls and
// convolutions with constant int8 weights, and which q-microkernels turns
// into dot-product kernels (x86 vpdpbusd, or generic vector code): a
// linalg.generic accumulating zext(u8 activation) * sext(s8 weight) into
// i32, the weight a constant laid out for the kernels. Zero points and
// signed activations are handled around it (see LinearToLinalg.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_QTOLINALG_PACKEDINT8_H
#define QMLIR_CONVERSION_QTOLINALG_PACKEDINT8_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

#include <optional>
#include <vector>

namespace qmlir {

/// Weights are grouped by 4 along the reduction: one 32-bit lane of a dot
/// product instruction holds 4 consecutive reduction steps.
inline constexpr int64_t kInt8Depth = 4;
/// Columns of one packed weight tile: a 512-bit register of 32-bit lanes.
inline constexpr int64_t kInt8TileColumns = 16;

/// The shape of a [K, N] weight packed as tiles: [ceil(N/16)][ceil(K/4)]
/// [16][4], tile (t, g) holding columns 16t.. and reduction steps 4g..,
/// column-major inside (the 4 steps of a column are adjacent).
llvm::SmallVector<int64_t> packedInt8RhsShape(int64_t k, int64_t n);

/// `w` ([K, N] row-major, values in [-128, 127]) in that layout, padded with
/// zeros.
std::vector<int8_t> packInt8Rhs(llvm::ArrayRef<int64_t> w, int64_t k,
                                int64_t n);

/// The shape of an [M, K] weight with its rows padded to groups of 4:
/// [M][ceil(K/4)][4].
llvm::SmallVector<int64_t> packedInt8LhsShape(int64_t m, int64_t k);

/// `w` ([M, K] row-major) in that layout, padded with zeros.
std::vector<int8_t> packInt8Lhs(llvm::ArrayRef<int64_t> w, int64_t m,
                                int64_t k);

/// The two forms. All operands are signless i8 (activations read as
/// unsigned, weights as signed), accumulators i32; `out` is the
/// accumulator the products are added to.
enum class PackedInt8Kind {
  /// out[m][n] += a[m][k] * w[k][n]: `activation` [M, K], `weight` packed
  /// by packInt8Rhs, `out` [M, N]. Matmuls.
  PackedRhs,
  /// out[b][m][n] += w[m][k] * x[b][k][n]: `weight` packed by packInt8Lhs,
  /// `activation` [B, K, N], `out` [B, M, N]. 1x1 convolutions (NCHW).
  PackedLhs,
  /// out[b][m][y][x] += w[m][r] * x[b][c][y sy + i dy][x sx + j dx], the
  /// reduction over r = (c KH + i) KW + j: `weight` ([M, C, KH, KW]) packed
  /// by packInt8Lhs as [M, C KH KW], `activation` [B, C, H, W] (padded
  /// already), `out` [B, M, OH, OW], and a `window` operand [KH, KW] whose
  /// contents are not read (it gives the loops over i and j their ranges).
  /// 2-D convolutions (NCHW, one group).
  PackedConv,
};

/// Builds the linalg.generic of `kind` (PackedRhs or PackedLhs) on tensors,
/// accumulating into `init`.
mlir::Value buildPackedInt8(mlir::OpBuilder &b, mlir::Location loc,
                            PackedInt8Kind kind, mlir::Value activation,
                            mlir::Value weight, mlir::Value init);

/// Builds the PackedConv linalg.generic on tensors for a KH x KW window
/// with `strides` and `dilations` (rows, columns).
mlir::Value buildPackedInt8Conv(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value activation, mlir::Value weight,
                                mlir::Value init, int64_t kh, int64_t kw,
                                llvm::ArrayRef<int64_t> strides,
                                llvm::ArrayRef<int64_t> dilations);

/// A recognized packed int8 contraction (on tensors or on buffers).
struct PackedInt8Op {
  PackedInt8Kind kind;
  mlir::Value activation, weight, out;
  /// Batch (1 for PackedRhs), rows, columns and reduction size; for
  /// PackedConv the columns are OH x OW and the reduction C x KH x KW.
  int64_t batch = 1, m = 0, n = 0, k = 0;
  /// PackedConv: the window, strides and dilations (rows, columns).
  int64_t kh = 1, kw = 1;
  llvm::SmallVector<int64_t, 2> strides = {1, 1}, dilations = {1, 1};
};

/// `op` as a packed int8 contraction, if it is one: the maps, iterators,
/// body and shapes buildPackedInt8 gives.
std::optional<PackedInt8Op> matchPackedInt8(mlir::Operation *op);

} // namespace qmlir

#endif // QMLIR_CONVERSION_QTOLINALG_PACKEDINT8_H
