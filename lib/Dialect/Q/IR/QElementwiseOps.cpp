//===- QElementwiseOps.cpp - verifiers of element-wise ops ----------------===//
//
// Part of qmlir. Broadcasting rules of the element-wise math, comparison,
// logic and selection ops, and the axis of q.log_softmax. (q.add, q.sub,
// q.mul, q.div, q.clip and q.softmax are verified in QOps.cpp.)
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace qmlir::q;

/// Checks that the operands broadcast together (numpy rules) to the shape of
/// the op's single result.
static LogicalResult verifyBroadcastOperands(Operation *op) {
  SmallVector<int64_t> shape;
  for (Value operand : op->getOperands()) {
    ArrayRef<int64_t> next = cast<ShapedType>(operand.getType()).getShape();
    FailureOr<SmallVector<int64_t>> joined = broadcastShapes(shape, next);
    if (failed(joined)) {
      InFlightDiagnostic diag = op->emitOpError("operand shapes ");
      llvm::interleave(
          op->getOperandTypes(), diag,
          [&](Type t) { diag << formatShape(cast<ShapedType>(t).getShape()); },
          ", ");
      return diag << " do not broadcast";
    }
    shape = std::move(*joined);
  }
  ArrayRef<int64_t> result =
      cast<ShapedType>(op->getResult(0).getType()).getShape();
  if (result != ArrayRef<int64_t>(shape))
    return op->emitOpError("result shape ")
           << formatShape(result) << " differs from the broadcast shape "
           << formatShape(shape);
  return success();
}

LogicalResult MinOp::verify() { return verifyBroadcastOperands(*this); }
LogicalResult MaxOp::verify() { return verifyBroadcastOperands(*this); }

LogicalResult PowOp::verify() {
  Type base = getLhs().getType().getElementType();
  if (getResult().getType().getElementType() != base)
    return emitOpError("result element type ")
           << getResult().getType().getElementType()
           << " differs from the base's " << base;
  return verifyBroadcastOperands(*this);
}

LogicalResult EqualOp::verify() { return verifyBroadcastOperands(*this); }
LogicalResult LessOp::verify() { return verifyBroadcastOperands(*this); }
LogicalResult LessOrEqualOp::verify() { return verifyBroadcastOperands(*this); }
LogicalResult GreaterOp::verify() { return verifyBroadcastOperands(*this); }
LogicalResult GreaterOrEqualOp::verify() {
  return verifyBroadcastOperands(*this);
}

LogicalResult AndOp::verify() { return verifyBroadcastOperands(*this); }
LogicalResult OrOp::verify() { return verifyBroadcastOperands(*this); }
LogicalResult XorOp::verify() { return verifyBroadcastOperands(*this); }
LogicalResult WhereOp::verify() { return verifyBroadcastOperands(*this); }

LogicalResult PReluOp::verify() {
  auto in = getInput().getType();
  if (getOutput().getType() != in)
    return emitOpError("result type ")
           << getOutput().getType() << " differs from input type " << in;
  // The slope stretches to the input, never the other way.
  ArrayRef<int64_t> slope = getSlope().getType().getShape();
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(in.getShape(), slope);
  if (failed(shape) || ArrayRef<int64_t>(*shape) != in.getShape())
    return emitOpError("slope of shape ")
           << formatShape(slope) << " does not broadcast to the input shape "
           << formatShape(in.getShape());
  return success();
}

LogicalResult LogSoftmaxOp::verify() {
  int64_t rank = getInput().getType().getRank();
  // I64Attr reads back as uint64_t; the axis is signed.
  int64_t axis = getAxis();
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    return emitOpError("axis ") << axis << " out of range for rank " << rank;
  return success();
}
