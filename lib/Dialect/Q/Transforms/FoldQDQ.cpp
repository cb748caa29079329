//===- FoldQDQ.cpp - the q-fold-qdq pass ----------------------------------===//
//
// Part of qmlir. Quantize-dequantize pairs around convolutions and matmuls
// become integer kernels with a requantized output, as ONNX Runtime runs
// QDQ models.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Dialect/Q/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace qmlir {
#define GEN_PASS_DEF_QFOLDQDQ
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

/// Scales and zero points of a quantized tensor type: one entry per tensor
/// or one per index along `axis`.
struct QuantParams {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = -1;
  Type storage; // ui8 / i8 / i32 as q spells them
};

static std::optional<QuantParams> paramsOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return std::nullopt;
  QuantParams p;
  Type elem = tensor.getElementType();
  auto storageOf = [&](quant::QuantizedType q) -> Type {
    unsigned width = q.getStorageTypeIntegralWidth();
    return IntegerType::get(type.getContext(), width,
                            q.isSigned() ? IntegerType::Signless
                                         : IntegerType::Unsigned);
  };
  if (auto u = dyn_cast<quant::UniformQuantizedType>(elem)) {
    p.scales = {u.getScale()};
    p.zeroPoints = {u.getZeroPoint()};
    p.storage = storageOf(u);
    return p;
  }
  if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(elem)) {
    p.scales.assign(a.getScales().begin(), a.getScales().end());
    p.zeroPoints.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
    p.axis = a.getQuantizedDimension();
    p.storage = storageOf(a);
    return p;
  }
  return std::nullopt;
}

static Value storageOf(PatternRewriter &rewriter, Location loc, Value q,
                       Type storage) {
  auto type = cast<RankedTensorType>(q.getType());
  return q::StorageCastOp::create(rewriter, loc, type.clone(storage), q);
}

static bool allEqual(ArrayRef<int64_t> v) {
  return llvm::all_of(v, [&](int64_t x) { return x == v.front(); });
}

/// The zero point of a per-tensor quantized value as a 0-d constant of its
/// storage type (null when 0, which the integer ops take as absent).
static Value zeroPointConstant(PatternRewriter &rewriter, Location loc,
                               const QuantParams &p) {
  if (p.zeroPoints.front() == 0)
    return Value();
  return q::buildIntConstant(rewriter, loc,
                             RankedTensorType::get({}, p.storage),
                             {p.zeroPoints.front()}, "zero_point");
}

