//===- ReductionToLinalg.cpp - reductions, argmax, argmin to linalg -------===//
//
// Part of qmlir. A reduction is one linalg.generic with reduction loops over
// the reduced dimensions, writing the result without them (a reshape adds
// them back when they are kept); what comes before (abs, square, exp) sits
// in its body and what comes after (mean's division, sqrt, log) is an
// element-wise generic on the result.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::lowering;

namespace {

using CombineFn =
    function_ref<Value(OpBuilder &, Location, Value acc, ValueRange inputs)>;

/// The shape of `shape` without the dimensions in `axes`.
static SmallVector<int64_t> dropAxes(ArrayRef<int64_t> shape,
                                     ArrayRef<int64_t> axes) {
  SmallVector<int64_t> out;
  for (auto [d, size] : llvm::enumerate(shape))
    if (!llvm::is_contained(axes, static_cast<int64_t>(d)))
      out.push_back(size);
  return out;
}

/// The map from the input's iteration space to the kept dimensions.
static AffineMap keptMap(MLIRContext *ctx, int64_t rank,
                         ArrayRef<int64_t> axes) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Reduces `inputs` (the first has the iteration space's shape and is read
/// with the identity map; the others are read with `extraMaps`) over `axes`
/// into a tensor of the kept dimensions filled with `init`.
static Value buildReduction(OpBuilder &b, Location loc, ValueRange inputs,
                            ArrayRef<AffineMap> extraMaps,
                            ArrayRef<int64_t> axes, TypedAttr init,
                            CombineFn combine) {
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(inputs.front().getType());
  int64_t rank = inType.getRank();
  auto redType =
      RankedTensorType::get(dropAxes(inType.getShape(), axes), init.getType());
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  llvm::append_range(maps, extraMaps);
  maps.push_back(keptMap(ctx, rank, axes));
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < rank; ++d)
    iters.push_back(llvm::is_contained(axes, d)
                        ? utils::IteratorType::reduction
                        : utils::IteratorType::parallel);
  Value filled = buildFilled(b, loc, redType, init);
  return linalg::GenericOp::create(
             b, loc, redType, inputs, filled, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l, combine(nb, l, args.back(), args.drop_back()));
             })
      .getResult(0);
}

static Value addValues(OpBuilder &b, Location l, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, l, x, y);
  return arith::AddIOp::create(b, l, x, y);
}

static Value mulValues(OpBuilder &b, Location l, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, l, x, y);
  return arith::MulIOp::create(b, l, x, y);
}

static Value maxValues(OpBuilder &b, Location l, Value x, Value y,
                       bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, l, x, y);
  if (isUnsigned)
    return arith::MaxUIOp::create(b, l, x, y);
  return arith::MaxSIOp::create(b, l, x, y);
}

static Value minValues(OpBuilder &b, Location l, Value x, Value y,
                       bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, l, x, y);
  if (isUnsigned)
    return arith::MinUIOp::create(b, l, x, y);
  return arith::MinSIOp::create(b, l, x, y);
}

static Value absValue(OpBuilder &b, Location l, Value x, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return math::AbsFOp::create(b, l, x);
  if (isUnsigned)
    return x;
  return math::AbsIOp::create(b, l, x);
}

