//===- QToLinalg.h - lowering of q to linalg --------------------*- C++ -*-===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_QTOLINALG_QTOLINALG_H
#define QMLIR_CONVERSION_QTOLINALG_QTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace qmlir {
/// Converts tensor types of q to the signless types linalg works on:
/// `ui8` -> `i8`, `!quant.uniform<u8:...>` -> `i8`.
class QTypeConverter : public mlir::TypeConverter {
public:
  QTypeConverter();
};

/// Patterns lowering every q op to linalg/tensor/arith/math.
void populateQToLinalgPatterns(const mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
} // namespace qmlir

#endif // QMLIR_CONVERSION_QTOLINALG_QTOLINALG_H
