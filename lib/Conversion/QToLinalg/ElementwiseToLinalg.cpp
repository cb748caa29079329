//===- ElementwiseToLinalg.cpp - element-wise q ops to linalg -------------===//
//
// Part of qmlir. Arithmetic, math functions, activations, clip, batch norm,
// softmax and log-softmax, comparisons, logic, selection and casts.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/Support/MathExtras.h"

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

/// An element-wise op over `input`'s shape that also reads each of `reduced`
/// (results of reduceAxis) broadcast along `axis`.
static Value mapWithReduced(OpBuilder &b, Location loc, Value input,
                            ValueRange reduced, int64_t axis, BodyFn body) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      exprs.push_back(getAffineDimExpr(i, ctx));
  AffineMap id = b.getMultiDimIdentityMap(rank);
  AffineMap red = AffineMap::get(rank, 0, exprs, ctx);
  SmallVector<AffineMap> maps = {id};
  maps.append(reduced.size(), red);
  maps.push_back(id);
  SmallVector<Value> inputs = {input};
  llvm::append_range(inputs, reduced);
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, type, inputs, init, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
      });
  return generic.getResult(0);
}

/// The maximum of `x` along `axis`, the first step of (log-)softmax.
static Value reduceMax(OpBuilder &b, Location loc, Value x, int64_t axis) {
  Type elem = cast<RankedTensorType>(x.getType()).getElementType();
  return reduceAxis(b, loc, x, axis,
                    extremeValue(elem, /*lowest=*/true, false),
                    [](OpBuilder &nb, Location l, Value acc, Value v) {
                      return arith::MaximumFOp::create(nb, l, acc, v);
                    });
}

/// The sum of `x` along `axis`.
static Value reduceSum(OpBuilder &b, Location loc, Value x, int64_t axis) {
  Type elem = cast<RankedTensorType>(x.getType()).getElementType();
  return reduceAxis(b, loc, x, axis, b.getFloatAttr(elem, 0.0),
                    [](OpBuilder &nb, Location l, Value acc, Value v) {
                      return arith::AddFOp::create(nb, l, acc, v);
                    });
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
    Value max = reduceMax(rewriter, loc, x, axis);
    Value e = mapWithReduced(rewriter, loc, x, max, axis,
                             [](OpBuilder &b, Location l, ValueRange args) {
                               Value d =
                                   arith::SubFOp::create(b, l, args[0], args[1]);
                               return math::ExpOp::create(b, l, d);
                             });
    Value sum = reduceSum(rewriter, loc, e, axis);
    Value y = mapWithReduced(rewriter, loc, e, sum, axis,
                             [](OpBuilder &b, Location l, ValueRange args) {
                               return arith::DivFOp::create(b, l, args[0],
                                                            args[1]);
                             });
    rewriter.replaceOp(op, y);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Element-wise ops defined by one scalar function
//===----------------------------------------------------------------------===//

/// Whether a q-level element type compares as unsigned: `ui*`, and `i1`
/// (true is 1, not -1).
static bool comparesUnsigned(Type qElem) {
  return isUnsignedElement(qElem) || qElem.isInteger(1);
}

static Type elementTypeOf(Value v) { return getElementTypeOrSelf(v.getType()); }

static Value minMaxScalar(OpBuilder &b, Location loc, Value x, Value y,
                          bool isMax, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return isMax ? Value(arith::MaximumFOp::create(b, loc, x, y))
                 : Value(arith::MinimumFOp::create(b, loc, x, y));
  if (isUnsigned)
    return isMax ? Value(arith::MaxUIOp::create(b, loc, x, y))
                 : Value(arith::MinUIOp::create(b, loc, x, y));
  return isMax ? Value(arith::MaxSIOp::create(b, loc, x, y))
               : Value(arith::MinSIOp::create(b, loc, x, y));
}

enum class CmpKind { EQ, LT, LE, GT, GE };

static Value compareScalar(OpBuilder &b, Location loc, CmpKind kind, Value x,
                           Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType())) {
    // Ordered: a comparison with NaN is false, as in ONNX Runtime and numpy.
    arith::CmpFPredicate pred[] = {
        arith::CmpFPredicate::OEQ, arith::CmpFPredicate::OLT,
        arith::CmpFPredicate::OLE, arith::CmpFPredicate::OGT,
        arith::CmpFPredicate::OGE};
    return arith::CmpFOp::create(b, loc, pred[static_cast<int>(kind)], x, y);
  }
  arith::CmpIPredicate signedPred[] = {
      arith::CmpIPredicate::eq, arith::CmpIPredicate::slt,
      arith::CmpIPredicate::sle, arith::CmpIPredicate::sgt,
      arith::CmpIPredicate::sge};
  arith::CmpIPredicate unsignedPred[] = {
      arith::CmpIPredicate::eq, arith::CmpIPredicate::ult,
      arith::CmpIPredicate::ule, arith::CmpIPredicate::ugt,
      arith::CmpIPredicate::uge};
  int k = static_cast<int>(kind);
  return arith::CmpIOp::create(
      b, loc, isUnsigned ? unsignedPred[k] : signedPred[k], x, y);
}