struct ReduceLowering : OpConversionPattern<q::ReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type elem = type.getElementType();
    bool isUnsigned = isUnsignedElement(op.getType().getElementType());
    ArrayRef<int64_t> axes = op.getAxes();
    StringRef kind = op.getKind();
    Value input = adaptor.getInput();
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    auto redType =
        RankedTensorType::get(dropAxes(inShape, axes), type.getElementType());
    TypedAttr zero = rewriter.getZeroAttr(elem);
    auto sum = [&](function_ref<Value(OpBuilder &, Location, Value)> pre) {
      return buildReduction(
          rewriter, loc, input, {}, axes, zero,
          [&](OpBuilder &b, Location l, Value acc, ValueRange in) {
            return addValues(b, l, acc, pre(b, l, in[0]));
          });
    };
    auto identity = [](OpBuilder &, Location, Value x) { return x; };
    auto square = [](OpBuilder &b, Location l, Value x) {
      return mulValues(b, l, x, x);
    };
    auto post = [&](Value v,
                    function_ref<Value(OpBuilder &, Location, Value)> fn) {
      return buildElementwise(rewriter, loc, redType, v,
                              [&](OpBuilder &b, Location l, ValueRange args) {
                                return fn(b, l, args[0]);
                              });
    };

    Value r;
    if (kind == "sum") {
      r = sum(identity);
    } else if (kind == "mean") {
      int64_t count = 1;
      for (int64_t axis : axes)
        count *= inShape[axis];
      r = post(sum(identity), [&](OpBuilder &b, Location l, Value s) -> Value {
        Value n = scalarConstant(b, l, elem, static_cast<double>(count));
        if (isa<FloatType>(elem))
          return arith::DivFOp::create(b, l, s, n);
        if (isUnsigned)
          return arith::DivUIOp::create(b, l, s, n);
        return arith::DivSIOp::create(b, l, s, n);
      });
    } else if (kind == "max" || kind == "min") {
      bool isMax = kind == "max";
      r = buildReduction(
          rewriter, loc, input, {}, axes,
          extremeValue(elem, /*lowest=*/isMax, isUnsigned),
          [&](OpBuilder &b, Location l, Value acc, ValueRange in) {
            return isMax ? maxValues(b, l, acc, in[0], isUnsigned)
                         : minValues(b, l, acc, in[0], isUnsigned);
          });
    } else if (kind == "prod") {
      TypedAttr one = isa<FloatType>(elem)
                          ? TypedAttr(rewriter.getFloatAttr(elem, 1.0))
                          : TypedAttr(rewriter.getIntegerAttr(elem, 1));
      r = buildReduction(
          rewriter, loc, input, {}, axes, one,
          [&](OpBuilder &b, Location l, Value acc, ValueRange in) {
            return mulValues(b, l, acc, in[0]);
          });
    } else if (kind == "l1") {
      r = sum([&](OpBuilder &b, Location l, Value x) {
        return absValue(b, l, x, isUnsigned);
      });
    } else if (kind == "l2") {
      r = post(sum(square), [](OpBuilder &b, Location l, Value s) -> Value {
        return math::SqrtOp::create(b, l, s);
      });
    } else if (kind == "sum_square") {
      r = sum(square);
    } else if (kind == "log_sum") {
      r = post(sum(identity), [](OpBuilder &b, Location l, Value s) -> Value {
        return math::LogOp::create(b, l, s);
      });
    } else if (kind == "log_sum_exp") {
      // m + log(sum(exp(x - m))) with m the maximum (zero when infinite), so
      // that exp cannot overflow.
      Value maxValue = buildReduction(
          rewriter, loc, input, {}, axes,
          extremeValue(elem, /*lowest=*/true, false),
          [](OpBuilder &b, Location l, Value acc, ValueRange in) {
            return maxValues(b, l, acc, in[0], false);
          });
      Value shift =
          post(maxValue, [&](OpBuilder &b, Location l, Value m) -> Value {
            // -inf < m < inf (math.isfinite does not lower on n-D vectors).
            Value below = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OLT, m,
                arith::ConstantOp::create(
                    b, l, extremeValue(elem, /*lowest=*/false, false)));
            Value above = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OGT, m,
                arith::ConstantOp::create(
                    b, l, extremeValue(elem, /*lowest=*/true, false)));
            Value finite = arith::AndIOp::create(b, l, below, above);
            return arith::SelectOp::create(
                b, l, finite, m,
                arith::ConstantOp::create(b, l, b.getZeroAttr(elem)));
          });
      AffineMap shiftMap = keptMap(ctx, inShape.size(), axes);
      Value s = buildReduction(
          rewriter, loc, ValueRange{input, shift}, shiftMap, axes, zero,
          [](OpBuilder &b, Location l, Value acc, ValueRange in) {
            Value e = math::ExpOp::create(
                b, l, arith::SubFOp::create(b, l, in[0], in[1]));
            return arith::AddFOp::create(b, l, acc, e);
          });
      r = buildElementwise(rewriter, loc, redType, ValueRange{s, shift},
                           [](OpBuilder &b, Location l, ValueRange args) {
                             return arith::AddFOp::create(
                                 b, l, math::LogOp::create(b, l, args[0]),
                                 args[1]);
                           });
    } else {
      return rewriter.notifyMatchFailure(op, "unknown reduction kind");
    }
    rewriter.replaceOp(op, buildReshape(rewriter, loc, r, type));
    return success();
  }
};

template <typename OpTy, bool IsMax>
struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type elem = inType.getElementType();
    bool isUnsigned =
        isUnsignedElement(op.getInput().getType().getElementType());
    bool isFloat = isa<FloatType>(elem);
    int64_t rank = inType.getRank();
    int64_t axis = op.getAxis();
    bool last = op.getSelectLastIndex();
    SmallVector<int64_t> kept = dropAxes(inType.getShape(), {axis});
    auto valType = RankedTensorType::get(kept, elem);
    auto idxType = RankedTensorType::get(kept, rewriter.getI64Type());
    Value values =
        buildFilled(rewriter, loc, valType,
                    extremeValue(elem, /*lowest=*/IsMax, isUnsigned));
    Value indices =
        buildFilled(rewriter, loc, idxType, rewriter.getI64IntegerAttr(0));
    AffineMap outMap = keptMap(ctx, rank, {axis});
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   outMap, outMap};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters[axis] = utils::IteratorType::reduction;
    // A strictly better element replaces the best so far; with
    // select_last_index an equal one does too.
    arith::CmpFPredicate fpred =
        IsMax ? (last ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
              : (last ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT);
    arith::CmpIPredicate ipred =
        IsMax ? (isUnsigned ? (last ? arith::CmpIPredicate::uge
                                    : arith::CmpIPredicate::ugt)
                            : (last ? arith::CmpIPredicate::sge
                                    : arith::CmpIPredicate::sgt))
              : (isUnsigned ? (last ? arith::CmpIPredicate::ule
                                    : arith::CmpIPredicate::ult)
                            : (last ? arith::CmpIPredicate::sle
                                    : arith::CmpIPredicate::slt));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, idxType}, input,
        ValueRange{values, indices}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIdx = args[2];
          Value better =
              isFloat ? Value(arith::CmpFOp::create(b, l, fpred, x, best))
                      : Value(arith::CmpIOp::create(b, l, ipred, x, best));
          Value i = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, x, best),
                         arith::SelectOp::create(b, l, better, i, bestIdx)});
        });
    rewriter.replaceOp(op,
                       buildReshape(rewriter, loc, generic.getResult(1), type));
    return success();
  }
};

} // namespace

void qmlir::lowering::populateReductionPatterns(const TypeConverter &converter,
                                                RewritePatternSet &patterns) {
  patterns.add<ReduceLowering, ArgReduceLowering<q::ArgMaxOp, true>,
               ArgReduceLowering<q::ArgMinOp, false>>(converter,
                                                      patterns.getContext());
}
