//===- QuantizationToLinalg.cpp - quantization q ops to linalg ------------===//
//
// Part of qmlir. The affine formulas of DESIGN.md section 4, element-wise in
// f32: division by the scale (as ONNX QuantizeLinear), round half to even,
// saturation, and no fused multiply-add anywhere.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::lowering;

namespace {

/// Scales and zero points of a quantized type, per tensor or per axis.
struct QuantParams {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1; // -1: per tensor
  int64_t qmin, qmax;
  unsigned width;
  bool isSigned;

  /// Per-tensor and per-axis types; blockwise (sub-channel) types are
  /// lowered with the weight-only kernels, not here.
  static FailureOr<QuantParams> get(Operation *op, Type elementType) {
    auto type = cast<quant::QuantizedType>(elementType);
    if (!isa<quant::UniformQuantizedType,
             quant::UniformQuantizedPerAxisType>(type))
      return op->emitOpError("cannot lower blockwise quantized type ")
             << type << " element-wise";
    QuantParams p;
    p.qmin = type.getStorageTypeMin();
    p.qmax = type.getStorageTypeMax();
    p.width = type.getStorageTypeIntegralWidth();
    p.isSigned = type.isSigned();
    if (auto u = dyn_cast<quant::UniformQuantizedType>(type)) {
      p.scales.push_back(u.getScale());
      p.zeroPoints.push_back(u.getZeroPoint());
    } else {
      auto a = cast<quant::UniformQuantizedPerAxisType>(type);
      p.scales.assign(a.getScales().begin(), a.getScales().end());
      p.zeroPoints.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
      p.axis = a.getQuantizedDimension();
    }
    return p;
  }
};

/// A per-channel f32 vector as a constant tensor.
static Value f32Vector(OpBuilder &b, Location loc, ArrayRef<float> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getF32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// An element-wise generic over `type` reading `input` (identity) and one
/// f32 vector per entry of `channelVectors` indexed by `axis`; with
/// `axis == -1` the vectors are 1-element and broadcast.
static Value perChannelElementwise(OpBuilder &b, Location loc,
                                   RankedTensorType type, Value input,
                                   ArrayRef<Value> channelVectors, int64_t axis,
                                   BodyFn body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  AffineMap id = b.getMultiDimIdentityMap(rank);
  AffineMap chan =
      axis < 0 ? AffineMap::get(rank, 0, getAffineConstantExpr(0, ctx), ctx)
               : AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx), ctx);
  SmallVector<Value> inputs = {input};
  SmallVector<AffineMap> maps = {id};
  for (Value v : channelVectors) {
    inputs.push_back(v);
    maps.push_back(chan);
  }
  maps.push_back(id);
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, inputs, init, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
             })
      .getResult(0);
}

static Value toF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  if (cast<FloatType>(v.getType()).getWidth() < 32)
    return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  return arith::TruncFOp::create(b, loc, b.getF32Type(), v);
}

static Value fromF32(OpBuilder &b, Location loc, Value v, Type type) {
  if (type.isF32())
    return v;
  if (cast<FloatType>(type).getWidth() < 32)
    return arith::TruncFOp::create(b, loc, type, v);
  return arith::ExtFOp::create(b, loc, type, v);
}

/// clamp(round_half_even(v) + zp, qmin, qmax) in f32, as an f32 value.
static Value roundShiftClamp(OpBuilder &b, Location loc, Value v, Value zp,
                             int64_t qmin, int64_t qmax) {
  Type f32 = b.getF32Type();
  Value r = math::RoundEvenOp::create(b, loc, v);
  r = arith::AddFOp::create(b, loc, r, zp);
  r = arith::MaximumFOp::create(b, loc, r, scalarConstant(b, loc, f32, qmin));
  return arith::MinimumFOp::create(b, loc, r,
                                   scalarConstant(b, loc, f32, qmax));
}

static Value floatToStorage(OpBuilder &b, Location loc, Value v,
                            IntegerType storage, bool isSigned) {
  if (isSigned)
    return arith::FPToSIOp::create(b, loc, storage, v);
  return arith::FPToUIOp::create(b, loc, storage, v);
}

static Value storageToF32(OpBuilder &b, Location loc, Value q, bool isSigned) {
  Type f32 = b.getF32Type();
  if (isSigned)
    return arith::SIToFPOp::create(b, loc, f32, q);
  return arith::UIToFPOp::create(b, loc, f32, q);
}

