//===- ExpandMath.cpp - the q-expand-math pass ----------------------------===//
//
// Part of qmlir. Transcendentals become MLIR's polynomial approximations so
// that no target's libm is called and every target computes the same bits.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir {
#define GEN_PASS_DEF_QEXPANDMATH
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {
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
  }
};
} // namespace
