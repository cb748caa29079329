//===- Quantize.cpp - the q-quantize pass ---------------------------------===//
//
// Part of qmlir. Static int8 post-training quantization: calibrated
// activations, int8 weights, exact i32 accumulation, f32 out.
//
//===----------------------------------------------------------------------===//

#include "CalibratedRange.h"
#include "LinearOpSelection.h"
#include "NodeNames.h"
#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Dialect/Q/Transforms/Passes.h"
#include "qmlir/Quant/AffineQuant.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

namespace qmlir {
#define GEN_PASS_DEF_QQUANTIZE
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;
using namespace qmlir::quant;

namespace {

/// An int8 weight: values, one scale per group of `perGroup` consecutive
/// elements (one group when per tensor).
struct QuantizedWeight {
  std::vector<int64_t> values;
  std::vector<float> scales;
};

/// Symmetric [-qmax, qmax] (127 for int8, 7 for int4) of `w` viewed as
/// [groups][perGroup] (groups = output channels, the leading dim).
static QuantizedWeight quantizeRows(ArrayRef<float> w, int64_t groups,
                                    int64_t qmax) {
  QuantizedWeight q;
  int64_t per = static_cast<int64_t>(w.size()) / groups;
  q.values.resize(w.size());
  for (int64_t g = 0; g < groups; ++g) {
    float absmax = 0.0f;
    for (int64_t i = 0; i < per; ++i)
      absmax = std::max(absmax, std::fabs(w[g * per + i]));
    AffineParams p =
        symmetricFromRange(-absmax, absmax, IntRange{-qmax, qmax});
    q.scales.push_back(p.scale);
    for (int64_t i = 0; i < per; ++i)
      q.values[g * per + i] = quantize(w[g * per + i], p);
  }
  return q;
}

struct QQuantizePass : qmlir::impl::QQuantizeBase<QQuantizePass> {
  using Base::Base;

  /// The dequantized view of each activation quantized so far.
  llvm::DenseMap<Value, Value> quantized;

  bool dynamic() const { return mode == "dynamic"; }

  /// The calibrated range in static mode; none (computed at run time) in
  /// dynamic mode.
  std::optional<std::pair<float, float>> activationRange(Value x) const {
    if (dynamic())
      return std::nullopt;
    return calibratedRange(x);
  }

  /// Per-row dynamic quantization needs a 2-D input (rows = dim 0).
  bool fitsDynamic(Value x) const {
    auto type = cast<RankedTensorType>(x.getType());
    return !dynamic() || granularity != "row" || type.getRank() == 2;
  }

  /// The f32 view of `x` quantized with parameters from its calibrated
  /// range: `q.dequantize(q.quantize(x))`, inserted once per value right
  /// after its definition so every quantized consumer shares it. A value
  /// that is already dequantized is returned as is.
  Value quantizeInput(Value x, std::pair<float, float> range,
                      AffineParams &params) {
    if (auto dq = x.getDefiningOp<q::DequantizeOp>()) {
      auto u = dyn_cast<mlir::quant::UniformQuantizedType>(
          getElementTypeOrSelf(dq.getInput().getType()));
      if (u) {
        params.scale = static_cast<float>(u.getScale());
        params.zeroPoint = u.getZeroPoint();
        params.range = {u.getStorageTypeMin(), u.getStorageTypeMax()};
        return x;
      }
    }
    bool u8 = activations == "uint8";
    params = asymmetricFromRange(range.first, range.second,
                                 u8 ? IntRange::uint8() : IntRange::int8());
    auto it = quantized.find(x);
    if (it != quantized.end())
      return it->second;
    MLIRContext *ctx = x.getContext();
    OpBuilder b(ctx);
    b.setInsertionPointAfterValue(x);
    Location loc = x.getLoc();
    auto qtype = mlir::quant::UniformQuantizedType::get(
        u8 ? 0 : mlir::quant::QuantizationFlags::Signed,
        IntegerType::get(ctx, 8), b.getF32Type(), params.scale,
        params.zeroPoint, params.range.qmin, params.range.qmax);
    auto xType = cast<RankedTensorType>(x.getType());
    Value xq = q::QuantizeOp::create(b, loc, xType.clone(qtype), x);
    Value dq = q::DequantizeOp::create(b, loc, xType, xq);
    quantized[x] = dq;
    return dq;
  }

