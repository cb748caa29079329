//===- ElementwiseToLinalg.cpp - element-wise q ops to linalg -------------===//
//
// Part of qmlir. Arithmetic, activations, clip, batch norm and softmax.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::lowering;

namespace {

enum class BinKind { Add, Sub, Mul, Div };

static Value binaryScalar(OpBuilder &b, Location loc, BinKind kind, Value x,
                          Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType())) {
    switch (kind) {
    case BinKind::Add:
      return arith::AddFOp::create(b, loc, x, y);
    case BinKind::Sub:
      return arith::SubFOp::create(b, loc, x, y);
    case BinKind::Mul:
      return arith::MulFOp::create(b, loc, x, y);
    case BinKind::Div:
      return arith::DivFOp::create(b, loc, x, y);
    }
  }
  switch (kind) {
  case BinKind::Add:
    return arith::AddIOp::create(b, loc, x, y);
  case BinKind::Sub:
    return arith::SubIOp::create(b, loc, x, y);
  case BinKind::Mul:
    return arith::MulIOp::create(b, loc, x, y);
  case BinKind::Div:
    if (isUnsigned)
      return arith::DivUIOp::create(b, loc, x, y);
    return arith::DivSIOp::create(b, loc, x, y);
  }
  llvm_unreachable("unknown binary kind");
}

template <typename OpTy, BinKind Kind>
struct BinaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    bool isUnsigned = isUnsignedElement(op.getType().getElementType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return binaryScalar(b, loc, Kind, args[0], args[1], isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// max(x, lo) then min(., hi), NaN-propagating for floats as ONNX Runtime.
static Value clampScalar(OpBuilder &b, Location loc, Value x, Value lo,
                         Value hi, bool isUnsigned) {
  bool isFloat = isa<FloatType>(x.getType());
  if (lo)
    x = isFloat ? Value(arith::MaximumFOp::create(b, loc, x, lo))
        : isUnsigned ? Value(arith::MaxUIOp::create(b, loc, x, lo))
                     : Value(arith::MaxSIOp::create(b, loc, x, lo));
  if (hi)
    x = isFloat ? Value(arith::MinimumFOp::create(b, loc, x, hi))
        : isUnsigned ? Value(arith::MinUIOp::create(b, loc, x, hi))
                     : Value(arith::MinSIOp::create(b, loc, x, hi));
  return x;
}

struct ReluLowering : OpConversionPattern<q::ReluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ReluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    bool isUnsigned = isUnsignedElement(op.getType().getElementType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, adaptor.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value zero = scalarConstant(b, loc, args[0].getType(), 0.0);
          return clampScalar(b, loc, args[0], zero, nullptr, isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SigmoidLowering : OpConversionPattern<q::SigmoidOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::SigmoidOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), adaptor.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Type t = args[0].getType();
          Value one = scalarConstant(b, loc, t, 1.0);
          Value neg = arith::NegFOp::create(b, loc, args[0]);
          Value e = math::ExpOp::create(b, loc, neg);
          Value den = arith::AddFOp::create(b, loc, one, e);
          return arith::DivFOp::create(b, loc, one, den);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ClipLowering : OpConversionPattern<q::ClipOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ClipOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    bool isUnsigned = isUnsignedElement(op.getType().getElementType());
    SmallVector<Value> inputs = {adaptor.getInput()};
    if (adaptor.getMin())
      inputs.push_back(adaptor.getMin());
    if (adaptor.getMax())
      inputs.push_back(adaptor.getMax());
    bool hasMin = adaptor.getMin() != nullptr;
    bool hasMax = adaptor.getMax() != nullptr;
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, inputs,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value lo = hasMin ? args[1] : Value();
          Value hi = hasMax ? args[hasMin ? 2 : 1] : Value();
          return clampScalar(b, loc, args[0], lo, hi, isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct BatchNormLowering : OpConversionPattern<q::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Type elem = type.getElementType();
    auto vecType = cast<RankedTensorType>(adaptor.getScale().getType());
    double eps = op.getEpsilon().convertToDouble();
    // Per channel: a = scale / sqrt(var + eps), c = bias - mean * a.
    Value a = buildElementwise(
        rewriter, loc, vecType, {adaptor.getScale(), adaptor.getVariance()},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value e = scalarConstant(b, l, elem, eps);
          Value sum = arith::AddFOp::create(b, l, args[1], e);
          Value root = math::SqrtOp::create(b, l, sum);
          return arith::DivFOp::create(b, l, args[0], root);
        });
    Value c = buildElementwise(
        rewriter, loc, vecType, {adaptor.getBias(), adaptor.getMean(), a},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value prod = arith::MulFOp::create(b, l, args[1], args[2]);
          return arith::SubFOp::create(b, l, args[0], prod);
        });
    // y = x * a[c] + c[c], the channel being dimension 1.
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap chan = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx), ctx);
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), elem);
    SmallVector<utils::IteratorType> iters(rank,
                                           utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{adaptor.getInput(), a, c}, init,
        ArrayRef<AffineMap>{id, chan, chan, id}, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value prod = arith::MulFOp::create(b, l, args[0], args[1]);
          Value sum = arith::AddFOp::create(b, l, prod, args[2]);
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// A reduction of `input` along `axis` into a tensor that keeps the axis
/// with size 1 removed; `combine(acc, x)` folds one element in.
static Value reduceAxis(OpBuilder &b, Location loc, Value input, int64_t axis,
                        TypedAttr initValue,
                        function_ref<Value(OpBuilder &, Location, Value, Value)>
                            combine) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < rank; ++i) {
    if (i == axis)
      continue;
    shape.push_back(type.getDimSize(i));
    outExprs.push_back(getAffineDimExpr(i, ctx));
  }
  auto outType = RankedTensorType::get(shape, type.getElementType());
  Value init = buildFilled(b, loc, outType, initValue);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  iters[axis] = utils::IteratorType::reduction;
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
  auto generic = linalg::GenericOp::create(
      b, loc, outType, input, init,
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank), outMap}, iters,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, combine(nb, l, args[1], args[0]));
      });
  return generic.getResult(0);
}

