//===- LinalgBuilders.h - shared builders for q-to-linalg -------*- C++ -*-===//
//
// Part of qmlir. Small builders the q-to-linalg pattern files share.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CONVERSION_QTOLINALG_LINALGBUILDERS_H
#define QMLIR_LIB_CONVERSION_QTOLINALG_LINALGBUILDERS_H

#include "qmlir/Conversion/QToLinalg/QToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace qmlir::lowering {

/// Body of an element-wise linalg.generic: block arguments in, value out.
using BodyFn = llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                              mlir::ValueRange)>;

/// The map from a rank-`resultRank` iteration space to an operand of
/// `shape`, aligned on the right with size-1 dimensions broadcast (numpy).
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx, int64_t resultRank,
                             llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<int64_t> resultShape);

/// An element-wise linalg.generic over `resultType` whose inputs broadcast
/// to it numpy-style.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, BodyFn body);

/// A tensor of `type` filled with `value`.
mlir::Value buildFilled(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, mlir::TypedAttr value);

/// A scalar constant of a float or integer type.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// The lowest (or highest) value of a float (-inf/+inf) or integer type.
mlir::TypedAttr extremeValue(mlir::Type type, bool lowest, bool isUnsigned);

/// Pads the trailing dims of an NC... tensor (`pads` = begins then ends).
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> padBegin,
                       llvm::ArrayRef<int64_t> padEnd, mlir::TypedAttr value);
/// The same with a pad value computed at run time.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> padBegin,
                       llvm::ArrayRef<int64_t> padEnd, mlir::Value padValue);

/// Reshapes a static tensor by collapsing to 1-D and expanding again
/// (canonicalization simplifies the pair).
mlir::Value buildReshape(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value input, mlir::RankedTensorType type);

/// True if the q-level element type is an unsigned integer (or a quantized
/// type with unsigned storage).
bool isUnsignedElement(mlir::Type qType);

// Pattern groups, one per file.
void populateElementwisePatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateLinearPatterns(const mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);
void populatePoolingPatterns(const mlir::TypeConverter &converter,
                             mlir::RewritePatternSet &patterns);
void populateDataMovementPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateReductionPatterns(const mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateResizePatterns(const mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);
void populateQuantizationPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateNormalizationPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);

} // namespace qmlir::lowering

#endif // QMLIR_LIB_CONVERSION_QTOLINALG_LINALGBUILDERS_H