static SmallVector<float> toFloats(ArrayRef<double> v) {
  return SmallVector<float>(v.begin(), v.end());
}
static SmallVector<float> toFloats(ArrayRef<int64_t> v) {
  return SmallVector<float>(v.begin(), v.end());
}

struct QuantizeLowering : OpConversionPattern<q::QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<QuantParams> params =
        QuantParams::get(op, op.getType().getElementType());
    if (failed(params))
      return failure();
    const QuantParams &p = *params;
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto storage = cast<IntegerType>(type.getElementType());
    Value s = f32Vector(rewriter, loc, toFloats(p.scales));
    Value zp = f32Vector(rewriter, loc, toFloats(p.zeroPoints));
    Value r = perChannelElementwise(
        rewriter, loc, type, adaptor.getInput(), {s, zp}, p.axis,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = arith::DivFOp::create(b, l, toF32(b, l, args[0]), args[1]);
          v = roundShiftClamp(b, l, v, args[2], p.qmin, p.qmax);
          return floatToStorage(b, l, v, storage, p.isSigned);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<q::DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<QuantParams> params =
        QuantParams::get(op, op.getInput().getType().getElementType());
    if (failed(params))
      return failure();
    const QuantParams &p = *params;
    auto type = op.getType();
    Type elem = type.getElementType();
    Value s = f32Vector(rewriter, loc, toFloats(p.scales));
    Value zp = f32Vector(rewriter, loc, toFloats(p.zeroPoints));
    Value r = perChannelElementwise(
        rewriter, loc, type, adaptor.getInput(), {s, zp}, p.axis,
        [&](OpBuilder &b, Location l, ValueRange args) {
          // (q - zp) is exact in f32 for storage of at most 16 bits.
          Value q = storageToF32(b, l, args[0], p.isSigned);
          Value v = arith::SubFOp::create(b, l, q, args[2]);
          v = arith::MulFOp::create(b, l, v, args[1]);
          return fromF32(b, l, v, elem);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct RequantizeLowering : OpConversionPattern<q::RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<QuantParams> inParams =
        QuantParams::get(op, op.getInput().getType().getElementType());
    FailureOr<QuantParams> outParams =
        QuantParams::get(op, op.getType().getElementType());
    if (failed(inParams) || failed(outParams))
      return failure();
    const QuantParams &in = *inParams, &out = *outParams;
    int64_t axis = in.axis >= 0 ? in.axis : out.axis;
    if (in.axis >= 0 && out.axis >= 0 && in.axis != out.axis)
      return rewriter.notifyMatchFailure(op, "different quantized axes");
    int64_t channels = std::max(in.scales.size(), out.scales.size());
    auto at = [](const SmallVector<double> &v, int64_t i) {
      return v.size() == 1 ? v[0] : v[i];
    };
    auto atZ = [](const SmallVector<int64_t> &v, int64_t i) {
      return v.size() == 1 ? v[0] : v[i];
    };
    SmallVector<float> mult, zin, zout;
    for (int64_t c = 0; c < channels; ++c) {
      // The multiplier is rounded to f32 once, at compile time.
      mult.push_back(static_cast<float>(at(in.scales, c)) /
                     static_cast<float>(at(out.scales, c)));
      zin.push_back(atZ(in.zeroPoints, c));
      zout.push_back(atZ(out.zeroPoints, c));
    }
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto storage = cast<IntegerType>(type.getElementType());
    Value m = f32Vector(rewriter, loc, mult);
    Value zi = f32Vector(rewriter, loc, zin);
    Value zo = f32Vector(rewriter, loc, zout);
    Value r = perChannelElementwise(
        rewriter, loc, type, adaptor.getInput(), {m, zi, zo}, axis,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value q = storageToF32(b, l, args[0], in.isSigned);
          Value v = arith::SubFOp::create(b, l, q, args[2]);
          v = arith::MulFOp::create(b, l, v, args[1]);
          v = roundShiftClamp(b, l, v, args[3], out.qmin, out.qmax);
          return floatToStorage(b, l, v, storage, out.isSigned);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct FakeQuantLowering : OpConversionPattern<q::FakeQuantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::FakeQuantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<QuantParams> params = QuantParams::get(op, op.getQuantType());
    if (failed(params))
      return failure();
    const QuantParams &p = *params;
    Type elem = op.getType().getElementType();
    Value s = f32Vector(rewriter, loc, toFloats(p.scales));
    Value zp = f32Vector(rewriter, loc, toFloats(p.zeroPoints));
    Value r = perChannelElementwise(
        rewriter, loc, op.getType(), adaptor.getInput(), {s, zp}, p.axis,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = arith::DivFOp::create(b, l, toF32(b, l, args[0]), args[1]);
          v = roundShiftClamp(b, l, v, args[2], p.qmin, p.qmax);
          v = arith::SubFOp::create(b, l, v, args[2]);
          v = arith::MulFOp::create(b, l, v, args[1]);
          return fromF32(b, l, v, elem);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct DynamicQuantizeLowering : OpConversionPattern<q::DynamicQuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::DynamicQuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = op.getInput().getType();
    int64_t rank = inType.getRank();
    Type f32 = rewriter.getF32Type();
    bool isSigned = !op.getOutput().getType().getElementType().isUnsignedInteger();
    unsigned width = op.getOutput().getType().getElementTypeBitWidth();
    bool symmetric = op.getSymmetric();
    int64_t qmax = isSigned ? (int64_t(1) << (width - 1)) - 1
                            : (int64_t(1) << width) - 1;
    int64_t qmin = isSigned ? (symmetric ? -qmax : -qmax - 1) : 0;
    std::optional<int64_t> axis = op.getAxis();
    SmallVector<int64_t> paramShape;
    SmallVector<AffineExpr> paramExprs;
    if (axis) {
      paramShape.push_back(inType.getDimSize(*axis));
      paramExprs.push_back(getAffineDimExpr(*axis, ctx));
    }
    auto paramType = RankedTensorType::get(paramShape, f32);
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap pmap = AffineMap::get(rank, 0, paramExprs, ctx);
    // Running min and max start at 0: the range must include 0 anyway.
    Value zeros = buildFilled(rewriter, loc, paramType,
                              rewriter.getF32FloatAttr(0.0f));
    SmallVector<utils::IteratorType> iters(rank,
                                           utils::IteratorType::reduction);
    if (axis)
      iters[*axis] = utils::IteratorType::parallel;
    auto minmax = linalg::GenericOp::create(
        rewriter, loc, TypeRange{paramType, paramType}, adaptor.getInput(),
        ValueRange{zeros, zeros}, ArrayRef<AffineMap>{id, pmap, pmap}, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = toF32(b, l, args[0]);
          Value lo = arith::MinimumFOp::create(b, l, args[1], x);
          Value hi = arith::MaximumFOp::create(b, l, args[2], x);
          linalg::YieldOp::create(b, l, ValueRange{lo, hi});
        });
    auto params = buildElementwise(
        rewriter, loc, paramType,
        {minmax.getResult(0), minmax.getResult(1)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value lo = args[0], hi = args[1];
          Value s;
          if (symmetric) {
            Value a = arith::MaximumFOp::create(
                b, l, math::AbsFOp::create(b, l, lo), hi);
            s = arith::DivFOp::create(b, l, a, scalarConstant(b, l, f32, qmax));
          } else {
            Value range = arith::SubFOp::create(b, l, hi, lo);
            s = arith::DivFOp::create(b, l, range,
                                      scalarConstant(b, l, f32, qmax - qmin));
          }
          // An all-zero input gets scale 1 (NUMERICS.md, compute_scale_zp).
          Value zero = scalarConstant(b, l, f32, 0.0);
          Value isZero =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, s, zero);
          return arith::SelectOp::create(b, l, isZero,
                                         scalarConstant(b, l, f32, 1.0), s);
        });
    Value zpF = buildElementwise(
        rewriter, loc, paramType, {minmax.getResult(0), params},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          if (symmetric)
            return scalarConstant(b, l, f32, 0.0);
          Value qminV = scalarConstant(b, l, f32, qmin);
          Value v = arith::SubFOp::create(
              b, l, qminV, arith::DivFOp::create(b, l, args[0], args[1]));
          return roundShiftClamp(b, l, v, scalarConstant(b, l, f32, 0.0), qmin,
                                 qmax);
        });
    auto storage = IntegerType::get(ctx, width);
    auto zpType = RankedTensorType::get(paramShape, storage);
    Value zp = buildElementwise(rewriter, loc, zpType, zpF,
                                [&](OpBuilder &b, Location l, ValueRange args) {
                                  return floatToStorage(b, l, args[0], storage,
                                                        isSigned);
                                });
    auto outType = RankedTensorType::get(inType.getShape(), storage);
    Value init = tensor::EmptyOp::create(rewriter, loc, inType.getShape(),
                                         storage);
    SmallVector<utils::IteratorType> par(rank, utils::IteratorType::parallel);
    Value q = linalg::GenericOp::create(
                  rewriter, loc, outType,
                  ValueRange{adaptor.getInput(), params, zpF}, init,
                  ArrayRef<AffineMap>{id, pmap, pmap, id}, par,
                  [&](OpBuilder &b, Location l, ValueRange args) {
                    Value v = arith::DivFOp::create(b, l, toF32(b, l, args[0]),
                                                    args[1]);
                    v = roundShiftClamp(b, l, v, args[2], qmin, qmax);
                    linalg::YieldOp::create(
                        b, l, floatToStorage(b, l, v, storage, isSigned));
                  })
                  .getResult(0);
    rewriter.replaceOp(op, {q, params, zp});
    return success();
  }
};

