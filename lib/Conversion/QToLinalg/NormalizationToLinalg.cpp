//===- NormalizationToLinalg.cpp - q.layer_norm to linalg -----------------===//
//
// Part of qmlir. Two reductions over the normalized dimensions (the sum,
// then the sum of squared deviations from the mean, as ONNX's reference
// computes them) and one element-wise pass, the statistics in the element
// type of the op's mean result (ONNX's stash_type).
//
//===----------------------------------------------------------------------===//

#include "LinalgBuilders.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::lowering;

namespace {

/// Converts a float scalar to the float type `to` (a no-op when equal).
static Value convertFloat(OpBuilder &b, Location loc, Value v, Type to) {
  unsigned from = v.getType().getIntOrFloatBitWidth();
  unsigned width = to.getIntOrFloatBitWidth();
  if (v.getType() == to)
    return v;
  if (from < width)
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

struct LayerNormLowering : OpConversionPattern<q::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(q::LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = op.getInput().getType();
    Type elem = type.getElementType();
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    Type stat = op.getMean().getType().getElementType();
    int64_t count = 1;
    for (int64_t d : type.getShape().drop_front(axis))
      count *= d;

    auto statType =
        RankedTensorType::get(type.getShape().take_front(axis), stat);
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap outer = AffineMap::getMultiDimIdentityMap(axis, ctx);
    outer = AffineMap::get(rank, 0, outer.getResults(), ctx);
    SmallVector<utils::IteratorType> reduceIters(axis,
                                                 utils::IteratorType::parallel);
    reduceIters.append(rank - axis, utils::IteratorType::reduction);
    Value x = adaptor.getInput();

    Value zeros =
        buildFilled(rewriter, loc, statType, rewriter.getFloatAttr(stat, 0.0));
    Value sum =
        linalg::GenericOp::create(
            rewriter, loc, statType, x, zeros, ArrayRef<AffineMap>{id, outer},
            reduceIters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value v = convertFloat(b, l, args[0], stat);
              linalg::YieldOp::create(
                  b, l, arith::AddFOp::create(b, l, args[1], v).getResult());
            })
            .getResult(0);
    Value n = scalarConstant(rewriter, loc, stat, double(count));
    Value mean =
        buildElementwise(rewriter, loc, statType, sum,
                         [&](OpBuilder &b, Location l, ValueRange args) {
                           return arith::DivFOp::create(b, l, args[0], n);
                         });
    Value squares =
        linalg::GenericOp::create(
            rewriter, loc, statType, ValueRange{x, mean}, zeros,
            ArrayRef<AffineMap>{id, outer, outer}, reduceIters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value d = arith::SubFOp::create(
                  b, l, convertFloat(b, l, args[0], stat), args[1]);
              Value sq = arith::MulFOp::create(b, l, d, d);
              linalg::YieldOp::create(
                  b, l, arith::AddFOp::create(b, l, args[2], sq).getResult());
            })
            .getResult(0);
    double eps = op.getEpsilon().convertToDouble();
    Value invStdDev = buildElementwise(
        rewriter, loc, statType, squares,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value var = arith::DivFOp::create(b, l, args[0], n);
          var =
              arith::AddFOp::create(b, l, var, scalarConstant(b, l, stat, eps));
          Value root = math::SqrtOp::create(b, l, var);
          return arith::DivFOp::create(b, l, scalarConstant(b, l, stat, 1.0),
                                       root);
        });

    // y = (x - mean) * inv_std_dev * scale + bias, the normalization in the
    // statistics type and the affine part in the input's.
    SmallVector<Value> inputs = {x, mean, invStdDev, adaptor.getScale()};
    SmallVector<AffineMap> maps = {id, outer, outer};
    for (Value v : {adaptor.getScale(), adaptor.getBias()}) {
      if (!v)
        continue;
      maps.push_back(broadcastMap(ctx, rank,
                                  cast<ShapedType>(v.getType()).getShape(),
                                  type.getShape()));
    }
    if (adaptor.getBias())
      inputs.push_back(adaptor.getBias());
    maps.push_back(id);
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), elem);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value y = linalg::GenericOp::create(
                  rewriter, loc, type, inputs, init, maps, parallel,
                  [&](OpBuilder &b, Location l, ValueRange args) {
                    Value d = arith::SubFOp::create(
                        b, l, convertFloat(b, l, args[0], stat), args[1]);
                    Value v = arith::MulFOp::create(b, l, d, args[2]);
                    v = convertFloat(b, l, v, elem);
                    v = arith::MulFOp::create(b, l, v, args[3]);
                    if (args.size() > 5)
                      v = arith::AddFOp::create(b, l, v, args[4]);
                    linalg::YieldOp::create(b, l, v);
                  })
                  .getResult(0);
    rewriter.replaceOp(
        op,
        {y, buildReshape(rewriter, loc, mean, op.getMean().getType()),
         buildReshape(rewriter, loc, invStdDev, op.getInvStdDev().getType())});
    return success();
  }
};

} // namespace

void qmlir::lowering::populateNormalizationPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<LayerNormLowering>(converter, patterns.getContext());
}
