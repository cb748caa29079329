//===- LinalgBuilders.cpp - shared builders for q-to-linalg ---------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include <limits>

using namespace mlir;

namespace qmlir::lowering {

AffineMap broadcastMap(MLIRContext *ctx, int64_t resultRank,
                       ArrayRef<int64_t> shape, ArrayRef<int64_t> resultShape) {
  SmallVector<AffineExpr> exprs;
  int64_t offset = resultRank - static_cast<int64_t>(shape.size());
  for (auto [i, size] : llvm::enumerate(shape)) {
    int64_t dim = offset + static_cast<int64_t>(i);
    if (size == 1 && resultShape[dim] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(dim, ctx));
  }
  return AffineMap::get(resultRank, 0, exprs, ctx);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(ctx, rank,
                                cast<ShapedType>(in.getType()).getShape(),
                                resultType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

Value buildFilled(OpBuilder &b, Location loc, RankedTensorType type,
                  TypedAttr value) {
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

TypedAttr extremeValue(Type type, bool lowest, bool isUnsigned) {
  if (auto ft = dyn_cast<FloatType>(type))
    return FloatAttr::get(
        ft, APFloat::getInf(ft.getFloatSemantics(), /*Negative=*/lowest));
  auto it = cast<IntegerType>(type);
  unsigned w = it.getWidth();
  APInt v = isUnsigned ? (lowest ? APInt::getMinValue(w) : APInt::getMaxValue(w))
                       : (lowest ? APInt::getSignedMinValue(w)
                                 : APInt::getSignedMaxValue(w));
  return IntegerAttr::get(it, v);
}

Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> padBegin, ArrayRef<int64_t> padEnd,
                 TypedAttr value) {
  if (llvm::all_of(padBegin, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(padEnd, [](int64_t p) { return p == 0; }))
    return input;
  return padSpatial(b, loc, input, padBegin, padEnd,
                    arith::ConstantOp::create(b, loc, value));
}

Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> padBegin, ArrayRef<int64_t> padEnd,
                 Value padValue) {
  if (llvm::all_of(padBegin, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(padEnd, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  int64_t lead = type.getRank() - static_cast<int64_t>(padBegin.size());
  SmallVector<int64_t> low(lead, 0), high(lead, 0), shape(type.getShape());
  for (size_t i = 0; i < padBegin.size(); ++i) {
    low.push_back(padBegin[i]);
    high.push_back(padEnd[i]);
    shape[lead + i] += padBegin[i] + padEnd[i];
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> lowOfr, highOfr;
  for (int64_t l : low)
    lowOfr.push_back(b.getIndexAttr(l));
  for (int64_t h : high)
    highOfr.push_back(b.getIndexAttr(h));
  return tensor::PadOp::create(b, loc, resultType, input, lowOfr, highOfr,
                               padValue);
}

Value buildReshape(OpBuilder &b, Location loc, Value input,
                   RankedTensorType type) {
  auto inType = cast<RankedTensorType>(input.getType());
  if (inType.getShape() == type.getShape())
    return input;
  Value flat = input;
  if (inType.getRank() != 1) {
    SmallVector<ReassociationIndices> reassoc;
    if (inType.getRank() > 0) {
      ReassociationIndices all;
      for (int64_t i = 0; i < inType.getRank(); ++i)
        all.push_back(i);
      reassoc.push_back(all);
    }
    int64_t n = inType.getNumElements();
    auto flatType = type.getRank() == 0
                        ? RankedTensorType::get({}, inType.getElementType())
                        : RankedTensorType::get({n}, inType.getElementType());
    if (type.getRank() == 0) {
      return tensor::CollapseShapeOp::create(b, loc, type, input,
                                             SmallVector<ReassociationIndices>{});
    }
    flat = inType.getRank() == 0
               ? Value(tensor::ExpandShapeOp::create(
                     b, loc, flatType, input,
                     SmallVector<ReassociationIndices>{}))
               : Value(tensor::CollapseShapeOp::create(b, loc, flatType, input,
                                                       reassoc));
  }
  if (type.getRank() == 1)
    return flat;
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, flat,
                                           SmallVector<ReassociationIndices>{});
  ReassociationIndices all;
  for (int64_t i = 0; i < type.getRank(); ++i)
    all.push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, type, flat,
                                       SmallVector<ReassociationIndices>{all});
}

bool isUnsignedElement(Type qType) {
  if (auto q = dyn_cast<quant::QuantizedType>(qType))
    return !q.isSigned();
  return qType.isUnsignedInteger();
}

} // namespace qmlir::lowering
