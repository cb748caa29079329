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

/// f32 `math.roundeven` exactly: below 2^23, adding and subtracting 2^23
/// rounds |x| to an integer with the FPU's round-to-nearest-even (no fast
/// math, so nothing folds the pair); from 2^23 on, and for NaN and
/// infinities, x is its own result. The sign comes back with copysign, so
/// -0.4 gives -0. (Upstream's expansion adds copysign(0.5, x) and
/// truncates, which rounds 0.49999997 up to 1.)
struct ExactRoundEven : OpRewritePattern<math::RoundEvenOp> {
  ExactRoundEven(MLIRContext *ctx)
      : OpRewritePattern(ctx, /*benefit=*/10) {}
  LogicalResult matchAndRewrite(math::RoundEvenOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return failure();
    Location loc = op.getLoc();
    auto constant = [&](float v) -> Value {
      Attribute attr = rewriter.getF32FloatAttr(v);
      if (auto vec = dyn_cast<VectorType>(type))
        attr = SplatElementsAttr::get(vec, attr);
      return arith::ConstantOp::create(rewriter, loc, type,
                                       cast<TypedAttr>(attr));
    };
    Value x = op.getOperand();
    Value big = constant(8388608.0f); // 2^23
    Value ax = math::AbsFOp::create(rewriter, loc, x);
    Value r = arith::SubFOp::create(
        rewriter, loc, arith::AddFOp::create(rewriter, loc, ax, big), big);
    r = math::CopySignOp::create(rewriter, loc, r, x);
    Value small = arith::CmpFOp::create(rewriter, loc,
                                        arith::CmpFPredicate::OLT, ax, big);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, small, r, x);
    return success();
  }
};

struct QExpandMathPass : qmlir::impl::QExpandMathBase<QExpandMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExactRoundEven>(&getContext());
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
