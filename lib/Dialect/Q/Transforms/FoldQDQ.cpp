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
#include "qmlir/Quant/AffineQuant.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <algorithm>
#include <climits>
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
  auto storageOf = [&](mlir::quant::QuantizedType q) -> Type {
    unsigned width = q.getStorageTypeIntegralWidth();
    return IntegerType::get(type.getContext(), width,
                            q.isSigned() ? IntegerType::Signless
                                         : IntegerType::Unsigned);
  };
  if (auto u = dyn_cast<mlir::quant::UniformQuantizedType>(elem)) {
    p.scales = {u.getScale()};
    p.zeroPoints = {u.getZeroPoint()};
    p.storage = storageOf(u);
    return p;
  }
  if (auto a = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(elem)) {
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

/// What a QDQ conv, matmul or gemm reads: the quantized input and weight,
/// the i32 bias, and where the output channels are.
struct QDQOperands {
  Value x, w, bias; // quantized-typed values; bias may be null
  std::optional<std::vector<float>> floatBias; // a float constant bias
  bool transposedWeight = false; // a gemm's [N, K] weight (trans_b)
  QuantParams px, pw;
  std::vector<double> sw; // weight scale per output channel
  int64_t outAxis = 0, channels = 0;
};

/// Matches `op(dequantize(x), dequantize(w)[, dequantize(bias)])`: a
/// q.conv, a q.matmul with a 2-D weight, or a q.gemm with alpha = beta = 1
/// and neither operand transposed; activations per tensor, 8-bit, the weight
/// per tensor or per output channel with one zero point, the bias i32 with
/// scale s_x * s_w.
static FailureOr<QDQOperands> matchQDQOperands(Operation *op,
                                               PatternRewriter &rewriter) {
  auto gemm = dyn_cast<q::GemmOp>(op);
  if (gemm && (gemm.getAlpha().convertToFloat() != 1.0f ||
               gemm.getBeta().convertToFloat() != 1.0f || gemm.getTransA()))
    return rewriter.notifyMatchFailure(op, "gemm with scaling or trans_a");
  if (!isa<q::ConvOp, q::MatMulOp, q::GemmOp>(op))
    return failure();
  QDQOperands m;
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  auto dx = lhs.getDefiningOp<q::DequantizeOp>();
  auto dw = rhs.getDefiningOp<q::DequantizeOp>();
  if (!dx || !dw)
    return rewriter.notifyMatchFailure(op, "operands are not dequantized");
  std::optional<QuantParams> px = paramsOf(dx.getInput().getType());
  std::optional<QuantParams> pw = paramsOf(dw.getInput().getType());
  if (!px || !pw || px->axis >= 0)
    return rewriter.notifyMatchFailure(op, "not per-tensor activations");
  auto is8 = [](Type t) { return t.getIntOrFloatBitWidth() == 8; };
  if (!is8(px->storage) || !is8(pw->storage))
    return rewriter.notifyMatchFailure(op, "not 8-bit");
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t rank = outType.getRank();
  // Output channels: conv dim 1 (weight axis 0); matmul and gemm the last
  // dim (weight axis 1 of a 2-D weight).
  bool isConv = isa<q::ConvOp>(op);
  auto wType = cast<RankedTensorType>(rhs.getType());
  if (!isConv && wType.getRank() != 2)
    return failure();
  m.transposedWeight = gemm && gemm.getTransB();
  int64_t wAxis = isConv || m.transposedWeight ? 0 : 1;
  m.outAxis = isConv ? 1 : rank - 1;
  if (pw->axis >= 0 && pw->axis != wAxis)
    return rewriter.notifyMatchFailure(op, "weight axis is not the output "
                                           "channel");
  // Weight zero points: one value (the integer ops take a per-tensor or,
  // for conv, per-channel zero point; keep it simple: uniform).
  if (!allEqual(pw->zeroPoints))
    return rewriter.notifyMatchFailure(op, "weight zero points differ");
  m.channels = outType.getDimSize(m.outAxis);
  m.sw.resize(m.channels);
  for (int64_t c = 0; c < m.channels; ++c)
    m.sw[c] = pw->scales[pw->axis >= 0 ? c : 0];

  // Bias: dequantized from i32 with scale s_x * s_w (QLinearConv's rule).
  Value bias = isConv ? cast<q::ConvOp>(op).getBias()
                      : (gemm ? gemm.getC() : Value());
  if (bias && !bias.getDefiningOp<q::DequantizeOp>()) {
    // A float constant bias (a QAT export's) is quantized here to i32 with
    // scale s_x * s_w, as ONNX Runtime's quantizer would have written it.
    auto bType = cast<RankedTensorType>(bias.getType());
    m.floatBias = q::readF32Constant(bias);
    if (!m.floatBias || bType.getRank() != 1 ||
        bType.getDimSize(0) != m.channels)
      return rewriter.notifyMatchFailure(op, "bias is neither int32 QDQ nor "
                                             "a float constant");
  } else if (bias) {
    auto db = bias.getDefiningOp<q::DequantizeOp>();
    std::optional<QuantParams> pb =
        db ? paramsOf(db.getInput().getType()) : std::nullopt;
    auto bType = cast<RankedTensorType>(bias.getType());
    if (!pb || !pb->storage.isInteger(32) || bType.getRank() != 1 ||
        bType.getDimSize(0) != m.channels ||
        llvm::any_of(pb->zeroPoints, [](int64_t z) { return z != 0; }))
      return rewriter.notifyMatchFailure(op, "bias is not int32 QDQ");
    for (int64_t c = 0; c < m.channels; ++c) {
      double expect = px->scales[0] * m.sw[c];
      double got = pb->scales[pb->axis >= 0 ? c : 0];
      if (std::fabs(got - expect) > 1e-6 * std::fabs(expect))
        return rewriter.notifyMatchFailure(op, "bias scale is not s_x*s_w");
    }
    m.bias = db.getInput();
  }
  m.x = dx.getInput();
  m.w = dw.getInput();
  m.px = *px;
  m.pw = *pw;
  return m;
}

/// The exact i32 accumulator of a matched op, its bias added.
static Value buildAccumulator(PatternRewriter &rewriter, Operation *op,
                              const QDQOperands &m) {
  Location loc = op->getLoc();
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  Value xs = storageOf(rewriter, loc, m.x, m.px.storage);
  Value ws = storageOf(rewriter, loc, m.w, m.pw.storage);
  if (m.transposedWeight) {
    // matmul_integer takes [K, N]: a constant is transposed here, anything
    // else at run time.
    auto nk = cast<RankedTensorType>(ws.getType());
    int64_t n = nk.getDimSize(0), k = nk.getDimSize(1);
    auto kn = RankedTensorType::get({k, n}, nk.getElementType());
    if (std::optional<std::vector<int64_t>> w = q::readIntConstant(m.w)) {
      std::vector<int64_t> t(w->size());
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < k; ++j)
          t[j * n + i] = (*w)[i * k + j];
      ws = q::buildIntConstant(rewriter, loc, kn, t, "weight_kn");
    } else {
      ws = q::TransposeOp::create(rewriter, loc, kn, ws,
                                  rewriter.getDenseI64ArrayAttr({1, 0}));
    }
  }
  Value zx = zeroPointConstant(rewriter, loc, m.px);
  Value zw = zeroPointConstant(rewriter, loc, m.pw);
  auto accType = outType.clone(rewriter.getI32Type());
  Value acc;
  if (auto conv = dyn_cast<q::ConvOp>(op)) {
    acc = q::ConvIntegerOp::create(
        rewriter, loc, accType, xs, ws, zx, zw, conv.getStridesAttr(),
        conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr());
  } else {
    acc = q::MatMulIntegerOp::create(rewriter, loc, accType, xs, ws, zx, zw);
  }
  if (m.bias || m.floatBias) {
    Value b32;
    if (m.floatBias) {
      // Saturated to i32 as QuantizeLinear to int32 would: a bias too large
      // for the accumulator's scale must not wrap around.
      std::vector<int64_t> bq(m.channels);
      for (int64_t c = 0; c < m.channels; ++c) {
        double v = qmlir::quant::roundHalfEven(
            (*m.floatBias)[c] / (static_cast<float>(m.px.scales[0]) *
                                 static_cast<float>(m.sw[c])));
        bq[c] = std::isnan(v) ? 0
                              : static_cast<int64_t>(std::clamp(
                                    v, double(INT32_MIN), double(INT32_MAX)));
      }
      b32 = q::buildIntConstant(
          rewriter, loc,
          RankedTensorType::get({m.channels}, rewriter.getI32Type()), bq,
          "bias_i32");
    } else {
      b32 = storageOf(rewriter, loc, m.bias, rewriter.getI32Type());
    }
    SmallVector<int64_t> shape(outType.getRank() - m.outAxis, 1);
    shape[0] = m.channels;
    Value bias = q::ReshapeOp::create(
        rewriter, loc, RankedTensorType::get(shape, rewriter.getI32Type()),
        b32);
    acc = q::AddOp::create(rewriter, loc, accType, acc, bias);
  }
  return acc;
}