/// Converts `x` (of q-level element type `fromQ`) to the signless or float
/// type `to` (of q-level element type `toQ`), with q.cast's rules.
static Value castScalar(OpBuilder &b, Location loc, Value x, Type fromQ,
                        Type toQ, Type to) {
  Type from = x.getType();
  bool fromUnsigned = comparesUnsigned(fromQ);
  if (to.isInteger(1)) {
    if (from.isInteger(1))
      return x;
    if (isa<FloatType>(from))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   scalarConstant(b, loc, from, 0.0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 scalarConstant(b, loc, from, 0.0));
  }
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (isa<FloatType>(from)) {
    if (isa<FloatType>(to)) {
      if (from == to)
        return x;
      if (fromWidth == toWidth) // f16 <-> bf16
        x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      if (x.getType().getIntOrFloatBitWidth() < toWidth)
        return arith::ExtFOp::create(b, loc, to, x);
      return arith::TruncFOp::create(b, loc, to, x);
    }
    // Out of range is undefined in ONNX. Narrow types go through a 32- or
    // 64-bit integer, which wraps as numpy's (and C's) conversions on x86
    // do, rather than leaving LLVM's poison.
    bool toUnsigned = toQ.isUnsignedInteger();
    if (toUnsigned && toWidth == 64)
      return arith::FPToUIOp::create(b, loc, to, x);
    unsigned wide = toWidth < 32 ? 32 : (toUnsigned ? 64 : toWidth);
    if (wide == toWidth)
      return arith::FPToSIOp::create(b, loc, to, x);
    Value w = arith::FPToSIOp::create(b, loc, b.getIntegerType(wide), x);
    return arith::TruncIOp::create(b, loc, to, w);
  }
  if (isa<FloatType>(to))
    return fromUnsigned ? Value(arith::UIToFPOp::create(b, loc, to, x))
                        : Value(arith::SIToFPOp::create(b, loc, to, x));
  if (fromWidth == toWidth)
    return x;
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, to, x);
  return fromUnsigned ? Value(arith::ExtUIOp::create(b, loc, to, x))
                      : Value(arith::ExtSIOp::create(b, loc, to, x));
}

