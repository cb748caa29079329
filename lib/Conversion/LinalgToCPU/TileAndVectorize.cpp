//===- TileAndVectorize.cpp - the q-tile-and-vectorize pass ---------------===//
//
// Part of qmlir. CPU code generation on tensors: contractions are tiled to
// register blocks and become vector.contract; element-wise generics are
// tiled along their innermost dimension and vectorized.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir {
#define GEN_PASS_DEF_QTILEANDVECTORIZE
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {

/// The largest divisor of `range` not above `limit`: tiles then divide the
/// loop evenly, so every tile has a static shape and needs no masking.
static int64_t evenTile(int64_t range, int64_t limit) {
  for (int64_t t = std::min(range, limit); t > 1; --t)
    if (range % t == 0)
      return t;
  return 1;
}

/// Tiles `op` with `tileSizes` (each dividing its loop; a size equal to the
/// loop means untiled) and vectorizes the static tile.
static LogicalResult tileAndVectorize(RewriterBase &rewriter,
                                      linalg::LinalgOp op,
                                      ArrayRef<int64_t> tileSizes) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<OpFoldResult> sizes;
  bool tiles = false;
  for (auto [range, tile] : llvm::zip(ranges, tileSizes)) {
    tiles |= tile != range;
    sizes.push_back(rewriter.getIndexAttr(tile == range ? 0 : tile));
  }
  Operation *target = op;
  rewriter.setInsertionPoint(op);
  if (tiles) {
    scf::SCFTilingOptions options;
    options.setTileSizes(sizes);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled))
      return failure();
    rewriter.replaceOp(op, tiled->replacements);
    target = tiled->tiledOps.back();
  }
  // A 2-D convolution tile with a single output row and kernel row is a 1-D
  // convolution, which the vectorizer handles.
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(target)) {
    PatternRewriter patternRewriter(rewriter.getContext());
    patternRewriter.setInsertionPoint(conv);
    FailureOr<linalg::Conv1DNcwFcwOp> conv1d =
        linalg::DownscaleSizeOneWindowed2DConvolution<
            linalg::Conv2DNchwFchwOp, linalg::Conv1DNcwFcwOp>(rewriter.getContext())
            .returningMatchAndRewrite(conv, patternRewriter);
    if (failed(conv1d))
      return success();
    target = *conv1d;
  }
  if (failed(linalg::vectorizeOpPrecondition(target)))
    return success(); // tiled but left scalar
  rewriter.setInsertionPoint(target);
  FailureOr<linalg::VectorizationResult> vec =
      linalg::vectorize(rewriter, target);
  if (failed(vec))
    return success();
  if (vec->replacements.empty())
    rewriter.eraseOp(target);
  else
    rewriter.replaceOp(target, vec->replacements);
  return success();
}

struct QTileAndVectorizePass
    : qmlir::impl::QTileAndVectorizeBase<QTileAndVectorizePass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<int64_t> mnk(matmulTileSizes.begin(), matmulTileSizes.end());
    if (mnk.empty())
      mnk = {8, 32, 16};
    if (mnk.size() != 3) {
      getOperation().emitError("matmul-tile-sizes needs 3 values (M, N, K)");
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      int64_t loops = op.getNumLoops();
      if (loops == 0 || !op.hasPureTensorSemantics())
        continue;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (llvm::any_of(ranges, ShapedType::isDynamic))
        continue;
      // LLVM packs vector<Nxi1> into bits in memory, while bool tensors hold
      // a byte per element: loads and stores of bools stay scalar.
      if (llvm::any_of(op->getOperandTypes(), [](Type t) {
            return getElementTypeOrSelf(t).isInteger(1);
          }))
        continue;
      // f32 matmuls and convolutions get register-tiled kernels on
      // buffers (q-microkernels).
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp,
              linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp>(
              op) &&
          llvm::all_of(op->getOperandTypes(), [](Type t) {
            return getElementTypeOrSelf(t).isF32();
          }))
        continue;
      SmallVector<int64_t> tiles(loops, 1);
      if (linalg::isaContractionOpInterface(op)) {
        // Innermost loops of a contraction are (m, n, k) in order for
        // linalg.matmul and for our matmul-like generics.
        FailureOr<linalg::ContractionDimensions> dims =
            linalg::inferContractionDims(op);
        if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
            dims->k.size() != 1)
          continue;
        tiles[dims->m[0]] = evenTile(ranges[dims->m[0]], mnk[0]);
        tiles[dims->n[0]] = evenTile(ranges[dims->n[0]], mnk[1]);
        tiles[dims->k[0]] = evenTile(ranges[dims->k[0]], mnk[2]);
      } else if (isa<linalg::Conv2DNchwFchwOp>(op)) {
        // Loops (n, f, oh, ow, c, kh, kw): one output row and one kernel
        // row per tile, blocks of filters, columns and channels.
        tiles = {1, evenTile(ranges[1], 8), 1, evenTile(ranges[3], 16),
                 evenTile(ranges[4], 8), 1, ranges[6]};
      } else if (isa<linalg::GenericOp>(op) &&
                 op.getNumParallelLoops() == loops) {
        tiles.back() = evenTile(ranges.back(), vectorWidth);
      } else {
        continue;
      }
      (void)tileAndVectorize(rewriter, op, tiles);
    }
    // Multiply + reduce chains from vectorized contractions become
    // vector.contract, which lowers to FMAs.
    RewritePatternSet patterns(&getContext());
    vector::populateVectorReductionToContractPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
