//===- QFolds.cpp - folders and canonicalization patterns of q -----------===//
//
// Part of qmlir. Only exact rewrites: a fold never changes a result bit.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace qmlir::q;

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult QuantizeOp::fold(FoldAdaptor) {
  // quantize(dequantize(x)) is x when the types round-trip.
  if (auto dq = getInput().getDefiningOp<DequantizeOp>())
    if (dq.getInput().getType() == getType())
      return dq.getInput();
  return {};
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult FakeQuantOp::fold(FoldAdaptor) {
  // Fake quantization is idempotent: its outputs are exactly representable.
  if (auto prev = getInput().getDefiningOp<FakeQuantOp>())
    if (prev.getQuantType() == getQuantType())
      return getInput();
  return {};
}

/// True if `attr` is a splat whose every element equals `value` (0 or 1)
/// exactly; for floats, `negZero` asks for -0.0 rather than +0.0 when value
/// is 0.
static bool isSplatOf(Attribute attr, double value, bool negZero = false) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type elem = splat.getElementType();
  if (isa<FloatType>(elem)) {
    APFloat v = splat.getSplatValue<APFloat>();
    if (value == 0.0)
      return v.isZero() && v.isNegative() == negZero;
    bool lost;
    APFloat want(value);
    want.convert(v.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return v.compare(want) == APFloat::cmpEqual;
  }
  // Compared unsigned, so that the i1 `true` is 1.
  if (isa<IntegerType>(elem))
    return splat.getSplatValue<APInt>() == static_cast<uint64_t>(value);
  return false;
}

/// x op c folds to x when c is the identity and broadcasting does not
/// change x's type.
static OpFoldResult foldRightIdentity(Value lhs, Type resultType,
                                      Attribute rhs, double identity,
                                      bool negZero) {
  if (lhs.getType() != resultType)
    return {};
  if (isSplatOf(rhs, identity, negZero))
    return lhs;
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  // x + (-0.0) == x for every float x, including -0.0; x + 0 for integers.
  bool isFloat = isa<FloatType>(getType().getElementType());
  if (OpFoldResult r = foldRightIdentity(getLhs(), getType(), adaptor.getRhs(),
                                         0.0, isFloat))
    return r;
  return foldRightIdentity(getRhs(), getType(), adaptor.getLhs(), 0.0,
                           isFloat);
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  // x - (+0.0) == x for every float x.
  return foldRightIdentity(getLhs(), getType(), adaptor.getRhs(), 0.0, false);
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldRightIdentity(getLhs(), getType(), adaptor.getRhs(), 1.0, false))
    return r;
  return foldRightIdentity(getRhs(), getType(), adaptor.getLhs(), 1.0, false);
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(getLhs(), getType(), adaptor.getRhs(), 1.0, false);
}

OpFoldResult ReluOp::fold(FoldAdaptor) {
  if (getInput().getDefiningOp<ReluOp>())
    return getInput();
  return {};
}

OpFoldResult ClipOp::fold(FoldAdaptor) {
  if (!getMin() && !getMax())
    return getInput();
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto prev = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(prev.getInput());
    return getResult();
  }
  // The attribute keeps its element type: a constant of a quantized tensor
  // holds storage values, and the attribute of a ui8 one may be i8.
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(dense.getType().clone(getType().getShape()));
  if (auto res = dyn_cast_or_null<DenseResourceElementsAttr>(
          adaptor.getInput()))
    return DenseResourceElementsAttr::get(
        res.getType().clone(getType().getShape()), res.getRawHandle());
  return {};
}

namespace {
struct FlattenToReshape : OpRewritePattern<FlattenOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FlattenOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getInput());
    return success();
  }
};

struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto prev = op.getInput().getDefiningOp<TransposeOp>();
    if (!prev)
      return failure();
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(prev.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), prev.getInput(),
                                             perm);
    return success();
  }
};
} // namespace

void FlattenOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<FlattenToReshape>(context);
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ComposeTransposes>(context);
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}
