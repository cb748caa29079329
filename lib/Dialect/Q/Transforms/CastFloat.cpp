//===- CastFloat.cpp - the q-cast-float pass ------------------------------===//
//
// Part of qmlir. The f16 and bf16 schemes: weights stored in 16 bits,
// activations rounded to 16 bits where the compute-heavy ops read them,
// accumulation in f32.
//
//===----------------------------------------------------------------------===//

#include "LinearOpSelection.h"
#include "NodeNames.h"
#include "qmlir/Dialect/Q/IR/QConstants.h"
#include "qmlir/Dialect/Q/IR/QOps.h"
#include "qmlir/Dialect/Q/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace qmlir {
#define GEN_PASS_DEF_QCASTFLOAT
#include "qmlir/Dialect/Q/Transforms/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

struct QCastFloatPass : qmlir::impl::QCastFloatBase<QCastFloatPass> {
  using Base::Base;

  FloatType half;
  /// The rounded f32 view of each activation rounded so far.
  llvm::DenseMap<Value, Value> rounded;

  /// `x` rounded to the 16-bit type and read back as f32, once per value,
  /// right after its definition.
  Value roundActivation(Value x) {
    auto it = rounded.find(x);
    if (it != rounded.end())
      return it->second;
    OpBuilder b(x.getContext());
    b.setInsertionPointAfterValue(x);
    auto type = cast<RankedTensorType>(x.getType());
    Value h = q::CastOp::create(b, x.getLoc(), type.clone(half), x);
    Value f = q::CastOp::create(b, x.getLoc(), type, h);
    rounded[x] = f;
    return f;
  }

  /// The constant `value` (f32) stored in 16 bits and widened where read;
  /// null when it is not a constant.
  Value storeHalf(OpBuilder &b, Location loc, Value value, StringRef suffix) {
    std::optional<std::vector<float>> data = q::readF32Constant(value);
    if (!data)
      return Value();
    auto type = cast<RankedTensorType>(value.getType());
    Value h = q::buildHalfConstant(b, loc, type.clone(half), *data,
                                   blobName(loc, suffix));
    return q::CastOp::create(b, loc, type, h);
  }

  /// Rewrites operand `weight` (and `bias`, when a constant) of `op` to
  /// 16-bit storage and `input` to a rounded activation; false when the
  /// weight is not a constant.
  bool rewrite(Operation *op, OpOperand &input, OpOperand &weight,
               OpOperand *bias) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    StringRef suffix = half.isF16() ? ".w_f16" : ".w_bf16";
    Value w = storeHalf(b, loc, weight.get(), suffix);
    if (!w)
      return false;
    weight.set(w);
    if (bias && bias->get())
      if (Value bv = storeHalf(b, loc, bias->get(),
                               half.isF16() ? ".b_f16" : ".b_bf16"))
        bias->set(bv);
    input.set(roundActivation(input.get()));
    return true;
  }

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    if (type == "f16") {
      half = Float16Type::get(ctx);
    } else if (type == "bf16") {
      half = BFloat16Type::get(ctx);
    } else {
      getOperation().emitError("q-cast-float: type must be f16 or bf16, not '")
          << type << "'";
      return signalPassFailure();
    }
    if (failed(checkLinearOpKinds(getOperation(), "q-cast-float", ops)))
      return signalPassFailure();
    rounded.clear();
    for (Operation *op : selectLinearOps(getOperation(), ops, exclude)) {
      if (auto conv = dyn_cast<q::ConvOp>(op))
        rewrite(op, conv.getInputMutable(), conv.getWeightMutable(),
                conv.getBias() ? &conv.getBiasMutable()[0] : nullptr);
      else if (auto mm = dyn_cast<q::MatMulOp>(op))
        rewrite(op, mm.getLhsMutable(), mm.getRhsMutable(), nullptr);
      else if (auto gemm = dyn_cast<q::GemmOp>(op))
        rewrite(op, gemm.getAMutable(), gemm.getBMutable(),
                gemm.getC() ? &gemm.getCMutable()[0] : nullptr);
    }
  }
};
} // namespace
