//===- Elementwise.cpp - ONNX element-wise arithmetic and activations -----===//
//
// Part of qmlir. Add Sub Mul Div Relu Sigmoid Clip.
//
//===----------------------------------------------------------------------===//

#include "../NodeImporter.h"
#include "qmlir/Dialect/Q/IR/QOps.h"

using namespace mlir;

namespace qmlir::onnx_import {

template <typename OpTy>
static LogicalResult importBinary(NodeImporter &n) {
  Value lhs = n.input(0), rhs = n.input(1);
  RankedTensorType type = n.outputType();
  if (!lhs || !rhs || !type)
    return failure();
  // Opset < 7 had explicit broadcasting with `axis`; only trailing-aligned
  // broadcasting, the numpy rule, has the same meaning.
  if (n.getOpset() < 7 && n.attrInt("broadcast", 0) && n.hasAttr("axis")) {
    int64_t lhsRank = cast<RankedTensorType>(lhs.getType()).getRank();
    int64_t rhsRank = cast<RankedTensorType>(rhs.getType()).getRank();
    std::optional<int64_t> axis = normalizeAxis(n.attrInt("axis", 0), lhsRank);
    if (!axis || *axis != lhsRank - rhsRank)
      return n.emitError() << "legacy broadcasting along axis "
                           << n.attrInt("axis", 0)
                           << " is unsupported (only trailing alignment, "
                              "axis "
                           << lhsRank - rhsRank
                           << " here); re-export with opset >= 7";
  }
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
      auto t = RankedTensorType::get({}, type.getElementType());
      auto attr = DenseElementsAttr::get(
          t, FloatAttr::get(type.getElementType(), n.attrFloat(name, 0)));
      return q::ConstantOp::create(n.b(), n.getLoc(), t, attr);
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
  r.add("", "Relu", importUnary<q::ReluOp>);
  r.add("", "Sigmoid", importUnary<q::SigmoidOp>);
  r.add("", "Clip", importClip);
}

} // namespace qmlir::onnx_import
