//===- LinearToLinalg.cpp - matmul, gemm and conv to linalg ---------------===//
//
// Part of qmlir.
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::lowering;

namespace {

static SmallVector<utils::IteratorType> iterators(int64_t parallel,
                                                  int64_t reduction) {
  SmallVector<utils::IteratorType> iters(parallel,
                                         utils::IteratorType::parallel);
  iters.append(reduction, utils::IteratorType::reduction);
  return iters;
}

static void multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args) {
  Value prod = arith::MulFOp::create(b, loc, args[0], args[1]);
  Value sum = arith::AddFOp::create(b, loc, args[2], prod);
  linalg::YieldOp::create(b, loc, sum);
}

struct MatMulLowering : OpConversionPattern<q::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = op.getType();
    Type elem = type.getElementType();
    Value zero = buildFilled(rewriter, loc, type, rewriter.getZeroAttr(elem));
    ArrayRef<int64_t> a = op.getLhs().getType().getShape();
    ArrayRef<int64_t> bShape = op.getRhs().getType().getShape();
    if (a.size() == 2 && bShape.size() == 2) {
      Value r = linalg::MatmulOp::create(
                    rewriter, loc, ValueRange{adaptor.getLhs(), adaptor.getRhs()},
                    zero)
                    .getResult(0);
      rewriter.replaceOp(op, r);
      return success();
    }
    // General numpy matmul as one contraction: loops (batch..., m?, n?, k).
    bool aVec = a.size() == 1, bVec = bShape.size() == 1;
    int64_t batch = type.getRank() - (aVec ? 0 : 1) - (bVec ? 0 : 1);
    int64_t nLoops = batch + (aVec ? 0 : 1) + (bVec ? 0 : 1) + 1;
    int64_t mDim = batch, nDim = batch + (aVec ? 0 : 1), kDim = nLoops - 1;
    ArrayRef<int64_t> outShape = type.getShape();
    auto batchExprs = [&](ArrayRef<int64_t> opBatch) {
      SmallVector<AffineExpr> exprs;
      int64_t off = batch - static_cast<int64_t>(opBatch.size());
      for (auto [i, s] : llvm::enumerate(opBatch)) {
        int64_t d = off + static_cast<int64_t>(i);
        exprs.push_back(s == 1 && outShape[d] != 1
                            ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(d, ctx));
      }
      return exprs;
    };
    SmallVector<AffineExpr> aExprs =
        batchExprs(aVec ? ArrayRef<int64_t>() : a.drop_back(2));
    if (!aVec)
      aExprs.push_back(getAffineDimExpr(mDim, ctx));
    aExprs.push_back(getAffineDimExpr(kDim, ctx));
    SmallVector<AffineExpr> bExprs =
        batchExprs(bVec ? ArrayRef<int64_t>() : bShape.drop_back(2));
    bExprs.push_back(getAffineDimExpr(kDim, ctx));
    if (!bVec)
      bExprs.push_back(getAffineDimExpr(nDim, ctx));
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < nLoops - 1; ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(nLoops, 0, aExprs, ctx),
                                   AffineMap::get(nLoops, 0, bExprs, ctx),
                                   AffineMap::get(nLoops, 0, outExprs, ctx)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{adaptor.getLhs(), adaptor.getRhs()},
        zero, maps, iterators(nLoops - 1, 1), multiplyAccumulate);
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct GemmLowering : OpConversionPattern<q::GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = op.getType();
    Type elem = type.getElementType();
    Value zero = buildFilled(rewriter, loc, type, rewriter.getZeroAttr(elem));
    Value product;
    if (!op.getTransA() && !op.getTransB()) {
      product = linalg::MatmulOp::create(
                    rewriter, loc,
                    ValueRange{adaptor.getA(), adaptor.getB()}, zero)
                    .getResult(0);
    } else {
      AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
                 k = getAffineDimExpr(2, ctx);
      AffineMap aMap = AffineMap::get(
          3, 0, op.getTransA() ? ArrayRef<AffineExpr>{k, m} : ArrayRef<AffineExpr>{m, k},
          ctx);
      AffineMap bMap = AffineMap::get(
          3, 0, op.getTransB() ? ArrayRef<AffineExpr>{n, k} : ArrayRef<AffineExpr>{k, n},
          ctx);
      AffineMap outMap = AffineMap::get(3, 0, {m, n}, ctx);
      product = linalg::GenericOp::create(
                    rewriter, loc, type,
                    ValueRange{adaptor.getA(), adaptor.getB()}, zero,
                    ArrayRef<AffineMap>{aMap, bMap, outMap}, iterators(2, 1),
                    multiplyAccumulate)
                    .getResult(0);
    }
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    bool useC = adaptor.getC() && beta != 0.0;
    if (alpha == 1.0 && !useC) {
      rewriter.replaceOp(op, product);
      return success();
    }
    SmallVector<Value> inputs = {product};
    if (useC)
      inputs.push_back(adaptor.getC());
    Value result = buildElementwise(
        rewriter, loc, type, inputs,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = args[0];
          if (alpha != 1.0)
            v = arith::MulFOp::create(b, l, v,
                                      scalarConstant(b, l, elem, alpha));
          if (useC) {
            Value c = args[1];
            if (beta != 1.0)
              c = arith::MulFOp::create(b, l, c,
                                        scalarConstant(b, l, elem, beta));
            v = arith::AddFOp::create(b, l, v, c);
          }
          return v;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConvLowering : OpConversionPattern<q::ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outType = op.getType();
    Type elem = outType.getElementType();
    int64_t rank = outType.getRank();
    int64_t spatial = rank - 2;
    ArrayRef<int64_t> pads = op.getPads();
    Value input = padSpatial(rewriter, loc, adaptor.getInput(),
                             pads.take_front(spatial), pads.drop_front(spatial),
                             rewriter.getZeroAttr(elem));
    int64_t group = op.getGroup();
    auto wType = op.getWeight().getType();
    int64_t m = wType.getDimSize(0), cg = wType.getDimSize(1);
    int64_t mg = m / group;
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t n = inType.getDimSize(0);

    // Accumulator initialized with the bias (broadcast over N and space).
    auto initFor = [&](RankedTensorType accType, int64_t chanDims) -> Value {
      if (!adaptor.getBias())
        return buildFilled(rewriter, loc, accType, rewriter.getZeroAttr(elem));
      Value bias = adaptor.getBias();
      int64_t accRank = accType.getRank();
      SmallVector<AffineExpr> exprs;
      for (int64_t i = 0; i < chanDims; ++i)
        exprs.push_back(getAffineDimExpr(1 + i, ctx));
      if (chanDims == 2) // bias [M] viewed as [G, M/G].
        bias = tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get({group, mg}, elem), bias,
            SmallVector<ReassociationIndices>{{0, 1}});
      AffineMap bmap = AffineMap::get(accRank, 0, exprs, ctx);
      Value empty = tensor::EmptyOp::create(rewriter, loc, accType.getShape(),
                                            elem);
      SmallVector<utils::IteratorType> iters(accRank,
                                             utils::IteratorType::parallel);
      return linalg::GenericOp::create(
                 rewriter, loc, accType, bias, empty,
                 ArrayRef<AffineMap>{bmap,
                                     rewriter.getMultiDimIdentityMap(accRank)},
                 iters,
                 [](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, args[0]);
                 })
          .getResult(0);
    };

    if (spatial == 2 && group == 1) {
      Value init = initFor(outType, 1);
      auto conv = linalg::Conv2DNchwFchwOp::create(
          rewriter, loc, outType, ValueRange{input, adaptor.getWeight()}, init,
          rewriter.getI64TensorAttr(op.getStrides()),
          rewriter.getI64TensorAttr(op.getDilations()));
      rewriter.replaceOp(op, conv.getResult(0));
      return success();
    }

    // General N-d grouped convolution as one linalg.generic over
    // (n, g, mg, o1..od, cg, k1..kd) on [N, G, Cg, D...] input,
    // [G, Mg, Cg, K...] weight and [N, G, Mg, O...] output.
    SmallVector<int64_t> inShape = {n, group, cg};
    llvm::append_range(inShape, inType.getShape().drop_front(2));
    SmallVector<ReassociationIndices> inReassoc = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      inReassoc.push_back({3 + i});
    Value in5 = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(inShape, elem), input, inReassoc);
    SmallVector<int64_t> wShape = {group, mg, cg};
    llvm::append_range(wShape, wType.getShape().drop_front(2));
    SmallVector<ReassociationIndices> wReassoc = {{0, 1}, {2}};
    for (int64_t i = 0; i < spatial; ++i)
      wReassoc.push_back({3 + i});
    Value w5 = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(wShape, elem), adaptor.getWeight(),
        wReassoc);
    SmallVector<int64_t> accShape = {n, group, mg};
    llvm::append_range(accShape, outType.getShape().drop_front(2));
    auto accType = RankedTensorType::get(accShape, elem);
    Value init = initFor(accType, 2);

    int64_t nLoops = 3 + 2 * spatial + 1;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    int64_t oBase = 3, cgDim = 3 + spatial, kBase = 4 + spatial;
    SmallVector<AffineExpr> inExprs = {d(0), d(1), d(cgDim)};
    SmallVector<AffineExpr> wExprs = {d(1), d(2), d(cgDim)};
    SmallVector<AffineExpr> outExprs = {d(0), d(1), d(2)};
    for (int64_t i = 0; i < spatial; ++i) {
      inExprs.push_back(d(oBase + i) * op.getStrides()[i] +
                        d(kBase + i) * op.getDilations()[i]);
      wExprs.push_back(d(kBase + i));
      outExprs.push_back(d(oBase + i));
    }
    SmallVector<AffineMap> maps = {AffineMap::get(nLoops, 0, inExprs, ctx),
                                   AffineMap::get(nLoops, 0, wExprs, ctx),
                                   AffineMap::get(nLoops, 0, outExprs, ctx)};
    Value acc = linalg::GenericOp::create(rewriter, loc, accType,
                                          ValueRange{in5, w5}, init, maps,
                                          iterators(3 + spatial, 1 + spatial),
                                          multiplyAccumulate)
                    .getResult(0);
    SmallVector<ReassociationIndices> outReassoc = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      outReassoc.push_back({3 + i});
    Value out = tensor::CollapseShapeOp::create(rewriter, loc, outType, acc,
                                                outReassoc);
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void qmlir::lowering::populateLinearPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering, ConvLowering>(
      converter, patterns.getContext());
}