/// The storage value a quantize with parameters `p` gives `x` before
/// saturation: round_half_even(x / s) + zp (f32 division, as QuantizeLinear).
static double unclampedQuantize(float x, const QuantParams &p) {
  float scaled = x / static_cast<float>(p.scales[0]);
  return qmlir::quant::roundHalfEven(scaled) + static_cast<double>(p.zeroPoints[0]);
}

/// The op a `quantize` reads through: its input's producer, or, past a
/// ReLU or a Clip with constant bounds that the quantization's saturation
/// already applies (so quantize(relu(v)) == quantize(v)), that op's input's
/// producer. `skipped` is the activation looked through, if any.
static Operation *producerThroughActivation(q::QuantizeOp quantize,
                                            const QuantParams &py,
                                            Operation *&skipped) {
  skipped = nullptr;
  Operation *op = quantize.getInput().getDefiningOp();
  if (!op || !op->hasOneUse())
    return op;
  auto storage = cast<IntegerType>(py.storage);
  double qmin = storage.isUnsigned()
                    ? 0.0
                    : -std::ldexp(1.0, storage.getWidth() - 1);
  double qmax = storage.isUnsigned()
                    ? std::ldexp(1.0, storage.getWidth()) - 1
                    : std::ldexp(1.0, storage.getWidth() - 1) - 1;
  bool redundant = false;
  if (isa<q::ReluOp>(op)) {
    redundant = static_cast<double>(py.zeroPoints[0]) == qmin;
  } else if (auto clip = dyn_cast<q::ClipOp>(op)) {
    auto bound = [](Value v) -> std::optional<float> {
      if (!v)
        return std::nullopt;
      std::optional<std::vector<float>> c = q::readF32Constant(v);
      if (!c || c->size() != 1)
        return std::nullopt;
      return c->front();
    };
    std::optional<float> lo = bound(clip.getMin()), hi = bound(clip.getMax());
    redundant = (!clip.getMin() || (lo && unclampedQuantize(*lo, py) <= qmin)) &&
                (!clip.getMax() || (hi && unclampedQuantize(*hi, py) >= qmax));
  }
  if (!redundant)
    return op;
  skipped = op;
  return op->getOperand(0).getDefiningOp();
}