/// `x^e` for an integer `x` and an integer `e >= 0`: square and multiply,
/// unrolled over the bits of `e`, so integers wrap as repeated
/// multiplication does. A negative `e` (when `expSigned`) gives the integer
/// part of the real power: 1 for x = 1, +-1 for x = -1, else 0.
static Value intPowScalar(OpBuilder &b, Location loc, Value x, Value e,
                          bool baseUnsigned, bool expSigned) {
  Type t = x.getType(), et = e.getType();
  unsigned bits = et.getIntOrFloatBitWidth() - (expSigned ? 1 : 0);
  Value one = scalarConstant(b, loc, t, 1.0);
  Value zeroE = scalarConstant(b, loc, et, 0.0);
  Value result = one, power = x;
  for (unsigned i = 0; i < bits; ++i) {
    Value mask = arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(et,
                         APInt::getOneBitSet(et.getIntOrFloatBitWidth(), i)));
    Value bit =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                              arith::AndIOp::create(b, loc, e, mask), zeroE);
    Value times = arith::MulIOp::create(b, loc, result, power);
    result = arith::SelectOp::create(b, loc, bit, times, result);
    if (i + 1 < bits)
      power = arith::MulIOp::create(b, loc, power, power);
  }
  if (!expSigned)
    return result;
  Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, one);
  Value inverse = arith::SelectOp::create(b, loc, isOne, one,
                                          scalarConstant(b, loc, t, 0.0));
  if (!baseUnsigned && t.getIntOrFloatBitWidth() > 1) {
    Value minusOne = scalarConstant(b, loc, t, -1.0);
    Value isMinusOne =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, minusOne);
    Value odd = arith::TruncIOp::create(b, loc, b.getI1Type(), e);
    Value sign = arith::SelectOp::create(b, loc, odd, minusOne, one);
    inverse = arith::SelectOp::create(b, loc, isMinusOne, sign, inverse);
  }
  Value isNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, e, zeroE);
  return arith::SelectOp::create(b, loc, isNegative, inverse, result);
}

/// `x^y` for floats of one type: `|x|^y` with the sign of an odd integral
/// `y` for a negative `x`, NaN for a negative `x` and a non-integral `y`,
/// and 1 when `y` is 0 or `x` is 1 (as C's pow).
static Value floatPowScalar(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = x.getType();
  Value zero = scalarConstant(b, loc, t, 0.0);
  Value one = scalarConstant(b, loc, t, 1.0);
  Value half = scalarConstant(b, loc, t, 0.5);
  auto nan = arith::ConstantOp::create(
      b, loc,
      b.getFloatAttr(t,
                     APFloat::getNaN(cast<FloatType>(t).getFloatSemantics())));
  Value magnitude =
      math::PowFOp::create(b, loc, math::AbsFOp::create(b, loc, x), y);
  Value integral = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, y,
                                         math::FloorOp::create(b, loc, y));
  Value halfY = arith::MulFOp::create(b, loc, y, half);
  Value odd = arith::AndIOp::create(
      b, loc, integral,
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, halfY,
                            math::FloorOp::create(b, loc, halfY)));
  Value negated = arith::NegFOp::create(b, loc, magnitude);
  Value negBase = arith::SelectOp::create(
      b, loc, integral,
      arith::SelectOp::create(b, loc, odd, negated, magnitude), nan);
  Value isNegative =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  Value r = arith::SelectOp::create(b, loc, isNegative, negBase, magnitude);
  Value zeroExp =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, y, zero);
  Value unitBase =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, one);
  Value unit = arith::OrIOp::create(b, loc, zeroExp, unitBase);
  return arith::SelectOp::create(b, loc, unit, one, r);
}

