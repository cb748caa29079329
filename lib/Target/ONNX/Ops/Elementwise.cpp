//===- Elementwise.cpp - ONNX element-wise arithmetic and math ------------===//
//
// Part of qmlir. Add Sub Mul Div Pow Min Max Sum Mean Neg Abs Sign
// Reciprocal Sqrt Exp Log Erf Sin Cos Floor Ceil Round Relu Sigmoid Clip.
// Each q op they import to exports to the ONNX op of its name.
//
//===----------------------------------------------------------------------===//

#include "../NodeExporter.h"
#include "../NodeImporter.h"
#include "LegacyBroadcast.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

template <typename OpTy>
static LogicalResult importBinary(NodeImporter &n) {
  Value lhs = n.input(0), rhs = n.input(1);
  RankedTensorType type = n.outputType();
  if (!lhs || !rhs || !type || failed(checkLegacyBroadcast(n, lhs, rhs)))
    return failure();
  n.setOutput(0, OpTy::create(n.b(), n.getLoc(), type, lhs, rhs));
  return success();
}

template <typename OpTy>
static LogicalResult importUnary(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  n.setOutput(0, OpTy::create(n.b(), n.getLoc(), x));
  return success();
}

/// The input `i`, or null after an error if its elements are not floats
/// (for the ops whose ONNX type constraint is float only).
static Value floatInput(NodeImporter &n, int i) {
  Value x = n.input(i);
  if (!x)
    return {};
  Type elem = cast<RankedTensorType>(x.getType()).getElementType();
  if (!isa<FloatType>(elem)) {
    n.emitError() << "elements of type " << elem
                  << " are unsupported (float tensors only)";
    return {};
  }
  return x;
}

template <typename OpTy>
static LogicalResult importUnaryFloat(NodeImporter &n) {
  Value x = floatInput(n, 0);
  if (!x)
    return failure();
  n.setOutput(0, OpTy::create(n.b(), n.getLoc(), x));
  return success();
}

/// A 0-d q.constant of the float type `elem`.
static Value floatScalar(NodeImporter &n, Type elem, double value) {
  auto type = RankedTensorType::get({}, elem);
  auto attr = DenseElementsAttr::get(type, FloatAttr::get(elem, value));
  return q::ConstantOp::create(n.b(), n.getLoc(), type, attr);
}

static LogicalResult importReciprocal(NodeImporter &n) {
  Value x = floatInput(n, 0);
  if (!x)
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  Value one = floatScalar(n, type.getElementType(), 1.0);
  n.setOutput(0, q::DivOp::create(n.b(), n.getLoc(), type, one, x));
  return success();
}

/// Folds the inputs of a variadic op (Sum, Min, Max, Mean) left to right
/// with a broadcasting binary op; one input is returned as is.
template <typename OpTy>
static Value foldInputs(NodeImporter &n) {
  if (n.numInputs() == 0) {
    n.emitError() << "needs at least one input";
    return {};
  }
  Value acc = n.input(0);
  if (!acc)
    return {};
  for (int i = 1; i < n.numInputs(); ++i) {
    Value next = n.input(i);
    if (!next)
      return {};
    auto a = cast<RankedTensorType>(acc.getType());
    auto b = cast<RankedTensorType>(next.getType());
    FailureOr<SmallVector<int64_t>> shape =
        q::broadcastShapes(a.getShape(), b.getShape());
    if (failed(shape) || a.getElementType() != b.getElementType()) {
      n.emitError() << "input " << i << " of type " << b
                    << " does not broadcast with " << a;
      return {};
    }
    auto type = RankedTensorType::get(*shape, a.getElementType());
    acc = OpTy::create(n.b(), n.getLoc(), type, acc, next);
  }
  return acc;
}

template <typename OpTy>
static LogicalResult importVariadic(NodeImporter &n) {
  Value v = foldInputs<OpTy>(n);
  if (!v)
    return failure();
  n.setOutput(0, v);
  return success();
}

static LogicalResult importMean(NodeImporter &n) {
  for (int i = 0; i < n.numInputs(); ++i)
    if (!floatInput(n, i))
      return failure();
  Value sum = foldInputs<q::AddOp>(n);
  if (!sum)
    return failure();
  if (n.numInputs() == 1) {
    n.setOutput(0, sum);
    return success();
  }
  auto type = cast<RankedTensorType>(sum.getType());
  Value count = floatScalar(n, type.getElementType(), n.numInputs());
  n.setOutput(0, q::DivOp::create(n.b(), n.getLoc(), type, sum, count));
  return success();
}

