//===- QReductionOps.cpp - reductions, argmax, argmin ---------------------===//
//
// Part of qmlir. Verifiers of the ops of QReductionOps.td.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/Q/IR/QOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace qmlir::q;

/// The result of a reduction over `axes` (sorted) either keeps the reduced
/// dimensions with size 1 or drops them.
static LogicalResult verifyReducedShape(Operation *op, ShapedType in,
                                        ArrayRef<int64_t> axes,
                                        ShapedType out) {
  SmallVector<int64_t> kept, dropped;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    bool reduced = llvm::is_contained(axes, d);
    kept.push_back(reduced ? 1 : in.getDimSize(d));
    if (!reduced)
      dropped.push_back(in.getDimSize(d));
  }
  if (out.getShape() != ArrayRef<int64_t>(kept) &&
      out.getShape() != ArrayRef<int64_t>(dropped))
    return op->emitOpError("result shape ")
           << formatShape(out.getShape()) << " is neither " << formatShape(kept)
           << " (reduced dimensions kept) nor " << formatShape(dropped)
           << " (dropped)";
  return success();
}

LogicalResult ReduceOp::verify() {
  auto in = getInput().getType();
  int64_t rank = in.getRank();
  ArrayRef<int64_t> axes = getAxes();
  for (auto [i, axis] : llvm::enumerate(axes))
    if (axis < 0 || axis >= rank || (i > 0 && axes[i - 1] >= axis))
      return emitOpError("axes must be sorted, distinct and in [0, ")
             << rank << ")";
  StringRef kind = getKind();
  if ((kind == "l2" || kind == "log_sum" || kind == "log_sum_exp") &&
      !isa<FloatType>(in.getElementType()))
    return emitOpError("kind \"")
           << kind << "\" needs a float element type, got "
           << in.getElementType();
  return verifyReducedShape(*this, in, axes, getOutput().getType());
}

template <typename OpTy> static LogicalResult verifyArgReduce(OpTy op) {
  auto in = op.getInput().getType();
  int64_t axis = op.getAxis();
  if (axis < 0 || axis >= in.getRank())
    return op.emitOpError("axis ")
           << axis << " out of range for rank " << in.getRank();
  return verifyReducedShape(op, in, {axis}, op.getOutput().getType());
}

LogicalResult ArgMaxOp::verify() { return verifyArgReduce(*this); }
LogicalResult ArgMinOp::verify() { return verifyArgReduce(*this); }