struct StorageCastLowering : OpConversionPattern<q::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Both sides lower to the same signless integer tensor.
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// The map of a scale, multiplier or zero point of the *_linear ops: its one
/// element, the index along `axis`, or with `blockSize` the input's index
/// with `axis`'s divided by the block size.
static AffineMap paramMap(MLIRContext *ctx, int64_t rank, Value param,
                          std::optional<uint64_t> axis,
                          std::optional<uint64_t> blockSize) {
  auto type = cast<RankedTensorType>(param.getType());
  if (blockSize) {
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      exprs.push_back(d == static_cast<int64_t>(*axis)
                          ? getAffineDimExpr(d, ctx).floorDiv(*blockSize)
                          : getAffineDimExpr(d, ctx));
    return AffineMap::get(rank, 0, exprs, ctx);
  }
  if (type.getRank() == 0)
    return AffineMap::get(rank, 0, ctx);
  if (type.getNumElements() == 1 || !axis)
    return AffineMap::get(rank, 0, getAffineConstantExpr(0, ctx), ctx);
  return AffineMap::get(rank, 0, getAffineDimExpr(*axis, ctx), ctx);
}

/// An element-wise generic over `type` reading `input` and the per-tensor,
/// per-axis or blocked `params` (null ones are left out of the body's
/// arguments).
static Value linearQuantElementwise(OpBuilder &b, Location loc,
                                    RankedTensorType type, Value input,
                                    ArrayRef<Value> params,
                                    std::optional<uint64_t> axis,
                                    std::optional<uint64_t> blockSize,
                                    BodyFn body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<Value> inputs = {input};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  for (Value p : params) {
    if (!p)
      continue;
    inputs.push_back(p);
    maps.push_back(paramMap(ctx, rank, p, axis, blockSize));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, inputs, init, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
             })
      .getResult(0);
}

