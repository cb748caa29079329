//===- Quantize.cpp - the q-quantize pass ---------------------------------===//
//
// Part of qmlir. Static int8 post-training quantization: calibrated
// activations, int8 weights, exact i32 accumulation, f32 out.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Dialect/Q/Transforms/Passes.h"
#include "qmlir/Quant/AffineQuant.h"

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

/// The calibrated range of `v`: the `q.calibration` its producer (or, for
/// an input, its function argument) carries.
static std::optional<std::pair<float, float>> calibratedRange(Value v) {
  DictionaryAttr d;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      d = func.getArgAttrOfType<DictionaryAttr>(arg.getArgNumber(),
                                                "q.calibration");
  } else if (auto all =
                 v.getDefiningOp()->getAttrOfType<ArrayAttr>("q.calibration")) {
    unsigned i = cast<OpResult>(v).getResultNumber();
    if (i < all.size())
      d = dyn_cast<DictionaryAttr>(all[i]);
  }
  if (!d)
    return std::nullopt;
  auto lo = d.getAs<FloatAttr>("lo"), hi = d.getAs<FloatAttr>("hi");
  if (!lo || !hi)
    return std::nullopt;
  return std::make_pair(static_cast<float>(lo.getValueAsDouble()),
                        static_cast<float>(hi.getValueAsDouble()));
}

static std::string nodeName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(l))
        return name.getName().str();
  return "";
}

static std::string blobName(Location loc, StringRef suffix) {
  std::string base = nodeName(loc);
  if (base.empty())
    base = "weight";
  for (char &c : base)
    if (!llvm::isAlnum(c) && c != '_' && c != '.')
      c = '_';
  return base + suffix.str();
}

/// An int8 weight: values, one scale per group of `perGroup` consecutive
/// elements (one group when per tensor).
struct QuantizedWeight {
  std::vector<int64_t> values;
  std::vector<float> scales;
};

/// Symmetric int8 of `w` viewed as [groups][perGroup] (groups = output
/// channels, the leading dim).
static QuantizedWeight quantizeRows(ArrayRef<float> w, int64_t groups) {
  QuantizedWeight q;
  int64_t per = static_cast<int64_t>(w.size()) / groups;
  q.values.resize(w.size());
  for (int64_t g = 0; g < groups; ++g) {
    float absmax = 0.0f;
    for (int64_t i = 0; i < per; ++i)
      absmax = std::max(absmax, std::fabs(w[g * per + i]));
    AffineParams p =
        symmetricFromRange(-absmax, absmax, IntRange::int8Symmetric());
    q.scales.push_back(p.scale);
    for (int64_t i = 0; i < per; ++i)
      q.values[g * per + i] = quantize(w[g * per + i], p);
  }
  return q;
}

struct QQuantizePass : qmlir::impl::QQuantizeBase<QQuantizePass> {
  using Base::Base;

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

  bool selected(StringRef kind, Operation *op) {
    if (!ops.empty() && !llvm::is_contained(ops, kind.str()))
      return false;
    std::string name = nodeName(op->getLoc());
    return name.empty() || !llvm::is_contained(exclude, name);
  }

  /// x quantized with parameters from its calibrated range.
  Value quantizeInput(OpBuilder &b, Location loc, Value x,
                      std::pair<float, float> range, AffineParams &params,
                      Value &zeroPoint) {
    bool u8 = activations == "uint8";
    params = asymmetricFromRange(range.first, range.second,
                                 u8 ? IntRange::uint8() : IntRange::int8());
    MLIRContext *ctx = b.getContext();
    Type storage = u8 ? IntegerType::get(ctx, 8, IntegerType::Unsigned)
                      : IntegerType::get(ctx, 8);
    auto scalarF32 = RankedTensorType::get({}, b.getF32Type());
    Value scale =
        q::buildF32Constant(b, loc, scalarF32, {params.scale}, "x_scale");
    zeroPoint = q::buildIntConstant(b, loc, RankedTensorType::get({}, storage),
                                    {params.zeroPoint}, "x_zero_point");
    auto xType = cast<RankedTensorType>(x.getType());
    return q::QuantizeLinearOp::create(b, loc, xType.clone(storage), x, scale,
                                       zeroPoint, IntegerAttr());
  }

  /// acc (i32, output channels along `axis`) + bias, back to f32.
  Value dequantize(OpBuilder &b, Location loc, Value acc, int64_t axis,
                   const AffineParams &x, const QuantizedWeight &w,
                   std::optional<std::vector<float>> bias, int64_t channels,
                   RankedTensorType outType) {
    std::vector<float> scales(channels);
    for (int64_t m = 0; m < channels; ++m)
      scales[m] = x.scale * w.scales[w.scales.size() == 1 ? 0 : m];
    auto accType = cast<RankedTensorType>(acc.getType());
    if (bias) {
      std::vector<int64_t> bq(channels);
      for (int64_t m = 0; m < channels; ++m)
        bq[m] = static_cast<int64_t>(roundHalfEven((*bias)[m] / scales[m]));
      SmallVector<int64_t> shape(accType.getRank() - axis, 1);
      shape[0] = channels;
      Value bv = q::buildIntConstant(
          b, loc, RankedTensorType::get(shape, b.getI32Type()), bq,
          blobName(loc, ".bias_i32"));
      acc = q::AddOp::create(b, loc, accType, acc, bv);
    }
    Value s = q::buildF32Constant(
        b, loc, RankedTensorType::get({channels}, b.getF32Type()), scales,
        blobName(loc, ".out_scale"));
    return q::DequantizeLinearOp::create(b, loc, outType, acc, s, Value(),
                                         b.getI64IntegerAttr(axis));
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
    OpBuilder b(conv);
    Location loc = conv.getLoc();
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    int64_t m = wType.getDimSize(0);
    QuantizedWeight qw = quantizeRows(*w, perChannel ? m : 1);
    AffineParams xp;
    Value zx;
    Value xq = quantizeInput(b, loc, conv.getInput(), *range, xp, zx);
    Value wq = q::buildIntConstant(
        b, loc, wType.clone(IntegerType::get(b.getContext(), 8)), qw.values,
        blobName(loc, ".w_i8"));
    auto outType = cast<RankedTensorType>(conv.getType());
    Value acc = q::ConvIntegerOp::create(
        b, loc, outType.clone(b.getI32Type()), xq, wq, zx, Value(),
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupAttr());
    Value y = dequantize(b, loc, acc, 1, xp, qw, bias, m, outType);
    conv.replaceAllUsesWith(y);
    conv.erase();
    return success();
  }