/// Rewrites `quantize(op(dequantize(x), dequantize(w)[, bias]))`, also
/// through a ReLU or Clip the quantization subsumes: the integer kernel and
/// `requantize_linear` to the output's storage, the rest of a requantize
/// chain.
struct FoldQDQIntoIntegerOp : OpRewritePattern<q::QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(q::QuantizeOp quantize,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> py = paramsOf(quantize.getType());
    if (!py || py->axis >= 0 || py->storage.getIntOrFloatBitWidth() != 8)
      return rewriter.notifyMatchFailure(quantize, "not per-tensor 8-bit");
    Operation *activation;
    Operation *op = producerThroughActivation(quantize, *py, activation);
    if (!op || !op->hasOneUse())
      return failure();
    FailureOr<QDQOperands> m = matchQDQOperands(op, rewriter);
    if (failed(m))
      return failure();
    Location loc = op->getLoc();
    auto outType = cast<RankedTensorType>(op->getResult(0).getType());
    Value acc = buildAccumulator(rewriter, op, *m);
    // Multiplier s_x * s_w / s_y in f32, as ONNX Runtime computes it.
    int64_t channels = m->channels;
    std::vector<float> multiplier(channels);
    for (int64_t c = 0; c < channels; ++c)
      multiplier[c] = static_cast<float>(m->px.scales[0]) *
                      static_cast<float>(m->sw[c]) /
                      static_cast<float>(py->scales[0]);
    bool perChannel = m->pw.axis >= 0;
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
        perChannel ? rewriter.getI64IntegerAttr(m->outAxis) : IntegerAttr());
    rewriter.replaceOpWithNewOp<q::StorageCastOp>(quantize, quantize.getType(),
                                                  ys);
    if (activation)
      rewriter.eraseOp(activation);
    rewriter.eraseOp(op);
    return success();
  }
};

