//===- ExpandMath.cpp - the q-expand-math pass ----------------------------===//
//
// Part of qmlir. Transcendentals become MLIR's polynomial approximations so
// that no target's libm is called and every target computes the same bits.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir {
#define GEN_PASS_DEF_QEXPANDMATH
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {
/// vector.fma would lower to llvm.fmuladd, which each backend may or may not
/// fuse; math.fma lowers to llvm.fma, fused everywhere (libm's fmaf where
/// the CPU has no FMA), so every target rounds once.
struct VectorFmaToMathFma : OpRewritePattern<vector::FMAOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::FMAOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<math::FmaOp>(op, op.getLhs(), op.getRhs(),
                                             op.getAcc());
    return success();
  }
};

struct QExpandMathPass : qmlir::impl::QExpandMathBase<QExpandMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Expansions first (tanh via exp, roundeven via arith, ...), then the
    // polynomial approximations of what remains; f16/bf16 are computed in f32.
    math::populateExpansionPatterns(patterns);
    // bf16 <-> f32 as integer shifts with round to nearest even: no call to
    // libgcc's __truncsfbf2 (GCC 12's libgcc lacks it).
    arith::populateExpandBFloat16Patterns(patterns);
    populateMathF32ExpansionPatterns(patterns, [](StringRef) { return true; });
    populateMathPolynomialApproximationPatterns(patterns,
                                                [](StringRef) { return true; });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // After the expansions, which would split a math.fma into mul + add.
    RewritePatternSet fmas(&getContext());
    fmas.add<VectorFmaToMathFma>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(fmas))))
      return signalPassFailure();
  }
};
} // namespace