  /// Dynamic: x quantized at run time (per tensor, or per row of a 2-D x),
  /// `acc` scaled back in f32 by s_x * s_w, the bias added in f32.
  Value dynamicMatmul(OpBuilder &b, Location loc, Value x, Value wq,
                      const QuantizedWeight &qw, int64_t n,
                      std::optional<std::vector<float>> bias,
                      RankedTensorType outType) {
    MLIRContext *ctx = b.getContext();
    auto xType = cast<RankedTensorType>(x.getType());
    bool perRow = granularity == "row";
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

  /// x [.., K] times a constant weight `w` given as [K, N] row-major;
  /// `range` is x's calibrated range (static mode).
  Value quantizedMatmul(OpBuilder &b, Location loc, Value x,
                        std::optional<std::pair<float, float>> range,
                        ArrayRef<float> wKN, int64_t k, int64_t n,
                        std::optional<std::vector<float>> bias,
                        RankedTensorType outType) {
    // Output channels are the columns: quantize the transposed weight's rows.
    std::vector<float> wNK(k * n);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        wNK[j * k + i] = wKN[i * n + j];
    QuantizedWeight rows = quantizeRows(wNK, perChannel ? n : 1);
    QuantizedWeight qw;
    qw.scales = rows.scales;
    qw.values.resize(k * n);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        qw.values[i * n + j] = rows.values[j * k + i];
    Value wq = q::buildIntConstant(
        b, loc,
        RankedTensorType::get({k, n}, IntegerType::get(b.getContext(), 8)),
        qw.values, blobName(loc, ".w_i8"));
    if (!range)
      return dynamicMatmul(b, loc, x, wq, qw, n, bias, outType);
    AffineParams xp;
    Value zx;
    Value xq = quantizeInput(b, loc, x, *range, xp, zx);
    Value acc = q::MatMulIntegerOp::create(
        b, loc, outType.clone(b.getI32Type()), xq, wq, zx, Value());
    return dequantize(b, loc, acc, outType.getRank() - 1, xp, qw, bias, n,
                      outType);
  }

  LogicalResult quantizeMatmul(q::MatMulOp op) {
    auto range = activationRange(op.getLhs());
    std::optional<std::vector<float>> w = q::readF32Constant(op.getRhs());
    auto wType = cast<RankedTensorType>(op.getRhs().getType());
    if ((!range && !dynamic()) || !w || wType.getRank() != 2 ||
        !fitsDynamic(op.getLhs()))
      return failure();
    OpBuilder b(op);
    Value y = quantizedMatmul(b, op.getLoc(), op.getLhs(), range, *w,
                              wType.getDimSize(0), wType.getDimSize(1),
                              std::nullopt, op.getType());
    op.replaceAllUsesWith(y);
    op.erase();
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
    OpBuilder b(op);
    Value y = quantizedMatmul(b, op.getLoc(), op.getA(), range, wKN, k, n, bias,
                              cast<RankedTensorType>(op.getType()));
    op.getResult().replaceAllUsesWith(y);
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
    if (granularity != "tensor" && granularity != "row") {
      getOperation().emitError("q-quantize: granularity must be tensor or "
                               "row, not '")
          << granularity << "'";
      return signalPassFailure();
    }
    for (const std::string &kind : ops)
      if (kind != "conv" && kind != "matmul" && kind != "gemm") {
        getOperation().emitError("q-quantize: unknown op kind '")
            << kind << "' in ops (expected conv, matmul or gemm)";
        return signalPassFailure();
      }
    SmallVector<Operation *> candidates;
    getOperation().walk([&](Operation *op) {
      if (isa<q::ConvOp, q::MatMulOp, q::GemmOp>(op))
        candidates.push_back(op);
    });
    for (Operation *op : candidates) {
      if (auto conv = dyn_cast<q::ConvOp>(op)) {
        if (selected("conv", op))
          (void)quantizeConv(conv);
      } else if (auto mm = dyn_cast<q::MatMulOp>(op)) {
        if (selected("matmul", op))
          (void)quantizeMatmul(mm);
      } else if (auto gemm = dyn_cast<q::GemmOp>(op)) {
        if (selected("gemm", op))
          (void)quantizeGemm(gemm);
      }
    }
  }
};
} // namespace