/// True when `op`'s result is what FoldQDQIntoIntegerOp rewrites: read by
/// one quantize, directly or through a ReLU/Clip it subsumes.
static bool feedsOneQuantize(Operation *op) {
  if (!op->hasOneUse())
    return false;
  Operation *user = *op->getUsers().begin();
  if (isa<q::ReluOp, q::ClipOp>(user) && user->hasOneUse())
    user = *user->getUsers().begin();
  auto quantize = dyn_cast<q::QuantizeOp>(user);
  if (!quantize)
    return false;
  std::optional<QuantParams> py = paramsOf(quantize.getType());
  if (!py || py->axis >= 0 || py->storage.getIntOrFloatBitWidth() != 8)
    return false;
  Operation *skipped;
  return producerThroughActivation(quantize, *py, skipped) == op;
}

/// Rewrites `op(dequantize(x), dequantize(w)[, bias])` whose float result
/// is used as is: the integer kernel, then `dequantize_linear` by
/// s_x * s_w (per output channel), what q-quantize's QDQ form means.
struct FoldQDQIntoFloatOutput : RewritePattern {
  FoldQDQIntoFloatOutput(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<q::ConvOp, q::MatMulOp, q::GemmOp>(op) || feedsOneQuantize(op))
      return failure();
    FailureOr<QDQOperands> m = matchQDQOperands(op, rewriter);
    if (failed(m))
      return failure();
    Location loc = op->getLoc();
    auto outType = cast<RankedTensorType>(op->getResult(0).getType());
    Value acc = buildAccumulator(rewriter, op, *m);
    std::vector<float> scales(m->channels);
    for (int64_t c = 0; c < m->channels; ++c)
      scales[c] = static_cast<float>(m->px.scales[0]) *
                  static_cast<float>(m->sw[c]);
    Value s = q::buildF32Constant(
        rewriter, loc,
        RankedTensorType::get({m->channels}, rewriter.getF32Type()), scales,
        "output_scale");
    rewriter.replaceOpWithNewOp<q::DequantizeLinearOp>(
        op, outType, acc, s, Value(), rewriter.getI64IntegerAttr(m->outAxis),
        IntegerAttr());
    return success();
  }
};

