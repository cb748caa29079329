//===- Codebook.h - table-based low-bit formats (NF4, FP4) ------*- C++ -*-===//
//
// Part of qmlir. Encoding of values into a codebook (`!q.codebook`):
// a value x of a block with absolute maximum `absmax` is stored as the index
// of the table entry nearest to x / absmax (bitsandbytes' quantize_4bit,
// NUMERICS.md "NF4 and FP4").
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_CODEBOOK_H
#define QMLIR_QUANT_CODEBOOK_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace qmlir::quant {

/// The index of the entry of `table` nearest to `x`; of two equally near
/// entries the first (bitsandbytes compares against the midpoints with `>`,
/// which also keeps the lower of two sorted entries).
int64_t nearestCode(llvm::ArrayRef<double> table, double x);

/// The code of `x` in a block whose largest magnitude is `absmax`: the entry
/// nearest to x / absmax, or the entry nearest to 0 when absmax is 0 (the
/// block dequantizes to zeros either way).
int64_t encodeInBlock(llvm::ArrayRef<double> table, float x, float absmax);

} // namespace qmlir::quant

#endif // QMLIR_QUANT_CODEBOOK_H
