//===- FoldBatchNorm.cpp - the q-fold-batchnorm pass ----------------------===//
//
// Part of qmlir. Inference batch norm after a convolution becomes part of
// the convolution's weights and bias.
//
//===----------------------------------------------------------------------===//

#include "NodeNames.h"
#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Dialect/Q/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

namespace qmlir {
#define GEN_PASS_DEF_QFOLDBATCHNORM
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {
struct FoldIntoConv : OpRewritePattern<q::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(q::BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<q::ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use conv");
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    if (!wType.getElementType().isF32())
      return failure();
    std::optional<std::vector<float>> w = q::readF32Constant(conv.getWeight());
    std::optional<std::vector<float>> scale = q::readF32Constant(bn.getScale()),
                                      shift = q::readF32Constant(bn.getBias()),
                                      mean = q::readF32Constant(bn.getMean()),
                                      var =
                                          q::readF32Constant(bn.getVariance());
    if (!w || !scale || !shift || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "parameters are not constants");
    int64_t m = wType.getDimSize(0);
    std::vector<float> bias(m, 0.0f);
    if (conv.getBias()) {
      std::optional<std::vector<float>> b = q::readF32Constant(conv.getBias());
      if (!b)
        return rewriter.notifyMatchFailure(bn, "conv bias is not a constant");
      bias = *b;
    }
    if (static_cast<int64_t>(scale->size()) != m ||
        static_cast<int64_t>(bias.size()) != m)
      return failure();
    int64_t per = static_cast<int64_t>(w->size()) / m;
    double eps = bn.getEpsilon().convertToFloat();
    std::vector<float> newW(w->size()), newB(m);
    for (int64_t i = 0; i < m; ++i) {
      double factor = static_cast<double>((*scale)[i]) /
                      std::sqrt(static_cast<double>((*var)[i]) + eps);
      for (int64_t j = 0; j < per; ++j)
        newW[i * per + j] =
            static_cast<float>(static_cast<double>((*w)[i * per + j]) * factor);
      newB[i] = static_cast<float>(
          (static_cast<double>(bias[i]) - (*mean)[i]) * factor + (*shift)[i]);
    }
    Location loc = conv.getLoc();
    Value wv =
        q::buildF32Constant(rewriter, loc, wType, newW, blobName(loc, ".w_bn"));
    Value bv = q::buildF32Constant(
        rewriter, loc, RankedTensorType::get({m}, rewriter.getF32Type()), newB,
        blobName(loc, ".b_bn"));
    auto fused = q::ConvOp::create(
        rewriter, rewriter.getFusedLoc({loc, bn.getLoc()}), bn.getType(),
        conv.getInput(), wv, bv, conv.getStridesAttr(), conv.getPadsAttr(),
        conv.getDilationsAttr(), conv.getGroupAttr());
    rewriter.replaceOp(bn, fused.getResult());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct QFoldBatchNormPass
    : qmlir::impl::QFoldBatchNormBase<QFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