/// The saturation range of a q-level integer type (`ui8`, `i8`, `ui4`, `i4`).
static std::pair<int64_t, int64_t> intRange(Type qElem) {
  unsigned width = qElem.getIntOrFloatBitWidth();
  if (qElem.isUnsignedInteger())
    return {0, (int64_t(1) << width) - 1};
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

struct QuantizeLinearLowering : OpConversionPattern<q::QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type qElem = op.getType().getElementType();
    auto [qmin, qmax] = intRange(qElem);
    bool isSigned = !qElem.isUnsignedInteger();
    bool intInput = isa<IntegerType>(op.getInput().getType().getElementType());
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto storage = cast<IntegerType>(type.getElementType());
    bool hasZp = adaptor.getZeroPoint() != nullptr;
    Value r = linearQuantElementwise(
        rewriter, op.getLoc(), type, adaptor.getInput(),
        {adaptor.getScale(), adaptor.getZeroPoint()}, op.getAxis(),
        op.getBlockSize(), [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = intInput
                        ? arith::SIToFPOp::create(b, l, b.getF32Type(), args[0])
                        : args[0];
          Value v = arith::DivFOp::create(b, l, x, args[1]);
          Value zp = hasZp ? storageToF32(b, l, args[2], isSigned)
                           : scalarConstant(b, l, b.getF32Type(), 0.0);
          v = roundShiftClamp(b, l, v, zp, qmin, qmax);
          return floatToStorage(b, l, v, storage, isSigned);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct DequantizeLinearLowering : OpConversionPattern<q::DequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::DequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type qElem = op.getInput().getType().getElementType();
    bool isUnsigned = qElem.isUnsignedInteger();
    bool hasZp = adaptor.getZeroPoint() != nullptr;
    Value r = linearQuantElementwise(
        rewriter, op.getLoc(), op.getType(), adaptor.getInput(),
        {adaptor.getScale(), adaptor.getZeroPoint()}, op.getAxis(),
        op.getBlockSize(), [&](OpBuilder &b, Location l, ValueRange args) {
          // x - zp exactly, in i32 (as ONNX Runtime), then one f32 product.
          Type i32 = b.getI32Type();
          auto toI32 = [&](Value v) -> Value {
            if (v.getType() == i32)
              return v;
            if (isUnsigned)
              return arith::ExtUIOp::create(b, l, i32, v);
            return arith::ExtSIOp::create(b, l, i32, v);
          };
          Value v = toI32(args[0]);
          if (hasZp)
            v = arith::SubIOp::create(b, l, v, toI32(args[2]));
          Value f = arith::SIToFPOp::create(b, l, b.getF32Type(), v);
          return arith::MulFOp::create(b, l, f, args[1]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct RequantizeLinearLowering : OpConversionPattern<q::RequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::RequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type qElem = op.getType().getElementType();
    auto [qmin, qmax] = intRange(qElem);
    bool isSigned = !qElem.isUnsignedInteger();
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto storage = cast<IntegerType>(type.getElementType());
    bool hasZp = adaptor.getZeroPoint() != nullptr;
    Value r = linearQuantElementwise(
        rewriter, op.getLoc(), type, adaptor.getInput(),
        {adaptor.getMultiplier(), adaptor.getZeroPoint()}, op.getAxis(),
        std::nullopt, [&](OpBuilder &b, Location l, ValueRange args) {
          Value f = arith::SIToFPOp::create(b, l, b.getF32Type(), args[0]);
          Value v = arith::MulFOp::create(b, l, f, args[1]);
          Value zp = hasZp ? storageToF32(b, l, args[2], isSigned)
                           : scalarConstant(b, l, b.getF32Type(), 0.0);
          v = roundShiftClamp(b, l, v, zp, qmin, qmax);
          return floatToStorage(b, l, v, storage, isSigned);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct DequantizeCodebookLowering
    : OpConversionPattern<q::DequantizeCodebookOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::DequantizeCodebookOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto codebook = cast<q::CodebookType>(op.getCodebook());
    Location loc = op.getLoc();
    SmallVector<float> values(codebook.getValues().begin(),
                              codebook.getValues().end());
    auto tableType = RankedTensorType::get(
        {static_cast<int64_t>(values.size())}, rewriter.getF32Type());
    Value table = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(tableType, ArrayRef(values)));
    Value r = linearQuantElementwise(
        rewriter, loc, op.getType(), adaptor.getCodes(), {adaptor.getAbsmax()},
        op.getAxis(), static_cast<uint64_t>(codebook.getBlockSize()),
        [&](OpBuilder &b, Location l, ValueRange args) {
          // Codes are unsigned indices, held in i8 below q.
          Value i = arith::ExtUIOp::create(b, l, b.getI32Type(), args[0]);
          i = arith::IndexCastUIOp::create(b, l, b.getIndexType(), i);
          Value v = tensor::ExtractOp::create(b, l, table, i);
          return arith::MulFOp::create(b, l, v, args[1]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void qmlir::lowering::populateQuantizationPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DequantizeLowering, RequantizeLowering,
               FakeQuantLowering, DynamicQuantizeLowering, StorageCastLowering,
               QuantizeLinearLowering, DequantizeLinearLowering,
               RequantizeLinearLowering, DequantizeCodebookLowering>(converter, patterns.getContext());
}