static LogicalResult importClip(NodeImporter &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  Value lo, hi;
  if (n.getOpset() < 11) {
    // Bounds were float attributes.
    auto scalar = [&](StringRef name) -> Value {
      if (!n.hasAttr(name))
        return {};
      return floatScalar(n, type.getElementType(), n.attrFloat(name, 0));
    };
    lo = scalar("min");
    hi = scalar("max");
  } else {
    lo = n.input(1);
    hi = n.input(2);
  }
  n.setOutput(0, q::ClipOp::create(n.b(), n.getLoc(), type, x, lo, hi));
  return success();
}

void registerElementwiseOps(ImporterRegistry &r) {
  r.add("", "Add", importBinary<q::AddOp>);
  r.add("", "Sub", importBinary<q::SubOp>);
  r.add("", "Mul", importBinary<q::MulOp>);
  r.add("", "Div", importBinary<q::DivOp>);
  r.add("", "Pow", importBinary<q::PowOp>);
  r.add("", "Sum", importVariadic<q::AddOp>);
  r.add("", "Min", importVariadic<q::MinOp>);
  r.add("", "Max", importVariadic<q::MaxOp>);
  r.add("", "Mean", importMean);
  r.add("", "Neg", importUnary<q::NegOp>);
  r.add("", "Abs", importUnary<q::AbsOp>);
  r.add("", "Sign", importUnary<q::SignOp>);
  r.add("", "Reciprocal", importReciprocal);
  r.add("", "Sqrt", importUnaryFloat<q::SqrtOp>);
  r.add("", "Exp", importUnaryFloat<q::ExpOp>);
  r.add("", "Log", importUnaryFloat<q::LogOp>);
  r.add("", "Erf", importUnaryFloat<q::ErfOp>);
  r.add("", "Sin", importUnaryFloat<q::SinOp>);
  r.add("", "Cos", importUnaryFloat<q::CosOp>);
  r.add("", "Floor", importUnaryFloat<q::FloorOp>);
  r.add("", "Ceil", importUnaryFloat<q::CeilOp>);
  r.add("", "Round", importUnaryFloat<q::RoundOp>);
  r.add("", "Relu", importUnary<q::ReluOp>);
  r.add("", "Sigmoid", importUnary<q::SigmoidOp>);
  r.add("", "Clip", importClip);
}

} // namespace qmlir::onnx_import

namespace qmlir::onnx_export {

void registerElementwiseExporters(ExporterRegistry &r) {
  r.addNodeOfOperands<q::AddOp>("Add");
  r.addNodeOfOperands<q::SubOp>("Sub");
  r.addNodeOfOperands<q::MulOp>("Mul");
  r.addNodeOfOperands<q::DivOp>("Div");
  r.addNodeOfOperands<q::PowOp>("Pow");
  r.addNodeOfOperands<q::MinOp>("Min");
  r.addNodeOfOperands<q::MaxOp>("Max");
  r.addNodeOfOperands<q::NegOp>("Neg");
  r.addNodeOfOperands<q::AbsOp>("Abs");
  r.addNodeOfOperands<q::SignOp>("Sign");
  r.addNodeOfOperands<q::SqrtOp>("Sqrt");
  r.addNodeOfOperands<q::ExpOp>("Exp");
  r.addNodeOfOperands<q::LogOp>("Log");
  r.addNodeOfOperands<q::ErfOp>("Erf");
  r.addNodeOfOperands<q::SinOp>("Sin");
  r.addNodeOfOperands<q::CosOp>("Cos");
  r.addNodeOfOperands<q::FloorOp>("Floor");
  r.addNodeOfOperands<q::CeilOp>("Ceil");
  r.addNodeOfOperands<q::RoundOp>("Round");
  r.addNodeOfOperands<q::ReluOp>("Relu");
  r.addNodeOfOperands<q::SigmoidOp>("Sigmoid");
  // Clip's bounds are optional inputs: an absent min is named "".
  r.add<q::ClipOp>([](q::ClipOp op, NodeExporter &e) {
    e.addNode("Clip",
              {e.name(op.getInput()), e.name(op.getMin()), e.name(op.getMax())},
              {e.output()});
    return success();
  });
}

} // namespace qmlir::onnx_export