/// Rewrites `quantize(op(dequantize(x), dequantize(w)[, bias]))`.
struct FoldQDQIntoIntegerOp : OpRewritePattern<q::QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(q::QuantizeOp quantize,
                                PatternRewriter &rewriter) const override {
    Operation *op = quantize.getInput().getDefiningOp();
    if (!op || !op->hasOneUse() || !isa<q::ConvOp, q::MatMulOp>(op))
      return failure();
    Value lhs = op->getOperand(0), rhs = op->getOperand(1);
    auto dx = lhs.getDefiningOp<q::DequantizeOp>();
    auto dw = rhs.getDefiningOp<q::DequantizeOp>();
    if (!dx || !dw)
      return rewriter.notifyMatchFailure(op, "operands are not dequantized");
    std::optional<QuantParams> px = paramsOf(dx.getInput().getType());
    std::optional<QuantParams> pw = paramsOf(dw.getInput().getType());
    std::optional<QuantParams> py = paramsOf(quantize.getType());
    if (!px || !pw || !py || px->axis >= 0 || py->axis >= 0)
      return rewriter.notifyMatchFailure(op, "not per-tensor activations");
    auto is8 = [](Type t) { return t.getIntOrFloatBitWidth() == 8; };
    if (!is8(px->storage) || !is8(pw->storage) || !is8(py->storage))
      return rewriter.notifyMatchFailure(op, "not 8-bit");
    auto outType = cast<RankedTensorType>(op->getResult(0).getType());
    int64_t rank = outType.getRank();
    // Output channels: conv dim 1 (weight axis 0); matmul last dim (weight
    // axis 1 of a 2-D weight).
    bool isConv = isa<q::ConvOp>(op);
    auto wType = cast<RankedTensorType>(rhs.getType());
    if (!isConv && wType.getRank() != 2)
      return failure();
    int64_t wAxis = isConv ? 0 : 1, outAxis = isConv ? 1 : rank - 1;
    if (pw->axis >= 0 && pw->axis != wAxis)
      return rewriter.notifyMatchFailure(op, "weight axis is not the output "
                                             "channel");
    // Weight zero points: one value (the integer ops take a per-tensor or,
    // for conv, per-channel zero point; keep it simple: uniform).
    if (!allEqual(pw->zeroPoints))
      return rewriter.notifyMatchFailure(op, "weight zero points differ");
    int64_t channels = outType.getDimSize(outAxis);
    std::vector<double> sw(channels);
    for (int64_t m = 0; m < channels; ++m)
      sw[m] = pw->scales[pw->axis >= 0 ? m : 0];

    // Bias: dequantized from i32 with scale s_x * s_w (QLinearConv's rule).
    Value biasQ;
    if (auto conv = dyn_cast<q::ConvOp>(op); conv && conv.getBias()) {
      auto db = conv.getBias().getDefiningOp<q::DequantizeOp>();
      std::optional<QuantParams> pb =
          db ? paramsOf(db.getInput().getType()) : std::nullopt;
      if (!pb || !pb->storage.isInteger(32) ||
          llvm::any_of(pb->zeroPoints, [](int64_t z) { return z != 0; }))
        return rewriter.notifyMatchFailure(op, "bias is not int32 QDQ");
      for (int64_t m = 0; m < channels; ++m) {
        double expect = px->scales[0] * sw[m];
        double got = pb->scales[pb->axis >= 0 ? m : 0];
        if (std::fabs(got - expect) > 1e-6 * std::fabs(expect))
          return rewriter.notifyMatchFailure(op, "bias scale is not s_x*s_w");
      }
      biasQ = db.getInput();
    }

    Location loc = op->getLoc();
    Value xs = storageOf(rewriter, loc, dx.getInput(), px->storage);
    Value ws = storageOf(rewriter, loc, dw.getInput(), pw->storage);
    Value zx = zeroPointConstant(rewriter, loc, *px);
    Value zw = zeroPointConstant(rewriter, loc, *pw);
    auto accType = outType.clone(rewriter.getI32Type());
    Value acc;
    if (auto conv = dyn_cast<q::ConvOp>(op)) {
      acc = q::ConvIntegerOp::create(
          rewriter, loc, accType, xs, ws, zx, zw, conv.getStridesAttr(),
          conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr());
    } else {
      acc = q::MatMulIntegerOp::create(rewriter, loc, accType, xs, ws, zx, zw);
    }
    if (biasQ) {
      Value b32 = storageOf(rewriter, loc, biasQ, rewriter.getI32Type());
      SmallVector<int64_t> shape(rank - outAxis, 1);
      shape[0] = channels;
      Value bias = q::ReshapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, rewriter.getI32Type()),
          b32);
      acc = q::AddOp::create(rewriter, loc, accType, acc, bias);
    }
    // Multiplier s_x * s_w / s_y in f32, as ONNX Runtime computes it.
    std::vector<float> multiplier(channels);
    for (int64_t m = 0; m < channels; ++m)
      multiplier[m] = static_cast<float>(px->scales[0]) *
                      static_cast<float>(sw[m]) /
                      static_cast<float>(py->scales[0]);
    bool perChannel = pw->axis >= 0;
    Value mult = q::buildF32Constant(
        rewriter, loc,
        perChannel ? RankedTensorType::get({channels}, rewriter.getF32Type())
                   : RankedTensorType::get({}, rewriter.getF32Type()),
        perChannel ? ArrayRef<float>(multiplier)
                   : ArrayRef<float>(multiplier).take_front(1),
        "requantize_multiplier");
    Value zy = zeroPointConstant(rewriter, loc, *py);
    Value ys = q::RequantizeLinearOp::create(
        rewriter, loc, outType.clone(py->storage), acc, mult, zy,
        perChannel ? rewriter.getI64IntegerAttr(outAxis) : IntegerAttr());
    rewriter.replaceOpWithNewOp<q::StorageCastOp>(quantize, quantize.getType(),
                                                  ys);
    rewriter.eraseOp(op);
    return success();
  }
};

struct QFoldQDQPass : qmlir::impl::QFoldQDQBase<QFoldQDQPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldQDQIntoIntegerOp>(&getContext());
    q::StorageCastOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
