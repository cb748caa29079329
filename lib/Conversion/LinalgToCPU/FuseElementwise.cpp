//===- FuseElementwise.cpp - the q-fuse-elementwise pass ------------------===//
//
// Part of qmlir. Upstream's element-wise fusion and reshape propagation,
// except that the ops q-microkernels turns into register-tiled kernels
// (named linalg ops, packed int8 contractions, weight-only matmuls) are
// left as they are: never generalized to absorb a reshape, never given a
// producer's body.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"
#include "qmlir/Conversion/QToLinalg/PackedInt8.h"
#include "qmlir/Conversion/QToLinalg/WeightOnly.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir {
#define GEN_PASS_DEF_QFUSEELEMENTWISE
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {
/// Ops q-microkernels recognizes as they are: named linalg ops, the
/// packed int8 contractions and the weight-only matmuls.
static bool isKernelOp(Operation *op) {
  return op && isa<linalg::LinalgOp>(op) &&
         (!isa<linalg::GenericOp>(op) || qmlir::matchPackedInt8(op) ||
          qmlir::matchWeightOnly(op));
}

struct QFuseElementwisePass
    : qmlir::impl::QFuseElementwiseBase<QFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && producer->hasOneUse() && !isKernelOp(producer) &&
             !isKernelOp(fused->getOwner());
    };
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    if (failed(applyPatternsGreedily(
            getOperation(), std::move(patterns),
            GreedyRewriteConfig().setUseTopDownTraversal())))
      return signalPassFailure();
  }
};
} // namespace