/// `fake_quant(x)` is `dequantize(quantize(x))` with its type: a
/// fake-quantized (QAT) module compiles to the same integer kernels.
struct ExpandFakeQuant : OpRewritePattern<q::FakeQuantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(q::FakeQuantOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value q = q::QuantizeOp::create(rewriter, op.getLoc(),
                                    type.clone(op.getQuantType()),
                                    op.getInput());
    rewriter.replaceOpWithNewOp<q::DequantizeOp>(op, type, q);
    return success();
  }
};

/// `op` applied to the storage values of the per-tensor quantized `q`,
/// viewed back as `q`'s quantized type: valid for data movement, and for
/// max pooling because quantization is monotonic.
static Value applyToStorage(PatternRewriter &rewriter, Operation *op, Value q,
                            const QuantParams &p) {
  Location loc = op->getLoc();
  auto qType = cast<RankedTensorType>(q.getType());
  Value storage = storageOf(rewriter, loc, q, p.storage);
  Operation *moved = rewriter.clone(*op);
  moved->setOperand(0, storage);
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  moved->getResult(0).setType(outType.clone(p.storage));
  return q::StorageCastOp::create(
      rewriter, loc, outType.clone(qType.getElementType()),
      moved->getResult(0));
}

static bool commutesWithQuantization(Operation *op) {
  return isa<q::ReshapeOp, q::FlattenOp, q::TransposeOp, q::MaxPoolOp>(op) &&
         op->getNumResults() == 1;
}

/// `quantize(op(v))` -> `op(quantize(v))` for a reshape, flatten, transpose
/// or max pool (one use, per-tensor): the quantization moves up to where an
/// integer producer can requantize straight into it.
struct HoistQuantize : OpRewritePattern<q::QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(q::QuantizeOp quantize,
                                PatternRewriter &rewriter) const override {
    Operation *op = quantize.getInput().getDefiningOp();
    std::optional<QuantParams> p = paramsOf(quantize.getType());
    if (!op || !op->hasOneUse() || !commutesWithQuantization(op) || !p ||
        p->axis >= 0)
      return failure();
    Value v = op->getOperand(0);
    auto vType = cast<RankedTensorType>(v.getType());
    auto qElem = cast<RankedTensorType>(quantize.getType()).getElementType();
    rewriter.setInsertionPoint(op);
    Value vq = q::QuantizeOp::create(rewriter, op->getLoc(),
                                     vType.clone(qElem), v);
    rewriter.replaceOp(quantize, applyToStorage(rewriter, op, vq, *p));
    rewriter.eraseOp(op);
    return success();
  }
};

/// `op(dequantize(q))` -> `dequantize(op(q))` for the same ops: the
/// dequantization moves down to the integer consumer that folds it.
struct SinkDequantize : RewritePattern {
  SinkDequantize(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/2, ctx) {}
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!commutesWithQuantization(op))
      return failure();
    auto dq = op->getOperand(0).getDefiningOp<q::DequantizeOp>();
    if (!dq)
      return failure();
    std::optional<QuantParams> p = paramsOf(dq.getInput().getType());
    if (!p || p->axis >= 0)
      return failure();
    Value moved = applyToStorage(rewriter, op, dq.getInput(), *p);
    rewriter.replaceOpWithNewOp<q::DequantizeOp>(
        op, op->getResult(0).getType(), moved);
    return success();
  }
};

struct QFoldQDQPass : qmlir::impl::QFoldQDQBase<QFoldQDQPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // First the quantizations move through data movement and max pooling,
    // so that the folds below see every requantize chain.
    RewritePatternSet moves(ctx);
    moves.add<ExpandFakeQuant, HoistQuantize, SinkDequantize>(ctx);
    q::StorageCastOp::getCanonicalizationPatterns(moves, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(moves))))
      return signalPassFailure();
    RewritePatternSet folds(ctx);
    folds.add<FoldQDQIntoIntegerOp, FoldQDQIntoFloatOutput>(ctx);
    q::StorageCastOp::getCanonicalizationPatterns(folds, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(folds))))
      return signalPassFailure();
  }
};
} // namespace
