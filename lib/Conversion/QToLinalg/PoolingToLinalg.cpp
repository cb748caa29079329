//===- PoolingToLinalg.cpp - pooling q ops to linalg ----------------------===//
//
// Part of qmlir. Max/average pooling of any rank as one linalg.generic over
// (n, c, o1..od, k1..kd) with a window operand, as linalg's named pooling
// ops are built; average divisors are computed at compile time (shapes are
// static), so padding rules cost nothing at run time.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::lowering;

namespace {

struct Window {
  ArrayRef<int64_t> kernel, strides, dilations, padBegin, padEnd;
  SmallVector<int64_t> extraEnd; // end padding so ceil_mode windows fit
};

static Window makeWindow(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape,
                         ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
  int64_t spatial = kernel.size();
  Window w{kernel, strides, dilations, pads.take_front(spatial),
           pads.drop_front(spatial), {}};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t needed = (outShape[2 + i] - 1) * strides[i] +
                     (kernel[i] - 1) * dilations[i] + 1;
    int64_t have = inShape[2 + i] + w.padBegin[i] + w.padEnd[i];
    w.extraEnd.push_back(std::max<int64_t>(0, needed - have));
  }
  return w;
}

/// Runs the window reduction; `combine(acc, x)` folds an element in.
static Value poolReduce(OpBuilder &b, Location loc, Value input,
                        RankedTensorType outType, const Window &w,
                        TypedAttr padValue, TypedAttr initValue,
                        function_ref<Value(OpBuilder &, Location, Value, Value)>
                            combine) {
  MLIRContext *ctx = b.getContext();
  int64_t spatial = w.kernel.size();
  SmallVector<int64_t> padEnd;
  for (int64_t i = 0; i < spatial; ++i)
    padEnd.push_back(w.padEnd[i] + w.extraEnd[i]);
  Value padded = padSpatial(b, loc, input, w.padBegin, padEnd, padValue);
  Value window = tensor::EmptyOp::create(b, loc, w.kernel,
                                         outType.getElementType());
  Value init = buildFilled(b, loc, outType, initValue);
  int64_t nLoops = 2 + 2 * spatial;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs = {d(0), d(1)}, winExprs, outExprs = {d(0),
                                                                         d(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    inExprs.push_back(d(2 + i) * w.strides[i] +
                      d(2 + spatial + i) * w.dilations[i]);
    winExprs.push_back(d(2 + spatial + i));
    outExprs.push_back(d(2 + i));
  }
  SmallVector<utils::IteratorType> iters(2 + spatial,
                                         utils::IteratorType::parallel);
  iters.append(spatial, utils::IteratorType::reduction);
  SmallVector<AffineMap> maps = {AffineMap::get(nLoops, 0, inExprs, ctx),
                                 AffineMap::get(nLoops, 0, winExprs, ctx),
                                 AffineMap::get(nLoops, 0, outExprs, ctx)};
  return linalg::GenericOp::create(
             b, loc, outType, ValueRange{padded, window}, init, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, combine(nb, l, args[2], args[0]));
             })
      .getResult(0);
}