  /// A constant of integer `values` with element type `storage` viewed as
  /// the per-axis quantized type of `scales` (zero points 0), dequantized to
  /// f32: the QDQ form of a weight or bias.
  static Value dequantizedConstant(OpBuilder &b, Location loc,
                                   RankedTensorType f32Type, unsigned width,
                                   ArrayRef<int64_t> values,
                                   ArrayRef<float> scales, int32_t axis,
                                   StringRef name,
                                   std::optional<int64_t> narrow = {}) {
    MLIRContext *ctx = b.getContext();
    Type storage = IntegerType::get(ctx, width);
    Value c = q::buildIntConstant(b, loc, f32Type.clone(storage), values, name);
    int64_t qmin = -(int64_t(1) << (width - 1)),
            qmax = (int64_t(1) << (width - 1)) - 1;
    if (narrow) {
      qmin = -*narrow;
      qmax = *narrow;
    }
    SmallVector<double> s(scales.begin(), scales.end());
    SmallVector<int64_t> z(scales.size(), 0);
    Type qtype;
    if (scales.size() == 1)
      qtype = mlir::quant::UniformQuantizedType::get(
          mlir::quant::QuantizationFlags::Signed, storage, b.getF32Type(),
          s[0], 0, qmin, qmax);
    else
      qtype = mlir::quant::UniformQuantizedPerAxisType::get(
          mlir::quant::QuantizationFlags::Signed, storage, b.getF32Type(), s,
          z, axis, qmin, qmax);
    Value view = q::StorageCastOp::create(b, loc, f32Type.clone(qtype), c);
    return q::DequantizeOp::create(b, loc, f32Type, view);
  }

  /// The largest weight magnitude: 127 for int8, 7 for int4.
  int64_t weightQmax() const { return weights == "int4" ? 7 : 127; }

  /// The QDQ weight of `w` (row-major, `groups` output channels along
  /// `axis` of `type`): i8 storage; int4 values keep the narrow range
  /// [-7, 7] in it, so the 8-bit integer kernels run them.
  Value quantizedWeight(OpBuilder &b, Location loc, RankedTensorType type,
                        const QuantizedWeight &qw, int32_t axis) const {
    return dequantizedConstant(
        b, loc, type, 8, qw.values, qw.scales, axis, blobName(loc, ".w_i8"),
        weights == "int4" ? std::optional<int64_t>(7) : std::nullopt);
  }

  /// The QDQ int32 bias: `bias / (s_x * s_w)` rounded half to even, with
  /// that scale (per output channel when the weight is).
  static Value quantizedBias(OpBuilder &b, Location loc,
                             ArrayRef<float> bias, const AffineParams &x,
                             const QuantizedWeight &w) {
    int64_t n = static_cast<int64_t>(bias.size());
    std::vector<float> scales(w.scales.size());
    for (size_t m = 0; m < scales.size(); ++m)
      scales[m] = x.scale * w.scales[m];
    std::vector<int64_t> bq(n);
    for (int64_t m = 0; m < n; ++m)
      bq[m] = static_cast<int64_t>(
          roundHalfEven(bias[m] / scales[scales.size() == 1 ? 0 : m]));
    return dequantizedConstant(b, loc,
                               RankedTensorType::get({n}, b.getF32Type()), 32,
                               bq, scales, 0, blobName(loc, ".bias_i32"));
  }

  LogicalResult quantizeConv(q::ConvOp conv) {
    if (dynamic())
      return failure(); // dynamic mode quantizes matmuls only
    auto range = calibratedRange(conv.getInput());
    std::optional<std::vector<float>> w = q::readF32Constant(conv.getWeight());
    if (!range || !w)
      return failure();
    std::optional<std::vector<float>> bias;
    if (conv.getBias() && !(bias = q::readF32Constant(conv.getBias())))
      return failure();
    Location loc = conv.getLoc();
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    int64_t m = wType.getDimSize(0);
    QuantizedWeight qw = quantizeRows(*w, perChannel ? m : 1, weightQmax());
    AffineParams xp;
    Value x = quantizeInput(conv.getInput(), *range, xp);
    OpBuilder b(conv);
    Value wd = quantizedWeight(b, loc, wType, qw, 0);
    Value bd = bias ? quantizedBias(b, loc, *bias, xp, qw) : Value();
    conv.getInputMutable().assign(x);
    conv.getWeightMutable().assign(wd);
    if (bd)
      conv.getBiasMutable().assign(bd);
    return success();
  }