/// ONNX Pow: the result has the base's type (see q.pow).
static Value powScalar(OpBuilder &b, Location loc, Value x, Value y, Type baseQ,
                       Type expQ) {
  Type t = x.getType(), et = y.getType();
  if (isa<FloatType>(t)) {
    Value yf = castScalar(b, loc, y, expQ, t, t);
    return floatPowScalar(b, loc, x, yf);
  }
  bool baseUnsigned = comparesUnsigned(baseQ);
  if (isa<IntegerType>(et))
    return intPowScalar(b, loc, x, y, baseUnsigned,
                        !comparesUnsigned(expQ) && !et.isInteger(1));
  // An integer base with a float exponent: exact when the exponent is
  // integral, else in f64 (as ONNX Runtime's std::pow) truncated.
  Type i64 = b.getI64Type(), f64 = b.getF64Type();
  Value limit = scalarConstant(b, loc, et, 9.0e18);
  Value whole = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, y,
                                      math::FloorOp::create(b, loc, y));
  Value small = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                      math::AbsFOp::create(b, loc, y), limit);
  Value integral = arith::AndIOp::create(b, loc, whole, small);
  Value yi = arith::FPToSIOp::create(b, loc, i64, y);
  Value exact = intPowScalar(b, loc, x, yi, baseUnsigned, /*expSigned=*/true);
  Value xf = castScalar(b, loc, x, baseQ, f64, f64);
  Value yf = castScalar(b, loc, y, expQ, f64, f64);
  Value p = floatPowScalar(b, loc, xf, yf);
  // pow is evaluated as exp(y * log(x)), a few ulps from libm's correctly
  // rounded pow: snap to an integer within 1e-12 (relative) before
  // truncating, so that 4^0.5 is 2, not 1.
  Value nearest = math::RoundEvenOp::create(b, loc, p);
  Value gap =
      math::AbsFOp::create(b, loc, arith::SubFOp::create(b, loc, p, nearest));
  Value scale =
      arith::MaximumFOp::create(b, loc, math::AbsFOp::create(b, loc, p),
                                scalarConstant(b, loc, f64, 1.0));
  Value tolerance =
      arith::MulFOp::create(b, loc, scale, scalarConstant(b, loc, f64, 1e-12));
  Value snap =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, gap, tolerance);
  p = arith::SelectOp::create(b, loc, snap, nearest, p);
  Value real = castScalar(b, loc, p, f64, baseQ, t);
  return arith::SelectOp::create(b, loc, integral, exact, real);
}

/// erf; f64 has no polynomial approximation in MLIR and no LLVM intrinsic,
/// so it is evaluated in f32.
static Value erfScalar(OpBuilder &b, Location loc, Value x) {
  if (!x.getType().isF64())
    return math::ErfOp::create(b, loc, x);
  Value narrow = arith::TruncFOp::create(b, loc, b.getF32Type(), x);
  Value e = math::ErfOp::create(b, loc, narrow);
  return arith::ExtFOp::create(b, loc, x.getType(), e);
}