/// An element-wise op over `input`'s shape that also reads `reduced` (the
/// result of reduceAxis) broadcast along `axis`.
static Value mapWithReduced(OpBuilder &b, Location loc, Value input,
                            Value reduced, int64_t axis, BodyFn body) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      exprs.push_back(getAffineDimExpr(i, ctx));
  AffineMap id = b.getMultiDimIdentityMap(rank);
  AffineMap red = AffineMap::get(rank, 0, exprs, ctx);
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, type, ValueRange{input, reduced}, init,
      ArrayRef<AffineMap>{id, red, id}, iters,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
      });
  return generic.getResult(0);
}

struct SoftmaxLowering : OpConversionPattern<q::SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = op.getType();
    Type elem = type.getElementType();
    if (type.getRank() == 0) {
      // Softmax of a single element is 1.
      rewriter.replaceOp(op, buildFilled(rewriter, loc, type,
                                         rewriter.getFloatAttr(elem, 1.0)));
      return success();
    }
    int64_t axis = op.getAxis();
    Value max = reduceAxis(rewriter, loc, x, axis,
                           extremeValue(elem, /*lowest=*/true, false),
                           [](OpBuilder &b, Location l, Value acc, Value v) {
                             return arith::MaximumFOp::create(b, l, acc, v);
                           });
    Value e = mapWithReduced(rewriter, loc, x, max, axis,
                             [](OpBuilder &b, Location l, ValueRange args) {
                               Value d =
                                   arith::SubFOp::create(b, l, args[0], args[1]);
                               return math::ExpOp::create(b, l, d);
                             });
    Value sum = reduceAxis(rewriter, loc, e, axis,
                           rewriter.getFloatAttr(elem, 0.0),
                           [](OpBuilder &b, Location l, Value acc, Value v) {
                             return arith::AddFOp::create(b, l, acc, v);
                           });
    Value y = mapWithReduced(rewriter, loc, e, sum, axis,
                             [](OpBuilder &b, Location l, ValueRange args) {
                               return arith::DivFOp::create(b, l, args[0],
                                                            args[1]);
                             });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void qmlir::lowering::populateElementwisePatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryLowering<q::AddOp, BinKind::Add>,
               BinaryLowering<q::SubOp, BinKind::Sub>,
               BinaryLowering<q::MulOp, BinKind::Mul>,
               BinaryLowering<q::DivOp, BinKind::Div>, ReluLowering,
               SigmoidLowering, ClipLowering, BatchNormLowering,
               SoftmaxLowering>(converter, ctx);
}