  /// Dynamic: x quantized at run time (per tensor, or per row of a 2-D x),
  /// `acc` scaled back in f32 by s_x * s_w, the bias added in f32.
  Value dynamicMatmul(OpBuilder &b, Location loc, Value x,
                      const QuantizedWeight &qw, int64_t k, int64_t n,
                      std::optional<std::vector<float>> bias,
                      RankedTensorType outType) {
    MLIRContext *ctx = b.getContext();
    auto xType = cast<RankedTensorType>(x.getType());
    bool perRow = granularity == "row";
    Value wq = q::buildIntConstant(
        b, loc, RankedTensorType::get({k, n}, IntegerType::get(ctx, 8)),
        qw.values, blobName(loc, ".w_i8"));
    Type u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
    SmallVector<int64_t> paramShape;
    if (perRow)
      paramShape.push_back(xType.getDimSize(0));
    auto dq = q::DynamicQuantizeOp::create(
        b, loc,
        TypeRange{xType.clone(u8),
                  RankedTensorType::get(paramShape, b.getF32Type()),
                  RankedTensorType::get(paramShape, u8)},
        x, perRow ? b.getI64IntegerAttr(0) : IntegerAttr(), UnitAttr());
    Value acc = q::MatMulIntegerOp::create(
        b, loc, outType.clone(b.getI32Type()), dq.getOutput(), wq,
        dq.getZeroPoint(), Value());
    std::vector<float> sw(n);
    for (int64_t j = 0; j < n; ++j)
      sw[j] = qw.scales[qw.scales.size() == 1 ? 0 : j];
    Value swv =
        q::buildF32Constant(b, loc, RankedTensorType::get({n}, b.getF32Type()),
                            sw, blobName(loc, ".w_scale"));
    Value sx = dq.getScale();
    SmallVector<int64_t> scaleShape = {n};
    if (perRow) {
      int64_t m = xType.getDimSize(0);
      sx = q::ReshapeOp::create(
          b, loc, RankedTensorType::get({m, 1}, b.getF32Type()), sx);
      scaleShape = {m, n};
    }
    Value scale = q::MulOp::create(
        b, loc, RankedTensorType::get(scaleShape, b.getF32Type()), sx, swv);
    Value y = q::CastOp::create(b, loc, outType, acc);
    y = q::MulOp::create(b, loc, outType, y, scale);
    if (bias) {
      Value bv = q::buildF32Constant(b, loc,
                                     RankedTensorType::get({n}, b.getF32Type()),
                                     *bias, blobName(loc, ".bias"));
      y = q::AddOp::create(b, loc, outType, y, bv);
    }
    return y;
  }

  /// `w` given as [K, N] row-major quantized per column (the output
  /// channels) or per tensor.
  QuantizedWeight quantizeColumns(ArrayRef<float> wKN, int64_t k,
                                  int64_t n) const {
    std::vector<float> wNK(k * n);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        wNK[j * k + i] = wKN[i * n + j];
    QuantizedWeight rows = quantizeRows(wNK, perChannel ? n : 1, weightQmax());
    QuantizedWeight qw;
    qw.scales = rows.scales;
    qw.values.resize(k * n);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        qw.values[i * n + j] = rows.values[j * k + i];
    return qw;
  }

  LogicalResult quantizeMatmul(q::MatMulOp op) {
    auto range = activationRange(op.getLhs());
    std::optional<std::vector<float>> w = q::readF32Constant(op.getRhs());
    auto wType = cast<RankedTensorType>(op.getRhs().getType());
    if ((!range && !dynamic()) || !w || wType.getRank() != 2 ||
        !fitsDynamic(op.getLhs()))
      return failure();
    int64_t k = wType.getDimSize(0), n = wType.getDimSize(1);
    QuantizedWeight qw = quantizeColumns(*w, k, n);
    Location loc = op.getLoc();
    OpBuilder b(op);
    if (!range) {
      Value y = dynamicMatmul(b, loc, op.getLhs(), qw, k, n, std::nullopt,
                              op.getType());
      op.replaceAllUsesWith(y);
      op.erase();
      return success();
    }
    AffineParams xp;
    Value x = quantizeInput(op.getLhs(), *range, xp);
    op.getLhsMutable().assign(x);
    op.getRhsMutable().assign(quantizedWeight(b, loc, wType, qw, 1));
    return success();
  }

