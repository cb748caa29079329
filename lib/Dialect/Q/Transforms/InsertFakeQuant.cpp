//===- InsertFakeQuant.cpp - the q-insert-fake-quant pass -----------------===//
//
// Part of qmlir. Prepares a float model for quantization-aware training:
// `q.fake_quant` where post-training quantization would quantize, with
// initial ranges from calibration.
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

#include <cmath>

namespace qmlir {
#define GEN_PASS_DEF_QINSERTFAKEQUANT
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

struct QInsertFakeQuantPass
    : qmlir::impl::QInsertFakeQuantBase<QInsertFakeQuantPass> {
  using Base::Base;

  /// The fake-quantized view of each activation so far.
  llvm::DenseMap<Value, Value> faked;

  /// `x` fake-quantized with asymmetric parameters from its calibrated
  /// range (`lo`/`hi`, or `min`/`max` with init=minmax), once per value;
  /// `x` itself when it has no range.
  Value fakeActivation(Value x) {
    if (activations == "none")
      return x;
    auto it = faked.find(x);
    if (it != faked.end())
      return it->second;
    bool minmax = init == "minmax";
    auto range = calibratedRange(x, minmax ? "min" : "lo", minmax ? "max" : "hi");
    if (!range)
      return x;
    bool u8 = activations == "uint8";
    qmlir::quant::IntRange r = u8 ? qmlir::quant::IntRange::uint8() : qmlir::quant::IntRange::int8();
    qmlir::quant::AffineParams p =
        qmlir::quant::asymmetricFromRange(range->first, range->second, r);
    MLIRContext *ctx = x.getContext();
    auto qtype = mlir::quant::UniformQuantizedType::get(
        u8 ? 0 : mlir::quant::QuantizationFlags::Signed,
        IntegerType::get(ctx, 8), Float32Type::get(ctx), p.scale, p.zeroPoint,
        r.qmin, r.qmax);
    OpBuilder b(ctx);
    b.setInsertionPointAfterValue(x);
    Value f = q::FakeQuantOp::create(b, x.getLoc(), x.getType(), x,
                                     TypeAttr::get(qtype));
    faked[x] = f;
    return f;
  }

  /// The constant weight `w` fake-quantized symmetrically (zero point 0,
  /// [-qmax, qmax]) with one scale per index of `axis` (per-channel) or
  /// one for the tensor, from its absolute maximum; null when `w` is not a
  /// constant.
  Value fakeWeight(OpBuilder &b, Location loc, Value w, int64_t axis) {
    std::optional<std::vector<float>> data = q::readF32Constant(w);
    if (!data)
      return Value();
    auto type = cast<RankedTensorType>(w.getType());
    int64_t qmax = weights == "int4" ? 7 : 127;
    int64_t channels = perChannel ? type.getDimSize(axis) : 1;
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
    std::vector<float> absmax(channels, 0.0f);
    for (size_t i = 0; i < data->size(); ++i) {
      int64_t c = perChannel ? (static_cast<int64_t>(i) / inner) % channels : 0;
      absmax[c] = std::max(absmax[c], std::fabs((*data)[i]));
    }
    MLIRContext *ctx = b.getContext();
    SmallVector<double> scales;
    for (float m : absmax) {
      qmlir::quant::AffineParams p = qmlir::quant::symmetricFromRange(
          -m, m, qmlir::quant::IntRange{-qmax, qmax});
      scales.push_back(p.scale);
    }
    // int4 values are held in i8 storage with the narrow range, so the
    // integer kernels (8-bit operands) run them as they are.
    Type storage = IntegerType::get(ctx, 8);
    Type qtype;
    if (perChannel)
      qtype = mlir::quant::UniformQuantizedPerAxisType::get(
          mlir::quant::QuantizationFlags::Signed, storage,
          Float32Type::get(ctx), scales, SmallVector<int64_t>(channels, 0),
          static_cast<int32_t>(axis), -qmax, qmax);
    else
      qtype = mlir::quant::UniformQuantizedType::get(
          mlir::quant::QuantizationFlags::Signed, storage,
          Float32Type::get(ctx), scales[0], 0, -qmax, qmax);
    return q::FakeQuantOp::create(b, loc, type, w, TypeAttr::get(qtype));
  }

  void rewrite(Operation *op, OpOperand &input, OpOperand &weight,
               int64_t axis) {
    OpBuilder b(op);
    Value w = fakeWeight(b, op->getLoc(), weight.get(), axis);
    if (!w)
      return;
    weight.set(w);
    input.set(fakeActivation(input.get()));
  }

  void runOnOperation() override {
    auto fail = [&](const Twine &message) {
      getOperation().emitError("q-insert-fake-quant: ") << message;
      signalPassFailure();
    };
    if (weights != "int8" && weights != "int4")
      return fail("weights must be int8 or int4, not '" + weights + "'");
    if (activations != "uint8" && activations != "int8" &&
        activations != "none")
      return fail("activations must be uint8, int8 or none, not '" +
                  activations + "'");
    if (init != "calibration" && init != "minmax")
      return fail("init must be calibration or minmax, not '" + init + "'");
    if (failed(checkLinearOpKinds(getOperation(), "q-insert-fake-quant",
                                  ops)))
      return signalPassFailure();
    faked.clear();
    for (Operation *op : selectLinearOps(getOperation(), ops, exclude)) {
      if (auto conv = dyn_cast<q::ConvOp>(op)) {
        rewrite(op, conv.getInputMutable(), conv.getWeightMutable(), 0);
      } else if (auto mm = dyn_cast<q::MatMulOp>(op)) {
        auto wType = cast<RankedTensorType>(mm.getRhs().getType());
        if (wType.getRank() == 2)
          rewrite(op, mm.getLhsMutable(), mm.getRhsMutable(), 1);
      } else if (auto gemm = dyn_cast<q::GemmOp>(op)) {
        if (!gemm.getTransA())
          rewrite(op, gemm.getAMutable(), gemm.getBMutable(),
                  gemm.getTransB() ? 0 : 1);
      }
    }
  }
};
} // namespace