/// Per-op scalar bodies: `args` are the block arguments (signless), and the
/// op gives attributes and q-level element types.
static Value scalarOf(q::MinOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  return minMaxScalar(b, loc, args[0], args[1], /*isMax=*/false,
                      comparesUnsigned(elementTypeOf(op.getLhs())));
}
static Value scalarOf(q::MaxOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  return minMaxScalar(b, loc, args[0], args[1], /*isMax=*/true,
                      comparesUnsigned(elementTypeOf(op.getLhs())));
}
static Value scalarOf(q::PowOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  return powScalar(b, loc, args[0], args[1], elementTypeOf(op.getLhs()),
                   elementTypeOf(op.getRhs()));
}
static Value scalarOf(q::NegOp, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  if (isa<FloatType>(x.getType()))
    return arith::NegFOp::create(b, loc, x);
  return arith::SubIOp::create(b, loc, scalarConstant(b, loc, x.getType(), 0),
                               x);
}
static Value scalarOf(q::AbsOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0];
  if (isa<FloatType>(x.getType()))
    return math::AbsFOp::create(b, loc, x);
  if (comparesUnsigned(elementTypeOf(op.getInput())))
    return x;
  // max(x, -x): |INT_MIN| wraps to INT_MIN, as numpy's. (The CPU pipeline
  // has no lowering of math.absi.)
  Value neg = arith::SubIOp::create(
      b, loc, scalarConstant(b, loc, x.getType(), 0.0), x);
  return arith::MaxSIOp::create(b, loc, x, neg);
}
static Value scalarOf(q::SignOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0];
  Type t = x.getType();
  Value zero = scalarConstant(b, loc, t, 0.0);
  Value one = scalarConstant(b, loc, t, 1.0);
  if (isa<FloatType>(t)) {
    // Both comparisons are false for +-0 and NaN, which stay as they are.
    Value pos =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    Value neg =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    Value r = arith::SelectOp::create(b, loc, neg,
                                      scalarConstant(b, loc, t, -1.0), x);
    return arith::SelectOp::create(b, loc, pos, one, r);
  }
  Value nonzero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  Value r = arith::SelectOp::create(b, loc, nonzero, one, zero);
  if (comparesUnsigned(elementTypeOf(op.getInput())))
    return r;
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
  return arith::SelectOp::create(b, loc, neg, scalarConstant(b, loc, t, -1.0),
                                 r);
}
static Value scalarOf(q::ExpOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::ExpOp::create(b, loc, args[0]);
}
static Value scalarOf(q::LogOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::LogOp::create(b, loc, args[0]);
}
static Value scalarOf(q::SqrtOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::SqrtOp::create(b, loc, args[0]);
}
static Value scalarOf(q::ErfOp, OpBuilder &b, Location loc, ValueRange args) {
  return erfScalar(b, loc, args[0]);
}
static Value scalarOf(q::SinOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::SinOp::create(b, loc, args[0]);
}
static Value scalarOf(q::CosOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::CosOp::create(b, loc, args[0]);
}
static Value scalarOf(q::TanhOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::TanhOp::create(b, loc, args[0]);
}
static Value scalarOf(q::FloorOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::FloorOp::create(b, loc, args[0]);
}
static Value scalarOf(q::CeilOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::CeilOp::create(b, loc, args[0]);
}
static Value scalarOf(q::RoundOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::RoundEvenOp::create(b, loc, args[0]);
}
static Value scalarOf(q::SoftplusOp, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0];
  Value zero = scalarConstant(b, loc, x.getType(), 0.0);
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value tail =
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(
      b, loc, arith::MaximumFOp::create(b, loc, x, zero), tail);
}
/// max(0, min(1, alpha * x + beta)).
static Value hardSigmoidScalar(OpBuilder &b, Location loc, Value x,
                               double alpha, double beta) {
  Type t = x.getType();
  Value scaled =
      arith::MulFOp::create(b, loc, x, scalarConstant(b, loc, t, alpha));
  Value lin =
      arith::AddFOp::create(b, loc, scaled, scalarConstant(b, loc, t, beta));
  Value capped =
      arith::MinimumFOp::create(b, loc, lin, scalarConstant(b, loc, t, 1.0));
  return arith::MaximumFOp::create(b, loc, capped,
                                   scalarConstant(b, loc, t, 0.0));
}
static Value scalarOf(q::HardSwishOp, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0];
  return arith::MulFOp::create(b, loc, x,
                               hardSigmoidScalar(b, loc, x, 1.0 / 6.0, 0.5));
}
static Value scalarOf(q::HardSigmoidOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  return hardSigmoidScalar(b, loc, args[0], op.getAlpha().convertToDouble(),
                           op.getBeta().convertToDouble());
}
static Value isNegativeScalar(OpBuilder &b, Location loc, Value x) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                               scalarConstant(b, loc, x.getType(), 0.0));
}
static Value scalarOf(q::LeakyReluOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0];
  Value scaled = arith::MulFOp::create(
      b, loc, x,
      scalarConstant(b, loc, x.getType(), op.getAlpha().convertToDouble()));
  return arith::SelectOp::create(b, loc, isNegativeScalar(b, loc, x), scaled,
                                 x);
}
static Value scalarOf(q::PReluOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0], slope = args[1];
  if (isa<FloatType>(x.getType())) {
    Value neg = isNegativeScalar(b, loc, x);
    Value scaled = arith::MulFOp::create(b, loc, x, slope);
    return arith::SelectOp::create(b, loc, neg, scaled, x);
  }
  if (comparesUnsigned(elementTypeOf(op.getInput())))
    return x;
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x,
                                    scalarConstant(b, loc, x.getType(), 0.0));
  return arith::SelectOp::create(b, loc, neg,
                                 arith::MulIOp::create(b, loc, x, slope), x);
}
static Value scalarOf(q::EluOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0];
  Value alpha =
      scalarConstant(b, loc, x.getType(), op.getAlpha().convertToDouble());
  Value neg =
      arith::MulFOp::create(b, loc, alpha, math::ExpM1Op::create(b, loc, x));
  return arith::SelectOp::create(b, loc, isNegativeScalar(b, loc, x), neg, x);
}
static Value scalarOf(q::SeluOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0];
  Type t = x.getType();
  Value alpha = scalarConstant(b, loc, t, op.getAlpha().convertToDouble());
  Value gamma = scalarConstant(b, loc, t, op.getGamma().convertToDouble());
  Value zero = scalarConstant(b, loc, t, 0.0);
  // gamma * (alpha * e^x - alpha), ONNX's formula for x <= 0.
  Value neg = arith::MulFOp::create(
      b, loc, gamma,
      arith::SubFOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, alpha, math::ExpOp::create(b, loc, x)),
          alpha));
  Value pos = arith::MulFOp::create(b, loc, gamma, x);
  Value isPos =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
  return arith::SelectOp::create(b, loc, isPos, pos, neg);
}
static Value scalarOf(q::GeluOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0];
  Type t = x.getType();
  Value half = scalarConstant(b, loc, t, 0.5);
  Value one = scalarConstant(b, loc, t, 1.0);
  Value inner;
  if (op.getApproximateTanh()) {
    // tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))
    Value cube =
        arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x,
        arith::MulFOp::create(b, loc, scalarConstant(b, loc, t, 0.044715),
                              cube));
    Value scaled = arith::MulFOp::create(
        b, loc,
        scalarConstant(b, loc, t,
                       llvm::numbers::sqrt2 * llvm::numbers::inv_sqrtpi),
        poly);
    inner = math::TanhOp::create(b, loc, scaled);
  } else {
    inner = erfScalar(
        b, loc,
        arith::MulFOp::create(
            b, loc, x, scalarConstant(b, loc, t, llvm::numbers::inv_sqrt2)));
  }
  Value halfX = arith::MulFOp::create(b, loc, half, x);
  return arith::MulFOp::create(b, loc, halfX,
                               arith::AddFOp::create(b, loc, one, inner));
}
template <CmpKind Kind, typename OpTy>
static Value compareOf(OpTy op, OpBuilder &b, Location loc, ValueRange args) {
  return compareScalar(b, loc, Kind, args[0], args[1],
                       comparesUnsigned(elementTypeOf(op.getLhs())));
}
static Value scalarOf(q::EqualOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  return compareOf<CmpKind::EQ>(op, b, loc, args);
}
static Value scalarOf(q::LessOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  return compareOf<CmpKind::LT>(op, b, loc, args);
}
static Value scalarOf(q::LessOrEqualOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  return compareOf<CmpKind::LE>(op, b, loc, args);
}
static Value scalarOf(q::GreaterOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  return compareOf<CmpKind::GT>(op, b, loc, args);
}
static Value scalarOf(q::GreaterOrEqualOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  return compareOf<CmpKind::GE>(op, b, loc, args);
}
static Value scalarOf(q::AndOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::AndIOp::create(b, loc, args[0], args[1]);
}
static Value scalarOf(q::OrOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::OrIOp::create(b, loc, args[0], args[1]);
}
static Value scalarOf(q::XorOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::XOrIOp::create(b, loc, args[0], args[1]);
}
static Value scalarOf(q::NotOp, OpBuilder &b, Location loc, ValueRange args) {
  Value trueValue = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  return arith::XOrIOp::create(b, loc, args[0], trueValue);
}
static Value scalarOf(q::WhereOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
}
static Value scalarOf(q::CastOp op, OpBuilder &b, Location loc,
                      ValueRange args) {
  Type toQ = op.getOutput().getType().getElementType();
  Type to = toQ;
  if (auto it = dyn_cast<IntegerType>(toQ); it && !it.isSignless())
    to = b.getIntegerType(it.getWidth());
  return castScalar(b, loc, args[0], elementTypeOf(op.getInput()), toQ, to);
}