  LogicalResult quantizeGemm(q::GemmOp op) {
    if (op.getAlpha().convertToFloat() != 1.0f ||
        op.getBeta().convertToFloat() != 1.0f || op.getTransA())
      return failure();
    auto range = activationRange(op.getA());
    std::optional<std::vector<float>> w = q::readF32Constant(op.getB());
    if ((!range && !dynamic()) || !w || !fitsDynamic(op.getA()))
      return failure();
    auto bType = cast<RankedTensorType>(op.getB().getType());
    int64_t k = bType.getDimSize(op.getTransB() ? 1 : 0),
            n = bType.getDimSize(op.getTransB() ? 0 : 1);
    std::vector<float> wKN(k * n);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        wKN[i * n + j] = op.getTransB() ? (*w)[j * k + i] : (*w)[i * n + j];
    std::optional<std::vector<float>> bias;
    if (op.getC()) {
      auto cType = cast<RankedTensorType>(op.getC().getType());
      bias = q::readF32Constant(op.getC());
      // A bias per output column ([N] or [1, N]); others stay float.
      if (!bias || cType.getNumElements() != n || cType.getShape().back() != n)
        return failure();
    }
    QuantizedWeight qw = quantizeColumns(wKN, k, n);
    Location loc = op.getLoc();
    OpBuilder b(op);
    auto outType = cast<RankedTensorType>(op.getType());
    if (!range) {
      Value y = dynamicMatmul(b, loc, op.getA(), qw, k, n, bias, outType);
      op.getResult().replaceAllUsesWith(y);
      op.erase();
      return success();
    }
    // The weight is stored [K, N] whatever trans_b was.
    AffineParams xp;
    Value x = quantizeInput(op.getA(), *range, xp);
    Value wd = quantizedWeight(
        b, loc, RankedTensorType::get({k, n}, b.getF32Type()), qw, 1);
    Value bd = bias ? quantizedBias(b, loc, *bias, xp, qw) : Value();
    auto gemm = q::GemmOp::create(b, loc, outType, x, wd, bd,
                                  op.getAlphaAttr(), op.getBetaAttr(),
                                  op.getTransAAttr(), UnitAttr());
    gemm->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    op.getResult().replaceAllUsesWith(gemm.getResult());
    op.erase();
    return success();
  }

  void runOnOperation() override {
    if (activations != "uint8" && activations != "int8") {
      getOperation().emitError("q-quantize: activations must be uint8 or "
                               "int8, not '")
          << activations << "'";
      return signalPassFailure();
    }
    if (mode != "static" && mode != "dynamic") {
      getOperation().emitError("q-quantize: mode must be static or dynamic, "
                               "not '")
          << mode << "'";
      return signalPassFailure();
    }
    if (weights != "int8" && weights != "int4") {
      getOperation().emitError("q-quantize: weights must be int8 or int4, "
                               "not '")
          << weights << "'";
      return signalPassFailure();
    }
    if (granularity != "tensor" && granularity != "row") {
      getOperation().emitError("q-quantize: granularity must be tensor or "
                               "row, not '")
          << granularity << "'";
      return signalPassFailure();
    }
    if (failed(checkLinearOpKinds(getOperation(), "q-quantize", ops)))
      return signalPassFailure();
    quantized.clear();
    for (Operation *op : selectLinearOps(getOperation(), ops, exclude)) {
      if (auto conv = dyn_cast<q::ConvOp>(op))
        (void)quantizeConv(conv);
      else if (auto mm = dyn_cast<q::MatMulOp>(op))
        (void)quantizeMatmul(mm);
      else if (auto gemm = dyn_cast<q::GemmOp>(op))
        (void)quantizeGemm(gemm);
    }
  }
};
} // namespace