struct MaxPoolLowering : OpConversionPattern<q::MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto outType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type elem = outType.getElementType();
    bool isUnsigned = isUnsignedElement(op.getType().getElementType());
    Window w = makeWindow(op.getInput().getType().getShape(),
                          outType.getShape(), op.getKernelShape(),
                          op.getStrides(), op.getDilations(), op.getPads());
    TypedAttr lowest = extremeValue(elem, /*lowest=*/true, isUnsigned);
    bool isFloat = isa<FloatType>(elem);
    Value r = poolReduce(
        rewriter, op.getLoc(), adaptor.getInput(), outType, w, lowest, lowest,
        [&](OpBuilder &b, Location l, Value acc, Value x) -> Value {
          if (isFloat)
            return arith::MaximumFOp::create(b, l, acc, x);
          if (isUnsigned)
            return arith::MaxUIOp::create(b, l, acc, x);
          return arith::MaxSIOp::create(b, l, acc, x);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Number of window taps along one dimension of output position `o` that
/// land in [lo, hi) of the padded coordinates.
static int64_t countTaps(int64_t o, int64_t k, int64_t s, int64_t d,
                         int64_t lo, int64_t hi) {
  int64_t count = 0;
  for (int64_t t = 0; t < k; ++t) {
    int64_t pos = o * s + t * d;
    count += pos >= lo && pos < hi;
  }
  return count;
}

struct AveragePoolLowering : OpConversionPattern<q::AveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = op.getType();
    Type elem = outType.getElementType();
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    Window w = makeWindow(inShape, outType.getShape(), op.getKernelShape(),
                          op.getStrides(), op.getDilations(), op.getPads());
    TypedAttr zero = rewriter.getZeroAttr(elem);
    Value sum = poolReduce(rewriter, loc, adaptor.getInput(), outType, w, zero,
                           zero, [](OpBuilder &b, Location l, Value acc,
                                    Value x) -> Value {
                             return arith::AddFOp::create(b, l, acc, x);
                           });
    // Divisor per output position: the product over dimensions of the taps
    // that count (inside the input, or inside input + pads).
    int64_t spatial = w.kernel.size();
    ArrayRef<int64_t> outSpatial = outType.getShape().drop_front(2);
    SmallVector<SmallVector<int64_t>> perDim(spatial);
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t lo = op.getCountIncludePad() ? 0 : w.padBegin[i];
      int64_t hi = op.getCountIncludePad()
                       ? inShape[2 + i] + w.padBegin[i] + w.padEnd[i]
                       : inShape[2 + i] + w.padBegin[i];
      for (int64_t o = 0; o < outSpatial[i]; ++o)
        perDim[i].push_back(countTaps(o, w.kernel[i], w.strides[i],
                                      w.dilations[i], lo, hi));
    }
    int64_t total = 1;
    for (int64_t s : outSpatial)
      total *= s;
    SmallVector<APFloat> divisors;
    auto ft = cast<FloatType>(elem);
    for (int64_t flat = 0; flat < total; ++flat) {
      int64_t rest = flat, count = 1;
      for (int64_t i = spatial - 1; i >= 0; --i) {
        count *= perDim[i][rest % outSpatial[i]];
        rest /= outSpatial[i];
      }
      APFloat v(static_cast<double>(std::max<int64_t>(count, 1)));
      bool lost;
      v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      divisors.push_back(v);
    }
    auto divType = RankedTensorType::get(outSpatial, elem);
    Value div = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(divType, divisors));
    Value r = buildElementwise(rewriter, loc, outType, {sum, div},
                               [](OpBuilder &b, Location l, ValueRange args) {
                                 return arith::DivFOp::create(b, l, args[0],
                                                              args[1]);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct GlobalAveragePoolLowering : OpConversionPattern<q::GlobalAveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::GlobalAveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = op.getInput().getType();
    Type elem = inType.getElementType();
    int64_t rank = inType.getRank();
    auto redType = RankedTensorType::get(
        {inType.getDimSize(0), inType.getDimSize(1)}, elem);
    Value init = buildFilled(rewriter, loc, redType, rewriter.getZeroAttr(elem));
    SmallVector<utils::IteratorType> iters(2, utils::IteratorType::parallel);
    iters.append(rank - 2, utils::IteratorType::reduction);
    AffineMap outMap = AffineMap::get(
        rank, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx);
    Value sum =
        linalg::GenericOp::create(
            rewriter, loc, redType, adaptor.getInput(), init,
            ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank), outMap},
            iters,
            [](OpBuilder &b, Location l, ValueRange args) {
              Value sum = arith::AddFOp::create(b, l, args[1], args[0]);
              linalg::YieldOp::create(b, l, sum);
            })
            .getResult(0);
    int64_t count = 1;
    for (int64_t s : inType.getShape().drop_front(2))
      count *= s;
    Value mean = buildElementwise(
        rewriter, loc, redType, sum,
        [&](OpBuilder &b, Location l, ValueRange args) {
          return arith::DivFOp::create(
              b, l, args[0], scalarConstant(b, l, elem, double(count)));
        });
    rewriter.replaceOp(op, buildReshape(rewriter, loc, mean, op.getType()));
    return success();
  }
};

} // namespace

void qmlir::lowering::populatePoolingPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AveragePoolLowering, GlobalAveragePoolLowering>(
      converter, patterns.getContext());
}