/// Lowers an element-wise op to one linalg.generic whose operands broadcast
/// to the result (numpy rules) and whose body is `scalarOf(op, ...)`.
template <typename OpTy>
struct MapLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op->getResult(0).getType()));
    Value result =
        buildElementwise(rewriter, op.getLoc(), type, adaptor.getOperands(),
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return scalarOf(op, b, loc, args);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LogSoftmaxLowering : OpConversionPattern<q::LogSoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::LogSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = op.getType();
    Type elem = type.getElementType();
    if (type.getRank() == 0) {
      // The log-softmax of a single element is log(1).
      rewriter.replaceOp(op, buildFilled(rewriter, loc, type,
                                         rewriter.getFloatAttr(elem, 0.0)));
      return success();
    }
    // (x - max) - log(sum(exp(x - max))): subtracting the two terms one
    // after the other keeps the precision of large inputs.
    int64_t axis = op.getAxis();
    Value max = reduceMax(rewriter, loc, x, axis);
    Value e = mapWithReduced(rewriter, loc, x, max, axis,
                             [](OpBuilder &b, Location l, ValueRange args) {
                               Value d = arith::SubFOp::create(b, l, args[0],
                                                               args[1]);
                               return math::ExpOp::create(b, l, d);
                             });
    Value sum = reduceSum(rewriter, loc, e, axis);
    Value y = mapWithReduced(rewriter, loc, x, ValueRange{max, sum}, axis,
                             [](OpBuilder &b, Location l, ValueRange args) {
                               Value d = arith::SubFOp::create(b, l, args[0],
                                                               args[1]);
                               return arith::SubFOp::create(
                                   b, l, d, math::LogOp::create(b, l, args[2]));
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
               SoftmaxLowering, LogSoftmaxLowering>(converter, ctx);
  patterns.add<
      MapLowering<q::MinOp>, MapLowering<q::MaxOp>, MapLowering<q::PowOp>,
      MapLowering<q::NegOp>, MapLowering<q::AbsOp>, MapLowering<q::SignOp>,
      MapLowering<q::ExpOp>, MapLowering<q::LogOp>, MapLowering<q::SqrtOp>,
      MapLowering<q::ErfOp>, MapLowering<q::SinOp>, MapLowering<q::CosOp>,
      MapLowering<q::TanhOp>, MapLowering<q::FloorOp>, MapLowering<q::CeilOp>,
      MapLowering<q::RoundOp>, MapLowering<q::SoftplusOp>,
      MapLowering<q::HardSwishOp>, MapLowering<q::HardSigmoidOp>,
      MapLowering<q::LeakyReluOp>, MapLowering<q::PReluOp>,
      MapLowering<q::EluOp>, MapLowering<q::SeluOp>, MapLowering<q::GeluOp>,
      MapLowering<q::EqualOp>, MapLowering<q::LessOp>,
      MapLowering<q::LessOrEqualOp>, MapLowering<q::GreaterOp>,
      MapLowering<q::GreaterOrEqualOp>, MapLowering<q::AndOp>,
      MapLowering<q::OrOp>, MapLowering<q::XorOp>, MapLowering<q::NotOp>,
      MapLowering<q::WhereOp>, MapLowering<q::CastOp>>(converter, ctx);
}
